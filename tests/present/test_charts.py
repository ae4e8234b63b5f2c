"""The axes of the charts say what the bars hold, in French: a panel without any amount has a single
tick « 0 € », never 0,5 € rounded to « 1 € »."""

from __future__ import annotations

import pandas as pd

from dashboard.present import charts


def test_an_empty_panel_has_one_tick_at_zero():
    # axe 2 alone (the page filtered on it): no one-off amount, 50 000 € a year
    table = pd.DataFrame({"label": ["Axe 2"], "axe": [2], "unique_min": [0.0], "unique_max": [0.0],
                          "annuel_min": [50_000.0], "annuel_max": [50_000.0]})
    fig = charts.budget_split_figure(table, "label", "Axe 2 : 300 000 € sur 2023-2028")
    assert fig.layout.xaxis.tickvals == (0,) and list(fig.layout.xaxis.range) == [0, 1]
    assert fig.layout.xaxis2.tickvals is None                   # the annual panel keeps plotly's ticks
    assert list(fig.layout.xaxis2.range) == [0, 50_000 * 1.75]


def test_a_projector_slide_without_any_amount_has_one_tick_at_zero():
    from dashboard.present import projector

    fig = projector.range_bars(["Axe 4"], [0.0], [0.0], ["#882255"])
    assert fig.layout.xaxis.tickvals == (0,) and list(fig.layout.xaxis.range) == [0, 1]
    fig = projector.range_bars(["Axe 1"], [10_000.0], [20_000.0], ["#0072B2"])
    assert fig.layout.xaxis.tickvals is None and list(fig.layout.xaxis.range) == [0, 20_000 * 1.4]
