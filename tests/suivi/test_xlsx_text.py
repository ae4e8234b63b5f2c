"""Text never becomes a formula in a workbook the app writes (formula / DDE injection).

Every writer goes through dashboard.xlsx: the table exports, the follow-up template, the plan
workbook script; and an imported comment downloaded from the Indicateurs page stays text.
"""

from __future__ import annotations

import importlib.util
import io
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import Workbook, load_workbook
from streamlit.runtime.media_file_manager import MediaFileManager
from streamlit.testing.v1 import AppTest

from dashboard import xlsx
from dashboard.present import export
from dashboard.suivi import importer, store, template

ROOT = Path(__file__).resolve().parents[2]
HOSTILE = ['=HYPERLINK("http://example.invalid";"cliquez")', "=1+1", "+1+1", "-1+1", "@SUM(1)",
           "=cmd|' /C calc'!A0"]


def _cells(data: bytes, sheet: str | None = None) -> list:
    wb = load_workbook(io.BytesIO(data))
    ws = wb[sheet] if sheet else wb.active
    return [c for row in ws.iter_rows() for c in row]


def _assert_text(data: bytes, sheet: str | None = None, expected=HOSTILE) -> None:
    """Each expected value is in the file as a text cell (never a formula), exactly as typed,
    for openpyxl and for calamine (what pandas reads)."""
    cells = _cells(data, sheet)
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    found = {c.value: c for c in cells if c.value in expected}
    assert set(found) == set(expected)
    assert all(c.data_type == "s" and c.quotePrefix for c in found.values())
    frame = pd.read_excel(io.BytesIO(data), sheet_name=sheet or 0, header=None, engine="calamine", dtype=object)
    assert set(expected) <= set(frame.stack().tolist())


def test_helper_keeps_text_and_writes_only_explicit_formulas():
    wb = Workbook()
    ws = wb.active
    for i, v in enumerate(HOSTILE, start=1):
        xlsx.put(ws, i, 1, v)
        xlsx.put(ws, i, 2, 12.5)
    xlsx.put(ws, 1, 3, "texte ordinaire")
    xlsx.put_formula(ws, 1, 4, "=SUM(B1:B6)")
    buf = io.BytesIO()
    wb.save(buf)
    cells = {c.coordinate: c for c in _cells(buf.getvalue())}
    assert [c.coordinate for c in cells.values() if c.data_type == "f"] == ["D1"]  # the app's own formula only
    assert [cells[f"A{i}"].value for i in range(1, 7)] == HOSTILE
    assert cells["B1"].value == 12.5 and cells["B1"].data_type == "n"
    assert cells["C1"].data_type == "s" and not cells["C1"].quotePrefix
    with pytest.raises(ValueError):
        xlsx.put_formula(ws, 2, 4, "SUM(B1:B6)")


@pytest.mark.parametrize("write_only", [False, True])
def test_appended_rows_keep_text(write_only):
    wb = Workbook(write_only=write_only)
    ws = wb.create_sheet("T") if write_only else wb.active
    for v in HOSTILE:
        xlsx.append(ws, [v, 1, None, "\tx", "\rx"])
    buf = io.BytesIO()
    wb.save(buf)
    _assert_text(buf.getvalue(), "T" if write_only else None)
    cells = _cells(buf.getvalue(), "T" if write_only else None)
    assert all(c.data_type == "s" for c in cells if isinstance(c.value, str) and c.value[1:] == "x")


def test_table_export_keeps_text():
    df = pd.DataFrame({"action_id": range(1, 7), "note": HOSTILE, "montant_min": [1000.0] * 6})
    data = export.to_excel(df)
    _assert_text(data)
    ws = load_workbook(io.BytesIO(data)).active
    assert [ws.cell(r, 2).value for r in range(2, 8)] == HOSTILE       # each reads back as typed
    assert ws.cell(2, 3).value == 1000 and ws.cell(2, 3).data_type == "n"  # numbers stay numbers


