"""Budget metrics on small hand-made plans; every expectation is computed by hand in a comment."""

from __future__ import annotations

import pandas as pd
import pytest
from metrics_builders import BUDGET, CAPACITE, ETP, NA, NAN, make_plan

from dashboard import fmt, metrics

# small_plan(), period 2023-2025:
#   action 1 (axe 1, enjeu 1.1): Panneaux 200 000 unique 2024 (agglo) + Formation 1 500 unique, year unknown (office)
#   action 2 (axe 1, enjeu 1.2): Guide 20 000-40 000 unique 2023 (département) + Entretien 20 000 annuel (office)
#   action 3 (axe 2, no enjeu):  Promotion 5 000-10 000 annuel from 2024 (office) + Parcours 50 000 par unité, quantity unknown
#   action 4 (axe 2): "A définir", no line


@pytest.mark.parametrize(("by", "key", "column", "expected"), [
    # axe 1: 200 000 + 1 500 + 20 000 = 221 500 ; max 200 000 + 1 500 + 40 000 = 241 500
    ("axe", {"axe": 1}, "unique_min", 221_500),
    ("axe", {"axe": 1}, "unique_max", 241_500),
    ("axe", {"axe": 1}, "annuel_min", 20_000),
    ("axe", {"axe": 1}, "annuel_max", 20_000),
    # period: one-off 221 500 + 20 000 × 3 years = 281 500 ; max 241 500 + 60 000 = 301 500
    ("axe", {"axe": 1}, "periode_min", 281_500),
    ("axe", {"axe": 1}, "periode_max", 301_500),
    # axe 2: Promotion 5 000-10 000 a year for 2024-2025 -> period 10 000-20 000; parcours left out
    ("axe", {"axe": 2}, "unique_max", 0),
    ("axe", {"axe": 2}, "annuel_min", 5_000),
    ("axe", {"axe": 2}, "annuel_max", 10_000),
    ("axe", {"axe": 2}, "periode_max", 20_000),
    ("axe", {"axe": 2}, "par_unite_max", 0),
    ("axe", {"axe": 2}, "lignes_non_comptees", 1),
    # enjeu 1.1 = action 1: 200 000 + 1 500
    ("enjeu", {"enjeu": "1.1"}, "unique_min", 201_500),
    # enjeu 1.2 = action 2: Guide 20 000-40 000, Entretien 20 000 a year
    ("enjeu", {"enjeu": "1.2"}, "unique_max", 40_000),
    ("enjeu", {"enjeu": "1.2"}, "annuel_min", 20_000),
    # action 3 (axe without enjeu)
    ("action", {"action_id": 3}, "annuel_max", 10_000),
    # porteurs: office = Formation 1 500 one-off, Entretien 20 000 + Promotion 5 000-10 000 a year
    ("porteur", {"porteur": "Office de tourisme"}, "unique_min", 1_500),
    ("porteur", {"porteur": "Office de tourisme"}, "annuel_min", 25_000),
    ("porteur", {"porteur": "Office de tourisme"}, "annuel_max", 30_000),
    ("porteur", {"porteur": "Conseil départemental"}, "unique_max", 40_000),
    ("porteur", {"porteur": "Communauté d'agglomération"}, "unique_min", 200_000),
])
def test_budget_by(small, by, key, column, expected):
    table = metrics.budget_by(small, by)
    (col, value), = key.items()
    row = table[table[col] == value]
    assert len(row) == 1
    assert row[column].iloc[0] == pytest.approx(expected)


def test_budget_by_enjeu_labels_the_axe_without_enjeu(small):
    table = metrics.budget_by(small, "enjeu")
    assert list(table["enjeu"]) == ["1.1", "1.2", ""]
    assert table["libelle"].iloc[2] == "Axe 2 (sans enjeu)"


def test_min_and_max_are_never_averaged(small):
    # Guide 20 000-40 000: a mean would give 30 000 somewhere; min and max stay apart
    row = metrics.budget_by(small, "action").set_index("action_id").loc[2]
    assert (row["unique_min"], row["unique_max"]) == (20_000, 40_000)


