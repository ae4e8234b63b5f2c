"""One door for every workbook: a follow-up workbook and a revision of the plan (or the plan at start, or
a stored version) meet the same limits and the same French messages, before any cell is read.

The corpus is built here from two sound workbooks, the 2025 follow-up template of the shipped plan and
the shipped plan itself, each edited the way a hostile or broken file would be (far cells, empty or
not; part names differing by case; non-finite numbers; digits of other scripts; DOCTYPE in each part;
oversized parts). Each is refused by both doors, in process and on the command line (exit 1, a
French message, no traceback, under 60 s and 1 GB), and nothing is stored.
"""

from __future__ import annotations

import io
import os
import re
import struct
import subprocess
import sys
import zipfile
from datetime import datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from markdown_builders import literal
from openpyxl import load_workbook
from suivi_builders import rezip
from versions_builders import SHIPPED

from dashboard import fmt, revision, xlsx_scan
from dashboard.plan import PlanError, Problem, load_plan, load_plan_bytes, versions
from dashboard.suivi import cells, followup, importer, store, template

ROOT = Path(__file__).resolve().parents[2]
PLACEHOLDER = 987654321  # a number written with openpyxl, then replaced in the XML by what openpyxl cannot write


# --- the two sound workbooks, and how to edit them ---------------------------------------------------

def _saved(wb) -> bytes:
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _col(ws, header: str) -> int:
    return [c.value for c in ws[1]].index(header) + 1


def followup_file(edit=None) -> bytes:
    """The 2025 follow-up template of the shipped plan, one value filled, `edit(wb)` applied."""
    wb = load_workbook(io.BytesIO(template.write_template(load_plan(SHIPPED), 2025)))
    ws = wb["Indicateurs"]
    ws.cell(3, _col(ws, "2025 Résultat"), 12)  # A1-2, a number
    if edit:
        edit(wb)
    return _saved(wb)


def plan_file(edit=None) -> bytes:
    """The shipped plan, saved again by openpyxl, `edit(wb)` applied."""
    wb = load_workbook(SHIPPED)
    if edit:
        edit(wb)
    return _saved(wb)


def part_of(data: bytes, sheet: str) -> str:
    """The zip part of a sheet (workbook.xml and its relationships)."""
    z = zipfile.ZipFile(io.BytesIO(data))
    rid = re.search(rf'<sheet [^>]*name="{re.escape(sheet)}"[^>]*r:id="([^"]+)"', z.read("xl/workbook.xml").decode())
    target = re.search(rf'Id="{rid.group(1)}"[^>]*Target="([^"]+)"|Target="([^"]+)"[^>]*Id="{rid.group(1)}"',
                       z.read("xl/_rels/workbook.xml.rels").decode())
    return "xl/" + (target.group(1) or target.group(2)).removeprefix("/xl/")




def in_sheet(data: bytes, sheet: str, xml: bytes, dimension: bytes | None = None) -> bytes:
    """`xml` appended to the sheet's data (rows after the last one); its dimension replaced if given."""
    def change(content: bytes) -> bytes:
        content = content.replace(b"</sheetData>", xml + b"</sheetData>")
        if dimension is not None:
            content = re.sub(rb'<dimension ref="[^"]*"/>', b'<dimension ref="' + dimension + b'"/>', content)
        return content
    return rezip(data, {part_of(data, sheet): change})


def with_value(data: bytes, sheet: str, text: bytes) -> bytes:
    """The numeric cell holding PLACEHOLDER now holds `text` (`inf`, `1e309`: what Excel never writes)."""
    part = part_of(data, sheet)
    return rezip(data, {part: lambda c: c.replace(f"<v>{PLACEHOLDER}</v>".encode(), b"<v>" + text + b"</v>")})


def _set(sheet: str, header: str, value, row: int = 3):
    def edit(wb):
        ws = wb[sheet]
        ws.cell(row, _col(ws, header), value)
    return edit


# --- the corpus: (name, its follow-up file, its plan file, what the refusal says) ----------------------

