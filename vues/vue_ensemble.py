"""Vue d'ensemble: the plan in one screen — actions, quantified budget as ranges, ETP, what is left out."""

import streamlit as st

from dashboard import fmt, ui
from dashboard.present import views

overview = ui.cache_view(views.overview.build)

ui.regarder_au()  # ?au=AAAA-MM-JJ: the store and the plan as they were that day
plan = ui.get_plan()
ui.demo_banner()
filters = ui.sidebar_filters(plan)
hypotheses = ui.hypotheses_reglees(plan)  # those set on Budget (or in the address); the others: the workbook's
v = overview(plan, filters, hypotheses)
first, last = v.periode

st.title(f"Vue d'ensemble du schéma {first}-{last}", anchor=False)
ui.situation_au()  # the latest import shown, the plan version in force
st.caption("Les montants chiffrés sont des fourchettes (minimum – maximum) tirées du texte du plan ; "
           + ("les hypothèses réglées sur la page Budget s'appliquent. " if hypotheses else
              "les hypothèses du classeur (feuille « Hypothèses ») s'appliquent. ")
           + ("Filtres actifs : seules les actions retenues sont comptées." if filters.active else ""))

row = ui.metrics_row()
row.metric("Fiches action", fmt.nombre(v.actions))
row.metric("Budget ponctuel chiffré", fmt.fourchette(*v.ponctuel),
           help="Dépenses uniques (investissements), hors lignes « par unité » sans quantité.")
row.metric("Budget récurrent chiffré, par an", fmt.fourchette(*v.annuel),
           help="Dépenses annuelles, pour chaque année où elles courent.")
row.metric(f"Budget chiffré sur {first}-{last}", fmt.fourchette(*v.total),
           help="Ponctuel + récurrent × années où il court + par unité × quantité fixée.")
row.metric("ETP chiffrés", fmt.etp(v.etp), help="Temps de travail chiffré par le plan, par an.")
row.metric("Indicateurs", fmt.nombre(v.indicateurs))

# One chart at a time: the page opens on the budget, the two counts are drawn when their tab is
# clicked (a warm rerun) instead of being drawn below the fold at every visit.
tab_budget, tab_actions, tab_cats = ui.tabs(["Budget par axe", "Fiches action par axe", "Catégories de budget"],
                                            key="vue_ensemble_onglet")
with tab_budget:
    if tab_budget.open:
        ui.chart(v.fig_budget)
        st.caption("Barre pleine : montant minimum ; partie claire : jusqu'au maximum. Ne compte pas les "
                   f"{fmt.nombre(v.n_sans_chiffre)} action(s) sans chiffrage ni les lignes « par unité » sans "
                   "quantité (détail : page Budget).")
with tab_actions:
    if tab_actions.open:
        ui.chart(v.fig_actions)
        st.caption("Nombre de fiches action par axe (toutes catégories de budget).")
with tab_cats:
    if tab_cats.open:
        ui.chart(v.fig_cats)
        st.caption("Catégorie de budget de chaque fiche action ; seules les actions « chiffré » entrent dans les "
                   "totaux en euros. Les autres : temps de travail seul, budget constant, à définir, plan muet.")

st.subheader("Chiffres par axe", anchor=False)
ui.table_with_download(v.table_axes, "vue_ensemble_par_axe", "overview_axes",
                       caption="« Lignes hors totaux » : montants par unité dont la quantité n'est pas fixée "
                               "(feuille « Hypothèses »).")

ui.section_depuis()  # what changed since the latest comité recorded (none recorded: a sentence says so)
