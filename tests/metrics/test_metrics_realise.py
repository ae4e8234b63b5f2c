"""Prévu / réalisé at equal scope: the realized against the planned of the axes that declared that year."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from dashboard import metrics

NAN = math.nan


def _pr(rows):
    return pd.DataFrame(rows, columns=["annee", "axe", "prevu_min", "prevu_max", "realise"])


def test_the_directors_2025_example_by_hand():
    # 2025 of the demonstration: axes 1 and 3 declared their spending, 2 and 5 (100 000 € planned) did
    # not, axe 4 plans nothing. Like for like: 101 140 + 10 820 = 111 960 € for 120 000 + 10 000 =
    # 130 000 € to 120 000 + 15 000 = 135 000 €, not for the whole 230 000 – 235 000 €.
    pr = _pr([(2025, 1, 120_000, 120_000, 101_140), (2025, 2, 50_000, 50_000, NAN), (2025, 3, 10_000, 15_000, 10_820),
              (2025, 4, 0, 0, NAN), (2025, 5, 50_000, 50_000, NAN)])
    row = metrics.a_perimetre_egal(pr, ("prevu_min", "prevu_max")).iloc[0]
    assert row["realise"] == 111_960
    assert (row["prevu_min"], row["prevu_max"]) == (130_000, 135_000)
    assert (row["prevu_min_tout"], row["prevu_max_tout"]) == (230_000, 235_000)
    assert row["axes_declares"] == (1, 3)
    assert row["axes_sans_declaration"] == (2, 5)   # axe 4 plans nothing: it misses nothing
    assert row["prevu_sans_declaration"] == 100_000
    assert 111_960 / row["prevu_max"] == pytest.approx(0.829, abs=1e-3)
    assert 111_960 / row["prevu_min"] == pytest.approx(0.861, abs=1e-3)


def test_a_year_without_any_declaration_keeps_the_whole_plan_and_no_realized():
    pr = _pr([(2026, 1, 100, 200, NAN), (2026, 2, 50, 50, NAN)])
    row = metrics.a_perimetre_egal(pr, ("prevu_min", "prevu_max")).iloc[0]
    assert not row["declare"] and math.isnan(row["realise"])
    assert (row["prevu_min"], row["prevu_max"]) == (150, 250)
    assert row["axes_declares"] == () and row["axes_sans_declaration"] == (1, 2)


def test_a_declared_zero_is_a_declaration():
    pr = _pr([(2024, 1, 100, 100, 0.0), (2024, 2, 50, 50, NAN)])
    row = metrics.a_perimetre_egal(pr, ("prevu_min", "prevu_max")).iloc[0]
    assert row["declare"] and row["realise"] == 0 and row["prevu_max"] == 100
    assert row["axes_declares"] == (1,) and row["axes_sans_declaration"] == (2,)


def test_from_the_small_plans_budget_and_etp(small):
    realise = pd.DataFrame({"action_id": [1, 3], "annee": [2023, 2024], "depenses": [1_000.0, 7_000.0],
                            "etp": [0.4, NAN]})
    budget = metrics.a_perimetre_egal(metrics.prevu_realise_budget(small, realise), ("prevu_min", "prevu_max"))
    y2024 = budget.set_index("annee").loc[2024]
    # 2024: axe 2 declared 7 000 € for its promotion (5 000 – 10 000 €); axe 1 (panneaux 200 000 € +
    # entretien 20 000 €) declared nothing
    assert (y2024["realise"], y2024["prevu_min"], y2024["prevu_max"]) == (7_000, 5_000, 10_000)
    assert (y2024["prevu_min_tout"], y2024["prevu_max_tout"]) == (225_000, 230_000)
    assert y2024["axes_sans_declaration"] == (1,) and y2024["prevu_sans_declaration"] == 220_000
    etp = metrics.a_perimetre_egal(metrics.prevu_realise_etp(small, realise), ("prevu",)).set_index("annee")
    # 2023: only axe 1 declared ETP (0,4 for 0,6 planned: 0,5 + 0,1); axe 2 (0,2) did not
    assert etp.loc[2023, "realise"] == pytest.approx(0.4)
    assert etp.loc[2023, "prevu"] == pytest.approx(0.6) and etp.loc[2023, "prevu_tout"] == pytest.approx(0.8)
    assert not etp.loc[2024, "declare"]  # the 2024 row declares spending, not ETP