def test_template_keeps_imported_text(plan):
    """The template of a year repeats what was imported for that year (comments, sources, statuses'
    comments): written as text."""
    ids = plan.indicateurs["indicateur_id"].astype(str).head(6).tolist()
    previous = store.Suivi(
        indicateurs=pd.DataFrame({"indicateur_id": ids, "annee": 2025, "resultat": 1.0, "objectif": None,
                                  "commentaire": HOSTILE, "source": list(reversed(HOSTILE)),
                                  "date_resultat": pd.NaT, "date_objectif": pd.NaT}),
        statuts=pd.DataFrame({"action_id": plan.actions["action_id"].head(6).astype(int).tolist(), "annee": 2025,
                              "statut": "En cours", "debut_reel": pd.NaT, "fin_reelle": pd.NaT,
                              "fin_revisee": pd.NaT, "commentaire": HOSTILE}))
    data = template.write_template(plan, 2025, previous)
    _assert_text(data, "Indicateurs")
    _assert_text(data, "Avancement")


def test_plan_workbook_script_keeps_text(tmp_path):
    spec = importlib.util.spec_from_file_location("build_plan_workbook", ROOT / "scripts" / "build_plan_workbook.py")
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    wb = Workbook()
    script.write_sheet(wb, "Budget", ["Poste", "Note"], [[v, v] for v in HOSTILE])
    buf = io.BytesIO()
    wb.save(buf)
    _assert_text(buf.getvalue(), "Budget")


def test_imported_comment_downloads_as_text(tmp_path, monkeypatch, plan):
    """A comment typed as text in the follow-up workbook (Excel's leading apostrophe) is imported as
    text and downloaded from the Indicateurs page as text, never as a formula."""
    url = f"sqlite:///{tmp_path / 'suivi.sqlite'}"
    monkeypatch.setenv("DASHBOARD_DB", url)
    ids = plan.indicateurs.loc[plan.indicateurs["unite"] == "nombre", "indicateur_id"].astype(str).head(6).tolist()
    wb = load_workbook(io.BytesIO(template.write_template(plan, 2025)))
    ws = wb["Indicateurs"]
    head = {c.value: c.column for c in ws[1]}
    rows = {ws.cell(r, 1).value: r for r in range(2, ws.max_row + 1)}
    for ident, text in zip(ids, HOSTILE, strict=True):
        ws.cell(rows[ident], head["2025 Résultat"], 10)
        xlsx.put(ws, rows[ident], head["Commentaire"], text)  # a text cell, as Excel saves '=1+1
    buf = io.BytesIO()
    wb.save(buf)
    outcome = importer.import_workbook(store.open_engine(url), buf.getvalue(), plan, file_name="suivi_2025.xlsx",
                                    dry_run=False)
    assert outcome.ok and outcome.batch_id == 1, outcome.report.problems
    stored = store.load_suivi(store.open_engine(url)).indicateurs.set_index("indicateur_id")
    assert [stored.loc[i, "commentaire"] for i in ids] == HOSTILE

    produced = {}
    original = MediaFileManager.add_deferred

    def spy(self, data, mimetype, coordinates, file_name=None, **kw):  # keep what the button would serve
        produced[file_name] = data
        return original(self, data, mimetype, coordinates, file_name=file_name, **kw)

    monkeypatch.setattr(MediaFileManager, "add_deferred", spy)
    at = AppTest.from_file(str(ROOT / "vues" / "indicateurs.py"), default_timeout=60)
    at.session_state["indicateurs_onglet"] = ":material/table_view: Tous les indicateurs"  # its tab, as clicked
    at.run()
    assert not at.exception
    assert at.get("download_button")[0].proto.label == "Télécharger (Excel)"
    data = produced["indicateurs_2025.xlsx"]()
    _assert_text(data, "Indicateurs")
    ws = load_workbook(io.BytesIO(data))["Indicateurs"]
    head = {c.value: c.column for c in ws[1]}
    by_id = {ws.cell(r, head["Identifiant"]).value: r for r in range(2, ws.max_row + 1)}
    assert [ws.cell(by_id[i], head["Commentaire"]).value for i in ids] == HOSTILE
