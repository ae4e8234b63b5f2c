"""With accounts in the store, in Debian's chromium: sign in, import a follow-up workbook, sign out.

Skipped where /usr/bin/chromium is absent (`apt-get install chromium`; CI installs it).
"""

from __future__ import annotations

import pytest
from browser_builders import ARGS, CHROMIUM, PASSWORD, accounts_server, open_page, sign_in, suivi_file

from dashboard.suivi import store

pytestmark = [pytest.mark.browser,
              pytest.mark.skipif(not CHROMIUM.exists(), reason="chromium absent (apt-get install chromium)")]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with accounts_server(tmp_path_factory.mktemp("comptes")) as served:
        yield served


def test_sign_in_import_sign_out(server, tmp_path, plan):
    from playwright.sync_api import sync_playwright

    url, db = server
    workbook = tmp_path / "suivi_2025.xlsx"
    workbook.write_bytes(suivi_file(plan))
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        page = browser.new_page(viewport={"width": 1440, "height": 1000})
        try:
            open_page(page, url + "/import")
            page.get_by_text("Pour déposer un classeur de suivi, connectez-vous").wait_for(timeout=60000)
            assert page.locator("input[type='file']").count() == 0  # anonymous: no upload

            sidebar = page.locator("[data-testid='stSidebar']")
            sign_in(page, "camille", PASSWORD)
            page.wait_for_function("() => document.querySelector('[data-testid=\"stSidebar\"]').innerText"
                                   ".includes('Camille Martin (camille)')", timeout=60000)
            assert "Rôle : saisie" in sidebar.inner_text()

            page.locator("input[type='file']").set_input_files(str(workbook))
            confirm = page.get_by_role("button", name="Confirmer l'import")
            confirm.wait_for(timeout=60000)
            confirm.click()
            page.get_by_text("Import n° 1 enregistré (suivi_2025.xlsx, 2025)").wait_for(timeout=60000)
            page.wait_for_function("() => !document.querySelector('[data-testid=\"stStatusWidget\"]')",
                                   timeout=60000)
            assert page.locator("[data-testid='stException']").count() == 0

            sidebar.get_by_role("button", name="Se déconnecter").click()
            sidebar.get_by_role("link", name="Se connecter").wait_for(timeout=60000)
            page.get_by_text("Pour déposer un classeur de suivi, connectez-vous").wait_for(timeout=60000)
            assert page.locator("input[type='file']").count() == 0
            assert "Camille Martin (camille)" not in sidebar.inner_text()
        finally:
            page.close()
            browser.close()
    h = store.history(store.open_engine(db))  # the history names the account (its table is a canvas)
    assert h[["batch_id", "utilisateur", "compte", "actif"]].values.tolist() == [[1, "Camille Martin", "camille",
                                                                                 True]]
