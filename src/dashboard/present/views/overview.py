"""Vue d'ensemble: the plan in one screen — actions, budget ranges, ETP, charts per axe.

Builds the page's `Overview` from the plan and the sidebar's filters. Every figure comes from
`metrics`; this module only picks, formats and draws them. It never imports streamlit.
"""

from __future__ import annotations

from dataclasses import dataclass

import plotly.graph_objects as go

from dashboard import fmt, metrics
from dashboard.plan import Plan
from dashboard.present import charts, export


@dataclass(frozen=True)
class Overview:
    """What the Vue d'ensemble page shows."""

    periode: tuple[int, int]
    actions: int                    # fiches action kept by the filters
    indicateurs: int
    etp: float                      # ETP chiffrés, per year
    ponctuel: tuple[float, float]   # one-off budget, (min, max) €
    annuel: tuple[float, float]     # recurring budget per year, (min, max) €
    total: tuple[float, float]      # over the whole period (one-off + recurring × years + per unit)
    n_chiffre: int                  # actions whose budget category is « chiffré »
    fig_budget: go.Figure
    fig_actions: go.Figure
    fig_cats: go.Figure
    table_axes: export.Table

    @property
    def n_sans_chiffre(self) -> int:
        """Actions left out of the euro totals (no amount in the plan)."""
        return self.actions - self.n_chiffre


def build(plan: Plan, filters: metrics.Filters, values: dict[tuple[int, str], float | None] | None = None,
          ) -> Overview:
    """Every figure, table and chart of the page (pure); `values`: the hypotheses set (the others: the
    workbook's)."""
    plan = metrics.filter_plan(metrics.apply_hypotheses(plan, values), filters)
    first, last = plan.periode
    over = metrics.overview_by_axe(plan)
    cats = metrics.categories_count(plan)
    totals = metrics.budget_totals(plan)
    n_chiffre = int(cats.loc[cats["categorie_budget"] == "chiffré", "actions"].sum())
    axes = [charts.axe_label(a) for a in over["axe"]]
    labels = [f"{charts.axe_label(a)} – {lib}" for a, lib in zip(over["axe"], over["libelle"], strict=True)]
    one = over.iloc[0] if len(over) == 1 else None  # one axe kept: its own figures, not « 100 % »
    fig_budget = charts.budget_split_figure(
        over.assign(label=labels), "label", charts.lead_title(
            axes, over["periode_max"], "budget chiffré maximum sur la période",
            single=None if one is None else f"{axes[0]} : {fmt.fourchette(one['periode_min'], one['periode_max'])} "
                                            f"chiffrés sur {first}-{last}"))
    short = charts.axe_titles(over["axe"], over["libelle"], 34)
    fig_actions = charts.count_bars(short, over["actions"], [charts.axe_color(a) for a in over["axe"]],
                                    charts.lead_title(axes, over["actions"], "nombre de fiches action", "regroupe",
                                                      single=None if one is None else
                                                      f"{axes[0]} : {fmt.nombre(one['actions'])} fiche(s) action"))
    colors = [charts.PALETTE[0] if c == "chiffré" else charts.GREY for c in cats["categorie_budget"]]
    fig_cats = charts.count_bars(cats["categorie_budget"], cats["actions"], colors,
                                 f"{fmt.nombre(n_chiffre)} action(s) sur {fmt.nombre(len(plan.actions))} "
                                 "ont un montant chiffré")
    table_axes = export.table(over[["axe", "libelle", "actions", "unique_min", "unique_max", "annuel_min", "annuel_max",
                                    "periode_min", "periode_max", "etp", "indicateurs", "lignes_non_comptees"]],
                              ranges={"Ponctuel (€)": ("unique_min", "unique_max"),
                                      "Annuel (€ par an)": ("annuel_min", "annuel_max"),
                                      f"Total {first}-{last} (€)": ("periode_min", "periode_max")})
    return Overview(
        periode=plan.periode, actions=len(plan.actions), indicateurs=len(plan.indicateurs), etp=float(over["etp"].sum()),
        ponctuel=(totals["unique_min"], totals["unique_max"]), annuel=(totals["annuel_min"], totals["annuel_max"]),
        total=(totals["periode_min"], totals["periode_max"]),
        n_chiffre=n_chiffre, fig_budget=fig_budget, fig_actions=fig_actions, fig_cats=fig_cats, table_axes=table_axes,
    )
