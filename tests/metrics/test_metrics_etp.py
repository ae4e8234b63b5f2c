"""ETP metrics on a small hand-made plan (expectations computed by hand in comments)."""

from __future__ import annotations

import pandas as pd
import pytest
from metrics_builders import NA, NAN, make_plan

from dashboard import metrics

# small_plan() ETP lines, period 2023-2025:
#   action 1 (axe 1): Pays d'art et d'histoire 0,5
#   action 2 (axe 1): Direction 0,1 ; Pôle administratif 0,4 from 2024
#   action 3 (axe 2): Direction 0,2
# Capacité: Direction 0,25 (2023), 0,5 (2024), unknown (2025); Pôle administratif 0,3 each year.


@pytest.mark.parametrize(("by", "col", "value", "etp", "part"), [
    ("axe", "axe", 1, 1.0, 100 * 1.0 / 1.2),      # 0,5 + 0,1 + 0,4
    ("axe", "axe", 2, 0.2, 100 * 0.2 / 1.2),
    ("enjeu", "enjeu", "1.2", 0.5, 100 * 0.5 / 1.2),
    ("enjeu", "enjeu", "", 0.2, 100 * 0.2 / 1.2),
    ("action", "action_id", 2, 0.5, 100 * 0.5 / 1.2),
    ("action", "action_id", 4, 0.0, 0.0),         # no ETP line: zero, still listed
    ("service", "service", "Direction", 0.3, 25.0),  # 0,1 + 0,2
    ("service", "service", "Pays d'art et d'histoire", 0.5, 100 * 0.5 / 1.2),
])
def test_etp_by(small, by, col, value, etp, part):
    table = metrics.etp_by(small, by)
    row = table[table[col] == value]
    assert len(row) == 1
    assert row["etp"].iloc[0] == pytest.approx(etp)
    assert row["part"].iloc[0] == pytest.approx(part)


def test_etp_per_year_respects_the_years(small):
    per_year = metrics.etp_par_annee(small).groupby("annee")["etp"].sum()
    # 2023: 0,5 + 0,1 + 0,2 ; 2024 and 2025: + 0,4
    assert per_year.to_dict() == pytest.approx({2023: 0.8, 2024: 1.2, 2025: 1.2})


@pytest.mark.parametrize(("service", "annee", "alloue", "disponible", "statut"), [
    ("Direction", 2023, 0.3, 0.25, "surallocation"),
    ("Direction", 2024, 0.3, 0.5, "dans la capacité"),
    ("Direction", 2025, 0.3, NAN, "capacité inconnue"),
    ("Pôle administratif", 2023, 0.0, 0.3, "dans la capacité"),
    ("Pôle administratif", 2024, 0.4, 0.3, "surallocation"),
    ("Pays d'art et d'histoire", 2024, 0.5, NAN, "capacité inconnue"),
])
def test_capacity_vs_allocated(small, service, annee, alloue, disponible, statut):
    table = metrics.capacite_vs_alloue(small).set_index(["service", "annee"])
    row = table.loc[(service, annee)]
    assert row["alloue"] == pytest.approx(alloue)
    if pd.isna(disponible):
        assert pd.isna(row["disponible"])  # unknown stays unknown, never zero
    else:
        assert row["disponible"] == pytest.approx(disponible)
    assert row["statut"] == statut


def test_lines_without_capacity_are_listed_apart(small):
    apart = metrics.etp_sans_capacite(small)
    assert list(apart["service"]) == ["Pays d'art et d'histoire"]
    assert list(apart["action_id"]) == [1]


def test_capacity_outside_the_period_is_ignored():
    plan = make_plan(etp=[(1, "Direction", 0.2, NA, NA)], capacite=[("Direction", 2030, 1.0)])
    table = metrics.capacite_vs_alloue(plan)
    assert set(table["annee"]) == {2023, 2024, 2025}
    assert set(table["statut"]) == {"capacité inconnue"}


def test_prevu_realise_etp(small):
    realise = pd.DataFrame({"action_id": [1, 3], "annee": [2023, 2024], "depenses": [NAN, 7_000.0],
                            "etp": [0.4, 0.1]})
    table = metrics.prevu_realise_etp(small, realise).set_index(["annee", "axe"])
    assert table.loc[(2023, 1), "prevu"] == pytest.approx(0.6)   # 0,5 + 0,1 (pôle admin from 2024)
    assert table.loc[(2023, 1), "realise"] == pytest.approx(0.4)
    assert table.loc[(2024, 2), "realise"] == pytest.approx(0.1)
    assert pd.isna(table.loc[(2025, 1), "realise"])


def test_share_of_staff_sums_to_100(small):
    assert metrics.etp_by(small, "axe")["part"].sum() == pytest.approx(100)


# --- The shipped plan: ETP per axe equal to a hand computation from the plan's text --------------
REAL_ETP = [
    # axe 1: A1 « ETP du service Pays d'art et d'histoire » names staff time without a figure -> 0
    (1, 0.0),
    # axe 2: A31 « 0,5 ETP à l'office de tourisme » ; A32 « 0,1 ETP » ; A30 the other half of the post that
    #        A55 shares (« 1 ETP mutualisé avec la mission d'accompagnement à la transition », 50 % RSE) -> 0,5
    (2, 1.1),
    # axe 3: A36 « Ressources humaines de l'office 0,1 ETP » (A34 « Temps dédié » has no figure)
    (3, 0.1),
    # axe 4: A37 « 1 ETP » (A47, A48 « Service commercial » have no figure)
    (4, 1.0),
    # axe 5: A49 « 0,1 ETP de direction et 0,4 ETP pôle administratif » ; A50 « 0,2 ETP » ;
    #        A53 « 0,2 ETP pour l'animation de la démarche » ; A55 « (50% dédié à la missions) » of 1 ETP
    (5, 1.4),
]


@pytest.mark.parametrize(("axe", "etp"), REAL_ETP)
def test_real_etp_per_axe(request, axe, etp):
    table = metrics.etp_by(request.getfixturevalue("plan"), "axe").set_index("axe")
    assert table.loc[axe, "etp"] == pytest.approx(etp)


def test_real_unfigured_staff_time_is_listed(plan):
    # A1, A34, A38, A47, A48 name staff time without a figure
    assert sorted(metrics.etp_non_chiffres(plan)["action_id"]) == [1, 34, 38, 47, 48]
