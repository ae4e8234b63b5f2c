"""AppTest of the Pilotage pages (Vue d'ensemble, Budget, Effectifs), filters applied through the
shared session_state keys; the figures asserted are hand computations from the plan's text."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from page_builders import run_page
from streamlit.testing.v1 import AppTest

from dashboard import fmt

ROOT = Path(__file__).resolve().parents[2]


def run(page: str, **state) -> AppTest:
    """Run a page with these session_state values (filters; `<page>_onglet`: the tab open, as clicked)."""
    return run_page(page, **state)


def metric(at: AppTest, label: str) -> str:
    values = [m.value for m in at.metric if m.label == label]
    assert values, f"no metric « {label} » in {[m.label for m in at.metric]}"
    return values[0]


@pytest.mark.parametrize(("state", "label", "expected"), [
    # whole plan: one-off A2 200 000 + A3 1 500 + A9 20 000-40 000 + A10 200 000
    ({}, "Budget ponctuel chiffré", fmt.fourchette(421_500, 441_500)),
    # annual: A11 20 000 + A12 20 000 + A13 5 000 + A14 5 000 + A17 70 000 + A30 50 000 + A34 5 000
    #         + A35 5 000-10 000 + A55 50 000
    ({}, "Budget récurrent chiffré, par an", fmt.fourchette(230_000, 235_000)),
    ({}, "ETP chiffrés", fmt.etp(3.6)),
    ({}, "Fiches action", "53"),
    # enjeu 1.3 = actions 11 to 15: 20 000 + 20 000 + 5 000 + 5 000 a year
    ({"filtre_enjeux": ["1.3"]}, "Budget récurrent chiffré, par an", fmt.fourchette(50_000, 50_000)),
    ({"filtre_enjeux": ["1.3"]}, "Fiches action", "5"),
    # Ville d'Auch carries action 17 only: Garçon La Note 20 000 + Mardi de l'été 50 000
    ({"filtre_porteurs": ["Ville d'Auch"]}, "Budget récurrent chiffré, par an", fmt.fourchette(70_000, 70_000)),
])
def test_vue_ensemble(state, label, expected):
    assert metric(run("vue_ensemble", **state), label) == expected


@pytest.mark.parametrize(("state", "label", "expected"), [
    ({}, "Ponctuel chiffré", fmt.fourchette(421_500, 441_500)),
    # 421 500 + 6 × 230 000 = 1 801 500 ; 441 500 + 6 × 235 000 = 1 851 500
    ({}, "Total 2023-2028", fmt.fourchette(1_801_500, 1_851_500)),
    ({}, "Par unité (quantité fixée)", fmt.euros(0)),
    # axe 3: A34 5 000 + A35 5 000-10 000 a year, nothing one-off
    ({"filtre_axes": [3]}, "Récurrent chiffré, par an", fmt.fourchette(10_000, 15_000)),
    ({"filtre_axes": [3]}, "Ponctuel chiffré", fmt.euros(0)),
    # enjeu 1.2: A9 20 000-40 000 + A10 200 000
    ({"filtre_enjeux": ["1.2"]}, "Ponctuel chiffré", fmt.fourchette(220_000, 240_000)),
])
def test_budget(state, label, expected):
    assert metric(run("budget", **state), label) == expected


def test_budget_hypothesis_flows_into_the_totals():
    at = run("budget")
    at.number_input(key="hyp_4_Quantité : parcours").set_value(3).run()
    assert not at.exception
    # 3 parcours × 50 000 €
    assert metric(at, "Par unité (quantité fixée)") == fmt.euros(150_000)
    assert metric(at, "Total 2023-2028") == fmt.fourchette(1_951_500, 2_001_500)
    # the one-off and annual totals do not depend on it
    assert metric(at, "Ponctuel chiffré") == fmt.fourchette(421_500, 441_500)
    assert metric(at, "Récurrent chiffré, par an") == fmt.fourchette(230_000, 235_000)


def test_budget_of_a_plan_with_dozens_of_hypotheses_shows_them_in_one_table(tmp_path, monkeypatch):
    workbook = tmp_path / "plan_x7.xlsx"   # each action 7 times: 14 hypotheses
    subprocess.run([sys.executable, str(ROOT / "scripts" / "make_big_plan.py"), "-n", "7", "-o", str(workbook)],
                   check=True, capture_output=True)
    monkeypatch.setenv("DASHBOARD_PLAN", str(workbook))
    at = run("budget")
    shown = [e for e in at.expander if not e.label.startswith("Voir les données")]  # not a chart's data
    assert [e.label for e in shown] == ["Hypothèses (14) : paramètres que le plan laisse ouverts"]
    assert len(at.number_input) == 0                      # one table rather than 14 inputs
    editors = [e for e in shown[0].children.values() if getattr(e, "type", "") == "dataframe"]
    assert len(editors) == 1 and editors[0].proto.editing_mode   # st.data_editor
    # the workbook's values: 7 × the shipped one-off total, no parcours counted
    assert metric(at, "Ponctuel chiffré") == fmt.fourchette(7 * 421_500, 7 * 441_500)
    assert metric(at, "Par unité (quantité fixée)") == fmt.euros(0)


def test_budget_lists_what_the_total_leaves_out():
    at = run("budget", budget_onglet="Ce que le total ne compte pas")  # the tab, as a click opens it
    text = " ".join(m.value for m in at.markdown)
    assert "quantité non fixée" in text and "budget « à définir »" in text


@pytest.mark.parametrize(("state", "label", "expected"), [
    ({}, "ETP chiffrés par le plan", fmt.etp(3.6)),
    # axe 5: A49 0,1 + 0,4 ; A50 0,2 ; A53 0,2 ; A55 0,5
    ({"filtre_axes": [5]}, "ETP chiffrés par le plan", fmt.etp(1.4)),
    # axe 2: A30 0,5 ; A31 0,5 ; A32 0,1
    ({"filtre_axes": [2]}, "ETP chiffrés par le plan", fmt.etp(1.1)),
    ({}, "Surallocations", "0"),
])
def test_effectifs(state, label, expected):
    assert metric(run("effectifs", **state), label) == expected


def test_effectifs_says_capacity_is_unknown():
    at = run("effectifs", effectifs_onglet="Capacité des services")
    assert any("Capacité" in i.value and "inconnue" in i.value for i in at.info)


@pytest.fixture
def with_realise(monkeypatch):
    """The store holds spending and ETP for action 11 (axe 1) in 2023."""
    import pandas as pd

    from dashboard import ui
    from dashboard.suivi.store import Suivi

    realise = pd.DataFrame({"action_id": [11], "annee": [2023], "depenses": [18_500.0], "etp": [0.3]})
    monkeypatch.setattr(ui, "get_suivi", lambda: Suivi(realise=realise))


@pytest.mark.parametrize(("page", "header", "value"), [
    ("budget", "Réalisé (€)", fmt.euros(18_500)),
    ("effectifs", "Réalisé (ETP)", "0,3"),
])
def test_planned_vs_realised_once_imported(with_realise, page, header, value):
    at = run(page, **{f"{page}_onglet": "Prévu / réalisé"})
    assert not any("Aucune donnée de suivi" in i.value for i in at.info)
    tables = [df.value for df in at.dataframe if header in df.value.columns]
    assert tables and value in tables[0][header].tolist()


@pytest.mark.parametrize("page", ["budget", "effectifs"])
def test_nothing_imported_is_said_plainly(page):
    at = run(page, **{f"{page}_onglet": "Prévu / réalisé"})
    assert any("Aucune donnée de suivi n'a encore été importée" in i.value for i in at.info)


def test_the_navigations_pages_are_checked_once_and_each_run_gets_copies_of_them():
    """st.Page checks a page's file on every run; ui.page does it once per process and hands out copies,
    which st.navigation may mark (the page to run) without touching the originals."""
    from dashboard import ui

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.run()
    at.switch_page("vues/budget.py").run()
    assert not at.exception, [e.message for e in at.exception]
    made = dict(ui.pages._PAGES)
    assert {p.url_path for p in made.values()} >= {"budget", "calendrier", "actions", "comite"}
    at.switch_page("vues/calendrier.py").run()
    assert at.title[0].value == "Calendrier & retards"
    assert ui.pages._PAGES == made and all(ui.pages._PAGES[k] is v for k, v in made.items())  # not checked again


def test_each_call_of_ui_page_is_a_copy_st_navigation_may_mark():
    budget = str(ROOT / "vues" / "budget.py")
    at = AppTest.from_string(f"""
