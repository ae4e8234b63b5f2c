"""What staff type in a follow-up cell, read as a value: French numbers (`1 234,5`, `12 000 €`,
`45 %`), dates (`31/12/2025`, Excel serials), oui/non, statuses written loosely. Each parser returns
the value or raises `BadValue` with a French message saying what to do. Pure: no workbook, no store.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime, timedelta

import pandas as pd

from dashboard import chiffres
from dashboard.suivi.contract import CLEAR_WORD, STATUTS

# ---------------------------------------------------------------------------------------------
# Parsing what staff type
# ---------------------------------------------------------------------------------------------

class BadValue(ValueError):
    """A cell that cannot be read; the message says what to do, in French."""


SPACES = re.compile(r"[\s\u00a0\u202f\u2009\u2007\u2008']")
_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")
_GROUPED = re.compile(r"^[+-]?\s*\d{1,3}([\s\u00a0\u202f\u2009\u2007\u2008']\d{3})*([.,]\d+)?$")
_EURO = re.compile(r"(€|eur|euros?)$")
_EXCEL_EPOCH = datetime(1899, 12, 30)


def is_clear(v) -> bool:
    """The cell says « effacer » (any case): the stored value of that cell is to be removed."""
    return isinstance(v, str) and v.strip().casefold() == CLEAR_WORD


def blank(v) -> bool:
    return v is None or (isinstance(v, str) and not v.strip()) or (isinstance(v, float) and v != v)


def parse_number(v, *, percent_cell: bool = False) -> tuple[float, str]:
    """A number as typed by French staff -> (value, mark) where mark is '%', '€' or ''.

    `1 234,5`, `1 234` (any space, incl. narrow no-break), `45 %`, `12 000 €`, `-3`, `1.234,5`.
    A numeric cell formatted as percent (0,45 shown as 45 %) gives (45.0, '%').
    """
    if isinstance(v, bool):
        raise BadValue("un nombre est attendu, pas VRAI/FAUX")
    refused = chiffres.not_finite(v) or chiffres.foreign_digits(v)  # inf, nan, 1e309; « ３ », « ٣ »
    if refused is not None:
        raise BadValue(str(refused))
    if isinstance(v, int | float):
        return (float(v) * 100, "%") if percent_cell else (float(v), "")
    if isinstance(v, datetime | date | timedelta):
        raise BadValue("un nombre est attendu, pas une date")
    s = str(v).strip().lower().replace("\u2212", "-")
    mark = ""
    if s.endswith("%"):
        mark, s = "%", s[:-1]
    else:
        m = _EURO.search(s)
        if m:
            mark, s = "€", s[: m.start()]
    s = s.strip()
    if SPACES.search(s) and not _GROUPED.match(s):  # "1 234,5" yes, "1 234,5 6" or "12 34" no
        raise BadValue(f"« {str(v).strip()} » n'est pas un nombre : saisissez un nombre (ex. 1 234,5), "
                       "ou laissez la cellule vide")
    s = SPACES.sub("", s)
    if "," in s and "." in s:
        s = s.replace(".", "").replace(",", ".") if s.rfind(",") > s.rfind(".") else s.replace(",", "")
    elif s.count(",") == 1:
        s = s.replace(",", ".")
    elif s.count(".") > 1:
        s = s.replace(".", "")
    if not _NUMBER.match(s):
        raise BadValue(f"« {str(v).strip()} » n'est pas un nombre : saisissez un nombre (ex. 1 234,5), "
                       "ou laissez la cellule vide")
    x = float(s)
    if not chiffres.finite(x):  # 400 digits in a row
        raise BadValue(str(chiffres.not_finite(x)))
    return x, mark


_DATE_FORMATS = ("%d/%m/%Y", "%d/%m/%y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d %H:%M:%S")


DATE_YEARS = (1900, 2100)  # beyond: an impossible date (a typo such as 9999), refused


def parse_date(v) -> pd.Timestamp:
    """An Excel date, `31/12/2025`, `2025-12-31`, or an Excel serial number -> Timestamp (day).

    A year before 1900 or after 2100 is refused (BadValue)."""
    d = _parse_date(v)
    lo, hi = DATE_YEARS
    if not lo <= d.year <= hi:
        raise BadValue(f"la date {d.day:02d}/{d.month:02d}/{d.year} est impossible (année {d.year}) : saisissez la "
                       f"date réelle au format JJ/MM/AAAA, entre {lo} et {hi}")
    return d


def _parse_date(v) -> pd.Timestamp:
    refused = chiffres.foreign_digits(v)  # strptime reads « ٣١/١٢/٢٠٢٥ » as 31/12/2025
    if refused is not None:
        raise BadValue(str(refused))
    if isinstance(v, datetime):
        return pd.Timestamp(v).normalize()
    if isinstance(v, date):
        return pd.Timestamp(v)
    if isinstance(v, bool):
        raise BadValue("une date est attendue (JJ/MM/AAAA)")
    if isinstance(v, int | float):
        if 3000 < v < 2958466:  # an Excel serial that lost its date format
            return pd.Timestamp(_EXCEL_EPOCH + timedelta(days=int(v)))
        raise BadValue(f"« {v:g} » n'est pas une date : saisissez une date complète au format JJ/MM/AAAA")
    s = str(v).strip()
    for fmt in _DATE_FORMATS:
        try:
            return pd.Timestamp(datetime.strptime(s, fmt))
        except ValueError:
            continue
    raise BadValue(f"« {s} » n'est pas une date : saisissez une date au format JJ/MM/AAAA (ex. 31/12/2025)")


_OUI = {"oui", "o", "x", "yes", "vrai", "true", "1", "atteint", "fait"}
_NON = {"non", "n", "no", "faux", "false", "0", "non atteint"}


def parse_oui_non(v) -> float:
    """`oui` / `x` -> 1.0, `non` -> 0.0 (also VRAI/FAUX and 1/0)."""
    if isinstance(v, bool):
        return 1.0 if v else 0.0
    if isinstance(v, int | float) and v in (0, 1):
        return float(v)
    s = str(v).strip().lower()
    if s in _OUI:
        return 1.0
    if s in _NON:
        return 0.0
    raise BadValue(f"« {str(v).strip()} » : saisissez « oui » ou « non » (ou « x » pour oui)")


def fold(s: str) -> str:
    s = unicodedata.normalize("NFKD", str(s)).encode("ascii", "ignore").decode()
    return " ".join(s.lower().split())


_STATUT_BY_FOLD = {fold(s): s for s in STATUTS}


def parse_statut(v) -> str:
    s = _STATUT_BY_FOLD.get(fold(v))
    if s is None:
        raise BadValue(f"statut « {str(v).strip()} » inconnu : choisissez dans la liste "
                       f"({' / '.join(STATUTS)})")
    return s


def parse_indicator_value(v, unite: str, *, percent_cell: bool = False) -> tuple[float | None, pd.Timestamp | None]:
    """One Résultat / Objectif cell of an indicator of unit `unite` -> (number, date)."""
    if unite == "oui/non":
        return parse_oui_non(v), None
    if unite == "date":
        return None, parse_date(v)
    x, mark = parse_number(v, percent_cell=percent_cell and unite == "%")
    if unite == "%":
        if not 0 <= x <= 100:
            raise BadValue(f"{num_text(x)} % est hors de 0 à 100 : saisissez un pourcentage entre 0 et 100 "
                           "(ex. 45 ou 45 %)")
    else:
        if mark == "%":
            raise BadValue(f"un pourcentage est saisi pour un indicateur en « {unite} » : "
                           "saisissez la valeur sans « % »")
        if x < 0:
            raise BadValue(f"{num_text(x)} est négatif : un {'montant' if unite == '€' else 'nombre'} "
                           "ne peut pas être négatif")
    return x, None


def num_text(x: float) -> str:
    return f"{x:g}".replace(".", ",")


def header_text(v) -> str:
    return " ".join(str(v).replace("\u00a0", " ").replace("\u202f", " ").split()) if not blank(v) else ""



def cell_value(row: list, j: int | None):
    if j is None or j >= len(row):
        return None
    v = row[j]
    if v.__class__ is float or v.__class__ is int:  # the common case, first
        return None if v != v else v
    return None if v is None or (v.__class__ is str and not v.strip()) else v


def int_id(v) -> int | None:
    """An identifier typed as a number (`3`, `3,0`); None when it is not one. BadValue (French) for
    digits of other scripts, with the reading they look like (« ３ » → 3 ?)."""
    refused = chiffres.foreign_digits(v)
    if refused is not None:
        raise BadValue(str(refused))
    try:
        x = float(str(v).strip().replace(",", ".")) if not isinstance(v, int | float) else float(v)
    except ValueError:
        return None
    return int(x) if chiffres.finite(x) and x == int(x) else None


def text_value(v) -> str | None:
    if v is None:
        return None
    if isinstance(v, float) and v == int(v):
        v = int(v)
    if isinstance(v, datetime | date):
        v = v.strftime("%d/%m/%Y")
    s = str(v).strip()
    return s or None