@pytest.mark.parametrize(("values", "changed"), [
    # 3 parcours × 50 000 = 150 000 per-unit on axe 2 (period 10 000-20 000 + 150 000)
    ({(3, "Quantité : parcours"): 3},
     {("axe", 2, "par_unite_min"): 150_000, ("axe", 2, "par_unite_max"): 150_000,
      ("axe", 2, "periode_min"): 160_000, ("axe", 2, "periode_max"): 170_000,
      ("axe", 2, "lignes_non_comptees"): 0,
      # the parcours are the office's: 71 500-81 500 + 150 000 over the period
      ("porteur", "Office de tourisme", "par_unite_min"): 150_000,
      ("porteur", "Office de tourisme", "par_unite_max"): 150_000,
      ("porteur", "Office de tourisme", "periode_min"): 221_500,
      ("porteur", "Office de tourisme", "periode_max"): 231_500,
      ("porteur", "Office de tourisme", "lignes_non_comptees"): 0}),
    # the office bears 25 % of the guide: 5 000-10 000 to the office, 15 000-30 000 to the département;
    # axe totals do not move
    ({(2, "Part : Office de tourisme"): 25},
     {("porteur", "Office de tourisme", "unique_min"): 6_500, ("porteur", "Office de tourisme", "unique_max"): 11_500,
      ("porteur", "Office de tourisme", "periode_min"): 76_500, ("porteur", "Office de tourisme", "periode_max"): 91_500,
      ("porteur", "Conseil départemental", "unique_min"): 15_000,
      ("porteur", "Conseil départemental", "unique_max"): 30_000,
      ("porteur", "Conseil départemental", "periode_min"): 15_000,
      ("porteur", "Conseil départemental", "periode_max"): 30_000}),
])
def test_an_hypothesis_changes_what_depends_on_it_and_only_that(small, values, changed):
    before = {by: metrics.budget_by(small, by) for by in ("axe", "porteur")}
    after_plan = metrics.apply_hypotheses(small, values)
    after = {by: metrics.budget_by(after_plan, by) for by in ("axe", "porteur")}
    for by, key in (("axe", "axe"), ("porteur", "porteur")):
        b = before[by].set_index(key)
        a = after[by].set_index(key).reindex(b.index)
        for group in b.index:
            for col in [*metrics.RANGE_COLUMNS, "periode_min", "periode_max", "lignes_non_comptees"]:
                expected = changed.get((by, group, col), b.loc[group, col])
                assert a.loc[group, col] == pytest.approx(expected), (by, group, col)


def test_workbook_values_are_the_defaults_and_none_unsets_them():
    plan = make_plan(BUDGET, ETP, [("Quantité : parcours", 2, 3), ("Part : Office de tourisme", NAN, 2)], CAPACITE)
    assert metrics.hypothesis_defaults(plan) == {(3, "Quantité : parcours"): 2.0, (2, "Part : Office de tourisme"): None}
    default = metrics.budget_by(metrics.apply_hypotheses(plan), "axe").set_index("axe")
    assert default.loc[2, "par_unite_max"] == 100_000  # 2 × 50 000 from the workbook
    unset = metrics.budget_by(metrics.apply_hypotheses(plan, {(3, "Quantité : parcours"): None}), "axe").set_index("axe")
    assert unset.loc[2, "par_unite_max"] == 0
    assert unset.loc[2, "lignes_non_comptees"] == 1


def test_quantity_matches_the_unit_whatever_its_case_or_plural():
    budget = [(3, "Parcours", 50_000, 50_000, "par unité", "Parcours ", NAN, NA, NA, "Office de tourisme")]
    plan = make_plan(budget, hypotheses=[("Quantité : parcours", 4, 3)])
    assert metrics.budget_totals(metrics.apply_hypotheses(plan))["par_unite_min"] == 200_000


def test_projection_per_year(small):
    proj = metrics.projection(small)
    totals = proj.totaux().set_index("annee")
    # 2023: Guide 20 000-40 000 + Entretien 20 000
    # 2024: Panneaux 200 000 + Entretien 20 000 + Promotion 5 000-10 000
    # 2025: Entretien 20 000 + Promotion 5 000-10 000
    assert totals["montant_min"].to_dict() == {2023: 40_000, 2024: 225_000, 2025: 25_000}
    assert totals["montant_max"].to_dict() == {2023: 60_000, 2024: 230_000, 2025: 30_000}
    reasons = dict(zip(proj.hors["poste"], proj.hors["raison"], strict=True))
    assert reasons == {"Formation": "année de la dépense inconnue",
                       "Parcours": "montant par parcours : quantité non fixée"}


def test_projection_keeps_every_year_and_places_quantified_units():
    budget = [(3, "Parcours", 50_000, 60_000, "par unité", "parcours", 2, 2025, NA, "Office de tourisme"),
              (1, "Avant", 1_000, 1_000, "unique", "", NAN, 2016, NA, "Office de tourisme")]
    proj = metrics.projection(make_plan(budget))
    totals = proj.totaux().set_index("annee")
    assert list(totals.index) == [2023, 2024, 2025]
    assert totals.loc[2025, "montant_min"] == 100_000 and totals.loc[2025, "montant_max"] == 120_000
    assert totals.loc[2023, "montant_max"] == 0
    assert list(proj.hors["raison"]) == ["année 2016 hors de la période du plan"]


