"""Plotly figure builders: pure functions of DataFrames, French separators, one colour per axe (the
calendar's figures are `charts_calendar`)."""

from __future__ import annotations

import re
import textwrap

import pandas as pd
import plotly.graph_objects as go

from dashboard import fmt

# the colours (axes, situations, indicators) are couleurs', the same in the slides and the files
from dashboard.present.couleurs import (  # noqa: F401
    A_COLLECTER,
    DEFAVORABLE,
    FAVORABLE,
    GREY,
    INK,
    PALETTE,
    clair,
    contour,
    texte_sur,
)

FONT = "Source Sans Pro, Arial, sans-serif"


# Plotly draws the text of titles, axes, labels and hovers as a little HTML: <a href> is a link, <span
# style> takes CSS. A title from the plan or a version's label must stay text: every "<" that does not
# open the only tags the charts write themselves (<br>, <b>, </b>, and <extra></extra> of a hover) is
# written "&lt;", every "&" "&amp;" (plotly shows both as the character).
_PLOTLY_NOT_OURS = re.compile(r"&|<(?!br>|/?b>|/?extra>)", re.IGNORECASE)


def plotly_brut(value):
    """A figure as JSON values (fig.to_json read back) whose every text shows literally: what a page, the
    HTML deck and the PDF hand to plotly.js."""
    if isinstance(value, str):
        return _PLOTLY_NOT_OURS.sub(lambda m: "&amp;" if m.group() == "&" else "&lt;", value)
    if isinstance(value, dict):
        return {k: plotly_brut(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plotly_brut(v) for v in value]
    return value


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
        font={"family": FONT, "size": 15, "color": INK},
        height=height,
        margin={"l": 10, "r": 10, "t": 70, "b": 10},
        legend={"title": None, "orientation": "h", "yanchor": "bottom", "y": 1.0, "x": 0},
        plot_bgcolor="white",
        paper_bgcolor="white",
        hoverlabel={"font_size": 14},
    )
    fig.update_xaxes(gridcolor="#E5E8EC", zerolinecolor="#C9CED4", tickfont_color=INK, title_font_color=INK)
    fig.update_yaxes(gridcolor="#E5E8EC", zerolinecolor="#C9CED4", tickfont_color=INK, title_font_color=INK)
    fig.update_annotations(selector=lambda a: a.font.color is None, font_color=INK)  # panel titles
    fig.update_traces(selector=lambda t: hasattr(t, "textfont") and t.textfont.color is None, textfont_color=INK)
    return fig


# === Budget, ETP et vue d'ensemble =================================================# Ranges are drawn as ranges: a solid bar to the minimum, a lighter segment up to the maximum.

LIGHT = 0.35  # opacity of the min → max segment
NEUTRAL = "#4C566A"  # bars that are not an axe (porteurs, services)


def filled(color: str) -> dict:
    """A bar's colour with what keeps it readable: an outline when the fill is too light to stand out
    from white by 3:1 (« sans suivi »), and the text written inside it at 4,5:1 (white or near-black)."""
    edge = contour(color)
    return {"marker_color": color, "marker_line": {"color": edge, "width": 0 if edge == color else 1},
            "textfont_color": texte_sur(color)}


def value_axis(fig: go.Figure, top: float, stretch: float, **where) -> None:
    """The value axis from 0 to `top` × `stretch` (room for the text at the bars' end); with nothing to
    show (`top` 0), a single tick « 0 », never « 0 € 1 € 1 € » (0,5 rounded to a euro)."""
    if top > 0:
        fig.update_xaxes(range=[0, top * stretch], **where)
    else:
        fig.update_xaxes(range=[0, 1], tickvals=[0], **where)


def short_label(text, n: int = 48) -> str:
    text = str(text)
    return text if len(text) <= n else text[: n - 1].rstrip() + "…"


def wrap_label(text, width: int = 44) -> str:
    """A bar's label on as many lines (<br>) as it needs, words kept whole: never cut with « … »."""
    text = str(text)
    return "<br>".join(textwrap.wrap(text, width, break_long_words=False)) or text


