"""Shared by the browser tests: Debian's chromium driven by Playwright, a streamlit server of the app."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pytest
from ports import port_libre  # scripts/ports.py: the ports of the servers tests and benches start

CHROMIUM = Path("/usr/bin/chromium")
ROOT = Path(__file__).resolve().parents[2]
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-sync",
        "--disable-background-networking", "--disable-component-update"]


@contextmanager
def streamlit_server(env: dict):
    """The app served by `python -m dashboard serve` on a free local port, with `env` added to the environment; its URL."""
    port = port_libre()
    proc = subprocess.Popen(
        [sys.executable, "-m", "dashboard", "serve", "app.py", "--server.port", str(port),
         "--server.headless", "true", "--server.address", "127.0.0.1"],
        cwd=ROOT, env={**os.environ, "DASHBOARD_PLAN": str(ROOT / "data" / "plan_2023_2028.xlsx"), **env},
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(120):
            try:
                urllib.request.urlopen(url + "/_stcore/health", timeout=1)
                break
            except OSError:
                time.sleep(0.5)
        else:
            pytest.fail("le serveur streamlit n'a pas démarré")
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=20)


PASSWORD = "motdepasse-saisie"  # camille's, in accounts_server


@contextmanager
def accounts_server(folder: Path):
    """The app on a new store (in `folder`) with two accounts, admin and camille (saisie, PASSWORD):
    its URL and the store's address."""
    from dashboard.acces import comptes
    from dashboard.acces.roles import OPERATEUR
    from dashboard.suivi import store

    db = f"sqlite:///{folder / 'suivi.sqlite'}"
    engine = store.open_engine(db)
    comptes.creer(engine, OPERATEUR, "admin", "admin", "motdepasse-admin", nom="Alice Admin")
    comptes.creer(engine, OPERATEUR, "camille", "saisie", PASSWORD, nom="Camille Martin")
    engine.dispose()
    with streamlit_server({"DASHBOARD_DB": db, "DASHBOARD_DEMO": "0"}) as url:
        yield url, db


def open_page(page, url):
    """Open `url` and wait until the script has run (its elements drawn, the "running" widget gone)."""
    page.goto(url)
    page.wait_for_selector("[data-testid='stApp']", timeout=60000)
    page.wait_for_function("() => document.querySelectorAll('[data-testid=\"stMain\"] [data-testid=\"stElementContainer\"]').length > 2",
                           timeout=90000)
    page.wait_for_function("() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=90000)
    # the status widget is hidden by the theme (toolbarMode "minimal"), and elements whose code the browser
    # loads on first use (metrics, charts) show a placeholder until then: wait until none is left
    page.wait_for_function("() => !document.querySelector('[data-testid^=\"stSkeleton\"]')", timeout=90000)
    page.wait_for_timeout(1000)


def sign_in(page, login: str, password: str) -> None:
    """« Se connecter » in the sidebar, then the sign-in form (POST /connexion), back to the page."""
    page.locator("[data-testid='stSidebar']").get_by_role("link", name="Se connecter").click()
    page.get_by_label("Identifiant").wait_for(timeout=30000)  # the form of GET /connexion
    page.get_by_label("Identifiant").fill(login)
    page.get_by_label("Mot de passe").fill(password)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_selector("[data-testid='stSidebar']", timeout=60000)


def suivi_file(plan) -> bytes:
    """The 2025 template with the first `nombre` indicator's result filled in (7)."""
    import io

    from openpyxl import load_workbook

    from dashboard.suivi import template

    wb = load_workbook(io.BytesIO(template.write_template(plan, 2025)))
    ws = wb["Indicateurs"]
    ident = str(plan.indicateurs.loc[plan.indicateurs["unite"] == "nombre", "indicateur_id"].iloc[0])
    row = next(r for r in range(2, ws.max_row + 1) if ws.cell(r, 1).value == ident)
    ws.cell(row, [c.value for c in ws[1]].index("2025 Résultat") + 1, 7)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
