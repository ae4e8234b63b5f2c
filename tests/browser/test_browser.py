"""Browser flows: the real app served by streamlit, driven by Playwright in Debian's chromium.

Skipped where /usr/bin/chromium is absent (`apt-get install chromium`; CI installs it).
"""

from __future__ import annotations

import pytest
from browser_builders import CHROMIUM, open_page

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


@pytest.fixture(scope="module")
def page(browser):
    pg = browser.new_page(viewport={"width": 1920, "height": 1080})
    yield pg
    pg.close()


def test_deep_link_on_a_fresh_server_keeps_the_navigation(server, page):
    """Runs first on the module's fresh server: a shared link opened first must show the app's sections, not Streamlit's file list."""
    open_page(page, server + "/actions?action=11")
    nav = page.inner_text("[data-testid='stSidebarNav']")
    assert "Pilotage" in nav and "Fiches actions" in nav
    assert "vue_ensemble" not in nav


@pytest.mark.parametrize("path, text", PAGES)
def test_page_renders_without_exception(server, page, path, text):
    open_page(page, server + path)
    assert page.locator("[data-testid='stException']").count() == 0
    body = page.inner_text("body")
    assert "Traceback" not in body
    assert text.lower() in body.lower()


def test_overview_shows_the_plans_figures_in_french(server, page):
    open_page(page, server + "/")
    body = page.inner_text("body")
    assert "53" in body
    # French grouping: a narrow no-break or no-break space inside thousands, never a comma
    assert any(sep in body for sep in ("\u202f000", "\u00a0000")), body[:2000]


# --- Mode projecteur : chaque diapositive tient dans l'écran, la télécommande les parcourt ---------

PROJECTOR_SIZES = [(1024, 768), (1280, 720), (1920, 1080), (3840, 2160)]

# What must hold on every projector slide: nothing scrolls, nothing is cut, no sidebar, no error.
FIT = """() => {
  const main = document.querySelector('[data-testid="stMain"]');
  const body = document.querySelector('.st-key-diapo_corps');
  const sidebar = document.querySelector('[data-testid="stSidebar"]');
  const cut = [...document.querySelectorAll('.st-key-diapo *')].filter(e => {
    const r = e.getBoundingClientRect();
    return r.width > 0 && r.height > 0 && (r.bottom > innerHeight + 1 || r.right > innerWidth + 1);
  }).map(e => e.className || e.tagName);
  return {
    page: document.documentElement.scrollHeight - innerHeight,
    main: main.scrollHeight - main.clientHeight,
    body: body ? body.scrollHeight - body.clientHeight : 0,
    sidebar: sidebar ? sidebar.getBoundingClientRect().width * (getComputedStyle(sidebar).display !== 'none') : 0,
    header: !!document.querySelector('header[data-testid="stHeader"]')?.offsetParent,
    cut: cut.slice(0, 5),
    title: document.querySelector('.diapo-titre')?.innerText || '',
    titleSize: parseFloat(getComputedStyle(document.querySelector('.diapo-titre')).fontSize),
    errors: document.querySelectorAll('[data-testid="stException"]').length,
  };
}"""


def _slide_ready(page) -> None:
    """The slide is drawn: no script running, the key buttons mounted, its chart (if any) has its SVG."""
    page.wait_for_selector(".st-key-touche_quitter_Esc button", state="attached", timeout=30000)
    page.wait_for_function("() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=30000)
    page.wait_for_function("""() => [...document.querySelectorAll('.st-key-diapo_corps .stPlotlyChart')]
        .filter(e => e.offsetParent).every(e => e.querySelector('.main-svg'))""", timeout=30000)
    page.wait_for_timeout(300)


def _press_and_wait(page, key: str, title: str) -> bool:
    """Press a key; True once the slide's title changed (False if it did not within 10 s)."""
    page.keyboard.press(key)
    try:
        page.wait_for_function("t => document.querySelector('.diapo-titre')?.innerText !== t", arg=title,
                               timeout=10000)
    except Exception:  # playwright's TimeoutError: the title stayed, e.g. on the last slide
        return False
    _slide_ready(page)
    return True


@pytest.mark.parametrize("size", PROJECTOR_SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_projector_every_slide_fits_and_the_clicker_walks_them(server, browser, size):
    w, h = size
    page = browser.new_page(viewport={"width": w, "height": h})
    try:
        page.goto(server + "/comite?mode=projecteur&diapo=1")
        page.wait_for_selector(".diapo-titre", timeout=90000)
        _slide_ready(page)
        titles = []
        while True:
            info = page.evaluate(FIT)
            where = f"{w}x{h}, diapositive {len(titles) + 1} : {info['title'][:60]!r}"
            # ≤ 2 px: sub-pixel rounding of a 4K layout, not a cut line
            assert info["page"] <= 0 and info["main"] <= 1 and info["body"] <= 2, (where, info)
            assert not info["cut"], (where, info["cut"])
            assert info["sidebar"] == 0 and not info["header"], where
            assert info["errors"] == 0, where
            assert info["titleSize"] >= 28 * h / 768 * 0.99 or info["titleSize"] >= 28 * w / 1024 * 0.99, where
            titles.append(info["title"])
            assert page.url.endswith(f"diapo={len(titles)}"), page.url   # the address follows the slide
            if not _press_and_wait(page, "PageDown", info["title"]):
                break
        assert len(titles) >= 6 and len(set(titles)) == len(titles)  # demo follow-up: late list included
        for back in reversed(titles[:-1]):  # PageUp comes back, slide by slide
            page.keyboard.press("PageUp")
            page.wait_for_function("t => document.querySelector('.diapo-titre')?.innerText === t", arg=back,
                                   timeout=15000)
            _slide_ready(page)
    finally:
        page.close()


def test_projector_escape_returns_to_the_page_with_its_menu(server, page):
    page.goto(server + "/comite?mode=projecteur&diapo=2")
    page.wait_for_selector(".diapo-titre", timeout=90000)
    _slide_ready(page)
    page.keyboard.press("Escape")
    page.wait_for_url(lambda u: "mode=projecteur" not in u, timeout=30000)
    page.wait_for_selector("[data-testid='stSidebarNav']", timeout=30000)
    assert "diapo=2" in page.url
