"""Benchmark: dry run + import of a follow-up workbook of 10 000 indicator rows (target < 1 s), the same
for a porteur's stamped copy of a pre-filled template (three-way merge, target ≤ 1,5 s), and the peak
memory (RSS) of an import, hostile file or not (target < 500 Mo).

    python scripts/bench_import.py [--rows 10000] [--repeat 5]

Generates a plan of N indicators (every unit) and a filled workbook in the follow-up layout
(`Indicateurs` + `Avancement`), then times, on a fresh SQLite store each time:
  read  = followup.read_followup (calamine, checks against the plan)
  diff  = store.diff (dry-run counts)
  apply = store.apply (one transaction)
and the same file again (0 new, 0 changed), and the door alone (xlsx_scan.scan, then the cells read
within the scanned extent, xlsx_scan.read_rows), which every workbook goes through, follow-up or plan.
Prints medians. Not a test: numbers depend on the machine.

Memory: each case runs in a child process (this script with --child) that reports its own peak
RSS (VmHWM of /proc/self/status): the floor (Python with the modules loaded, nothing read), the 10 000-row file
imported, a sheet that decompresses to over 1 GB (refused), the same sheet declared as 1 000
bytes (refused while decompressing), a 1 KB sheet whose one blank cell sits at XFD1048576 (refused by
the door; the cell reader alone would allocate the whole grid).
"""

from __future__ import annotations

import argparse
import io
import json
import resource
import statistics
import struct
import subprocess
import sys
import tempfile
import time
import zlib
from pathlib import Path

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import NamedStyle

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from dashboard.plan import Plan  # noqa: E402
from dashboard.suivi import followup, importer, store, xlsx_scan  # noqa: E402

UNITS = ["nombre", "nombre", "€", "%", "oui/non", "date"]


def make_plan(n: int, n_actions: int = 60) -> Plan:
    actions = pd.DataFrame({"action_id": pd.array(range(1, n_actions + 1), dtype="Int64"),
                            "titre": [f"Action {i}" for i in range(1, n_actions + 1)]})
    aid = [1 + i % n_actions for i in range(n)]
    ind = pd.DataFrame({"indicateur_id": [f"A{a}-{i + 1}" for i, a in enumerate(aid)],
                        "action_id": pd.array(aid, dtype="Int64"), "indicateur": [f"Indicateur {i}" for i in range(n)],
                        "type": "quantitatif", "unite": [UNITS[i % len(UNITS)] for i in range(n)], "sens": "hausse",
                        "extrait": ""})
    empty = pd.DataFrame()
    return Plan(axes=empty, enjeux=empty, actions=actions, budget=empty, etp=empty, calendrier=empty,
                indicateurs=ind, hypotheses=empty, capacite=empty, periode=(2023, 2028))