import streamlit as st
from dashboard import ui
a = ui.page({budget!r}, title="Budget", url_path="budget")
b = ui.page({budget!r}, title="Budget", url_path="budget")
a._can_be_called = True  # what st.navigation does to the page it runs
st.markdown(f"{{a is not b}} {{b._can_be_called}} {{a.title == b.title == 'Budget'}} {{a.url_path == b.url_path}}")
""", default_timeout=60)
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    assert at.markdown[0].value == "True False True True"


def test_the_address_sets_the_filters_and_an_unknown_value_is_said():
    at = AppTest.from_file("../../vues/effectifs.py", default_timeout=30)
    at.query_params["axe"] = "2,9"
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    # axe 2: A30 0,5 + A31 0,5 + A32 0,1
    assert metric(at, "ETP chiffrés par le plan") == fmt.etp(1.1)
    assert at.session_state["filtre_axes"] == [2]
    assert [w.value for w in at.warning] == ["Adresse : « axe=9 » ignoré (axes du plan : 1, 2, 3, 4, 5)."]
    assert at.query_params["axe"] == "2"  # written back without the value refused


def test_a_hypothesis_from_the_address_sets_budgets_input():
    at = AppTest.from_file("../../vues/budget.py", default_timeout=30)
    at.query_params["h4_quantite_parcours"] = "2"
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    assert at.number_input(key="hyp_4_Quantité : parcours").value == 2
    # 2 parcours × 50 000 € (action 4)
    assert metric(at, "Par unité (quantité fixée)") == fmt.euros(100_000)


@pytest.mark.parametrize("page", ["vue_ensemble", "budget", "effectifs", "calendrier", "indicateurs", "actions"])
def test_the_demo_banner_opens_every_page(page, monkeypatch, tmp_path_factory, plan):
    """The demonstration banner comes first, above the page's title and its « Situation au » line, on
    every page alike."""
    from dashboard.suivi import demo, store

    url = f"sqlite:///{tmp_path_factory.mktemp('bandeau') / 'suivi.sqlite'}"
    assert demo.load_if_first_start(store.open_engine(url), plan, environ={"DASHBOARD_DEMO": "1"})
    monkeypatch.setenv("DASHBOARD_DB", url)
    at = run(page)
    order = [type(n).__name__ + ":" + str(getattr(n, "value", "")) for n in at.main]
    banner = next(i for i, t in enumerate(order) if "Données de démonstration" in t)
    title = next(i for i, t in enumerate(order) if t.startswith("Title:"))
    situation = next(i for i, t in enumerate(order) if "Situation au" in t)
    assert banner < title < situation