def row_height(labels, base: int) -> int:
    """Pixels per bar: `base`, or more when a wrapped label needs more lines (18 px a line)."""
    lines = max([str(x).count("<br>") + 1 for x in labels] + [1])
    return max(base, 18 * lines + 10)


def axe_titles(axes, libelles, width: int = 48) -> list[str]:
    """`Axe 1 – Soutenir la fréquentation pour…` on lines of `width` characters (the whole libellé)."""
    return [wrap_label(f"{axe_label(a)} – {lib}", width) for a, lib in zip(axes, libelles, strict=True)]


def _eur(x) -> str:
    return fmt.euros(x)


def _range_text(lo, hi) -> str:
    return fmt.fourchette(lo, hi)


def range_traces(labels, lo, hi, colors, name: str = "") -> list[go.Bar]:
    """Two stacked horizontal bars per label: solid to min, light from min to max."""
    lo = [float(x) for x in lo]
    hi = [float(x) for x in hi]
    texts = [_range_text(a, b) if b else "0 €" for a, b in zip(lo, hi, strict=True)]
    common = {"y": list(labels), "orientation": "h", "marker_color": list(colors), "showlegend": False,
              "hovertemplate": "%{y}<br>%{customdata}<extra></extra>", "customdata": texts}
    widths = [1.5 if b > a else 0 for a, b in zip(lo, hi, strict=True)]  # no edge on an empty segment
    light = {**common, "marker_color": [clair(c, LIGHT) for c in colors],
             "marker_line": {"color": [contour(c) for c in colors], "width": widths}}
    return [
        go.Bar(x=lo, name=f"{name} minimum", **common),
        # the lighter segment keeps the bar's colour as its outline: its edge stands out by 3:1
        go.Bar(x=[b - a for a, b in zip(lo, hi, strict=True)], name=f"{name} jusqu'au maximum", text=texts,
               textposition="outside", cliponaxis=False, **light),
    ]


def budget_split_figure(table: pd.DataFrame, label_col: str, title: str, colors=None,
                        height: int | None = None) -> go.Figure:
    """One-off (left) and annual (right) ranges per row of a budget_by table."""
    from plotly.subplots import make_subplots  # noqa: PLC0415

    labels = [wrap_label(x) for x in table[label_col]]
    if colors is None:
        colors = [axe_color(a) for a in table["axe"]] if "axe" in table else [NEUTRAL] * len(table)
    fig = make_subplots(rows=1, cols=2, shared_yaxes=True, horizontal_spacing=0.12,
                        subplot_titles=("Ponctuel (dépenses uniques)", "Récurrent (par an)"))
    for col, prefix in ((1, "unique"), (2, "annuel")):
        for trace in range_traces(labels, table[f"{prefix}_min"], table[f"{prefix}_max"], colors):
            fig.add_trace(trace, row=1, col=col)
    fig.update_layout(barmode="stack")
    fig.update_yaxes(type="category", autorange="reversed", automargin=True)
    fig.update_xaxes(ticksuffix=" €", tickformat=",.0f", rangemode="tozero", nticks=4)
    for col, prefix in ((1, "unique"), (2, "annuel")):
        top = float(table[f"{prefix}_max"].max() or 0)
        value_axis(fig, top, 1.75, row=1, col=col)
    style(fig, title, height=height or max(300, 110 + row_height(labels, 42) * len(table)))
    fig.update_annotations(font_size=15)
    return fig


TREEMAP_ACTIONS = 120  # beyond this many actions, the treemap opens on axes and enjeux


