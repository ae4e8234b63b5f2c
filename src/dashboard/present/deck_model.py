"""What the comité's deck files share, whatever their format: the title and closing slides' words
(`DeckInfo`), a slide's actions as lines, the charts in a neutral form (`ChartData`, read from the
plotly figures' own data), and how much text fits in a box. The writers are `deck_pptx` (PowerPoint)
and `deck_pdf` (PDF by Debian's chromium); `deck_files` is the entry point the page and the command
line call. Nothing here draws or computes a figure: `comite.slides` did.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import plotly.graph_objects as go

from dashboard import fmt, metrics
from dashboard.present import couleurs, textes

FORMATS = {".pptx": "PowerPoint", ".pdf": "PDF", ".html": "HTML"}

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
    presente: str = ""  # « Présenté au comité de direction le 06/12/2026 »: only with the comité's date


DEMO_WARNING = "Les valeurs de suivi (avancement, indicateurs) sont des données de démonstration, fictives."


def presente_text(date_comite) -> str:
    """« Présenté au comité de direction le 06/12/2026 » for the comité's date; "" without one (the day
    a file is made is not the comité's)."""
    if date_comite is None or fmt.missing(date_comite) or str(date_comite).strip() == "":
        return ""
    return f"Présenté au comité de direction le {fmt.jour(metrics.as_timestamp(date_comite))}"


def file_stem(date_comite=None, as_of=None, prefix: str = "comite") -> str:
    """`comite_2026-12-06`: a file named by the comité's date (else the date of the figures)."""
    day = date_comite if date_comite is not None and str(date_comite).strip() else as_of
    return f"{prefix}_{metrics.as_timestamp(day).date().isoformat()}"


def deck_info(plan, as_of=None, demo: bool = False, axes=(), date_comite=None) -> DeckInfo:
    """The title slide's words, from the plan's own period (never a year written in code);
    `date_comite`: the day the deck is presented (« Présenté au comité de direction le … »)."""
    first, last = plan.periode
    axes = tuple(sorted({int(a) for a in axes or ()}))
    sous_titre = "Point d'étape au comité de direction"
    if axes:
        sous_titre += " · " + textes.axes_text(axes)
    return DeckInfo(
        titre=f"Schéma de développement touristique {first}-{last}",
        sous_titre=sous_titre,
        situation=f"Situation au {fmt.jour(metrics.as_timestamp(as_of))}",
        demo=bool(demo), axes=axes, source=Path(str(getattr(plan, "source", "") or "")).name,
        presente=presente_text(date_comite),
    )


def closing_text(info: DeckInfo) -> tuple[str, str]:
    """The closing slide: a title and where the figures come from."""
    source = f"du classeur du plan « {info.source} »" if info.source else "du classeur du plan"
    suivi = " et des valeurs de suivi de démonstration (fictives)" if info.demo else " et du suivi annuel importé"
    return ("Merci de votre attention : questions et échanges",
            f"Chiffres calculés par le tableau de bord à partir {source}{suivi}, {info.situation.lower()}. "
            "Le détail de chaque action (budget, ETP, calendrier, indicateurs) est dans le tableau de bord, "
            "page Actions.")


def slide_item_parts(slide) -> list[tuple[str, str]]:
    """The slide's list (e.g. the late actions) as (name, detail) pairs, whatever form the items take:
    « n° 19 Animer les locaux… », « Axe 1 · 25,8 mois de retard » (the detail is what the slide says
    of the action: the files keep it, as the screen does)."""
    out = []
    for item in getattr(slide, "items", None) or ():
        if isinstance(item, str):
            out.append((item, ""))
            continue
        if isinstance(item, tuple | list):
            parts = [str(x) for x in item if x is not None and not str(x).startswith(("/", "http", "?"))]
            out.append((" · ".join(parts), ""))
            continue
        text = next((getattr(item, k) for k in ("texte", "libelle", "label", "titre", "nom", "text")
                     if getattr(item, k, None)), None)
        out.append((str(text if text is not None else item), str(getattr(item, "detail", "") or "")))
    return [(t, d) for t, d in out if t.strip()]


def slide_items(slide) -> list[str]:
    """The slide's list as lines of text: « n° 19 Animer les locaux… — Axe 1 · 25,8 mois de retard »."""
    return [f"{t} {fmt.DASH} {d}" if d else t for t, d in slide_item_parts(slide)]


# --- Les graphiques, sous une forme neutre ----------------------------------------------------

@dataclass(frozen=True)
class Serie:
    """One series of a horizontal bar chart: its name, values, colour per bar, label per bar."""

    name: str
    values: tuple[float, ...]
    colors: tuple[str, ...]
    labels: tuple[str, ...] = ()
    inside: bool = False  # labels inside the bar (stacked counts), else at its end
    lines: tuple[str, ...] = ()  # each bar's outline (`RRGGBB`, "" for none): a light fill's edge


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
    return text.upper() if len(text) == 6 else couleurs.GREY.lstrip("#")


def _colors(trace, n: int) -> tuple[str, ...]:
    c = trace.marker.color
    colors = [_hex(x) for x in c] if isinstance(c, list | tuple) else [_hex(c)] * n
    if trace.marker.opacity is not None and trace.marker.opacity < 1:
        colors = [couleurs.clair(x, float(trace.marker.opacity)).lstrip("#") for x in colors]
    return tuple(colors)


def _lines(trace, n: int) -> tuple[str, ...]:
    """Each bar's outline, when the trace draws one (a lighter segment keeps its colour as its edge)."""
    line = trace.marker.line
    if not line or line.width is None or line.color is None:
        return ()
    c, w = line.color, line.width
    colors = [_hex(x) for x in c] if isinstance(c, list | tuple) else [_hex(c)] * n
    widths = list(w) if isinstance(w, list | tuple) else [w] * n
    lines = tuple(color if width else "" for color, width in zip(colors, widths, strict=False))
    return lines if any(lines) else ()


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
                            inside=stacked and t.textposition != "outside", lines=_lines(t, n)))
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


