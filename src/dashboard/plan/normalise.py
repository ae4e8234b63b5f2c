"""The plan workbook's cells read into typed columns, and the plan's period.

Each sheet read by `load.read_sheets` becomes a frame keyed by snake_case columns (`schema.SHEETS`),
each cell parsed by its column's kind (integer, number, text, enjeu `1.2`, date); a cell that cannot
be parsed is blanked and reported (sheet, Excel row, column, what to type instead). The period comes
from the `Période` row of Lisez-moi, else from the years the rows name. Used by `validate`.
"""

from __future__ import annotations

import difflib
import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

import pandas as pd

from dashboard import chiffres, fmt
from dashboard.plan.schema import (
    README_SHEET,
    SHEETS,
    Problem,
    excel_row,
)

INT, FLOAT, TEXT, DATE, ENJEU = "int", "float", "text", "date", "enjeu"
KIND = {
    "axe": INT, "action_id": INT, "annee_debut": INT, "annee_fin": INT, "annee": INT,
    "montant_min": FLOAT, "montant_max": FLOAT, "quantite": FLOAT, "etp": FLOAT, "valeur": FLOAT,
    "etp_disponibles": FLOAT,
    "debut_prevu": DATE, "fin_prevue": DATE,
    "enjeu": ENJEU,
}
DTYPE = {INT: "Int64", FLOAT: "float64", TEXT: "str", ENJEU: "str", DATE: "datetime64[ns]"}
SHEET_ORDER = [README_SHEET, *SHEETS]
PERIODE_LABELS = {"période", "periode"}
ENJEU_RE = re.compile(r"^(\d+)\.(\d+)$")
INDICATEUR_ID_RE = re.compile(r"^A(\d+)-(\d+)$")
SPACES = str.maketrans("", "", " \u00a0\u202f\u2009")


def header(sheet: str, key: str) -> str:
    """The French header of a key in a sheet."""
    return next(h for h, k in SHEETS[sheet].items() if k == key)


def show(value) -> str:
    """A cell value as quoted in a message (short, French numbers)."""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int | float) and chiffres.finite(value):
        return fmt.nombre(value, 2)
    if isinstance(value, datetime | date | pd.Timestamp):
        return fmt.jour(value)
    return fmt.cite(value)


def blank(value) -> bool:
    return value is None or value is pd.NaT or (isinstance(value, float) and math.isnan(value)) or (
        isinstance(value, str) and not value.strip())


# ---------------------------------------------------------------- cell parsers
# Each returns the normalised value (None = blank) or raises ValueError (wrong type).

def _typed_as_people_do(value) -> None:
    """Chiffres.Refused (its own message) for digits of other scripts and non-finite numbers."""
    refused = chiffres.not_finite(value) or chiffres.foreign_digits(value)
    if refused is not None:
        raise refused


def number_of(value) -> float | None:
    if blank(value):
        return None
    if isinstance(value, bool) or isinstance(value, datetime | date):
        raise ValueError
    _typed_as_people_do(value)
    if isinstance(value, int | float):
        return float(value)
    text = str(value).translate(SPACES).rstrip("€%").replace(",", ".")
    result = float(text)  # ValueError if not a number
    if math.isnan(result) or math.isinf(result):
        raise ValueError
    return result


def integer_of(value) -> int | None:
    number = number_of(value)
    if number is None:
        return None
    if not number.is_integer():
        raise ValueError
    return int(number)


def text_of(value) -> str:
    if blank(value):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime | pd.Timestamp):
        return fmt.jour(value)
    return str(value).strip()


def enjeu_of(value) -> str:
    """Enjeu "1.1" whether Excel stored it as text or as the number 1.1 (or typed "1,1")."""
    if blank(value):
        return ""
    _typed_as_people_do(value)
    if isinstance(value, int | float) and not isinstance(value, bool):
        return format(float(value), ".10g")
    return str(value).strip().replace(",", ".")


def date_of(value) -> pd.Timestamp | None:
    if blank(value):
        return None
    if isinstance(value, datetime | date | pd.Timestamp):
        return pd.Timestamp(value)
    if isinstance(value, str):
        refused = chiffres.foreign_digits(value)  # strptime reads « ٣١/١٢/٢٠٢٥ » as 31/12/2025
        if refused is not None:
            raise refused
        text = value.strip()
        for form in ("%d/%m/%Y", "%Y-%m-%d", "%d/%m/%y", "%Y-%m-%d %H:%M:%S"):
            try:
                return pd.Timestamp(datetime.strptime(text, form))
            except ValueError:
                continue
    raise ValueError


PARSERS: dict[str, Callable] = {INT: integer_of, FLOAT: number_of, TEXT: text_of, ENJEU: enjeu_of, DATE: date_of}
TYPE_HINT = {
    INT: "ce n'est pas un nombre entier : saisissez un nombre entier (par exemple 12), sans texte.",
    FLOAT: "ce n'est pas un nombre : saisissez un nombre seul (par exemple 20000 ou 0,5), "
           "sans texte ; mettez les précisions dans la colonne Note.",
    DATE: "ce n'est pas une date : saisissez une date Excel ou JJ/MM/AAAA, ou laissez vide si elle est inconnue.",
}


def empty_frame(sheet: str) -> pd.DataFrame:
    """An empty, correctly typed frame for a sheet (used when the sheet is missing)."""
    return pd.DataFrame({k: pd.Series(dtype=DTYPE[KIND.get(k, TEXT)]) for k in SHEETS[sheet].values()})


