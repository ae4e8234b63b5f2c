"""Budget: where the money goes — per axe, enjeu, action, porteur; year by year; what is left out.

Builds the page's `BudgetView` from the plan, the filters, the hypotheses set on the page and the
spending declared in the follow-up, and describes the page's hypothesis inputs. Every figure comes
from `metrics`; this module only picks, formats and draws them. It never imports streamlit.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go

from dashboard import fmt, metrics
from dashboard.plan import HYPOTHESE_RE, Plan
from dashboard.present import charts, export, perimetre

AMOUNT = {"Montant (€)": ("montant_min", "montant_max")}


@dataclass(frozen=True)
class HypothesisInput:
    """One number input of the « Hypothèses » panel: a parameter the plan leaves open."""

    key: tuple[int, str]        # (action_id, paramètre), the key of metrics.apply_hypotheses' values
    widget_key: str
    label: str
    is_part: bool               # a percentage (« Part : porteur ») rather than a quantity
    default: float | None       # the workbook's value; None = not set
    help: str


def hypothesis_inputs(plan: Plan) -> tuple[HypothesisInput, ...]:
    """The hypothesis inputs of the page, in the workbook's order."""
    defaults = metrics.hypothesis_defaults(plan)
    inputs = []
    for r in plan.hypotheses.itertuples():
        key = (int(r.action_id), str(r.parametre))
        m = HYPOTHESE_RE.match(str(r.parametre))
        is_part = bool(m and m.group(1) == "Part")
        inputs.append(HypothesisInput(
            key=key, widget_key=f"hyp_{r.action_id}_{r.parametre}",
            label=f"Action {r.action_id} – {r.parametre}" + (" (%)" if is_part else ""),
            is_part=is_part, default=defaults[key], help="" if pd.isna(r.explication) else str(r.explication)))
    return tuple(inputs)


# Up to this many hypotheses, one number input each; beyond (a plan with dozens of them), one
# editable table: every parameter stays in view and settable, and the page stays one element.
FEW_HYPOTHESES = 12
HYP_VALUE = "Valeur"


def hypothesis_table(plan: Plan, values: dict[tuple[int, str], float | None] | None = None) -> pd.DataFrame:
    """The hypotheses as one editable table: action, parameter, unit, value (`values`', else the
    workbook's; empty: not set), what the plan says about it."""
    inputs = hypothesis_inputs(plan)
    values = values or {}
    return pd.DataFrame({
        "Action": [h.key[0] for h in inputs],
        "Paramètre": [h.key[1] for h in inputs],
        "Unité": ["%" if h.is_part else "quantité" for h in inputs],
        HYP_VALUE: pd.array([values.get(h.key, h.default) for h in inputs], dtype="Float64"),
        "Explication": [h.help for h in inputs],
    })


def hypothesis_values(inputs: tuple[HypothesisInput, ...], edited: pd.DataFrame,
                      ) -> tuple[dict[tuple[int, str], float | None], list[str]]:
    """The values set in the table of `inputs` (hypothesis_table's rows, same order) as
    {(action_id, paramètre): value or None} and, in French, each value not taken (a share above
    100 %, a negative number): that row keeps the workbook's value."""
    values, problems = {}, []
    for i, (h, v) in enumerate(zip(inputs, edited[HYP_VALUE], strict=True)):
        v = None if v is None or pd.isna(v) else float(v)
        wrong = v is not None and (v < 0 or (h.is_part and v > 100))
        if wrong:
            what = "une part est un pourcentage de 0 à 100" if h.is_part else "une quantité ne peut pas être négative"
            problems.append(f"Ligne {i + 1} (action {h.key[0]}, « {h.key[1]} ») : {fmt.nombre(v, 2)} refusé, {what} ; "
                            f"la valeur du classeur est gardée ({'non fixée' if h.default is None else fmt.nombre(h.default)}).")
        values[h.key] = h.default if wrong else v
    return values, problems


@dataclass(frozen=True)
class BudgetView:
    """What the Budget page shows (hypotheses applied, filters applied)."""

    periode: tuple[int, int]
    ponctuel: tuple[float, float]        # one-off, (min, max) €
    annuel: tuple[float, float]          # recurring, per year
    par_unite: tuple[float, float]       # per unit × the quantity set in the hypotheses
    total: tuple[float, float]           # over the period
    fig_axe: go.Figure
    table_axe: export.Table
    fig_enjeu: go.Figure
    table_enjeu: export.Table
    fig_tree: go.Figure
    table_action: export.Table           # actions with at least one budget line
    table_lines: export.Table
    fig_porteur: go.Figure
    table_porteur: export.Table
    fig_projection: go.Figure
    table_projection: export.Table
    table_hors_projection: export.Table | None   # lines without a usable year (None: there is none)
    non_comptes: tuple[tuple[str, int], ...]     # (what is left out, how many), most frequent first
    table_non_comptes: export.Table
    fig_prevu_realise: go.Figure | None          # None until spending is imported
    table_prevu_realise: export.Table | None
    couverture_prevu_realise: tuple[str, ...] = ()  # per declared year, latest first: who declared (perimetre)

    @property
    def n_non_comptes(self) -> int:
        return sum(n for _, n in self.non_comptes)


def _range_columns(first: int, last: int) -> dict[str, tuple[str, str]]:
    return {"Ponctuel (€)": ("unique_min", "unique_max"), "Annuel (€ par an)": ("annuel_min", "annuel_max"),
            "Par unité chiffré (€)": ("par_unite_min", "par_unite_max"),
            f"Total {first}-{last} (€)": ("periode_min", "periode_max")}


