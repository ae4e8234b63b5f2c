"""The comité's deck as a 16:9 PowerPoint file (python-pptx): title slide, one slide per message,
closing slide, speaker notes with the figures' sources. The charts are native PowerPoint charts
(editable, they take the office's theme) rebuilt from `deck_model.ChartData`; one chart python-pptx
cannot draw natively is inserted as an image printed by chromium (`deck_pdf.figure_png`).
"""

from __future__ import annotations

import io

from dashboard.present import alternatives, couleurs
from dashboard.present.deck_model import (
    ACCENT,
    DEMO_INK,
    DEMO_WARNING,
    INK,
    MARGIN_IN,
    MUTED,
    SLIDE_H_IN,
    SLIDE_W_IN,
    ChartData,
    DeckInfo,
    Serie,
    chart_data,
    closing_text,
    fit_size,
    slide_item_parts,
    text_lines,
)
from dashboard.present.deck_pdf import figure_png

GREY = couleurs.GREY.lstrip("#")  # an axis line, a series without a colour


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


def _alt_text(shape, text: str) -> None:
    """The shape's alternative text (PowerPoint's « Texte de remplacement », read by screen readers)."""
    shape._element.xpath("./*[1]/p:cNvPr")[0].set("descr", text)


def _chart(slide, data: ChartData, x, y, w, h):
    """A native PowerPoint bar chart (editable in PowerPoint, in the office's theme) from the slide's data;
    its graphic frame."""
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
    frame = slide.shapes.add_chart(kind, Inches(x), Inches(y), Inches(w), Inches(h), cd)
    chart = frame.chart
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
    cat.format.line.color.rgb = RGBColor.from_string(GREY)
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
        series.format.fill.fore_color.rgb = RGBColor.from_string(s.colors[0] if s.colors else GREY)
        edge = next((x for x in s.lines if x), "")
        if edge:  # the legend's swatch too
            series.format.line.color.rgb = RGBColor.from_string(edge)
        for i, color in enumerate(s.colors):
            point = series.points[i]
            point.format.fill.solid()
            point.format.fill.fore_color.rgb = RGBColor.from_string(color)
            if i < len(s.lines) and s.lines[i]:  # a light fill keeps its colour as its edge (3:1 on white)
                point.format.line.color.rgb = RGBColor.from_string(s.lines[i])
                point.format.line.width = Pt(1.5)
            elif edge:  # an empty segment draws no edge
                point.format.line.fill.background()
        for i, text in enumerate(s.labels):
            if not text:
                continue
            inside = couleurs.texte_sur("#" + s.colors[i]).lstrip("#")
            _data_label(series.points[i], text, bold=not s.inside, color=inside if s.inside else INK,
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
    return frame


def _reversed(data: ChartData) -> ChartData:
    series = tuple(Serie(s.name, s.values[::-1], s.colors[::-1], s.labels[::-1], s.inside, s.lines[::-1])
                   for s in data.series)
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


def _items(slide, items: list[tuple[str, str]], x, y, w, h) -> None:
    """The slide's list as bullets, each action's detail (« Axe 1 · 25,8 mois de retard ») on the line
    under its name, in grey, in a size at which every line fits."""
    from pptx.util import Pt  # noqa: PLC0415

    text = "\n".join(f"• {t}\n{d}" if d else f"• {t}" for t, d in items)
    size = fit_size(text, w * 72 - 30, h * 72 - 10 - 4 * len(items), 24, 12)  # 4 pt between items
    box = _box(slide, x, y, w, h, "", size, size)
    tf = box.text_frame
    for k, (name, detail) in enumerate(items):
        if k == 0:
            p = tf.paragraphs[0]
            p.runs[0].text = "• " + name
        else:
            p = tf.add_paragraph()
            p.space_before = Pt(4)
            _run(p, "• " + name, size)
        if detail:
            p.add_line_break()  # the detail on the next line of the same bullet
            _run(p, detail, size, color=MUTED)


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
    y = 4.2
    if info.presente:
        _box(s, m, y, inner, 0.6, info.presente, 24, 16, color=MUTED)
        y += 0.6
    _box(s, m, y, inner, 0.7, info.situation, 24, 16, color=MUTED)
    if info.demo:
        _box(s, m, y + 0.9, inner, 0.9, DEMO_WARNING, 22, 14, bold=True, color=DEMO_INK)
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
        items = slide_item_parts(slide)
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
                shape = _chart(s, data, m, body_y, main_w, body_h)
            else:
                png = figure_png(figure, main_w, body_h)
                shape = s.shapes.add_picture(io.BytesIO(png), Inches(m), Inches(body_y), Inches(main_w),
                                             Inches(body_h))
            _alt_text(shape, alternatives.figure_alt(figure, slide.titre))  # its message and key figures
        s.notes_slide.notes_text_frame.text = getattr(slide, "notes", "") or ""

    s = prs.slides.add_slide(title_only)
    drop_placeholders(s)
    titre, texte = closing_text(info)
    _title(s, titre, m, 2.0, inner, 1.3, 40, 26)
    _box(s, m, 3.5, inner, 1.6, texte, 24, 16, color=MUTED)
    out = io.BytesIO()
    prs.save(out)
    return out.getvalue()


