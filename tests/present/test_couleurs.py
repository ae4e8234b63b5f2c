"""The colours of the charts stand out (RGAA 3.2 and 3.3, WCAG 1.4.3 and 1.4.11): each mark by 3:1 on
the white background, or its outline by 3:1 when its fill is lighter; each text written on a bar by
4,5:1 on that bar. Checked on the palette and on every figure the pages and the comité's slides draw
from the shipped plan and the demonstration follow-up."""

from __future__ import annotations

import math

import pandas as pd
import plotly.graph_objects as go
import pytest

from dashboard import metrics
from dashboard.present import charts, comite, couleurs, views
from dashboard.suivi import demo, store

AS_OF = "2026-12-06"
ALL = metrics.Filters()


@pytest.mark.parametrize(("a", "b", "ratio"), [
    ("#FFFFFF", "#000000", 21.0),
    ("#777777", "#FFFFFF", 4.48),    # the classic grey just under 4,5:1
    ("#0072B2", "#FFFFFF", 5.19),
])
def test_contrast_is_wcag_s(a, b, ratio):
    assert couleurs.contraste(a, b) == pytest.approx(ratio, abs=0.01)


def test_clair_is_the_colour_seen_through_its_opacity_over_white():
    assert couleurs.clair("#000000", 0.25) == "#BFBFBF"   # 255 - 255 × 0,25 = 191
    assert couleurs.clair("#0072B2", 1.0) == "#0072B2"


@pytest.mark.parametrize("color", [*couleurs.PALETTE, *couleurs.SITUATIONS.values(), couleurs.GREY,
                                   couleurs.FAVORABLE, couleurs.DEFAVORABLE, couleurs.A_COLLECTER])
def test_every_colour_of_the_palette_has_a_readable_edge_and_text(color):
    assert couleurs.contraste(couleurs.contour(color)) >= 3.0
    assert couleurs.contraste(couleurs.texte_sur(color), color) >= 4.5


def test_only_sans_suivi_needs_an_outline():
    light = [k for k, c in couleurs.SITUATIONS.items() if couleurs.contraste(c) < 3.0]
    assert light == ["sans suivi"]
    assert all(couleurs.contraste(c) >= 3.0 for c in couleurs.PALETTE)


@pytest.mark.parametrize("color", ["#D55E00", "#009E73", "#0072B2", "#858C94"])
def test_a_coloured_text_is_darkened_to_4_5(color):
    shade = couleurs.en_texte(color)
    assert couleurs.contraste(shade) >= 4.5
    assert shade == color or couleurs.contraste(color) < 4.5   # only darkened when it has to


def test_the_indicators_table_colours_its_words_at_4_5(plan, demo_suivi):
    cat = views.indicators.catalogue(plan, ALL, demo_suivi.indicateurs)
    v = views.indicators.build(plan, ALL, demo_suivi.indicateurs, cat.default_year)
    styles = {css for row in v.styled_table()._compute().ctx.values() for css in row}
    colors = {value.strip() for prop, value in styles if prop == "color"}
    assert colors and all(couleurs.contraste(c) >= 4.5 for c in colors), colors


def _as_list(value, n: int) -> list:
    if not isinstance(value, str | bytes) and hasattr(value, "__len__"):
        return list(value)
    return [value] * n


def _hex(color) -> str:
    text = {"white": "#FFFFFF", "black": "#000000"}.get(str(color), str(color))
    assert text.startswith("#") and len(text) == 7, f"couleur inattendue : {color!r}"
    return text