def test_projection_per_axe_and_year(small):
    table = metrics.projection(small).par_annee("axe").set_index(["annee", "axe"])
    assert table.loc[(2024, 2), "montant_max"] == 10_000
    assert table.loc[(2024, 1), "montant_min"] == 220_000


def test_non_comptes_lists_what_the_totals_leave_out(small):
    out = metrics.non_comptes(small)
    assert list(out["action_id"]) == [1, 3, 4]
    row4 = out[out["action_id"] == 4].iloc[0]
    assert row4["motif"] == "budget « à définir »" and row4["budget_previsionnel"] == "A définir"
    assert "quantité non fixée" in out[out["action_id"] == 3]["motif"].iloc[0]
    assert "sans année" in out[out["action_id"] == 1]["motif"].iloc[0]


def test_quantified_units_without_year_are_counted_but_not_placed(small):
    quantified = metrics.apply_hypotheses(small, {(3, "Quantité : parcours"): 2})
    out = metrics.non_comptes(quantified)
    assert out.loc[out["poste"] == "Parcours", "motif"].tolist() == [
        "montant par parcours sans année (compté dans le total, absent de la projection)"]
    assert metrics.projection(quantified).hors["raison"].tolist() == [
        "année de la dépense inconnue", "année de la dépense inconnue"]  # Formation, Parcours


def test_categories_count_lists_every_category(small):
    counts = metrics.categories_count(small).set_index("categorie_budget")["actions"].to_dict()
    assert counts == {"chiffré": 3, "ressources internes": 0, "à budget constant": 0, "à définir": 1,
                      "non renseigné": 0}


def test_filters_restrict_the_totals(small):
    filtered = metrics.filter_plan(small, metrics.Filters(axes=(2,)))
    assert metrics.budget_totals(filtered)["annuel_max"] == 10_000
    assert list(metrics.budget_by(filtered, "axe")["axe"]) == [2]


def test_prevu_realise_budget(small):
    realise = pd.DataFrame({"action_id": [1, 3], "annee": [2023, 2024], "depenses": [1_000.0, 7_000.0],
                            "etp": [0.4, 0.1]})
    table = metrics.prevu_realise_budget(small, realise).set_index(["annee", "axe"])
    assert tuple(table.loc[(2023, 1), ["prevu_min", "prevu_max", "realise"]]) == (40_000, 60_000, 1_000)
    assert tuple(table.loc[(2024, 2), ["prevu_min", "prevu_max", "realise"]]) == (5_000, 10_000, 7_000)
    assert pd.isna(table.loc[(2023, 2), "realise"])  # nothing imported is not zero
    assert metrics.prevu_realise_budget(small, realise.iloc[0:0]).empty


def test_summary_has_the_contract_keys(small):
    s = metrics.summary(small)
    assert s["periode"] == [2023, 2025] and s["actions"] == 4
    axe1, axe2 = s["axes"]
    assert {k: axe1[k] for k in ("axe", "libelle", "actions", "budget_unique_min", "budget_unique_max",
                                 "budget_annuel_min", "budget_annuel_max", "etp")} == {
        "axe": 1, "libelle": "Offre", "actions": 2, "budget_unique_min": 221_500, "budget_unique_max": 241_500,
        "budget_annuel_min": 20_000, "budget_annuel_max": 20_000, "etp": 1.0}
    assert axe2["budget_par_unite"][0]["quantite"] is None
    assert axe2["budget_par_unite"][0]["montant_unitaire_max"] == 50_000
    assert axe2["categories"] == {"chiffré": 1, "à définir": 1}
    assert s["categories"]["à définir"] == 1


# --- The shipped plan: budget per axe equal to a hand computation from the plan's text ----------
# (read from the « Budget prévisionnel » lines of the plan, 2023-2028)
#   axe 1 one-off:  A2 « 200 000 € » ; A3 « Frais de formation 1 500 € » ; A9 « 20 à 40 000 € dont x % pour
#                   l'office de tourisme » ; A10 « 200 000 € »                   -> 421 500 – 441 500
#   axe 1 annual:   A11 « 20 000 € par an » ; A12 « 20 000 € de frais de fonctionnement » (calendrier « Annuel ») ;
#                   A13 and A14 « 5 000 € par an » ; A17 « Garçon La Note : 20 000 € Mardi de l'été : 50 000 € »
#                   (calendrier « Annuellement en été »)                        -> 120 000
#   axe 1 per unit: A4 « + 50 000 € par parcours » (number of parcours not set: out of the totals)
#   axe 2 annual:   A30 « 50 000 € par an »                                      -> 50 000
#   axe 3 annual:   A34 « budget 5000 € par an pour les accueils » ; A35 « 5 à 10 000 € par an » -> 10 000 – 15 000
#   axe 4:          nothing in euros (A37 is staff time only, the rest « A définir » / blank / constant)
#   axe 5 annual:   A55 « + 50 000 € en ressources humaine » (a post: yearly) -> 50 000
REAL_BUDGET = [
    # axe, unique_min, unique_max, annuel_min, annuel_max
    (1, 421_500, 441_500, 120_000, 120_000),
    (2, 0, 0, 50_000, 50_000),
    (3, 0, 0, 10_000, 15_000),
    (4, 0, 0, 0, 0),
    (5, 0, 0, 50_000, 50_000),
]