def build(plan: Plan, filters: metrics.Filters, values: dict[tuple[int, str], float | None],
          realise: pd.DataFrame | None) -> BudgetView:
    """Every figure, table and chart of the page (pure)."""
    plan = metrics.filter_plan(metrics.apply_hypotheses(plan, values), filters)
    first, last = plan.periode
    ranges = _range_columns(first, last)
    totals = metrics.budget_totals(plan)

    by_axe = metrics.budget_by(plan, "axe")
    by_axe["label"] = [f"{charts.axe_label(a)} – {lib}" for a, lib in zip(by_axe["axe"], by_axe["libelle"], strict=True)]
    one = by_axe.iloc[0] if len(by_axe) == 1 else None  # one axe kept: its own total, not « 100 % »
    fig_axe = charts.budget_split_figure(
        by_axe, "label", charts.lead_title([charts.axe_label(a) for a in by_axe["axe"]], by_axe["periode_max"],
                                           "budget maximum sur la période",
                                           single=None if one is None else
                                           f"{charts.axe_label(one['axe'])} : {fmt.fourchette(one['periode_min'], one['periode_max'])} "
                                           f"sur {first}-{last}"))
    by_enjeu = metrics.budget_by(plan, "enjeu")
    by_enjeu["label"] = [f"{e} – {lib}" if e else lib for e, lib in zip(by_enjeu["enjeu"], by_enjeu["libelle"], strict=True)]
    fig_enjeu = charts.budget_split_figure(
        by_enjeu, "label", charts.lead_title([f"L'enjeu {e}" if e else f"L'{lib[0].lower()}{lib[1:]}" for e, lib in
                                              zip(by_enjeu["enjeu"], by_enjeu["libelle"], strict=True)],
                                             by_enjeu["periode_max"], "budget maximum sur la période"))
    by_action = metrics.budget_by(plan, "action")
    lines = metrics.budget_lines(plan)[["action_id", "axe", "titre", "poste", "periodicite", "montant_min", "montant_max",
                                        "unite", "quantite", "annee_debut", "annee_fin", "porteur", "extrait", "note"]]
    by_porteur = metrics.budget_by(plan, "porteur")

    proj = metrics.projection(plan)
    tot = proj.totaux()
    peak = tot.loc[tot["montant_max"].idxmax()] if len(tot) else None
    proj_title = (f"Année la plus chargée : {int(peak['annee'])} "
                  f"({fmt.fourchette(peak['montant_min'], peak['montant_max'])})"
                  if peak is not None and peak["montant_max"] > 0 else "Aucune dépense placée dans le temps")

    nc = metrics.non_comptes(plan)
    fig_pr = table_pr = None
    couverture_pr: tuple[str, ...] = ()
    if realise is not None and not realise.empty:
        pr = metrics.prevu_realise_budget(plan, realise)
        # at equal scope: a year's realized against the planned of the axes that declared it only
        lfl = metrics.a_perimetre_egal(pr, ("prevu_min", "prevu_max"))
        pr_title = perimetre.titre(lfl) or "Dépenses réalisées face à la fourchette prévue"
        couverture_pr = perimetre.couvertures(lfl, "leurs dépenses")
        fig_pr = charts.prevu_realise_figure(perimetre.par_annee(lfl, ("prevu_min", "prevu_max")), pr_title)
        table_pr = export.table(pr, overrides={"realise": ("Réalisé (€)", "euro")},
                                ranges={"Prévu (€)": ("prevu_min", "prevu_max")})

    return BudgetView(
        periode=plan.periode,
        ponctuel=(totals["unique_min"], totals["unique_max"]),
        annuel=(totals["annuel_min"], totals["annuel_max"]),
        par_unite=(totals["par_unite_min"], totals["par_unite_max"]),
        total=(totals["periode_min"], totals["periode_max"]),
        fig_axe=fig_axe, table_axe=export.table(by_axe.drop(columns="label"), ranges=ranges),
        fig_enjeu=fig_enjeu, table_enjeu=export.table(by_enjeu.drop(columns="label"), ranges=ranges),
        fig_tree=charts.budget_treemap(by_action, plan.axes, plan.enjeux,
                                       "Où va l'argent : axe → enjeu → action (taille : maximum sur la période)"),
        table_action=export.table(by_action[(by_action["periode_max"] > 0) | (by_action["lignes_non_comptees"] > 0)],
                                  ranges=ranges),
        table_lines=export.table(lines, ranges=AMOUNT),
        fig_porteur=charts.porteur_figure(by_porteur, charts.lead_title(by_porteur["porteur"], by_porteur["periode_max"],
                                                                        "budget maximum sur la période")),
        table_porteur=export.table(by_porteur, ranges=ranges),
        fig_projection=charts.projection_figure(proj.par_annee("axe"), tot, proj_title),
        table_projection=export.table(tot, ranges={"Prévu (€)": ("montant_min", "montant_max")}),
        table_hors_projection=export.table(proj.hors, ranges=AMOUNT) if len(proj.hors) else None,
        non_comptes=tuple((str(m), int(n)) for m, n in nc["motif"].value_counts().items()),
        table_non_comptes=export.table(nc, ranges=AMOUNT),
        fig_prevu_realise=fig_pr, table_prevu_realise=table_pr, couverture_prevu_realise=couverture_pr,
    )
