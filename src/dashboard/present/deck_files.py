"""The comité's deck as files to circulate: PowerPoint (python-pptx) and PDF (Debian's chromium).

Both only render what `comite.slides` computed: a title slide, one slide per message, a closing
slide. In the PowerPoint file the charts are native PowerPoint charts (editable, they take the
office's theme), rebuilt from the plotly figures' own data (`chart_data`); the PDF prints an HTML
rendering of the slides, one landscape page each, the plotly charts as SVG (vector).
"""

from __future__ import annotations

import atexit
import html
import io
import json
import logging
import math
import os
import queue
import re
import threading
from concurrent.futures import Future
from dataclasses import dataclass, field
from pathlib import Path

import plotly.graph_objects as go

from dashboard import fmt, metrics
from dashboard.present import comite

log = logging.getLogger("dashboard")

FORMATS = {".pptx": "PowerPoint", ".pdf": "PDF", ".html": "HTML"}
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-sync",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-crash-reporter", "--disable-breakpad"]  # no crash handler left running after us

# A 16:9 slide: 13,333 × 7,5 inches (PowerPoint's widescreen), i.e. 1280 × 720 CSS pixels in the PDF.
SLIDE_W_IN, SLIDE_H_IN = 13.333, 7.5
MARGIN_IN = 0.5
INK, MUTED, ACCENT, DEMO_INK = "1B1F24", "3B4350", "0072B2", "A84300"


class DeckError(Exception):
    """The deck file could not be written (French message, for the page and the command line)."""


@dataclass(frozen=True)
class DeckInfo:
    """What the title and closing slides say: the plan, its period, the date of the figures."""

    titre: str
    sous_titre: str
    situation: str
    demo: bool = False
    axes: tuple[int, ...] = ()
    source: str = ""


def deck_info(plan, as_of=None, demo: bool = False, axes=()) -> DeckInfo:
    """The title slide's words, from the plan's own period (never a year written in code)."""
    first, last = plan.periode
    axes = tuple(sorted({int(a) for a in axes or ()}))
    sous_titre = "Point d'étape au comité de direction"
    if axes:
        names = [str(a) for a in axes]
        sous_titre += " · " + ("axe " if len(axes) == 1 else "axes ") + (
            names[0] if len(names) == 1 else ", ".join(names[:-1]) + " et " + names[-1])
    return DeckInfo(
        titre=f"Schéma de développement touristique {first}-{last}",
        sous_titre=sous_titre,
        situation=f"Situation au {fmt.jour(metrics.as_timestamp(as_of))}",
        demo=bool(demo), axes=axes, source=Path(str(getattr(plan, "source", "") or "")).name,
    )


def closing_text(info: DeckInfo) -> tuple[str, str]:
    """The closing slide: a title and where the figures come from."""
    source = f"du classeur du plan « {info.source} »" if info.source else "du classeur du plan"
    suivi = " et des valeurs de suivi de démonstration (fictives)" if info.demo else " et du suivi annuel importé"
    return ("Merci de votre attention : questions et échanges",
            f"Chiffres calculés par le tableau de bord à partir {source}{suivi}, {info.situation.lower()}. "
            "Le détail de chaque action (budget, ETP, calendrier, indicateurs) est dans le tableau de bord, "
            "page Actions.")


def slide_items(slide) -> list[str]:
    """The slide's list (e.g. the late actions) as lines of text, whatever form the items take."""
    out = []
    for item in getattr(slide, "items", None) or ():
        if isinstance(item, str):
            out.append(item)
            continue
        if isinstance(item, tuple | list):
            parts = [str(x) for x in item if x is not None and not str(x).startswith(("/", "http", "?"))]
            out.append(" · ".join(parts))
            continue
        text = next((getattr(item, k) for k in ("texte", "libelle", "label", "titre", "nom", "text")
                     if getattr(item, k, None)), None)
        out.append(str(text if text is not None else item))
    return [t for t in out if t.strip()]


# --- Les graphiques, sous une forme neutre ----------------------------------------------------

@dataclass(frozen=True)
class Serie:
    """One series of a horizontal bar chart: its name, values, colour per bar, label per bar."""

    name: str
    values: tuple[float, ...]
    colors: tuple[str, ...]
    labels: tuple[str, ...] = ()
    inside: bool = False  # labels inside the bar (stacked counts), else at its end


@dataclass(frozen=True)
class ChartData:
    """A horizontal bar chart as data: categories top to bottom, series, what is written at each bar's end."""

    categories: tuple[str, ...]
    series: tuple[Serie, ...]
    stacked: bool = False
    legend: bool = False
    end_labels: tuple[str, ...] = ()
    euros: bool = False
    integers: bool = True
    extra: dict = field(default_factory=dict)


def _hex(color) -> str:
    text = str(color or "").strip().lstrip("#")
    return text.upper() if len(text) == 6 else "9AA1A9"


def _light(color: str, opacity: float) -> str:
    """The colour seen through `opacity` over white (the plotly min → max segment)."""
    rgb = [int(color[i:i + 2], 16) for i in (0, 2, 4)]
    return "".join(f"{round(255 - (255 - c) * opacity):02X}" for c in rgb)


def _colors(trace, n: int) -> tuple[str, ...]:
    c = trace.marker.color
    colors = [_hex(x) for x in c] if isinstance(c, list | tuple) else [_hex(c)] * n
    if trace.marker.opacity is not None and trace.marker.opacity < 1:
        colors = [_light(x, float(trace.marker.opacity)) for x in colors]
    return tuple(colors)


