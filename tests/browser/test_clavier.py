"""The keyboard alone, in Debian's chromium: a follow-up workbook imported end to end (template download,
upload, check, confirmation) and the projector walked, with Tab, Enter, Space and the arrow keys only;
every control reached shows where the focus is.

Skipped where /usr/bin/chromium is absent (`apt-get install chromium`; CI installs it).
"""

from __future__ import annotations

import pytest
from browser_builders import CHROMIUM, open_page, streamlit_server, suivi_file

from dashboard.suivi import store

pytestmark = [pytest.mark.browser,
              pytest.mark.skipif(not CHROMIUM.exists(), reason="chromium absent (apt-get install chromium)")]

# The focused element: its words, its tag, and whether a focus ring shows (outline or box-shadow, on it
# or on the widget around it that Streamlit draws the ring on).
FOCUS = """() => {
  const e = document.activeElement;
  if (!e || e === document.body) return null;
  const ring = el => { const s = getComputedStyle(el);
    return (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0) || (s.boxShadow && s.boxShadow !== 'none'); };
  let shown = false;
  for (let el = e, i = 0; el && i < 4; el = el.parentElement, i++) { if (ring(el)) { shown = true; break; } }
  return {text: (e.innerText || e.getAttribute('aria-label') || '').trim().slice(0, 160),
          label: e.getAttribute('aria-label') || '', tag: e.tagName, type: e.type || '', ring: shown};
}"""


def tab_to(page, wanted, what: str, limit: int = 150) -> dict:
    """Press Tab until the focused element is `wanted` (a predicate on FOCUS's answer); that answer."""
    seen = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        focus = page.evaluate(FOCUS)
        if focus and wanted(focus):
            return focus
        seen.append(focus and (focus["tag"], focus["text"][:40] or focus["label"][:40]))
    pytest.fail(f"{what} : jamais atteint au clavier ({limit} tabulations) ; parcouru : {seen[-30:]}")


