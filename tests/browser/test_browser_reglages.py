"""The settings follow the person: filters and hypotheses kept from page to page, in the address, the
same view from that address in a fresh browser; « Situation au » on every pilotage page.

Skipped where /usr/bin/chromium is absent (`apt-get install chromium`; CI installs it).
"""

from __future__ import annotations

import pytest
from browser_builders import CHROMIUM, open_page

pytestmark = [pytest.mark.browser,
              pytest.mark.skipif(not CHROMIUM.exists(), reason="chromium absent (apt-get install chromium)")]

PILOTAGE = ["/", "/budget", "/effectifs", "/calendrier", "/indicateurs", "/actions?action=11"]


@pytest.fixture
def fresh(browser):
    """A new browser context (no cookie, no session) at 1440×900: a person opening a link."""
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    yield context.new_page()
    context.close()


def _settled(page) -> None:
    """The page has run after a click (same waits as open_page, without loading an address)."""
    page.wait_for_timeout(500)
    page.wait_for_function("() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=90000)
    page.wait_for_function("() => !document.querySelector('[data-testid^=\"stSkeleton\"]')", timeout=90000)
    page.wait_for_timeout(1500)


def _go(page, link: str) -> None:
    page.locator("[data-testid='stSidebarNav']").get_by_role("link", name=link).click()
    _settled(page)


def _metric(page, label: str) -> str:
    return page.locator("[data-testid='stMetric']", has_text=label).first.inner_text().replace("\u00a0", " ").replace("\u202f", " ")


def _no_trace(page) -> None:
    assert page.locator("[data-testid='stException']").count() == 0
    assert "Traceback" not in page.inner_text("body")


def test_an_axe_chosen_on_budget_follows_to_effectifs_and_into_a_fresh_browser(server, fresh, browser):
    open_page(fresh, server + "/budget?axe=2")
    _go(fresh, "Effectifs (ETP)")
    assert "/effectifs" in fresh.url and "axe=2" in fresh.url
    # axe 2: A30 0,5 + A31 0,5 + A32 0,1 ETP
    assert "1,1 ETP" in _metric(fresh, "ETP chiffrés par le plan")
    assert "Axe 2" in fresh.locator("[data-testid='stSidebar']").inner_text()
    address = fresh.url
    other = browser.new_context(viewport={"width": 1440, "height": 900})
    try:
        again = other.new_page()
        open_page(again, address)
        assert "1,1 ETP" in _metric(again, "ETP chiffrés par le plan")
        assert "axe=2" in again.url
        _no_trace(again)
    finally:
        other.close()


def test_a_hypothesis_set_in_the_address_is_kept_across_pages(server, fresh):
    open_page(fresh, server + "/budget?h4_quantite_parcours=2")
    # 2 parcours × 50 000 € (action 4, « + 50 000 € par parcours »)
    assert "100 000 €" in _metric(fresh, "Par unité (quantité fixée)")
    _go(fresh, "Vue d'ensemble")
    assert "h4_quantite_parcours=2" in fresh.url
    # the whole plan, 1 801 500 – 1 851 500 € with the workbook's hypotheses, + the 100 000 € of the parcours
    assert "1 901 500 – 1 951 500 €" in _metric(fresh, "Budget chiffré sur")
    _go(fresh, "Budget")
    assert "100 000 €" in _metric(fresh, "Par unité (quantité fixée)")
    assert fresh.get_by_role("spinbutton", name="Action 4 – Quantité : parcours").input_value() == "2"


def test_an_invalid_address_value_is_said_and_the_rest_applies(server, fresh):
    open_page(fresh, server + "/effectifs?axe=2,9&h9_part_office_de_tourisme=150")
    body = fresh.inner_text("body")
    assert "« axe=9 » ignoré" in body
    assert "« h9_part_office_de_tourisme=150 » ignoré (un pourcentage de 0 à 100 est attendu)" in body
    assert "1,1 ETP" in _metric(fresh, "ETP chiffrés par le plan")
    assert "axe=9" not in fresh.url and "axe=2" in fresh.url
    _no_trace(fresh)


def test_the_comites_deck_takes_the_sessions_filters(server, fresh):
    open_page(fresh, server + "/budget?axe=2")
    _go(fresh, "Présentation au comité")
    fresh.get_by_text("Actions retenues par les filtres de la barre latérale (axe 2)").wait_for(timeout=90000)
    assert "axe=2" in fresh.url
    _no_trace(fresh)


@pytest.mark.parametrize("path", PILOTAGE)
def test_every_pilotage_page_says_its_situation(server, fresh, path):
    open_page(fresh, server + path)
    body = fresh.inner_text("body")
    assert "Situation au " in body and "(dernier import du suivi en vigueur" in body
    # streamlit_server names the shipped workbook in DASHBOARD_PLAN: the plan is that file
    assert "plan : classeur « plan_2023_2028.xlsx »" in body
    _no_trace(fresh)


def test_a_hypothesis_set_on_budget_is_in_the_deck_downloaded_next(server, fresh):
    from dashboard.present.textes import fourchette_courte

    open_page(fresh, server + "/budget?axe=1&h4_quantite_parcours=2")
    _go(fresh, "Présentation au comité")
    fresh.get_by_text("Actions retenues par les filtres de la barre latérale (axe 1)").wait_for(timeout=90000)
    with fresh.expect_download(timeout=90000) as download:
        fresh.get_by_role("button", name="Télécharger le diaporama à diffuser").click()
    html = open(download.value.path(), encoding="utf-8").read()
    # axe 1: 1 141 500 – 1 161 500 € with the workbook's hypotheses, + 2 parcours × 50 000 €
    assert f"19 actions sur 1 axe pour 2023-2028 : {fourchette_courte(1_241_500, 1_261_500)} chiffrés." in html
