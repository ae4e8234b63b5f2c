"""The plan: the workbook's schema, its validation and its loading into a frozen `Plan`.

`schema` names the sheets, columns and constants; `load` reads the workbook; `validate` checks it
(`normalise` types the cells and finds the period, `rules` applies the per-row and cross-sheet
rules). `versions` keeps every version of the plan in the store (import of a revision, history,
return to an earlier one; imported by name, it is not loaded with the package). First stage of the
data's way (plan → metrics → present → pages). Nothing here computes a figure or imports streamlit.
"""

from dashboard.plan.load import DEFAULT_PLAN_PATH, load_plan, load_plan_bytes, read_sheets
from dashboard.plan.schema import (
    ATTRS,
    CATEGORIES,
    HYPOTHESE_RE,
    PERIODICITES,
    PRECISIONS,
    README_SHEET,
    RECURRENCES,
    SENS,
    SHEETS,
    TYPES_INDICATEUR,
    UNITES_INDICATEUR,
    Plan,
    PlanError,
    Problem,
    excel_row,
    porteurs_by_action,
    porteurs_of,
)
from dashboard.plan.validate import validate_sheets

__all__ = [
    "ATTRS", "CATEGORIES", "DEFAULT_PLAN_PATH", "HYPOTHESE_RE", "PERIODICITES", "PRECISIONS", "README_SHEET",
    "RECURRENCES", "SENS", "SHEETS", "TYPES_INDICATEUR", "UNITES_INDICATEUR", "Plan", "PlanError", "Problem",
    "excel_row", "load_plan", "load_plan_bytes", "porteurs_by_action", "porteurs_of", "read_sheets", "validate_sheets",
]
