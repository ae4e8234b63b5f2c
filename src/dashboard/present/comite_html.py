"""The comité's slides as the HTML the page « Présentation au comité » writes (st.html, st.markdown):
in projector mode (one slide fills the screen, or one action's detail) and on the page itself.

Pure functions of the slides (`comite.Slide`, `diapo_action.ActionDiapo`): every text that comes
from the plan, the follow-up or a file is escaped (`fmt.html_brut`), so a title written
`<script>` or `**gras**` shows as typed. The look is in two stylesheets of this package, read once:
`comite_projecteur.css` (projector mode) and `comite_page.css` (the page); both aim at the classes
written here and at the `st-key-…` classes Streamlit gives a keyed container (`st.container(key=…)`).
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from html import escape
from pathlib import Path

from dashboard.fmt import html_brut
from dashboard.present.comite import Chiffre, Item, Slide
from dashboard.present.diapo_action import ActionDiapo

HERE = Path(__file__).resolve().parent
DEMO_BADGE = '<span class="demo">données de démonstration</span>'


@functools.cache
def _stylesheet(name: str) -> str:
    return "<style>\n" + (HERE / name).read_text(encoding="utf-8") + "</style>"


def projector_css() -> str:
    """The projector mode's stylesheet in a `<style>` element (read from the package once)."""
    return _stylesheet("comite_projecteur.css")


def page_css() -> str:
    """The page's stylesheet (the slide under its selector) in a `<style>` element."""
    return _stylesheet("comite_page.css")


# --- Both modes ---------------------------------------------------------------------------------

def title(text: str, number: int | None = None, total: int | None = None) -> str:
    """The slide's message, after `number/total` when given (an action's detail has no number)."""
    num = f'<span class="diapo-num">{number}/{total}</span>' if number is not None else ""
    return f'<div class="diapo-titre">{num}{html_brut(text)}</div>'


def item_href(action_id: int, slide_number: int, projector: bool) -> str:
    """Relative links (they work under any base path): the action in projector format, or its fiche,
    with the slide to come back to."""
    if projector:
        return f"comite?mode=projecteur&diapo={slide_number}&action={int(action_id)}"
    return f"actions?action={int(action_id)}&diapo={slide_number}"


def items(entries: Iterable[Item], slide_number: int, projector: bool, css: str, details: bool = True) -> str:
    """The slide's actions as links: a list with their detail (`diapo-liste`), or compact chips under
    a chart (`diapo-items`, details in the tooltip only)."""
    rows = "".join(
        f'<li><a href="{escape(item_href(it.action_id, slide_number, projector))}" target="_self" '
        f'title="{escape(it.detail)}">{html_brut(it.label)}</a>'
        + (f'<span class="item-detail">{html_brut(it.detail)}</span>' if it.detail and details else "") + "</li>"
        for it in entries)
    return f'<ul class="{css}">{rows}</ul>'


# --- Projector mode -----------------------------------------------------------------------------

def projector_figures(chiffres: Iterable[Chiffre]) -> str:
    """Up to three big figures, each value on one line (its spaces made non-breaking)."""
    return '<div class="chiffres-p">' + "".join(
        f'<div class="chiffre-p"><span class="v">{html_brut(c.valeur).replace(" ", "&nbsp;")}</span>'
        f'<span class="l">{html_brut(c.libelle)}</span></div>' for c in chiffres) + "</div>"


def projector_items(slide: Slide, slide_number: int) -> str:
    """The actions behind a slide: chips under its chart, or the slide's whole list."""
    if slide.figure is not None:
        return items(slide.items, slide_number, True, "diapo-items", details=False)
    return items(slide.items, slide_number, True, "diapo-liste")


def footer(legende: str, demo: bool, extra: str = "") -> str:
    """The slide's caption, then `extra` (HTML built here), then the demo badge when the figures are
    the demonstration's."""
    return (f'<div class="diapo-pied"><span class="legende">{html_brut(legende)}</span>{extra}'
            f'{DEMO_BADGE if demo else ""}</div>')


def action_body(a: ActionDiapo) -> str:
    """One action on the projector: where it sits, its alert, three figures, calendar and indicators."""
    e = html_brut
    chiffres = "".join(f'<div class="chiffre-p"><span class="v">{e(c.valeur)}</span><span class="l">{e(c.libelle)}</span>'
                       "</div>" for c in a.chiffres)
    cal = "".join(f"<li>{e(x)}</li>" for x in a.calendrier) or "<li>aucune date dans le plan</li>"
    ind = "".join(f"<li>{e(x)}</li>" for x in a.indicateurs) or "<li>aucun indicateur dans le plan</li>"
    return (f'<div class="action-p"><p class="cadre">{e(a.cadre)}</p>'
            + (f'<p class="alerte">{e(a.alerte)}</p>' if a.alerte else "")
            + f'<div class="chiffres-p">{chiffres}</div>'
            f'<div class="colonnes"><div><h3>Calendrier</h3><ul>{cal}</ul></div>'
            f"<div><h3>Indicateurs</h3><ul>{ind}</ul></div></div></div>")


def action_footer(action_id: int, slide_number: int, slide_name: str, demo: bool) -> str:
    """Under an action's detail: the slide it was opened from, how to go back, the link to its whole fiche."""
    fiche = f"actions?action={int(action_id)}&diapo={slide_number}&retour=projecteur"
    link = f'<span class="action-p"><a href="{escape(fiche)}" target="_self">Fiche complète</a></span>'
    return footer(f"Depuis la diapositive {slide_number} : « {slide_name} ». Échap ou ← pour y revenir.", demo, link)


# --- The page -----------------------------------------------------------------------------------

def page_figure(c: Chiffre) -> str:
    """One big figure in its column of the page."""
    return (f'<div class="chiffre"><div class="chiffre-v">{html_brut(c.valeur)}</div>'
            f'<div class="chiffre-l">{html_brut(c.libelle)}</div></div>')


def page_items(slide: Slide, slide_number: int) -> str:
    """The actions behind a slide on the page, each a link to its fiche."""
    return items(slide.items, slide_number, False, "diapo-liste" if slide.figure is None else "diapo-items")


def page_caption(legende: str) -> str:
    return f'<p class="diapo-legende">{html_brut(legende)}</p>'
