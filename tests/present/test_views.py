"""The pages' views built without Streamlit: each builder of dashboard.present.views called on the
shipped plan; every expected figure is a hand computation from the plan's text (see the comments)."""

from __future__ import annotations

import subprocess
import sys

import pandas as pd
import pytest

from dashboard import fmt, metrics
from dashboard.present import views

ALL = metrics.Filters()


def row(table, column: str, value) -> pd.Series:
    """The one shown row of a table (an export.Table's text, or a shown DataFrame) whose `column`
    (French header) reads `value`."""
    shown = getattr(table, "shown", table)
    found = shown[shown[column] == value]
    assert len(found) == 1, f"{len(found)} row(s) with {column} = {value!r}"
    return found.iloc[0]


def test_presentation_stage_imports_no_streamlit():
    code = ("import sys, dashboard.plan, dashboard.suivi, dashboard.metrics, dashboard.present, "
            "dashboard.present.views; "
            "print(sorted(m for m in sys.modules if m == 'streamlit' or m.startswith('streamlit.')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


# --- Vue d'ensemble ---------------------------------------------------------------------------

def test_overview_whole_plan(plan):
    v = views.overview.build(plan, ALL)
    assert v.periode == (2023, 2028)
    assert v.actions == 53
    # one-off: A2 200 000 + A3 1 500 + A9 20 000-40 000 + A10 200 000
    assert v.ponctuel == (421_500, 441_500)
    # annual: A11 20 000 + A12 20 000 + A13 5 000 + A14 5 000 + A17 70 000 + A30 50 000 + A34 5 000
    #         + A35 5 000-10 000 + A55 50 000
    assert v.annuel == (230_000, 235_000)
    # ETP: axe 2 1,1 + axe 3 0,1 + axe 4 1 + axe 5 1,4 (axe 1 names staff time without a figure)
    assert v.etp == pytest.approx(3.6)
    # every one-off amount is on axe 1
    assert row(v.table_axes, "Axe", "1")["Ponctuel (€)"] == fmt.fourchette(421_500, 441_500)
    # axe 3: A34 5 000 + A35 5 000-10 000 a year
    assert row(v.table_axes, "Axe", "3")["Annuel (€ par an)"] == fmt.fourchette(10_000, 15_000)
    assert v.n_sans_chiffre == 53 - v.n_chiffre
    assert v.fig_cats.layout.title.text.startswith(f"{v.n_chiffre} action(s) sur 53 ")


def test_overview_filtered(plan):
    # enjeu 1.3 = actions 11 to 15: 20 000 + 20 000 + 5 000 + 5 000 a year, nothing one-off
    v = views.overview.build(plan, metrics.Filters(enjeux=("1.3",)))
    assert (v.actions, v.ponctuel, v.annuel) == (5, (0, 0), (50_000, 50_000))


# --- Budget -----------------------------------------------------------------------------------

def test_budget_whole_plan(plan):
    v = views.budget.build(plan, ALL, {}, None)
    assert v.ponctuel == (421_500, 441_500)
    # 421 500 + 6 × 230 000 = 1 801 500 ; 441 500 + 6 × 235 000 = 1 851 500
    assert v.total == (1_801_500, 1_851_500)
    assert v.par_unite == (0, 0)            # A4's parcours: their number is not set
    assert row(v.table_axe, "Axe", "5")["Annuel (€ par an)"] == fmt.euros(50_000)   # A55
    # 2024: the annual 230 000-235 000 + one 200 000 one-off; 2025 to 2028: the annual lines only
    years = v.table_projection.shown.set_index("Année")["Prévu (€)"]
    assert years["2024"] == fmt.fourchette(430_000, 435_000)
    assert years["2028"] == fmt.fourchette(230_000, 235_000)
    assert ("montant par parcours, quantité non fixée (hors totaux)", 1) in v.non_comptes
    assert v.fig_prevu_realise is None and v.table_prevu_realise is None


def test_budget_follows_the_hypotheses(plan):
    inputs = {h.key: h for h in views.budget.hypothesis_inputs(plan)}
    parcours = inputs[(4, "Quantité : parcours")]
    assert (parcours.widget_key, parcours.is_part, parcours.default) == ("hyp_4_Quantité : parcours", False, None)
    assert inputs[(9, "Part : Office de tourisme")].label == "Action 9 – Part : Office de tourisme (%)"
    # 3 parcours × 50 000 €, placed in the period: 1 801 500 + 150 000
    v = views.budget.build(plan, ALL, {(4, "Quantité : parcours"): 3}, None)
    assert v.par_unite == (150_000, 150_000)
    assert v.total == (1_951_500, 2_001_500)


def test_budget_planned_vs_realised(plan):
    realise = pd.DataFrame({"action_id": [11], "annee": [2023], "depenses": [18_500.0], "etp": [0.3]})
    v = views.budget.build(plan, metrics.Filters(axes=(3,)), {}, realise)
    # axe 3: A34 5 000 + A35 5 000-10 000 a year, nothing one-off
    assert (v.ponctuel, v.annuel) == ((0, 0), (10_000, 15_000))
    assert v.fig_prevu_realise is not None
    v = views.budget.build(plan, ALL, {}, realise)
    assert fmt.euros(18_500) in v.table_prevu_realise.shown["Réalisé (€)"].tolist()


# --- Effectifs (ETP) --------------------------------------------------------------------------

@pytest.mark.parametrize(("filters", "total"), [
    # axe 2 1,1 + axe 3 0,1 + axe 4 1 + axe 5 1,4
    (ALL, 3.6),
    # axe 5: A49 0,1 + 0,4 ; A50 0,2 ; A53 0,2 ; A55 0,5
    (metrics.Filters(axes=(5,)), 1.4),
    # axe 2: A30 0,5 ; A31 0,5 ; A32 0,1
    (metrics.Filters(axes=(2,)), 1.1),
])
def test_etp_totals(plan, filters, total):
    assert views.etp.build(plan, filters, None).total == pytest.approx(total)


def test_etp_whole_plan(plan):
    v = views.etp.build(plan, ALL, None)
    assert v.annees == (2023, 2024, 2025, 2026, 2027, 2028)
    # A1, A34, A38, A47, A48 name staff time without a figure
    assert v.n_sans_chiffre == 5
    assert sorted(v.table_sans_chiffre.data["action_id"]) == [1, 34, 38, 47, 48]
    assert row(v.table_axe, "Axe", "4")["ETP"] == "1"        # A37 « 1 ETP »
    assert v.surallocations == 0                             # no capacity is known yet
    assert v.fig_prevu_realise is None


def test_etp_capacity_unknown(plan):
    cap = views.etp.capacity(plan, ALL, 2025)
    assert not cap.known
    assert cap.fig.layout.title.text == "Aucune surallocation connue en 2025 (capacités inconnues)"


def test_etp_planned_vs_realised(plan):
    realise = pd.DataFrame({"action_id": [11], "annee": [2023], "depenses": [18_500.0], "etp": [0.3]})
    v = views.etp.build(plan, ALL, realise)
    assert "0,3" in v.table_prevu_realise.shown["Réalisé (ETP)"].tolist()


# --- Calendrier & retards ---------------------------------------------------------------------

AS_OF = pd.Timestamp("2025-01-15")
STATUTS = pd.DataFrame({
    "action_id": [5, 52, 22, 42, 10],
    "annee": [2024] * 5,
    "statut": ["En cours", "Réalisée", "Reportée", "En cours", "Abandonnée"],
    "debut_reel": pd.to_datetime(["2023-03-01", "2023-05-02", None, None, None]),
    "fin_reelle": pd.to_datetime([None, "2023-05-20", None, None, None]),
    "fin_revisee": pd.to_datetime([None, None, "2024-06-30", None, None]),
    "commentaire": ["travaux de mise aux normes", "", "avenant en attente de la Région", "", "projet abandonné"],
})


def test_calendar_whole_plan(plan):
    v = views.calendar.build(plan, ALL, AS_OF)
    assert not v.empty and v.n_actions == 53
    # an action is dated when one of its jalons has a planned start
    assert v.n_dated == plan.calendrier.dropna(subset=["debut_prevu"])["action_id"].nunique()
    assert v.n_undated == 53 - v.n_dated
    assert len(v.fig_gantt.layout.yaxis.categoryarray) == 53
    # A10's calendar « 2016-2018 » lies outside 2023-2028; A4's « A définir » has no date
    assert "2016-2018" in set(v.anomalies["Mots du plan"])
    assert "A définir" in set(v.undated.loc[v.undated["N°"] == 4, "Mots du plan"])
    assert v.n_anomalies == len(v.anomalies)


def test_calendar_filtered(plan):
    v = views.calendar.build(plan, metrics.Filters(axes=(2,)), AS_OF)
    assert (v.n_dated, v.n_actions) == (8, 12)          # axe 2: actions 21 to 32
    assert {int(r.split(" · ")[0]) for r in v.fig_gantt.layout.yaxis.categoryarray} == set(range(21, 33))
    # Ville d'Auch carries action 17 only, on axe 1: nothing left on axe 3
    assert views.calendar.build(plan, metrics.Filters(axes=(3,), porteurs=("Ville d'Auch",)), AS_OF).empty


def test_calendar_progress(plan):
    p = views.calendar.progress(plan, ALL, STATUTS, AS_OF)
    # action 5 planned end 30/06/2023 → 565 days to 15/01/2025 ; action 22: 31/12/2023 → 381 days
    assert list(p.late["N°"]) == [5, 22]
    assert list(p.late["Retard sur le plan"]) == [fmt.mois(565 / metrics.DAYS_PER_MONTH),
                                                  fmt.mois(381 / metrics.DAYS_PER_MONTH)]
    assert list(p.late["Fin révisée"]) == ["—", "30/06/2024 (dépassée)"]
    assert p.fig_counts.layout.title.text == "2 action(s) en retard au 15/01/2025, dont 1 sur l'axe 1"
    side = p.followed.set_index("N°")
    assert side.loc[52, "Glissement"] == fmt.mois(-11 / metrics.DAYS_PER_MONTH)   # done 11 days early
    assert side.loc[10, "Situation"] == "abandonnée"
    assert p.fig_slippage is not None


# --- Indicateurs ------------------------------------------------------------------------------

# enjeu 1.3 = actions 11 to 15, all carried by the office: A11 3 indicators (nuitées, taux d'occupation,
# chiffre d'affaires), A12 2, A13 3, A14 3, A15 2 -> 13, none a milestone
ENJEU_13 = metrics.Filters(enjeux=("1.3",))
IND = pd.DataFrame({"indicateur_id": ["A11-1", "A11-1", "A11-2", "A12-1"], "annee": [2023, 2024, 2024, 2030],
                    "resultat": [1_000.0, 1_200.0, 60.0, 5.0], "objectif": [None, 1_100.0, None, None]})


def test_indicators_catalogue(plan):
    cat = views.indicators.catalogue(plan, ENJEU_13, IND)
    assert cat.n_indicateurs == 13 and len(cat.table) == 13
    assert cat.default_year == 2024                     # 2030 lies outside 2023-2028
    assert views.indicators.catalogue(plan, ENJEU_13, IND.iloc[:0]).default_year == 2023


def test_indicators_year(plan):
    v = views.indicators.build(plan, ENJEU_13, IND, 2024)
    # 2024: A11-1 and A11-2 have a result, 11 of 13 are left to collect (2 / 13 = 15 %)
    assert (v.n_indicateurs, v.n_renseignes, v.n_manquants) == (13, 2, 11)
    assert v.par_porteur.iloc[0].to_dict() == {"Porteur": "Office de tourisme", "Indicateurs": 13, "Renseignés": 2,
                                               "À collecter": 11, "Complétude": fmt.pct(2 / 13 * 100)}
    assert len(v.to_collect_for("Office de tourisme")) == 11 and v.to_collect_for("Ville d'Auch").empty
    # A11-1 nuitées 1 000 -> 1 200: +200, +20 %, a rise is wanted; the only change known on a year
    assert (v.n_favorables, v.n_comparables, v.n_jalons) == (1, 1, 0)
    nuitees = row(v.table, "Identifiant", "A11-1")
    assert (nuitees["Dernière valeur"], nuitees["Objectif (même année)"]) == (fmt.nombre(1_200), fmt.nombre(1_100))
    assert nuitees["Évolution sur un an"] == f"▲ +200 (+{fmt.pct(20, 1)})"
    # the indicators of action 11, the one with the most results first
    assert v.indicator_options(11) == ["A11-1", "A11-2", "A11-3"]
    trend = v.trend("A11-1")
    assert list(trend.table["Résultat"]) == [fmt.nombre(1_000), fmt.nombre(1_200)]
    assert trend.caption.startswith("Action n° 11 – ")
    # in 2023, A11-1 alone is known, with no year before it to compare with
    v = views.indicators.build(plan, ENJEU_13, IND, 2023)
    assert (v.n_renseignes, v.n_comparables) == (1, 0)


# --- Fiches actions ---------------------------------------------------------------------------

def test_fiches_table_search_and_facets(plan):
    v = views.fiches.build(plan, ALL, pd.DataFrame())
    # 53 actions numbered 1 to 55: the plan skips the numbers 18 and 33
    assert v.n_total == 53 and list(v.ids) == sorted(set(range(1, 56)) - {18, 33})
    assert v.facet_keys == ("porteur", "public", "partenaire", "categorie")   # no status imported
    assert v.select("camping-caristes", {}).ids == [11]
    assert v.select("11", {}).ids == [11]
    # budget « à budget constant »: 8 actions of the plan
    assert len(v.select("", {"categorie": ["à budget constant"]}).ids) == 8
    assert v.select("zzz introuvable", {}).table.empty


def test_fiches_filtered_and_exported(plan):
    import io

    import openpyxl

    # axe 3 « Assurer la promotion de la destination »: actions 34, 35, 36
    v = views.fiches.build(plan, metrics.Filters(axes=(3,)), pd.DataFrame())
    assert v.select("", {}).ids == [34, 35, 36]
    assert v.n_total == 53                                  # « 3 action(s) sur 53 »
    # A11's Excel row: « 20 000 € par an » stays a number
    ws = openpyxl.load_workbook(io.BytesIO(views.fiches.build(plan, ALL, pd.DataFrame())
                                           .select("camping-caristes", {}).excel())).active
    header = [c.value for c in ws[1]]
    line = dict(zip(header, [c.value for c in ws[2]], strict=True))
    assert ws.max_row == 2 and line["N°"] == 11
    assert (line["Budget annuel min (€/an)"], line["Budget annuel max (€/an)"]) == (20_000, 20_000)


def test_fiches_offer_the_status_once_imported(plan):
    statuts = pd.DataFrame({"action_id": [5], "annee": [2024], "statut": ["En cours"]})
    v = views.fiches.build(plan, ALL, statuts)
    assert "statut" in v.facet_keys
    assert v.select("", {"statut": ["En cours"]}).ids == [5]


# --- Comité ----------------------------------------------------------------------------------

def test_comite_deck_whole_plan(plan):
    v = views.comite.build(plan, None, None, False, "2025-06-30")
    assert v.file_stem == "comite_2025-06-30"          # no comité date yet: the date of the figures
    assert v.titre == "Schéma de développement touristique 2023-2028 : point d'étape"
    assert v.sous_titre == "Situation au 30/06/2025"  # never « présenté le » the day the file is made
    assert v.info.presente == ""
    assert v.slides[0].chiffres[0].valeur == "53"   # the plan's 53 fiches action
    charted = [s.key for s in v.slides if s.figure is not None]
    assert charted and list(v.figures) == charted and list(v.big_figures) == charted
    k = charted[0]
    assert v.figures[k].layout.height is None       # the projector's screen gives the height
    assert v.big_figures[k].layout.font.size == 2 * v.figures[k].layout.font.size


def test_comite_deck_named_and_dated_by_the_comite(plan):
    v = views.comite.build(plan, None, None, True, "2026-11-30", date_comite="2026-12-06")
    assert v.file_stem == "comite_2026-12-06"
    assert v.sous_titre == v.info.presente == "Présenté au comité de direction le 06/12/2026"
    assert v.info.situation == "Situation au 30/11/2026"
    title_screen = v.html().split("<section", 2)[1]
    assert "Présenté au comité de direction le 06/12/2026" in title_screen
    assert "Situation au 30/11/2026" in title_screen
    assert "données de démonstration" in title_screen


def test_comite_action_in_projector_format(plan):
    a = views.comite.action(plan, None, None, 11, "2025-06-30")
    assert a is not None and a.action_id == 11
    assert views.comite.action(plan, None, None, 999, "2025-06-30") is None
