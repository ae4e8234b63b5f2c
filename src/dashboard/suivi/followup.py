"""The yearly follow-up workbook read back: cells, checks, report (pure, no store; the template is `template`).

Contract in DESIGN.md (`suivi_<année>.xlsx`): sheets `Indicateurs` and `Avancement`, columns
labelled with a year are imported for that year (any number of years per file), `Rappel <AAAA>`
columns are never imported. `read_followup` returns an `ImportReport`: the values found, in the
store's column keys, and every problem at once (sheet, Excel row, column, what to do, in French).
"""

from __future__ import annotations

import hashlib
import io
import logging
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from pathlib import Path

import pandas as pd
from babel.numbers import format_decimal
from openpyxl.utils import get_column_letter

from dashboard.plan import Plan, Problem
from dashboard.suivi import xlsx_scan

log = logging.getLogger("dashboard")

SHEET_HELP = "Mode d'emploi"
SHEET_IND = "Indicateurs"
SHEET_AV = "Avancement"
STATUTS = ("Non démarrée", "En cours", "Réalisée", "Reportée", "Abandonnée")

# Fixed headers (French, as in DESIGN.md) -> keys.
IND_FIXED = {"Identifiant": "indicateur_id", "N° action": "action_id", "Action": "action",
             "Indicateur": "indicateur", "Unité": "unite", "Commentaire": "commentaire", "Source": "source"}
AV_FIXED = {"N° action": "action_id", "Action": "action", "Statut": "statut", "Début réel": "debut_reel",
            "Fin réelle": "fin_reelle", "Fin révisée": "fin_revisee", "Commentaire": "commentaire"}
READ_ONLY = {"N° action", "Action", "Indicateur", "Unité"}  # in Indicateurs; Identifiant is the key

# Year columns: "<AAAA> Résultat", "<AAAA> Objectif", "<AAAA> Dépenses (€)", "<AAAA> ETP".
YEAR_COLUMNS = {
    SHEET_IND: {"resultat": re.compile(r"^(\d{4}) résultat$"), "objectif": re.compile(r"^(\d{4}) objectif$")},
    SHEET_AV: {"depenses": re.compile(r"^(\d{4}) dépenses(?: \(€\))?$"), "etp": re.compile(r"^(\d{4}) etp$")},
}
RAPPEL_RE = re.compile(r"^rappel\b")

# The report's frames (store keys). Blank cells are NaN / NaT / None: "no value", never zero.
IND_COLUMNS = ["indicateur_id", "annee", "resultat", "objectif", "date_resultat", "date_objectif",
               "commentaire", "source"]
STATUT_COLUMNS = ["action_id", "annee", "statut", "debut_reel", "fin_reelle", "fin_revisee", "commentaire"]
REALISE_COLUMNS = ["action_id", "annee", "depenses", "etp"]


ProgressFn = Callable[[float, str], None]