def _label(text: str) -> str:
    return str(text).replace("<br>", "\n").strip()


def chart_data(fig: go.Figure | None) -> ChartData | None:
    """The plotly figure's horizontal bars as data (None when the figure holds anything else)."""
    if fig is None:
        return None
    bars = [t for t in fig.data if t.type == "bar"]
    texts = [t for t in fig.data if t.type == "scatter" and t.mode == "text"]
    if not bars or len(bars) + len(texts) != len(fig.data) or any(t.orientation != "h" for t in bars):
        return None
    categories = tuple(_label(c) for c in bars[0].y)
    n = len(categories)
    stacked = fig.layout.barmode == "stack" and len(bars) > 1
    series, end = [], ()
    for t in bars:
        values = tuple(float(v) for v in t.x)
        labels = tuple(_label(x) for x in t.text) if isinstance(t.text, list | tuple) else ()
        if labels and stacked and t.textposition == "outside":
            end, labels = labels, ()
        series.append(Serie(str(t.name or "").strip(), values, _colors(t, n), labels,
                            inside=stacked and t.textposition != "outside"))
    if texts and isinstance(texts[0].text, list | tuple):
        end = tuple(_label(x) for x in texts[0].text)
    shown = [t for t in bars if t.showlegend is not False and t.name]
    suffix = str(fig.layout.xaxis.ticksuffix or "")
    values = [v for s in series for v in s.values]
    return ChartData(categories, tuple(series), stacked, legend=len(shown) > 1, end_labels=end,
                     euros="€" in suffix, integers=all(float(v).is_integer() for v in values))


# --- Taille du texte -------------------------------------------------------------------------

def text_lines(text: str, width: float, size: float, char_em: float = 0.52) -> int:
    """How many lines `text` takes in a box `width` wide (same unit as `size`), words wrapped."""
    per_line = max(1, int(width / (size * char_em)))
    lines = 0
    for para in str(text).split("\n"):
        n, cur = 1, 0
        for word in [w for w in para.split(" ") if w]:  # a number's non-breaking spaces keep it whole
            w = len(word)
            if cur and cur + 1 + w > per_line:
                n += 1 + (w - 1) // per_line
                cur = w % per_line or per_line
            else:
                cur += (1 if cur else 0) + w
                if cur > per_line:
                    n += (cur - 1) // per_line
                    cur = cur % per_line or per_line
        lines += n
    return lines


def fit_size(text: str, width: float, height: float, largest: float, smallest: float,
             char_em: float = 0.52, spacing: float = 1.2) -> float:
    """The largest font size (from `largest` down to `smallest`) at which `text` fits the box."""
    longest = max((len(w) for w in str(text).replace("\n", " ").split(" ")), default=0)
    size = largest
    while size > smallest:
        whole_words = longest <= width / (size * char_em)  # never a word (or a number) cut in two
        if whole_words and text_lines(text, width, size, char_em) * size * spacing <= height:
            return size
        size -= 1
    return smallest


# --- PowerPoint ------------------------------------------------------------------------------

def _euro_format() -> str:
    """`1 234 567 €` whatever the reader's locale: the groups are written, not taken from the locale."""
    return '[>=1000000]#\\ ###\\ ##0" €";[>=1000]#\\ ##0" €";0" €"'


COUNT_FORMAT = '[>=1000]#\\ ##0;0'


def _run(paragraph, text: str, size: float, bold: bool = False, color: str = INK):
    from pptx.dml.color import RGBColor  # noqa: PLC0415
    from pptx.util import Pt  # noqa: PLC0415

    r = paragraph.add_run()
    r.text = text
    r.font.size = Pt(size)
    r.font.bold = bold
    r.font.color.rgb = RGBColor.from_string(color)
    return r


def _box(slide, x, y, w, h, text: str, largest: float, smallest: float, bold=False, color=INK,
         char_em: float = 0.52, align=None, anchor=None):
    """A text box whose font size is chosen so the text fits it (PowerPoint does not shrink it for us)."""
    from pptx.enum.text import MSO_ANCHOR, MSO_AUTO_SIZE  # noqa: PLC0415
    from pptx.util import Inches  # noqa: PLC0415

    size = fit_size(text, w * 72 - 15, h * 72 - 8, largest, smallest, char_em=char_em)
    shape = slide.shapes.add_textbox(Inches(x), Inches(y), Inches(w), Inches(h))
    tf = shape.text_frame
    tf.word_wrap = True
    tf.auto_size = MSO_AUTO_SIZE.NONE
    tf.vertical_anchor = anchor or MSO_ANCHOR.TOP
    tf.margin_left = tf.margin_right = Inches(0.1)
    tf.margin_top = tf.margin_bottom = Inches(0.05)
    for i, para in enumerate(str(text).split("\n")):
        p = tf.paragraphs[0] if i == 0 else tf.add_paragraph()
        if align is not None:
            p.alignment = align
        _run(p, para, size, bold, color)
    return shape


