"""The follow-up template: headers of docs/contrats.md, pre-filled rows, locked cells, validations.
"""

from __future__ import annotations

import io

import pandas as pd
import pytest
from openpyxl import load_workbook
from suivi_builders import small_plan

from dashboard.suivi import followup, template
from dashboard.suivi.store import Suivi


@pytest.fixture(scope="module")
def template_2025():
    return load_workbook(io.BytesIO(template.write_template(small_plan(), 2025)))


def test_sheets_and_headers_follow_design(template_2025):
    wb = template_2025
    assert wb.sheetnames == ["Mode d'emploi", "Indicateurs", "Avancement", "Tampon"]
    assert [ws.sheet_state for ws in wb] == ["visible", "visible", "visible", "hidden"]
    assert [c.value for c in wb["Indicateurs"][1]] == [
        "Identifiant", "N° action", "Action", "Indicateur", "Unité", "Rappel 2024", "2025 Résultat",
        "2025 Objectif", "Commentaire", "Source", "Axe", "Porteur"]
    assert [c.value for c in wb["Avancement"][1]] == [
        "N° action", "Action", "Statut", "Début réel", "Fin réelle", "Fin révisée", "2025 Dépenses (€)",
        "2025 ETP", "Commentaire", "Axe", "Porteur"]


def test_every_indicator_and_action_prefilled(template_2025):
    ind = template_2025["Indicateurs"]
    assert [ind.cell(r, 1).value for r in range(2, ind.max_row + 1)] == ["A1-1", "A1-2", "A2-1", "A3-1", "A3-2"]
    assert ind.cell(3, 3).value == "Visites" and ind.cell(3, 5).value == "%"
    av = template_2025["Avancement"]
    assert [av.cell(r, 1).value for r in range(2, av.max_row + 1)] == [1, 2, 3]
    assert av.cell(4, 2).value == "Guide"


def test_read_only_locked_inputs_unlocked(template_2025):
    ind = template_2025["Indicateurs"]
    assert ind.protection.sheet
    assert ind.cell(2, 1).protection.locked and ind.cell(2, 6).protection.locked  # Identifiant, Rappel
    assert ind.cell(2, 1).fill.fgColor.rgb.endswith("E7EAEE")
    assert not ind.cell(2, 7).protection.locked and not ind.cell(2, 10).protection.locked
    av = template_2025["Avancement"]
    assert av.protection.sheet and av.cell(2, 2).protection.locked and not av.cell(2, 3).protection.locked
    assert ind.freeze_panes == "B2" and av.freeze_panes == "C2"


def test_status_dropdown_and_french_validation_messages(template_2025):
    av = template_2025["Avancement"]
    lists = [dv for dv in av.data_validations.dataValidation if dv.type == "list"]
    assert lists and "Non démarrée,En cours,Réalisée,Reportée,Abandonnée" in lists[0].formula1
    assert "C2:C4" in str(lists[0].sqref)
    dates = [dv for dv in av.data_validations.dataValidation if dv.type == "date"]
    assert dates and "JJ/MM/AAAA" in dates[0].error
    ind = template_2025["Indicateurs"]
    pct = [dv for dv in ind.data_validations.dataValidation if dv.type == "decimal" and dv.formula2 == "100"]
    assert pct and "G3" in str(pct[0].sqref) and "entre 0 et 100" in pct[0].error


def test_instructions_in_french(template_2025):
    text = " ".join(str(c.value) for c in template_2025["Mode d'emploi"]["A"] if c.value)
    assert "Une cellule vide signifie « pas de valeur »" in text and "Rappel 2024" in text


def test_rappel_shows_last_year_and_current_values_prefilled():
    previous = Suivi(
        indicateurs=pd.DataFrame({"indicateur_id": ["A1-1", "A3-1", "A1-1"], "annee": [2024, 2024, 2025],
                                  "resultat": [120.0, 1.0, 150.0], "objectif": [None, None, 200.0],
                                  "commentaire": [None, None, "ok"], "source": [None] * 3,
                                  "date_resultat": [pd.NaT] * 3, "date_objectif": [pd.NaT] * 3}),
        statuts=pd.DataFrame({"action_id": [2], "annee": [2024], "statut": ["En cours"],
                              "debut_reel": [pd.Timestamp("2024-03-01")], "fin_reelle": [pd.NaT],
                              "fin_revisee": [pd.NaT], "commentaire": ["vieux"]}),
    )
    wb = load_workbook(io.BytesIO(template.write_template(small_plan(), 2025, previous)))
    ind = wb["Indicateurs"]
    assert ind.cell(2, 6).value == 120 and ind.cell(5, 6).value == "oui"  # Rappel 2024
    assert ind.cell(2, 7).value == 150 and ind.cell(2, 8).value == 200 and ind.cell(2, 9).value == "ok"
    av = wb["Avancement"]
    assert av.cell(3, 3).value == "En cours" and av.cell(3, 4).value.date() == pd.Timestamp("2024-03-01").date()
    assert av.cell(3, 9).value is None  # last year's comment is not carried over


def test_year_outside_period_refused():
    with pytest.raises(ValueError, match="hors de la période du plan"):
        template.write_template(small_plan(), 2031)


def test_blank_template_imports_nothing():
    report = followup.read_followup(template.write_template(small_plan(), 2025), small_plan())
    assert report.ok and report.n_values == 0 and report.annees == (2025,)