def budget_treemap(by_action: pd.DataFrame, axes: pd.DataFrame, enjeux: pd.DataFrame, title: str) -> go.Figure:
    """Axe → enjeu → action, sized by the maximum over the period (hover shows the range)."""
    a = by_action[by_action["periode_max"] > 0]
    ids, labels, parents, values, colors, hover = [], [], [], [], [], []

    def add(i, label, parent, lo, hi, color):
        ids.append(i)
        labels.append(label)
        parents.append(parent)
        values.append(float(hi))
        colors.append(color)
        hover.append(_range_text(lo, hi))

    libelle_axe = dict(zip(axes["axe"], axes["libelle"], strict=True))
    libelle_enjeu = dict(zip(enjeux["enjeu"], enjeux["libelle"], strict=True))
    for axe, ga in a.groupby("axe"):
        color = axe_color(axe)
        add(f"axe-{axe}", f"{axe_label(axe)} – {short_label(libelle_axe.get(axe, ''), 30)}", "",
            ga["periode_min"].sum(), ga["periode_max"].sum(), color)
        for enjeu, ge in ga.groupby("enjeu"):
            parent = f"axe-{axe}"
            if enjeu:
                add(f"enjeu-{enjeu}", f"{enjeu} {short_label(libelle_enjeu.get(enjeu, ''), 30)}", parent,
                    ge["periode_min"].sum(), ge["periode_max"].sum(), color)
                parent = f"enjeu-{enjeu}"
            for r in ge.itertuples():
                add(f"action-{r.action_id}", f"{r.action_id}. {short_label(r.titre, 34)}", parent,
                    r.periode_min, r.periode_max, color)
    fig = go.Figure(go.Treemap(
        ids=ids, labels=labels, parents=parents, values=values, branchvalues="total",
        marker={"colors": colors, "line": {"color": "white", "width": 2}}, customdata=hover,
        textfont={"color": [texte_sur(c) for c in colors]},  # white on a dark tile, near-black on green
        texttemplate="%{label}<br>%{customdata}", hovertemplate="%{label}<br>%{customdata}<extra></extra>",
        tiling={"pad": 2}, pathbar={"visible": True},
        # many actions: axes and enjeux first, an enjeu's actions when it is clicked (tiles stay readable)
        maxdepth=2 if len(a) > TREEMAP_ACTIONS else -1,
    ))
    style(fig, title, height=560)
    fig.update_layout(margin={"l": 5, "r": 5, "t": 70, "b": 5})
    return fig


def projection_figure(par_annee_axe: pd.DataFrame, totaux: pd.DataFrame, title: str) -> go.Figure:
    """Minimum planned per year stacked by axe, with the yearly total minimum and maximum as lines."""
    fig = go.Figure()
    years = [str(y) for y in totaux["annee"]]
    for axe, g in par_annee_axe.dropna(subset=["axe"]).groupby("axe"):
        g = g.set_index("annee").reindex(totaux["annee"]).fillna(0.0)
        fig.add_trace(go.Bar(x=years, y=g["montant_min"], name=axe_label(axe), marker_color=axe_color(axe),
                             customdata=[_range_text(a, b) for a, b in zip(g["montant_min"], g["montant_max"], strict=True)],
                             hovertemplate=f"{axe_label(axe)} · %{{x}}<br>%{{customdata}}<extra></extra>"))
    fig.add_trace(go.Scatter(x=years, y=totaux["montant_max"], name="Total maximum", mode="lines+markers+text",
                             line={"color": "#333333", "dash": "dash", "shape": "hvh"}, text=[_eur(v) for v in totaux["montant_max"]],
                             textposition="top center", hovertemplate="Maximum %{x} : %{text}<extra></extra>"))
    fig.add_trace(go.Scatter(x=years, y=totaux["montant_min"], name="Total minimum", mode="lines+markers",
                             line={"color": "#333333", "shape": "hvh"}, hovertemplate="Minimum %{x} : %{y:,.0f} €<extra></extra>"))
    fig.update_layout(barmode="stack")
    fig.update_xaxes(type="category", title=None)
    fig.update_yaxes(ticksuffix=" €", tickformat=",.0f", rangemode="tozero",
                     range=[0, float(totaux["montant_max"].max() or 1) * 1.18])
    fig.update_layout(legend_traceorder="normal")
    return style(fig, title, height=460)


def porteur_figure(by_porteur: pd.DataFrame, title: str) -> go.Figure:
    """Per porteur: one-off and annual ranges (neutral colour: a porteur is not an axe)."""
    return budget_split_figure(by_porteur, "porteur", title, colors=[NEUTRAL] * len(by_porteur))