def _title(slide, text: str, x, y, w, h, largest: float, smallest: float):
    """The slide's title in the layout's title placeholder (outline view, accessibility), sized to fit."""
    from pptx.enum.text import MSO_ANCHOR, MSO_AUTO_SIZE, PP_ALIGN  # noqa: PLC0415
    from pptx.util import Inches  # noqa: PLC0415

    shape = slide.shapes.title
    shape.left, shape.top, shape.width, shape.height = Inches(x), Inches(y), Inches(w), Inches(h)
    tf = shape.text_frame
    tf.word_wrap = True
    tf.auto_size = MSO_AUTO_SIZE.NONE
    tf.vertical_anchor = MSO_ANCHOR.MIDDLE
    tf.margin_left = tf.margin_right = Inches(0.1)
    size = fit_size(text, w * 72 - 15, h * 72 - 8, largest, smallest, char_em=0.56, spacing=1.15)
    p = tf.paragraphs[0]
    p.alignment = PP_ALIGN.LEFT
    _run(p, text, size, bold=True)
    return shape


def _data_label(point, text: str, bold: bool, color: str, position) -> None:
    """A bar's own French text (not the locale's number), on one line."""
    from pptx.dml.color import RGBColor  # noqa: PLC0415
    from pptx.util import Pt  # noqa: PLC0415

    dl = point.data_label
    tf = dl.text_frame
    tf.text = text
    tf.word_wrap = False
    for font in (dl.font, tf.paragraphs[0].runs[0].font):
        font.size = Pt(16)
        font.bold = bold
        font.color.rgb = RGBColor.from_string(color)
    dl.position = position


def _chart(slide, data: ChartData, x, y, w, h) -> None:
    """A native PowerPoint bar chart (editable in PowerPoint, in the office's theme) from the slide's data."""
    from pptx.chart.data import CategoryChartData  # noqa: PLC0415
    from pptx.dml.color import RGBColor  # noqa: PLC0415
    from pptx.enum.chart import (  # noqa: PLC0415
        XL_CHART_TYPE,
        XL_LABEL_POSITION,
        XL_LEGEND_POSITION,
    )
    from pptx.oxml.ns import qn  # noqa: PLC0415
    from pptx.oxml.xmlchemy import OxmlElement  # noqa: PLC0415
    from pptx.util import Inches, Pt  # noqa: PLC0415

    number_format = _euro_format() if data.euros else COUNT_FORMAT if data.integers else "0.0"
    totals = [sum(s.values[i] for s in data.series) if data.stacked else max(s.values[i] for s in data.series)
              for i in range(len(data.categories))]
    top = max(totals + [1.0])
    # PowerPoint draws the first category at the bottom: the data goes in reversed, so the first is on top
    # (reversing the axis instead would move the value axis to the top)
    data = _reversed(data)
    totals.reverse()
    cd = CategoryChartData(number_format=number_format)
    cd.categories = list(data.categories)
    for s in data.series:
        cd.add_series(s.name or " ", list(s.values))
    pad = bool(data.end_labels) and data.stacked
    if pad:  # an invisible segment after each bar carries the bar's end text (PowerPoint has no "outside" for stacks)
        cd.add_series(" ", [top * 0.45] * len(data.categories))
    kind = XL_CHART_TYPE.BAR_STACKED if data.stacked else XL_CHART_TYPE.BAR_CLUSTERED
    chart = slide.shapes.add_chart(kind, Inches(x), Inches(y), Inches(w), Inches(h), cd).chart
    chart.font.size = Pt(16)
    chart.font.color.rgb = RGBColor.from_string(INK)
    plot = chart.plots[0]
    plot.gap_width = 45 if len(data.categories) >= 4 else 180  # a lone bar stays a bar, not a block
    if data.stacked:
        plot.overlap = 100
    cat, val = chart.category_axis, chart.value_axis
    band_pt = h * 72 * 0.8 / max(len(data.categories), 1)
    # a label much longer than the others is wrapped on two lines by the office software
    lines = max(max(c.count("\n") + 1, 2 if max(len(x) for x in c.split("\n")) > 30 else 1) for c in data.categories)
    cat.tick_labels.font.size = Pt(max(10, min(16, int(band_pt / (lines * 1.25)))))
    skip = OxmlElement("c:tickLblSkip")  # every category named, none skipped to save room
    skip.set("val", "1")
    anchor = cat._element.find(qn("c:noMultiLvlLbl"))
    if anchor is not None:
        anchor.addprevious(skip)
    else:
        cat._element.append(skip)
    cat.format.line.color.rgb = RGBColor.from_string("9AA1A9")
    val.has_major_gridlines = True
    val.major_gridlines.format.line.color.rgb = RGBColor.from_string("D9DDE1")
    val.format.line.fill.background()
    val.tick_labels.font.size = Pt(14)
    val.tick_labels.number_format = number_format
    val.tick_labels.number_format_is_linked = False
    val.minimum_scale = 0
    if not pad:
        val.maximum_scale = top * (1.35 if any(s.labels for s in data.series) else 1.05)
    if not data.integers and not data.euros:  # decimals follow the reader's locale: the bar ends say it in French
        from pptx.enum.chart import XL_TICK_LABEL_POSITION  # noqa: PLC0415

        val.tick_label_position = XL_TICK_LABEL_POSITION.NONE
    for s, series in zip(data.series, plot.series, strict=False):
        series.invert_if_negative = False
        series.format.fill.solid()  # the legend's swatch
        series.format.fill.fore_color.rgb = RGBColor.from_string(s.colors[0] if s.colors else "9AA1A9")
        for i, color in enumerate(s.colors):
            point = series.points[i]
            point.format.fill.solid()
            point.format.fill.fore_color.rgb = RGBColor.from_string(color)
        for i, text in enumerate(s.labels):
            if not text:
                continue
            dark = sum(int(s.colors[i][k:k + 2], 16) for k in (0, 2, 4)) < 300
            _data_label(series.points[i], text, bold=not s.inside, color="FFFFFF" if s.inside and dark else INK,
                        position=XL_LABEL_POSITION.CENTER if s.inside else XL_LABEL_POSITION.OUTSIDE_END)
    if pad:
        series = plot.series[-1]
        series.format.fill.background()
        for i, text in enumerate(data.end_labels):
            if text:
                _data_label(series.points[i], text, bold=True, color=INK, position=XL_LABEL_POSITION.INSIDE_BASE)
    chart.has_legend = data.legend
    if data.legend:
        chart.legend.position = XL_LEGEND_POSITION.TOP
        chart.legend.include_in_layout = False
        chart.legend.font.size = Pt(16)


