"""Indicators: year-over-year change by `sens`, milestones, last values, completeness by porteur."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from dashboard import fmt, metrics
from dashboard.plan import Plan
from dashboard.present import textes

NAN = float("nan")


def tiny_plan() -> Plan:
    """Three actions, three porteurs (action 2 has two), five indicators of every kind."""
    actions = pd.DataFrame({
        "action_id": pd.array([1, 2, 3], dtype="Int64"), "axe": pd.array([1, 1, 2], dtype="Int64"),
        "enjeu": ["1.1", "1.1", "2.1"], "titre": ["Visites", "Escape-game", "Trésor"],
        "maitrise_ouvrage": ["Office de tourisme", "Office de tourisme et service Pays d'art et d'histoire",
                             "Ville d'Auch"],
    })
    indicateurs = pd.DataFrame({
        "indicateur_id": ["A1-1", "A1-2", "A2-1", "A3-1", "A3-2"],
        "action_id": pd.array([1, 1, 2, 3, 3], dtype="Int64"),
        "indicateur": ["Nombre de visiteurs", "Délai de réponse", "Guide réédité", "Taux d'occupation", "Label obtenu"],
        "type": ["quantitatif", "quantitatif", "jalon", "quantitatif", "jalon"],
        "unite": ["nombre", "nombre", "oui/non", "%", "date"],
        "sens": ["hausse", "baisse", "atteinte", "hausse", "atteinte"],
        "extrait": [""] * 5,
    })
    empty = pd.DataFrame()
    return Plan(axes=empty, enjeux=empty, actions=actions, budget=empty, etp=empty, calendrier=empty,
                indicateurs=indicateurs, hypotheses=empty, capacite=empty, periode=(2023, 2028))


def suivi_ind(rows) -> pd.DataFrame:
    """(indicateur_id, annee, resultat, objectif, date_resultat) -> the store's indicator frame."""
    df = pd.DataFrame(rows, columns=["indicateur_id", "annee", "resultat", "objectif", "date_resultat"])
    df["date_resultat"] = pd.to_datetime(df["date_resultat"])
    return df.assign(commentaire=None, source=None)


ROWS = [
    ("A1-1", 2023, 100.0, None, None),
    ("A1-1", 2024, 120.0, 110.0, None),
    ("A1-1", 2025, 90.0, 130.0, None),
    ("A1-2", 2023, 50.0, None, None),
    ("A1-2", 2024, 40.0, None, None),
    ("A1-2", 2025, None, 35.0, None),     # an objective only: no result (blank is never zero)
    ("A2-1", 2023, 0.0, None, None),      # non
    ("A2-1", 2024, 1.0, None, None),      # oui
    ("A3-1", 2023, 0.0, None, None),
    ("A3-1", 2024, 12.5, None, None),
    ("A3-1", 2026, 20.0, None, None),     # 2025 missing: 2026 has no one-year change
    ("A3-2", 2025, 1.0, None, "2025-05-03"),
    ("A9-9", 2024, 5.0, None, None),      # not in the plan: ignored
    ("A1-1", 2031, 5.0, None, None),      # outside the period: ignored
]


@pytest.fixture(scope="module")
def plan():
    return tiny_plan()


@pytest.fixture(scope="module")
def ind():
    return suivi_ind(ROWS)


@pytest.mark.parametrize(("variation", "sens", "expected"), [
    (5, "hausse", metrics.FAVORABLE),
    (-5, "hausse", metrics.DEFAVORABLE),
    (5, "baisse", metrics.DEFAVORABLE),
    (-5, "baisse", metrics.FAVORABLE),
    (0, "hausse", metrics.STABLE),
    (0, "baisse", metrics.STABLE),
    (5, "atteinte", None),
    (NAN, "hausse", None),
    (None, "baisse", None),
])
def test_appreciation_follows_sens(variation, sens, expected):
    assert metrics.appreciation(variation, sens) == expected


