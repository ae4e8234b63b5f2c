"""The comité's slides on a screen and as one self-contained HTML file: each chart sized by its
container (`fill_height`) or with every text doubled for a 4K projector (`scaled`), and the HTML deck
(`deck_html`: one screen per slide, the clicker's keys, plotly.js inline so that it opens offline).
The slides themselves are `comite.slides`; nothing here computes a figure.
"""

from __future__ import annotations

import html
import json

import plotly.graph_objects as go
import plotly.io as pio

from dashboard.present import alternatives, couleurs
from dashboard.present.charts import plotly_brut
from dashboard.present.comite import Slide
from dashboard.present.deck_model import DEMO_WARNING


def fill_height(fig: go.Figure) -> go.Figure:
    """A copy without a fixed height: it takes its container's height (the projector's screen, the HTML
    deck's slide), the fonts and margins unchanged."""
    out = go.Figure(fig)
    out.update_layout(height=None, autosize=True)
    return out


def scaled(fig: go.Figure, factor: float) -> go.Figure:
    """A copy with every text size and margin multiplied by `factor` (a chart for a 4K screen, whose
    pixels are half as big as a 1080p screen's)."""
    out = go.Figure(fig)
    lay = out.layout

    def grow(font) -> None:
        if font is not None and font.size:
            font.size = font.size * factor

    for font in (lay.font, lay.legend.font, lay.hoverlabel.font):
        grow(font)
    if lay.uniformtext.minsize:
        lay.uniformtext.minsize = lay.uniformtext.minsize * factor
    for axis in (lay.xaxis, lay.yaxis):
        grow(axis.tickfont)
        grow(axis.title.font)
    for ann in lay.annotations:
        grow(ann.font)
    for trace in out.data:
        if "textfont" in trace:
            grow(trace.textfont)
    m = lay.margin
    out.update_layout(margin={k: (getattr(m, k) or 0) * factor for k in ("l", "r", "t", "b")})
    return out


DECK_CSS_TEMPLATE = """
html { scroll-snap-type: y mandatory; }
body { font-family: "Source Sans Pro", Arial, sans-serif; color: #1B1F24; margin: 0; background: #fff; }
section { height: 100vh; padding: 3vh 4vw; box-sizing: border-box; scroll-snap-align: start; overflow: hidden;
  display: flex; flex-direction: column; page-break-after: always; break-after: page; }
h1 { font-size: max(32px, 6vh); margin: 20vh 0 1rem; }
h2 { font-size: max(28px, min(4.6vh, 3.4vw)); line-height: 1.15; margin: 0 0 2vh; hyphens: none; }
.num { color: #5A6169; font-weight: 400; margin-right: .5em; white-space: nowrap; }
.chiffres { display: flex; flex-direction: column; gap: 4vh; margin: 3vh 0; }
.chiffre { border-left: 8px solid #0072B2; padding-left: 2vw; display: flex; align-items: baseline; gap: 2.5vw; }
.chiffre .v { font-size: max(34px, min(8vh, 5.5vw)); font-weight: 700; line-height: 1.1; white-space: nowrap; }
.chiffre .l { font-size: max(22px, min(3.6vh, 2.6vw)); color: #3B4350; }
.body { flex: 1 1 0; min-height: 0; display: flex; flex-direction: column; }
.body.avec-liste { flex-direction: row; gap: 2.5vw; }
.main { flex: 1 1 0; min-width: 0; display: flex; flex-direction: column; }
.body.avec-liste .items { flex: 0 0 36%; overflow: hidden; margin: 0; }
.fig { flex: 1 1 0; min-height: 0; }
.fig > div, .fig .plotly-graph-div { height: 100% !important; width: 100% !important; }
.items { list-style: none; padding: 0; margin: 1vh 0; font-size: max(18px, min(2.6vh, 2vw)); }
.items li { margin: 0 0 1vh 0; padding-left: 1vw; border-left: 6px solid EN_RETARD; }
.items .d { color: #3B4350; margin-left: .6em; }
.avec-liste .items .d { display: block; margin-left: 0; font-size: .85em; }
.legende { font-size: max(15px, min(1.9vh, 1.4vw)); color: #3B4350; margin: 1vh 0 0; }
.sous-titre { font-size: max(20px, 3vh); color: #3B4350; margin: 0 0 1vh; }
.demo { font-size: max(18px, 2.6vh); font-weight: 700; color: #A84300; margin-top: 3vh; }
@media print { html { scroll-snap-type: none; } section { height: 100vh; } }
"""
DECK_CSS = DECK_CSS_TEMPLATE.replace("EN_RETARD", couleurs.EN_RETARD)  # the late actions' colour, as on the pages


