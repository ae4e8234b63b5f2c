"""AppTest of the "Présentation au comité" page on the shipped plan: every slide, ?diapo=N, navigation."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest
from markdown_builders import literal
from streamlit.testing.v1 import AppTest

from dashboard import metrics
from dashboard.present import comite, comite_html
from dashboard.suivi.store import Suivi

PAGE = str(Path(__file__).resolve().parents[2] / "vues" / "comite.py")


@pytest.fixture(scope="module")
def deck(plan):
    return comite.slides(metrics.apply_hypotheses(plan), Suivi())


def _run(diapo: str | None = None) -> AppTest:
    at = AppTest.from_file(PAGE, default_timeout=30)
    if diapo is not None:
        at.query_params["diapo"] = diapo
    return at.run()


def _html(at: AppTest) -> str:
    return "\n".join(m.value for m in at.markdown)


@pytest.mark.parametrize("n", range(1, 7))
def test_every_slide_renders(deck, n):
    at = _run(str(n))
    assert not at.exception
    assert not at.warning
    slide = deck[n - 1]
    assert f'<span class="diapo-num">{n}/{len(deck)}</span>{html.escape(slide.titre)}' in _html(at)
    assert at.radio(key="diapo_choisie").value == n - 1
    for c in slide.chiffres:
        assert html.escape(c.valeur) in _html(at)


def test_first_slide_states_the_plan_in_numbers(plan):
    at = _run()
    first, last = plan.periode
    assert f"{len(plan.actions)} actions sur {plan.actions['axe'].nunique()} axes pour {first}-{last}" in _html(at)


@pytest.mark.parametrize(("value", "message"), [
    ("99", "La diapositive n° 99 n'existe pas"),
    ("abc", "« abc » n'est pas un numéro de diapositive"),
])
def test_bad_slide_number_shows_french_message(value, message):
    at = _run(value)
    assert not at.exception
    assert any(message in literal(w.value) for w in at.warning)
    assert '<span class="diapo-num">1/' in _html(at)


def test_next_and_previous_buttons_move_and_update_the_link():
    at = _run("2")
    at.button(key="diapo_suiv").click().run()
    assert not at.exception
    assert '<span class="diapo-num">3/' in _html(at)
    assert at.query_params["diapo"] in (["3"], "3")
    at.button(key="diapo_prec").click().run()
    at.button(key="diapo_prec").click().run()
    assert '<span class="diapo-num">1/' in _html(at)
    assert at.button(key="diapo_prec").disabled


def test_picking_a_slide_in_the_selector():
    at = _run()
    at.radio(key="diapo_choisie").set_value(3).run()
    assert not at.exception
    assert '<span class="diapo-num">4/' in _html(at)
    assert at.query_params["diapo"] in (["4"], "4")


# --- Mode projecteur --------------------------------------------------------------------------

def _projector(diapo: str = "1", **params) -> AppTest:
    at = AppTest.from_file(PAGE, default_timeout=30)
    at.query_params["mode"] = "projecteur"
    at.query_params["diapo"] = diapo
    for k, v in params.items():
        at.query_params[k] = v
    return at.run()


def _all_html(at: AppTest) -> str:
    """st.html bodies and markdown: the projector slide is written with st.html."""
    return "\n".join([m.value for m in at.markdown] + [h.proto.body for h in at.get("html")])


def _param(at: AppTest, name: str):
    value = at.query_params.get(name)
    return value[-1] if isinstance(value, list) else value


def test_mode_projecteur_button_goes_to_the_projector():
    at = _run("3")
    at.button(key="mode_projecteur").click().run()
    assert not at.exception
    assert _param(at, "mode") == "projecteur" and _param(at, "diapo") == "3"
    assert not at.radio                                     # no selector in the room
    assert '<span class="diapo-num">3/' in _all_html(at)


def test_projector_slide_without_page_chrome(deck):
    at = _projector("2")
    assert not at.exception
    assert f'<span class="diapo-num">2/{len(deck)}</span>{html.escape(deck[1].titre)}' in _all_html(at)
    assert not at.radio and not at.get("download_button")   # the slide only
    assert not at.warning                                   # no demo box (no demo here either)


@pytest.mark.parametrize(("start", "key", "expected"), [
    ("2", "touche_suivante_PageDown", "3"), ("2", "touche_suivante_Right", "3"), ("2", "touche_suivante_Space", "3"),
    ("2", "touche_suivante_Enter", "3"), ("3", "touche_precedente_PageUp", "2"), ("3", "touche_precedente_Left", "2"),
    ("3", "touche_precedente_Backspace", "2"), ("3", "touche_premiere_Home", "1"), ("1", "touche_precedente_PageUp", "1"),
])
def test_clicker_keys_move_the_slide_and_the_link(deck, start, key, expected):
    at = _projector(start)
    at.button(key=key).click().run()
    assert not at.exception
    assert _param(at, "diapo") == expected and _param(at, "mode") == "projecteur"
    assert f'<span class="diapo-num">{expected}/{len(deck)}</span>' in _all_html(at)


def test_end_key_and_next_on_the_last_slide_stay_on_the_last(deck):
    at = _projector("1")
    at.button(key="touche_derniere_End").click().run()
    assert _param(at, "diapo") == str(len(deck))
    at.button(key="touche_suivante_PageDown").click().run()
    assert _param(at, "diapo") == str(len(deck))


def test_shortcuts_are_the_clickers_keys():
    at = _projector("1")
    shortcuts = {b.key: b.proto.shortcut for b in at.button if b.key.startswith("touche_")}
    assert {shortcuts[f"touche_suivante_{k}"] for k in ("PageDown", "Right", "Space", "Enter")} == {
        "pagedown", "right", "space", "enter"}
    assert shortcuts["touche_quitter_Esc"] == "escape"


def test_escape_leaves_the_projector_mode():
    at = _projector("4")
    at.button(key="touche_quitter_Esc").click().run()
    assert not at.exception
    assert _param(at, "mode") is None and _param(at, "diapo") == "4"
    assert at.radio(key="diapo_choisie").value == 3


def test_one_action_in_projector_format_and_back(plan):
    at = _projector("2", action="11")
    assert not at.exception
    body = _all_html(at)
    titre = plan.actions.loc[plan.actions["action_id"] == 11, "titre"].iloc[0]
    assert html.escape(f"n°\u00a011 {titre}") in body
    assert "Calendrier" in body and "Indicateurs" in body
    assert 'href="actions?action=11&amp;diapo=2&amp;retour=projecteur"' in body     # the whole fiche
    at.button(key="touche_quitter_Esc").click().run()                                # Esc: back to the slide
    assert _param(at, "action") is None and _param(at, "mode") == "projecteur" and _param(at, "diapo") == "2"


def test_slide_items_link_to_their_fiche(deck):
    n = next(i for i, s in enumerate(deck, start=1) if s.key == "non_comptes")
    items = deck[n - 1].items
    assert items                                   # the shipped plan has lines the totals leave out
    page = _html(_run(str(n)))
    room = _all_html(_projector(str(n)))
    for it in items:
        assert f'href="actions?action={it.action_id}&amp;diapo={n}"' in page
        assert f'href="comite?mode=projecteur&amp;diapo={n}&amp;action={it.action_id}"' in room


def _key_classes(node) -> set[str]:
    """The `st-key-…` class the browser gives each keyed container and element drawn (Streamlit's
    frontend: `st-key-` + the key, any character but letters, digits, - and _ made a -)."""
    key = getattr(node, "key", None)
    own = {"st-key-" + re.sub(r"[^a-zA-Z0-9_-]", "-", key.strip())} if key else set()
    return own.union(*(_key_classes(c) for c in getattr(node, "children", {}).values()))


@pytest.mark.parametrize("params", [{"diapo": "2"}, {"diapo": "1"}, {"diapo": "2", "action": "11"}],
                         ids=["graphique", "chiffres", "action"])
def test_projector_draws_the_hooks_of_its_one_stylesheet(params):
    at = _projector(**params)
    assert not at.exception
    sheets = [h.proto.body for h in at.get("html") if "<style>" in h.proto.body]
    assert sheets == [comite_html.projector_css()]                     # one stylesheet, once
    drawn = _key_classes(at.main)
    css = re.sub(r"/\*.*?\*/", "", comite_html.projector_css(), flags=re.S)
    hooks = set(re.findall(r"\.(st-key-[\w-]+)", css))
    assert hooks >= {"st-key-diapo", "st-key-diapo_corps", "st-key-diapo_nav", "st-key-touches"}
    assert hooks <= drawn, hooks - drawn
    if params == {"diapo": "2"}:                                       # the chart drawn twice, one shown by size
        for prefix in re.findall(r'\[class\*="(st-key-[\w-]+)"\]', css):
            assert any(c.startswith(prefix) for c in drawn), prefix


def test_a_past_day_looked_at_elsewhere_is_said_and_the_deck_is_todays():
    at = AppTest.from_file(PAGE, default_timeout=30)
    at.session_state["situation_au_jour"] = "2025-06-30"  # kept by the pilotage pages (?au=2025-06-30)
    at.run()
    assert not at.exception
    said = [i.value for i in at.info if "situation d'aujourd'hui" in i.value]
    assert len(said) == 1 and "celle du 30/06/2025" in said[0]
    at = _run()
    assert not [i for i in at.info if "situation d'aujourd'hui" in i.value]   # nothing said otherwise
