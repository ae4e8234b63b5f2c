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

from dashboard.present.charts import plotly_brut
from dashboard.present.comite import Slide


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


DECK_CSS = """
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
.fig { flex: 1 1 0; min-height: 0; }
.fig > div, .fig .plotly-graph-div { height: 100% !important; width: 100% !important; }
.items { list-style: none; padding: 0; margin: 1vh 0; font-size: max(18px, min(2.6vh, 2vw)); }
.items li { margin: 0 0 1vh 0; padding-left: 1vw; border-left: 6px solid #D55E00; }
.items .d { color: #3B4350; margin-left: .6em; }
.legende { font-size: max(15px, min(1.9vh, 1.4vw)); color: #3B4350; margin: 1vh 0 0; }
.sous-titre { font-size: max(20px, 3vh); color: #3B4350; }
@media print { html { scroll-snap-type: none; } section { height: 100vh; } }
"""


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
// each chart was drawn before its caption existed: size it again to the space the caption leaves
window.addEventListener('load', function () {
  document.querySelectorAll('.plotly-graph-div').forEach(function (d) { Plotly.Plots.resize(d); });
});
"""


def deck_html(deck: list[Slide], titre: str, sous_titre: str = "") -> str:
    """The slides as one self-contained HTML page: one screen per slide (scroll snap, the clicker's keys),
    plotly.js inline once (minified bundle: opens offline), one slide per printed page."""
    from plotly.offline import get_plotlyjs  # noqa: PLC0415

    e = html.escape
    parts = [
        "<!DOCTYPE html>", '<html lang="fr"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{e(titre)}</title>", f"<style>{DECK_CSS}</style>",
        f'<script type="text/javascript">{get_plotlyjs()}</script>', f"<script>{DECK_JS}</script>",
        "</head><body>",
        f'<section><h1>{e(titre)}</h1><p class="sous-titre">{e(sous_titre)}</p></section>',
    ]
    for i, s in enumerate(deck, start=1):
        parts.append(f'<section id="diapo-{i}"><h2><span class="num">{i}.</span>{e(s.titre)}</h2>')
        if s.chiffres:
            parts.append('<div class="chiffres">' + "".join(
                f'<div class="chiffre"><div class="v">{e(c.valeur)}</div><div class="l">{e(c.libelle)}</div></div>'
                for c in s.chiffres) + "</div>")
        if s.figure is not None:  # the chart fills what the title and caption leave of the screen
            figure = plotly_brut(json.loads(fill_height(s.figure).to_json()))  # texts shown literally
            parts.append('<div class="fig">' + pio.to_html(
                figure, full_html=False, include_plotlyjs=False, default_height="100%", validate=False,
                config={"displayModeBar": False, "responsive": True}) + "</div>")
        if s.items:
            parts.append('<ul class="items">' + "".join(
                f'<li>{e(it.label)}<span class="d">{e(it.detail)}</span></li>' for it in s.items) + "</ul>")
        if s.legende:
            parts.append(f'<p class="legende">{e(s.legende)}</p>')
        parts.append("</section>")
    parts.append("</body></html>")
    return "\n".join(parts)

