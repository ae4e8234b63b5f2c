"""Reading the plan workbook: raw sheets (calamine), then validation, then the frozen Plan.

It never formats nor computes a figure: it hands a validated Plan to metrics.
"""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd

from dashboard.plan.schema import ATTRS, README_SHEET, Plan, PlanError, Problem
from dashboard.plan.validate import validate_sheets

DEFAULT_PLAN_PATH = Path("data/plan_2023_2028.xlsx")


def read_sheets(path) -> dict[str, pd.DataFrame]:
    """Every sheet of the workbook (a path or a binary file) as raw DataFrames (calamine), header on row 1."""
    return pd.read_excel(path, sheet_name=None, engine="calamine")


def load_plan(path: str | Path = DEFAULT_PLAN_PATH) -> Plan:
    """Read, normalise and validate the plan workbook; raise PlanError listing every problem."""
    path = Path(path)
    if not path.exists():
        raise PlanError([Problem(str(path), None, None, "le fichier du plan est introuvable : vérifiez le chemin (variable DASHBOARD_PLAN).")])
    return _validated(path, path.name, source=str(path))


def load_plan_bytes(data: bytes, file_name: str, *, version: str = "") -> Plan:
    """The same reading and validation as load_plan, for a workbook held in memory (an upload, a stored
    version); `version` names a stored version (the plan's identity for caches)."""
    return _validated(io.BytesIO(data), file_name, source=file_name, version=version)


def _validated(workbook, name: str, *, source: str, version: str = "") -> Plan:
    try:
        raw = read_sheets(workbook)
    except Exception as exc:  # not a workbook, corrupt zip, locked file
        raise PlanError([Problem(name, None, None, f"ce fichier n'est pas un classeur Excel lisible ({exc.__class__.__name__}) : enregistrez-le au format .xlsx.")]) from exc
    frames, periode, problems = validate_sheets(raw)
    if problems:
        raise PlanError(problems)
    return Plan(**{ATTRS[s]: frames[s] for s in ATTRS}, periode=periode, source=source,
                lisez_moi=raw.get(README_SHEET, pd.DataFrame()), version=version)
