"""The comité's deck as files to circulate: PowerPoint (`deck_pptx`), PDF (`deck_pdf`) and HTML
(`deck_html.deck_html`), chosen by the file name's extension.

All three only render what `comite.slides` computed: a title slide, one slide per message, a closing
slide, with the words of `deck_model.DeckInfo`. This module is the one the page and the command line
import; it names what they use from the three writers.
"""

from __future__ import annotations

from dashboard.present import deck_html
from dashboard.present.deck_model import (
    FORMATS,
    ChartData,
    DeckError,
    DeckInfo,
    chart_data,
    closing_text,
    deck_info,
    fit_size,
    slide_items,
    text_lines,
)
from dashboard.present.deck_pdf import NO_CHROMIUM, PRINTER, chromium_path, deck_pdf
from dashboard.present.deck_pptx import deck_pptx

__all__ = ["FORMATS", "NO_CHROMIUM", "PRINTER", "ChartData", "DeckError", "DeckInfo", "chart_data", "chromium_path",
           "closing_text", "deck_file", "deck_info", "deck_pdf", "deck_pptx", "fit_size", "slide_items",
           "text_lines"]


def deck_file(deck: list, info: DeckInfo, suffix: str) -> bytes:
    """The deck in the format of the file name's extension (.pptx, .pdf, .html)."""
    suffix = suffix.lower()
    if suffix == ".pptx":
        return deck_pptx(deck, info)
    if suffix == ".pdf":
        return deck_pdf(deck, info)
    if suffix == ".html":
        return deck_html.deck_html(deck, f"{info.titre} : point d'étape", info.sous_titre, demo=info.demo,
                                   lignes=(info.presente, info.situation)).encode("utf-8")
    raise DeckError(f"Format « {suffix or '(sans extension)'} » non pris en charge : choisissez un fichier "
                    ".pptx (PowerPoint), .pdf ou .html.")
