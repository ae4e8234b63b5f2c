"""The calendar's figures: the Gantt of the actions (one row per action, grouped by axe, coloured by
its situation at the date « situation au »), the count of actions per situation and the slippage of
end dates. Pure functions of `metrics.calendar`'s tables; the colours, fonts and French separators
are `charts`'. They draw, they never compute a figure.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from dashboard import fmt
from dashboard.present import couleurs
from dashboard.present.charts import GREY, axe_color, axe_label, filled, short_label, style
from dashboard.present.couleurs import clair

# --- Calendrier et retards ------------------------------------------------------------------
# One row per action, grouped by axe. A dated jalon is a solid bar; a recurring one a light,
# hatched band over its years (an `estivale` one adds a solid bar per season); a jalon without an
# end is dotted up to the end of the period. Undated actions keep their row with the plan's words.

GANTT_ROW_PX = 26
SITUATION_COLORS = couleurs.SITUATIONS  # the same on the slides and in the files
_FORMES = {  # forme -> (opacity, pattern shape, legend label)
    "ponctuel": (1.0, "", "Jalon daté"),
    "saison": (1.0, "", "Jalon daté"),
    "récurrent": (0.35, "/", "Action récurrente (bande sur ses années)"),
    "fin non précisée": (0.35, ".", "Fin non précisée par le plan"),
    "début non précisé": (0.35, ".", "Fin non précisée par le plan"),
}
_DAY_MS = 24 * 3600 * 1000


def _ts_range(periods: pd.DataFrame, segments: pd.DataFrame, as_of, periode) -> list[pd.Timestamp]:
    lo = [pd.Timestamp(periode[0], 1, 1), pd.Timestamp(as_of)]
    hi = [pd.Timestamp(periode[1], 12, 31), pd.Timestamp(as_of)]
    if len(segments):
        lo.append(segments["debut"].min())
        hi.append(segments["fin"].max())
    return [min(lo) - pd.Timedelta(days=45), max(hi) + pd.Timedelta(days=45)]


def _today_line(fig: go.Figure, as_of, label: str) -> None:
    fig.add_shape(type="line", x0=as_of, x1=as_of, xref="x", y0=0, y1=1, yref="paper",
                  line={"color": "#C0392B", "width": 2, "dash": "dash"}, layer="above")
    fig.add_annotation(x=as_of, y=1, xref="x", yref="paper", yanchor="top", xanchor="left", text=label,
                       showarrow=False,
                       font={"color": "#C0392B", "size": 13}, bgcolor="rgba(255,255,255,0.85)")


def gantt_figure(periods: pd.DataFrame, segments: pd.DataFrame, undated: pd.DataFrame, as_of, periode,
                 title: str) -> go.Figure:
    """The plan's timeline: every action of `periods` on its own row (label), bars from `segments`,
    the words of the undated ones (`undated`: action_id, extrait, motif), a "situation au" line."""
    as_of = pd.Timestamp(as_of)
    rows = periods.sort_values(["axe", "action_id"])
    labels = list(rows["label"])
    label_of = dict(zip(rows["action_id"], rows["label"], strict=True))
    fig = go.Figure()
    seg = segments[segments["action_id"].isin(label_of)].copy()
    seg["label"] = seg["action_id"].map(label_of)
    for axe in sorted(rows["axe"].dropna().unique()):
        for forme, (opacity, shape, _legend) in _FORMES.items():
            d = seg[(seg["axe"] == axe) & (seg["forme"] == forme)]
            if d.empty:
                continue
            dates = [f"{fmt.jour(a)} au {fmt.jour(b)}" for a, b in zip(d["debut"], d["fin"], strict=True)]
            fig.add_trace(go.Bar(
                y=d["label"], base=d["debut"], x=((d["fin"] - d["debut"]).dt.days + 1) * _DAY_MS,
                orientation="h", name=axe_label(axe), showlegend=False,
                # a lighter band keeps the axe's colour in its hatching and outline (3:1 on white)
                marker={"color": clair(axe_color(axe), opacity),
                        "pattern": {"shape": shape, "fgcolor": axe_color(axe), "solidity": 0.3},
                        "line": {"width": 1 if opacity < 1 else 0, "color": axe_color(axe)}},
                customdata=list(zip(d["titre"], d["jalon"], dates, d["extrait"], d["forme"], strict=True)),
                hovertemplate=("<b>%{customdata[0]}</b><br>%{customdata[1]} (%{customdata[4]})<br>"
                               "Du %{customdata[2]}<br>Plan : « %{customdata[3]} »<extra></extra>"),
            ))
    x_range = _ts_range(rows, seg, as_of, periode)
    words = undated[undated["action_id"].isin(rows.loc[~rows["datee"], "action_id"])]
    words = words.groupby("action_id").agg(extrait=("extrait", lambda s: " ; ".join(x for x in s if x)),
                                           motif=("motif", "first")).reset_index()
    if len(words):
        texts = [f"sans date : « {short_label(e, 60)} »" if e else f"sans date : {m}"
                 for e, m in zip(words["extrait"], words["motif"], strict=True)]
        fig.add_trace(go.Scatter(
            x=[x_range[0] + pd.Timedelta(days=20)] * len(words), y=words["action_id"].map(label_of),
            mode="text", text=texts, textposition="middle right", showlegend=False,
            textfont={"color": "#5A6169", "size": 13, "style": "italic"},
            hovertemplate="%{y}<br>%{text}<extra></extra>",
        ))
    # legend: one entry per axe, one per kind of bar
    for axe in sorted(rows["axe"].dropna().unique()):
        fig.add_trace(go.Bar(x=[None], y=[None], name=axe_label(axe), marker_color=axe_color(axe),
                             orientation="h", showlegend=True))
    # dict, not set: the legend keeps _FORMES' order whatever the process's string hashing
    for opacity, shape, legend in dict.fromkeys((o, s, lg) for o, s, lg in _FORMES.values() if s):
        fig.add_trace(go.Bar(x=[None], y=[None], name=legend, orientation="h", showlegend=True,
                             marker={"color": clair(GREY, opacity), "line": {"width": 1, "color": GREY},
                                     "pattern": {"shape": shape, "fgcolor": "#4C566A", "solidity": 0.3}}))
    # a thin line between axes
    for i in rows.reset_index(drop=True).groupby("axe").head(1).index:
        if i:
            fig.add_shape(type="line", xref="paper", x0=0, x1=1, y0=i - 0.5, y1=i - 0.5, yref="y",
                          line={"color": "#4C566A", "width": 1})
    _today_line(fig, as_of, f"Situation au {fmt.jour(as_of)}")
    # Top to bottom: the title, the legend (two rows on a wide screen, up to seven on a 1024-pixel one),
    # the years, the rows.
    # The legend hangs from just under the title, so that however many rows it wraps to, it never
    # climbs over the title.
    top = 250
    height = top + 20 + GANTT_ROW_PX * max(len(labels), 1)
    style(fig, title, height)
    plot_h = height - top - 20
    fig.update_layout(barmode="overlay", bargap=0.35, margin={"l": 10, "r": 20, "t": top, "b": 20},
                      title={"y": 1, "yref": "container", "yanchor": "top", "pad": {"t": 12}},
                      legend={"y": 1 + (top - 52) / plot_h, "yanchor": "top", "x": 0, "orientation": "h",
                              "traceorder": "normal"})
    fig.update_xaxes(type="date", range=x_range, side="top", dtick="M12", tickformat="%Y", ticklabelmode="period",
                     showgrid=True, minor={"dtick": "M3", "showgrid": True, "gridcolor": "#F3F4F6"})
    fig.update_yaxes(type="category", categoryorder="array", categoryarray=labels, autorange="reversed",
                     tickfont={"size": 13}, automargin=True, showgrid=False, range=[len(labels) - 0.5, -0.5])
    return fig


def status_counts_figure(counts: pd.DataFrame, situations, title: str) -> go.Figure:
    """Per axe, the actions in each situation (stacked horizontal bars, one colour per situation)."""
    d = counts.sort_values("axe", ascending=False)
    labels = [axe_label(a) for a in d["axe"]]
    fig = go.Figure()
    for s in situations:
        fig.add_trace(go.Bar(
            y=labels, x=d[s], name=s.capitalize(), orientation="h", **filled(SITUATION_COLORS.get(s, GREY)),
            text=[str(int(v)) if v else "" for v in d[s]], textposition="inside", insidetextanchor="middle",
            hovertemplate="%{y} : %{x} action(s) " + s + "<extra></extra>",
        ))
    style(fig, title, max(300, 150 + 48 * len(d)))
    fig.update_layout(barmode="stack", legend={"traceorder": "normal"})
    fig.update_xaxes(title="Actions", rangemode="tozero")
    fig.update_yaxes(title=None, automargin=True)
    return fig


def slippage_figure(sched: pd.DataFrame, as_of, title: str) -> go.Figure:
    """Planned, revised and actual ends side by side, one row per action (`sched` from metrics.schedule)."""
    d = sched.sort_values(["axe", "action_id"])
    fig = go.Figure()
    for _, r in d.iterrows():
        ends = [x for x in (r["fin_prevue"], r["fin_revisee"], r["fin_reelle"]) if pd.notna(x)]
        if len(ends) > 1:
            fig.add_trace(go.Scatter(x=[min(ends), max(ends)], y=[r["label"]] * 2, mode="lines", showlegend=False,
                                     line={"color": axe_color(r["axe"]), "width": 3}, hoverinfo="skip"))
    marks = (("fin_prevue", "Fin prévue", "circle-open"), ("fin_revisee", "Fin révisée", "diamond"),
             ("fin_reelle", "Fin réelle", "circle"))
    for col, name, symbol in marks:
        e = d[d[col].notna()]
        fig.add_trace(go.Scatter(
            x=e[col], y=e["label"], mode="markers", name=name,
            marker={"symbol": symbol, "size": 13, "color": [axe_color(a) for a in e["axe"]],
                    "line": {"width": 2, "color": [axe_color(a) for a in e["axe"]]}},
            customdata=[[t, fmt.jour(x)] for t, x in zip(e["titre"], e[col], strict=True)],
            hovertemplate="<b>%{customdata[0]}</b><br>" + name + " : %{customdata[1]}<extra></extra>",
        ))
    _today_line(fig, pd.Timestamp(as_of), f"Situation au {fmt.jour(as_of)}")
    style(fig, title, 150 + 34 * max(len(d), 1))
    fig.update_layout(margin={"l": 10, "r": 20, "t": 90, "b": 40})
    fig.update_xaxes(type="date", dtick="M6", tickformat="%m/%Y")
    fig.update_yaxes(type="category", categoryorder="array", categoryarray=list(d["label"]), autorange="reversed",
                     automargin=True)
    return fig
