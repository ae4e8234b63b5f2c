"""AppTest with the plan read from the store: a revision in force changes every page's figures, the
voted plan is compared with it (Calendrier, Budget, comité), the page « Plan » makes the voted plan
current again, and every page is back to the voted plan's figures. Follow-up values of an indicator
the revision removed are listed as « indicateur retiré du plan » and come back with the voted plan."""

from __future__ import annotations

import re

import pytest
from markdown_builders import literal
from page_builders import run_page
from streamlit.testing.v1 import AppTest
from versions_builders import (
    BUDGET_NEW,
    BUDGET_OLD,
    NEW_ACTION,
    SHIPPED,
    filled_followup,
    revise,
)

from dashboard import fmt
from dashboard.plan import load_plan, versions
from dashboard.suivi import importer

VOTED = "Plan voté le 16/02/2023"
DELTA = BUDGET_NEW - BUDGET_OLD
# the shipped plan, by hand (see test_pages_pilotage): one-off 421 500-441 500, total 1 801 500-1 851 500
PONCTUEL = (421_500, 441_500)
TOTAL = (1_801_500, 1_851_500)


def run(page: str, diapo: str | None = None, **state) -> AppTest:
    return run_page(page, {"diapo": diapo}, **state)


def metric(at: AppTest, label: str) -> str:
    (value,) = [m.value for m in at.metric if m.label == label]
    return value


def frame_with(at: AppTest, column: str):
    frames = [d.value for d in at.dataframe if column in getattr(d.value, "columns", ())]
    assert frames, f"no table with « {column} »"
    return frames[0]


def text(at: AppTest) -> str:
    return "\n".join(literal(m.value) for m in at.markdown)


@pytest.fixture
def engine(store_url, monkeypatch):
    monkeypatch.delenv("DASHBOARD_PLAN")
    e = versions.open_engine(store_url)
    versions.ensure_first_version(e)
    return e


def _figures(expect_revision: bool) -> None:
    """Every Pilotage page and the fiches show the plan in force."""
    delta = DELTA if expect_revision else 0
    at = run("vue_ensemble")
    assert metric(at, "Fiches action") == ("54" if expect_revision else "53")
    assert metric(at, "Budget ponctuel chiffré") == fmt.fourchette(PONCTUEL[0] + delta, PONCTUEL[1] + delta)
    at = run("budget")
    assert metric(at, "Total 2023-2028") == fmt.fourchette(TOTAL[0] + delta, TOTAL[1] + delta)
    n_actions = 54 if expect_revision else 53
    options = run("actions").selectbox(key="fiche_choisie").options
    assert len(options) == n_actions and any(o.startswith(f"{NEW_ACTION} ") for o in options) == expect_revision
    # the new action has no date: the dated actions stay the same, out of one more
    assert metric(run("calendrier"), "Actions avec des dates").endswith(f" sur {n_actions}")
    assert metric(run("effectifs"), "ETP chiffrés par le plan") == fmt.etp(3.6)  # no ETP line changed


def test_revision_in_force_compared_with_the_voted_plan_then_rolled_back(engine):
    _figures(expect_revision=False)
    at = run("calendrier")
    assert not [s for s in at.selectbox if s.key == "calendrier_reference"]  # one version: nothing to compare
    n_slides = int(re.search(r'<span class="diapo-num">1/(\d+)</span>', text(run("comite"))).group(1))

    versions.import_version(engine, revise(budget=True, add_action=True, move_end=True), file_name="revision.xlsx",
                            label="Révision mi-parcours 2025", auteur="directrice")
    _figures(expect_revision=True)

    at = run("calendrier", calendrier_onglet="Fins prévues : référence et en vigueur")  # that tab, as clicked
    ends = frame_with(at, f"Fin prévue ({VOTED})")
    row = ends[ends["Action"].str.startswith("11 · ")].iloc[0]
    assert (row[f"Fin prévue ({VOTED})"], row["Fin prévue (Révision mi-parcours 2025)"]) == ("31/12/2028", "30/06/2027")
    assert row["Écart"] == f"{fmt.mois(18.1)} plus tôt"
    new = ends[ends["Action"].str.startswith(f"{NEW_ACTION} · ")].iloc[0]
    assert new[f"Fin prévue ({VOTED})"] == "absente de cette version"

    at = run("budget")
    assert f"**Budget par axe : référence « {VOTED} », en vigueur « Révision mi-parcours 2025 »**" in text(at)
    by_axe = frame_with(at, "Ponctuel, référence").set_index("Axe")
    assert by_axe.loc["Axe 1", "Ponctuel, référence"] == fmt.fourchette(*PONCTUEL)
    assert by_axe.loc["Axe 1", "Ponctuel, en vigueur"] == fmt.fourchette(PONCTUEL[0] + DELTA, PONCTUEL[1] + DELTA)
    assert by_axe["Écart sur la période"].tolist() == [f"+{fmt.euros(DELTA)}", "0\u00a0€", "0\u00a0€", "0\u00a0€",
                                                      "0\u00a0€"]

    at = run("comite", diapo="2")  # second slide, after « le plan en chiffres »
    assert (f'<span class="diapo-num">2/{n_slides + 1}</span>Depuis le plan voté : 1 action ajoutée, budget +{fmt.euros(DELTA)}, '
            "1 fin déplacée.") in text(at)

    # the page « Plan »: the voted plan current again
    at = run("plan")
    assert "Version en vigueur : Version 2" in text(at)
    at.selectbox(key="plan_retour").set_value(1)
    (button,) = [b for b in at.button if b.label == "Rendre cette version courante"]
    button.click()
    at.run()
    assert not at.exception
    assert versions.current_id(engine) == 1
    assert any("Version 1 – Plan voté le 16/02/2023 : c'est de nouveau la version courante" in literal(s.value)
               for s in at.success)
    history = frame_with(at, "En vigueur")  # the revision is still listed, to come back to
    assert history[["N°", "En vigueur"]].to_dict("records") == [{"N°": 2, "En vigueur": ""}, {"N°": 1, "En vigueur": "oui"}]
    _figures(expect_revision=False)
    at = run("comite", diapo="2")
    assert f'<span class="diapo-num">2/{n_slides}</span>' in text(at) and "Depuis le plan voté" not in text(at)


