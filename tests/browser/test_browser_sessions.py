"""Signed-in sessions in Debian's chromium: a password sign-in survives a reload and is seen by another
tab; « Se déconnecter » signs the other tab out at its next reload; a deactivated account loses an open
tab at its next click; the document is in French.

Skipped where /usr/bin/chromium is absent (`apt-get install chromium`; CI installs it).
"""

from __future__ import annotations

import pytest
from browser_builders import ARGS, CHROMIUM, PASSWORD, accounts_server, open_page, sign_in

from dashboard.acces import comptes
from dashboard.acces.roles import OPERATEUR
from dashboard.suivi import store

SIGNED_IN = "() => document.querySelector('[data-testid=\"stSidebar\"]')?.innerText.includes('Camille Martin (camille)')"
SIGNED_OUT = ("() => [...document.querySelectorAll('[data-testid=\"stSidebar\"] a')]"
              ".some(a => a.innerText.trim() === 'Se connecter')")

pytestmark = [pytest.mark.browser,
              pytest.mark.skipif(not CHROMIUM.exists(), reason="chromium absent (apt-get install chromium)")]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with accounts_server(tmp_path_factory.mktemp("sessions")) as served:
        yield served


def may_upload(page) -> bool:
    return page.locator("input[type='file']").count() > 0


def test_a_session_survives_reloads_reaches_other_tabs_and_ends_everywhere(server):
    from playwright.sync_api import sync_playwright

    url, db = server
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        context = browser.new_context(viewport={"width": 1440, "height": 1000})
        first = context.new_page()
        try:
            open_page(first, url + "/import")
            assert first.evaluate("document.documentElement.lang") == "fr"
            first.wait_for_function(SIGNED_OUT, timeout=60000)
            assert not may_upload(first)

            sign_in(first, "camille", PASSWORD)
            first.wait_for_function(SIGNED_IN, timeout=60000)
            assert first.url.endswith("/import")  # back where the person was
            first.locator("input[type='file']").wait_for(state="attached", timeout=60000)

            first.reload()  # F5
            first.wait_for_function(SIGNED_IN, timeout=60000)
            first.locator("input[type='file']").wait_for(state="attached", timeout=60000)

            second = context.new_page()  # another tab of the same browser
            open_page(second, url + "/import")
            second.wait_for_function(SIGNED_IN, timeout=60000)
            assert "Rôle : saisie" in second.locator("[data-testid='stSidebar']").inner_text()

            first.locator("[data-testid='stSidebar']").get_by_role("button", name="Se déconnecter").click()
            first.wait_for_function(SIGNED_OUT, timeout=60000)
            assert not may_upload(first)
            second.reload()
            second.wait_for_function(SIGNED_OUT, timeout=60000)
            assert not may_upload(second)
            assert "Camille Martin" not in second.locator("[data-testid='stSidebar']").inner_text()

            # signed in again, then the account is deactivated (`users disable`): the open tab loses
            # access at its next click, without a reload
            sign_in(first, "camille", PASSWORD)
            first.wait_for_function(SIGNED_IN, timeout=60000)
            first.locator("input[type='file']").wait_for(state="attached", timeout=60000)
            comptes.desactiver(store.open_engine(db), OPERATEUR, "camille")
            first.locator("[data-testid='stSidebarNav']").get_by_text("Budget").click()
            first.get_by_text("Votre compte a été désactivé").wait_for(timeout=60000)
            assert "Camille Martin" not in first.locator("[data-testid='stSidebar']").inner_text()
            first.locator("[data-testid='stSidebarNav']").get_by_text("Import du suivi annuel").click()
            first.get_by_text("Pour déposer un classeur de suivi, connectez-vous").wait_for(timeout=60000)
            assert not may_upload(first)
            assert first.locator("[data-testid='stException']").count() == 0
        finally:
            context.close()
            browser.close()