NBSP = "\u202f"
FAR_BLANK = b'<row r="1048576"><c r="XFD1048576" t="str"><v> </v></c></row>'  # the 17 KB file that killed the server
FAR = f"jusqu'à la ligne 1{NBSP}048{NBSP}576"
EVEN_EMPTY = "a des cellules, même vides ou seulement mises en forme, jusqu'à la ligne"
LONG_TEXT = "x" * 50_000


def _shared_strings_by_another_case(data: bytes, sheet: str) -> bytes:
    """One 50 000-character shared string used by 450 cells (22,5 million characters for the cell reader),
    in a part named xl/SharedStrings.xml: the cell reader finds it whatever its case."""
    sst = (b'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
           b' count="1" uniqueCount="1"><si><t>' + LONG_TEXT.encode() + b"</t></si></sst>")
    rows = b"".join(f'<row r="{r}"><c r="Z{r}" t="s"><v>0</v></c></row>'.encode() for r in range(300, 750))
    return rezip(in_sheet(data, sheet, rows), add=[("xl/SharedStrings.xml", sst)])


def _same_name_but_case(data: bytes) -> bytes:
    z = zipfile.ZipFile(io.BytesIO(data))
    return rezip(data, add=[("XL/Styles.xml", z.read("xl/styles.xml"))])


def _doctype(part: str):
    def change(content: bytes) -> bytes:
        body = content.split(b"?>", 1)[1] if content.startswith(b"<?xml") else content
        return b'<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>' + body
    return change


def _oversized(data: bytes, sheet: str, n: int) -> bytes:
    part = part_of(data, sheet)
    return rezip(data, {part: lambda c: c.replace(b"</sheetData>", b"</sheetData>" + b" " * n, 1)})


def _lie_about_size(data: bytes, name: str, declared: int) -> bytes:
    """Patch the declared uncompressed size of one part (central directory and local header)."""
    buf = bytearray(data)
    pos = buf.find(b"PK\x01\x02")
    while pos != -1:
        n = struct.unpack("<H", buf[pos + 28:pos + 30])[0]
        if bytes(buf[pos + 46:pos + 46 + n]) == name.encode():
            struct.pack_into("<I", buf, pos + 24, declared)
            struct.pack_into("<I", buf, struct.unpack("<I", buf[pos + 42:pos + 46])[0] + 22, declared)
        pos = buf.find(b"PK\x01\x02", pos + 4)
    return bytes(buf)


F_IND, F_AV, P_BUD = "Indicateurs", "Avancement", "Budget"
MONTANT = "Montant min (€)"


