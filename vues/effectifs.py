"""Effectifs (ETP): where the staff's time goes, against each service's capacity."""

import streamlit as st

from dashboard import charts, export, fmt, metrics, ui

NO_BAR = {"displayModeBar": False}


@ui.cache_view
def etp_view(plan, filters, realise):
    """Every figure, table and chart of the page (pure; cached on the plan and filters)."""
    plan = metrics.filter_plan(plan, filters)
    by_axe = metrics.etp_by(plan, "axe")
    by_service = metrics.etp_by(plan, "service")
    v = {"annees": plan.annees, "total": by_axe["etp"].sum(), "services": by_service["service"].nunique()}
    labels = charts.axe_titles(by_axe["axe"], by_axe["libelle"], 48)
    v["fig_axe"] = charts.count_bars(labels, by_axe["etp"], [charts.axe_color(a) for a in by_axe["axe"]],
                                     charts.lead_title([charts.axe_label(a) for a in by_axe["axe"]], by_axe["etp"],
                                                       "temps de travail chiffré", "prend"), suffix=" ETP")
    v["fig_service"] = charts.etp_service_figure(
        metrics.etp_service_axe(plan), charts.lead_title(by_service["service"], by_service["etp"], "temps chiffré", "fournit"))
    v["t_axe"] = export.table(by_axe)
    v["t_enjeu"] = export.table(metrics.etp_by(plan, "enjeu"))
    by_action = metrics.etp_by(plan, "action")
    v["t_action"] = export.table(by_action[by_action["etp"] > 0])
    v["t_lines"] = export.table(metrics.etp_lines(plan)[["action_id", "axe", "titre", "service", "etp", "annee_debut",
                                                         "annee_fin", "extrait", "note"]])
    v["t_service"] = export.table(by_service)
    cap = metrics.capacite_vs_alloue(plan)
    v["cap"] = cap
    v["surallocations"] = int((cap["statut"] == "surallocation").sum())
    v["t_cap"] = export.table(cap)
    sans_chiffre = metrics.etp_non_chiffres(plan)
    v["n_sans_chiffre"] = len(sans_chiffre)
    v["t_sans_chiffre"] = export.table(sans_chiffre[["action_id", "axe", "titre", "service", "extrait", "note"]])
    apart = metrics.etp_sans_capacite(plan)
    v["n_apart"] = len(apart)
    v["t_apart"] = export.table(apart[["action_id", "axe", "titre", "service", "etp", "extrait"]])
    if realise is not None and not realise.empty:
        pr = metrics.prevu_realise_etp(plan, realise)
        per_year = pr.groupby("annee", as_index=False)[["prevu", "realise"]].sum(min_count=1)
        done = per_year.dropna(subset=["realise"])
        title = ("ETP consacrés face aux ETP prévus" if done.empty else
                 f"En {int(done['annee'].iloc[-1])} : {fmt.etp(done['realise'].iloc[-1])} consacrés pour "
                 f"{fmt.etp(done['prevu'].iloc[-1])} prévus")
        v["fig_pr"] = charts.prevu_realise_figure(per_year, title, unit="ETP")
        v["t_pr"] = export.table(pr, overrides={"realise": ("Réalisé (ETP)", "etp")})
    return v


@ui.cache_view
def capacity_figure(plan, filters, year):
    """The capacity chart of one year (cached on the plan, filters and year)."""
    cap = metrics.capacite_vs_alloue(metrics.filter_plan(plan, filters))
    year_cap = cap[cap["annee"] == year]
    over = year_cap[year_cap["statut"] == "surallocation"]
    known = cap["disponible"].notna().any()
    title = (f"{len(over)} service(s) au-delà de leur capacité en {year}" if len(over)
             else f"Aucune surallocation connue en {year}" + ("" if known else " (capacités inconnues)"))
    return charts.capacity_figure(year_cap, title), known


