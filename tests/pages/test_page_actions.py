"""AppTest of the "Fiches actions" page on the shipped plan: table, search, filters, deep link."""

from __future__ import annotations

from pathlib import Path

import pytest
from markdown_builders import literal
from streamlit.testing.v1 import AppTest

PAGE = str(Path(__file__).resolve().parents[2] / "vues" / "actions.py")
VERBATIM_11 = "20 000 € par an de frais de fonctionnement et d'entretien"


def _run(action: str | None = None, **state) -> AppTest:
    at = AppTest.from_file(PAGE, default_timeout=30)
    if action is not None:
        at.query_params["action"] = action
    for k, v in state.items():
        at.session_state[k] = v
    return at.run()


def _markdown(at: AppTest) -> str:
    return "\n".join(m.value for m in at.markdown)


def _table(at: AppTest):
    """The table of all actions (the last dataframe of the page)."""
    return at.dataframe[-1].value


def test_table_lists_every_action(plan):
    at = _run()
    assert not at.exception
    t = _table(at)
    assert list(t["N°"]) == sorted(int(i) for i in plan.actions["action_id"])
    assert f"**{len(plan.actions)} action(s)** sur {len(plan.actions)}" in _markdown(at)
    assert not at.warning                                   # no deep link, no message
    assert at.selectbox(key="fiche_choisie").value is None  # no fiche open


def test_deep_link_opens_action_11(plan):
    at = _run("11")
    assert not at.exception
    titre = plan.actions.loc[plan.actions["action_id"] == 11, "titre"].iloc[0]
    assert [literal(h.value) for h in at.header][0] == f"Action n° 11 – {titre}"
    assert VERBATIM_11 in _markdown(at).replace("\\", "")   # the plan's words, verbatim (unescaped)
    budget = at.dataframe[0].value                            # the action's budget lines
    assert VERBATIM_11 in list(budget["Extrait du plan"])
    assert at.selectbox(key="fiche_choisie").value == 11
    assert not at.warning


@pytest.mark.parametrize(("value", "message"), [
    ("999", "L'action n° 999 n'existe pas"),
    ("18", "L'action n° 18 n'existe pas"),          # the plan has no action 18
    ("onze", "« onze » n'est pas un numéro d'action"),
])
def test_invalid_deep_link_shows_french_message(value, message):
    at = _run(value)
    assert not at.exception
    assert any(message in literal(w.value) for w in at.warning)
    assert not at.header or not at.header[0].value.startswith("Action n°")   # no fiche open
    assert len(_table(at)) > 0                                                # the list still shows


def test_picking_an_action_updates_the_link():
    at = _run()
    at.selectbox(key="fiche_choisie").set_value(12).run()
    assert not at.exception
    assert at.query_params["action"] == ["12"] or at.query_params["action"] == "12"
    assert at.header[0].value.startswith("Action n° 12 – ")


def test_search_and_page_filters(plan):
    at = _run(fiches_recherche="camping-caristes")
    assert list(_table(at)["N°"]) == [11]
    at = _run(fiches_recherche="11")
    assert list(_table(at)["N°"]) == [11]
    at = _run(fiches_categorie=["à budget constant"])
    expected = sorted(int(i) for i in plan.actions.loc[plan.actions["categorie_budget"] == "à budget constant", "action_id"])
    assert list(_table(at)["N°"]) == expected
    at = _run(fiches_recherche="zzz introuvable")
    assert not at.exception
    assert any("Aucune action ne correspond" in i.value for i in at.info)


def test_sidebar_filter_applies(plan):
    at = _run(filtre_axes=[3])
    expected = sorted(int(i) for i in plan.actions.loc[plan.actions["axe"] == 3, "action_id"])
    assert list(_table(at)["N°"]) == expected
    assert set(_table(at)["Axe"]) == {3}


@pytest.mark.parametrize(("params", "href"), [
    ({"diapo": "6", "retour": "projecteur"}, "comite?diapo=6&mode=projecteur"),
    ({"diapo": "4"}, "comite?diapo=4"),
])
def test_fiche_opened_from_the_deck_links_back_to_the_slide(params, href):
    at = AppTest.from_file(PAGE, default_timeout=30)
    at.query_params["action"] = "19"
    for k, v in params.items():
        at.query_params[k] = v
    at.run()
    assert not at.exception
    assert f'<a href="{href}" target="_self"' in _markdown(at)
    assert "Retour à la présentation" in _markdown(at)


def test_fiche_not_opened_from_the_deck_has_no_back_link():
    assert "Retour à la présentation" not in _markdown(_run("19"))


def test_an_open_fiche_and_the_list_of_actions_are_two_tabs(plan):
    at = _run("11")
    assert not [d for d in at.dataframe if "Titre" in d.value.columns]  # the list's tab is closed: not drawn
    at.session_state["fiches_onglet"] = "Toutes les actions"
    at.run()
    assert list(_table(at)["N°"]) == sorted(int(i) for i in plan.actions["action_id"])
    at.text_input(key="fiches_recherche").set_value("camping-caristes").run()
    assert list(_table(at)["N°"]) == [11]
    at.session_state["fiches_onglet"] = "Fiche de l'action"
    at.run()
    assert at.header[0].value.startswith("Action n° 11 – ")
    at.session_state["fiches_onglet"] = "Toutes les actions"
    at.run()
    assert list(_table(at)["N°"]) == [11]  # the search kept while its tab was closed
    at.selectbox(key="fiche_choisie").set_value(12).run()  # another action chosen: its fiche shows
    assert not at.exception
    assert at.header[0].value.startswith("Action n° 12 – ")


def test_an_open_fiche_offers_its_pdf():
    at = _run("11")
    assert not at.exception
    buttons = [b for b in at.get("download_button") if b.proto.label == "PDF de la fiche"]
    assert len(buttons) == 1                                # built at the click (python -m dashboard fiche 11)
    assert not [b for b in _run().get("download_button") if b.proto.label == "PDF de la fiche"]  # no fiche open