def press_for_file_chooser(page):
    """Enter on the focused upload button opens the system's file dialog; pressed again (up to three
    times, the focus kept) when the page was still busy with the previous action and let it pass."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    for _ in range(3):
        try:
            with page.expect_file_chooser(timeout=10000) as chooser:
                page.keyboard.press("Enter")
            return chooser.value
        except PlaywrightTimeout:
            continue
    pytest.fail("Entrée sur le bouton de dépôt n'ouvre pas le choix du fichier")


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    db = tmp_path_factory.mktemp("clavier") / "suivi.sqlite"
    with streamlit_server({"DASHBOARD_DB": f"sqlite:///{db}", "DASHBOARD_DEMO": "0"}) as url:
        yield url, f"sqlite:///{db}"


def test_a_follow_up_workbook_is_imported_with_the_keyboard_alone(server, browser, plan, tmp_path):
    url, db = server
    workbook = tmp_path / "suivi_2025.xlsx"
    workbook.write_bytes(suivi_file(plan))
    page = browser.new_page(viewport={"width": 1440, "height": 1000}, accept_downloads=True)
    try:
        open_page(page, url + "/import")
        # 1. the template: Tab to its button, Enter downloads it
        focus = tab_to(page, lambda f: "Télécharger le modèle" in f["text"], "le modèle")
        assert focus["ring"], focus
        with page.expect_download(timeout=60000) as download:
            page.keyboard.press("Enter")
        assert download.value.suggested_filename.endswith(".xlsx")
        # 2. the upload: Tab to the file picker's button, Enter opens the system's file dialog
        focus = tab_to(page, lambda f: f["tag"] == "BUTTON" and page.evaluate(
            "() => !!document.activeElement.closest('[data-testid=\"stFileUploaderDropzone\"]')"), "le dépôt du classeur")
        assert focus["ring"], focus
        chooser = press_for_file_chooser(page)
        chooser.set_files(str(workbook))
        # 3. the check runs by itself; the name for the history, typed
        page.get_by_text("Aucune erreur dans « suivi_2025.xlsx »").wait_for(timeout=90000)
        page.wait_for_function("() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=60000)
        tab_to(page, lambda f: f["tag"] == "INPUT" and f["label"] == "Votre nom (pour l'historique)", "le nom")
        page.keyboard.type("Camille Martin")
        # 4. confirm: Tab to the button (the name is sent as the focus leaves the field), Enter
        focus = tab_to(page, lambda f: f["text"].endswith("Confirmer l'import"), "la confirmation")
        assert focus["ring"], focus
        page.keyboard.press("Enter")
        page.get_by_text("Import n° 1 enregistré (suivi_2025.xlsx, 2025)").wait_for(timeout=90000)
        assert page.locator("[data-testid='stException']").count() == 0
        h = store.history(store.open_engine(db))
        assert h[["batch_id", "utilisateur", "actif"]].values.tolist() == [[1, "Camille Martin", True]]
        # 5. the rollback: Space ticks the confirmation, Enter on « Annuler cet import »
        page.wait_for_function("() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=60000)
        tab_to(page, lambda f: f["type"] == "checkbox" and page.evaluate(
            "() => document.activeElement.closest('[data-testid=\"stCheckbox\"]')?.innerText || ''")
            .startswith("Je confirme vouloir annuler l'import n° 1"), "la confirmation de l'annulation")
        page.keyboard.press("Space")
        page.get_by_role("button", name="Annuler cet import").and_(page.locator(":enabled")).wait_for(timeout=60000)
        page.keyboard.press("Shift+Tab")  # the rerun may have moved the focus: come back from the checkbox
        focus = tab_to(page, lambda f: f["text"].endswith("Annuler cet import"), "l'annulation")
        assert focus["ring"], focus
        page.keyboard.press("Enter")
        page.get_by_text("Import n° 1 annulé : les valeurs d'avant sont rétablies.").wait_for(timeout=90000)
    finally:
        page.close()
    h = store.history(store.open_engine(db))
    assert h[["batch_id", "actif"]].values.tolist() == [[1, False]]


def test_a_sidebar_filter_is_set_with_the_keyboard_alone(server, browser):
    url, _ = server
    page = browser.new_page(viewport={"width": 1440, "height": 1000})
    try:
        open_page(page, url + "/")
        tab_to(page, lambda f: f["tag"] == "INPUT" and page.evaluate(
            "() => document.activeElement.closest('[data-testid=\"stMultiSelect\"]')?.innerText || ''")
            .startswith("Axe"), "le filtre Axe")
        page.keyboard.type("Axe 3")
        page.keyboard.press("Enter")
        page.keyboard.press("Escape")
        # axe 3 has 3 fiches action in the plan (34, 35, 36): the key figure follows the filter
        page.wait_for_function("""() => [...document.querySelectorAll('[data-testid="stMetric"]')]
            .some(m => m.innerText.startsWith('Fiches action') && m.innerText.trim().endsWith('3'))""", timeout=60000)
    finally:
        page.close()


def test_the_projector_is_walked_with_the_keyboard_alone(server, browser):
    url, _ = server
    page = browser.new_page(viewport={"width": 1280, "height": 720})
    try:
        open_page(page, url + "/comite")
        focus = tab_to(page, lambda f: f["text"].endswith("Mode projecteur"), "le mode projecteur")
        assert focus["ring"], focus
        page.keyboard.press("Enter")
        page.wait_for_url(lambda u: "mode=projecteur" in u, timeout=30000)
        page.wait_for_selector(".diapo-titre", timeout=90000)
        first = page.inner_text(".diapo-titre")
        page.keyboard.press("PageDown")
        page.wait_for_function("t => document.querySelector('.diapo-titre')?.innerText !== t", arg=first, timeout=30000)
        assert "diapo=2" in page.url
        page.keyboard.press("PageUp")
        page.wait_for_function("t => document.querySelector('.diapo-titre')?.innerText === t", arg=first, timeout=30000)
        page.keyboard.press("Escape")
        page.wait_for_url(lambda u: "mode=projecteur" not in u, timeout=30000)
        page.wait_for_selector("[data-testid='stSidebarNav']", timeout=30000)
    finally:
        page.close()
