"""Présentation au comité: one message per screen, legible on a projector; the deck to circulate."""

import html
import logging

import streamlit as st

from dashboard import comite, deck_files, fmt, metrics, ui
from dashboard.store import Suivi

log = logging.getLogger("dashboard")


@ui.cache_view
def deck_view(plan, statuts, indicateurs, demo: bool, today: str):
    """The slides (pure; cached on the plan, the follow-up values and the day)."""
    suivi = Suivi(indicateurs=indicateurs, statuts=statuts, demo=demo)
    return comite.slides(metrics.apply_hypotheses(plan), suivi, as_of=today)


raw_plan = ui.get_plan()
suivi = ui.get_suivi()
ui.demo_banner()
plan = metrics.apply_hypotheses(raw_plan)
try:
    deck = deck_view(raw_plan, suivi.statuts, suivi.indicateurs, suivi.demo,
                     metrics.as_timestamp().date().isoformat())
except Exception:  # never a traceback on screen; the log has it
    log.exception("présentation au comité impossible")
    st.error("La présentation n'a pas pu être construite à partir du plan et du suivi. "
             "Vérifiez le classeur du plan (page Vue d'ensemble) et le dernier import du suivi.")
    st.stop()
first, last = plan.periode

st.markdown(
    """<style>
    .diapo-titre { font-size: clamp(2.1rem, 2.7vw, 3.2rem); line-height: 1.15; font-weight: 700; margin: 0.4rem 0 1.6rem 0; }
    .diapo-num { color: #5A6169; font-weight: 400; margin-right: 0.6rem; }
    .chiffre { border-left: 10px solid #0072B2; padding-left: 1.4rem; margin: 2.5rem 0; }
    .chiffre-v { font-size: clamp(2.4rem, 3.4vw, 4rem); font-weight: 700; line-height: 1.1; }
    .chiffre-l { font-size: 1.8rem; color: #3B4350; line-height: 1.25; }
    .diapo-legende { font-size: 1.3rem; color: #3B4350; line-height: 1.4; }
    </style>""",
    unsafe_allow_html=True,
)


def _go(i: int) -> None:
    st.session_state["diapo_choisie"] = i
    st.query_params["diapo"] = str(i + 1)


def _on_pick() -> None:
    st.query_params["diapo"] = str(st.session_state["diapo_choisie"] + 1)


index, problem = comite.parse_slide_param(st.query_params.get("diapo"), len(deck))
if problem:
    st.warning(problem)
if st.session_state.get("diapo_choisie") != index:
    st.session_state["diapo_choisie"] = index

nav, prev_col, next_col = st.columns([10, 1, 1], vertical_alignment="bottom")
nav.radio(
    "Diapositive", list(range(len(deck))), key="diapo_choisie", horizontal=True, on_change=_on_pick,
    format_func=lambda i: f"{i + 1}. {deck[i].nom}", label_visibility="collapsed",
)
prev_col.button("◀", help="Diapositive précédente", disabled=index == 0, on_click=_go, args=(index - 1,),
                width="stretch", key="diapo_prec")
next_col.button("▶", help="Diapositive suivante", disabled=index == len(deck) - 1, on_click=_go,
                args=(index + 1,), width="stretch", key="diapo_suiv")

slide = deck[index]
st.markdown(
    f'<div class="diapo-titre"><span class="diapo-num">{index + 1}/{len(deck)}</span>'
    f"{html.escape(slide.titre)}</div>",
    unsafe_allow_html=True,
)
if slide.chiffres:
    for col, c in zip(st.columns(len(slide.chiffres)), slide.chiffres, strict=True):
        col.markdown(
            f'<div class="chiffre"><div class="chiffre-v">{html.escape(c.valeur)}</div>'
            f'<div class="chiffre-l">{html.escape(c.libelle)}</div></div>',
            unsafe_allow_html=True,
        )
if slide.figure is not None:
    st.plotly_chart(slide.figure, config={"displayModeBar": False}, key=f"fig_{slide.key}")
if slide.legende:
    st.markdown(f'<p class="diapo-legende">{html.escape(slide.legende)}</p>', unsafe_allow_html=True)

st.divider()
titre = f"Schéma de développement touristique {first}-{last} : point d'étape"
st.download_button(
    "Télécharger le diaporama à diffuser (HTML, s'ouvre sans connexion)",
    data=lambda: comite.deck_html(deck, titre, f"Présenté au comité de direction le {fmt.jour(metrics.as_timestamp())}"),
    file_name=f"comite_schema_{first}_{last}.html", mime="text/html", on_click="ignore",
    icon=":material/download:", key="dl_diaporama",
)
# The same slides as files to circulate: built only when a button is clicked (the page stays fast).
deck_info = deck_files.deck_info(plan, metrics.as_timestamp(), suivi.demo)
files_row = st.container(horizontal=True)
files_row.download_button(
    "Télécharger en PowerPoint (.pptx, graphiques modifiables)", data=lambda: deck_files.deck_pptx(deck, deck_info),
    file_name=f"comite_schema_{first}_{last}.pptx", on_click="ignore", icon=":material/slideshow:", key="dl_pptx",
    mime="application/vnd.openxmlformats-officedocument.presentationml.presentation",
)
files_row.download_button(
    "Télécharger en PDF (une page par diapositive)", data=lambda: deck_files.deck_pdf(deck, deck_info),
    file_name=f"comite_schema_{first}_{last}.pdf", mime="application/pdf", on_click="ignore",
    icon=":material/picture_as_pdf:", key="dl_pdf", disabled=deck_files.chromium_path() is None,
    help=None if deck_files.chromium_path() else deck_files.NO_CHROMIUM,
)
st.caption("Le plan entier, hypothèses du classeur appliquées ; les filtres de la barre latérale ne s'appliquent pas "
           "à la présentation. Adresse d'une diapositive : …/comite?diapo=2.")