def _reversed(data: ChartData) -> ChartData:
    series = tuple(Serie(s.name, s.values[::-1], s.colors[::-1], s.labels[::-1], s.inside) for s in data.series)
    return ChartData(data.categories[::-1], series, data.stacked, data.legend, data.end_labels[::-1], data.euros,
                     data.integers)


def _chiffres(slide, chiffres, x, y, w, h) -> None:
    """Up to three big figures side by side, each with a coloured bar and what it is."""
    from pptx.dml.color import RGBColor  # noqa: PLC0415
    from pptx.enum.shapes import MSO_SHAPE  # noqa: PLC0415
    from pptx.util import Inches  # noqa: PLC0415

    n = len(chiffres)
    gap = 0.4
    col_w = (w - gap * (n - 1)) / n
    text_w = (col_w - 0.25) * 72 - 15
    value_size = min(fit_size(c.valeur, text_w, 110, 44, 14, char_em=0.56) for c in chiffres)
    value_h = max(text_lines(c.valeur, text_w, value_size, 0.56) for c in chiffres) * value_size * 1.2 / 72 + 0.2
    label_h = h - 0.6 - value_h - 0.1
    label_size = min(fit_size(c.libelle, text_w, label_h * 72 - 8, 24, 12) for c in chiffres)
    for i, c in enumerate(chiffres):
        cx = x + i * (col_w + gap)
        bar = slide.shapes.add_shape(MSO_SHAPE.RECTANGLE, Inches(cx), Inches(y + 0.3), Inches(0.12), Inches(h - 0.6))
        bar.fill.solid()
        bar.fill.fore_color.rgb = RGBColor.from_string(ACCENT)
        bar.line.fill.background()
        _box(slide, cx + 0.25, y + 0.3, col_w - 0.25, value_h, c.valeur, value_size, value_size, bold=True,
             char_em=0.56)
        _box(slide, cx + 0.25, y + 0.3 + value_h + 0.1, col_w - 0.25, label_h, c.libelle, label_size, label_size,
             color=MUTED)


def _items(slide, items: list[str], x, y, w, h) -> None:
    """The slide's list as bullets, in a size at which every line fits."""
    from pptx.util import Pt  # noqa: PLC0415

    text = "\n".join("• " + i for i in items)
    size = fit_size(text, w * 72 - 30, h * 72 - 10 - 4 * len(items), 24, 12)  # 4 pt between items
    box = _box(slide, x, y, w, h, "", size, size)
    tf = box.text_frame
    tf.paragraphs[0].runs[0].text = "• " + items[0]
    for line in items[1:]:
        p = tf.add_paragraph()
        p.space_before = Pt(4)
        _run(p, "• " + line, size)