def corpus() -> list[tuple[str, bytes, bytes, str]]:
    fu, pl = followup_file(), plan_file()
    fu_num = followup_file(_set(F_IND, "2025 Résultat", PLACEHOLDER))
    pl_num = plan_file(_set(P_BUD, MONTANT, PLACEHOLDER))
    return [
        ("cellule au blanc tout au bout (XFD1048576)", in_sheet(fu, F_IND, FAR_BLANK), in_sheet(pl, P_BUD, FAR_BLANK),
         f"{EVEN_EMPTY} 1{NBSP}048{NBSP}576 et la colonne XFD"),
        ("cellule au blanc au-delà de 20 000 lignes",
         in_sheet(fu, F_IND, b'<row r="30000"><c r="CV30000" t="str"><v> </v></c></row>'),
         in_sheet(pl, P_BUD, b'<row r="30000"><c r="CV30000" t="inlineStr"><is><t></t></is></c></row>'),
         f"jusqu'à la ligne 30{NBSP}000 et la colonne CV : un "),
        ("cellule vide lointaine", in_sheet(fu, F_AV, b'<row r="25000"><c r="B25000" s="1"/></row>'),
         in_sheet(pl, P_BUD, b'<row r="25000"><c r="B25000" s="1"/></row>'), f"{EVEN_EMPTY} 25{NBSP}000"),
        ("ligne lointaine", in_sheet(fu, F_IND, b'<row r="1048576"/>'), in_sheet(pl, P_BUD, b'<row r="1048576"/>'), FAR),
        ("dimension lointaine", in_sheet(fu, F_IND, b"", b"A1:XFD1048576"), in_sheet(pl, P_BUD, b"", b"A1:XFD1048576"),
         FAR),
        ("chaînes partagées sous un autre nom", _shared_strings_by_another_case(fu, F_IND),
         _shared_strings_by_another_case(pl, P_BUD), f"contient 22{NBSP}500{NBSP}000 caractères de texte (au plus "),
        ("deux parties à la casse près", _same_name_but_case(fu), _same_name_but_case(pl),
         "deux parties du même nom à la casse près (« xl/styles.xml » et « XL/Styles.xml »)"),
        ("nombre infini", with_value(fu_num, F_IND, b"inf"), with_value(pl_num, P_BUD, b"inf"),
         "contient le nombre « inf », infini ou indéfini, qu'Excel n'écrit jamais"),
        ("1e309", with_value(fu_num, F_IND, b"1e309"), with_value(pl_num, P_BUD, b"1e309"), "contient le nombre « 1e309 »"),
        ("NaN", with_value(fu_num, F_IND, b"NaN"), with_value(pl_num, P_BUD, b"NaN"), "contient le nombre « NaN »"),
        ("-Infinity", with_value(fu_num, F_IND, b"-Infinity"), with_value(pl_num, P_BUD, b"-Infinity"),
         "contient le nombre « -Infinity »"),
        ("« inf » saisi", followup_file(_set(F_IND, "2025 Résultat", "inf")), plan_file(_set(P_BUD, MONTANT, "inf")),
         "« inf » n'est pas un nombre fini (infini ou indéfini)"),
        ("« nan » saisi", followup_file(_set(F_AV, "2025 Dépenses (€)", "nan")), plan_file(_set(P_BUD, MONTANT, "nan")),
         "« nan » n'est pas un nombre fini"),
        ("« 1e309 » saisi", followup_file(_set(F_IND, "2025 Résultat", "1e309")),
         plan_file(_set(P_BUD, "Quantité", "1e309")), "n'est pas un nombre fini"),
        ("N° d'action en chiffres pleine chasse", followup_file(_set(F_AV, "N° action", "１")),
         plan_file(_set(P_BUD, "N° action", "２")), "n'est pas écrit avec les chiffres 0 à 9 (« "),
        ("valeur en chiffres arabes orientaux", followup_file(_set(F_IND, "2025 Résultat", "١٢٠")),
         plan_file(_set(P_BUD, MONTANT, "٢٠٠٠٠٠")), " ?) : saisissez-le à nouveau avec les chiffres 0 à 9"),
        ("date en chiffres arabes orientaux", followup_file(_set(F_AV, "Fin réelle", "٣١/١٢/٢٠٢٥")),
         plan_file(_set("Calendrier", "Fin prévue", "٣١/١٢/٢٠٢٥")), "(« ٣١/١٢/٢٠٢٥ » → 31/12/2025 ?)"),
        ("DOCTYPE dans les styles", rezip(fu, {"xl/styles.xml": _doctype("xl/styles.xml")}),
         rezip(pl, {"xl/styles.xml": _doctype("xl/styles.xml")}),
         "déclaration DOCTYPE ou d'entités XML (partie « xl/styles.xml »)"),
        ("partie de 60 Mo", _oversized(fu, F_IND, 60 * 1024 * 1024), _oversized(pl, P_BUD, 60 * 1024 * 1024),
         "occupe 60 Mo une fois décompressée (au plus 50 Mo)"),
        ("bombe de décompression", _oversized(fu, F_IND, 3 * 1024 * 1024), _oversized(pl, P_BUD, 3 * 1024 * 1024),
         "est compressée de façon anormale"),
        ("taille annoncée fausse", _lie_about_size(_oversized(fu, F_IND, 900 * 1024), part_of(fu, F_IND), 1000),
         _lie_about_size(_oversized(pl, P_BUD, 900 * 1024), part_of(pl, P_BUD), 1000), "contient plus de données qu'annoncé"),
    ]


