"""The yearly follow-up workbook read back into an `ImportReport` (pure, no store; the template is
`template`, each cell is read by `cells`, each sheet checked by `checks`).

Contract in docs/contrats.md (`suivi_<année>.xlsx`): sheets `Indicateurs` and `Avancement`, columns
labelled with a year are imported for that year (any number of years per file), `Rappel <AAAA>`
columns are never imported. `read_followup` returns an `ImportReport`: the values found, in the
store's column keys, and every problem at once (sheet, Excel row, column, what to do, in French).
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

import pandas as pd
from openpyxl.utils import get_column_letter

from dashboard import xlsx_scan
from dashboard.plan import Plan, Problem
from dashboard.suivi import stamp as stamp_
from dashboard.suivi.cells import blank, cell_value, fold, header_text
from dashboard.suivi.checks import Context, Sheet, check_avancement, check_indicateurs, hundredfold
from dashboard.suivi.contract import (
    AV_FIXED,
    IND_COLUMNS,
    IND_FIXED,
    RAPPEL_RE,
    REALISE_COLUMNS,
    SHEET_AV,
    SHEET_IND,
    SHEET_STAMP,
    STATUT_COLUMNS,
    YEAR_COLUMNS,
    header_of,
)

log = logging.getLogger("dashboard")



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
    stamp: stamp_.Stamp | None = None  # the template the file comes from (None: no stamp, or not trusted)
    cleared: tuple = ()  # cells whose text is « effacer »: (kind, key, year, field)

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def n_values(self) -> int:
        """Number of values (non-blank imported cells, « effacer » included) in the file."""
        return len(self.cleared) + int(sum(f.drop(columns=k).notna().sum().sum() for f, k in (
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
# Reading
# ---------------------------------------------------------------------------------------------

def col_letter(i: int) -> str:
    """0-based column index -> Excel letters."""
    return get_column_letter(i + 1)


def _read_rows(data: bytes, scans: dict[str, xlsx_scan.SheetScan]) -> dict[str, list[list]]:
    """The cell values of the two imported sheets: only those the door scanned, within their extent."""
    return xlsx_scan.read_rows(data, scans)


def _scan_header(name: str, rows: list[list], fixed: dict[str, str], plan: Plan,
                 problems: list[Problem], ignored_cols: list[tuple[int, str]]) -> Sheet:
    header = [header_text(h) for h in (rows[0] if rows else [])]
    fixed_fold = {fold(h): k for h, k in fixed.items()}
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
                                            f"{col_letter(years[f][year])} et {col_letter(j)}) : gardez-en une seule"))
                else:
                    years[f][year] = j
                break
        else:
            key = fixed_fold.get(fold(h))
            if key is not None and key not in columns:
                columns[key] = j
            elif key is None:
                ignored_cols.append((j, h))
    return Sheet(name, rows, columns, years)


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
        scans = xlsx_scan.scan(data, (SHEET_IND, SHEET_AV, SHEET_STAMP))
    except xlsx_scan.Unreadable as err:
        return ImportReport(file_name, sha, problems=(Problem(file_name, None, None, str(err)),))
    try:
        raw = _read_rows(data, scans)
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
    letters = {sh.name: _letters([header_text(h) for h in (sh.rows[0] if sh.rows else [])]) for sh in (ind, av)}
    for sh, key in ((ind, "indicateur_id"), (av, "action_id")):
        if key not in sh.columns:
            header = header_of(sh.name, key)
            problems.append(Problem(sh.name, 1, header, f"la colonne « {header} » est absente : rétablissez-la "
                                    "(en-tête en ligne 1, comme dans le modèle)"))
    if av.columns.get("action_id") is not None and "statut" not in av.columns:
        statut = header_of(SHEET_AV, "statut")
        problems.append(Problem(SHEET_AV, 1, statut, f"la colonne « {statut} » est absente : rétablissez-la "
                                "(en-tête en ligne 1, comme dans le modèle)"))
    all_years = sorted({y for sh in (ind, av) for ys in sh.years.values() for y in ys})
    if not ind.years["resultat"] and not ind.years["objectif"] and not problems:
        problems.append(Problem(SHEET_IND, 1, None, "aucune colonne « AAAA Résultat » ni « AAAA Objectif » : "
                                "rétablissez les en-têtes du modèle (ex. « 2025 Résultat »)"))
    if problems:
        return _report(file_name, sha, all_years, problems=problems, letters=letters)

    ignored = sum(1 for sh in (ind, av) for j, _ in ignored_cols[sh.name]
                  for row in sh.rows[1:] if j < len(row) and not blank(row[j]))
    for sh in (ind, av):  # what the cell reader reads as blank: Excel errors, formulas never calculated
        imported = set(sh.columns.values()) | {j for ys in sh.years.values() for j in ys.values()}
        header = [header_text(h) for h in sh.rows[0]]
        scan = scans.get(sh.name, xlsx_scan.SheetScan())
        for (r, j), code in sorted(scan.errors.items()):
            if j in imported and 0 < r < len(sh.rows):
                problems.append(Problem(sh.name, r + 1, header[j], f"la cellule affiche l'erreur Excel « {code} » : "
                                        "corrigez la formule ou saisissez la valeur, ou videz la cellule",
                                        value=code))
        for r, j in sorted(scan.uncalculated):
            if j in imported and 0 < r < len(sh.rows) and blank(cell_value(sh.rows[r], j) or ""):
                problems.append(Problem(sh.name, r + 1, header[j], "la formule de cette cellule n'a pas de valeur "
                                        "calculée : ouvrez le fichier dans Excel (ou LibreOffice), enregistrez-le, "
                                        "puis déposez-le à nouveau ; ou saisissez la valeur"))
    warnings: list[Problem] = []
    ctx = Context(plan.periode, problems, warnings)
    say(0.35, "Vérification des indicateurs…")
    percent = scans[SHEET_IND].percent if SHEET_IND in scans else set()
    ind_rows = check_indicateurs(ind, plan, percent, ctx)
    say(0.7, "Vérification de l'avancement des actions…")
    statuts, realise = check_avancement(av, plan, max(all_years), ctx)
    hundredfold(ctx, previous)
    stamp = _stamp(raw.get(SHEET_STAMP), warnings)
    say(1.0, "Vérification terminée.")
    return _report(
        file_name, sha, all_years,
        pd.DataFrame(ind_rows, columns=IND_COLUMNS).astype({"resultat": float, "objectif": float}),
        pd.DataFrame(statuts, columns=STATUT_COLUMNS),
        pd.DataFrame(realise, columns=REALISE_COLUMNS).astype({"depenses": float, "etp": float}),
        problems=problems, warnings=warnings, letters=letters, ignored=ignored,
        ignored_columns=tuple(h for sh in (ind, av) for _, h in ignored_cols[sh.name]
                              if not RAPPEL_RE.match(h.lower())),
        stamp=stamp, cleared=tuple(sorted(ctx.cleared, key=str)),
    )


def _stamp(rows: list[list] | None, warnings: list[Problem]) -> stamp_.Stamp | None:
    """The file's stamp; an unsound one is a warning, and the file is then compared with the store."""
    if rows is None:
        return None
    try:
        return stamp_.read_rows(rows)
    except stamp_.StampError as err:
        warnings.append(Problem(SHEET_STAMP, None, None, f"{err} : le fichier est comparé au suivi comme un fichier "
                                "sans tampon ; chaque valeur déjà importée qu'il remplacerait vous sera signalée"))
        return None


def _letters(header: list[str]) -> dict[str, tuple[int, str]]:
    """Header -> (0-based index, Excel letter) of its first column."""
    out: dict[str, tuple[int, str]] = {}
    for j, h in enumerate(header):
        if h and h not in out:
            out[h] = (j, col_letter(j))
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
            ignored_columns=(), stamp=None, cleared=()) -> ImportReport:
    kw = {} if ind is None else {"indicateurs": ind, "statuts": st, "realise": real, "stamp": stamp,
                                 "cleared": cleared}
    return ImportReport(file_name, sha, tuple(years), problems=_located(problems, letters),
                        warnings=_located(list(warnings), letters), ignored=ignored,
                        ignored_columns=tuple(ignored_columns), **kw)
