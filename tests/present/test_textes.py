"""The texts an indicator's value and its change read as, in every unit."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dashboard import fmt
from dashboard.present import textes

NAN = float("nan")


@pytest.mark.parametrize(("valeur", "unite", "date", "expected"), [
    (1234.5, "nombre", None, fmt.nombre(1234.5, 1)),
    (12000, "€", None, fmt.euros(12000)),
    (45, "%", None, fmt.pct(45, 1)),
    (1.0, "oui/non", None, "oui"),
    (0.0, "oui/non", None, "non"),
    (1.0, "date", pd.Timestamp("2025-12-31"), "31/12/2025"),
    (NAN, "nombre", None, "—"),
])
def test_indicateur_texte(valeur, unite, date, expected):
    assert textes.indicateur_texte(valeur, unite, date) == expected


@pytest.mark.parametrize(("variation", "pct", "unite", "expected"), [
    (20, 20, "nombre", f"▲ +20 (+{fmt.pct(20, 1)})"),
    (-30000, -25, "€", f"▼ −{fmt.euros(30000)} (−{fmt.pct(25, 1)})"),
    (0, 0, "nombre", f"= 0 ({fmt.pct(0, 1)})"),
    (3.5, 10, "%", "▲ +3,5\u00a0pts"),          # a rate changes by points, not by percent
    (12.5, NAN, "nombre", "▲ +12,5"),            # from zero: the absolute change
    (NAN, NAN, "nombre", "—"),
])
def test_variation_texte(variation, pct, unite, expected):
    assert textes.variation_texte(variation, pct, unite) == expected


# --- Fourchettes arrondies : la précision qui les garde vraies -------------------------------------

def _read_range(text: str) -> tuple[float, float, float]:
    """(low, high, rounding step in euros) of a range as fourchette_courte writes it."""
    plain = text.replace("\u202f", "").replace("\u00a0", " ")
    parts = [p.strip() for p in plain.split(" à ")]
    if len(parts) == 1:
        parts = parts * 2
    unit_hi = 1_000_000 if parts[1].endswith("M€") else 1

    def value(part: str, unit: int) -> tuple[float, float]:
        number = part.removesuffix("M€").removesuffix("€").strip()
        decimals = len(number.split(",")[1]) if "," in number else 0
        return float(number.replace(",", ".")) * unit, unit * 10 ** -decimals

    lo_unit = 1 if parts[0].endswith("€") and not parts[0].endswith("M€") else unit_hi
    (a, step_a), (b, step_b) = value(parts[0], lo_unit), value(parts[1], unit_hi)
    return a, b, max(step_a, step_b)


@pytest.mark.parametrize(("lo", "hi", "decimals"), [
    (1_141_500, 1_161_500, 2), (1_200_000, 1_650_000, 1), (1_000_000, 1_200_000, 1),
    (1_000_000, 1_199_999, 2), (1_801_500, 1_820_000, None), (5_000_000, 5_000_001, None),
])
def test_decimales_fourchette(lo, hi, decimals):
    assert textes.decimales_fourchette(lo, hi) == decimals


AMOUNTS = st.floats(min_value=0, max_value=50_000_000, allow_nan=False, allow_infinity=False)


@settings(max_examples=300, deadline=None)
@given(AMOUNTS, AMOUNTS)
def test_fourchette_courte_contains_the_true_range_and_stays_distinct(x, y):
    lo, hi = sorted((x, y))
    a, b, step = _read_range(textes.fourchette_courte(lo, hi))
    # each end shown stands for the true end, at its rounding step
    assert a - step / 2 - 0.5 <= lo <= a + step / 2 + 0.5
    assert b - step / 2 - 0.5 <= hi <= b + step / 2 + 0.5
    if round(lo) != round(hi):
        assert a < b                                   # a range never reads as one figure
        if step > 1:                                   # rounded: never much wider than it is
            assert step <= (hi - lo) / 2
            assert b - a <= (hi - lo) + step


@pytest.mark.parametrize(("stem", "svg", "filename", "format_"), [
    ("budget_par_axe", False, "budget_par_axe_2026-12-06", "png"),
    ("Retards / axe 1", True, "Retards_axe_1_2026-12-06", "svg"),     # a safe file name
    ("", False, "graphique_2026-12-06", "png"),
    ("Axe 1 porte 63 % du budget sur la période", False,      # accents kept as letters
     "Axe_1_porte_63_du_budget_sur_la_periode_2026-12-06", "png"),
])
def test_chart_export_config_names_the_image_by_chart_and_date(stem, svg, filename, format_):
    from dashboard.present import charts

    c = charts.export_config(stem, day="2026-12-06", svg=svg)
    assert c["modeBarButtons"] == [["toImage"]] and c["displayModeBar"] is True
    assert c["toImageButtonOptions"]["filename"] == filename and c["toImageButtonOptions"]["format"] == format_