plan = ui.get_plan()
ui.demo_banner()
filters = ui.sidebar_filters(plan)
st.title("Effectifs (ETP)")
suivi = ui.get_suivi()
v = etp_view(plan, filters, suivi.realise)

ui.compact_metrics()
c = st.columns(4)
c[0].metric("ETP chiffrés par le plan", fmt.etp(v["total"]), help="Équivalents temps plein par an.")
c[1].metric("Services mobilisés", fmt.nombre(v["services"]))
c[2].metric("Temps cité sans chiffre", f"{fmt.nombre(v['n_sans_chiffre'])} ligne(s)",
            help="Le plan nomme du temps de travail sans le chiffrer : hors des totaux.")
c[3].metric("Surallocations", fmt.nombre(v["surallocations"]),
            help="Couples service × année où les ETP alloués dépassent les ETP disponibles.")

st.plotly_chart(v["fig_axe"], config=NO_BAR)
st.caption("ETP par an chiffrés dans le plan, par axe. Ne compte pas le temps cité sans chiffre (onglet « Hors totaux »).")
st.plotly_chart(v["fig_service"], config=NO_BAR)
st.caption("ETP par service, couleur de l'axe servi. Ne compte pas le temps cité sans chiffre.")

tabs = st.tabs(["Par axe", "Par enjeu", "Par action", "Par service", "Capacité des services", "Hors totaux",
                "Prévu / réalisé"])
with tabs[0]:
    ui.table_with_download(v["t_axe"], "etp_par_axe", "e_axe")
with tabs[1]:
    ui.table_with_download(v["t_enjeu"], "etp_par_enjeu", "e_enjeu")
with tabs[2]:
    ui.table_with_download(v["t_action"], "etp_par_action", "e_action",
                           caption="Actions dont le plan chiffre le temps de travail.")
    st.markdown("**Lignes ETP** (texte du plan dans « Extrait du plan »)")
    ui.table_with_download(v["t_lines"], "lignes_etp", "e_lines")
with tabs[3]:
    ui.table_with_download(v["t_service"], "etp_par_service", "e_service")
with tabs[4]:
    year = st.selectbox("Année", v["annees"], key="etp_annee", width=220)
    fig, known = capacity_figure(plan, filters, year)
    if not known:
        st.info("La feuille « Capacité » du classeur ne donne encore aucun ETP disponible : la capacité de chaque "
                "service est inconnue. Renseignez la colonne « ETP disponibles » pour comparer.")
    st.plotly_chart(fig, config=NO_BAR)
    st.caption("Barre : ETP alloués par le plan (rouge si au-delà de la capacité) ; trait noir : ETP disponibles "
               "(feuille « Capacité »). Une capacité vide est inconnue, jamais zéro.")
    ui.table_with_download(v["t_cap"], "capacite_et_allocation", "e_cap", highlight=("Situation", "surallocation"))
with tabs[5]:
    st.markdown("**Temps cité sans chiffre** : le plan nomme ce temps de travail sans le chiffrer.")
    ui.table_with_download(v["t_sans_chiffre"], "etp_non_chiffres", "e_nc")
    st.markdown(f"**Services sans capacité connue** : {fmt.nombre(v['n_apart'])} ligne(s) ETP dont le service n'a "
                "aucun chiffre dans la feuille « Capacité ».")
    ui.table_with_download(v["t_apart"], "etp_sans_capacite", "e_apart")
with tabs[6]:
    if "fig_pr" not in v:
        st.info("Aucune donnée de suivi n'a encore été importée : les ETP réellement consacrés apparaîtront ici "
                "après l'import du suivi annuel (page « Import du suivi annuel »).")
    else:
        st.plotly_chart(v["fig_pr"], config=NO_BAR)
        st.caption("Prévu : ETP chiffrés du plan pour l'année ; réalisé : ETP déclarés dans le suivi. "
                   "Une année sans valeur importée n'est pas un zéro.")
        ui.table_with_download(v["t_pr"], "prevu_realise_etp", "e_pr")
