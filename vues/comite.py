"""Présentation au comité: one message per screen, legible on a projector; the deck to circulate.

Two modes: the page (sidebar, selector, downloads) and the projector mode (?mode=projecteur): no
chrome, each slide fills the screen, a clicker's keys walk the slides (st.button shortcuts).
"""

import html
import logging

import streamlit as st

from dashboard import metrics, ui
from dashboard.present import comite, deck_files, deck_html
from dashboard.present.views import comite as views_comite

log = logging.getLogger("dashboard")

# Keys of a presenter's clicker and of a keyboard, per move (one st.button shortcut each).
KEYS = {
    "suivante": ("PageDown", "Right", "Space", "Enter"),
    "precedente": ("PageUp", "Left", "Backspace"),
    "premiere": ("Home",),
    "derniere": ("End",),
    "quitter": ("Esc",),
}


deck_view = ui.cache_view(views_comite.build)
action_view = ui.cache_view(views_comite.action)


projector = st.query_params.get("mode") == "projecteur"
plan = ui.get_plan()
suivi = ui.get_suivi()
if not projector:
    ui.demo_banner()
today = metrics.as_timestamp().date().isoformat()
try:
    view = deck_view(plan, suivi.statuts, suivi.indicateurs, suivi.demo, today, *(ui.voted_reference() or ()))
except Exception:  # never a traceback on screen; the log has it
    log.exception("présentation au comité impossible")
    st.error("La présentation n'a pas pu être construite à partir du plan et du suivi. "
             "Vérifiez le classeur du plan (page Vue d'ensemble) et le dernier import du suivi.")
    st.stop()
deck, screen_figures, big_figures = view.slides, view.figures, view.big_figures
index, problem = comite.parse_slide_param(st.query_params.get("diapo"), len(deck))
slide = deck[index]


def _go(i: int) -> None:
    """Show slide i (clamped to the deck), leaving any action's detail; the URL follows."""
    i = max(0, min(i, len(deck) - 1))
    st.session_state["diapo_choisie"] = i
    st.query_params["diapo"] = str(i + 1)
    st.query_params.pop("action", None)


def _step(delta: int) -> None:
    """Next / previous from the slide the URL names when the key is handled (not when the buttons were
    drawn), so that two quick presses of a clicker move two slides."""
    current, _ = comite.parse_slide_param(st.query_params.get("diapo"), len(deck))
    _go(current + delta)


def _set_mode(on: bool) -> None:
    st.query_params.pop("action", None)
    if on:
        st.query_params["mode"] = "projecteur"
    else:
        st.query_params.pop("mode", None)


def _item_href(item: comite.Item, in_projector: bool) -> str:
    """Relative links (they work under any base path): the action in projector format, or its fiche."""
    if in_projector:
        return f"comite?mode=projecteur&diapo={index + 1}&action={item.action_id}"
    return f"actions?action={item.action_id}&diapo={index + 1}"


def _items_html(items, in_projector: bool, css: str, details: bool = True) -> str:
    """The slide's actions as links (a list with their detail, or compact chips under a chart)."""
    rows = "".join(
        f'<li><a href="{html.escape(_item_href(it, in_projector))}" target="_self" title="{html.escape(it.detail)}">'
        f"{ui.html_brut(it.label)}</a>"
        + (f'<span class="item-detail">{ui.html_brut(it.detail)}</span>' if it.detail and details else "") + "</li>"
        for it in items)
    return f'<ul class="{css}">{rows}</ul>'


# --- Mode projecteur ---------------------------------------------------------------------------

