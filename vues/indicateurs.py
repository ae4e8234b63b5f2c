"""Indicateurs: the plan's indicators year after year — trends, milestones, what is left to collect."""

import streamlit as st
from streamlit.errors import StreamlitPageNotFoundError

from dashboard import fmt, ui
from dashboard.present import export, plan_changes, views

catalogue_view = ui.cache_view(views.indicators.catalogue)
retired_view = ui.cache_view(plan_changes.retired_table)
indicateurs_view = ui.cache_view(views.indicators.build)

ui.regarder_au()  # ?au=AAAA-MM-JJ: the store and the plan as they were that day
full_plan = ui.get_plan()
ui.demo_banner()
filters = ui.sidebar_filters(full_plan)
suivi = ui.get_suivi()
cat = catalogue_view(full_plan, filters, suivi.indicateurs)
first, last = cat.periode

st.title("Indicateurs de suivi", anchor=False)
ui.situation_au()  # the latest import shown, the plan version in force


def _retired() -> None:
    """Values of indicators a revision of the plan removed: kept, listed as such (back when a version
    that has them is current again)."""
    retired = retired_view(full_plan, suivi.indicateurs, ui.known_indicators() if len(suivi.indicateurs) else None)
    if len(retired):
        with st.expander(f"Valeurs d'indicateurs retirés du plan ({fmt.nombre(len(retired))})", expanded=True):
            st.dataframe(retired, hide_index=True)
            st.caption("Ces indicateurs ne figurent plus dans la version en vigueur du plan : leurs valeurs "
                       "importées restent gardées et réapparaissent parmi les indicateurs si une version qui les "
                       "contient redevient courante (page « Plan »).")


_retired()

if suivi.indicateurs.empty:
    st.info(f"**Aucune valeur d'indicateur n'a encore été importée.** Le plan compte "
            f"{fmt.nombre(cat.n_indicateurs)} indicateur(s) à suivre de {first} à {last} : téléchargez le "
            "modèle de l'année sur la page d'import, remplissez-le, puis importez-le.")
    try:
        st.page_link("vues/import_suivi.py", label="Aller à la page « Import du suivi annuel »",
                     icon=":material/upload_file:")
    except StreamlitPageNotFoundError:  # the page run on its own (tests): a plain link
        st.markdown("[Aller à la page « Import du suivi annuel »](import)")
    st.subheader("Les indicateurs du plan", anchor=False)
    ui.dataframe(cat.table)
    st.stop()

# --- the year --------------------------------------------------------------------------------
annees = list(cat.annees)
if st.session_state.get("ind_annee") not in annees:
    st.session_state["ind_annee"] = cat.default_year
annee = st.selectbox(
    "Année", annees, key="ind_annee", width=200,
    help="Les valeurs affichées sont celles de cette année, ou la dernière connue avant elle.")

v = indicateurs_view(full_plan, filters, suivi.indicateurs, annee)

row = ui.metrics_row()
row.metric("Indicateurs du plan", fmt.nombre(v.n_indicateurs))
row.metric(f"Renseignés pour {annee}", f"{fmt.nombre(v.n_renseignes)} / {fmt.nombre(v.n_indicateurs)}",
           help="Indicateurs ayant un résultat pour l'année choisie.")
row.metric(f"Évolutions favorables en {annee}", f"{fmt.nombre(v.n_favorables)} / {fmt.nombre(v.n_comparables)}",
           help="Indicateurs chiffrés comparables à l'année précédente dont l'évolution va dans le sens souhaité.")
row.metric(f"Jalons atteints fin {annee}", f"{fmt.nombre(v.n_jalons_atteints)} / {fmt.nombre(v.n_jalons)}")

ui.keep_widgets("ind_action", "ind_choisi", "ind_lignes", "ind_porteur")  # their tabs may be closed
tab_trend, tab_table, tab_jalons, tab_comp = ui.tabs(
    [":material/show_chart: Tendance d'un indicateur", ":material/table_view: Tous les indicateurs",
     ":material/flag: Jalons", ":material/checklist: Reste à collecter"], key="indicateurs_onglet")