CORPUS = corpus()
IDS = [c[0] for c in CORPUS]
HEAVY = {"cellule au blanc tout au bout (XFD1048576)"}  # the old reader aborted the process on it: CLI only


@pytest.fixture(scope="module")
def shipped():
    return load_plan(SHIPPED)


@pytest.fixture
def suivi_engine(tmp_path):
    return store.open_engine(f"sqlite:///{tmp_path / 'porte.sqlite'}")


@pytest.fixture
def plan_engine(tmp_path, monkeypatch):
    monkeypatch.delenv("DASHBOARD_PLAN")
    e = versions.open_engine(f"sqlite:///{tmp_path / 'plan.sqlite'}")
    versions.ensure_first_version(e, SHIPPED)
    return e


def _stored(engine) -> list[tuple]:
    with engine.connect() as conn:
        return [tuple(r) for r in conn.execute(sa.select(versions.plan_versions.c.id, versions.plan_versions.c.sha256,
                                                         versions.plan_versions.c.is_current))]


def _snapshot(engine) -> dict[str, list]:
    with engine.connect() as conn:
        return {t.name: sorted(map(tuple, conn.execute(sa.select(t)).all()), key=repr)
                for t in store.metadata.sorted_tables}


def test_the_two_sound_workbooks_pass_both_doors(shipped):
    report = followup.read_followup(followup_file(), shipped)
    assert report.ok and len(report.indicateurs) == 1, report.problems
    assert len(load_plan_bytes(plan_file(), "plan.xlsx").actions) == 53


@pytest.mark.parametrize("name, fu, pl, text", [c for c in CORPUS if c[0] not in HEAVY],
                         ids=[i for i in IDS if i not in HEAVY])
def test_follow_up_door_refuses_and_stores_nothing(name, fu, pl, text, shipped, suivi_engine):
    before = _snapshot(suivi_engine)
    outcome = importer.import_workbook(suivi_engine, fu, shipped, file_name="suivi_2025.xlsx", dry_run=False,
                                       accept_warnings=True)
    messages = [p.message() for p in outcome.report.problems]
    assert not outcome.ok and outcome.batch_id is None
    assert [m for m in messages if text in m], messages
    assert _snapshot(suivi_engine) == before


@pytest.mark.parametrize("name, fu, pl, text", [c for c in CORPUS if c[0] not in HEAVY],
                         ids=[i for i in IDS if i not in HEAVY])
def test_plan_door_refuses_before_any_preview_and_stores_nothing(name, fu, pl, text, plan_engine):
    before = _stored(plan_engine)
    preview = revision.preview_import(plan_engine, pl, "plan_revise.xlsx")
    messages = [p.message() for p in preview.problems]
    assert not preview.ok and preview.plan is None and preview.diff is None
    assert [m for m in messages if text in m], messages
    with pytest.raises(versions.VersionError) as err:
        versions.import_version(plan_engine, pl, file_name="plan_revise.xlsx", label="x", auteur="test")
    assert [p for p in err.value.problems if text in p.message()]
    assert _stored(plan_engine) == before