def problems(fig: go.Figure, where: str) -> list[str]:
    """What falls under the contrasts in `fig`: a bar (or tile) whose fill and outline are both under 3:1
    on white, a text inside a bar or tile under 4,5:1 on it, a line or marker under 3:1."""
    out = []
    for t in fig.data:
        name = f"{where} / {t.name or t.type}"
        if t.type in ("bar", "treemap"):
            fills = t.marker.colors if t.type == "treemap" else t.marker.color
            cats = t.labels if t.type == "treemap" else (t.y if t.orientation == "h" else t.x)
            n = 0 if cats is None else len(cats)
            if fills is None or not n:
                continue
            fills = [_hex(c) for c in _as_list(fills, n)]
            line = t.marker.line
            edges = _as_list(line.color, n) if line and line.width is not None else [None] * n
            widths = _as_list(line.width, n) if line and line.width is not None else [0] * n
            edges = [e if w else None for e, w in zip(edges, widths, strict=False)]
            sizes = t.values if t.type == "treemap" else (t.x if t.orientation == "h" else t.y)
            sizes = _as_list(sizes, n) if sizes is not None else [1] * n
            for fill, edge, size in zip(fills, edges, sizes, strict=False):
                if size is None or (not isinstance(size, str) and not pd.notna(size)) or size == 0:
                    continue  # a segment of length 0 draws nothing
                best = max(couleurs.contraste(fill), couleurs.contraste(_hex(edge)) if edge else 0)
                if best < 3.0:
                    out.append(f"{name} : {fill} sans contour lisible")
            inside = t.type == "treemap" or t.textposition in (None, "inside", "auto")  # plotly's default: auto
            if inside and t.text is not None or t.type == "treemap":
                font = (t.insidetextfont.color if t.type != "treemap" and t.insidetextfont.color else t.textfont.color)
                for fill, color in zip(fills, _as_list(font, n), strict=False):
                    if color is None or couleurs.contraste(_hex(color), fill) < 4.5:
                        out.append(f"{name} : texte {color} sur {fill}")
        elif t.type == "scatter" and t.mode and "text" not in t.mode:
            for part in ("line", "marker"):
                color = getattr(t, part).color if part in t.mode.replace("lines", "line").replace("markers", "marker") else None
                if isinstance(color, str) and color.startswith("#") and couleurs.contraste(color) < 3.0:
                    out.append(f"{name} : {part} {color}")
    return out


def figures(obj) -> list[go.Figure]:
    """The figures a view holds (its go.Figure attributes)."""
    return [v for v in vars(obj).values() if isinstance(v, go.Figure)]


@pytest.fixture(scope="module")
def demo_suivi(plan, tmp_path_factory):
    engine = store.open_engine(f"sqlite:///{tmp_path_factory.mktemp('couleurs') / 'suivi.sqlite'}")
    demo.load(engine, plan)
    return store.load_suivi(engine)


def test_every_chart_of_the_pages_and_slides_stands_out(plan, demo_suivi):
    plan = metrics.apply_hypotheses(plan)
    day = pd.Timestamp(AS_OF)
    cat = views.indicators.catalogue(plan, ALL, demo_suivi.indicateurs)
    ind = views.indicators.build(plan, ALL, demo_suivi.indicateurs, cat.default_year)
    trends = [ind.trend(str(i)).fig for i in list(ind.labels)[:5]]
    drawn = {
        "vue d'ensemble": figures(views.overview.build(plan, ALL)),
        "budget": figures(views.budget.build(plan, ALL, {}, demo_suivi.realise)),
        "effectifs": [*figures(views.etp.build(plan, ALL, demo_suivi.realise)),
                      *figures(views.etp.capacity(plan, ALL, 2025))],
        "calendrier": [*figures(views.calendar.build(plan, ALL, day)),
                       *figures(views.calendar.progress(plan, ALL, demo_suivi.statuts, day))],
        "indicateurs": [*figures(ind), *trends],
        "comité": [s.figure for s in comite.slides(plan, demo_suivi, as_of=AS_OF) if s.figure is not None],
    }
    assert all(drawn.values()), {k: len(v) for k, v in drawn.items()}
    found = [p for page, figs in drawn.items() for i, f in enumerate(figs) for p in problems(f, f"{page} {i + 1}")]
    assert found == [], "\n".join(found)


def test_a_range_keeps_its_colour_as_the_outline_of_its_lighter_segment():
    table = pd.DataFrame({"label": ["Axe 2"], "axe": [2], "unique_min": [10.0], "unique_max": [30.0],
                          "annuel_min": [0.0], "annuel_max": [0.0]})
    light = charts.budget_split_figure(table, "label", "x").data[1]
    assert light.marker.color == (couleurs.clair(couleurs.PALETTE[1], charts.LIGHT),)
    assert light.marker.line.color == (couleurs.PALETTE[1],) and light.marker.line.width == (1.5,)
    empty = charts.budget_split_figure(table, "label", "x").data[3]   # annual 0 → 0: no edge drawn
    assert empty.marker.line.width == (0,)


def test_the_files_keep_the_outline_and_the_inside_text_colour():
    """PowerPoint and PDF charts are drawn from deck_model.ChartData: the lighter segment keeps its edge,
    a count written in a green bar is near-black, in a blue one white."""
    from dashboard.present import deck_model, deck_pdf

    fig = go.Figure(charts.range_traces(["Axe 2"], [10.0], [30.0], [couleurs.PALETTE[1]]))
    data = deck_model.chart_data(fig)
    assert data.series[1].lines == (couleurs.PALETTE[1].lstrip("#"),) and data.series[0].lines == ()
    fig.update_layout(barmode="stack")
    svg = deck_pdf.chart_svg(deck_model.chart_data(fig), 600, 300)
    assert f'stroke="#{couleurs.PALETTE[1].lstrip("#")}"' in svg
    counts = pd.DataFrame({"axe": [1], **{s: [3] for s in metrics.SITUATIONS}})
    from dashboard.present import charts_calendar

    fig = charts_calendar.status_counts_figure(counts, metrics.SITUATIONS, "x")
    by_name = {t.name.lower(): t for t in fig.data}
    assert by_name["réalisée"].textfont.color == couleurs.INK
    assert by_name["dans les temps"].textfont.color == couleurs.WHITE
    assert by_name["sans suivi"].marker.line.width >= 1