@dataclass(frozen=True)
class ImportReport:
    """What a follow-up workbook holds, once read and checked against the plan.

    indicateurs: IND_COLUMNS, one row per indicator and year with at least one value;
                 `date` indicators carry their value in date_resultat / date_objectif.
    statuts:     STATUT_COLUMNS, one row per action with at least one value (annee = the
                 latest year of the file).
    realise:     REALISE_COLUMNS, one row per action and year with spending or ETP.
    problems:    every problem found; nothing may be imported unless it is empty.
    warnings:    values read but doubtful (`1.234,5`, 0,645 for a percentage, 100 times last year's,
                 a date far from the plan's period): the user must acknowledge them before importing.
    ignored:     non-blank cells that are never imported (Rappel columns, unknown columns).
    ignored_columns: headers of the unknown columns (not the expected Rappel ones).
    """

    file_name: str = ""
    sha256: str = ""
    annees: tuple[int, ...] = ()
    indicateurs: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=IND_COLUMNS))
    statuts: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=STATUT_COLUMNS))
    realise: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=REALISE_COLUMNS))
    problems: tuple[Problem, ...] = ()
    ignored: int = 0
    ignored_columns: tuple[str, ...] = ()
    warnings: tuple[Problem, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def n_values(self) -> int:
        """Number of values (non-blank imported cells) in the file."""
        return int(sum(f.drop(columns=k).notna().sum().sum() for f, k in (
            (self.indicateurs, ["indicateur_id", "annee"]), (self.statuts, ["action_id", "annee"]),
            (self.realise, ["action_id", "annee"]))))

    def problems_frame(self) -> pd.DataFrame:
        """Every problem as a table with French headers: Feuille, Ligne, Colonne, Problème."""
        return problems_frame(self.problems)

    def warnings_frame(self) -> pd.DataFrame:
        """Every warning: Feuille, Ligne, Colonne, Valeur lue, Avertissement."""
        return problems_frame(self.warnings, "Avertissement")


def problems_frame(problems, label: str = "Problème") -> pd.DataFrame:
    """Problems (or warnings) as a table; a whole-file problem has no row nor column (blank, never None)."""
    columns = ["Feuille", "Ligne", "Colonne", *(["Valeur lue"] if label != "Problème" else []), label]
    return pd.DataFrame(
        [{"Feuille": p.sheet, "Ligne": "" if p.row is None else str(p.row), "Colonne": p.where_column(),
          "Valeur lue": p.value or "", label: p.text[:1].upper() + p.text[1:]} for p in problems],
        columns=columns,
    )


# ---------------------------------------------------------------------------------------------
# Parsing what staff type
# ---------------------------------------------------------------------------------------------

class BadValue(ValueError):
    """A cell that cannot be read; the message says what to do, in French."""


_SPACES = re.compile(r"[\s\u00a0\u202f\u2009\u2007\u2008']")
_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")
_GROUPED = re.compile(r"^[+-]?\s*\d{1,3}([\s\u00a0\u202f\u2009\u2007\u2008']\d{3})*([.,]\d+)?$")
_EURO = re.compile(r"(€|eur|euros?)$")
_EXCEL_EPOCH = datetime(1899, 12, 30)


def _blank(v) -> bool:
    return v is None or (isinstance(v, str) and not v.strip()) or (isinstance(v, float) and v != v)


def parse_number(v, *, percent_cell: bool = False) -> tuple[float, str]:
    """A number as typed by French staff -> (value, mark) where mark is '%', '€' or ''.

    `1 234,5`, `1 234` (any space, incl. narrow no-break), `45 %`, `12 000 €`, `-3`, `1.234,5`.
    A numeric cell formatted as percent (0,45 shown as 45 %) gives (45.0, '%').
    """
    if isinstance(v, bool):
        raise BadValue("un nombre est attendu, pas VRAI/FAUX")
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
    if _SPACES.search(s) and not _GROUPED.match(s):  # "1 234,5" yes, "1 234,5 6" or "12 34" no
        raise BadValue(f"« {str(v).strip()} » n'est pas un nombre : saisissez un nombre (ex. 1 234,5), "
                       "ou laissez la cellule vide")
    s = _SPACES.sub("", s)
    if "," in s and "." in s:
        s = s.replace(".", "").replace(",", ".") if s.rfind(",") > s.rfind(".") else s.replace(",", "")
    elif s.count(",") == 1:
        s = s.replace(",", ".")
    elif s.count(".") > 1:
        s = s.replace(".", "")
    if not _NUMBER.match(s):
        raise BadValue(f"« {str(v).strip()} » n'est pas un nombre : saisissez un nombre (ex. 1 234,5), "
                       "ou laissez la cellule vide")
    return float(s), mark


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


def _fold(s: str) -> str:
    s = unicodedata.normalize("NFKD", str(s)).encode("ascii", "ignore").decode()
    return " ".join(s.lower().split())


_STATUT_BY_FOLD = {_fold(s): s for s in STATUTS}


def parse_statut(v) -> str:
    s = _STATUT_BY_FOLD.get(_fold(v))
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
            raise BadValue(f"{_num(x)} % est hors de 0 à 100 : saisissez un pourcentage entre 0 et 100 "
                           "(ex. 45 ou 45 %)")
    else:
        if mark == "%":
            raise BadValue(f"un pourcentage est saisi pour un indicateur en « {unite} » : "
                           "saisissez la valeur sans « % »")
        if x < 0:
            raise BadValue(f"{_num(x)} est négatif : un {'montant' if unite == '€' else 'nombre'} "
                           "ne peut pas être négatif")
    return x, None


def _num(x: float) -> str:
    return f"{x:g}".replace(".", ",")


def _header(v) -> str:
    return " ".join(str(v).replace("\u00a0", " ").replace("\u202f", " ").split()) if not _blank(v) else ""


# ---------------------------------------------------------------------------------------------
# Reading
# ---------------------------------------------------------------------------------------------

def _col_letter(i: int) -> str:
    """0-based column index -> Excel letters."""
    return get_column_letter(i + 1)


@dataclass
class _Sheet:
    name: str
    rows: list[list]
    columns: dict[str, int]  # folded header -> 0-based index
    years: dict[str, dict[int, int]]  # field -> year -> column index


def _read_rows(data: bytes) -> dict[str, list[list]]:
    """The cell values of the two imported sheets (calamine); only after xlsx_scan.scan accepted the file."""
    from python_calamine import CalamineWorkbook

    wb = CalamineWorkbook.from_filelike(io.BytesIO(data))
    out = {}
    for name in wb.sheet_names:
        if name.strip() in (SHEET_IND, SHEET_AV) and name.strip() not in out:
            out[name.strip()] = wb.get_sheet_by_name(name).to_python(skip_empty_area=False)
    return out


def _scan_header(name: str, rows: list[list], fixed: dict[str, str], plan: Plan,
                 problems: list[Problem], ignored_cols: list[tuple[int, str]]) -> _Sheet:
    header = [_header(h) for h in (rows[0] if rows else [])]
    fixed_fold = {_fold(h): k for h, k in fixed.items()}
    columns: dict[str, int] = {}
    years: dict[str, dict[int, int]] = {f: {} for f in YEAR_COLUMNS[name]}
    lo, hi = plan.periode
    for j, h in enumerate(header):
        if not h:
            continue
        low = h.lower()
        for f, rx in YEAR_COLUMNS[name].items():
            m = rx.match(low)
            if m:
                year = int(m.group(1))
                if not lo <= year <= hi:
                    problems.append(Problem(name, 1, h, f"l'année {year} est hors de la période du plan "
                                            f"({lo}-{hi}) : corrigez l'année de l'en-tête ou supprimez la colonne"))
                elif year in years[f]:
                    problems.append(Problem(name, 1, h, f"la colonne « {h} » figure deux fois (colonnes "
                                            f"{_col_letter(years[f][year])} et {_col_letter(j)}) : gardez-en une seule"))
                else:
                    years[f][year] = j
                break
        else:
            key = fixed_fold.get(_fold(h))
            if key is not None and key not in columns:
                columns[key] = j
            elif key is None:
                ignored_cols.append((j, h))
    return _Sheet(name, rows, columns, years)


def read_followup(data: bytes | str | Path, plan: Plan, *, file_name: str | None = None,
                  progress: ProgressFn | None = None, previous=None) -> ImportReport:
    """Read and check a follow-up workbook against the plan: values found, every problem, every warning.

    Pure: touches no store. `previous` (a store.Suivi, or None) gives last year's values for the
    "100 times last year's value" warning when the file does not hold them. `progress(fraction,
    text)` is called while reading and checking.
    """
    if isinstance(data, str | Path):
        file_name = file_name or Path(data).name
        data = Path(data).read_bytes()
    file_name = file_name or "suivi.xlsx"
    sha = hashlib.sha256(data).hexdigest()
    say = progress or (lambda f, t: None)
    say(0.05, "Lecture du classeur…")
    try:
        scans = xlsx_scan.scan(data, (SHEET_IND, SHEET_AV))
    except xlsx_scan.Unreadable as err:
        return ImportReport(file_name, sha, problems=(Problem(file_name, None, None, str(err)),))
    try:
        raw = _read_rows(data)
    except Exception:  # the scan accepted it, the cell reader did not: say so plainly, log the cause
        log.warning("lecture du classeur %s impossible", file_name, exc_info=True)
        return ImportReport(file_name, sha, problems=(Problem(file_name, None, None, (
            "le classeur n'a pas pu être lu (fichier endommagé) : ouvrez-le dans Excel, enregistrez-le à "
            "nouveau au format .xlsx, puis déposez-le ; sinon " + xlsx_scan.REDO)),))
    problems: list[Problem] = []
    for name in (SHEET_IND, SHEET_AV):
        if name not in raw:
            problems.append(Problem(name, None, None, f"la feuille « {name} » est absente : partez du modèle "
                                    "de l'année, sans renommer ni supprimer ses feuilles"))
    if problems:
        return ImportReport(file_name, sha, problems=tuple(problems))

    ignored_cols: dict[str, list[tuple[int, str]]] = {SHEET_IND: [], SHEET_AV: []}
    ind = _scan_header(SHEET_IND, raw[SHEET_IND], IND_FIXED, plan, problems, ignored_cols[SHEET_IND])
    av = _scan_header(SHEET_AV, raw[SHEET_AV], AV_FIXED, plan, problems, ignored_cols[SHEET_AV])
    letters = {sh.name: _letters([_header(h) for h in (sh.rows[0] if sh.rows else [])]) for sh in (ind, av)}
    for sh, key, header in ((ind, "indicateur_id", "Identifiant"), (av, "action_id", "N° action")):
        if key not in sh.columns:
            problems.append(Problem(sh.name, 1, header, f"la colonne « {header} » est absente : rétablissez-la "
                                    "(en-tête en ligne 1, comme dans le modèle)"))
    if av.columns.get("action_id") is not None and "statut" not in av.columns:
        problems.append(Problem(SHEET_AV, 1, "Statut", "la colonne « Statut » est absente : rétablissez-la "
                                "(en-tête en ligne 1, comme dans le modèle)"))
    all_years = sorted({y for sh in (ind, av) for ys in sh.years.values() for y in ys})
    if not ind.years["resultat"] and not ind.years["objectif"] and not problems:
        problems.append(Problem(SHEET_IND, 1, None, "aucune colonne « AAAA Résultat » ni « AAAA Objectif » : "
                                "rétablissez les en-têtes du modèle (ex. « 2025 Résultat »)"))
    if problems:
        return _report(file_name, sha, all_years, problems=problems, letters=letters)

    ignored = sum(1 for sh in (ind, av) for j, _ in ignored_cols[sh.name]
                  for row in sh.rows[1:] if j < len(row) and not _blank(row[j]))
    for sh in (ind, av):  # what the cell reader reads as blank: Excel errors, formulas never calculated
        imported = set(sh.columns.values()) | {j for ys in sh.years.values() for j in ys.values()}
        header = [_header(h) for h in sh.rows[0]]
        scan = scans.get(sh.name, xlsx_scan.SheetScan())
        for (r, j), code in sorted(scan.errors.items()):
            if j in imported and 0 < r < len(sh.rows):
                problems.append(Problem(sh.name, r + 1, header[j], f"la cellule affiche l'erreur Excel « {code} » : "
                                        "corrigez la formule ou saisissez la valeur, ou videz la cellule",
                                        value=code))
        for r, j in sorted(scan.uncalculated):
            if j in imported and 0 < r < len(sh.rows) and _blank(_cell(sh.rows[r], j) or ""):
                problems.append(Problem(sh.name, r + 1, header[j], "la formule de cette cellule n'a pas de valeur "
                                        "calculée : ouvrez le fichier dans Excel (ou LibreOffice), enregistrez-le, "
                                        "puis déposez-le à nouveau ; ou saisissez la valeur"))
    warnings: list[Problem] = []
    ctx = _Context(plan.periode, problems, warnings)
    say(0.35, "Vérification des indicateurs…")
    percent = scans[SHEET_IND].percent if SHEET_IND in scans else set()
    ind_rows = _check_indicateurs(ind, plan, percent, ctx)
    say(0.7, "Vérification de l'avancement des actions…")
    statuts, realise = _check_avancement(av, plan, max(all_years), ctx)
    _hundredfold(ctx, previous)
    say(1.0, "Vérification terminée.")
    return _report(
        file_name, sha, all_years,
        pd.DataFrame(ind_rows, columns=IND_COLUMNS).astype({"resultat": float, "objectif": float}),
        pd.DataFrame(statuts, columns=STATUT_COLUMNS),
        pd.DataFrame(realise, columns=REALISE_COLUMNS).astype({"depenses": float, "etp": float}),
        problems=problems, warnings=warnings, letters=letters, ignored=ignored,
        ignored_columns=tuple(h for sh in (ind, av) for _, h in ignored_cols[sh.name]
                              if not RAPPEL_RE.match(h.lower())),
    )


def _letters(header: list[str]) -> dict[str, tuple[int, str]]:
    """Header -> (0-based index, Excel letter) of its first column."""
    out: dict[str, tuple[int, str]] = {}
    for j, h in enumerate(header):
        if h and h not in out:
            out[h] = (j, _col_letter(j))
    return out


_SHEET_ORDER = {SHEET_IND: 1, SHEET_AV: 2}


def _located(items: list[Problem], letters: dict[str, dict[str, tuple[int, str]]]) -> tuple[Problem, ...]:
    """Each problem with its column letter, sorted by sheet (workbook order), row, then column."""
    out = []
    for p in items:
        j, letter = letters.get(p.sheet, {}).get(p.column or "", (None, None))
        if letter:  # a missing column has no letter
            p = replace(p, letter=letter)
        out.append((p, -1 if j is None else j))
    out.sort(key=lambda pj: (_SHEET_ORDER.get(pj[0].sheet, 0), pj[0].row or 0, pj[1]))
    return tuple(p for p, _ in out)


def _report(file_name, sha, years, ind=None, st=None, real=None, *, problems, letters, warnings=(), ignored=0,
            ignored_columns=()) -> ImportReport:
    kw = {} if ind is None else {"indicateurs": ind, "statuts": st, "realise": real}
    return ImportReport(file_name, sha, tuple(years), problems=_located(problems, letters),
                        warnings=_located(list(warnings), letters), ignored=ignored,
                        ignored_columns=tuple(ignored_columns), **kw)


@dataclass
class _Context:
    """What the sheet checks share: the plan's period, the problems and warnings, where each value came from."""

    periode: tuple[int, int]
    problems: list[Problem]
    warnings: list[Problem]
    # (kind, key, year, field) -> (sheet, Excel row, header, value): for the year-on-year warning
    seen: dict = field(default_factory=dict)
    values: dict = field(default_factory=dict)


TEXT_MAX = 2000


def _long_text(ctx: _Context, sheet: str, xl: int, header: str, text: str | None) -> str | None:
    if text is not None and len(text) > TEXT_MAX:
        ctx.problems.append(Problem(sheet, xl, header, f"le texte fait {len(text):,} caractères (au plus "
                                    f"{TEXT_MAX:,}) : raccourcissez-le, ou mettez le détail dans un document "
                                    "à part et citez-le ici".replace(",", "\u202f")))
        return None
    return text


def _raw(v) -> str:
    """A cell as read, for a warning: `10.050`, `0,645`, `31/12/2040`."""
    if isinstance(v, datetime | date):
        return v.strftime("%d/%m/%Y")
    if isinstance(v, float):
        return _fr(v)
    return str(v).strip()


def _fr(x: float) -> str:
    return format_decimal(x, format="#,##0.######", locale="fr_FR")


_DOT_GROUP = re.compile(r"^[+-]?\d{1,3}\.\d{3}$")


def _typed_number_check(v, ctx: _Context, sheet: str, xl: int, header: str) -> None:
    """Typed numbers whose reading is a guess: `10.050` is an error, `1.234,5` a warning."""
    if not isinstance(v, str):
        return
    s = _SPACES.sub("", v.strip().lower())
    s = re.sub(r"(%|€|eur|euros?|etp)$", "", s)
    if _DOT_GROUP.match(s):
        whole, dec = s.replace(".", ""), s.replace(".", ",").rstrip("0").rstrip(",")
        raise BadValue(f"« {v.strip()} » est ambigu (le point sépare-t-il les milliers ou les décimales ?) : "
                       f"saisissez {_fr(float(whole))} ou {dec}, selon la valeur voulue")
    if "." in s and "," in s:
        try:
            x, _ = parse_number(v)
        except BadValue:
            return
        ctx.warnings.append(Problem(sheet, xl, header, f"« {v.strip()} » mêle point et virgule : il est lu "
                                    f"{_fr(x)} ; vérifiez, ou saisissez le nombre sans séparateur de milliers",
                                    value=v.strip()))


def _date_check(d: pd.Timestamp, ctx: _Context, sheet: str, xl: int, header: str, v) -> None:
    lo, hi = ctx.periode
    if not lo - 5 <= d.year <= hi + 5:
        ctx.warnings.append(Problem(sheet, xl, header, f"la date {d:%d/%m/%Y} est à plus de 5 ans de la période "
                                    f"du plan ({lo}-{hi}) : vérifiez l'année", value=_raw(v)))


def _check_indicateurs(sh: _Sheet, plan: Plan, percent: set[tuple[int, int]], ctx: _Context) -> list[tuple]:
    name, problems = SHEET_IND, ctx.problems
    header = [_header(h) for h in sh.rows[0]]
    units = dict(zip(plan.indicateurs["indicateur_id"].astype(str).str.upper(), plan.indicateurs["unite"], strict=True))
    action_of = dict(zip(plan.indicateurs["indicateur_id"].astype(str).str.upper(),
                         plan.indicateurs["action_id"].astype(int), strict=True))
    c_id, c_act = sh.columns.get("indicateur_id"), sh.columns.get("action_id")
    c_com, c_src = sh.columns.get("commentaire"), sh.columns.get("source")
    value_cols = [(f, y, j) for f in ("resultat", "objectif") for y, j in sorted(sh.years[f].items())]
    last_year = max(y for _, y, _ in value_cols)

    seen: dict[tuple[str, int], int] = {}
    out: dict[tuple[str, int], dict] = {}
    for i, row in enumerate(sh.rows[1:], start=1):
        xl = i + 1
        ident = _cell(row, c_id)
        values = [(f, y, j, _cell(row, j)) for f, y, j in value_cols]
        com = _long_text(ctx, name, xl, "Commentaire", _text(_cell(row, c_com)))
        src = _long_text(ctx, name, xl, "Source", _text(_cell(row, c_src)))
        has_values = any(v is not None for *_, v in values) or com or src
        if ident is None:
            if has_values:
                problems.append(Problem(name, xl, "Identifiant", "la ligne a des valeurs mais pas d'identifiant : "
                                        "recopiez l'identifiant de l'indicateur (ex. A11-1) depuis le modèle"))
            continue
        ident = str(ident).strip().upper()
        if ident not in units:
            problems.append(Problem(name, xl, "Identifiant", f"l'indicateur « {ident} » n'existe pas dans le plan : "
                                    "vérifiez l'identifiant (repartez du modèle de l'année)"))
            continue
        act = _cell(row, c_act)
        if act is not None and _int_id(act) != action_of[ident]:
            problems.append(Problem(name, xl, "N° action", f"l'action « {_text(act)} » ne correspond pas à "
                                    f"l'indicateur {ident} (action {action_of[ident]} dans le plan) : "
                                    "vérifiez l'identifiant ou le N° d'action"))
            continue
        unite = units[ident]
        for f, y, j, v in values:
            if v is None:
                continue
            if (ident, y, f) in seen:
                problems.append(Problem(name, xl, header[j], f"l'indicateur {ident} a déjà une valeur pour {y} "
                                        f"(ligne {seen[(ident, y, f)]}) : gardez une seule ligne par indicateur "
                                        "et par année"))
                continue
            try:
                if unite not in ("oui/non", "date"):
                    _typed_number_check(v, ctx, name, xl, header[j])
                num, dt = parse_indicator_value(v, unite, percent_cell=(i, j) in percent)
            except BadValue as err:
                problems.append(Problem(name, xl, header[j], str(err)))
                continue
            seen[(ident, y, f)] = xl
            if dt is not None:
                _date_check(dt, ctx, name, xl, header[j], v)
            if unite == "%" and (i, j) not in percent and 0 < num < 1 and not (isinstance(v, str) and "%" in v):
                ctx.warnings.append(Problem(name, xl, header[j], f"{_fr(num)} est lu {_fr(num)} % ; si vous vouliez "
                                            f"dire {_fr(num * 100)} %, saisissez {_fr(num * 100)} (ou "
                                            f"{_fr(num * 100)} %)", value=_raw(v)))
            if unite in ("nombre", "€"):
                ctx.values[("indicateurs", ident, y, f)] = (name, xl, header[j], num, v)
            rec = out.setdefault((ident, y), {})
            if unite == "date":
                rec["date_" + f] = dt
            else:
                rec[f] = num
        if com or src:
            rec = out.setdefault((ident, last_year), {})
            if com:
                rec["commentaire"] = com
            if src:
                rec["source"] = src
    return [(k[0], k[1], r.get("resultat"), r.get("objectif"), r.get("date_resultat"), r.get("date_objectif"),
             r.get("commentaire"), r.get("source")) for k, r in out.items()]


def _check_avancement(sh: _Sheet, plan: Plan, year: int, ctx: _Context) -> tuple[list, list]:
    name, problems = SHEET_AV, ctx.problems
    header = [_header(h) for h in sh.rows[0]]
    known = set(plan.actions["action_id"].astype(int))
    c = sh.columns
    money_cols = [(f, y, j) for f in ("depenses", "etp") for y, j in sorted(sh.years[f].items())]
    seen: dict[int, int] = {}
    statuts, realise = [], {}
    for i, row in enumerate(sh.rows[1:], start=1):
        xl = i + 1
        act = _cell(row, c.get("action_id"))
        inputs = {k: _cell(row, c.get(k)) for k in ("statut", "debut_reel", "fin_reelle", "fin_revisee", "commentaire")}
        money = [(f, y, j, _cell(row, j)) for f, y, j in money_cols]
        has_values = any(v is not None for v in inputs.values()) or any(v is not None for *_, v in money)
        if act is None:
            if has_values:
                problems.append(Problem(name, xl, "N° action", "la ligne a des valeurs mais pas de N° d'action : "
                                        "recopiez le N° de l'action depuis le modèle"))
            continue
        aid = _int_id(act)
        if aid not in known:
            problems.append(Problem(name, xl, "N° action", f"l'action « {_text(act)} » n'existe pas dans le plan : "
                                    "vérifiez le N° d'action (repartez du modèle de l'année)"))
            continue
        if not has_values:
            continue
        if aid in seen:
            problems.append(Problem(name, xl, "N° action", f"l'action {aid} figure déjà ligne {seen[aid]} : "
                                    "gardez une seule ligne par action"))
            continue
        seen[aid] = xl
        rec: dict = {}
        if inputs["statut"] is not None:
            try:
                rec["statut"] = parse_statut(inputs["statut"])
            except BadValue as err:
                problems.append(Problem(name, xl, "Statut", str(err)))
        for k, label in (("debut_reel", "Début réel"), ("fin_reelle", "Fin réelle"), ("fin_revisee", "Fin révisée")):
            if inputs[k] is not None:
                try:
                    rec[k] = parse_date(inputs[k])
                except BadValue as err:
                    problems.append(Problem(name, xl, label, str(err)))
                else:
                    _date_check(rec[k], ctx, name, xl, label, inputs[k])
        for k, label in (("fin_reelle", "Fin réelle"), ("fin_revisee", "Fin révisée")):
            if rec.get(k) is not None and rec.get("debut_reel") is not None and rec[k] < rec["debut_reel"]:
                problems.append(Problem(name, xl, label, f"la date ({rec[k]:%d/%m/%Y}) est avant le début réel "
                                        f"({rec['debut_reel']:%d/%m/%Y}) : corrigez l'une des deux dates"))
        com = _long_text(ctx, name, xl, "Commentaire", _text(inputs["commentaire"]))
        if com:
            rec["commentaire"] = com
        if rec:
            statuts.append((aid, year, rec.get("statut"), rec.get("debut_reel"), rec.get("fin_reelle"),
                            rec.get("fin_revisee"), rec.get("commentaire")))
        for f, y, j, v in money:
            if v is None:
                continue
            try:
                if f == "etp" and isinstance(v, str):
                    v = re.sub(r"\s*etp\s*$", "", v, flags=re.IGNORECASE)  # "0,5 ETP"
                _typed_number_check(v, ctx, name, xl, header[j])
                x, mark = parse_number(v)
                if mark == "%":
                    raise BadValue("un pourcentage n'est pas attendu ici : saisissez "
                                   + ("un montant en euros" if f == "depenses" else "un nombre d'ETP (ex. 0,5)"))
                if x < 0:
                    raise BadValue(f"{_num(x)} est négatif : " + ("un montant de dépenses" if f == "depenses"
                                   else "un nombre d'ETP") + " ne peut pas être négatif")
            except BadValue as err:
                problems.append(Problem(name, xl, header[j], str(err)))
                continue
            realise.setdefault((aid, y), {})[f] = x
            ctx.values[("realise", aid, y, f)] = (name, xl, header[j], x, v)
    return statuts, [(a, y, r.get("depenses"), r.get("etp")) for (a, y), r in realise.items()]


HUNDREDFOLD = 100


def _hundredfold(ctx: _Context, previous) -> None:
    """Warn when a value is 100 times (or a hundredth of) last year's: the file's, else the store's."""
    stored: dict = {}
    if previous is not None and not getattr(previous, "empty", True):
        for kind, key in (("indicateurs", "indicateur_id"), ("realise", "action_id")):
            df = getattr(previous, kind)
            fields = ("resultat", "objectif") if kind == "indicateurs" else ("depenses", "etp")
            for r in df.to_dict("records"):
                k = str(r[key]).upper() if kind == "indicateurs" else int(r[key])
                for f in fields:
                    v = r.get(f)
                    if v is not None and not pd.isna(v):
                        stored[(kind, k, int(r["annee"]), f)] = float(v)
    for (kind, key, y, f), (sheet, xl, head, x, v) in ctx.values.items():
        before = ctx.values.get((kind, key, y - 1, f))
        last = before[3] if before is not None else stored.get((kind, key, y - 1, f))
        if not last or not x or last <= 0 or x <= 0:
            continue
        if x >= HUNDREDFOLD * last or x * HUNDREDFOLD <= last:
            how = "plus de 100 fois" if x > last else "moins du centième de"
            ctx.warnings.append(Problem(sheet, xl, head, f"{_fr(x)} vaut {how} la valeur de {y - 1} ({_fr(last)}) : "
                                        "vérifiez l'unité et les séparateurs (ex. 10.050 pour 10 050)",
                                        value=_raw(v)))


def _cell(row: list, j: int | None):
    if j is None or j >= len(row):
        return None
    v = row[j]
    if v.__class__ is float or v.__class__ is int:  # the common case, first
        return None if v != v else v
    return None if v is None or (v.__class__ is str and not v.strip()) else v


def _int_id(v) -> int | None:
    try:
        x = float(str(v).strip().replace(",", ".")) if not isinstance(v, int | float) else float(v)
    except ValueError:
        return None
    return int(x) if x == int(x) else None


def _text(v) -> str | None:
    if v is None:
        return None
    if isinstance(v, float) and v == int(v):
        v = int(v)
    if isinstance(v, datetime | date):
        v = v.strftime("%d/%m/%Y")
    s = str(v).strip()
    return s or None
