"""Revised plan workbooks made in the tests from the shipped one (openpyxl, as the director would in Excel);
shared by the plan, page and cluster tests of the plan's versions."""

from __future__ import annotations

import io
from datetime import datetime
from pathlib import Path

from openpyxl import load_workbook

ROOT = Path(__file__).resolve().parents[1]
SHIPPED = ROOT / "data" / "plan_2023_2028.xlsx"

# The revision of the tests: action 2's signage 200 000 € → 250 000 € (one-off, axe 1), a new action 56
# in axe 1 (budget « à définir »: no Budget line), action 11's jalon ending 31/12/2028 moved to 30/06/2027.
BUDGET_ACTION, BUDGET_OLD, BUDGET_NEW = 2, 200_000, 250_000
NEW_ACTION, NEW_TITLE = 56, "Parcours nocturnes illuminés"
MOVED_ACTION, MOVED_NEW_END = 11, datetime(2027, 6, 30)


def _col(ws, header: str) -> int:
    return [c.value for c in ws[1]].index(header) + 1


def _rows(ws, action_id: int):
    col = _col(ws, "N° action")
    return [r for r in range(2, ws.max_row + 1) if ws.cell(r, col).value == action_id]


def revise(*, budget: bool = False, add_action: bool = False, move_end: bool = False,
           drop_indicator: str | None = None, broken: bool = False, source: Path = SHIPPED) -> bytes:
    """The shipped workbook with the asked changes, as bytes."""
    wb = load_workbook(source)
    if budget:
        ws = wb["Budget"]
        (r,) = _rows(ws, BUDGET_ACTION)
        assert ws.cell(r, _col(ws, "Montant min (€)")).value == BUDGET_OLD
        ws.cell(r, _col(ws, "Montant min (€)"), BUDGET_NEW)
        ws.cell(r, _col(ws, "Montant max (€)"), BUDGET_NEW)
    if add_action:
        ws = wb["Actions"]
        row = [None] * ws.max_column
        for header, value in (("N° action", NEW_ACTION), ("Axe", 1), ("Enjeu", "1.1"), ("Titre", NEW_TITLE),
                              ("Catégorie budget", "à définir")):
            row[_col(ws, header) - 1] = value
        ws.append(row)
    if move_end:
        ws = wb["Calendrier"]
        r = _rows(ws, MOVED_ACTION)[0]
        ws.cell(r, _col(ws, "Fin prévue"), MOVED_NEW_END)
    if drop_indicator:
        ws = wb["Indicateurs"]
        (r,) = [r for r in range(2, ws.max_row + 1) if ws.cell(r, 1).value == drop_indicator]
        ws.delete_rows(r)
    if broken:  # two problems in two sheets: a negative amount, an action in an axe that does not exist
        ws = wb["Budget"]
        ws.cell(2, _col(ws, "Montant min (€)"), -5)
        ws = wb["Actions"]
        ws.cell(3, _col(ws, "Axe"), 9)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def filled_followup(plan, values: dict[str, float], year: int = 2025) -> bytes:
    """The follow-up template of `year` for `plan` with `<year> Résultat` of some indicators set."""
    from dashboard.suivi import template

    wb = load_workbook(io.BytesIO(template.write_template(plan, year)))
    ws = wb["Indicateurs"]
    rows = {ws.cell(r, 1).value: r for r in range(2, ws.max_row + 1)}
    col = _col(ws, f"{year} Résultat")
    for ident, v in values.items():
        ws.cell(rows[ident], col, v)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