def count_bars(labels, counts, colors, title: str, suffix: str = "", height: int | None = None) -> go.Figure:
    """Horizontal bars with their value written at the end (counts, ETP)."""
    fig = go.Figure(go.Bar(y=list(labels), x=list(counts), orientation="h", marker_color=list(colors),
                           text=[f"{fmt_num(v)}{suffix}" for v in counts], textposition="outside", cliponaxis=False,
                           hovertemplate="%{y} : %{text}<extra></extra>"))
    fig.update_yaxes(type="category", autorange="reversed", automargin=True)
    fig.update_xaxes(rangemode="tozero", range=[0, max([float(c) for c in counts] + [1]) * 1.25])
    return style(fig, title, height=height or max(260, 110 + row_height(labels, 40) * len(list(labels))))


def fmt_num(v) -> str:
    return fmt.nombre(v, 2)


def etp_service_figure(service_axe: pd.DataFrame, title: str) -> go.Figure:
    """ETP per service, stacked by axe."""
    fig = go.Figure()
    order = service_axe.groupby("service")["etp"].sum().sort_values(ascending=False).index
    labels = [wrap_label(s, 40) for s in order]
    for axe, g in service_axe.groupby("axe"):
        g = g.set_index("service").reindex(order)["etp"].fillna(0.0)
        fig.add_trace(go.Bar(y=labels, x=g.values, orientation="h", name=axe_label(axe), marker_color=axe_color(axe),
                             hovertemplate=f"{axe_label(axe)} · %{{y}} : %{{x:.2f}} ETP<extra></extra>"))
    totals = service_axe.groupby("service")["etp"].sum().reindex(order)
    fig.add_trace(go.Scatter(y=labels, x=totals.values, mode="text", text=[f"  {fmt_num(v)} ETP" for v in totals],
                             textposition="middle right", showlegend=False, hoverinfo="skip", cliponaxis=False))
    fig.update_yaxes(type="category", autorange="reversed", automargin=True)
    fig.update_xaxes(rangemode="tozero", range=[0, max(float(totals.max() or 0), 0.1) * 1.3], title="ETP")
    style(fig, title, height=max(320, 170 + row_height(labels, 44) * len(order)))
    # the legend under the plot: a long title must not run into it
    fig.update_layout(barmode="stack", legend={"traceorder": "normal", "y": -0.25, "yanchor": "top"})
    return fig


def capacity_figure(table: pd.DataFrame, title: str) -> go.Figure:
    """Allocated ETP per service for one year, against the available capacity (unknown said so)."""
    over = table["statut"] == "surallocation"
    colors = ["#D55E00" if o else "#0072B2" for o in over]
    labels = [wrap_label(s, 40) for s in table["service"]]
    fig = go.Figure(go.Bar(y=labels, x=table["alloue"], orientation="h", marker_color=colors, name="ETP alloués",
                           hovertemplate="%{y} : %{x:.2f} ETP alloués<extra></extra>"))
    known = table["disponible"].notna()
    fig.add_trace(go.Scatter(y=[lab for lab, k in zip(labels, known, strict=True) if k], x=table.loc[known, "disponible"],
                             mode="markers", name="ETP disponibles",
                             marker={"symbol": "line-ns", "size": 30, "line": {"width": 4, "color": "#000000"}},
                             hovertemplate="%{y} : %{x:.2f} ETP disponibles<extra></extra>"))
    notes = [("surallocation" if s == "surallocation" else "capacité inconnue" if s == "capacité inconnue" else "")
             for s in table["statut"]]
    top = max(float(table["alloue"].max() or 0), float(table["disponible"].max()) if known.any() else 0, 0.1)
    fig.add_trace(go.Scatter(y=labels, x=table["alloue"], mode="text", text=[f"  {fmt_num(v)} ETP" + (f" · {n}" if n else "") for v, n in
                                                                             zip(table["alloue"], notes, strict=True)],
                             textposition="middle right", showlegend=False, hoverinfo="skip", cliponaxis=False))
    fig.update_yaxes(type="category", autorange="reversed", automargin=True)
    fig.update_xaxes(rangemode="tozero", range=[0, top * 1.6], title="ETP")
    return style(fig, title, height=max(300, 130 + row_height(labels, 44) * len(table)))