# --- trend of one indicator ------------------------------------------------------------------
with tab_trend:
    if tab_trend.open:  # only the open tab is drawn (the others when clicked)
        if v.quant.empty:
            st.info("Aucun indicateur chiffré dans la sélection.")
        else:
            left, right = st.columns([1, 2])
            action = left.selectbox("Action", list(v.trend_actions), index=None, placeholder="Toutes les actions",
                                    key="ind_action",
                                    format_func=lambda a: f"{a}. {v.titles.get(a, '') or '(sans titre)'}")
            options = ui.memo(v, ("options", action), lambda: v.indicator_options(action))
            if st.session_state.get("ind_choisi") not in options:
                st.session_state["ind_choisi"] = options[0]
            ident = right.selectbox("Indicateur", options, key="ind_choisi",
                                    format_func=lambda i: f"{i} – {v.labels.get(i, '')}")
            trend = ui.memo(v, ("trend", ident), lambda: v.trend(ident))
            ui.chart(trend.fig)
            st.caption(ui.brut(trend.caption))
            ui.dataframe(trend.table)

# --- every indicator -------------------------------------------------------------------------
with tab_table:
    if tab_table.open:
        rows = slice(None)
        if len(v.table) > views.indicators.TABLE_PAGE:  # a large plan: the coloured table by pages (Excel: all of it)
            starts = range(0, len(v.table), views.indicators.TABLE_PAGE)
            start = st.selectbox(
                f"Lignes du tableau ({fmt.nombre(len(v.table))} indicateurs ; restreignez-les par les filtres de la "
                "barre latérale)", starts, key="ind_lignes",
                format_func=lambda i: f"{fmt.nombre(i + 1)} à {fmt.nombre(min(i + views.indicators.TABLE_PAGE, len(v.table)))}")
            rows = slice(start, start + views.indicators.TABLE_PAGE)
        shown = v.styled_table(rows)
        st.dataframe(shown, hide_index=True, height=min(38 + 35 * len(shown.data), 640))
        note, button = st.columns([3, 1])
        note.caption(f"Dernière valeur connue jusqu'en {annee} et son évolution par rapport à l'année précédente "
                     "(non calculée si l'une des deux manque). En bleu une évolution dans le sens souhaité par le plan, "
                     "en orange une évolution contraire ; les jalons n'ont pas d'évolution (voir l'onglet « Jalons »).")
        ui.download_button(button, "Télécharger (Excel)", data=v.excel, file_name=f"indicateurs_{annee}.xlsx",
                               mime=export.XLSX_MIME,
                               key="dl_indicateurs", on_click="ignore", icon=":material/download:",
                               help="Le tableau avec le commentaire et la source de chaque valeur.")

# --- milestones ------------------------------------------------------------------------------
with tab_jalons:
    if tab_jalons.open:
        if v.jalons.empty:
            st.info("Aucun jalon dans la sélection.")
        else:
            st.markdown(f"**{fmt.nombre(v.n_jalons_atteints)} jalon(s) atteint(s) sur {fmt.nombre(v.n_jalons)}** "
                        f"à la fin de {annee}.")
            ui.dataframe(v.jalons, height=min(38 + 35 * len(v.jalons), 640))
            st.caption("Un jalon est atteint dès qu'une année du suivi le déclare « oui » (ou en donne la date). "
                       "La date n'est connue que pour les jalons datés ; sinon seule l'année l'est.")

# --- completeness ----------------------------------------------------------------------------
with tab_comp:
    if tab_comp.open:
        st.markdown(f"**{fmt.nombre(v.n_manquants)} indicateur(s) sur {fmt.nombre(v.n_indicateurs)} sans résultat pour "
                    f"{annee}** ({fmt.pct(v.pct_renseignes)} renseignés).")
        left, right = st.columns([1.2, 1])
        with left:
            ui.chart(v.fig_completude)
            st.caption("Porteurs lus dans la maîtrise d'ouvrage de chaque action : un indicateur d'une action portée "
                       "à plusieurs est compté chez chacun (le total en haut le compte une fois).")
        with right:
            ui.dataframe(v.par_porteur)
        st.subheader(f"À collecter pour {annee}", anchor=False)
        if v.to_collect.empty:
            st.success(f"Rien à collecter : chaque indicateur a un résultat pour {annee}.")
        else:
            porteur = st.selectbox("Porteur", ui.memo(v, "porteurs", v.porteurs_to_collect), index=None,
                                   placeholder="Tous les porteurs", key="ind_porteur")
            ui.dataframe(ui.memo(v, ("to_collect", porteur), lambda: v.to_collect_for(porteur)))