def make_file(plan: Plan, year: int, percent_style: bool) -> bytes:
    """A filled workbook: every indicator with a result and an objective, typed the way staff type."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Indicateurs")
    ws.append(["Identifiant", "N° action", "Action", "Indicateur", "Unité", f"Rappel {year - 1}",
               f"{year} Résultat", f"{year} Objectif", "Commentaire", "Source"])
    pct = NamedStyle(name="pct", number_format="0%")
    from openpyxl.cell import WriteOnlyCell
    for i, r in enumerate(plan.indicateurs.itertuples(index=False)):
        u = r.unite
        if u == "nombre":
            res, obj = (f"{1000 + i:,}".replace(",", "\u202f") if i % 2 else float(1000 + i)), 2000.0
        elif u == "€":
            res, obj = f"{12000 + i} €", 15000.0
        elif u == "%":
            if percent_style:
                res = WriteOnlyCell(ws, 0.45)
                res.style = pct
            else:
                res = "45 %"
            obj = 60.0
        elif u == "oui/non":
            res, obj = ("oui" if i % 3 else "x"), "oui"
        else:
            res, obj = "31/12/2025", None
        ws.append([r.indicateur_id, int(r.action_id), "", r.indicateur, u, None, res, obj,
                   "commentaire" if i % 10 == 0 else None, None])
    av = wb.create_sheet("Avancement")
    av.append(["N° action", "Action", "Statut", "Début réel", "Fin réelle", "Fin révisée", f"{year} Dépenses (€)",
               f"{year} ETP", "Commentaire"])
    for a in plan.actions["action_id"]:
        av.append([int(a), "", "En cours", "01/03/2024", None, None, "1 234,5", "0,5", None])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def run_once(plan: Plan, data: bytes) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        engine = store.open_engine(f"sqlite:///{tmp}/bench.sqlite")
        t0 = time.perf_counter()
        report = followup.read_followup(data, plan)
        t1 = time.perf_counter()
        counts = store.diff(engine, report)
        t2 = time.perf_counter()
        batch = store.apply(engine, report)
        t3 = time.perf_counter()
        again = importer.import_workbook(engine, data, plan, dry_run=False)
        t4 = time.perf_counter()
        scans = xlsx_scan.scan(data, (followup.SHEET_IND, followup.SHEET_AV))
        t5 = time.perf_counter()
        xlsx_scan.read_rows(data, scans)
        t6 = time.perf_counter()
        assert report.ok and batch == 1 and counts.changed == 0, report.problems[:3]
        assert again.batch_id is None and again.counts.new == 0 and again.counts.changed == 0
        pct_ids = plan.indicateurs.loc[plan.indicateurs["unite"] == "%", "indicateur_id"]
        pct = report.indicateurs.set_index("indicateur_id").loc[pct_ids, "resultat"]
        assert (pct.round(9) == 45).all()  # "45 %" typed, or 0.45 in a percent cell
        engine.dispose()
    return {"lecture+contrôle": t1 - t0, "à blanc (diff)": t2 - t1, "import (apply)": t3 - t2,
            "total à blanc+import": t3 - t0, "même fichier à nouveau": t4 - t3,
            "porte : examen (scan)": t5 - t4, "porte : examen + lecture": t6 - t4, "_values": counts.new}


def stamped_copy(plan: Plan, engine) -> tuple[bytes, int]:
    """A porteur's copy of the template issued from `engine` (stamped, pre-filled): the result of every
    number and euro indicator changed; the copy and how many values it changes."""
    from openpyxl import load_workbook

    from dashboard.suivi import template

    wb = load_workbook(io.BytesIO(template.write_template(plan, 2025, store.load_suivi(engine))))
    ws = wb["Indicateurs"]
    col = [c.value for c in ws[1]].index("2025 Résultat") + 1
    changed = 0
    for r in range(2, ws.max_row + 1):
        if ws.cell(r, 5).value in ("nombre", "€"):
            ws.cell(r, col, 1 + (ws.cell(r, col).value or 0))
            changed += 1
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue(), changed


def run_stamped(plan: Plan, first: bytes) -> dict[str, float]:
    """A stamped copy (the template issued after `first` was imported) checked then imported: the three-way
    merge against the stamp, every line listed, then the write."""
    with tempfile.TemporaryDirectory() as tmp:
        engine = store.open_engine(f"sqlite:///{tmp}/bench.sqlite")
        assert importer.import_workbook(engine, first, plan, dry_run=False).batch_id == 1
        data, changed = stamped_copy(plan, engine)
        t0 = time.perf_counter()
        dry = importer.import_workbook(engine, data, plan, dry_run=True)
        t1 = time.perf_counter()
        done = importer.import_workbook(engine, data, plan, dry_run=False, checked=dry)  # as the page does
        t2 = time.perf_counter()
        assert dry.report.stamp is not None and done.batch_id == 2 and done.counts.changed == changed, done.message()
        engine.dispose()
    return {"à blanc (fusion au tampon)": t1 - t0, "import": t2 - t1, "total à blanc+import": t2 - t0,
            "_values": changed}


def dense_rows(rows: int, cols: int):
    """Sheet rows of distinct numbers (compress like real data, unlike a bomb), in chunks."""
    for r in range(rows):
        yield ("<row>" + "".join(f"<c><v>{(r * cols + c) * 7919 % 1_000_003}</v></c>" for c in range(cols))
               + "</row>").encode()


def bomb(path: Path, size: int, declared: int | None = None, rows=None) -> None:
    """A workbook whose sheet decompresses to `size` bytes of XML (written in chunks, never held whole);
    `rows` (chunks) instead of the repeated block: a big but honest sheet."""
    parts = {
        "[Content_Types].xml": b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
                               b'content-types"/>',
        "_rels/.rels": b'<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
                       b'relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
                       b'officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
                       b'</Relationships>',
        "xl/workbook.xml": b'<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/'
                           b'2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
                           b'<sheets><sheet name="Indicateurs" sheetId="1" r:id="rId1"/></sheets></workbook>',
        "xl/_rels/workbook.xml.rels": b'<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/'
                                      b'package/2006/relationships"><Relationship Id="rId1" Target="worksheets/'
                                      b'sheet1.xml" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
                                      b'relationships/worksheet"/></Relationships>',
    }
    head = (b'<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            b"<sheetData>")
    tail = b"</sheetData></worksheet>"
    central = []
    with path.open("wb") as f:
        def member(name: str, chunks, n: int, declare: int) -> None:
            offset = f.tell()
            comp, crc = zlib.compressobj(6, zlib.DEFLATED, -15), 0
            f.write(struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, 0, 0, 0, declare, len(name), 0)
                    + name.encode())
            start = f.tell()
            for c in chunks:
                crc = zlib.crc32(c, crc)
                f.write(comp.compress(c))
            f.write(comp.flush())
            csize = f.tell() - start
            end = f.tell()
            f.seek(offset + 14)
            f.write(struct.pack("<III", crc, csize, declare))
            f.seek(end)
            central.append((name, crc, csize, declare, offset))

        for name, content in parts.items():
            member(name, [content], len(content), len(content))
        if rows is None:
            block = b"<row><c><v>1</v></c></row>" * 40_000
            chunks = [head, *([block] * (size // len(block))), tail]
        else:
            chunks = [head, *rows, tail]
        total = sum(len(c) for c in chunks)
        member("xl/worksheets/sheet1.xml", chunks, total, declared or total)
        cd = f.tell()
        for name, crc, csize, usize, offset in central:
            f.write(struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, 8, 0, 0, crc, csize, usize, len(name),
                                0, 0, 0, 0, 0, offset) + name.encode())
        f.write(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(central), len(central), f.tell() - cd, cd, 0))


def child(case: str, path: str, rows: int) -> None:
    """One import in this process; prints its peak RSS (Mo) and what happened, as JSON."""
    plan = make_plan(rows)
    outcome = "—"
    if case != "plancher":
        with tempfile.TemporaryDirectory() as tmp:
            engine = store.open_engine(f"sqlite:///{tmp}/mem.sqlite")
            if case == "tamponne":  # the store holds the first file, the porteur's stamped copy is imported
                importer.import_workbook(engine, make_file(plan, 2025, False), plan, dry_run=False)
                data, _ = stamped_copy(plan, engine)
                Path(path).write_bytes(data)
            o = importer.import_workbook(engine, Path(path).read_bytes(), plan, dry_run=False)
            outcome = (f"import n° {o.batch_id}" if o.batch_id else
                       "refusé : " + (o.report.problems[0].text[:90] if o.report.problems else "?"))
    print(json.dumps({"rss": peak_rss_mb(), "outcome": outcome}))


def peak_rss_mb() -> float:
    """This process's peak RSS: VmHWM (getrusage's ru_maxrss keeps the parent's peak across fork + exec)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def memory(plan: Plan, rows: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        good = Path(tmp, "suivi_10000.xlsx")
        good.write_bytes(make_file(plan, 2025, False))
        big, liar = Path(tmp, "bombe.xlsx"), Path(tmp, "bombe_taille_fausse.xlsx")
        bomb(big, 1_100_000_000)
        bomb(liar, 1_100_000_000, declared=1000)
        worst = Path(tmp, "plus_grand_accepte.xlsx")
        bomb(worst, 0, rows=list(dense_rows(xlsx_scan.MAX_ROWS, xlsx_scan.MAX_COLS)))
        far = Path(tmp, "cellule_lointaine.xlsx")
        bomb(far, 0, rows=[b'<row r="1048576"><c r="XFD1048576" t="str"><v> </v></c></row>'])
        cases = [("plancher", "", "plancher (modules chargés, rien lu)"),
                 ("fichier", str(good), f"{rows} lignes d'indicateurs ({good.stat().st_size / 1e6:.2f} Mo)"),
                 ("tamponne", str(Path(tmp, "copie_tamponnee.xlsx")), f"copie tamponnée de {rows} lignes, "
                                                                        "après un premier import"),
                 ("bombe", str(big), f"feuille de 1,1 Go décompressée ({big.stat().st_size / 1e6:.2f} Mo)"),
                 ("bombe", str(liar), f"la même, annoncée 1 000 octets ({liar.stat().st_size / 1e6:.2f} Mo)"),
                 ("dense", str(worst), f"{xlsx_scan.MAX_ROWS} × {xlsx_scan.MAX_COLS} nombres, le plus grand lu "
                                       f"({worst.stat().st_size / 1e6:.2f} Mo)"),
                 ("lointaine", str(far), f"une cellule au blanc en XFD1048576 ({far.stat().st_size / 1e3:.1f} Ko)")]
        print("Mémoire (pic RSS de chaque import, dans un processus à part ; cible < 500 Mo) :")
        for case, path, label in cases:
            done = subprocess.run([sys.executable, __file__, "--child", case, "--path", path, "--rows", str(rows)],
                                  capture_output=True, text=True, check=True)
            r = json.loads(done.stdout.strip().splitlines()[-1])
            print(f"  {label:<52} {r['rss']:7.0f} Mo  {r['outcome']}")


