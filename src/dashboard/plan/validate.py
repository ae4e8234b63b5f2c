"""Normalise and validate the raw sheets of the plan workbook, every problem at once.

`validate_sheets(raw)` turns the sheets read by `load.read_sheets` into typed DataFrames keyed
by snake_case columns (`normalise`: missing sheets and columns, cells of the wrong type), finds
the plan's period, applies the per-row rules (pandera, lazy, failure cases written in French) and
the cross-sheet rules (`rules`), and sorts the problems as the director reads the workbook.

Each frame keeps the index of the raw sheet, so `schema.excel_row(index)` is the row the director
sees in Excel (blank rows are dropped, not renumbered).
"""

from __future__ import annotations

import pandas as pd

from dashboard.plan.normalise import SHEET_ORDER, normalise, periode_of
from dashboard.plan.rules import cross_problems, pandera_problems
from dashboard.plan.schema import README_SHEET, SHEETS, Problem


def validate_sheets(raw: dict[str, pd.DataFrame]) -> tuple[dict[str, pd.DataFrame], tuple[int, int], list[Problem]]:
    """Normalised frames per sheet, the plan's period and every problem found (empty list = valid)."""
    problems: list[Problem] = []
    raw = {str(name).strip(): frame for name, frame in raw.items()}  # "Budget " is still Budget
    sheets = {sheet: normalise(sheet, raw.get(sheet), problems) for sheet in SHEETS}
    periode = periode_of(raw.get(README_SHEET), sheets, problems)
    pandera_problems(sheets, periode, problems)
    cross_problems(sheets, problems)
    order = {s: i for i, s in enumerate(SHEET_ORDER)}

    def sort_key(p: Problem):
        cols = list(SHEETS.get(p.sheet, {}))
        return (order.get(p.sheet, -1), p.row or 0, cols.index(p.column) if p.column in cols else -1)
    problems.sort(key=sort_key)
    return {s: sh.frame for s, sh in sheets.items()}, periode or (0, 0), problems