def prevu_realise_figure(table: pd.DataFrame, title: str, unit: str = "€") -> go.Figure:
    """Per year: the planned range (light bar min → max) and what was realised (dark marker)."""
    years = [str(y) for y in table["annee"]]
    fig = go.Figure()
    if "prevu_min" in table:
        lo, hi = table["prevu_min"], table["prevu_max"]
        texts = [_range_text(a, b) for a, b in zip(lo, hi, strict=True)]
        fig.add_trace(go.Bar(x=years, y=lo, name="Prévu (minimum)", marker_color=GREY,
                             customdata=texts, hovertemplate="Prévu %{x} : %{customdata}<extra></extra>"))
        fig.add_trace(go.Bar(x=years, y=hi - lo, name="Prévu (jusqu'au maximum)", marker_color=clair(GREY, LIGHT),
                             marker_line={"color": GREY, "width": 1.5},
                             customdata=texts, hovertemplate="Prévu %{x} : %{customdata}<extra></extra>"))
        fig.update_layout(barmode="stack")
    else:
        fig.add_trace(go.Bar(x=years, y=table["prevu"], name="Prévu", marker_color=GREY))
    fig.add_trace(go.Scatter(x=years, y=table["realise"], mode="markers", name="Réalisé",
                             marker={"symbol": "diamond", "size": 16, "color": "#000000"}))
    fig.update_xaxes(type="category")
    fig.update_yaxes(ticksuffix=f" {unit}", tickformat=",.0f" if unit == "€" else ",.1f", rangemode="tozero")
    return style(fig, title, height=380)


def lead_title(labels, values, what: str, verb: str = "porte", single: str | None = None) -> str:
    """A title that states the message: which label leads, with its share of the total. With one label
    only (a filter keeps one axe), a share says nothing (« 100 % »): `single` then, or the label alone."""
    values = [0.0 if pd.isna(v) else float(v) for v in values]
    total = sum(values)
    if not total:
        return f"Aucun {what} dans la sélection"
    labels = list(labels)
    if len(labels) == 1:
        return single or f"{labels[0]}, seul retenu par les filtres : {what}"
    i = max(range(len(values)), key=values.__getitem__)
    return f"{labels[i]} {verb} {fmt.pct(100 * values[i] / total)} du {what}"


# --- Indicateurs -----------------------------------------------------------------------------

FAVORABLE_COLOR, DEFAVORABLE_COLOR = FAVORABLE, DEFAVORABLE  # couleurs: one definition
UNIT_AXIS = {"nombre": "Nombre", "€": "Montant (€)", "%": "Taux (%)"}


def _fr(x: float, unite: str) -> str:
    from dashboard import fmt  # noqa: PLC0415

    if unite == "€":
        return fmt.euros(x)
    if unite == "%":
        return fmt.pct(x, 1)
    return fmt.nombre(x, 1)


