"""Présentation au comité: one message per screen, legible on a projector; the deck to circulate.

Two modes: the page (sidebar, selector, downloads) and the projector mode (?mode=projecteur): no
chrome, each slide fills the screen, a clicker's keys walk the slides (st.button shortcuts).
"""

import logging

import streamlit as st

from dashboard import metrics, ui
from dashboard.present import comite, comite_html, deck_files
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
    ui.aujourdhui_ici()  # the session looks at a past day on the pilotage pages: this page shows today
today = metrics.as_timestamp().date().isoformat()
jour_comite = ui.date_du_comite(projector)  # the sidebar's « Date du comité » (kept in projector mode)
precedent = ui.dernier_comite(avant=jour_comite)  # « depuis le dernier comité »: the one before this one
depuis = ui.depuis_comite(precedent, min(jour_comite, metrics.as_timestamp().date())) if precedent else None
try:
    filters, hypotheses = ui.reglages(plan)  # the session's, as on the pilotage pages
    view = deck_view(plan, suivi.statuts, suivi.indicateurs, suivi.demo, today, *(ui.voted_reference() or ()),
                     filters=filters, hypotheses=hypotheses, date_comite=jour_comite.isoformat(), depuis=depuis)
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
        ui.comite_presente()  # the comité meets: its date is recorded
    else:
        st.query_params.pop("mode", None)


# --- Mode projecteur ---------------------------------------------------------------------------

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
    number = index + 1
    with st.container(key="diapo"):
        st.html(comite_html.title(slide.titre, number, len(deck)))
        with st.container(key="diapo_corps", height="stretch"):
            if slide.chiffres:
                st.html(comite_html.projector_figures(slide.chiffres))
            if slide.figure is not None:
                for size, figures in (("normal", screen_figures), ("grand", big_figures)):  # CSS shows one
                    ui.chart(figures[slide.key], config={"displayModeBar": False, "responsive": True},
                             key=f"fig_{size}_{slide.key}", height="stretch", theme=None, titre=slide.titre)
            if slide.items:
                st.html(comite_html.projector_items(slide, number))
        st.html(comite_html.footer(slide.legende, suivi.demo))
        _nav()
    _keys()


def show_projector_action(action_id: int) -> None:
    a = action_view(plan, suivi.statuts, suivi.indicateurs, action_id, today)
    if a is None:
        _go(index)
        st.rerun()
    with st.container(key="diapo"):
        st.html(comite_html.title(a.titre))
        with st.container(key="diapo_corps", height="stretch"):
            st.html(comite_html.action_body(a))
        st.html(comite_html.action_footer(a.action_id, index + 1, slide.nom, suivi.demo))
        _nav(back_to=index)
    _keys(back_to=index)


if projector:
    st.html(comite_html.projector_css())  # the projector's one stylesheet
    action_param = st.query_params.get("action")
    if action_param and str(action_param).strip().isdigit():
        show_projector_action(int(action_param))
    else:
        show_projector_slide()
    st.stop()


# --- La page ---------------------------------------------------------------------------------

st.markdown(comite_html.page_css(), unsafe_allow_html=True)


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

st.markdown(comite_html.title(slide.titre, index + 1, len(deck)), unsafe_allow_html=True)
if slide.chiffres:
    for col, c in zip(st.columns(len(slide.chiffres)), slide.chiffres, strict=True):
        col.markdown(comite_html.page_figure(c), unsafe_allow_html=True)
if slide.figure is not None:
    ui.chart(slide.figure, config={"displayModeBar": False}, key=f"fig_{slide.key}", titre=slide.titre)
if slide.items:
    st.markdown(comite_html.page_items(slide, index + 1), unsafe_allow_html=True)
if slide.legende:
    st.markdown(comite_html.page_caption(slide.legende), unsafe_allow_html=True)

st.divider()
ui.download_button(
    st, "Télécharger le diaporama à diffuser (HTML, s'ouvre sans connexion)",
    data=view.html,
    file_name=f"{view.file_stem}.html", mime="text/html", on_click=ui.comite_exporte,
    icon=":material/download:", key="dl_diaporama",
)
# The same slides as files to circulate: built only when a button is clicked (the page stays fast).
files_row = st.container(horizontal=True)
ui.download_button(
    files_row, "Télécharger en PowerPoint (.pptx, graphiques modifiables)", data=lambda: deck_files.deck_pptx(list(deck), view.info),
    file_name=f"{view.file_stem}.pptx", on_click=ui.comite_exporte, icon=":material/slideshow:", key="dl_pptx",
    mime="application/vnd.openxmlformats-officedocument.presentationml.presentation",
)
ui.download_button(
    files_row, "Télécharger en PDF (une page par diapositive)", data=lambda: deck_files.deck_pdf(list(deck), view.info),
    file_name=f"{view.file_stem}.pdf", mime="application/pdf", on_click=ui.comite_exporte,
    icon=":material/picture_as_pdf:", key="dl_pdf", disabled=deck_files.chromium_path() is None,
    help=None if deck_files.chromium_path() else deck_files.NO_CHROMIUM,
)
st.caption(views_comite.perimetre(plan, filters, hypotheses) + " Adresse d'une diapositive : …/comite?diapo=2 ; en mode projecteur : "
           "…/comite?mode=projecteur&diapo=2.")
