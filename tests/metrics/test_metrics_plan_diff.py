"""plan_diff on small hand-made plans: one change at a time, what the diff says and the totals it moves
(the expected figures are hand computations from metrics_builders' BUDGET over 2023-2025)."""

from __future__ import annotations

import pandas as pd
import pytest
from metrics_builders import BUDGET, CAPACITE, ETP, HYPOTHESES, NA, NAN, make_plan, small_plan

from dashboard.metrics.plan_diff import compare_ends, plan_diff, retired_values
from dashboard.present import plan_changes


def _with(plan, **frames):
    return plan.with_frames(**frames)


def _rename(p):
    a = p.actions.copy()
    a.loc[a["action_id"] == 2, "titre"] = "Guide touristique"
    return _with(p, actions=a)


def _remove_action_4(p):
    return _with(p, actions=p.actions[p.actions["action_id"] != 4].reset_index(drop=True))


def _budget(rows):
    return lambda p: make_plan(rows, ETP, HYPOTHESES, CAPACITE)


def _etp(rows):
    return lambda p: make_plan(BUDGET, rows, HYPOTHESES, CAPACITE)


def _indicators(p):
    i = p.indicateurs[p.indicateurs["indicateur_id"] != "A3-2"]
    new = pd.DataFrame({"indicateur_id": ["A4-1"], "action_id": pd.array([4], dtype="Int64"),
                        "indicateur": ["Récit publié"], "type": "jalon", "unite": "oui/non", "sens": "atteinte",
                        "extrait": ""})
    return _with(p, indicateurs=pd.concat([i, new], ignore_index=True))


def _hypothesis(p):
    return make_plan(BUDGET, ETP, [("Quantité : parcours", 2.0, 3), HYPOTHESES[1]], CAPACITE)


def _capacity(p):
    return make_plan(BUDGET, ETP, HYPOTHESES, [*CAPACITE[:2], ("Direction", 2025, 0.5), *CAPACITE[3:]])


# Budget of small_plan, by hand: one-off axe 1 = 200 000 + 1 500 + 20 000-40 000 = 221 500-241 500;
# annual axe 1 = 20 000 a year (action 2) over 3 years; axe 2 = 5 000-10 000 a year from 2024 (2 years).
CASES = [
    # (name, change, section, rows, hand-checked fields of the first row)
    ("renamed", _rename, "actions", 1, {"action_id": 2, "changement": "renommée", "titre_avant": "Guide",
                                        "titre_apres": "Guide touristique"}),
    ("removed action", _remove_action_4, "actions", 1, {"action_id": 4, "changement": "retirée", "axe": 2}),
    ("amount", _budget([(1, "Panneaux", 150_000, 180_000, "unique", "", NAN, 2024, NA, "Communauté d'agglomération"),
                        *BUDGET[1:]]), "budget", 1,
     {"action_id": 1, "poste": "Panneaux", "changement": "modifiée", "montant_min_avant": 200_000,
      "montant_min_apres": 150_000, "montant_max_apres": 180_000}),
    ("line removed", _budget(BUDGET[:-1]), "budget", 1, {"action_id": 3, "poste": "Parcours", "changement": "retirée"}),
    ("line added", _budget([*BUDGET, (4, "Récit", 8_000, 8_000, "annuel", "", NAN, NA, NA, "Office de tourisme")]),
     "budget", 1, {"action_id": 4, "changement": "ajoutée", "montant_max_apres": 8_000, "periodicite_apres": "annuel"}),
    ("years", _budget([*BUDGET[:4], (3, "Promotion", 5_000, 10_000, "annuel", "", NAN, 2025, NA, "Office de tourisme"),
                       BUDGET[5]]), "budget", 1, {"action_id": 3, "annee_debut_avant": 2024, "annee_debut_apres": 2025}),
    ("etp", _etp([*ETP[:3], (3, "Direction", 0.3, NA, NA)]), "etp", 1,
     {"action_id": 3, "service": "Direction", "etp_avant": 0.2, "etp_apres": 0.3}),
    ("indicators", _indicators, "indicateurs", 2, {"indicateur_id": "A3-2", "changement": "retirée"}),
    ("hypothesis", _hypothesis, "hypotheses", 1, {"parametre": "Quantité : parcours", "valeur_apres": 2.0}),
    ("capacity", _capacity, "capacite", 1, {"service": "Direction", "annee": 2025, "etp_disponibles_apres": 0.5}),
]


@pytest.mark.parametrize(("name", "change", "section", "n", "expected"), CASES, ids=[c[0] for c in CASES])
def test_one_change_is_exactly_one_section(name, change, section, n, expected):
    d = plan_diff(small_plan(), change(small_plan()))
    assert {k: len(v) for k, v in d.sections().items() if len(v)} == {section: n}
    first = d.sections()[section].iloc[0].to_dict()
    assert {k: first[k] for k in expected} == expected
    assert d.n_changes == n