def indicateur_tendance(evo, title: str, unite: str, height: int = 420) -> go.Figure:
    """One indicator's results per year (solid line) and objectives (dashed line, open markers).

    `evo`: rows of metrics.indicateur_evolution for one indicator (annee, resultat, objectif).
    Years are categories so that every year of the period shows, collected or not.
    """
    fig = go.Figure()
    years = [str(int(y)) for y in evo["annee"]]
    res = evo["resultat"].astype(float)
    obj = evo["objectif"].astype(float)
    # a result's label goes on the side away from its objective, so the two never overlap
    below = [o == o and r == r and r < o for r, o in zip(res, obj, strict=True)]
    fig.add_trace(go.Scatter(
        x=years, y=res, name="Résultat", mode="lines+markers+text", connectgaps=False, showlegend=True,
        line={"color": PALETTE[0], "width": 3}, marker={"size": 10},
        text=["" if v != v else _fr(v, unite) for v in res],
        textposition=["bottom center" if b else "top center" for b in below],
        hovertemplate="%{x} : %{text}<extra>Résultat</extra>",
    ))
    if obj.notna().any():
        fig.add_trace(go.Scatter(
            x=years, y=obj, name="Objectif", mode="lines+markers", connectgaps=True,
            line={"color": GREY, "width": 2, "dash": "dash"},
            marker={"size": 11, "symbol": "diamond-open", "color": "#5A6169"},
            customdata=["" if v != v else _fr(v, unite) for v in obj],
            hovertemplate="%{x} : %{customdata}<extra>Objectif</extra>",
        ))
    style(fig, title, height)
    fig.update_xaxes(type="category", categoryorder="array", categoryarray=years, title=None)
    top = max([v for v in [*res, *obj] if v == v] or [1.0])
    fig.update_yaxes(title=UNIT_AXIS.get(unite, unite), rangemode="tozero", tickformat=",~f",
                     ticksuffix={"€": "\u00a0€", "%": "\u00a0%"}.get(unite, ""),
                     range=[0, 100 if unite == "%" else top * 1.18])
    return fig


def completude_porteurs(par_porteur, title: str, height: int | None = None) -> go.Figure:
    """Per porteur, indicators with a result for the year and those still to collect (stacked bars)."""
    d = par_porteur.iloc[::-1]  # the porteur with most left to collect on top
    fig = go.Figure()
    for col, name, color in (("renseignes", "Renseignés", FAVORABLE_COLOR), ("manquants", "À collecter", A_COLLECTER)):
        fig.add_trace(go.Bar(
            y=d["porteur"], x=d[col], name=name, orientation="h", **filled(color),
            text=[str(int(v)) if v else "" for v in d[col]], textposition="inside",
            hovertemplate="%{y} : %{x} indicateur(s)<extra>" + name + "</extra>",
        ))
    style(fig, title, height or max(300, 90 + 42 * len(d)))
    fig.update_layout(barmode="stack", legend_traceorder="normal", uniformtext_minsize=12, uniformtext_mode="hide")
    fig.update_xaxes(title="Indicateurs", rangemode="tozero")
    fig.update_yaxes(title=None, automargin=True)
    return fig


# plotly.js's own words in French, given with each chart (config `locales`: Streamlit loads no plotly
# locale): the tooltip of the « download » button and the notices it shows while saving the image.
# Numbers and dates keep the formats the figures set (`separators`, tick formats).
PLOTLY_FR = {"locale": "fr", "locales": {"fr": {"dictionary": {
    "Download plot as a PNG": "Enregistrer le graphique en image (PNG)",
    "Download plot": "Enregistrer le graphique en image (SVG)",
    "Preparing image - this may take a few seconds": "Préparation de l'image : quelques secondes",
    "Image download succeeded": "Image enregistrée",
    "Sorry, there was a problem downloading your image!": "L'image n'a pas pu être enregistrée.",
}}}}


def export_config(file_stem: str, day=None, svg: bool = False) -> dict:
    """The plotly config that lets a reader save a chart as an image (PNG, or SVG for print): only
    plotly's own « download » button in the mode bar, the file named by the chart and the date
    (`budget_par_axe_2026-12-06.png`), twice the screen's pixels, its tooltip in French. For ui.chart
    (`config=`)."""
    import unicodedata  # noqa: PLC0415

    from dashboard import metrics  # noqa: PLC0415

    letters = unicodedata.normalize("NFKD", str(file_stem)).encode("ascii", "ignore").decode()  # é → e
    stem = re.sub(r"[^0-9A-Za-z_-]+", "_", letters).strip("_")[:60].rstrip("_") or "graphique"
    return {**PLOTLY_FR, "displayModeBar": True, "displaylogo": False, "modeBarButtons": [["toImage"]],
            "toImageButtonOptions": {"format": "svg" if svg else "png", "scale": 2,
                                     "filename": f"{stem}_{metrics.as_timestamp(day).date().isoformat()}"}}