def test_located_refusals_name_sheet_row_and_column(shipped, plan_engine):
    """Numbers and digits: where they are, in the follow-up and in the plan."""
    fu = followup.read_followup(followup_file(_set(F_AV, "N° action", "３", row=3)), shipped)
    assert [(p.sheet, p.row, p.letter, p.text) for p in fu.problems] == [
        ("Avancement", 3, "A", "« ３ » n'est pas écrit avec les chiffres 0 à 9 (« ３ » → 3 ?) : saisissez-le à "
         "nouveau avec les chiffres 0 à 9 du clavier")]
    fu = followup.read_followup(followup_file(_set(F_IND, "2025 Objectif", "-inf", row=4)), shipped)
    assert [(p.sheet, p.row, p.letter) for p in fu.problems] == [("Indicateurs", 4, "H")]
    assert fu.problems[0].text.startswith("« -inf » n'est pas un nombre fini")
    door = followup.read_followup(with_value(followup_file(_set(F_IND, "2025 Résultat", PLACEHOLDER, row=5)), F_IND,
                                             b"inf"), shipped)
    assert "la feuille « Indicateurs », ligne 5, colonne G (cellule G5) contient le nombre « inf »" in \
        door.problems[0].message()
    with pytest.raises(PlanError) as err:
        load_plan_bytes(plan_file(_set(P_BUD, "N° action", "٣", row=4)), "plan.xlsx")
    assert [(p.sheet, p.row, p.column, p.text) for p in err.value.problems if p.sheet == "Budget"] == [
        ("Budget", 4, "N° action", "« ٣ » n'est pas écrit avec les chiffres 0 à 9 (« ٣ » → 3 ?) : saisissez-le à "
         "nouveau avec les chiffres 0 à 9 du clavier")]
    with pytest.raises(PlanError) as err:
        load_plan_bytes(plan_file(_set(P_BUD, MONTANT, "Infinity", row=3)), "plan.xlsx")
    assert [p.message() for p in err.value.problems] == [
        "Feuille « Budget », ligne 3, colonne « Montant min (€) » : « Infinity » n'est pas un nombre fini (infini ou "
        "indéfini) : saisissez un nombre ordinaire (ex. 1 234,5), ou laissez la cellule vide"]


@pytest.mark.parametrize("door", ["suivi", "plan"])
def test_doctype_in_every_part_refused_by_both_doors(door, shipped):
    base = followup_file() if door == "suivi" else plan_file()
    names = [n for n in zipfile.ZipFile(io.BytesIO(base)).namelist() if n.endswith((".xml", ".rels"))]
    assert len(names) >= 10
    for name in names:
        data = rezip(base, {name: _doctype(name)})
        if door == "suivi":
            messages = [p.message() for p in followup.read_followup(data, shipped).problems]
        else:
            with pytest.raises(PlanError) as err:
                load_plan_bytes(data, "plan.xlsx")
            messages = [p.message() for p in err.value.problems]
        assert messages == [f"Fichier « {'suivi.xlsx' if door == 'suivi' else 'plan.xlsx'} » : le classeur contient une "
                            f"déclaration DOCTYPE ou d'entités XML (partie « {name} »), qu'Excel n'écrit jamais : ce "
                            "fichier n'a pas été enregistré par Excel et n'est pas importé ; "
                            + (xlsx_scan.FOLLOWUP if door == "suivi" else xlsx_scan.PLAN).redo], name


def test_plan_at_start_and_stored_versions_go_through_the_door(tmp_path, monkeypatch):
    monkeypatch.delenv("DASHBOARD_PLAN")
    engine = versions.open_engine(f"sqlite:///{tmp_path / 'start.sqlite'}")
    far = tmp_path / "plan_2023_2028.xlsx"
    far.write_bytes(in_sheet(plan_file(), P_BUD, b'<row r="40000"><c r="A40000" t="str"><v> </v></c></row>'))
    with pytest.raises(PlanError) as err:  # the plan at start
        versions.ensure_first_version(engine, far)
    assert f"la feuille « Budget » {EVEN_EMPTY} 40{NBSP}000" in err.value.problems[0].message()
    assert _stored(engine) == []
    with pytest.raises(PlanError) as err:  # DASHBOARD_PLAN, validate-plan, --plan
        load_plan(far)
    assert err.value.problems[0].message().startswith("Fichier « plan_2023_2028.xlsx » : la feuille « Budget » a des "
                                                      "cellules, même vides")
    # a version stored before the door existed is refused when loaded, not read into a huge grid
    versions.ensure_first_version(engine, SHIPPED)
    with store.writing(engine) as conn:
        conn.execute(versions.plan_versions.insert().values(
            label="ancienne", file_name="ancien.xlsx", sha256="0" * 64, size=1, content=far.read_bytes(),
            created_at=datetime(2025, 1, 1), user_name="", is_current=False))
    with pytest.raises(PlanError) as err:
        versions.load_version(engine, 2)
    assert "a des cellules, même vides ou seulement mises en forme" in err.value.problems[0].message()


