"""Plotly figure builders: pure functions of DataFrames, French separators, one colour per axe."""

from __future__ import annotations

import plotly.graph_objects as go

# Okabe-Ito: colour-blind-safe, one colour per axe (cycled past eight axes).
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000")
GREY = "#9AA1A9"
FONT = "Source Sans Pro, Arial, sans-serif"


def axe_color(axe: int) -> str:
    """The colour of an axe, the same on every page and in every export."""
    return PALETTE[(int(axe) - 1) % len(PALETTE)]


def axe_colors(axes) -> dict[str, str]:
    """{"Axe 1": colour, ...} for plotly's color_discrete_map."""
    return {axe_label(a): axe_color(a) for a in axes}


def axe_label(axe: int) -> str:
    return f"Axe {int(axe)}"


def style(fig: go.Figure, title: str, height: int = 420) -> go.Figure:
    """The common layout: a title that states the message, French separators, readable fonts."""
    fig.update_layout(
        title={"text": title, "x": 0, "xanchor": "left", "font": {"size": 20}},
        separators=", ",
        font={"family": FONT, "size": 15},
        height=height,
        margin={"l": 10, "r": 10, "t": 70, "b": 10},
        legend={"title": None, "orientation": "h", "yanchor": "bottom", "y": 1.0, "x": 0},
        plot_bgcolor="white",
        paper_bgcolor="white",
        hoverlabel={"font_size": 14},
    )
    fig.update_xaxes(gridcolor="#E5E8EC", zerolinecolor="#C9CED4")
    fig.update_yaxes(gridcolor="#E5E8EC", zerolinecolor="#C9CED4")
    return fig
