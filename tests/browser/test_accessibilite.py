"""Accessibility in the browser: axe-core (WCAG 2.0/2.1, A and AA) on every page and on the projector's
slides, injected by Playwright into Debian's chromium; every chart named, its data one click away.

A violation fails the test unless it is one of Streamlit's own that the declaration lists
(present.declaration.LIMITES_STREAMLIT: rule and Streamlit nodes, with the reason), and those must
still be there: once Streamlit fixes them, the declaration has to say so.
"""

from __future__ import annotations

import pytest
from browser_builders import ARGS, CHROMIUM, open_page

from dashboard.present.declaration import LIMITES_STREAMLIT

pytestmark = [pytest.mark.browser,
              pytest.mark.skipif(not CHROMIUM.exists(), reason="chromium absent (apt-get install chromium)")]

PAGES = ["/", "/budget", "/budget?au=2025-06-30", "/effectifs", "/calendrier", "/indicateurs", "/actions", "/actions?action=11", "/import",
         "/plan", "/comite", "/accessibilite"]
AXE_OPTIONS = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
               "resultTypes": ["violations"]}
STREAMLIT_NODES = {lim.regle: lim.noeuds for lim in LIMITES_STREAMLIT if lim.regle}


@pytest.fixture(scope="module")
def page():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        pg = b.new_page(viewport={"width": 1440, "height": 900})
        yield pg
        b.close()


def axe(page) -> tuple[list[str], set[str]]:
    """axe-core on the page as it is: (violations on our nodes, described; Streamlit's accepted rules met)."""
    from axe_playwright_python.sync_playwright import Axe

    ours, streamlit = [], set()
    for v in Axe().run(page, options=AXE_OPTIONS).response["violations"]:
        for node in v["nodes"]:
            where = STREAMLIT_NODES.get(v["id"])
            if where and page.evaluate("([t, s]) => !!document.querySelector(t)?.closest(s)", [node["target"][0], where]):
                streamlit.add(v["id"])
                continue
            ours.append(f"{v['id']} ({v['impact']}) : {node['target']} {node['html'][:160]} — {node['failureSummary']}")
    return ours, streamlit


@pytest.mark.parametrize("path", PAGES)
def test_no_axe_violation_on_our_nodes(server, page, path):
    open_page(page, server + path)
    ours, streamlit = axe(page)
    assert not ours, "\n".join(ours)
    # what the declaration lists as Streamlit's is really there (else: the declaration is out of date)
    assert streamlit == set(STREAMLIT_NODES), streamlit
    assert page.evaluate("document.documentElement.lang") == "fr"
    # no heading carries Streamlit's English anchor link (« Link to heading »): titles are drawn without
    assert page.locator("[data-testid='stHeaderActionElements'] a").count() == 0
    assert page.locator("h1, h2, h3").count() >= 1
    # the declaration, linked below every page
    link = page.locator("[data-testid='stMain']").get_by_role("link", name="Accessibilité : non conforme")
    link.first.wait_for(timeout=30000)  # drawn after the page's own elements
    assert link.count() == 1


def test_no_axe_violation_on_any_projector_slide(server, page):
    """Every slide of the deck, as the projector shows it (their number read on the first one)."""
    def show(slide: int) -> str:
        page.goto(server + f"/comite?mode=projecteur&diapo={slide}")
        page.wait_for_selector(".diapo-titre", timeout=90000)
        page.wait_for_function("""() => [...document.querySelectorAll('.stPlotlyChart')]
                                 .every(e => e.querySelector('.main-svg'))""", timeout=30000)
        return page.locator(".diapo-num").first.inner_text()

    total = int(show(1).split("/")[1])
    assert total >= 6
    for slide in range(1, total + 1):
        assert show(slide) == f"{slide}/{total}"
        ours, _ = axe(page)
        assert not ours, f"diapositive {slide} : " + "\n".join(ours)
        for name in page.locator(".stPlotlyChart").evaluate_all("es => es.map(e => e.getAttribute('aria-label'))"):
            assert name and name.startswith("Graphique"), (slide, name)


def test_every_chart_is_named_and_its_data_open_as_a_table(server, page):
    open_page(page, server + "/effectifs")
    charts = page.get_by_role("figure")
    names = charts.evaluate_all("es => es.map(e => e.getAttribute('aria-label'))")
    assert len(names) == page.locator(".stPlotlyChart").count() >= 2
    # the title of the chart (its message), then its figures: the plan's 1,4 ETP for axe 5 (A53-A55)
    assert names[0].startswith("Graphique en barres. Axe 5 prend 39\u00a0% du temps de travail chiffré. ")
    assert "Axe 5 – Assurer un fonctionnement de l'office de tourisme selon les principes de la QVT : 1,4 ETP" in names[0]
    page.get_by_text("Voir les données : Axe 5 prend").click()
    table = page.locator("[data-testid='stTable'] table").first
    table.wait_for(timeout=30000)
    assert table.locator("th").all_inner_texts()[:2] == ["Libellé", "Valeur"]
    assert "1,4 ETP" in table.inner_text()


def test_the_chart_save_button_speaks_french(server, page):
    """plotly.js's « Download plot as a PNG » is given in French with each chart (config `locales`)."""
    open_page(page, server + "/effectifs")
    chart = page.locator(".stPlotlyChart").first
    chart.hover()
    button = chart.locator(".modebar-btn").first
    button.wait_for(state="attached", timeout=30000)
    assert button.get_attribute("data-title") == "Enregistrer le graphique en image (PNG)"


def test_no_axe_violation_on_the_sign_in_page(server, page):
    """/connexion is the app's own HTML (no Streamlit in it): nothing is accepted there."""
    page.goto(server + "/connexion")
    page.get_by_label("Identifiant").wait_for(timeout=30000)
    ours, streamlit = axe(page)
    assert not ours and not streamlit, "\n".join(ours)
    assert page.evaluate("document.activeElement.id") == "identifiant"  # the keyboard starts in the form


def test_an_unknown_address_says_so_in_french_without_axe_violation(server, page):
    """Any other address: the app's own « Page introuvable » (404), not Streamlit's English dialog."""
    response = page.goto(server + "/budjet")
    assert response.status == 404
    page.get_by_role("heading", name="Page introuvable").wait_for(timeout=30000)
    ours, streamlit = axe(page)
    assert not ours and not streamlit, "\n".join(ours)
    page.get_by_role("link", name="Budget").click()
    page.get_by_role("heading", name="Budget du schéma").wait_for(timeout=60000)