def deck_pptx(deck: list, info: DeckInfo) -> bytes:
    """The deck as a 16:9 PowerPoint file: title slide, one slide per message, closing slide."""
    from pptx import Presentation  # noqa: PLC0415
    from pptx.enum.text import PP_ALIGN  # noqa: PLC0415
    from pptx.util import Emu, Inches  # noqa: PLC0415

    prs = Presentation()
    prs.slide_width, prs.slide_height = Emu(12_192_000), Emu(6_858_000)  # PowerPoint's own 16:9 size
    title_layout, title_only = prs.slide_layouts[0], prs.slide_layouts[5]
    m, W, H = MARGIN_IN, SLIDE_W_IN, SLIDE_H_IN
    inner = W - 2 * m
    total = len(deck) + 2

    def drop_placeholders(slide, keep_title=True):
        for ph in list(slide.placeholders):
            if not (keep_title and ph.placeholder_format.type is not None and ph == slide.shapes.title):
                ph._element.getparent().remove(ph._element)

    s = prs.slides.add_slide(title_layout)
    drop_placeholders(s)
    _title(s, info.titre, m, 1.7, inner, 1.5, 44, 28)
    _box(s, m, 3.35, inner, 0.8, info.sous_titre, 28, 18, color=MUTED)
    _box(s, m, 4.2, inner, 0.7, info.situation, 24, 16, color=MUTED)
    if info.demo:
        _box(s, m, 5.1, inner, 0.9, "Les valeurs de suivi (avancement, indicateurs) sont des données de "
             "démonstration, fictives.", 22, 14, bold=True, color=DEMO_INK)
    s.notes_slide.notes_text_frame.text = closing_text(info)[1]

    for n, slide in enumerate(deck, start=2):
        s = prs.slides.add_slide(title_only)
        drop_placeholders(s)
        _box(s, W - m - 1.2, H - 0.45, 1.2, 0.35, f"{n}/{total}", 12, 10, color=MUTED, align=PP_ALIGN.RIGHT)
        _title(s, slide.titre, m, 0.3, inner, 1.35, 32, 22)
        legende = getattr(slide, "legende", "") or ""
        leg_h = 0.0
        if legende:
            leg_size = fit_size(legende, (inner - 1.3) * 72 - 15, 1.1 * 72 - 8, 16, 11)
            leg_h = min(1.1, 0.2 + text_lines(legende, (inner - 1.3) * 72 - 15, leg_size) * leg_size * 1.2 / 72)
            _box(s, m, H - 0.3 - leg_h, inner - 1.3, leg_h, legende, leg_size, leg_size, color=MUTED)
        body_y, body_h = 1.8, H - 0.3 - leg_h - 0.15 - 1.8
        items = slide_items(slide)
        figure, chiffres = getattr(slide, "figure", None), tuple(getattr(slide, "chiffres", ()) or ())
        parts = [k for k, present in (("chiffres", chiffres), ("figure", figure is not None), ("items", items))
                 if present]
        if "items" in parts and len(parts) > 1:  # the list on the right, the rest on the left
            list_w = inner * 0.4
            _items(s, items, m + inner - list_w, body_y, list_w, body_h)
            main_w = inner - list_w - 0.3
        elif parts == ["items"]:
            _items(s, items, m, body_y, inner, body_h)
            main_w = 0.0
        else:
            main_w = inner
        if main_w and chiffres and figure is not None:
            _chiffres(s, chiffres, m, body_y, main_w, body_h * 0.45)
            body_y, body_h = body_y + body_h * 0.45, body_h * 0.55
        elif main_w and chiffres:
            _chiffres(s, chiffres, m, body_y, main_w, body_h)
        if main_w and figure is not None:
            data = chart_data(figure)
            if data is not None:
                _chart(s, data, m, body_y, main_w, body_h)
            else:
                png = _figure_png(figure, main_w, body_h)
                s.shapes.add_picture(io.BytesIO(png), Inches(m), Inches(body_y), Inches(main_w), Inches(body_h))
        s.notes_slide.notes_text_frame.text = getattr(slide, "notes", "") or ""

    s = prs.slides.add_slide(title_only)
    drop_placeholders(s)
    titre, texte = closing_text(info)
    _title(s, titre, m, 2.0, inner, 1.3, 40, 26)
    _box(s, m, 3.5, inner, 1.6, texte, 24, 16, color=MUTED)
    out = io.BytesIO()
    prs.save(out)
    return out.getvalue()


# --- PDF (et images) par chromium -------------------------------------------------------------

PAGE_W, PAGE_H = 1280, 720  # CSS pixels of a 13,333 × 7,5 in page

PAGE_CSS = f"""
@page {{ size: {SLIDE_W_IN}in {SLIDE_H_IN}in; margin: 0; }}
* {{ box-sizing: border-box; }}
html, body {{ margin: 0; padding: 0; background: #fff; color: #{INK};
  font-family: "Source Sans Pro", "Carlito", Arial, sans-serif; }}
section {{ width: {PAGE_W}px; height: {PAGE_H}px; overflow: hidden; position: relative;
  display: flex; flex-direction: column; padding: 28px 48px 22px; break-after: page; }}
section:last-child {{ break-after: auto; }}
h1 {{ font-size: 52px; margin: 170px 0 18px; line-height: 1.1; }}
h2 {{ margin: 0 0 14px; line-height: 1.15; flex: none; }}
.sous-titre {{ font-size: 30px; color: #{MUTED}; margin: 0 0 10px; }}
.demo {{ font-size: 24px; font-weight: 700; color: #{DEMO_INK}; margin-top: 30px; }}
.body {{ flex: 1 1 auto; min-height: 0; display: flex; gap: 28px; }}
.main {{ flex: 1 1 auto; min-width: 0; display: flex; flex-direction: column; }}
.fig {{ flex: 1 1 auto; min-height: 0; overflow: hidden; }}
.chiffres {{ display: flex; gap: 36px; margin: 40px 0 0; }}
.chiffre {{ flex: 1; border-left: 10px solid #{ACCENT}; padding-left: 22px; }}
.chiffre .v {{ font-weight: 700; line-height: 1.15; }}
.chiffre .l {{ font-size: 26px; color: #{MUTED}; line-height: 1.25; margin-top: 10px; }}
.items {{ flex: 0 0 40%; margin: 0; padding-left: 28px; }}
.items.seul {{ flex: 1 1 auto; }}
.legende {{ color: #{MUTED}; margin: 10px 110px 0 0; line-height: 1.25; flex: none; }}
.num {{ position: absolute; right: 48px; bottom: 18px; font-size: 16px; color: #{MUTED}; }}
.closing p {{ font-size: 28px; color: #{MUTED}; line-height: 1.35; }}
.closing h2 {{ margin-top: 180px; font-size: 46px; }}
.nw {{ white-space: nowrap; }}
body.box {{ width: auto; }}
"""


def _px(text: str, width: int, height: int, largest: int, smallest: int, char_em=0.5) -> int:
    return int(fit_size(text, width, height, largest, smallest, char_em=char_em, spacing=1.25))


def _esc(text: str) -> str:
    """Escaped text where a period such as 2023-2028 never breaks at its hyphen."""
    return re.sub(r"(\d{4})-(\d{4})", r'<span class="nw">\1-\2</span>', html.escape(str(text)))


