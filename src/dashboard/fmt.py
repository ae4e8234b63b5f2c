"""French formatting of numbers, money, ETP, percentages and dates (Babel, fr_FR)."""

from __future__ import annotations

import functools
import html
import math
import re
from datetime import date

from babel import Locale
from babel.dates import format_date
from babel.numbers import format_decimal, parse_pattern

LOCALE = "fr_FR"
DASH = "–"
# Parsed once: Babel would otherwise parse the locale and the pattern again on each number (a page
# formats dozens of them on every run; 40 µs a number instead of 15).
_LOCALE = Locale.parse(LOCALE)


@functools.cache
def _pattern(decimals: int, fixed: bool = False):
    return parse_pattern("#,##0" + ("." + ("0" if fixed else "#") * decimals if decimals else ""))


def missing(x) -> bool:
    return x is None or (isinstance(x, float) and math.isnan(x)) or (hasattr(x, "__class__") and str(x) in ("<NA>", "NaT"))


def nombre(x, decimals: int = 0, fixed: bool = False) -> str:
    """`1 234 567` or `0,5`; empty values as an em dash. `fixed`: always `decimals` digits (`1,80`),
    so that the two ends of a range read at the same precision."""
    if missing(x):
        return "—"
    return format_decimal(x, format=_pattern(decimals, fixed), locale=_LOCALE)


def euros(x) -> str:
    """`1 234 567 €`."""
    return "—" if missing(x) else f"{nombre(round(float(x)))}\u00a0€"


def fourchette(lo, hi) -> str:
    """A euro range as users read it: `5 000 – 10 000 €`, or one figure when min = max."""
    if missing(lo) and missing(hi):
        return "—"
    if missing(hi) or missing(lo) or round(float(lo)) == round(float(hi)):
        return euros(lo if not missing(lo) else hi)
    return f"{nombre(round(float(lo)))} {DASH} {nombre(round(float(hi)))}\u00a0€"


def etp(x) -> str:
    """`0,5 ETP`."""
    return "—" if missing(x) else f"{nombre(x, 2)}\u00a0ETP"


def pct(x, decimals: int = 0) -> str:
    """`45 %` from 45 (a percentage, not a fraction)."""
    return "—" if missing(x) else f"{nombre(x, decimals)}\u00a0%"


def mois(x) -> str:
    """`3 mois`."""
    return "—" if missing(x) else f"{nombre(x, 1)}\u00a0mois"


def jour(d) -> str:
    """`31/12/2025`."""
    if missing(d):
        return "—"
    if not isinstance(d, date):
        d = d.date()
    return format_date(d, format="dd/MM/yyyy", locale=_LOCALE)


def mois_annee(d) -> str:
    """`mars 2023`."""
    if missing(d):
        return "—"
    if not isinstance(d, date):
        d = d.date()
    return format_date(d, format="MMMM yyyy", locale=_LOCALE)


ECHO_MAX = 80  # characters of a cell's text (or a file name) quoted back in a message


def cite(value) -> str:
    """Text from a workbook cell or a file name, as a message quotes it: stripped, at most ECHO_MAX
    characters then « … ». The one cap on echoed text: a long cell must not make a long message."""
    text = str(value).strip()
    return text if len(text) <= ECHO_MAX else text[:ECHO_MAX].rstrip() + "…"


# Every ASCII punctuation character, each escaped by a backslash (CommonMark allows it for all of them):
# no link, image, emphasis, code, heading, list, table, HTML, math ($) nor Streamlit directive
# (:red[…], :material/…:) can start. Bare addresses (https://…, www.…, a@b.c) are turned into links
# by the GFM autolink pass on the text itself, after escapes are read: a word joiner (U+2060,
# invisible) inside `//`, after `www` and after `@` keeps them plain.
_MD_PUNCTUATION = re.compile(r"([!-/:-@\[-`{-~])")
_AUTOLINK = re.compile(r"(?<=/)(?=/)|(?<=www)(?=\.)|(?<=@)", re.IGNORECASE)
WORD_JOINER = "\u2060"


def texte_brut(text) -> str:
    """`text` (a file name, a comment, a label, a title: anything a person or a file wrote) as Markdown
    that shows it literally, line breaks kept: for st.markdown, st.caption, alerts, widget labels and
    help, st.table cells. None and NaN give ""."""
    if text is None or (isinstance(text, float) and math.isnan(text)):
        return ""
    text = _AUTOLINK.sub(WORD_JOINER, str(text))
    return _MD_PUNCTUATION.sub(r"\\\1", text).replace("\r\n", "\n").replace("\n", "  \n")


def html_brut(text) -> str:
    """`text` escaped for HTML a page writes (st.html, st.markdown with unsafe_allow_html): no tag, and
    no blank line that would end the HTML block and let Markdown read what follows. None gives ""."""
    return html.escape("" if text is None else str(text)).replace("\r\n", "\n").replace("\n", "<br>")
