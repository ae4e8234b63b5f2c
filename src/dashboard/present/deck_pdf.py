"""The comité's deck as a PDF: an HTML rendering of the slides, one landscape 16:9 page each, the
charts as SVG (vector, drawn here from `deck_model.ChartData`), printed by Debian's chromium through
Playwright. One chromium page with plotly.js loaded is kept warm (`PRINTER`) and reused, in its own
thread, because loading plotly.js is most of a cold PDF's cost.
"""

from __future__ import annotations

import atexit
import html
import json
import logging
import math
import os
import queue
import re
import threading
from concurrent.futures import Future
from pathlib import Path

import plotly.graph_objects as go

from dashboard import fmt
from dashboard.present import couleurs
from dashboard.present.charts import plotly_brut
from dashboard.present.deck_model import (
    ACCENT,
    DEMO_INK,
    DEMO_WARNING,
    INK,
    MUTED,
    SLIDE_H_IN,
    SLIDE_W_IN,
    ChartData,
    DeckError,
    DeckInfo,
    chart_data,
    closing_text,
    fit_size,
    slide_item_parts,
    text_lines,
)

log = logging.getLogger("dashboard")
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-sync",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-crash-reporter", "--disable-breakpad"]  # no crash handler left running after us


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
.items {{ flex: 0 0 40%; min-width: 0; margin: 0; padding-left: 28px; overflow-wrap: anywhere; }}
.items.seul {{ flex: 1 1 auto; }}
.items li {{ margin: 0 0 0.25em; }}
.items .d {{ color: #{MUTED}; }}
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
    f = plotly_brut(json.loads(fig.to_json()))  # a title from the plan never becomes a link in the PDF
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
             + (f'<p class="sous-titre">{e(info.presente)}</p>' if info.presente else "")
             + f'<p class="sous-titre">{e(info.situation)}</p>'
             + (f'<p class="demo">{e(DEMO_WARNING)}</p>' if info.demo else "") + "</section>"]
    for n, slide in enumerate(deck, start=2):
        title_px = _px(slide.titre, PAGE_W - 96, 120, 40, 26, char_em=0.55)
        free_h = PAGE_H - 50 - text_lines(slide.titre, PAGE_W - 96, title_px, 0.55) * title_px * 1.15 - 14
        leg_px = _px(slide.legende, PAGE_W - 96 - 110, 92, 20, 13) if slide.legende else 0
        if slide.legende:
            free_h -= text_lines(slide.legende, PAGE_W - 96 - 110, leg_px, 0.5) * leg_px * 1.25 + 10
        parts.append(f'<section><h2 style="font-size:{title_px}px">{e(slide.titre)}</h2><div class="body">')
        items = slide_item_parts(slide)  # (name, detail) per line of the slide's list
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
                # the width .main really has: beside the list (40 % of the body, 28 px apart), what is left
                box_w = int((PAGE_W - 96) * 0.6 - 28) if items else PAGE_W - 96
                box_h = int(free_h - (230 if chiffres else 0) - 8)
                if data is not None:
                    parts.append(f'<div class="fig">{chart_svg(data, box_w, box_h)}</div>')
                else:  # a chart kind the SVG drawing does not know: plotly draws it
                    parts.append(f'<div class="fig" id="fig-{n}" style="height:{box_h}px"></div>')
                    figures.append(_fig_json(figure, f"fig-{n}"))
            parts.append("</div>")
        if items:
            # the detail (« Axe 1 · 25,8 mois de retard ») on its own line, under the action's name
            lines = "\n".join(f"{t}\n{d}" if d else t for t, d in items)
            size = _px(lines, int((PAGE_W - 96) * (0.4 if has_main else 1)) - 40,
                       int(free_h / 1.1) - 10, 28, 13)
            parts.append(f'<ul class="items{"" if has_main else " seul"}" style="font-size:{size}px">'
                         + "".join(f"<li>{e(t)}" + (f'<br><span class="d">{e(d)}</span>' if d else "") + "</li>"
                                   for t, d in items) + "</ul>")
        parts.append("</div>")
        if slide.legende:
            parts.append(f'<p class="legende" style="font-size:{leg_px}px">{e(slide.legende)}</p>')
        parts.append(f'<div class="num">{n}/{total}</div></section>')
    titre, texte = closing_text(info)
    parts.append(f'<section class="closing"><h2>{e(titre)}</h2><p>{e(texte)}</p></section>')
    return "\n".join(parts), figures


def _stroke(s, i: int) -> str:
    """The SVG outline of bar `i` of a series, when it has one (a light fill's edge, 3:1 on white)."""
    color = s.lines[i] if i < len(s.lines) else ""
    return f' stroke="#{color}" stroke-width="1.5"' if color else ""


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
                       f'fill="#{s.colors[0]}"{_stroke(s, 0)}/>')
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
                       f'fill="#{s.colors[i]}"{_stroke(s, i)}/>')
            label = s.labels[i] if s.inside and i < len(s.labels) else ""
            if label and _text_w(label, size) + 6 <= bw:
                out.append(f'<text x="{x + bw / 2:.1f}" y="{cy + size * 0.35:.1f}" text-anchor="middle" '
                           f'fill="{couleurs.texte_sur("#" + s.colors[i])}">{e(label)}</text>')
            x += bw if data.stacked else 0
        end_x = x0 + totals[i] * scale if data.stacked else x0 + max(data.series[0].values[i], 0) * scale
        if ends[i]:
            out.append(f'<text x="{end_x + 8:.1f}" y="{cy + size * 0.35:.1f}" font-weight="700">{e(ends[i])}</text>')
    out.append(f'<line x1="{x0:.1f}" y1="{y0:.1f}" x2="{x0:.1f}" y2="{y1:.1f}" stroke="{couleurs.GREY}" stroke-width="1.5"/>')
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
               timeout: float = 120.0, paper: tuple[str, str] | None = None, footer: str = "") -> bytes:
        """The PDF of the pages (or, with png_box, a PNG of the first box), from the body's HTML; `paper`
        (width, height, e.g. A4's) instead of the slide's 16:9 page, `footer` a chromium footer template."""
        path = chromium_path()
        if path is None:
            raise DeckError(NO_CHROMIUM)
        done: Future = Future()
        with self._lock:
            self._start(path)
            self._jobs.put((body, figures, png_box, (paper, footer), done))
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
                body, figures, png_box, layout, done = job
                try:
                    done.set_result(self._print(page, body, figures, png_box, *layout))
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
                    job[-1].set_exception(err)

    @staticmethod
    def _print(page, body: str, figures: list[dict], png_box, paper=None, footer: str = "") -> bytes:
        if png_box:
            w, h = png_box
            body = f'<div id="box" style="width:{w}px;height:{h}px">{body}</div>'
        if figures and not page.evaluate("typeof Plotly !== 'undefined'"):
            from plotly.offline import get_plotlyjs  # noqa: PLC0415

            page.add_script_tag(content=get_plotlyjs())
        page.evaluate(_RENDER_JS, {"body": body, "figures": figures, "box": bool(png_box)})
        if png_box:
            return page.locator("#box").screenshot(type="png", scale="device")
        if paper:  # a document's pages (the fiche's A4): its own @page rule gives size and margins
            return page.pdf(width=paper[0], height=paper[1], print_background=True, prefer_css_page_size=True,
                            tagged=True, outline=True,
                            display_header_footer=bool(footer), header_template="<span></span>",
                            footer_template=footer or "<span></span>")
        return page.pdf(width=f"{SLIDE_W_IN}in", height=f"{SLIDE_H_IN}in", print_background=True, tagged=True,
                        prefer_css_page_size=True, margin={"top": "0", "right": "0", "bottom": "0", "left": "0"})


PRINTER = Printer()
atexit.register(PRINTER.close)


def figure_png(fig: go.Figure, w_in: float, h_in: float) -> bytes:
    """A chart python-pptx cannot draw natively, as an image (drawn by chromium)."""
    w, h = int(w_in * 96), int(h_in * 96)
    return PRINTER.render('<div class="fig" id="fig-1" style="width:100%;height:100%"></div>',
                          [_fig_json(fig, "fig-1")], png_box=(w, h))


def deck_pdf(deck: list, info: DeckInfo) -> bytes:
    """The deck as a PDF: one landscape 16:9 page per slide, charts as vector graphics."""
    body, figures = deck_pages(deck, info)
    return PRINTER.render(body, figures)


