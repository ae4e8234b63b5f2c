"""AppTest of the "Présentation au comité" page on the shipped plan: every slide, ?diapo=N, navigation."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from dashboard import comite, metrics
from dashboard.store import Suivi

PAGE = str(Path(__file__).resolve().parents[1] / "vues" / "comite.py")


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
    assert f'<span class="diapo-num">{n}/{len(deck)}</span>{comite.html.escape(slide.titre)}' in _html(at)
    assert at.radio(key="diapo_choisie").value == n - 1
    for c in slide.chiffres:
        assert comite.html.escape(c.valeur) in _html(at)


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
    assert any(message in w.value for w in at.warning)
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
