"""A plan N times larger than the shipped one, for the speed benchmark (make bench), never for real use.

Copies every row of the sheets that hang on an action (Actions, Budget, ETP, Calendrier,
Indicateurs, Hypothèses) N times; copy k (0 = the original) of action a becomes action
a + 100 × k, its indicators `A<a+100k>-<n>`, its title suffixed « (copie k+1) ». Axes, enjeux,
capacity and the plan's period are unchanged, so the result is valid and deterministic: the
same input and N give the same workbook, cell for cell.

    python scripts/make_big_plan.py [--plan data/plan_2023_2028.xlsx] [-n 100] [-o build/bench/plan_x100.xlsx]
    python scripts/make_big_plan.py ... --demo   # also its demonstration follow-up workbooks (make_demo)
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

from openpyxl import load_workbook

ROOT = Path(__file__).resolve().parents[1]
STEP = 100  # shipped action numbers stay below 100, so a + 100 k never collides
PER_ACTION = ("Actions", "Budget", "ETP", "Calendrier", "Indicateurs", "Hypothèses")


def _columns(ws) -> dict[str, int]:
    return {str(c.value).strip(): c.column for c in ws[1] if c.value is not None}


def multiply(src: Path, dest: Path, n: int) -> int:
    """Write the n-fold plan to dest; the number of actions."""
    wb = load_workbook(src)
    actions = 0
    for name in PER_ACTION:
        ws = wb[name]
        col = _columns(ws)
        aid_col = col["N° action"]
        rows = [[c.value for c in r] for r in ws.iter_rows(min_row=2) if any(c.value is not None for c in r)]
        if not rows:
            continue
        if any(r[aid_col - 1] is not None and int(r[aid_col - 1]) >= STEP for r in rows):
            raise SystemExit(f"{src.name} : un numéro d'action dépasse {STEP - 1}, la copie ne saurait pas le décaler")
        ws.delete_rows(2, ws.max_row)
        for k in range(n):
            for r in rows:
                out = list(r)
                if out[aid_col - 1] is not None:
                    out[aid_col - 1] = int(out[aid_col - 1]) + STEP * k
                if k and name == "Actions" and out[col["Titre"] - 1]:
                    out[col["Titre"] - 1] = f"{out[col['Titre'] - 1]} (copie {k + 1})"
                if name == "Indicateurs":
                    ident = col["Identifiant"] - 1
                    out[ident] = re.sub(r"^A\d+-", f"A{out[aid_col - 1]}-", str(out[ident]))
                ws.append(out)
        if name == "Actions":
            actions = len(rows) * n
    dest.parent.mkdir(parents=True, exist_ok=True)
    wb.save(dest)
    return actions


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Plan N fois plus grand (mesures de vitesse seulement).")
    ap.add_argument("--plan", default=str(ROOT / "data" / "plan_2023_2028.xlsx"))
    ap.add_argument("-n", type=int, default=100, help="nombre de copies de chaque action (défaut 100)")
    ap.add_argument("-o", "--out", default=str(ROOT / "build" / "bench" / "plan_x100.xlsx"))
    ap.add_argument("--demo", action="store_true",
                    help="écrire aussi ses classeurs de suivi de démonstration (dossier demo/ à côté)")
    a = ap.parse_args(argv)
    if a.n < 1:
        ap.error("-n doit valoir au moins 1")
    out = Path(a.out)
    n = multiply(Path(a.plan), out, a.n)
    print(f"{out} : {n} actions")
    if a.demo:
        sys.path.insert(0, str(Path(__file__).parent))
        import make_demo  # noqa: PLC0415

        make_demo.main(["--plan", str(out), "--out", str(out.parent / "demo")])
    return 0


if __name__ == "__main__":
    sys.exit(main())
