"""Effectifs (ETP): where the staff's time goes, against each service's capacity."""

import streamlit as st

from dashboard import fmt, ui
from dashboard.present import views

etp_view = ui.cache_view(views.etp.build)
capacity_view = ui.cache_view(views.etp.capacity)

ui.regarder_au()  # ?au=AAAA-MM-JJ: the store and the plan as they were that day
plan = ui.get_plan()
ui.demo_banner()
filters = ui.sidebar_filters(plan)
st.title("Effectifs (ETP)", anchor=False)
ui.situation_au()  # the latest import shown, the plan version in force
suivi = ui.get_suivi()
v = etp_view(plan, filters, suivi.realise)

row = ui.metrics_row()
row.metric("ETP chiffrés par le plan", fmt.etp(v.total), help="Équivalents temps plein par an.")
row.metric("Services mobilisés", fmt.nombre(v.services))
row.metric("Temps cité sans chiffre", f"{fmt.nombre(v.n_sans_chiffre)} ligne(s)",
           help="Le plan nomme du temps de travail sans le chiffrer : hors des totaux.")
row.metric("Surallocations", fmt.nombre(v.surallocations),
           help="Couples service × année où les ETP alloués dépassent les ETP disponibles.")

ui.chart(v.fig_axe)
st.caption("ETP par an chiffrés dans le plan, par axe. Ne compte pas le temps cité sans chiffre (onglet « Hors totaux »).")
ui.chart(v.fig_service)
st.caption("ETP par service, couleur de l'axe servi. Ne compte pas le temps cité sans chiffre.")

ui.keep_widgets("etp_annee")  # its tab may be closed
tabs = ui.tabs(["Par axe", "Par enjeu", "Par action", "Par service", "Capacité des services", "Hors totaux",
                "Prévu / réalisé"], key="effectifs_onglet")
with tabs[0]:
    if tabs[0].open:  # only the open tab is drawn (the others when clicked)
        ui.table_with_download(v.table_axe, "etp_par_axe", "e_axe")
with tabs[1]:
    if tabs[1].open:
        ui.table_with_download(v.table_enjeu, "etp_par_enjeu", "e_enjeu")
with tabs[2]:
    if tabs[2].open:
        ui.table_with_download(v.table_action, "etp_par_action", "e_action",
                               caption="Actions dont le plan chiffre le temps de travail.")
        st.markdown("**Lignes ETP** (texte du plan dans « Extrait du plan »)")
        ui.table_with_download(v.table_lines, "lignes_etp", "e_lines")
with tabs[3]:
    if tabs[3].open:
        ui.table_with_download(v.table_service, "etp_par_service", "e_service")
with tabs[4]:
    if tabs[4].open:
        year = st.selectbox("Année", list(v.annees), key="etp_annee", width=220)
        cap = capacity_view(plan, filters, year)
        if not cap.known:
            st.info("La feuille « Capacité » du classeur ne donne encore aucun ETP disponible : la capacité de chaque "
                    "service est inconnue. Renseignez la colonne « ETP disponibles » pour comparer.")
        ui.chart(cap.fig)
        st.caption("Barre : ETP alloués par le plan (rouge si au-delà de la capacité) ; trait noir : ETP disponibles "
                   "(feuille « Capacité »). Une capacité vide est inconnue, jamais zéro.")
        ui.table_with_download(v.table_capacite, "capacite_et_allocation", "e_cap", highlight=("Situation", "surallocation"))
with tabs[5]:
    if tabs[5].open:
        st.markdown("**Temps cité sans chiffre** : le plan nomme ce temps de travail sans le chiffrer.")
        ui.table_with_download(v.table_sans_chiffre, "etp_non_chiffres", "e_nc")
        st.markdown(f"**Services sans capacité connue** : {fmt.nombre(v.n_sans_capacite)} ligne(s) ETP dont le service n'a "
                    "aucun chiffre dans la feuille « Capacité ».")
        ui.table_with_download(v.table_sans_capacite, "etp_sans_capacite", "e_apart")
with tabs[6]:
    if tabs[6].open:
        ui.prevu_realise(v.fig_prevu_realise, v.table_prevu_realise, "prevu_realise_etp", "e_pr",
                         "Prévu : ETP chiffrés du plan pour l'année ; réalisé : ETP déclarés dans le suivi.",
                         "les ETP réellement consacrés", v.couverture_prevu_realise)