@pytest.mark.parametrize(("ident", "annee", "resultat", "precedent", "variation", "variation_pct", "appreciation"), [
    ("A1-1", 2023, 100.0, NAN, NAN, NAN, None),
    ("A1-1", 2024, 120.0, 100.0, 20.0, 20.0, metrics.FAVORABLE),        # (120-100)/100
    ("A1-1", 2025, 90.0, 120.0, -30.0, -25.0, metrics.DEFAVORABLE),     # (90-120)/120
    ("A1-1", 2026, NAN, 90.0, NAN, NAN, None),                          # nothing collected yet
    ("A1-2", 2024, 40.0, 50.0, -10.0, -20.0, metrics.FAVORABLE),        # baisse: a fall is good news
    ("A1-2", 2025, NAN, 40.0, NAN, NAN, None),                          # objective only
    ("A3-1", 2024, 12.5, 0.0, 12.5, NAN, metrics.FAVORABLE),            # from 0: no percentage
    ("A3-1", 2026, 20.0, NAN, NAN, NAN, None),                          # N-1 missing
])
def test_evolution_hand_computed(plan, ind, ident, annee, resultat, precedent, variation, variation_pct,
                                 appreciation):
    evo = metrics.indicateur_evolution(plan, ind)
    row = evo[(evo["indicateur_id"] == ident) & (evo["annee"] == annee)].iloc[0]
    for got, want in ((row["resultat"], resultat), (row["precedent"], precedent), (row["variation"], variation),
                      (row["variation_pct"], variation_pct)):
        assert (math.isnan(got) and math.isnan(want)) or got == pytest.approx(want)
    assert row["appreciation"] == appreciation


def test_evolution_has_every_year_of_every_quantitative_indicator(plan, ind):
    evo = metrics.indicateur_evolution(plan, ind)
    assert len(evo) == 3 * 6                       # A1-1, A1-2, A3-1 × 2023..2028
    assert set(evo["annee"]) == set(plan.annees)   # 2031 left out
    assert "A9-9" not in set(evo["indicateur_id"])
    assert evo.loc[(evo["indicateur_id"] == "A1-1") & (evo["annee"] == 2025), "objectif"].iloc[0] == 130.0


@pytest.mark.parametrize(("annee", "expected"), [
    (None, {"A2-1": (True, 2024, None, 2024), "A3-2": (True, 2025, "2025-05-03", 2025)}),
    (2024, {"A2-1": (True, 2024, None, 2024), "A3-2": (False, None, None, None)}),
    (2023, {"A2-1": (False, None, None, 2023), "A3-2": (False, None, None, None)}),
])
def test_jalons_reached_and_when(plan, ind, annee, expected):
    j = metrics.jalons(plan, ind, annee).set_index("indicateur_id")
    assert list(j.index) == ["A2-1", "A3-2"]
    for ident, (atteint, an, date, last) in expected.items():
        r = j.loc[ident]
        assert bool(r["atteint"]) is atteint
        assert (pd.isna(r["annee_atteinte"]) if an is None else r["annee_atteinte"] == an)
        assert (pd.isna(r["date_atteinte"]) if date is None else r["date_atteinte"] == pd.Timestamp(date))
        assert (pd.isna(r["derniere_annee"]) if last is None else r["derniere_annee"] == last)


def test_tableau_last_value_change_and_objective(plan, ind):
    t = metrics.tableau_indicateurs(plan, ind, 2025).set_index("indicateur_id")
    assert list(t.index) == ["A1-1", "A1-2", "A2-1", "A3-1", "A3-2"]
    a = t.loc["A1-1"]
    assert (a["annee_valeur"], a["derniere_valeur"], a["variation"], a["objectif"]) == (2025, 90.0, -30.0, 130.0)
    assert a["variation_pct"] == pytest.approx(-25.0) and a["appreciation"] == metrics.DEFAVORABLE
    b = t.loc["A1-2"]                               # 2025 has only an objective: last result is 2024's
    assert (b["annee_valeur"], b["derniere_valeur"], b["variation"]) == (2024, 40.0, -10.0)
    assert math.isnan(b["objectif"]) and b["appreciation"] == metrics.FAVORABLE
    assert t.loc["A3-2", "date_valeur"] == pd.Timestamp("2025-05-03")
    assert t.loc["A3-1", "annee_valeur"] == 2024     # 2026 is after the selected year
    early = metrics.tableau_indicateurs(plan, ind, 2023).set_index("indicateur_id")
    assert early.loc["A1-1", "derniere_valeur"] == 100.0 and math.isnan(early.loc["A1-1", "variation"])
    assert early.loc["A1-1", "appreciation"] is None


