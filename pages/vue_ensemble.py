"""Vue d'ensemble: the plan in one screen — actions, quantified budget as ranges, ETP, what is left out."""

import streamlit as st

from dashboard import charts, fmt, metrics, ui

plan = ui.get_plan()
filters = ui.sidebar_filters(plan)
plan = metrics.filter_plan(metrics.apply_hypotheses(plan), filters)
first, last = plan.periode

st.title(f"Schéma de développement touristique {first}-{last}")
st.caption("Les montants chiffrés sont des fourchettes (minimum – maximum) tirées du texte du plan ; "
           "les hypothèses du classeur (feuille « Hypothèses ») s'appliquent. "
           + ("Filtres actifs : seules les actions retenues sont comptées." if filters.active else ""))

over = metrics.overview_by_axe(plan)
totals = metrics.budget_totals(plan)
cats = metrics.categories_count(plan)

c = st.columns([1, 1.6, 1.6, 1, 1])
c[0].metric("Fiches action", fmt.nombre(len(plan.actions)))
c[1].metric("Budget ponctuel chiffré", fmt.fourchette(totals["unique_min"], totals["unique_max"]),
            help="Dépenses uniques (investissements), hors lignes « par unité » sans quantité.")
c[2].metric("Budget récurrent chiffré", fmt.fourchette(totals["annuel_min"], totals["annuel_max"]) + " / an",
            help="Dépenses annuelles, pour chaque année où elles courent.")
c[3].metric("ETP chiffrés", fmt.etp(over["etp"].sum()), help="Temps de travail chiffré par le plan, par an.")
c[4].metric("Indicateurs", fmt.nombre(len(plan.indicateurs)))

n_chiffre = int(cats.loc[cats["categorie_budget"] == "chiffré", "actions"].sum())
labels = [f"{charts.axe_label(a)} – {lib}" for a, lib in zip(over["axe"], over["libelle"], strict=True)]
title = charts.lead_title([charts.axe_label(a) for a in over["axe"]], over["periode_max"],
                          "budget chiffré maximum sur la période")
st.plotly_chart(charts.budget_split_figure(over.assign(label=labels), "label", title), config={"displayModeBar": False})
st.caption("Barre pleine : montant minimum ; partie claire : jusqu'au maximum. Ne compte pas les "
           f"{len(plan.actions) - n_chiffre} action(s) sans chiffrage ni les lignes « par unité » sans quantité "
           "(détail : page Budget).")

left, right = st.columns(2)
with left:
    st.plotly_chart(charts.count_bars(
        [f"{charts.axe_label(a)} – {charts._short(lib, 28)}" for a, lib in zip(over["axe"], over["libelle"], strict=True)],
        over["actions"], [charts.axe_color(a) for a in over["axe"]],
        charts.lead_title([charts.axe_label(a) for a in over["axe"]], over["actions"], "nombre de fiches action",
                          "regroupe")),
        config={"displayModeBar": False})
    st.caption("Nombre de fiches action par axe (toutes catégories de budget).")
with right:
    colors = [charts.PALETTE[0] if c == "chiffré" else charts.GREY for c in cats["categorie_budget"]]
    st.plotly_chart(charts.count_bars(
        cats["categorie_budget"], cats["actions"], colors,
        f"{fmt.nombre(n_chiffre)} action(s) sur {fmt.nombre(len(plan.actions))} ont un montant chiffré"),
        config={"displayModeBar": False})
    st.caption("Catégorie de budget de chaque fiche action ; seules les actions « chiffré » entrent dans les "
                "totaux en euros. Les autres : temps de travail seul, budget constant, à définir, plan muet.")

st.subheader("Chiffres par axe")
table = over[["axe", "libelle", "actions", "unique_min", "unique_max", "annuel_min", "annuel_max", "etp",
              "indicateurs", "lignes_non_comptees"]]
ui.table_with_download(table, "vue_ensemble_par_axe", "overview_axes",
                       ranges={"Ponctuel (€)": ("unique_min", "unique_max", ""),
                               "Annuel (€ par an)": ("annuel_min", "annuel_max", "")},
                       caption="« Lignes hors totaux » : montants par unité dont la quantité n'est pas fixée "
                               "(feuille « Hypothèses »).")
