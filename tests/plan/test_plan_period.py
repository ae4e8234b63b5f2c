"""A plan with another period and one more axe loads and renders with no code change.

The shifted copy is built here from the shipped workbook: every year and date + 6 (2029-2034),
the `Période` row changed, a sixth axe with an enjeu 6.1 and one action (with a budget line and
an indicator) added.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from dashboard.plan import SHEETS, load_plan

SHIFT = 6
ROOT = Path(__file__).resolve().parents[2]
PAGES = sorted((ROOT / "vues").glob("*.py"))


def _shift_date(value):
    if not isinstance(value, dt.datetime | dt.date):
        return value
    try:
        return value.replace(year=value.year + SHIFT)
    except ValueError:  # 29 February
        return value.replace(year=value.year + SHIFT, day=28)


def _row_for(sheet: str, **values) -> list:
    """A row of `sheet` in its column order, from French headers."""
    return [values.get(h) for h in SHEETS[sheet]]


@pytest.fixture(scope="module")
def shifted_path(plan_path, tmp_path_factory) -> Path:
    wb = openpyxl.load_workbook(plan_path)
    cols = {ws.title: {c.value: c.column for c in ws[1]} for ws in wb.worksheets}
    readme = wb["Lisez-moi"]
    for r in range(1, readme.max_row + 1):
        if readme.cell(r, 1).value == "Période":
            readme.cell(r, 2).value = "2029-2034"
    for sheet, heads in (("Budget", ("Année début", "Année fin")), ("ETP", ("Année début", "Année fin")),
                         ("Capacité", ("Année",))):
        ws = wb[sheet]
        for head in heads:
            for r in range(2, ws.max_row + 1):
                cell = ws.cell(r, cols[sheet][head])
                if isinstance(cell.value, int | float):
                    cell.value = int(cell.value) + SHIFT
    ws = wb["Calendrier"]
    for head in ("Début prévu", "Fin prévue"):
        for r in range(2, ws.max_row + 1):
            cell = ws.cell(r, cols["Calendrier"][head])
            cell.value = _shift_date(cell.value)
    wb["Axes"].append(_row_for("Axes", Axe=6, Libellé="Accueillir les itinérances douces"))
    wb["Enjeux"].append(_row_for("Enjeux", Enjeu="6.1", Axe=6, Libellé="Relier les communes à vélo"))
    wb["Actions"].append(_row_for("Actions", **{
        "N° action": 56, "Axe": 6, "Enjeu": "6.1", "Titre": "Créer une boucle cyclable",
        "Maîtrise d'ouvrage": "Office de tourisme", "Budget prévisionnel": "10 à 15 000 € par an",
        "Indicateurs": "Nombre de passages", "Catégorie budget": "chiffré"}))
    wb["Budget"].append(_row_for("Budget", **{
        "N° action": 56, "Poste": "Entretien de la boucle", "Montant min (€)": 10000, "Montant max (€)": 15000,
        "Périodicité": "annuel", "Porteur": "Office de tourisme", "Extrait du plan": "10 à 15 000 € par an"}))
    wb["Indicateurs"].append(_row_for("Indicateurs", **{
        "Identifiant": "A56-1", "N° action": 56, "Indicateur": "Nombre de passages", "Type": "quantitatif",
        "Unité": "nombre", "Sens": "hausse", "Extrait du plan": "Nombre de passages"}))
    wb["Calendrier"].append(_row_for("Calendrier", **{
        "N° action": 56, "Jalon": "Ouverture de la boucle", "Début prévu": dt.datetime(2030, 4, 1),
        "Fin prévue": dt.datetime(2030, 6, 30), "Récurrence": "aucune", "Précision": "trimestre",
        "Extrait du plan": "Printemps 2030"}))
    path = tmp_path_factory.mktemp("decale") / "plan_2029_2034.xlsx"
    wb.save(path)
    return path


@pytest.fixture(scope="module")
def shifted(shifted_path):
    return load_plan(shifted_path)


def test_shifted_plan_loads_with_its_own_period_and_six_axes(shifted, plan):
    assert shifted.periode == (2029, 2034)
    assert shifted.annees == [2029, 2030, 2031, 2032, 2033, 2034]
    assert list(shifted.axes["axe"]) == [1, 2, 3, 4, 5, 6]
    assert len(shifted.actions) == len(plan.actions) + 1
    new = shifted.actions[shifted.actions["action_id"] == 56].iloc[0]
    assert (new["axe"], new["enjeu"], new["categorie_budget"]) == (6, "6.1", "chiffré")


def test_shifted_plan_years_and_dates_moved_by_six(shifted, plan):
    n = len(plan.budget)
    for key in ("annee_debut", "annee_fin"):
        pd.testing.assert_series_equal(shifted.budget[key].iloc[:n], plan.budget[key] + SHIFT)
    pd.testing.assert_series_equal(shifted.capacite["annee"], plan.capacite["annee"] + SHIFT)
    m = len(plan.calendrier)
    moved = shifted.calendrier["debut_prevu"].iloc[:m].dt.year - plan.calendrier["debut_prevu"].dt.year
    assert set(moved.dropna()) == {SHIFT}


@pytest.mark.parametrize("page", PAGES, ids=[p.stem for p in PAGES])
def test_every_page_renders_the_shifted_plan(page, shifted_path, monkeypatch):
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("DASHBOARD_PLAN", str(shifted_path))
    at = AppTest.from_file(str(page), default_timeout=60).run()
    assert not at.exception, [e.value for e in at.exception]
    assert not [e.value for e in at.error], "la page affiche une erreur"
