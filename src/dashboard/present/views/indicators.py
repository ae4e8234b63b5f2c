"""Indicateurs: the plan's indicators year after year — trends, milestones, what is left to collect.

Builds the page's `Catalogue` (the plan's indicators and the years to choose from, before any
value is read) and `IndicatorsView` (everything shown for one year), with the pieces that follow
the page's own selectors: one indicator's `Trend`, the indicators of one action, the list to
collect for one porteur. Every figure comes from `metrics`; this module only picks, formats and
draws them. It never imports streamlit.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go
from pandas.io.formats.style import Styler

from dashboard import fmt, metrics
from dashboard.plan import Plan
from dashboard.present import charts, couleurs, export, textes

TABLE_PAGE = 500  # rows of the coloured « Tous les indicateurs » table drawn at once (a page is under 0,2 s)
COLORS = {metrics.FAVORABLE: charts.FAVORABLE_COLOR, metrics.DEFAVORABLE: charts.DEFAVORABLE_COLOR}
SENS = {"hausse": "une hausse est favorable", "baisse": "une baisse est favorable"}


def _year(y, missing: str = "—") -> str:
    return missing if pd.isna(y) else str(int(y))


@dataclass(frozen=True)
class Catalogue:
    """The plan's indicators (filters applied) and the years to choose from."""

    periode: tuple[int, int]
    annees: tuple[int, ...]
    default_year: int           # the latest year of the period with values, else the first one
    n_indicateurs: int
    table: pd.DataFrame         # the plan's indicators, to collect (N° action, Identifiant, …, Sens souhaité)


def catalogue(plan: Plan, filters: metrics.Filters, ind: pd.DataFrame) -> Catalogue:
    """The indicators of the filtered plan and the default year given the imported values (pure)."""
    plan = metrics.filter_plan(plan, filters)
    first, last = plan.periode
    years = (sorted(int(y) for y in pd.to_numeric(ind["annee"]).unique() if first <= y <= last)
             if len(ind) else [])
    table = plan.indicateurs[["action_id", "indicateur_id", "indicateur", "type", "unite", "sens"]].rename(
        columns={"action_id": "N° action", "indicateur_id": "Identifiant", "indicateur": "Indicateur",
                 "type": "Type", "unite": "Unité", "sens": "Sens souhaité"})
    return Catalogue(periode=plan.periode, annees=tuple(plan.annees),
                     default_year=years[-1] if years else plan.annees[0],
                     n_indicateurs=len(plan.indicateurs), table=table)


@dataclass(frozen=True)
class Trend:
    """One quantitative indicator over the years: its chart, caption and values."""

    fig: go.Figure
    caption: str
    table: pd.DataFrame     # Année, Résultat, Objectif, Évolution sur un an, Commentaire, Source


@dataclass(frozen=True)
class IndicatorsView:
    """What the Indicateurs page shows for one year (filters applied)."""

    annee: int
    n_indicateurs: int              # the plan's indicators (counted once)
    n_renseignes: int               # … with a result for `annee`
    n_manquants: int
    pct_renseignes: float
    n_favorables: int               # quantitative indicators whose change on a year goes the plan's way
    n_comparables: int              # … whose change on a year is known
    n_jalons: int
    n_jalons_atteints: int          # reached by the end of `annee`
    quant: pd.DataFrame             # the quantitative indicators of the plan (action selector, trend)
    trend_actions: tuple[int, ...]  # actions with a quantitative indicator
    titles: dict[int, str]          # action id → title
    labels: dict[str, str]          # quantitative indicator id (upper case) → wording
    evolution: pd.DataFrame         # metrics.indicateur_evolution
    valeurs: pd.DataFrame           # metrics.indicateur_valeurs
    table: pd.DataFrame             # every indicator: last value up to `annee`, its change, objective
    appreciations: tuple            # the appreciation of each row of `table` (its colours)
    values: pd.DataFrame            # metrics.tableau_indicateurs: `table` unformatted, with comments and sources
    jalons: pd.DataFrame            # every milestone (N° action, Identifiant, Jalon, État, …)
    fig_completude: go.Figure
    par_porteur: pd.DataFrame       # Porteur, Indicateurs, Renseignés, À collecter, Complétude
    to_collect: pd.DataFrame        # indicators without a result for `annee`, per porteur

    def styled_table(self, rows: slice = slice(None)) -> Styler:
        """`table` (its `rows`) with the change and appreciation coloured (blue favourable, vermillion
        unfavourable, darkened to 4,5:1 as a text). A new Styler each time: Streamlit computes its styles in place when drawing it."""
        appreciations = self.appreciations[rows]

        def colour(_: pd.Series) -> list[str]:
            return [f"color: {couleurs.en_texte(COLORS[a])}; font-weight: 600" if a in COLORS else ""
                    for a in appreciations]
        return self.table.iloc[rows].style.apply(colour, subset=["Évolution sur un an", "Appréciation"])

    def excel(self) -> bytes:
        """The « Tous les indicateurs » table as an Excel file, with each value's comment and source."""
        return export.indicateurs_excel(self.values)

    def indicator_options(self, action: int | None) -> list[str]:
        """The quantitative indicators of `action` (all when None), those with the most results first."""
        choices = self.quant if action is None else self.quant[self.quant["action_id"] == action]
        counts = self.evolution[self.evolution["resultat"].notna()].groupby("indicateur_id").size()
        return sorted(choices["indicateur_id"].str.upper(), key=lambda i: (-counts.get(i, 0), i))

    def trend(self, ident: str) -> Trend:
        """The chart, caption and yearly values of one quantitative indicator (upper-case id)."""
        one = self.evolution[self.evolution["indicateur_id"] == ident]
        row = self.quant[self.quant["indicateur_id"].str.upper() == ident].iloc[0]
        fig = charts.indicateur_tendance(one, textes.tendance_titre(one, row["indicateur"], row["unite"]), row["unite"])
        caption = (f"Action n° {int(row['action_id'])} – {self.titles.get(int(row['action_id']), '')}. Trait plein : "
                   "résultats collectés ; tirets : objectifs saisis dans le suivi. Une année sans valeur reste vide "
                   f"(jamais comptée zéro). Unité : {row['unite']} ; {SENS.get(row['sens'], '')}.")
        detail = self.valeurs[self.valeurs["indicateur_id"] == ident].merge(
            one[["annee", "variation", "variation_pct", "appreciation"]], on="annee", how="left")
        table = pd.DataFrame({
            "Année": detail["annee"].astype(str),
            "Résultat": [textes.indicateur_texte(v, row["unite"]) for v in detail["resultat"]],
            "Objectif": [textes.indicateur_texte(v, row["unite"]) for v in detail["objectif"]],
            "Évolution sur un an": [textes.variation_texte(v, p, row["unite"])
                                    for v, p in zip(detail["variation"], detail["variation_pct"], strict=True)],
            "Commentaire": detail["commentaire"].fillna(""),
            "Source": detail["source"].fillna(""),
            "Renseigné par": [textes.renseigne_texte(p, d) for p, d in
                              zip(detail["renseigne_par"], detail["renseigne_le"], strict=True)],
        })
        return Trend(fig, caption, table)

    def porteurs_to_collect(self) -> list[str]:
        return sorted(self.to_collect["Porteur"].unique())

    def to_collect_for(self, porteur: str | None) -> pd.DataFrame:
        """The indicators `porteur` has to collect (all porteurs when None)."""
        return self.to_collect if porteur is None else self.to_collect[self.to_collect["Porteur"] == porteur]