def test_the_cell_reader_reads_no_further_than_the_scanned_extent():
    data = followup_file()
    scans = xlsx_scan.scan(data, (F_IND, F_AV))
    rows = xlsx_scan.read_rows(data, scans)
    assert len(rows[F_IND]) == scans[F_IND].extent_rows and len(rows[F_IND][0]) <= scans[F_IND].extent_cols
    smaller = {F_IND: xlsx_scan.SheetScan(name=F_IND, extent_rows=3, extent_cols=2)}  # a scan that missed cells
    with pytest.raises(xlsx_scan.Unreadable, match="n'est pas lue comme l'examen du classeur l'a vue"):
        xlsx_scan.read_rows(data, smaller)


# --- echoed text: capped at about 80 characters ------------------------------------------------------

def test_echoed_cell_text_is_capped_in_every_message(shipped):
    huge = "9" * 10 + "x" * 100_000
    report = followup.read_followup(followup_file(_set(F_IND, "2025 Résultat", huge)), shipped)
    [p] = report.problems
    assert f"« {'9' * 10 + 'x' * 70}… » n'est pas un nombre" in p.text and len(p.message()) < 300
    with pytest.raises(PlanError) as err:
        load_plan_bytes(plan_file(_set(P_BUD, MONTANT, huge)), "p" * 200 + ".xlsx")
    [p] = err.value.problems
    assert f"« {'9' * 10 + 'x' * 70}… »" in p.text and len(p.message()) < 400
    with pytest.raises(PlanError) as err:  # a file name, in a whole-file refusal
        load_plan_bytes(b"", "p" * 200 + ".xlsx")
    assert err.value.problems[0].message().startswith(f"Fichier « {'p' * 80}… » : le fichier est vide")


def test_one_cap_for_every_message():
    assert fmt.cite("a" * 80) == "a" * 80 and fmt.cite("a" * 81) == "a" * 80 + "…"
    assert fmt.cite(fmt.cite("b" * 500)) == fmt.cite("b" * 500)
    p = Problem("S" * 300, 2, "C" * 300, f"« {'z' * 5000} » n'est pas un nombre : saisissez un nombre", value="v" * 300)
    assert (p.sheet, p.column, p.value) == ("S" * 80 + "…", "C" * 80 + "…", "v" * 80 + "…")
    assert p.text == f"« {'z' * 80}… » n'est pas un nombre : saisissez un nombre"
    hidden = Problem("S", 2, None, "« a » b » " + "y" * 5000)  # an echo holding « »: the text is bounded anyway
    assert len(hidden.text) <= 1001


def test_digits_and_non_finite_numbers_in_the_cell_parsers():
    for v in ("３", "٣", "१२", "１２,５"):
        with pytest.raises(cells.BadValue, match=r"n'est pas écrit avec les chiffres 0 à 9 \(« .+ » → [\d,]+ \?\)"):
            cells.parse_number(v)
        with pytest.raises(cells.BadValue, match="chiffres 0 à 9"):
            cells.int_id(v)
    for v in ("inf", "-inf", "nan", "NaN", "1e309", "Infinity", "-Infinity", float("inf"), float("nan"), "9" * 400):
        with pytest.raises(cells.BadValue, match="n'est pas un nombre fini"):
            cells.parse_number(v)
        assert cells.int_id(v if not isinstance(v, str) or v[0] != "9" else "inf") is None
    assert cells.parse_number("1 234,5") == (1234.5, "") and cells.int_id("3") == 3


# --- the command lines: exit 1, French, no traceback, under 60 s and 1 GB --------------------------------

MEASURE = """
import resource, subprocess, sys, time
resource.setrlimit(resource.RLIMIT_AS, (6 * 1024 ** 3, 6 * 1024 ** 3))  # an old reader fails, not the machine
t = time.perf_counter()
done = subprocess.run(sys.argv[1:], capture_output=True, text=True)
seconds = time.perf_counter() - t
sys.stdout.write(done.stdout + done.stderr)
print(f"@@ {done.returncode} {seconds:.2f} {resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss}")
"""