@pytest.mark.parametrize(("annee", "par_porteur", "total", "renseignes"), [
    # Office de tourisme: A1-1, A1-2, A2-1; Pays d'art et d'histoire: A2-1; Ville d'Auch: A3-1, A3-2
    (2024, {"Office de tourisme": (3, 3), "Service Pays d'art et d'histoire (agglomération)": (1, 1),
            "Ville d'Auch": (2, 1)}, 5, 4),
    (2025, {"Office de tourisme": (3, 1), "Service Pays d'art et d'histoire (agglomération)": (1, 0),
            "Ville d'Auch": (2, 1)}, 5, 2),       # A1-2 has an objective only: still to collect
    (2027, {"Office de tourisme": (3, 0), "Service Pays d'art et d'histoire (agglomération)": (1, 0),
            "Ville d'Auch": (2, 0)}, 5, 0),
])
def test_completude_by_porteur(plan, ind, annee, par_porteur, total, renseignes):
    c = metrics.completude(plan, ind, annee)
    got = {r.porteur: (r.indicateurs, r.renseignes) for r in c.par_porteur.itertuples()}
    assert got == par_porteur
    for r in c.par_porteur.itertuples():
        assert r.manquants == r.indicateurs - r.renseignes
        assert r.pct == pytest.approx(100 * r.renseignes / r.indicateurs)
    assert (c.total, c.renseignes, c.manquants) == (total, renseignes, total - renseignes)
    assert list(c.par_porteur["manquants"]) == sorted(c.par_porteur["manquants"], reverse=True)


def test_completude_detail_lists_what_is_left_with_last_year(plan, ind):
    d = metrics.completude(plan, ind, 2025).detail
    left = d[d["statut"] == metrics.A_COLLECTER]
    assert sorted(set(left["indicateur_id"])) == ["A1-2", "A2-1", "A3-1"]
    rappel = left.drop_duplicates("indicateur_id").set_index("indicateur_id")["rappel"]
    assert (rappel["A1-2"], rappel["A2-1"], rappel["A3-1"]) == (2024, 2024, 2024)


def test_no_follow_up_means_everything_to_collect(plan):
    c = metrics.completude(plan, None, 2024)
    assert (c.total, c.renseignes) == (5, 0)
    assert metrics.tableau_indicateurs(plan, None, 2024)["derniere_valeur"].isna().all()
    assert not metrics.jalons(plan, pd.DataFrame(), 2024)["atteint"].any()
    assert metrics.indicateur_evolution(plan, None)["resultat"].isna().all()


def test_shipped_plan_completeness_counts_each_indicator_once(plan_path):
    from dashboard.plan import load_plan

    p = load_plan(plan_path)
    c = metrics.completude(p, None, p.annees[0])
    assert c.total == len(p.indicateurs) and c.renseignes == 0
    assert c.par_porteur["indicateurs"].sum() >= c.total   # shared actions count under each porteur
    assert set(c.detail["indicateur_id"]) == set(p.indicateurs["indicateur_id"].str.upper())


def test_tendance_titre_states_the_message(plan, ind):
    evo = metrics.indicateur_evolution(plan, ind)
    one = evo[evo["indicateur_id"] == "A1-1"]
    assert textes.tendance_titre(one, "Nombre de visiteurs", "nombre") == (
        f"Nombre de visiteurs : 90 en 2025, ▼ −30 (−{fmt.pct(25, 1)}) sur un an (défavorable)")
    none = evo[(evo["indicateur_id"] == "A1-1") & (evo["annee"] > 2026)]
    assert textes.tendance_titre(none, "Nombre de visiteurs", "nombre") == "Nombre de visiteurs : aucune valeur collectée"


@pytest.mark.parametrize(("unite", "axis_title", "suffix", "top", "label"), [
    ("nombre", "Nombre", "", 120 * 1.18, "100"),
    ("€", "Montant (€)", "\u00a0€", 120 * 1.18, "100\u00a0€"),
    ("%", "Taux (%)", "\u00a0%", 100, "100\u00a0%"),
])
def test_trend_chart_unit_objective_and_labels(unite, axis_title, suffix, top, label):
    from dashboard.present import charts

    evo = pd.DataFrame({"annee": [2023, 2024, 2025, 2026], "resultat": [100.0, 90.0, NAN, 80.0],
                        "objectif": [NAN, 110.0, 120.0, 60.0]})
    fig = charts.indicateur_tendance(evo, "titre", unite)
    res, obj = fig.data
    assert fig.layout.separators == ", " and fig.layout.yaxis.title.text == axis_title
    assert fig.layout.yaxis.ticksuffix == suffix and fig.layout.yaxis.range[1] == pytest.approx(top)
    assert list(fig.layout.xaxis.categoryarray) == ["2023", "2024", "2025", "2026"]   # every year shows
    assert obj.line.dash == "dash" and obj.name == "Objectif"
    assert list(res.text) == [label, res.text[1], "", res.text[3]]          # no label where nothing was collected
    # a result below its objective has its label underneath, so the two never overlap
    assert list(res.textposition) == ["top center", "bottom center", "top center", "top center"]
