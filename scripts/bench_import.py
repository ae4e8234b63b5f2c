"""Benchmark: dry run + import of a follow-up workbook of 10 000 indicator rows (target < 2 s).

    python scripts/bench_import.py [--rows 10000] [--repeat 5]

Generates a plan of N indicators (every unit) and a filled workbook in the follow-up layout
(`Indicateurs` + `Avancement`), then times, on a fresh SQLite store each time:
  read  = followup.read_followup (calamine, checks against the plan)
  diff  = store.diff (dry-run counts)
  apply = store.apply (one transaction)
and the same file again (0 new, 0 changed). Prints medians. Not a test: numbers depend on the machine.
"""

from __future__ import annotations

import argparse
import io
import statistics
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import NamedStyle

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from dashboard import followup, store  # noqa: E402
from dashboard.plan import Plan  # noqa: E402

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
        again = store.import_workbook(engine, data, plan, dry_run=False)
        t4 = time.perf_counter()
        assert report.ok and batch == 1 and counts.changed == 0, report.problems[:3]
        assert again.batch_id is None and again.counts.new == 0 and again.counts.changed == 0
        pct_ids = plan.indicateurs.loc[plan.indicateurs["unite"] == "%", "indicateur_id"]
        pct = report.indicateurs.set_index("indicateur_id").loc[pct_ids, "resultat"]
        assert (pct.round(9) == 45).all()  # "45 %" typed, or 0.45 in a percent cell
        engine.dispose()
    return {"lecture+contrôle": t1 - t0, "à blanc (diff)": t2 - t1, "import (apply)": t3 - t2,
            "total à blanc+import": t3 - t0, "même fichier à nouveau": t4 - t3, "_values": counts.new}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=10_000)
    ap.add_argument("--repeat", type=int, default=5)
    a = ap.parse_args()
    plan = make_plan(a.rows)
    for label, percent_style in (("saisies texte (45 %)", False), ("cellules au format pourcentage", True)):
        data = make_file(plan, 2025, percent_style)
        runs = [run_once(plan, data) for _ in range(a.repeat)]
        print(f"{a.rows} lignes d'indicateurs, {label} — {runs[0]['_values']} valeurs, "
              f"fichier {len(data) / 1e6:.2f} Mo, médianes sur {a.repeat} essais :")
        for key in runs[0]:
            if not key.startswith("_"):
                print(f"  {key:<24} {statistics.median(r[key] for r in runs):6.3f} s")


if __name__ == "__main__":
    main()
