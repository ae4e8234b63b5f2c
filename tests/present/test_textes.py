"""The texts an indicator's value and its change read as, in every unit."""

from __future__ import annotations

import pandas as pd
import pytest

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