PROJECTOR_CSS = """<style>
header[data-testid="stHeader"], [data-testid="stToolbar"], [data-testid="stDecoration"],
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], .st-key-touches { display: none !important; }
[data-testid="stMain"] { overflow: hidden !important; }
[data-testid="stMainBlockContainer"] { padding: 2.5vh 3vw 1.5vh 3vw !important; max-width: none !important;
  height: 100vh; box-sizing: border-box; }
[data-testid="stMainBlockContainer"] div:has(.st-key-diapo) { height: 100%; }
.stLayoutWrapper:has(.st-key-diapo) { flex: 1 1 0; min-height: 0; }
.st-key-diapo { gap: 1.6vh; height: 100%; }
.st-key-diapo_corps { min-height: 0; overflow: hidden; height: 100%; }
.diapo-titre { font-size: max(28px, min(4.6vh, 3.4vw)); line-height: 1.15; font-weight: 700; margin: 0;
  hyphens: none; word-break: keep-all; overflow-wrap: normal; }
.diapo-num { color: #5A6169; font-weight: 400; margin-right: 0.6em; white-space: nowrap; }
.chiffres-p { display: flex; flex-direction: column; gap: 4vh; margin-top: 3vh; }
.chiffre-p { display: flex; align-items: baseline; gap: 2.5vw; border-left: max(8px, 1vh) solid #0072B2;
  padding-left: 2vw; }
.chiffre-p .v { font-size: max(34px, min(8vh, 5.5vw)); font-weight: 700; line-height: 1.1; white-space: nowrap; }
.chiffre-p .l { font-size: max(22px, min(3.6vh, 2.6vw)); color: #3B4350; line-height: 1.2;
  hyphens: none; word-break: keep-all; }
.diapo-items { list-style: none; padding: 0; margin: 0.5vh 0 0 0; display: flex; flex-wrap: wrap; gap: 0.6vh 1.6vw;
  font-size: max(18px, min(2.5vh, 1.8vw)); line-height: 1.25; }
.diapo-items li { margin: 0; padding: 0; }
.diapo-items .item-detail { color: #3B4350; margin-left: 0.5em; }
.diapo-liste { list-style: none; padding: 0; margin: 1vh 0 0 0; font-size: max(24px, min(4vh, 3vw)); line-height: 1.3; }
.diapo-liste li { margin: 0 0 2.2vh 0; padding: 0 0 0 1.2vw; border-left: max(6px, 0.8vh) solid #D55E00; }
.diapo-liste .item-detail { display: block; color: #3B4350; font-size: 0.75em; }
.diapo-items a, .diapo-liste a, .action-p a { color: #0B5394; text-decoration: underline; }
.diapo-pied { display: flex; align-items: baseline; gap: 2vw; font-size: max(15px, min(1.9vh, 1.4vw));
  color: #3B4350; line-height: 1.35; }
.diapo-pied .legende { flex: 1; }
.diapo-pied .demo { background: #FFF3CD; color: #6B4E00; border-radius: 0.4em; padding: 0.1em 0.6em;
  white-space: nowrap; }
.action-p .cadre { font-size: max(18px, min(2.6vh, 2vw)); color: #3B4350; margin: 0 0 1vh 0; }
.action-p .alerte { font-size: max(22px, min(3.4vh, 2.6vw)); color: #8A2B00; font-weight: 600; margin: 0 0 1vh 0; }
.action-p .colonnes { display: flex; gap: 3vw; }
.action-p .colonnes div { flex: 1; min-width: 0; }
.action-p h3 { font-size: max(22px, min(3.4vh, 2.4vw)); margin: 1.5vh 0 0.5vh 0; padding: 0; }
.action-p ul { margin: 0; padding-left: 1.2em; font-size: max(20px, min(2.9vh, 2.1vw)); line-height: 1.3; }
.action-p .chiffres-p { flex-direction: row; gap: 2vw; margin: 1vh 0; }
.action-p .chiffre-p { flex: 1; flex-direction: column; gap: 0.3vh; min-width: 0; }
.action-p .chiffre-p .v { font-size: max(26px, min(5vh, 3.2vw)); white-space: normal; }
/* Plotly sizes its text in pixels: big screens show the same chart drawn with twice the text. */
.st-key-diapo_corps .stElementContainer:has(.stPlotlyChart) { flex: 1 1 0; min-height: 0; }
.st-key-diapo_corps .stElementContainer[class*="st-key-fig_grand_"] { display: none; }
@media (min-width: 2400px) and (min-height: 1400px) {
  .st-key-diapo_corps .stElementContainer[class*="st-key-fig_grand_"] { display: block; }
  .st-key-diapo_corps .stElementContainer[class*="st-key-fig_normal_"] { display: none; }
  .st-key-diapo_nav button, .st-key-diapo_nav button p { font-size: 1.6vh; } }
.st-key-diapo_nav { justify-content: flex-end; }
.st-key-diapo_nav button { min-height: 0; padding: 0.1rem 0.7rem; }
</style>"""


def _keys(back_to: int | None = None) -> None:
    """The hidden buttons carrying the keyboard shortcuts; on an action's detail, « previous » and
    Esc come back to its slide."""
    here = index if back_to is None else back_to
    moves = {
        "suivante": lambda: _step(1),
        "precedente": (lambda: _go(here)) if back_to is not None else (lambda: _step(-1)),
        "premiere": lambda: _go(0),
        "derniere": lambda: _go(len(deck) - 1),
        "quitter": (lambda: _go(here)) if back_to is not None else (lambda: _set_mode(False)),
    }
    with st.container(key="touches"):
        for move, keys in KEYS.items():
            for k in keys:
                st.button(f"{move} {k}", key=f"touche_{move}_{k}", shortcut=k, on_click=moves[move])


