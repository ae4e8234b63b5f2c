"""Reading the plan workbook: raw sheets (calamine), then validation, then the frozen Plan.

It never formats nor computes a figure: it hands a validated Plan to metrics.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from dashboard.plan.schema import ATTRS, README_SHEET, Plan, PlanError, Problem
from dashboard.plan.validate import validate_sheets

DEFAULT_PLAN_PATH = Path("data/plan_2023_2028.xlsx")


def read_sheets(path: str | Path) -> dict[str, pd.DataFrame]:
    """Every sheet of the workbook as raw DataFrames (calamine), header on row 1."""
    return pd.read_excel(path, sheet_name=None, engine="calamine")


def load_plan(path: str | Path = DEFAULT_PLAN_PATH) -> Plan:
    """Read, normalise and validate the plan workbook; raise PlanError listing every problem."""
    path = Path(path)
    if not path.exists():
        raise PlanError([Problem(str(path), None, None, "le fichier du plan est introuvable : vérifiez le chemin (variable DASHBOARD_PLAN).")])
    try:
        raw = read_sheets(path)
    except Exception as exc:  # not a workbook, corrupt zip, locked file
        raise PlanError([Problem(path.name, None, None, f"ce fichier n'est pas un classeur Excel lisible ({exc.__class__.__name__}) : enregistrez-le au format .xlsx.")]) from exc
    frames, periode, problems = validate_sheets(raw)
    if problems:
        raise PlanError(problems)
    return Plan(**{ATTRS[s]: frames[s] for s in ATTRS}, periode=periode, source=str(path),
                lisez_moi=raw.get(README_SHEET, pd.DataFrame()))
