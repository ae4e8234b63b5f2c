"""Builders shared by the accounts tests: a filled follow-up workbook of the shipped plan."""

from __future__ import annotations

import io

from openpyxl import load_workbook

from dashboard.suivi import template


def suivi_file(plan, value: object = 7) -> bytes:
    """The shipped plan's 2025 template with the first `nombre` indicator's 2025 result filled in."""
    wb = load_workbook(io.BytesIO(template.write_template(plan, 2025)))
    ws = wb["Indicateurs"]
    ident = str(plan.indicateurs.loc[plan.indicateurs["unite"] == "nombre", "indicateur_id"].iloc[0])
    row = next(r for r in range(2, ws.max_row + 1) if ws.cell(r, 1).value == ident)
    ws.cell(row, [c.value for c in ws[1]].index("2025 Résultat") + 1, value)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
