"""Calendrier & retards: what the plan planned when, what it leaves undated, what is late and by how much."""

import logging

import pandas as pd
import streamlit as st

from dashboard import fmt, ui
from dashboard.present import plan_changes, views

log = logging.getLogger("dashboard")
WIDTHS = {"Action": "large", "N°": "small", "Axe": "small"}  # the others fit their content

calendar_view = ui.cache_view(views.calendar.build)
gantt_view = ui.cache_view(views.calendar.gantt)
progress_view = ui.cache_view(views.calendar.progress)
ends_view = ui.cache_view(plan_changes.ends_table)


def _table(shown: pd.DataFrame) -> None:
    """A table with French headers (already formatted values), tall enough to show every row."""
    config = {c: st.column_config.Column(width=w) for c, w in WIDTHS.items() if c in shown.columns}
    ui.dataframe(shown, width="stretch", column_config=config, height=min(35 * (len(shown) + 1) + 3, 1000))


def _listed(shown: pd.DataFrame, when_empty: str, caption: str) -> None:
    """The table and its caption, or the good news when it has no row."""
    if shown.empty:
        st.success(when_empty)
    else:
        _table(shown)
        st.caption(caption)


ui.regarder_au()  # ?au=AAAA-MM-JJ: the store and the plan as they were that day
plan = ui.get_plan()
ui.demo_banner()  # above the title, as on every page
filters = ui.sidebar_filters(plan)

st.title("Calendrier & retards", anchor=False)
ui.situation_au()  # the latest import shown, the plan version in force
as_of = st.date_input("Situation au", value=ui.jour_de_situation().date(), format="DD/MM/YYYY", key="calendrier_situation", width=260,
                      help="Date à laquelle on regarde l'avancement : les retards sont comptés à cette date.")
reference = ui.compare_selector("calendrier_reference")
as_of = pd.Timestamp(as_of)

v = calendar_view(plan, filters, as_of)
first, last = v.periode
if v.empty:
    st.info("Aucune action ne correspond aux filtres choisis dans la barre latérale.")
    st.stop()

try:
    suivi = ui.get_suivi()
    statuts = suivi.statuts
except Exception:  # the store is unreadable: show the plan, say so, log the cause
    log.exception("lecture du suivi impossible")
    st.warning("Le suivi n'a pas pu être lu : la page montre seulement le calendrier du plan.")
    suivi, statuts = None, None

progress = progress_view(plan, filters, statuts, as_of) if statuts is not None and len(statuts) else None

row = ui.metrics_row()
row.metric("Actions avec des dates", f"{fmt.nombre(v.n_dated)} sur {fmt.nombre(v.n_actions)}")
row.metric("Actions récurrentes", fmt.nombre(v.n_recurring), help="Annuelles, estivales ou continues.")
row.metric("Actions sans date", fmt.nombre(v.n_undated),
           help="Calendrier « à définir », sans date ou vide dans le plan : onglet « Ce que le plan ne date pas ».")
row.metric("Anomalies du calendrier", fmt.nombre(v.n_anomalies))
if progress is not None:  # what is late, in view whichever tab is open
    row.metric(f"En retard au {fmt.jour(as_of)}", fmt.nombre(len(progress.late)),
               help="Fin prévue (ou révisée) dépassée, action ni réalisée ni abandonnée : onglet « Avancement et retards ».")

# --- The page's parts, one tab each (only the open one is drawn; the others when clicked) ---------
TAB_GANTT, TAB_RETARDS, TAB_SANS_DATE, TAB_ANOMALIES, TAB_FINS = (
    "Diagramme", "Avancement et retards", "Ce que le plan ne date pas", "Anomalies du calendrier",
    "Fins prévues : référence et en vigueur")
# the comparison's tab is there as long as there is something to compare (choosing « Pas de comparaison »
# must not change the tabs: Streamlit would then open the first one)
labels = [TAB_GANTT, TAB_RETARDS, TAB_SANS_DATE, TAB_ANOMALIES] + ([TAB_FINS] if ui.can_compare() else [])
ui.keep_widgets("gantt_page", "calendrier_toutes_fins")  # their tabs may be closed
tabs = dict(zip(labels, ui.tabs(labels, key="calendrier_onglet"), strict=True))

# --- Plan voté / révision / réalisé ------------------------------------------------------------
if TAB_FINS in tabs and tabs[TAB_FINS].open:
    with tabs[TAB_FINS]:
        if reference is None:
            st.info("Choisissez la version de référence dans « Comparer la version en vigueur avec », plus "
                    "haut, pour comparer les fins prévues.")
        else:
            ref_plan, ref_label, cur_label = reference
            st.header("Fins prévues : version de référence, version en vigueur, fin réelle", anchor=False)
            every = st.toggle("Toutes les actions (sinon, seulement celles dont la fin prévue a changé)",
                              key="calendrier_toutes_fins")
            ends = ends_view(ref_plan, plan, statuts, ref_label, cur_label, not every, filters)
            if ends.empty:
                st.success(f"Aucune fin prévue n'a changé entre « {ui.brut(ref_label)} » et « {ui.brut(cur_label)} ».")
            else:
                _table(ends)
            st.caption(f"Fin prévue (« {ui.brut(ref_label)} ») → fin prévue (« {ui.brut(cur_label)} », en vigueur) → fin réelle (suivi "
                       "importé). Fin prévue d'une action : la dernière fin de ses jalons. Écart : de combien la version "
                       "en vigueur a déplacé la fin prévue. Les retards (onglet « Avancement et retards ») se mesurent à "
                       "la version en vigueur.")