def _run(args: list[str], env_plan: str | None = None) -> tuple[int, float, float, str]:
    """(exit code, seconds, peak RSS in MB of the command, its output), the command in a child process."""
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    env.pop("DASHBOARD_PLAN", None)
    if env_plan:
        env["DASHBOARD_PLAN"] = env_plan
    done = subprocess.run([sys.executable, "-c", MEASURE, sys.executable, "-m", "dashboard", *args],
                          capture_output=True, text=True, env=env, cwd=ROOT, timeout=300)
    out, _, tail = done.stdout.rpartition("@@ ")
    code, seconds, kb = tail.split()
    return int(code), float(seconds), int(kb) / 1024, out


CLI_CASES = ["cellule au blanc tout au bout (XFD1048576)", "cellule au blanc au-delà de 20 000 lignes",
             "cellule vide lointaine", "ligne lointaine", "chaînes partagées sous un autre nom",
             "deux parties à la casse près", "nombre infini", "« nan » saisi", "N° d'action en chiffres pleine chasse",
             "DOCTYPE dans les styles", "partie de 60 Mo"]


def test_command_lines_refuse_the_corpus_within_60_s_and_1_gb(tmp_path):
    by_name = {c[0]: c for c in CORPUS}
    db = f"sqlite:///{tmp_path / 'cli.sqlite'}"
    measures = []
    for name in CLI_CASES:
        _, fu, pl, text = by_name[name]
        f_fu, f_pl = tmp_path / "suivi_2025.xlsx", tmp_path / "plan_revise.xlsx"
        f_fu.write_bytes(fu)
        f_pl.write_bytes(pl)
        for door, args, env_plan in (
                ("import --dry-run", ["import", str(f_fu), "--dry-run", "--db", db], str(SHIPPED)),
                ("plan import", ["plan", "import", str(f_pl), "--label", "x", "--db", db], None)):
            code, seconds, mb, out = _run(args, env_plan)
            measures.append((name, door, seconds, mb))
            assert code == 1, (name, door, code, out[-2000:])
            assert text in out and "Traceback" not in out, (name, door, out[-2000:])
            assert "rien n'a été" in out or "Rien n'a été" in out or "problème" in out, (name, door, out[-2000:])
            assert seconds < 60 and mb < 1024, (name, door, seconds, mb)
    engine = versions.open_engine(db)
    assert versions.history(engine) == [] and store.history(engine).empty  # refused before the first version
    print("\n" + "\n".join(f"{name} · {door} : {seconds:.1f} s, {mb:.0f} Mo" for name, door, seconds, mb in measures))


def test_plan_page_refuses_a_revision_at_the_door_before_any_preview(tmp_path, monkeypatch):
    from streamlit.testing.v1 import AppTest

    db = f"sqlite:///{tmp_path / 'page.sqlite'}"
    monkeypatch.setenv("DASHBOARD_DB", db)
    monkeypatch.delenv("DASHBOARD_PLAN")
    engine = versions.open_engine(db)
    versions.ensure_first_version(engine, SHIPPED)
    at = AppTest.from_file(str(ROOT / "vues" / "plan.py"), default_timeout=60).run()
    assert not at.exception
    bad = in_sheet(plan_file(), P_BUD, b'<row r="30000"><c r="CV30000" t="str"><v> </v></c></row>')
    at.file_uploader[0].set_value(("plan_revise.xlsx", bad, "application/octet-stream")).run()
    assert not at.exception, [e.message for e in at.exception]
    assert "« plan_revise.xlsx » a 1 problème(s) ; rien n'a été enregistré" in literal(at.error[0].value)
    [table] = [t.value for t in at.table]
    assert [literal(x) for x in table["Où"]] == ["Fichier « plan_revise.xlsx »"]
    assert f"{EVEN_EMPTY} 30{NBSP}000 et la colonne CV" in literal(table["Problème"].iloc[0])
    assert not at.text_input and not at.success  # no comparison, no form to confirm
    assert _stored(engine) == [(1, versions.get(engine, 1).sha256, True)]
