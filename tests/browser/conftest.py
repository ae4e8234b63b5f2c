"""Fixtures of the browser tests: the app served on a new store with its demonstration data, and Debian's
chromium driven by Playwright, one of each per test module (a module may define its own instead)."""

from __future__ import annotations

import pytest
from browser_builders import ARGS, CHROMIUM, streamlit_server


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    db = tmp_path_factory.mktemp("navigateur") / "suivi.sqlite"
    with streamlit_server({"DASHBOARD_DB": f"sqlite:///{db}", "DASHBOARD_DEMO": "1"}) as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield b
        b.close()
