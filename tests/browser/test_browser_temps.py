"""Browser flow of a past day (`?au=`): the banner, the day kept from page to page through the sidebar
(whose links carry no query parameter), and back to today.

Skipped where /usr/bin/chromium is absent (`apt-get install chromium`; CI installs it).
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from browser_builders import ARGS, CHROMIUM, open_page, streamlit_server

from dashboard import fmt
from dashboard.suivi import temps

pytestmark = [pytest.mark.browser,
              pytest.mark.skipif(not CHROMIUM.exists(), reason="chromium absent (apt-get install chromium)")]

BANNER = "Vous regardez la situation au"


@pytest.fixture(scope="module")
def page(tmp_path_factory):
    from playwright.sync_api import sync_playwright

    db = tmp_path_factory.mktemp("temps") / "suivi.sqlite"
    with streamlit_server({"DASHBOARD_DB": f"sqlite:///{db}", "DASHBOARD_DEMO": "0"}) as url, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        pg = browser.new_page(viewport={"width": 1440, "height": 900})
        yield pg, url, f"sqlite:///{db}"
        browser.close()


def main_text(page) -> str:
    return page.inner_text("[data-testid='stMain']")


def test_a_past_day_follows_the_pages_until_back_to_today(page):
    page, base, _ = page
    day = temps.aujourdhui() - timedelta(days=3)
    open_page(page, f"{base}/budget?au={day.isoformat()}")
    assert f"{BANNER} {fmt.jour(day)}" in main_text(page)
    page.locator("[data-testid='stSidebarNav']").get_by_role("link", name="Effectifs (ETP)").click()
    page.wait_for_url("**/effectifs**", timeout=30000)
    page.get_by_text(BANNER).wait_for(timeout=30000)
    assert f"{BANNER} {fmt.jour(day)}" in main_text(page)
    page.wait_for_function(f"() => location.search.includes('au={day.isoformat()}')", timeout=30000)
    page.get_by_role("button", name="Revenir à aujourd'hui").click()
    page.wait_for_function("() => !location.search.includes('au=')", timeout=30000)
    page.wait_for_timeout(1500)
    assert BANNER not in main_text(page)


def test_a_future_day_is_said_and_the_page_is_todays(page):
    page, base, _ = page
    open_page(page, f"{base}/budget?au=2999-01-01")
    text = main_text(page)
    assert "Date de situation « 2999-01-01 » dans le futur" in text and BANNER not in text


def test_downloading_the_deck_records_the_comite_and_names_the_file_by_its_date(page):
    """The comité's date by default (none recorded yet: today) names the file, and the download records it
    (the date typed in the field: tests/pages/test_page_temps.py)."""
    from dashboard.suivi import comites, store

    page, base, db = page
    open_page(page, f"{base}/comite")
    today = temps.aujourdhui()
    with page.expect_download(timeout=60000) as download:
        page.get_by_role("button", name="Télécharger le diaporama à diffuser").click()
    assert download.value.suggested_filename == f"comite_{today.isoformat()}.html"
    page.wait_for_timeout(2500)  # the click's callback runs with the next script run
    engine = store.open_engine(db)
    assert (today, "export") in [(c.date, c.origine) for c in comites.liste(engine)]
    engine.dispose()