def build(plan: Plan, filters: metrics.Filters, ind: pd.DataFrame, annee: int) -> IndicatorsView:
    """Every figure and table of the page for `annee` (pure)."""
    plan = metrics.filter_plan(plan, filters)
    table = metrics.tableau_indicateurs(plan, ind, annee)
    evo = metrics.indicateur_evolution(plan, ind)
    jal = metrics.jalons(plan, ind, annee)
    comp = metrics.completude(plan, ind, annee)
    evo_year = evo[evo["annee"] == annee]
    quant = plan.indicateurs[plan.indicateurs["type"] == "quantitatif"]

    texts = export.indicateurs_texte(table)
    shown = pd.DataFrame({
        "N° action": texts["action_id"],
        "Identifiant": texts["indicateur_id"],
        "Indicateur": texts["indicateur"],
        "Unité": texts["unite"],
        "Dernière valeur": texts["valeur"],
        "Année": texts["annee_valeur"].map(_year),
        "Évolution sur un an": texts["evolution"],
        "Appréciation": texts["appreciation"].fillna("—"),
        "Objectif (même année)": texts["objectif"],
        "Renseigné par": texts["renseigne"],
    })
    jalons = pd.DataFrame({
        "N° action": jal["action_id"].astype(int),
        "Identifiant": jal["indicateur_id"],
        "Jalon": jal["indicateur"],
        "État": ["atteint" if a else "non atteint" for a in jal["atteint"]],
        "Atteint en": jal["annee_atteinte"].map(_year),
        "Date": jal["date_atteinte"].map(fmt.jour),
        "Dernier suivi": jal["derniere_annee"].map(lambda y: _year(y, "jamais renseigné")),
    })
    par = comp.par_porteur
    top = par.iloc[0] if len(par) and par["manquants"].iloc[0] > 0 else None
    comp_title = (f"{top['porteur']} : {int(top['manquants'])} indicateur(s) à collecter pour {annee}"
                  if top is not None else f"Tous les indicateurs sont renseignés pour {annee}")
    missing = comp.detail[comp.detail["statut"] == metrics.A_COLLECTER]
    return IndicatorsView(
        annee=annee, n_indicateurs=comp.total, n_renseignes=comp.renseignes, n_manquants=comp.manquants,
        pct_renseignes=comp.pct,
        n_favorables=int((evo_year["appreciation"] == metrics.FAVORABLE).sum()),
        n_comparables=int(evo_year["appreciation"].notna().sum()),
        n_jalons=len(jal), n_jalons_atteints=int(jal["atteint"].sum()),
        quant=quant, trend_actions=tuple(sorted(int(a) for a in quant["action_id"].unique())),
        titles=dict(zip(plan.actions["action_id"], plan.actions["titre"], strict=True)),
        labels=dict(zip(quant["indicateur_id"].str.upper(), quant["indicateur"], strict=True)),
        evolution=evo, valeurs=metrics.indicateur_valeurs(plan, ind),
        table=shown, appreciations=tuple(table["appreciation"]), values=table, jalons=jalons,
        fig_completude=charts.completude_porteurs(par, comp_title),
        par_porteur=pd.DataFrame({
            "Porteur": par["porteur"],
            "Indicateurs": par["indicateurs"].astype(int),
            "Renseignés": par["renseignes"].astype(int),
            "À collecter": par["manquants"].astype(int),
            "Complétude": par["pct"].map(fmt.pct),
        }),
        to_collect=pd.DataFrame({
            "Porteur": missing["porteur"],
            "N° action": missing["action_id"].astype(int),
            "Identifiant": missing["indicateur_id"],
            "Indicateur": missing["indicateur"],
            "Unité": missing["unite"],
            "Dernière année renseignée": missing["rappel"].map(lambda y: _year(y, "jamais")),
        }),
    )
