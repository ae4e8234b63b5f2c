"""The colours of the dashboard, one definition for the pages, the slides and the files: an axe's
colour, an action's situation (réalisée, en retard…), a favourable or unfavourable change.

Colour-blind-safe hues (Okabe-Ito and Paul Tol's, darkened where needed) chosen so that every mark
stands out from the white background by at least 3:1 (RGAA 3.3, WCAG 1.4.11), and that the five axes
and the seven situations stay apart for a reader without red, green or blue cones (pairwise CIELAB
distance of 12 or more after the Machado 2009 simulations, 17 for the axes; the former Okabe-Ito set
went down to 16 but its orange, sky blue and yellow were at 1,3 to 2,3:1). A mark lighter than that (the lighter
segment of a range, a band, « sans suivi ») is drawn with an outline of `contour(colour)`, which is.
A situation has the same colour on the Calendrier page, on the comité's slides (screen, projector,
HTML, PowerPoint, PDF) and in the printed fiche, and is always named too (legend, label, word).
"""

from __future__ import annotations

WHITE = "#FFFFFF"

# one colour per axe (cycled past eight axes): blue, dark orange, bluish green, wine, indigo, …
PALETTE = ("#0072B2", "#B35806", "#009E73", "#882255", "#332288", "#D55E00", "#4C566A", "#000000")
GREY = "#858C94"  # 3,4:1 on white

# an action's situation at the date « situation au » (metrics.SITUATIONS)
SITUATIONS = {
    "réalisée": "#009E73", "dans les temps": "#0072B2", "en retard": "#D55E00", "non démarrée": GREY,
    "reportée": "#882255", "abandonnée": "#2B2F36", "sans suivi": "#D9DDE2",
}
EN_RETARD = SITUATIONS["en retard"]

# the texts of a chart (axes, values, panel titles): near-black, 16:1 on white (a text needs 4,5:1; the
# page's theme would write them in #808495, 3,8:1)
INK = "#1B1F24"

FAVORABLE, DEFAVORABLE = "#0072B2", "#D55E00"  # an indicator's change: blue / vermillion
A_COLLECTER = "#B35806"                          # an indicator still to collect: dark orange

MARKS = 3.0   # contrast a chart mark needs against its background
TEXT = 4.5    # contrast a text needs against its background


def situation_color(situation: str) -> str:
    """The colour of a situation (grey for one the palette does not know)."""
    return SITUATIONS.get(str(situation), GREY)


def _rgb(color: str) -> tuple[int, int, int]:
    text = str(color).strip().lstrip("#")
    return int(text[0:2], 16), int(text[2:4], 16), int(text[4:6], 16)


def luminance(color: str) -> float:
    """WCAG relative luminance of a `#RRGGBB` colour."""
    def lin(c: int) -> float:
        c = c / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4
    r, g, b = _rgb(color)
    return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b)


def contraste(a: str, b: str = WHITE) -> float:
    """WCAG contrast ratio of two `#RRGGBB` colours (1 to 21)."""
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def clair(color: str, opacity: float) -> str:
    """`color` seen through `opacity` over white, as `#RRGGBB` (a lighter segment or band)."""
    return "#" + "".join(f"{round(255 - (255 - c) * opacity):02X}" for c in _rgb(color))


def contour(color: str) -> str:
    """The outline of a mark filled with `color`: the colour itself when it stands out from white by 3:1,
    else the grey that does."""
    return color if contraste(color) >= MARKS else GREY


def texte_sur(color: str) -> str:
    """The colour of a text written on a mark filled with `color`: white, else near-black, else black,
    the first at 4,5:1 (white on green or grey falls under it, near-black on vermillion too)."""
    return next((c for c in (WHITE, INK) if contraste(c, color) >= TEXT), "#000000")


def en_texte(color: str) -> str:
    """`color` for a text on white: the colour itself at 4,5:1, else darkened towards black by steps of
    5 % until it is (vermillion #D55E00, 3,9:1, becomes #C05500, 4,6:1)."""
    r, g, b = _rgb(color)
    for step in range(21):
        k = 1 - step * 0.05
        shade = "#" + "".join(f"{round(c * k):02X}" for c in (r, g, b))
        if contraste(shade) >= TEXT:
            return shade
    return "#000000"