def test_same_plan_no_change():
    d = plan_diff(small_plan(), small_plan())
    assert d.empty and d.totaux.empty and plan_changes.diff_lines(d) == []


@pytest.mark.parametrize(("change", "axe", "column", "before", "after"), [
    # 200 000 → 150 000-180 000 on action 1 (axe 1): one-off 221 500-241 500 → 171 500-221 500
    (CASES[2][1], 1, "unique", (221_500, 241_500), (171_500, 221_500)),
    # the hypothesis fixes 2 parcours × 50 000 € (axe 2): per period 10 000-20 000 → 110 000-120 000
    (_hypothesis, 2, "periode", (10_000, 20_000), (110_000, 120_000)),
    # 8 000 € a year on action 4 (axe 2) over 3 years: annual 5 000-10 000 → 13 000-18 000
    (CASES[4][1], 2, "annuel", (5_000, 10_000), (13_000, 18_000)),
])
def test_totals_per_axe_move_by_the_changed_lines(change, axe, column, before, after):
    d = plan_diff(small_plan(), change(small_plan()))
    (row,) = d.totaux[d.totaux["axe"] == axe].to_dict("records")
    assert (row[f"{column}_min_avant"], row[f"{column}_max_avant"]) == before
    assert (row[f"{column}_min_apres"], row[f"{column}_max_apres"]) == after
    assert set(d.totaux["axe"]) == {axe}


def test_repeated_postes_match_in_order():
    """Two lines with the same poste: the second one changed is the only change."""
    rows = [*BUDGET, (2, "Entretien", 1_000, 1_000, "annuel", "", NAN, NA, NA, "Office de tourisme")]
    changed = [*BUDGET, (2, "Entretien", 2_000, 2_000, "annuel", "", NAN, NA, NA, "Office de tourisme")]
    d = plan_diff(make_plan(rows, ETP, HYPOTHESES, CAPACITE), make_plan(changed, ETP, HYPOTHESES, CAPACITE))
    (r,) = d.budget.to_dict("records")
    assert (r["rang"], r["montant_min_avant"], r["montant_min_apres"]) == (2, 1_000, 2_000)


def _calendar(end):
    cal = pd.DataFrame({"action_id": pd.array([1, 2], dtype="Int64"), "jalon": ["Pose", "Impression"],
                        "debut_prevu": pd.to_datetime(["2024-01-01", "2023-03-01"]),
                        "fin_prevue": pd.to_datetime([end, "2023-06-30"]), "recurrence": "aucune",
                        "precision": "mois", "extrait": ""})
    return small_plan().with_frames(calendrier=cal)


def test_end_moved_in_months_and_compared_with_the_real_end():
    voted, revised = _calendar("2024-06-30"), _calendar("2025-03-31")
    (c,) = plan_diff(voted, revised).calendrier.to_dict("records")
    assert (c["action_id"], c["mois"]) == (1, 9.0)  # 274 days / 30,44
    statuts = pd.DataFrame({"action_id": [1], "fin_reelle": pd.to_datetime(["2025-05-15"])})
    e = compare_ends(voted, revised, statuts).set_index("action_id")
    assert e.loc[1, "fin_reference"] == pd.Timestamp("2024-06-30")
    assert e.loc[1, "fin_prevue"] == pd.Timestamp("2025-03-31")
    assert e.loc[1, "fin_reelle"] == pd.Timestamp("2025-05-15")
    assert bool(e.loc[1, "change"]) and not bool(e.loc[2, "change"])
    shown = plan_changes.ends_table(voted, revised, statuts, "plan voté", "révision")
    assert shown.to_dict("records") == [{
        "Action": "1 · Signalétique", "Fin prévue (plan voté)": "30/06/2024", "Fin prévue (révision)": "31/03/2025",
        "Fin réelle": "15/05/2025", "Écart": "9\u00a0mois plus tard"}]


def test_values_of_a_removed_indicator_stay_listed():
    ind = pd.DataFrame({"indicateur_id": ["A3-2", "A3-2", "A1-1"], "annee": [2023, 2024, 2024],
                        "resultat": [4.0, 7.0, 12.0], "objectif": [NAN, 10.0, NAN], "commentaire": ["", "", ""],
                        "source": "", "date_resultat": pd.NaT, "date_objectif": pd.NaT})
    voted = small_plan()
    revised = _indicators(voted)  # A3-2 removed
    assert retired_values(voted, ind).empty
    r = retired_values(revised, ind, voted.indicateurs)
    assert r[["indicateur_id", "annee", "resultat", "indicateur"]].values.tolist() == [
        ["A3-2", 2023, 4.0, "Articles"], ["A3-2", 2024, 7.0, "Articles"]]
    shown = plan_changes.retired_table(revised, ind, voted.indicateurs)
    assert shown["Indicateur"].tolist() == ["Articles (indicateur retiré du plan)"] * 2
    assert shown["Objectif"].tolist() == ["—", "10"]
