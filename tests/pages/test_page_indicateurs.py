"""AppTest of the "Indicateurs" page: without follow-up data, and with the demo imported in the store."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from dashboard import fmt, metrics
from dashboard.suivi import demo, store

PAGE = str(Path(__file__).resolve().parents[2] / "vues" / "indicateurs.py")
TAB_TABLE = ":material/table_view: Tous les indicateurs"   # the page's tabs (session_state["indicateurs_onglet"])
TAB_COLLECT = ":material/checklist: Reste à collecter"


def _run(**state) -> AppTest:
    at = AppTest.from_file(PAGE, default_timeout=60)
    for k, v in state.items():
        at.session_state[k] = v
    return at.run()


def _texts(at: AppTest) -> str:
    return "\n".join([m.value for m in at.markdown] + [m.value for m in at.info] + [m.value for m in at.warning]
                     + [m.value for m in at.success])


def _metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory, plan):
    """A store holding the shipped demo workbooks, imported by the first-start code path."""
    url = f"sqlite:///{tmp_path_factory.mktemp('demo') / 'suivi.sqlite'}"
    engine = store.open_engine(url)
    assert demo.load_if_first_start(engine, plan, environ={"DASHBOARD_DEMO": "1"})
    return url


def test_without_follow_up_says_nothing_imported_and_points_to_import(plan):
    at = _run()
    assert not at.exception
    info = "\n".join(i.value for i in at.info)
    assert "Aucune valeur d'indicateur n'a encore été importée" in info
    assert f"{fmt.nombre(len(plan.indicateurs))} indicateur(s) à suivre" in info
    assert "Données de démonstration" not in _texts(at)        # no demo, no banner (DASHBOARD_DEMO=0)
    assert len(at.dataframe[0].value) == len(plan.indicateurs)  # the plan's indicators, to collect
    assert not at.metric                                        # no figure made up from nothing


def test_with_demo_data(monkeypatch, demo_db, plan):
    monkeypatch.setenv("DASHBOARD_DB", demo_db)
    suivi = store.load_suivi(store.open_engine(demo_db))
    last = max(demo.demo_years())
    at = _run()
    assert not at.exception
    assert "Données de démonstration" in _texts(at)                 # the banner
    assert at.button(key="retirer_demo").label == "Retirer les données de démonstration"
    assert at.selectbox(key="ind_annee").value == last              # the latest year with values
    c = metrics.completude(plan, suivi.indicateurs, last)
    m = _metrics(at)
    assert m[f"Renseignés pour {last}"] == f"{fmt.nombre(c.renseignes)} / {fmt.nombre(c.total)}"
    jal = metrics.jalons(plan, suivi.indicateurs, last)
    assert m[f"Jalons atteints fin {last}"] == f"{fmt.nombre(jal['atteint'].sum())} / {fmt.nombre(len(jal))}"
    # only the open tab is drawn: each tab is opened as a click on it would
    at.session_state["indicateurs_onglet"] = TAB_TABLE
    at.run()
    every = next(d.value for d in at.dataframe if "Dernière valeur" in d.value.columns)
    assert len(every) == len(plan.indicateurs)
    at.session_state["indicateurs_onglet"] = TAB_COLLECT
    at.run()
    assert f"**{fmt.nombre(c.manquants)} indicateur(s) sur {fmt.nombre(c.total)} sans résultat pour {last}**" in _texts(at)
    tables = [d.value for d in at.dataframe]
    per_porteur = next(t for t in tables if "À collecter" in t.columns and "Porteur" in t.columns
                       and "Complétude" in t.columns)
    assert dict(zip(per_porteur["Porteur"], per_porteur["À collecter"], strict=True)) == dict(
        zip(c.par_porteur["porteur"], c.par_porteur["manquants"], strict=True))

    at.selectbox(key="ind_annee").set_value(last - 1).run()          # another year: figures follow
    assert not at.exception
    c2 = metrics.completude(plan, suivi.indicateurs, last - 1)
    assert _metrics(at)[f"Renseignés pour {last - 1}"] == f"{fmt.nombre(c2.renseignes)} / {fmt.nombre(c2.total)}"


def test_filters_and_action_selection(monkeypatch, demo_db, plan):
    monkeypatch.setenv("DASHBOARD_DB", demo_db)
    at = _run(filtre_axes=[1], ind_action=11)
    assert not at.exception
    kept = metrics.selected_actions(plan, metrics.Filters(axes=(1,)))
    n = int(plan.indicateurs["action_id"].isin(kept).sum())
    assert _metrics(at)["Indicateurs du plan"] == fmt.nombre(n)
    assert at.selectbox(key="ind_choisi").value.startswith("A11-")
    assert set(at.selectbox(key="ind_choisi").options) == {
        f"{i} – {t}" for i, t, ty in plan.indicateurs[["indicateur_id", "indicateur", "type"]].itertuples(index=False)
        if i.startswith("A11-") and ty == "quantitatif"}


def test_remove_button_removes_demo_for_good(monkeypatch, tmp_path, plan):
    url = f"sqlite:///{tmp_path / 'retrait.sqlite'}"
    monkeypatch.setenv("DASHBOARD_DB", url)
    monkeypatch.setenv("DASHBOARD_DEMO", "1")
    at = _run()                                                     # first start: the demo is imported
    assert not at.exception
    assert "Données de démonstration" in _texts(at)
    at.button(key="retirer_demo").click().run()
    assert not at.exception
    assert "Données de démonstration retirées" in _texts(at)
    assert "Aucune valeur d'indicateur n'a encore été importée" in _texts(at)
    engine = store.open_engine(url)
    assert not store.history(engine)["demo"].any() and demo.removed(engine)
    again = _run()                                                  # next start: it does not come back
    assert "Données de démonstration" not in _texts(again)
    assert store.load_suivi(engine).empty
