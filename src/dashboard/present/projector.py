"""Charts at projector sizes: legible from the back of a meeting room (text of 22 px and more, no
figure title: the slide's title states the message), a height that fits the screen, and the two
bar charts the comité's slides draw (ranges of euros, values at the end of each bar).
"""

from __future__ import annotations

import plotly.graph_objects as go

from dashboard import fmt
from dashboard.present import charts
from dashboard.present.textes import fourchette_courte

FONT_SIZE = 24


TICK_SIZE = 22


FIG_HEIGHT = 560


INK = "#1B1F24"


def has_legend(fig: go.Figure) -> bool:
    shown = [t for t in fig.data if t.showlegend is not False]
    return len(shown) > 1


def projector(fig: go.Figure, height: int = FIG_HEIGHT) -> go.Figure:
    """Big fonts everywhere (≥ 22 px), no figure title (the slide's title says it), French separators."""
    charts.style(fig, "", height=height)
    fig.update_layout(
        title=None, font={"size": FONT_SIZE, "color": INK}, legend={"font": {"size": TICK_SIZE}, "traceorder": "normal"},
        margin={"l": 10, "r": 40, "t": 60 if has_legend(fig) else 10, "b": 10},
        hoverlabel={"font_size": TICK_SIZE},
        uniformtext={"minsize": TICK_SIZE, "mode": "show"},  # no label shrunk inside a thin bar
    )
    # automargin: the margins grow to hold the tick labels, which a fixed 10-pixel margin clipped
    fig.update_xaxes(tickfont={"size": TICK_SIZE, "color": INK}, title_font_size=TICK_SIZE, automargin=True)
    fig.update_yaxes(tickfont={"size": TICK_SIZE, "color": INK}, title_font_size=TICK_SIZE, automargin=True)
    fig.update_annotations(font_size=TICK_SIZE)
    for trace in fig.data:
        if "textfont" in trace:
            trace.textfont.size = FONT_SIZE
    return fig


def rows_height(rows: int) -> int:
    """A chart tall enough for its bars at projector sizes, short enough to fit a 900-pixel screen."""
    return int(min(FIG_HEIGHT, max(360, 110 + 78 * rows)))


def range_bars(labels, lo, hi, colors) -> go.Figure:
    """Horizontal ranges (solid to the minimum, light to the maximum), the short range written at the end."""
    fig = go.Figure(charts.range_traces(labels, lo, hi, colors))
    fig.data[1].text = [fourchette_courte(a, b) if b else "0\u00a0€" for a, b in zip(lo, hi, strict=True)]
    fig.update_layout(barmode="stack")
    fig.update_yaxes(type="category", autorange="reversed", automargin=True)
    fig.update_xaxes(ticksuffix="\u00a0€", tickformat=",.0f", rangemode="tozero", nticks=5)
    charts.value_axis(fig, max([float(x) for x in hi] + [0.0]), 1.4)
    return fig


def bars(labels, values, colors, suffix: str = "") -> go.Figure:
    """Horizontal bars with their value at the end."""
    texts = [f"{fmt.nombre(v, 2)}{suffix}" for v in values]
    fig = go.Figure(go.Bar(y=list(labels), x=[float(v) for v in values], orientation="h",
                           marker_color=list(colors), text=texts, textposition="outside", cliponaxis=False,
                           hovertemplate="%{y} : %{text}<extra></extra>"))
    fig.update_yaxes(type="category", autorange="reversed", automargin=True)
    fig.update_xaxes(rangemode="tozero", nticks=5)
    charts.value_axis(fig, max([float(v) for v in values] + [0.0]), 1.3)
    return fig