@pytest.mark.parametrize(("axe", "unique_min", "unique_max", "annuel_min", "annuel_max"), REAL_BUDGET)
def test_real_budget_per_axe(plan_real, axe, unique_min, unique_max, annuel_min, annuel_max):
    row = metrics.budget_by(plan_real, "axe").set_index("axe").loc[axe]
    assert (row["unique_min"], row["unique_max"], row["annuel_min"], row["annuel_max"]) == (
        unique_min, unique_max, annuel_min, annuel_max)
    assert row["par_unite_max"] == 0  # A4's parcours stay out until their number is set


@pytest.fixture(scope="module")
def plan_real(request):
    return metrics.apply_hypotheses(request.getfixturevalue("plan"))


def test_real_parcours_hypothesis(plan_real):
    # 2 parcours × 50 000 € on axe 1, nothing else moves
    after = metrics.budget_by(metrics.apply_hypotheses(plan_real, {(4, "Quantité : parcours"): 2}), "axe").set_index("axe")
    before = metrics.budget_by(plan_real, "axe").set_index("axe")
    assert after.loc[1, "par_unite_min"] == 100_000
    assert after.drop(columns=["par_unite_min", "par_unite_max", "periode_min", "periode_max",
                               "lignes_non_comptees"]).equals(
        before.drop(columns=["par_unite_min", "par_unite_max", "periode_min", "periode_max", "lignes_non_comptees"]))


def test_real_office_share_of_the_guide(plan_real):
    # A9 « 20 à 40 000 € dont x % pour l'office de tourisme », x = 25: office 5 000-10 000, département 15 000-30 000
    by = metrics.budget_by(metrics.apply_hypotheses(plan_real, {(9, "Part : Office de tourisme"): 25}), "porteur")
    by = by.set_index("porteur")
    assert (by.loc["Conseil départemental", "unique_min"], by.loc["Conseil départemental", "unique_max"]) == (15_000, 30_000)
    before = metrics.budget_by(plan_real, "porteur").set_index("porteur")
    assert by.loc["Office de tourisme", "unique_max"] - before.loc["Office de tourisme", "unique_max"] == 10_000
    assert metrics.budget_totals(metrics.apply_hypotheses(plan_real, {(9, "Part : Office de tourisme"): 25})) == \
        metrics.budget_totals(plan_real)


# --- The command line: `summary` prints the same figures -----------------------------------------

def test_summary_command_json(capsys):
    import json

    from dashboard.__main__ import main

    assert main(["summary", "--json"]) == 0
    s = json.loads(capsys.readouterr().out)
    assert s["periode"] == [2023, 2028] and s["actions"] == 53
    axes = {a["axe"]: a for a in s["axes"]}
    for axe, umin, umax, amin, amax in REAL_BUDGET:
        assert (axes[axe]["budget_unique_min"], axes[axe]["budget_unique_max"],
                axes[axe]["budget_annuel_min"], axes[axe]["budget_annuel_max"]) == (umin, umax, amin, amax)
    assert axes[1]["budget_par_unite"][0]["montant_unitaire_min"] == 50_000
    assert axes[1]["budget_par_unite"][0]["quantite"] is None
    assert sum(axes[a]["actions"] for a in axes) == 53
    assert sum(s["categories"].values()) == 53


def test_summary_command_text_is_french(capsys):
    from dashboard.__main__ import main

    assert main(["summary"]) == 0
    out = capsys.readouterr().out
    assert f"ponctuel : {fmt.fourchette(421_500, 441_500)}" in out
    assert f"récurrent : {fmt.fourchette(230_000, 235_000)} par an" in out


def test_summary_command_rejects_a_bad_date(capsys):
    from dashboard.__main__ import main

    assert main(["summary", "--as-of", "31/02/2025"]) == 2
    assert "AAAA-MM-JJ" in capsys.readouterr().out