# --- Gantt -----------------------------------------------------------------------------------
with tabs[TAB_GANTT]:
    if tabs[TAB_GANTT].open:
        if v.gantt_pages:  # a large selection: the timeline by pages, each action keeping its own legible row
            n_pages = len(v.gantt_pages)
            st.info(f"{fmt.nombre(v.n_actions)} actions retenues : le diagramme les montre par pages de "
                    f"{fmt.nombre(views.calendar.GANTT_PAGE)}, dans l'ordre des axes. Pour voir ensemble celles qui vous "
                    "intéressent, choisissez un axe, un enjeu ou une maîtrise d'ouvrage dans la barre latérale.",
                    icon=":material/view_timeline:")
            page = st.selectbox(f"Page du diagramme ({fmt.nombre(n_pages)} pages)", range(n_pages), key="gantt_page",
                                format_func=lambda i: f"{i + 1} / {n_pages} : {v.gantt_pages[i]}")
            ui.chart(v.fig_gantt if page == 0 else gantt_view(plan, filters, as_of, page))
        else:
            ui.chart(v.fig_gantt)
        st.caption(
            f"Une ligne par action, regroupées et colorées par axe ; période du plan : {first}-{last}. "
            "Barre pleine : jalon daté (à la précision du plan : mois, trimestre, saison ou année entière). "
            "Bande hachurée claire : action récurrente sur ses années (en plus, une barre pleine par saison pour les "
            "actions estivales). Pointillés : début donné sans date de fin, prolongé jusqu'à la fin de la période. "
            "Ne montre pas les jalons « à définir » d'actions par ailleurs datées (onglet « Ce que le plan ne date "
            "pas ») ; les actions sans aucune date gardent leur ligne avec les mots du plan."
        )

# --- Retards (follow-up) -----------------------------------------------------------------------
with tabs[TAB_RETARDS]:
    if tabs[TAB_RETARDS].open:
        st.header(f"Avancement et retards au {fmt.jour(as_of)}", anchor=False)
        if progress is None:
            st.info("Aucun avancement n'a encore été importé : la page montre le calendrier prévu par le plan, "
                    "sans retard calculé. Importez le suivi annuel (page « Import du suivi annuel », feuille "
                    "« Avancement ») pour voir les actions en retard.")
        else:
            if getattr(suivi, "demo", False):
                st.warning("Données de démonstration : l'avancement affiché n'est pas celui de l'office.")
            ui.chart(progress.fig_counts)
            st.caption("En retard : fin prévue (ou révisée) dépassée et statut ni « Réalisée » ni « Abandonnée ». "
                       "« Sans suivi » : action absente du suivi importé (son avancement n'est pas connu). "
                       "Une action sans date de fin dans le plan n'est jamais comptée en retard, sauf fin révisée dépassée.")

            st.subheader("Actions en retard, de la plus en retard à la moins en retard", anchor=False)
            _listed(progress.late, f"Aucune action en retard au {fmt.jour(as_of)}.",
                    "Retard : mois écoulés entre la fin prévue par le plan (ou la fin révisée si le plan n'en donne "
                    f"pas) et le {fmt.jour(as_of)}.")

            st.subheader("Prévu, révisé, réalisé", anchor=False)
            if progress.fig_slippage is not None:
                ui.chart(progress.fig_slippage)
                st.caption("Cercle vide : fin prévue par le plan ; losange : fin révisée ; cercle plein : fin réelle. "
                           "Ne montre que les actions en retard ou dont le suivi donne une fin révisée ou réelle "
                           "(toutes les actions suivies sont dans le tableau)."
                           + (f" Elles sont {fmt.nombre(progress.n_slippage)} : le graphique montre les "
                              f"{fmt.nombre(views.calendar.SLIPPAGE_MAX)} plus grands glissements (retards sans fin "
                              "connue d'abord)." if progress.n_slippage > views.calendar.SLIPPAGE_MAX else ""))
            _table(progress.followed)
            st.caption("Glissement : fin réelle (ou, à défaut, révisée) moins fin prévue ; négatif = en avance. "
                       "« — » : date inconnue.")

# --- Sans date et anomalies ------------------------------------------------------------------
with tabs[TAB_SANS_DATE]:
    if tabs[TAB_SANS_DATE].open:
        _listed(v.undated, "Toutes les actions retenues ont des dates.",
                f"{fmt.nombre(v.n_undated_actions)} action(s) sans aucune date ; "
                "les autres lignes sont des jalons sans date d'actions par ailleurs datées.")

with tabs[TAB_ANOMALIES]:
    if tabs[TAB_ANOMALIES].open:
        _listed(v.anomalies, "Aucune anomalie dans le calendrier des actions retenues.",
                "Les mots du plan sont repris tels quels ; aucune date n'est inventée. Années hors de la période "
                f"{first}-{last}, points d'interrogation, calendriers à définir ou vides, jalons sans fin.")
