"""The HTML of the comité's slides (present/comite_html.py) on the small hand-made plan: what each
piece says, texts from the plan shown as typed, French figures, and the stylesheets' hooks."""

from __future__ import annotations

import re
from dataclasses import replace
from html import escape

import pytest
from present_builders import NNBSP, fr, small_plan

from dashboard import metrics
from dashboard.present import comite, comite_html, diapo_action
from dashboard.present.comite import Chiffre, Item, Slide
from dashboard.present.diapo_action import ActionDiapo
from dashboard.suivi.store import Suivi

NBSP = "\u00a0"
# A text a plan's cell could hold: a tag, Markdown, an ampersand, quotes.
TRAP = "<script>alert(\"x\")</script> **gras** & l'_axe_"
TRAP_SHOWN = "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; **gras** &amp; l&#x27;_axe_"


def replace_figure(slide: Slide) -> Slide:
    """The same slide without its chart: its actions become the slide's list."""
    return replace(slide, figure=None)


@pytest.fixture(scope="module")
def plan_s():
    return metrics.apply_hypotheses(small_plan())


@pytest.fixture(scope="module")
def by_key(plan_s):
    return {s.key: s for s in comite.slides(plan_s, Suivi(), as_of="2025-01-01")}


def test_first_slide_title_and_figures_in_french(by_key):
    slide = by_key["chiffres"]
    # 127 000 to 136 000 €: action 4's one-off 5 000-10 000 € + action 11's 20 000 €/an × 6 years + 1 000-3 000 € × 2 years
    assert comite_html.title(slide.titre, 1, 6) == (
        '<div class="diapo-titre"><span class="diapo-num">1/6</span>'
        + fr(f"3 actions sur 2 axes pour 2023-2028 : 127 000 à 136 000{NBSP}€ chiffrés.") + "</div>")
    # the projector keeps each value on one line: its plain spaces become non-breaking
    assert comite_html.projector_figures(slide.chiffres) == (
        '<div class="chiffres-p">'
        '<div class="chiffre-p"><span class="v">3</span><span class="l">actions sur 2 axes</span></div>'
        f'<div class="chiffre-p"><span class="v">5{NNBSP}000&nbsp;à&nbsp;10{NNBSP}000{NBSP}€</span>'
        "<span class=\"l\">d&#x27;investissements ponctuels</span></div>"
        f'<div class="chiffre-p"><span class="v">21{NNBSP}000&nbsp;à&nbsp;23{NNBSP}000{NBSP}€</span>'
        '<span class="l">de dépenses récurrentes par an</span></div></div>')
    # the page keeps the value as formatted (its column wraps it)
    assert comite_html.page_figure(slide.chiffres[1]) == (
        f'<div class="chiffre"><div class="chiffre-v">{fr(f"5 000 à 10 000{NBSP}€")}</div>'
        '<div class="chiffre-l">d&#x27;investissements ponctuels</div></div>')


def test_texts_from_the_plan_are_shown_as_typed():
    slide = Slide(key="k", nom=TRAP, titre=TRAP, chiffres=(Chiffre(TRAP, TRAP),), legende=TRAP,
                  items=(Item(7, TRAP, TRAP),))
    pieces = [comite_html.title(TRAP, 2, 7), comite_html.projector_figures(slide.chiffres),
              comite_html.projector_items(slide, 2), comite_html.page_items(slide, 2),
              comite_html.footer(TRAP, demo=False), comite_html.page_caption(TRAP),
              comite_html.page_figure(slide.chiffres[0]), comite_html.action_footer(7, 2, TRAP, demo=False)]
    for piece in pieces:
        assert "<script" not in piece and "alert(\"" not in piece, piece
    assert comite_html.title(TRAP, 2, 7) == f'<div class="diapo-titre"><span class="diapo-num">2/7</span>{TRAP_SHOWN}</div>'
    assert comite_html.page_caption(TRAP) == f'<p class="diapo-legende">{TRAP_SHOWN}</p>'
    assert TRAP_SHOWN.replace(" ", "&nbsp;") in comite_html.projector_figures(slide.chiffres)
    item = comite_html.page_items(slide, 2)
    assert f'title="{TRAP_SHOWN}">{TRAP_SHOWN}</a><span class="item-detail">{TRAP_SHOWN}</span>' in item
    assert f"« {TRAP_SHOWN} »" in comite_html.action_footer(7, 2, TRAP, demo=False)


def test_line_breaks_never_leave_a_blank_line():
    # a blank line would end the HTML block of st.markdown: what follows would be read as Markdown
    assert comite_html.page_caption("ligne 1\r\n\r\n**ligne 3**") == (
        '<p class="diapo-legende">ligne 1<br><br>**ligne 3**</p>')