def test_values_of_a_removed_indicator_are_listed_and_come_back(engine):
    voted = load_plan(SHIPPED)
    outcome = importer.import_workbook(engine, filled_followup(voted, {"A11-1": 1234}), voted, file_name="s.xlsx",
                                    dry_run=False)
    assert outcome.batch_id is not None
    at = run("indicateurs")
    assert not [e for e in at.expander if "retirés du plan" in e.label]

    versions.import_version(engine, revise(drop_indicator="A11-1"), file_name="sans.xlsx", label="Sans A11-1",
                            auteur="")
    at = run("indicateurs")
    (exp,) = [e for e in at.expander if "retirés du plan" in e.label]
    assert exp.label == "Valeurs d'indicateurs retirés du plan (1)"
    (retired,) = [d.value for d in exp.dataframe]
    assert retired.to_dict("records") == [{"Identifiant": "A11-1", "Indicateur": "Nombre de nuitées (indicateur "
                                           "retiré du plan)", "Année": "2025", "Résultat": fmt.nombre(1234),
                                           "Objectif": "—", "Commentaire": ""}]

    versions.use_version(engine, 1, auteur="")
    at = run("indicateurs", indicateurs_onglet=":material/table_view: Tous les indicateurs")  # that tab, as clicked
    assert not [e for e in at.expander if "retirés du plan" in e.label]
    values = [d.value for d in at.dataframe if "Identifiant" in getattr(d.value, "columns", ())]
    assert any("A11-1" in df["Identifiant"].tolist() for df in values)  # among the plan's indicators again


def test_the_list_of_versions_follows_a_return_to_an_older_version(engine):
    """The versions are cached on the version in force and on the latest one stored: back on the voted
    plan, the revision is still listed (to come back to it) and its indicators still known."""
    from dashboard import ui
    from dashboard.acces import comptes

    comptes.prepare(engine)  # every table of a store in use: the run's state is read in one query
    assert [v.id for v in ui.plan_versions()] == [1]
    versions.import_version(engine, revise(drop_indicator="A11-1"), file_name="r.xlsx", label="Révision", auteur="")
    assert [v.id for v in ui.plan_versions()] == [2, 1]
    versions.use_version(engine, 1, auteur="")
    assert [v.id for v in ui.plan_versions()] == [2, 1]
    assert "A11-1" in set(ui.known_indicators()["indicateur_id"])


def test_the_calendars_open_tab_stays_when_the_comparison_is_switched_off(engine):
    versions.import_version(engine, revise(move_end=True), file_name="r.xlsx", label="Révision", auteur="")
    at = run("calendrier", calendrier_onglet="Avancement et retards")
    at.selectbox(key="calendrier_reference").set_value(None).run()  # « Pas de comparaison »
    assert not at.exception
    assert at.header[0].value.startswith("Avancement et retards au ")  # still the tab the user had open
    at = run("calendrier", calendrier_onglet="Fins prévues : référence et en vigueur", calendrier_reference=None)
    assert any("Choisissez la version de référence" in i.value for i in at.info)
