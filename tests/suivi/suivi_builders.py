"""Builders shared by the follow-up tests: a tiny plan with one indicator of each unit, filled
templates, a snapshot of every store table (to prove a refused import changed nothing)."""

from __future__ import annotations

import io
import zipfile

import pandas as pd
import sqlalchemy as sa
from openpyxl import load_workbook

from dashboard.plan import Plan
from dashboard.suivi import store, template


def small_plan(periode=(2023, 2028)) -> Plan:
    """Three actions, one indicator of each unit (A1-1 nombre … A3-2 date)."""
    actions = pd.DataFrame({"action_id": pd.array([1, 2, 3], dtype="Int64"), "axe": pd.array([1, 1, 2], dtype="Int64"),
                            "enjeu": ["1.1", "1.1", "2.1"], "titre": ["Visites", "Signalétique", "Guide"]})
    indicateurs = pd.DataFrame({
        "indicateur_id": ["A1-1", "A1-2", "A2-1", "A3-1", "A3-2"],
        "action_id": pd.array([1, 1, 2, 3, 3], dtype="Int64"),
        "indicateur": ["Nombre de participants", "Taux d'occupation", "Recettes", "Guide réédité", "Mise en vente"],
        "type": ["quantitatif", "quantitatif", "quantitatif", "jalon", "jalon"],
        "unite": ["nombre", "%", "€", "oui/non", "date"],
        "sens": ["hausse", "hausse", "hausse", "atteinte", "atteinte"],
        "extrait": [""] * 5,
    })
    empty = pd.DataFrame()
    return Plan(axes=empty, enjeux=empty, actions=actions, budget=empty, etp=empty, calendrier=empty,
                indicateurs=indicateurs, hypotheses=empty, capacite=empty, periode=periode)


PLAN = small_plan()


def filled(year: int, ind: dict | None = None, av: dict | None = None, previous=None, *, stamped: bool = False,
           data: bytes | None = None, plan: Plan | None = None) -> bytes:
    """The template of `year` (or the workbook `data`) with cells set: ind {(ident, header): value},
    av {(action, header): value}. Without `stamped`, its stamp is removed: a file compared with the store
    as a whole (an older template, another tool's export)."""
    wb = load_workbook(io.BytesIO(data or template.write_template(plan or PLAN, year, previous)))
    if not stamped and "Tampon" in wb.sheetnames:
        del wb["Tampon"]
    for sheet, cells in ((wb["Indicateurs"], ind or {}), (wb["Avancement"], av or {})):
        heads = {c.value: c.column for c in sheet[1]}
        rows = {sheet.cell(r, 1).value: r for r in range(2, sheet.max_row + 1)}
        for (key, head), value in cells.items():
            sheet.cell(rows[key], heads[head], value)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def imported_on(engine, plan: Plan, data: bytes, name: str, on) -> int:
    """Import `data` (accepting its warnings), then date its batch `on` (a past instant, UTC); its id."""
    from dashboard.base.tables import batches  # noqa: PLC0415
    from dashboard.suivi import importer  # noqa: PLC0415

    out = importer.import_workbook(engine, data, plan, file_name=name, user="test", dry_run=False,
                                   accept_warnings=True)
    assert out.ok, [p.message() for p in out.report.problems]
    batch = int(store.history(engine)["batch_id"].max())
    with engine.begin() as conn:
        conn.execute(batches.update().where(batches.c.id == batch).values(created_at=on))
    return batch


def snapshot(engine) -> dict[str, list]:
    """Every row of every store table (to prove a rejected or interrupted import changed nothing)."""
    with engine.connect() as conn:
        return {t.name: sorted(map(tuple, conn.execute(sa.select(t)).all()), key=repr)
                for t in store.metadata.sorted_tables}


def first_of(plan, unite: str) -> str:
    return str(plan.indicateurs.loc[plan.indicateurs["unite"] == unite, "indicateur_id"].iloc[0])


def fill(template: bytes, plan, values: dict[str, object], statut: dict[int, str] | None = None) -> bytes:
    """Set `2025 Résultat` of indicators (by id) and Statut of actions in a 2025 template."""
    wb = load_workbook(io.BytesIO(template))
    ws = wb["Indicateurs"]
    rows = {ws.cell(r, 1).value: r for r in range(2, ws.max_row + 1)}
    col = [c.value for c in ws[1]].index("2025 Résultat") + 1
    for ident, v in values.items():
        ws.cell(rows[ident], col, v)
    av = wb["Avancement"]
    arows = {av.cell(r, 1).value: r for r in range(2, av.max_row + 1)}
    for aid, s in (statut or {}).items():
        av.cell(arows[aid], 3, s)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def edited(edit, *, stamped: bool = False) -> bytes:
    """The 2025 template with `edit(workbook)` applied (its stamp removed unless `stamped`)."""
    wb = load_workbook(io.BytesIO(template.write_template(PLAN, 2025)))
    if not stamped:
        del wb["Tampon"]
    edit(wb)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def put(sheet: str, cells: dict):
    def edit(wb):
        for ref, value in cells.items():
            wb[sheet][ref] = value
    return edit


def rezip(data: bytes, change=None, rename=None, add=()) -> bytes:
    """A workbook (a zip) with parts rewritten ({name: fn(bytes) -> bytes}), renamed ({old: new}) or added."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            content = src.read(item.filename)
            if change and item.filename in change:
                content = change[item.filename](content)
            dst.writestr((rename or {}).get(item.filename, item.filename), content)
        for name, content in add:
            dst.writestr(name, content)
    return out.getvalue()
