"""Effectifs (ETP): where the staff's time goes, against each service's capacity."""

import streamlit as st

from dashboard import charts, fmt, metrics, ui

NO_BAR = {"displayModeBar": False}

plan = ui.get_plan()
filters = ui.sidebar_filters(plan)
plan = metrics.filter_plan(plan, filters)
first, last = plan.periode
st.title("Effectifs (ETP)")

by_axe = metrics.etp_by(plan, "axe")
by_service = metrics.etp_by(plan, "service")
sans_chiffre = metrics.etp_non_chiffres(plan)
cap = metrics.capacite_vs_alloue(plan)
c = st.columns(4)
c[0].metric("ETP chiffrés par le plan", fmt.etp(by_axe["etp"].sum()), help="Équivalents temps plein par an.")
c[1].metric("Services mobilisés", fmt.nombre(by_service["service"].nunique()))
c[2].metric("Temps cité sans chiffre", f"{fmt.nombre(len(sans_chiffre))} ligne(s)",
            help="Le plan nomme du temps de travail sans le chiffrer : hors des totaux.")
c[3].metric("Surallocations", fmt.nombre(int((cap["statut"] == "surallocation").sum())),
            help="Couples service × année où les ETP alloués dépassent les ETP disponibles.")

left, right = st.columns(2)
with left:
    labels = [f"{charts.axe_label(a)} – {charts._short(lib, 28)}" for a, lib in zip(by_axe["axe"], by_axe["libelle"], strict=True)]
    st.plotly_chart(charts.count_bars(labels, by_axe["etp"], [charts.axe_color(a) for a in by_axe["axe"]],
                                      charts.lead_title([charts.axe_label(a) for a in by_axe["axe"]], by_axe["etp"],
                                                        "temps de travail chiffré", "prend"), suffix=" ETP"),
                    config=NO_BAR)
    st.caption("ETP par an chiffrés dans le plan, par axe. Ne compte pas le temps cité sans chiffre (liste plus bas).")
with right:
    sa = metrics.etp_service_axe(plan)
    st.plotly_chart(charts.etp_service_figure(sa, charts.lead_title(by_service["service"], by_service["etp"],
                                                                    "temps chiffré", "fournit")), config=NO_BAR)
    st.caption("ETP par service, couleur de l'axe servi. Ne compte pas le temps cité sans chiffre.")

tabs = st.tabs(["Par axe", "Par enjeu", "Par action", "Par service", "Capacité des services", "Hors totaux",
                "Prévu / réalisé"])
with tabs[0]:
    ui.table_with_download(by_axe, "etp_par_axe", "e_axe")
with tabs[1]:
    ui.table_with_download(metrics.etp_by(plan, "enjeu"), "etp_par_enjeu", "e_enjeu")
with tabs[2]:
    by_action = metrics.etp_by(plan, "action")
    ui.table_with_download(by_action[by_action["etp"] > 0], "etp_par_action", "e_action",
                           caption="Actions dont le plan chiffre le temps de travail.")
    st.markdown("**Lignes ETP** (texte du plan dans « Extrait du plan »)")
    ui.table_with_download(metrics.etp_lines(plan)[["action_id", "axe", "titre", "service", "etp", "annee_debut",
                                                    "annee_fin", "extrait", "note"]], "lignes_etp", "e_lines")
with tabs[3]:
    ui.table_with_download(by_service, "etp_par_service", "e_service")
with tabs[4]:
    known = cap["disponible"].notna()
    if not known.any():
        st.info("La feuille « Capacité » du classeur ne donne encore aucun ETP disponible : la capacité de chaque "
                "service est inconnue. Renseignez la colonne « ETP disponibles » pour comparer.")
    year = st.selectbox("Année", plan.annees, key="etp_annee")
    year_cap = cap[cap["annee"] == year]
    over = year_cap[year_cap["statut"] == "surallocation"]
    title = (f"{len(over)} service(s) au-delà de leur capacité en {year}" if len(over)
             else f"Aucune surallocation connue en {year}" + (" (capacités inconnues)" if not known.any() else ""))
    st.plotly_chart(charts.capacity_figure(year_cap, title), config=NO_BAR)
    st.caption("Barre : ETP alloués par le plan (rouge si au-delà de la capacité) ; trait noir : ETP disponibles "
               "(feuille « Capacité »). Une capacité vide est inconnue, jamais zéro.")
    ui.table_with_download(cap, "capacite_et_allocation", "e_cap")
with tabs[5]:
    st.markdown("**Temps cité sans chiffre** : le plan nomme ce temps de travail sans le chiffrer.")
    ui.table_with_download(sans_chiffre[["action_id", "axe", "titre", "service", "extrait", "note"]],
                           "etp_non_chiffres", "e_nc")
    apart = metrics.etp_sans_capacite(plan)
    st.markdown(f"**Services sans capacité connue** : {fmt.nombre(len(apart))} ligne(s) ETP dont le service n'a "
                "aucun chiffre dans la feuille « Capacité ».")
    ui.table_with_download(apart[["action_id", "axe", "titre", "service", "etp", "extrait"]], "etp_sans_capacite",
                           "e_apart")
with tabs[6]:
    suivi = ui.get_suivi()
    if suivi.realise.empty:
        st.info("Aucune donnée de suivi n'a encore été importée : les ETP réellement consacrés apparaîtront ici "
                "après l'import du suivi annuel (page « Import du suivi annuel »).")
    else:
        pr = metrics.prevu_realise_etp(plan, suivi.realise)
        per_year = pr.groupby("annee", as_index=False)[["prevu", "realise"]].sum(min_count=1)
        st.plotly_chart(charts.prevu_realise_figure(per_year, "ETP consacrés face aux ETP prévus", unit="ETP"),
                        config=NO_BAR)
        st.caption("Prévu : ETP chiffrés du plan pour l'année ; réalisé : ETP déclarés dans le suivi. "
                   "Une année sans valeur importée n'est pas un zéro.")
        ui.table_with_download(pr, "prevu_realise_etp", "e_pr", overrides={"realise": ("Réalisé (ETP)", "etp")})
