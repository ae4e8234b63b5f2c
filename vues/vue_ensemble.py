"""Vue d'ensemble: the plan in one screen — actions, quantified budget as ranges, ETP, what is left out."""

import streamlit as st

from dashboard import charts, export, fmt, metrics, ui

NO_BAR = {"displayModeBar": False}


@ui.cache_view
def overview(plan, filters):
    """Every figure, table and chart of the page (pure; cached on the plan and filters)."""
    plan = metrics.filter_plan(metrics.apply_hypotheses(plan), filters)
    over = metrics.overview_by_axe(plan)
    cats = metrics.categories_count(plan)
    n_chiffre = int(cats.loc[cats["categorie_budget"] == "chiffré", "actions"].sum())
    axes = [charts.axe_label(a) for a in over["axe"]]
    v = {"periode": plan.periode, "actions": len(plan.actions), "indicateurs": len(plan.indicateurs),
         "etp": over["etp"].sum(), "totals": metrics.budget_totals(plan), "n_chiffre": n_chiffre}
    labels = [f"{charts.axe_label(a)} – {lib}" for a, lib in zip(over["axe"], over["libelle"], strict=True)]
    v["fig_budget"] = charts.budget_split_figure(
        over.assign(label=labels), "label", charts.lead_title(axes, over["periode_max"], "budget chiffré maximum sur la période"))
    short = charts.axe_titles(over["axe"], over["libelle"], 28)
    v["fig_actions"] = charts.count_bars(short, over["actions"], [charts.axe_color(a) for a in over["axe"]],
                                         charts.lead_title(axes, over["actions"], "nombre de fiches action", "regroupe"))
    colors = [charts.PALETTE[0] if c == "chiffré" else charts.GREY for c in cats["categorie_budget"]]
    v["fig_cats"] = charts.count_bars(cats["categorie_budget"], cats["actions"], colors,
                                      f"{fmt.nombre(n_chiffre)} action(s) sur {fmt.nombre(len(plan.actions))} "
                                      "ont un montant chiffré")
    v["t_axes"] = export.table(over[["axe", "libelle", "actions", "unique_min", "unique_max", "annuel_min", "annuel_max",
                                     "etp", "indicateurs", "lignes_non_comptees"]],
                               ranges={"Ponctuel (€)": ("unique_min", "unique_max"),
                                       "Annuel (€ par an)": ("annuel_min", "annuel_max")})
    return v


plan = ui.get_plan()
ui.demo_banner()
filters = ui.sidebar_filters(plan)
v = overview(plan, filters)
first, last = v["periode"]
totals = v["totals"]

st.title(f"Vue d'ensemble du schéma {first}-{last}")
st.caption("Les montants chiffrés sont des fourchettes (minimum – maximum) tirées du texte du plan ; "
           "les hypothèses du classeur (feuille « Hypothèses ») s'appliquent. "
           + ("Filtres actifs : seules les actions retenues sont comptées." if filters.active else ""))

ui.compact_metrics()
c = st.columns([0.9, 1.7, 1.7, 1, 0.9])
c[0].metric("Fiches action", fmt.nombre(v["actions"]))
c[1].metric("Budget ponctuel chiffré", fmt.fourchette(totals["unique_min"], totals["unique_max"]),
            help="Dépenses uniques (investissements), hors lignes « par unité » sans quantité.")
c[2].metric("Budget récurrent chiffré, par an", fmt.fourchette(totals["annuel_min"], totals["annuel_max"]),
            help="Dépenses annuelles, pour chaque année où elles courent.")
c[3].metric("ETP chiffrés", fmt.etp(v["etp"]), help="Temps de travail chiffré par le plan, par an.")
c[4].metric("Indicateurs", fmt.nombre(v["indicateurs"]))

st.plotly_chart(v["fig_budget"], config=NO_BAR)
st.caption("Barre pleine : montant minimum ; partie claire : jusqu'au maximum. Ne compte pas les "
           f"{fmt.nombre(v['actions'] - v['n_chiffre'])} action(s) sans chiffrage ni les lignes « par unité » sans "
           "quantité (détail : page Budget).")

left, right = st.columns(2)
with left:
    st.plotly_chart(v["fig_actions"], config=NO_BAR)
    st.caption("Nombre de fiches action par axe (toutes catégories de budget).")
with right:
    st.plotly_chart(v["fig_cats"], config=NO_BAR)
    st.caption("Catégorie de budget de chaque fiche action ; seules les actions « chiffré » entrent dans les "
               "totaux en euros. Les autres : temps de travail seul, budget constant, à définir, plan muet.")

st.subheader("Chiffres par axe")
ui.table_with_download(v["t_axes"], "vue_ensemble_par_axe", "overview_axes",
                       caption="« Lignes hors totaux » : montants par unité dont la quantité n'est pas fixée "
                               "(feuille « Hypothèses »).")