def _footer(legende: str, extra: str = "") -> None:
    demo = '<span class="demo">données de démonstration</span>' if suivi.demo else ""
    st.html(f'<div class="diapo-pied"><span class="legende">{ui.html_brut(legende)}</span>{extra}{demo}</div>')


def _nav(back_to: int | None = None) -> None:
    """Small buttons for a mouse: previous, next, leave (the keys do the same)."""
    with st.container(key="diapo_nav", horizontal=True, gap="small"):
        if back_to is None:
            st.button("◀", key="nav_prec", help="Diapositive précédente (PageUp, ←)", on_click=_go, args=(index - 1,),
                      disabled=index == 0)
            st.button("▶", key="nav_suiv", help="Diapositive suivante (PageDown, →, Espace)", on_click=_go,
                      args=(index + 1,), disabled=index == len(deck) - 1)
            st.button("Quitter", key="nav_quitter", help="Quitter le mode projecteur (Échap)", on_click=_set_mode,
                      args=(False,), icon=":material/close_fullscreen:")
        else:
            st.button("Retour à la diapositive", key="nav_retour", help="Échap", on_click=_go, args=(back_to,),
                      icon=":material/arrow_back:")


def show_projector_slide() -> None:
    with st.container(key="diapo"):
        st.html(f'<div class="diapo-titre"><span class="diapo-num">{index + 1}/{len(deck)}</span>'
                f"{ui.html_brut(slide.titre)}</div>")
        with st.container(key="diapo_corps", height="stretch"):
            if slide.chiffres:
                st.html('<div class="chiffres-p">' + "".join(
                    f'<div class="chiffre-p"><span class="v">{ui.html_brut(c.valeur).replace(" ", "&nbsp;")}</span>'
                    f'<span class="l">{ui.html_brut(c.libelle)}</span></div>' for c in slide.chiffres) + "</div>")
            if slide.figure is not None:
                for size, figures in (("normal", screen_figures), ("grand", big_figures)):  # CSS shows one
                    ui.chart(figures[slide.key], config={"displayModeBar": False, "responsive": True},
                                    key=f"fig_{size}_{slide.key}", height="stretch", theme=None, titre=slide.titre)
                if slide.items:
                    st.html(_items_html(slide.items, True, "diapo-items", details=False))
            elif slide.items:
                st.html(_items_html(slide.items, True, "diapo-liste"))
        _footer(slide.legende)
        _nav()
    _keys()


def show_projector_action(action_id: int) -> None:
    a = action_view(plan, suivi.statuts, suivi.indicateurs, action_id, today)
    if a is None:
        _go(index)
        st.rerun()
    e = ui.html_brut  # element content only (no attribute but the fiche's own link)
    chiffres = "".join(f'<div class="chiffre-p"><span class="v">{e(c.valeur)}</span><span class="l">{e(c.libelle)}</span>'
                       "</div>" for c in a.chiffres)
    cal = "".join(f"<li>{e(x)}</li>" for x in a.calendrier) or "<li>aucune date dans le plan</li>"
    ind = "".join(f"<li>{e(x)}</li>" for x in a.indicateurs) or "<li>aucun indicateur dans le plan</li>"
    fiche = f"actions?action={a.action_id}&diapo={index + 1}&retour=projecteur"
    with st.container(key="diapo"):
        st.html(f'<div class="diapo-titre">{e(a.titre)}</div>')
        with st.container(key="diapo_corps", height="stretch"):
            st.html(
                f'<div class="action-p"><p class="cadre">{e(a.cadre)}</p>'
                + (f'<p class="alerte">{e(a.alerte)}</p>' if a.alerte else "")
                + f'<div class="chiffres-p">{chiffres}</div>'
                f'<div class="colonnes"><div><h3>Calendrier</h3><ul>{cal}</ul></div>'
                f"<div><h3>Indicateurs</h3><ul>{ind}</ul></div></div></div>")
        _footer(f"Depuis la diapositive {index + 1} : « {slide.nom} ». Échap ou ← pour y revenir.",
                f'<span class="action-p"><a href="{e(fiche)}" target="_self">Fiche complète</a></span>')
        _nav(back_to=index)
    _keys(back_to=index)


if projector:
    st.html(PROJECTOR_CSS)
    action_param = st.query_params.get("action")
    if action_param and str(action_param).strip().isdigit():
        show_projector_action(int(action_param))
    else:
        show_projector_slide()
    st.stop()


# --- La page ---------------------------------------------------------------------------------

