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
    """The one shown row of an export.Table whose `column` (French header) reads `value`."""
    found = table.shown[table.shown[column] == value]
    assert len(found) == 1, f"{len(found)} row(s) with {column} = {value!r}"
    return found.iloc[0]


def test_presentation_stage_imports_no_streamlit():
    code = ("import sys, dashboard.plan, dashboard.metrics, dashboard.present, dashboard.present.views; "
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
