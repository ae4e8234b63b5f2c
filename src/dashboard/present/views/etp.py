"""Effectifs (ETP): where the staff's time goes, against each service's capacity.

Builds the page's `EtpView` (and the capacity chart of one year, `Capacity`) from the plan, the
filters and the ETP declared in the follow-up. Every figure comes from `metrics`; this module
only picks, formats and draws them. It never imports streamlit.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go

from dashboard import fmt, metrics
from dashboard.plan import Plan
from dashboard.present import charts, export, perimetre


@dataclass(frozen=True)
class EtpView:
    """What the Effectifs page shows (filters applied)."""

    annees: tuple[int, ...]             # the plan's years, for the capacity chart's year
    total: float                        # ETP chiffrés per year
    services: int                       # services named by the ETP lines
    surallocations: int                 # service × year where the allocated ETP exceed the capacity
    n_sans_chiffre: int                 # ETP lines naming staff time without a figure
    n_sans_capacite: int                # ETP lines of a service without a known capacity
    fig_axe: go.Figure
    fig_service: go.Figure
    table_axe: export.Table
    table_enjeu: export.Table
    table_action: export.Table          # actions whose staff time the plan figures
    table_lines: export.Table
    table_service: export.Table
    table_capacite: export.Table
    table_sans_chiffre: export.Table
    table_sans_capacite: export.Table
    fig_prevu_realise: go.Figure | None     # None until ETP are imported
    table_prevu_realise: export.Table | None
    couverture_prevu_realise: tuple[str, ...] = ()  # per declared year, latest first: who declared (perimetre)


@dataclass(frozen=True)
class Capacity:
    """The capacity chart of one year, and whether any capacity is known at all."""

    fig: go.Figure
    known: bool


def build(plan: Plan, filters: metrics.Filters, realise: pd.DataFrame | None) -> EtpView:
    """Every figure, table and chart of the page (pure)."""
    plan = metrics.filter_plan(plan, filters)
    by_axe = metrics.etp_by(plan, "axe")
    by_service = metrics.etp_by(plan, "service")
    labels = charts.axe_titles(by_axe["axe"], by_axe["libelle"], 48)
    fig_axe = charts.count_bars(labels, by_axe["etp"], [charts.axe_color(a) for a in by_axe["axe"]],
                                charts.lead_title([charts.axe_label(a) for a in by_axe["axe"]], by_axe["etp"],
                                                  "temps de travail chiffré", "prend",
                                                  single=f"{charts.axe_label(by_axe['axe'].iloc[0])} : "
                                                         f"{fmt.etp(by_axe['etp'].iloc[0])} par an chiffrés"
                                                  if len(by_axe) == 1 else None), suffix=" ETP")
    fig_service = charts.etp_service_figure(
        metrics.etp_service_axe(plan), charts.lead_title(by_service["service"], by_service["etp"], "temps chiffré", "fournit"))
    by_action = metrics.etp_by(plan, "action")
    cap = metrics.capacite_vs_alloue(plan)
    sans_chiffre = metrics.etp_non_chiffres(plan)
    apart = metrics.etp_sans_capacite(plan)
    fig_pr = table_pr = None
    couverture_pr: tuple[str, ...] = ()
    if realise is not None and not realise.empty:
        pr = metrics.prevu_realise_etp(plan, realise)
        # at equal scope: a year's ETP against those planned for the axes that declared it only
        lfl = metrics.a_perimetre_egal(pr, ("prevu",))
        title = perimetre.titre(lfl, unit="ETP") or "ETP consacrés face aux ETP prévus"
        couverture_pr = perimetre.couvertures(lfl, "leurs ETP", unit="ETP")
        fig_pr = charts.prevu_realise_figure(perimetre.par_annee(lfl, ("prevu",)), title, unit="ETP")
        table_pr = export.table(pr, overrides={"realise": ("Réalisé (ETP)", "etp")})
    return EtpView(
        annees=tuple(plan.annees), total=float(by_axe["etp"].sum()), services=int(by_service["service"].nunique()),
        surallocations=int((cap["statut"] == "surallocation").sum()),
        n_sans_chiffre=len(sans_chiffre), n_sans_capacite=len(apart),
        fig_axe=fig_axe, fig_service=fig_service,
        table_axe=export.table(by_axe), table_enjeu=export.table(metrics.etp_by(plan, "enjeu")),
        table_action=export.table(by_action[by_action["etp"] > 0]),
        table_lines=export.table(metrics.etp_lines(plan)[["action_id", "axe", "titre", "service", "etp", "annee_debut",
                                                          "annee_fin", "extrait", "note"]]),
        table_service=export.table(by_service), table_capacite=export.table(cap),
        table_sans_chiffre=export.table(sans_chiffre[["action_id", "axe", "titre", "service", "extrait", "note"]]),
        table_sans_capacite=export.table(apart[["action_id", "axe", "titre", "service", "etp", "extrait"]]),
        fig_prevu_realise=fig_pr, table_prevu_realise=table_pr, couverture_prevu_realise=couverture_pr,
    )


def capacity(plan: Plan, filters: metrics.Filters, year: int) -> Capacity:
    """The capacity chart of one year (pure)."""
    cap = metrics.capacite_vs_alloue(metrics.filter_plan(plan, filters))
    year_cap = cap[cap["annee"] == year]
    over = year_cap[year_cap["statut"] == "surallocation"]
    known = bool(cap["disponible"].notna().any())
    title = (f"{len(over)} service(s) au-delà de leur capacité en {year}" if len(over)
             else f"Aucune surallocation connue en {year}" + ("" if known else " (capacités inconnues)"))
    return Capacity(charts.capacity_figure(year_cap, title), known)