DECK_JS = """
document.addEventListener('keydown', function (e) {
  if (e.ctrlKey || e.metaKey || e.altKey) return;
  var s = Array.prototype.slice.call(document.querySelectorAll('section'));
  var i = Math.round(window.scrollY / window.innerHeight), j = null;
  if (['PageDown', 'ArrowRight', ' ', 'Enter', 'ArrowDown'].indexOf(e.key) >= 0) j = i + 1;
  else if (['PageUp', 'ArrowLeft', 'Backspace', 'ArrowUp'].indexOf(e.key) >= 0) j = i - 1;
  else if (e.key === 'Home') j = 0; else if (e.key === 'End') j = s.length - 1;
  if (j === null) return;
  e.preventDefault();
  j = Math.max(0, Math.min(s.length - 1, j));
  s[j].scrollIntoView();
  history.replaceState(null, '', '#diapo-' + j);
});
// every category is named (deck_html.every_label): on a short screen, its labels get smaller so that
// they never overlap (at most 22 px, at least 11 px)
function fitTicks(d) {
  var ya = d._fullLayout && d._fullLayout.yaxis;
  if (!ya || ya.type !== 'category' || !ya.ticktext || !ya.ticktext.length) return Promise.resolve();
  var lines = Math.max.apply(null, ya.ticktext.map(function (t) { return String(t).split('<br>').length; }));
  var size = Math.max(11, Math.min(22, Math.floor(ya._length / ya.ticktext.length / (lines * 1.15))));
  if (Math.abs(size - ya.tickfont.size) < 1) return Promise.resolve();
  return Plotly.relayout(d, {'yaxis.tickfont.size': size});
}
// each chart was drawn before its caption existed: size it again to the space the caption leaves
function fitAll() {
  document.querySelectorAll('.plotly-graph-div').forEach(function (d) {
    Promise.resolve(Plotly.Plots.resize(d)).then(function () { return fitTicks(d); });
  });
}
window.addEventListener('load', fitAll);
window.addEventListener('resize', fitAll);
"""


def every_label(fig: go.Figure) -> go.Figure:
    """A copy sized by its container (`fill_height`) that names every category of its axes: plotly
    skips every other label when it thinks they are too close (4 of 8 porteurs lost on a 720-pixel
    screen); a slide's chart is read from its labels."""
    out = fill_height(fig)
    for axis in (out.layout.yaxis,):
        if axis.type != "category":
            continue
        cats = [str(c) for t in out.data if getattr(t, "orientation", None) == "h" for c in (t.y or ())]
        cats = list(dict.fromkeys(cats))
        if cats:  # every category named, a long name on two lines (the chart keeps its width on a 1024 screen)
            axis.update(tickmode="array", tickvals=cats, ticktext=[wrap_label(c) for c in cats])
    if any(t.type == "scatter" and t.mode == "text" for t in out.data):  # a text after the bar's end
        out.update_layout(margin_r=max(out.layout.margin.r or 0, 130))
    return out


def wrap_label(label: str, width: int = 26) -> str:
    """A category name cut at words onto lines of about `width` characters (`<br>`); a name that
    already has its lines (« Axe 1<br>Soutenir… ») is kept."""
    if "<br>" in label or len(label) <= width:
        return label
    lines, cur = [], ""
    for word in label.split(" "):
        if cur and len(cur) + 1 + len(word) > width:
            lines.append(cur)
            cur = word
        else:
            cur = f"{cur} {word}" if cur else word
    return "<br>".join([*lines, cur])


def deck_html(deck: list[Slide], titre: str, sous_titre: str = "", *, demo: bool = False,
              lignes: tuple[str, ...] = ()) -> str:
    """The slides as one self-contained HTML page: one screen per slide (scroll snap, the clicker's keys),
    plotly.js inline once (minified bundle: opens offline), one slide per printed page. The title
    screen adds `lignes` (« Présenté au comité de direction le … ») and, with `demo`, says that the
    follow-up values are demonstration data, as the PowerPoint and PDF files do."""
    from plotly.offline import get_plotlyjs  # noqa: PLC0415

    e = html.escape
    parts = [
        "<!DOCTYPE html>", '<html lang="fr"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{e(titre)}</title>", f"<style>{DECK_CSS}</style>",
        f'<script type="text/javascript">{get_plotlyjs()}</script>', f"<script>{DECK_JS}</script>",
        "</head><body>",
        f'<section><h1>{e(titre)}</h1><p class="sous-titre">{e(sous_titre)}</p>'
        + "".join(f'<p class="sous-titre">{e(x)}</p>' for x in lignes if x)
        + (f'<p class="demo">{e(DEMO_WARNING)}</p>' if demo else "") + "</section>",
    ]
    for i, s in enumerate(deck, start=1):
        parts.append(f'<section id="diapo-{i}"><h2><span class="num">{i}.</span>{e(s.titre)}</h2>')
        beside = bool(s.items) and (s.figure is not None or bool(s.chiffres))
        parts.append('<div class="body avec-liste"><div class="main">' if beside else '<div class="body">')
        if s.chiffres:
            parts.append('<div class="chiffres">' + "".join(
                f'<div class="chiffre"><div class="v">{e(c.valeur)}</div><div class="l">{e(c.libelle)}</div></div>'
                for c in s.chiffres) + "</div>")
        if s.figure is not None:  # the chart fills what the title and caption leave of the screen
            figure = plotly_brut(json.loads(every_label(s.figure).to_json()))  # texts shown literally
            # named for screen readers by the slide's message and the chart's figures (as on the pages)
            name = alternatives.alt(figure, see_data=False, message=s.titre)
            parts.append(f'<div class="fig" role="img" aria-label="{e(name)}">' + pio.to_html(
                figure, full_html=False, include_plotlyjs=False, default_height="100%", validate=False,
                config={"displayModeBar": False, "responsive": True}) + "</div>")
        if beside:
            parts.append("</div>")
        if s.items:  # beside the chart (a list under it left the chart too short for its labels)
            parts.append('<ul class="items">' + "".join(
                f'<li>{e(it.label)}<span class="d">{e(it.detail)}</span></li>' for it in s.items) + "</ul>")
        parts.append("</div>")
        if s.legende:
            parts.append(f'<p class="legende">{e(s.legende)}</p>')
        parts.append("</section>")
    parts.append("</body></html>")
    return "\n".join(parts)

