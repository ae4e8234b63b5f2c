"""Numbers as people type them in a workbook cell, read alike by the plan and the follow-up (pure).

Python reads digits of every script as 0-9 (`int("٣")` and `float("３")` are 3), and `float` takes
`inf`, `nan`, `Infinity` or `1e309`: neither is what someone typing a figure for the office meant,
and a non-finite number breaks every total. `foreign_digits` and `not_finite` say so in French,
the first with the reading it looks like, so that the cell can be typed again.
"""

from __future__ import annotations

import math
import unicodedata

from dashboard import fmt


class Refused(ValueError):
    """A cell refused with its own French message (what it looks like, what to type instead)."""


def ascii_digits(text: str) -> str | None:
    """`text` with its digits of other scripts written 0-9 (the reading to propose); None when it has none."""
    if text.isascii():
        return None
    out = [str(unicodedata.decimal(ch)) if ch.isdecimal() and not ch.isascii() else ch for ch in text]
    reading = "".join(out)
    return None if reading == text else reading


def foreign_digits(value) -> Refused | None:
    """The refusal of a cell typed with digits other than 0-9 (« ３ » → 3 ?), None for any other cell."""
    if not isinstance(value, str):
        return None
    reading = ascii_digits(value.strip())
    if reading is None:
        return None
    return Refused(f"« {fmt.cite(value)} » n'est pas écrit avec les chiffres 0 à 9 (« {fmt.cite(value)} » → "
                   f"{fmt.cite(reading)} ?) : saisissez-le à nouveau avec les chiffres 0 à 9 du clavier")


def finite(x: float) -> bool:
    return not (isinstance(x, float) and (math.isinf(x) or math.isnan(x)))


def not_finite(value) -> Refused | None:
    """The refusal of a non-finite number, whether a numeric cell or typed (`inf`, `-Infinity`, `nan`,
    `1e309`, `1,5e400`); None for anything else."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        x = float(value) if not isinstance(value, int) or abs(value) < 10 ** 300 else math.inf
    elif isinstance(value, str):
        try:
            x = float(value.strip().replace(",", ".").replace("\u2212", "-"))
        except ValueError:
            return None
    else:
        return None
    if finite(x):
        return None
    return Refused(f"« {fmt.cite(value)} » n'est pas un nombre fini (infini ou indéfini) : saisissez un nombre "
                   "ordinaire (ex. 1 234,5), ou laissez la cellule vide")