def test_items_link_to_the_action_in_projector_format_or_to_its_fiche(by_key):
    slide = by_key["non_comptes"]                     # a chart, and action 4's line out of the totals
    assert [it.action_id for it in slide.items] == [4]
    detail = escape(slide.items[0].detail)
    room = comite_html.projector_items(slide, 4)
    assert room == (f'<ul class="diapo-items"><li><a href="comite?mode=projecteur&amp;diapo=4&amp;action=4" '
                    f'target="_self" title="{detail}">n°{NBSP}4 Créer des parcours numériques</a></li></ul>')
    page = comite_html.page_items(slide, 4)
    assert page.startswith('<ul class="diapo-items"><li><a href="actions?action=4&amp;diapo=4" target="_self"')
    assert page.endswith(f'<span class="item-detail">{detail}</span></li></ul>')
    # without a chart, the list fills the slide, each action with its detail
    listed = replace_figure(slide)
    assert comite_html.projector_items(listed, 4).startswith('<ul class="diapo-liste">')
    assert f'<span class="item-detail">{detail}</span>' in comite_html.projector_items(listed, 4)


@pytest.mark.parametrize("demo", [True, False])
def test_footer_says_demo_figures_only_when_they_are(demo):
    html = comite_html.footer("Total sur 2023-2028", demo)
    assert html.startswith('<div class="diapo-pied"><span class="legende">Total sur 2023-2028</span>')
    assert ("données de démonstration" in html) is demo


def test_one_action_in_projector_format(plan_s):
    a = diapo_action.action_diapo(plan_s, 11, Suivi(), as_of="2025-01-01")
    body = comite_html.action_body(a)
    # 20 000 €/an + 1 000 à 3 000 €/an; 0,5 + 0,1 ETP
    assert (f'<div class="chiffre-p"><span class="v">{fr(f"21 000 – 23 000{NBSP}€/an")}</span>'
            '<span class="l">budget prévu</span></div>') in body
    assert f'<span class="v">0,6{NBSP}ETP</span>' in body
    assert "<li>Gestion de l&#x27;aire : 2023 – 2028 (annuelle)</li>" in body
    assert 'class="alerte"' not in body                                     # not late
    empty = ActionDiapo(action_id=9, titre=TRAP, cadre=TRAP, chiffres=(), calendrier=(), indicateurs=(), alerte=TRAP)
    body = comite_html.action_body(empty)
    assert f'<p class="cadre">{TRAP_SHOWN}</p><p class="alerte">{TRAP_SHOWN}</p>' in body
    assert "<li>aucune date dans le plan</li>" in body and "<li>aucun indicateur dans le plan</li>" in body
    footer = comite_html.action_footer(11, 2, "Budget par axe", demo=True)
    assert "Depuis la diapositive 2 : « Budget par axe ». Échap ou ← pour y revenir." in footer
    assert '<a href="actions?action=11&amp;diapo=2&amp;retour=projecteur" target="_self">Fiche complète</a>' in footer
    assert footer.endswith(comite_html.DEMO_BADGE + "</div>")


# --- Stylesheets ---------------------------------------------------------------------------------

def _written_classes(by_key, plan_s) -> set[str]:
    """Every class the functions write, on every slide of the small plan, an action, a late action."""
    html = []
    for n, slide in enumerate(by_key.values(), start=1):
        html += [comite_html.title(slide.titre, n, 6), comite_html.projector_figures(slide.chiffres),
                 comite_html.projector_items(slide, n), comite_html.projector_items(replace_figure(slide), n),
                 comite_html.page_items(slide, n), comite_html.page_items(replace_figure(slide), n),
                 comite_html.footer(slide.legende, True), comite_html.page_caption(slide.legende)]
        html += [comite_html.page_figure(c) for c in slide.chiffres]
    html += [comite_html.action_body(diapo_action.action_diapo(plan_s, 4, Suivi(), as_of="2025-01-01")),
             comite_html.action_body(ActionDiapo(1, "t", "c", (Chiffre("1", "l"),), (), (), alerte="en retard")),
             comite_html.action_footer(4, 1, "x", True)]
    return {c for h in html for attr in re.findall(r'class="([^"]*)"', h) for c in attr.split()}


def _aimed_classes(css: str) -> set[str]:
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.S)
    selectors = " ".join(re.findall(r"([^{}]+)\{", css))
    return {c for c in re.findall(r"\.([a-zA-Z][\w-]*)", selectors) if not c.startswith("st-key-")}


@pytest.mark.parametrize("sheet", [comite_html.projector_css, comite_html.page_css])
def test_every_class_a_stylesheet_aims_at_is_written(by_key, plan_s, sheet):
    css = sheet()
    assert css.startswith("<style>") and css.endswith("</style>")
    aimed = _aimed_classes(css)
    assert aimed and aimed <= _written_classes(by_key, plan_s), aimed - _written_classes(by_key, plan_s)


def test_projector_sheet_names_streamlit_internals_only_for_the_app_frame():
    """The slide is styled through its keyed containers (`st-key-…`); Streamlit's test ids name only the
    frame the page cannot key: the header, the scrolling main area and its block."""
    css = comite_html.projector_css()
    assert set(re.findall(r'data-testid="(\w+)"', css)) == {"stHeader", "stMain", "stMainBlockContainer"}
    assert not re.search(r"\.st(?!-key-)[A-Z]\w*", css)        # no internal class name (.stPlotlyChart…)
    assert comite_html.projector_css() is css                  # read once
