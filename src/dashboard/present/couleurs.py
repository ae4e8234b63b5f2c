"""The colours of the dashboard, one definition for the pages, the slides and the files: an axe's
colour, an action's situation (réalisée, en retard…), a favourable or unfavourable change.

Okabe-Ito colours (colour-blind-safe). A situation has the same colour on the Calendrier page, on
the comité's slides (screen, projector, HTML, PowerPoint, PDF) and in the printed fiche.
"""

from __future__ import annotations

# one colour per axe (cycled past eight axes)
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000")
GREY = "#9AA1A9"

# an action's situation at the date « situation au » (metrics.SITUATIONS)
SITUATIONS = {
    "réalisée": "#009E73", "dans les temps": "#56B4E9", "en retard": "#D55E00", "non démarrée": GREY,
    "reportée": "#E69F00", "abandonnée": "#4C566A", "sans suivi": "#D9DDE2",
}
EN_RETARD = SITUATIONS["en retard"]

# the texts of a chart (axes, values, panel titles): near-black, 16:1 on white (a text needs 4,5:1; the
# page's theme would write them in #808495, 3,8:1)
INK = "#1B1F24"

FAVORABLE, DEFAVORABLE = "#0072B2", "#D55E00"  # an indicator's change: blue / vermillion
A_COLLECTER = "#E69F00"                          # an indicator still to collect


def situation_color(situation: str) -> str:
    """The colour of a situation (grey for one the palette does not know)."""
    return SITUATIONS.get(str(situation), GREY)