def medians(runs: list[dict], title: str) -> None:
    """The title, then the median of each figure of the runs (keys starting with _ are not timings)."""
    print(title)
    for key in runs[0]:
        if not key.startswith("_"):
            print(f"  {key:<28} {statistics.median(r[key] for r in runs):6.3f} s")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=10_000)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--child", default=None)
    ap.add_argument("--path", default="")
    a = ap.parse_args()
    if a.child:
        child(a.child, a.path, a.rows)
        return
    plan = make_plan(a.rows)
    for label, percent_style in (("saisies texte (45 %)", False), ("cellules au format pourcentage", True)):
        data = make_file(plan, 2025, percent_style)
        runs = [run_once(plan, data) for _ in range(a.repeat)]
        medians(runs, f"{a.rows} lignes d'indicateurs, {label} — {runs[0]['_values']} valeurs, "
                      f"fichier {len(data) / 1e6:.2f} Mo, médianes sur {a.repeat} essais :")
    first = make_file(plan, 2025, False)
    runs = [run_stamped(plan, first) for _ in range(a.repeat)]
    medians(runs, f"{a.rows} lignes, copie tamponnée d'un modèle pré-rempli — {runs[0]['_values']} valeurs "
                  f"changées, médianes sur {a.repeat} essais (cible à blanc + import ≤ 1,5 s) :")
    memory(plan, a.rows)


if __name__ == "__main__":
    main()