@dataclass
class Sheet:
    frame: pd.DataFrame
    keys: set[str]           # keys whose column is present
    bad: set[tuple[int, str]]  # (index, key) of cells with a type problem (normalised to blank)


def normalise(sheet: str, raw: pd.DataFrame | None, problems: list[Problem]) -> Sheet:
    columns = SHEETS[sheet]
    if raw is None:
        problems.append(Problem(sheet, None, None,
                                f"la feuille « {sheet} » est absente du classeur : ajoutez-la (ou rétablissez son nom) "
                                f"avec les colonnes {', '.join('« ' + h + ' »' for h in columns)}."))
        return Sheet(empty_frame(sheet), set(), set())
    found = {str(c).strip(): c for c in raw.columns if not str(c).startswith("Unnamed:")}
    unknown = [h for h in found if h not in columns]
    for head in columns:
        if head in found:
            continue
        close = difflib.get_close_matches(head, unknown, n=1, cutoff=0.6)
        hint = (f"l'en-tête « {close[0]} » ressemble à « {head} » : renommez-le exactement « {head} »."
                if close else f"ajoutez la colonne « {head} » (en-tête en ligne 1, orthographe exacte).")
        problems.append(Problem(sheet, 1, head, f"colonne absente : {hint}"))
    present = {columns[h]: found[h] for h in columns if h in found}
    data = raw[list(present.values())] if present else pd.DataFrame(index=raw.index)
    keep = [i for i, row in zip(data.index, data.itertuples(index=False), strict=True)
            if not all(blank(v) for v in row)]
    data = data.loc[keep]
    out, bad = {}, set()
    for key, col in present.items():
        kind = KIND.get(key, TEXT)
        parse, values = PARSERS[kind], []
        for idx, value in zip(data.index, data[col], strict=True):
            try:
                values.append(parse(value))
            except chiffres.Refused as refused:  # « ３ » → 3 ?, « inf »: its own message
                values.append(None)
                bad.add((idx, key))
                problems.append(Problem(sheet, excel_row(idx), header(sheet, key), str(refused)))
            except (ValueError, TypeError, OverflowError):
                values.append(None)
                bad.add((idx, key))
                problems.append(Problem(sheet, excel_row(idx), header(sheet, key),
                                        f"« {show(value)} » : {TYPE_HINT[kind]}"))
        out[key] = series_of(values, kind, data.index)
    frame = pd.DataFrame({k: out.get(k, series_of([None] * len(data), KIND.get(k, TEXT), data.index))
                          for k in columns.values()}, index=data.index)
    return Sheet(frame, set(present), bad)


def series_of(values: list, kind: str, index) -> pd.Series:
    if kind in (TEXT, ENJEU):
        return pd.Series(["" if v is None else v for v in values], index=index, dtype="str")
    if kind == INT:
        return pd.Series(pd.array(values, dtype="Int64"), index=index)
    if kind == FLOAT:
        return pd.Series([math.nan if v is None else v for v in values], index=index, dtype="float64")
    return pd.Series(pd.to_datetime([pd.NaT if v is None else v for v in values]), index=index).astype(
        "datetime64[ns]")


# ---------------------------------------------------------------- the period

def periode_of(readme: pd.DataFrame | None, sheets: dict[str, Sheet],
             problems: list[Problem]) -> tuple[int, int] | None:
    """From the `Période` row of Lisez-moi, else the span of the years the rows name.

    Without a `Période` row: the years of Budget, ETP and Capacité; the Calendrier dates only if
    those name no year (a launch date before the plan must not stretch its period).
    """
    if readme is not None and readme.shape[1] >= 2:
        rows = [(1, list(readme.columns[:2]))] + [
            (excel_row(i), list(r)) for i, r in zip(readme.index, readme.iloc[:, :2].itertuples(index=False),
                                                    strict=True)]
        for row, (label, value) in rows:
            if isinstance(label, str) and label.strip().lower() in PERIODE_LABELS:
                years = re.findall(r"\d{4}", text_of(value))
                column = str(readme.columns[1]) if not str(readme.columns[1]).startswith("Unnamed:") else None
                if len(years) == 2 and int(years[0]) <= int(years[1]):
                    return int(years[0]), int(years[1])
                problems.append(Problem(README_SHEET, row, column,
                                        f"la période « {show(value)} » est illisible : écrivez-la sous la forme "
                                        "AAAA-AAAA (première année, tiret, dernière année), la première année d'abord."))
                return None
    years: list[int] = []
    for sheet, keys in (("Budget", ("annee_debut", "annee_fin")), ("ETP", ("annee_debut", "annee_fin")),
                        ("Capacité", ("annee",))):
        for key in keys:
            years += [int(y) for y in sheets[sheet].frame[key].dropna()]
    if not years:  # calendar dates outside the period are anomalies: they only count when nothing else does
        for key in ("debut_prevu", "fin_prevue"):
            years += [d.year for d in sheets["Calendrier"].frame[key].dropna()]
    if not years:
        problems.append(Problem(README_SHEET, None, None,
                                "la période du plan est introuvable : ajoutez dans « Lisez-moi » une ligne "
                                "« Période » suivie de AAAA-AAAA (première année, tiret, dernière année)."))
        return None
    return min(years), max(years)