def _fig_json(fig: go.Figure, div_id: str) -> dict:
    """The figure for Plotly.newPlot, filling its box (the box's size comes from the page, not the figure)."""
    f = json.loads(fig.to_json())
    f["layout"].pop("height", None)
    f["layout"].pop("width", None)
    f["layout"]["autosize"] = True
    return {"id": div_id, "data": f.get("data", []), "layout": f["layout"],
            "config": {"displayModeBar": False, "staticPlot": True}}


def deck_pages(deck: list, info: DeckInfo) -> tuple[str, list[dict]]:
    """The slides as fixed 16:9 pages (title, one per message, closing): the body's HTML and its figures."""
    e = _esc
    total = len(deck) + 2
    figures: list[dict] = []
    parts = [f'<section><h1>{e(info.titre)}</h1><p class="sous-titre">{e(info.sous_titre)}</p>'
             f'<p class="sous-titre">{e(info.situation)}</p>'
             + ('<p class="demo">Les valeurs de suivi (avancement, indicateurs) sont des données de '
                "démonstration, fictives.</p>" if info.demo else "") + "</section>"]
    for n, slide in enumerate(deck, start=2):
        title_px = _px(slide.titre, PAGE_W - 96, 120, 40, 26, char_em=0.55)
        free_h = PAGE_H - 50 - text_lines(slide.titre, PAGE_W - 96, title_px, 0.55) * title_px * 1.15 - 14
        leg_px = _px(slide.legende, PAGE_W - 96 - 110, 92, 20, 13) if slide.legende else 0
        if slide.legende:
            free_h -= text_lines(slide.legende, PAGE_W - 96 - 110, leg_px, 0.5) * leg_px * 1.25 + 10
        parts.append(f'<section><h2 style="font-size:{title_px}px">{e(slide.titre)}</h2><div class="body">')
        items = slide_items(slide)
        chiffres = tuple(getattr(slide, "chiffres", ()) or ())
        figure = getattr(slide, "figure", None)
        has_main = bool(chiffres) or figure is not None
        if has_main:
            parts.append('<div class="main">')
            if chiffres:
                width = (PAGE_W - 96 - 36 * (len(chiffres) - 1)) // len(chiffres) - 32
                if items:
                    width = int(width * 0.6)
                v = min(_px(c.valeur, width, 150, 60, 28, char_em=0.56) for c in chiffres)
                parts.append('<div class="chiffres">' + "".join(
                    f'<div class="chiffre"><div class="v" style="font-size:{v}px">{e(c.valeur)}</div>'
                    f'<div class="l">{e(c.libelle)}</div></div>' for c in chiffres) + "</div>")
            if figure is not None:
                data = chart_data(figure)
                box_w = int((PAGE_W - 96) * (0.6 if items else 1))
                box_h = int(free_h - (230 if chiffres else 0) - 8)
                if data is not None:
                    parts.append(f'<div class="fig">{chart_svg(data, box_w, box_h)}</div>')
                else:  # a chart kind the SVG drawing does not know: plotly draws it
                    parts.append(f'<div class="fig" id="fig-{n}" style="height:{box_h}px"></div>')
                    figures.append(_fig_json(figure, f"fig-{n}"))
            parts.append("</div>")
        if items:
            size = _px("\n".join(items), int((PAGE_W - 96) * (0.4 if has_main else 1)) - 40, int(free_h) - 10, 28, 13)
            parts.append(f'<ul class="items{"" if has_main else " seul"}" style="font-size:{size}px">'
                         + "".join(f"<li>{e(t)}</li>" for t in items) + "</ul>")
        parts.append("</div>")
        if slide.legende:
            parts.append(f'<p class="legende" style="font-size:{leg_px}px">{e(slide.legende)}</p>')
        parts.append(f'<div class="num">{n}/{total}</div></section>')
    titre, texte = closing_text(info)
    parts.append(f'<section class="closing"><h2>{e(titre)}</h2><p>{e(texte)}</p></section>')
    return "\n".join(parts), figures


def _nice_step(top: float, ticks: int = 5) -> float:
    raw = max(top, 1e-9) / ticks
    mag = 10 ** math.floor(math.log10(raw))
    return next(m * mag for m in (1, 2, 2.5, 5, 10) if m * mag >= raw)


def _tick_text(v: float, data: ChartData) -> str:
    if data.euros:
        return fmt.euros(v)
    return fmt.nombre(v, 0 if float(v).is_integer() else 1)


def _text_w(text: str, size: float, bold: bool = False) -> float:
    return len(text) * size * (0.56 if bold else 0.52)


def _fit_line(text: str, width: float, size: float) -> str:
    """`text`, shortened with an ellipsis until its estimated width fits `width`."""
    if _text_w(text, size) <= width:
        return text
    keep = max(1, int(width / (size * 0.52)) - 1)
    return text[:keep].rstrip(" ,;:–-") + "…"


