"""Writing the cells of every workbook the app produces (openpyxl): text stays text.

openpyxl turns any string that begins with "=" into a live formula. Text typed by people (an
imported comment, a source, a plan extract) must never become one in a file someone opens in
Excel (formula / DDE injection): every value goes through `put` or `row_cells`, which write a
string as a string cell, whatever it begins with, and mark the risky ones with Excel's quote
prefix (the cell stays text even after someone edits it in Excel). The app's own formulas, if
it ever needs one, go through `put_formula`, explicitly.
"""

from __future__ import annotations

from collections.abc import Iterable

from openpyxl.cell.cell import Cell

# First characters that spreadsheet programs read as the start of a formula (OWASP's list).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def as_text(cell, value: str):
    """Make `cell` hold `value` as plain text (a string cell, quote prefix when it could read as a formula)."""
    cell.value = value  # openpyxl guesses a formula for "=..."; the next line overrides the guess
    cell.data_type = "s"
    if value.startswith(FORMULA_STARTS):
        cell.quotePrefix = True
    return cell


def set_value(cell, value):
    """cell.value = value, except that a str is always written as text (never a formula)."""
    if isinstance(value, str):
        return as_text(cell, value)
    cell.value = value
    return cell


def put(ws, row: int, column: int, value=None):
    """ws.cell(row, column, value) with text kept as text; the cell (to style it).

    Like ws.cell, a None value leaves the cell as it is."""
    cell = ws.cell(row=row, column=column)
    return cell if value is None else set_value(cell, value)


def put_formula(ws, row: int, column: int, formula: str):
    """One of the app's own formulas (`=SUM(B2:B9)`): the only way a formula is written."""
    if not formula.startswith("="):
        raise ValueError(f"a formula starts with '=': {formula!r}")
    cell = ws.cell(row=row, column=column)
    cell.value = formula
    cell.data_type = "f"
    return cell


def row_cells(ws, values: Iterable) -> list:
    """Cells for `ws.append(...)` (normal or write-only sheet), text kept as text."""
    # both kinds of sheet accept Cell objects and move them to their place; the placeholder
    # position only keeps openpyxl's own messages working
    return [set_value(Cell(ws, row=1, column=j), v) for j, v in enumerate(values, start=1)]


def append(ws, values: Iterable) -> None:
    """ws.append(values), text kept as text."""
    ws.append(row_cells(ws, values))