st.markdown(
    """<style>
    .diapo-titre { font-size: clamp(2.1rem, 2.7vw, 3.2rem); line-height: 1.15; font-weight: 700; margin: 0.4rem 0 1.6rem 0; }
    .diapo-num { color: #5A6169; font-weight: 400; margin-right: 0.6rem; }
    .chiffre { border-left: 10px solid #0072B2; padding-left: 1.4rem; margin: 2.5rem 0; }
    .chiffre-v { font-size: clamp(2.4rem, 3.4vw, 4rem); font-weight: 700; line-height: 1.1; }
    .chiffre-l { font-size: 1.8rem; color: #3B4350; line-height: 1.25; }
    .diapo-legende { font-size: 1.3rem; color: #3B4350; line-height: 1.4; }
    .diapo-items { font-size: 1.2rem; line-height: 1.5; }
    .diapo-items .item-detail, .diapo-liste .item-detail { color: #3B4350; margin-left: 0.6rem; }
    .diapo-liste { font-size: 1.6rem; line-height: 1.5; }
    </style>""",
    unsafe_allow_html=True,
)


def _on_pick() -> None:
    st.query_params["diapo"] = str(st.session_state["diapo_choisie"] + 1)


if problem:
    st.warning(ui.brut(problem))  # it quotes the link's text
if st.session_state.get("diapo_choisie") != index:
    st.session_state["diapo_choisie"] = index

nav, prev_col, next_col, proj_col = st.columns([8, 1, 1, 2.8], vertical_alignment="bottom")
nav.radio(
    "Diapositive", list(range(len(deck))), key="diapo_choisie", horizontal=True, on_change=_on_pick,
    format_func=lambda i: f"{i + 1}. {deck[i].nom}", label_visibility="collapsed",
)
prev_col.button("◀", help="Diapositive précédente", disabled=index == 0, on_click=_go, args=(index - 1,),
                width="stretch", key="diapo_prec")
next_col.button("▶", help="Diapositive suivante", disabled=index == len(deck) - 1, on_click=_go,
                args=(index + 1,), width="stretch", key="diapo_suiv")
proj_col.button("Mode projecteur", help="Plein écran sans menus ; PageDown / PageUp (télécommande) changent de "
                "diapositive, Échap revient ici.", on_click=_set_mode, args=(True,), width="stretch",
                icon=":material/fit_screen:", key="mode_projecteur", type="primary")

st.markdown(
    f'<div class="diapo-titre"><span class="diapo-num">{index + 1}/{len(deck)}</span>'
    f"{ui.html_brut(slide.titre)}</div>",
    unsafe_allow_html=True,
)
if slide.chiffres:
    for col, c in zip(st.columns(len(slide.chiffres)), slide.chiffres, strict=True):
        col.markdown(
            f'<div class="chiffre"><div class="chiffre-v">{ui.html_brut(c.valeur)}</div>'
            f'<div class="chiffre-l">{ui.html_brut(c.libelle)}</div></div>',
            unsafe_allow_html=True,
        )
if slide.figure is not None:
    ui.chart(slide.figure, config={"displayModeBar": False}, key=f"fig_{slide.key}", titre=slide.titre)
if slide.items:
    st.markdown(_items_html(slide.items, False, "diapo-liste" if slide.figure is None else "diapo-items"),
                unsafe_allow_html=True)
if slide.legende:
    st.markdown(f'<p class="diapo-legende">{ui.html_brut(slide.legende)}</p>', unsafe_allow_html=True)

st.divider()
ui.download_button(
    st, "Télécharger le diaporama à diffuser (HTML, s'ouvre sans connexion)",
    data=lambda: deck_html.deck_html(list(deck), view.titre, view.sous_titre),
    file_name=f"{view.file_stem}.html", mime="text/html", on_click="ignore",
    icon=":material/download:", key="dl_diaporama",
)
# The same slides as files to circulate: built only when a button is clicked (the page stays fast).
files_row = st.container(horizontal=True)
ui.download_button(
    files_row, "Télécharger en PowerPoint (.pptx, graphiques modifiables)", data=lambda: deck_files.deck_pptx(list(deck), view.info),
    file_name=f"{view.file_stem}.pptx", on_click="ignore", icon=":material/slideshow:", key="dl_pptx",
    mime="application/vnd.openxmlformats-officedocument.presentationml.presentation",
)
ui.download_button(
    files_row, "Télécharger en PDF (une page par diapositive)", data=lambda: deck_files.deck_pdf(list(deck), view.info),
    file_name=f"{view.file_stem}.pdf", mime="application/pdf", on_click="ignore",
    icon=":material/picture_as_pdf:", key="dl_pdf", disabled=deck_files.chromium_path() is None,
    help=None if deck_files.chromium_path() else deck_files.NO_CHROMIUM,
)
st.caption("Le plan entier, hypothèses du classeur appliquées ; les filtres de la barre latérale ne s'appliquent pas "
           "à la présentation. Adresse d'une diapositive : …/comite?diapo=2 ; en mode projecteur : "
           "…/comite?mode=projecteur&diapo=2.")