def test_the_fields_borders_stand_out_from_both_backgrounds():
    """The theme's border (select boxes, number and date fields, the upload zone, buttons) identifies a
    field: 3:1 on the page's white and on the sidebar's grey."""
    import tomllib
    from pathlib import Path

    theme = tomllib.loads((Path(__file__).parents[2] / ".streamlit" / "config.toml").read_text())["theme"]
    for background in (theme["backgroundColor"], theme["secondaryBackgroundColor"]):
        assert couleurs.contraste(theme["borderColor"], background) >= 3.0


def test_the_powerpoint_keeps_the_outline_of_a_lighter_segment():
    """Opened with python-pptx: the point of the lighter segment has its edge in the bar's colour."""
    import io

    from pptx import Presentation

    from dashboard.present import deck_files
    from dashboard.suivi.store import Suivi

    plan = metrics.apply_hypotheses(__import__("present_builders").small_plan())
    deck = comite.slides(plan, Suivi(), as_of="2025-01-01")
    info = deck_files.deck_info(plan, "2025-01-01", demo=False)
    prs = Presentation(io.BytesIO(deck_files.deck_pptx(deck, info)))
    edges = set()
    for slide in prs.slides:
        for shape in slide.shapes:
            if getattr(shape, "has_chart", False) and shape.has_chart:
                for series in shape.chart.plots[0].series:
                    for i in range(len(list(series.values))):
                        line = series.points[i].format.line
                        if line.fill.type is not None and line.fill.type == 1:  # MSO_FILL.SOLID
                            edges.add(str(line.color.rgb))
    assert edges and edges <= {c.lstrip("#") for c in couleurs.PALETTE}


# Machado, Oliveira & Fernandes (2009), severity 1, on linear RGB: what a reader without red (protan),
# green (deutan) or blue (tritan) cones sees
_CVD = {
    "vision ordinaire": ((1, 0, 0), (0, 1, 0), (0, 0, 1)),
    "protanopie": ((0.152286, 1.052583, -0.204868), (0.114503, 0.786281, 0.099216), (-0.003882, -0.048116, 1.051998)),
    "deutéranopie": ((0.367322, 0.860646, -0.227968), (0.280085, 0.672501, 0.047413), (-0.011820, 0.042940, 0.968881)),
    "tritanopie": ((1.255528, -0.076749, -0.178779), (-0.078411, 0.930809, 0.147602), (0.004733, 0.691367, 0.303900)),
}


def _lab(color: str, vision) -> tuple[float, float, float]:
    """CIELAB (D65) of `color` as seen with `vision`."""
    def lin(c: int) -> float:
        c = c / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4
    rgb = [lin(int(color[i:i + 2], 16)) for i in (1, 3, 5)]
    r, g, b = (min(max(sum(m * c for m, c in zip(row, rgb, strict=True)), 0.0), 1.0) for row in vision)
    x, y, z = (0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047, 0.2126 * r + 0.7152 * g + 0.0722 * b, \
        (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883

    def f(t: float) -> float:
        return t ** (1 / 3) if t > 0.008856 else 7.787 * t + 16 / 116
    return 116 * f(y) - 16, 500 * (f(x) - f(y)), 200 * (f(y) - f(z))


@pytest.mark.parametrize(("what", "colors", "least"), [
    ("les cinq axes", couleurs.PALETTE[:5], 15.0),
    ("les sept situations", tuple(couleurs.SITUATIONS.values()), 12.0),
])
def test_the_colours_stay_apart_without_red_green_or_blue_cones(what, colors, least):
    """Every pair stays at a CIELAB distance (CIE76) of `least` or more for each vision: the former
    Okabe-Ito axes (orange, sky blue) went down to 16 but failed 3:1 on white."""
    import itertools

    for name, vision in _CVD.items():
        closest = min((math.dist(_lab(a, vision), _lab(b, vision)), a, b) for a, b in itertools.combinations(colors, 2))
        assert closest[0] >= least, f"{what}, {name} : {closest[1]} et {closest[2]} à {closest[0]:.1f}"