def chart_svg(data: ChartData, w: int, h: int, size: int = 20) -> str:
    """The bar chart as an SVG drawing (vector in the PDF; no JavaScript to load)."""
    e = html.escape
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" viewBox="0 0 {w} {h}" '
           f'font-family="Source Sans Pro, Carlito, Arial, sans-serif" font-size="{size}" fill="#{INK}">']
    top_y = 0.0
    if data.legend:  # one row of swatches, wrapped onto more rows when it is wider than the chart
        x, row = 0.0, 0
        for s in data.series:
            if not s.name:
                continue
            item_w = size * 1.6 + _text_w(s.name, size)
            if x > 0 and x + item_w > w:
                x, row = 0.0, row + 1
            y = row * size * 1.4
            out.append(f'<rect x="{x:.1f}" y="{y + 4:.1f}" width="{size * 0.8:.1f}" height="{size * 0.8:.1f}" '
                       f'fill="#{s.colors[0]}"/>')
            out.append(f'<text x="{x + size:.1f}" y="{y + size * 0.8:.1f}">{e(s.name)}</text>')
            x += item_w
        top_y = (row + 1) * size * 1.4 + size * 0.4
    axis_h = size * 1.6
    label_w = min(w * 0.42, max(_text_w(line, size) for c in data.categories for line in c.split("\n")) + 12)
    # a category line wider than its column is shortened with an ellipsis, never cut at the left edge
    lines = [[_fit_line(line, label_w - 4, size) for line in c.split("\n")] for c in data.categories]
    totals = [sum(s.values[i] for s in data.series) if data.stacked else max(s.values[i] for s in data.series)
              for i in range(len(data.categories))]
    ends = list(data.end_labels) or ([""] * len(totals))
    if not data.stacked:  # a single series: its labels are written at the bar's end
        for s in data.series:
            for i, t in enumerate(s.labels):
                ends[i] = ends[i] or t
    end_w = max([_text_w(t, size, True) for t in ends] + [0.0]) + 14
    top = max(totals + [0.0]) or 1.0
    widest = _text_w(_tick_text(top, data), size - 2) + 24
    x0, x1 = label_w + 10, w - max(end_w, widest / 2, 20)  # the last tick's label stays inside
    y0, y1 = top_y + 4, h - axis_h
    step = _nice_step(top, ticks=max(1, min(5, int((x1 - x0) // widest))))
    vmax = step * math.ceil(top / step)
    scale = (x1 - x0) / vmax
    for k in range(int(round(vmax / step)) + 1):
        v = k * step
        x = x0 + v * scale
        out.append(f'<line x1="{x:.1f}" y1="{y0:.1f}" x2="{x:.1f}" y2="{y1:.1f}" stroke="#D9DDE1" stroke-width="1"/>')
        out.append(f'<text x="{x:.1f}" y="{y1 + size * 1.2:.1f}" text-anchor="middle" font-size="{size - 2}" '
                   f'fill="#{MUTED}">{e(_tick_text(v, data))}</text>')
    n = max(len(data.categories), 1)
    band = (y1 - y0) / n
    thick = min(band * 0.66, 64)
    for i, cat in enumerate(lines):
        cy = y0 + band * (i + 0.5)
        first = cy - (len(cat) - 1) * size * 0.6
        for j, line in enumerate(cat):
            out.append(f'<text x="{label_w:.1f}" y="{first + j * size * 1.2 + size * 0.35:.1f}" '
                       f'text-anchor="end">{e(line)}</text>')
        x = x0
        series = data.series if data.stacked else data.series[:1]
        for s in series:
            v = s.values[i]
            bw = max(v * scale, 0.0)
            out.append(f'<rect x="{x:.1f}" y="{cy - thick / 2:.1f}" width="{bw:.1f}" height="{thick:.1f}" '
                       f'fill="#{s.colors[i]}"/>')
            label = s.labels[i] if s.inside and i < len(s.labels) else ""
            if label and _text_w(label, size) + 6 <= bw:
                dark = sum(int(s.colors[i][k:k + 2], 16) for k in (0, 2, 4)) < 300
                out.append(f'<text x="{x + bw / 2:.1f}" y="{cy + size * 0.35:.1f}" text-anchor="middle" '
                           f'fill="{"#FFFFFF" if dark else "#" + INK}">{e(label)}</text>')
            x += bw if data.stacked else 0
        end_x = x0 + totals[i] * scale if data.stacked else x0 + max(data.series[0].values[i], 0) * scale
        if ends[i]:
            out.append(f'<text x="{end_x + 8:.1f}" y="{cy + size * 0.35:.1f}" font-weight="700">{e(ends[i])}</text>')
    out.append(f'<line x1="{x0:.1f}" y1="{y0:.1f}" x2="{x0:.1f}" y2="{y1:.1f}" stroke="#9AA1A9" stroke-width="1.5"/>')
    out.append("</svg>")
    return "".join(out)


def chromium_path() -> str | None:
    """Debian's chromium (DASHBOARD_CHROMIUM overrides), or None when the machine has none."""
    path = os.environ.get("DASHBOARD_CHROMIUM") or CHROMIUM
    return path if Path(path).is_file() and os.access(path, os.X_OK) else None


NO_CHROMIUM = ("Le PDF a besoin du navigateur Chromium, absent de cette machine : installez-le (paquet Debian "
               "« chromium ») ou utilisez le diaporama PowerPoint (.pptx).")

_RENDER_JS = """async ({body, figures, box}) => {
  document.body.innerHTML = body;
  document.body.className = box ? 'box' : '';
  for (const f of figures) { await Plotly.newPlot(f.id, f.data, f.layout, f.config); }
}"""


class Printer:
    """One chromium page with plotly.js already loaded, reused for every PDF.

    Loading plotly.js is most of a cold PDF's cost (seconds); a warm page only draws the charts and
    prints. Playwright's sync API must stay in the thread that started it, so the browser lives in
    its own thread and jobs come through a queue; it closes itself after IDLE_S seconds unused.
    """

    IDLE_S = 300.0

    def __init__(self) -> None:
        self._jobs: queue.Queue = queue.Queue()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None

    def render(self, body: str, figures: list[dict], png_box: tuple[int, int] | None = None,
               timeout: float = 120.0) -> bytes:
        """The PDF of the pages (or, with png_box, a PNG of the first box), from the body's HTML."""
        path = chromium_path()
        if path is None:
            raise DeckError(NO_CHROMIUM)
        done: Future = Future()
        with self._lock:
            self._start(path)
            self._jobs.put((body, figures, png_box, done))
        return done.result(timeout=timeout)

    def warm(self) -> None:
        """Start chromium now, while the slides are computed (the command line's PDF)."""
        path = chromium_path()
        if path is not None:
            with self._lock:
                self._start(path)

    def _start(self, path: str) -> None:
        if self._thread is None or not self._thread.is_alive():
            self._thread = threading.Thread(target=self._run, args=(path,), name="deck-printer", daemon=True)
            self._thread.start()

    def close(self) -> None:
        """Stop the browser (at exit: no chromium left behind)."""
        with self._lock:
            thread = self._thread
            if thread is not None and thread.is_alive():
                self._jobs.put(None)
        if thread is not None:
            thread.join(timeout=10)

    def _run(self, path: str) -> None:
        from playwright.sync_api import sync_playwright  # noqa: PLC0415

        try:
            pw = sync_playwright().start()
            browser = pw.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": PAGE_W, "height": PAGE_H})
            page.set_content(f'<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8"><style>{PAGE_CSS}</style>'
                             "</head><body></body></html>")
        except Exception as exc:  # noqa: BLE001  (the caller gets a French message, the log the details)
            log.exception("chromium n'a pas pu démarrer")
            self._fail_pending(DeckError(f"Le navigateur Chromium n'a pas pu démarrer ({exc.__class__.__name__}) : "
                                         "le PDF n'est pas écrit."))
            return
        try:
            while True:
                try:
                    job = self._jobs.get(timeout=self.IDLE_S)
                except queue.Empty:
                    with self._lock:  # nothing may be queued between this check and the thread's end
                        if self._jobs.empty():
                            self._thread = None
                            return
                    continue
                if job is None:
                    return
                body, figures, png_box, done = job
                try:
                    done.set_result(self._print(page, body, figures, png_box))
                except Exception as exc:  # noqa: BLE001
                    log.exception("impression du diaporama")
                    done.set_exception(DeckError(f"Le PDF n'a pas pu être produit ({exc.__class__.__name__})."))
        finally:
            try:
                browser.close()
                pw.stop()
            except Exception:  # noqa: BLE001
                log.debug("fermeture de chromium", exc_info=True)

    def _fail_pending(self, err: Exception) -> None:
        with self._lock:
            self._thread = None
            while not self._jobs.empty():
                job = self._jobs.get_nowait()
                if job is not None:
                    job[3].set_exception(err)

    @staticmethod
    def _print(page, body: str, figures: list[dict], png_box) -> bytes:
        if png_box:
            w, h = png_box
            body = f'<div id="box" style="width:{w}px;height:{h}px">{body}</div>'
        if figures and not page.evaluate("typeof Plotly !== 'undefined'"):
            from plotly.offline import get_plotlyjs  # noqa: PLC0415

            page.add_script_tag(content=get_plotlyjs())
        page.evaluate(_RENDER_JS, {"body": body, "figures": figures, "box": bool(png_box)})
        if png_box:
            return page.locator("#box").screenshot(type="png", scale="device")
        return page.pdf(width=f"{SLIDE_W_IN}in", height=f"{SLIDE_H_IN}in", print_background=True,
                        prefer_css_page_size=True, margin={"top": "0", "right": "0", "bottom": "0", "left": "0"})


PRINTER = Printer()
atexit.register(PRINTER.close)


def _figure_png(fig: go.Figure, w_in: float, h_in: float) -> bytes:
    """A chart python-pptx cannot draw natively, as an image (drawn by chromium)."""
    w, h = int(w_in * 96), int(h_in * 96)
    return PRINTER.render('<div class="fig" id="fig-1" style="width:100%;height:100%"></div>',
                          [_fig_json(fig, "fig-1")], png_box=(w, h))


def deck_pdf(deck: list, info: DeckInfo) -> bytes:
    """The deck as a PDF: one landscape 16:9 page per slide, charts as vector graphics."""
    body, figures = deck_pages(deck, info)
    return PRINTER.render(body, figures)


def deck_file(deck: list, info: DeckInfo, suffix: str) -> bytes:
    """The deck in the format of the file name's extension (.pptx, .pdf, .html)."""
    suffix = suffix.lower()
    if suffix == ".pptx":
        return deck_pptx(deck, info)
    if suffix == ".pdf":
        return deck_pdf(deck, info)
    if suffix == ".html":
        return comite.deck_html(deck, f"{info.titre} : point d'étape",
                                f"{info.sous_titre} · {info.situation}").encode("utf-8")
    raise DeckError(f"Format « {suffix or '(sans extension)'} » non pris en charge : choisissez un fichier "
                    ".pptx (PowerPoint), .pdf ou .html.")
