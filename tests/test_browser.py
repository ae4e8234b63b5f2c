"""Browser flows: the real app served by streamlit, driven by Playwright in Debian's chromium.

Skipped where /usr/bin/chromium is absent (`apt-get install chromium`; CI installs it).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
ROOT = Path(__file__).resolve().parents[1]
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-sync",
        "--disable-background-networking", "--disable-component-update"]

pytestmark = [pytest.mark.browser,
              pytest.mark.skipif(not CHROMIUM.exists(), reason="chromium absent (apt-get install chromium)")]

# path, a text the page must show
PAGES = [
    ("/", "Vue d'ensemble"),
    ("/budget", "Budget"),
    ("/effectifs", "ETP"),
    ("/calendrier", "Calendrier"),
    ("/indicateurs", "Indicateurs"),
    ("/actions", "Fiches actions"),
    ("/actions?action=11", "camping-cars"),
    ("/import", "Import"),
    ("/comite", "comité"),
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    port = _free_port()
    db = tmp_path_factory.mktemp("browser") / "suivi.sqlite"
    env = {**os.environ, "DASHBOARD_DB": f"sqlite:///{db}", "DASHBOARD_DEMO": "1",
           "DASHBOARD_PLAN": str(ROOT / "data" / "plan_2023_2028.xlsx")}
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
         "--server.headless", "true", "--server.address", "127.0.0.1"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}"
    for _ in range(120):
        try:
            urllib.request.urlopen(url + "/_stcore/health", timeout=1)
            break
        except OSError:
            time.sleep(0.5)
    else:
        proc.kill()
        pytest.fail("le serveur streamlit n'a pas démarré")
    yield url
    proc.terminate()
    proc.wait(timeout=20)


@pytest.fixture(scope="module")
def page():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        pg = browser.new_page(viewport={"width": 1920, "height": 1080})
        yield pg
        browser.close()


def _open(page, url):
    page.goto(url)
    page.wait_for_selector("[data-testid='stApp']", timeout=60000)
    # the script has run once its elements are drawn and the "running" widget is gone
    page.wait_for_function("() => document.querySelectorAll('[data-testid=\"stMain\"] [data-testid=\"stElementContainer\"]').length > 2",
                           timeout=90000)
    page.wait_for_function("() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=90000)
    page.wait_for_timeout(1000)


def test_deep_link_on_a_fresh_server_keeps_the_navigation(server, page):
    """Runs first on the module's fresh server: a shared link opened first must show the app's sections, not Streamlit's file list."""
    _open(page, server + "/actions?action=11")
    nav = page.inner_text("[data-testid='stSidebarNav']")
    assert "Pilotage" in nav and "Fiches actions" in nav
    assert "vue_ensemble" not in nav


@pytest.mark.parametrize("path, text", PAGES)
def test_page_renders_without_exception(server, page, path, text):
    _open(page, server + path)
    assert page.locator("[data-testid='stException']").count() == 0
    body = page.inner_text("body")
    assert "Traceback" not in body
    assert text.lower() in body.lower()


def test_overview_shows_the_plans_figures_in_french(server, page):
    _open(page, server + "/")
    body = page.inner_text("body")
    assert "53" in body
    # French grouping: a narrow no-break or no-break space inside thousands, never a comma
    assert any(sep in body for sep in ("\u202f000", "\u00a0000")), body[:2000]
