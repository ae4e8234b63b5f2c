"""Normalise and validate the raw sheets of the plan workbook.

`validate_sheets(raw)` turns the sheets read by `load.read_sheets` into typed DataFrames keyed
by snake_case columns, finds the plan's period, and collects every problem at once: missing
sheets and columns, cells of the wrong type (here, while normalising), per-row rules (pandera,
lazy, its failure cases translated into French) and cross-sheet rules (plain pandas).

Each frame keeps the index of the raw sheet, so `schema.excel_row(index)` is the row the director
sees in Excel (blank rows are dropped, not renumbered).
"""

from __future__ import annotations

import difflib
import logging
import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

import pandas as pd
import pandera.pandas as pa

from dashboard import fmt
from dashboard.plan.schema import (
    CATEGORIES,
    HYPOTHESE_RE,
    PERIODICITES,
    PRECISIONS,
    README_SHEET,
    RECURRENCES,
    SENS,
    SHEETS,
    TYPES_INDICATEUR,
    UNITES_INDICATEUR,
    Problem,
    excel_row,
)

log = logging.getLogger(__name__)

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
_SPACES = str.maketrans("", "", " \u00a0\u202f\u2009")


def header(sheet: str, key: str) -> str:
    """The French header of a key in a sheet."""
    return next(h for h, k in SHEETS[sheet].items() if k == key)


def _show(value) -> str:
    """A cell value as quoted in a message (short, French numbers)."""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int | float) and not (isinstance(value, float) and math.isnan(value)):
        return fmt.nombre(value, 2)
    if isinstance(value, datetime | date | pd.Timestamp):
        return fmt.jour(value)
    text = str(value).strip()
    return text if len(text) <= 60 else text[:57] + "…"


def _blank(value) -> bool:
    return value is None or value is pd.NaT or (isinstance(value, float) and math.isnan(value)) or (
        isinstance(value, str) and not value.strip())


# ---------------------------------------------------------------- cell parsers
# Each returns the normalised value (None = blank) or raises ValueError (wrong type).

def _number(value) -> float | None:
    if _blank(value):
        return None
    if isinstance(value, bool) or isinstance(value, datetime | date):
        raise ValueError
    if isinstance(value, int | float):
        return float(value)
    text = str(value).translate(_SPACES).rstrip("€%").replace(",", ".")
    result = float(text)  # ValueError if not a number
    if math.isnan(result) or math.isinf(result):
        raise ValueError
    return result


def _integer(value) -> int | None:
    number = _number(value)
    if number is None:
        return None
    if not number.is_integer():
        raise ValueError
    return int(number)


def _text(value) -> str:
    if _blank(value):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime | pd.Timestamp):
        return fmt.jour(value)
    return str(value).strip()


def _enjeu(value) -> str:
    """Enjeu "1.1" whether Excel stored it as text or as the number 1.1 (or typed "1,1")."""
    if _blank(value):
        return ""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return format(float(value), ".10g")
    return str(value).strip().replace(",", ".")


def _date(value) -> pd.Timestamp | None:
    if _blank(value):
        return None
    if isinstance(value, datetime | date | pd.Timestamp):
        return pd.Timestamp(value)
    if isinstance(value, str):
        text = value.strip()
        for form in ("%d/%m/%Y", "%Y-%m-%d", "%d/%m/%y", "%Y-%m-%d %H:%M:%S"):
            try:
                return pd.Timestamp(datetime.strptime(text, form))
            except ValueError:
                continue
    raise ValueError


PARSERS: dict[str, Callable] = {INT: _integer, FLOAT: _number, TEXT: _text, ENJEU: _enjeu, DATE: _date}
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
class _Sheet:
    frame: pd.DataFrame
    keys: set[str]           # keys whose column is present
    bad: set[tuple[int, str]]  # (index, key) of cells with a type problem (normalised to blank)


def _normalise(sheet: str, raw: pd.DataFrame | None, problems: list[Problem]) -> _Sheet:
    columns = SHEETS[sheet]
    if raw is None:
        problems.append(Problem(sheet, None, None,
                                f"la feuille « {sheet} » est absente du classeur : ajoutez-la (ou rétablissez son nom) "
                                f"avec les colonnes {', '.join('« ' + h + ' »' for h in columns)}."))
        return _Sheet(empty_frame(sheet), set(), set())
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
            if not all(_blank(v) for v in row)]
    data = data.loc[keep]
    out, bad = {}, set()
    for key, col in present.items():
        kind = KIND.get(key, TEXT)
        parse, values = PARSERS[kind], []
        for idx, value in zip(data.index, data[col], strict=True):
            try:
                values.append(parse(value))
            except (ValueError, TypeError, OverflowError):
                values.append(None)
                bad.add((idx, key))
                problems.append(Problem(sheet, excel_row(idx), header(sheet, key),
                                        f"« {_show(value)} » : {TYPE_HINT[kind]}"))
        out[key] = _series(values, kind, data.index)
    frame = pd.DataFrame({k: out.get(k, _series([None] * len(data), KIND.get(k, TEXT), data.index))
                          for k in columns.values()}, index=data.index)
    return _Sheet(frame, set(present), bad)


def _series(values: list, kind: str, index) -> pd.Series:
    if kind in (TEXT, ENJEU):
        return pd.Series(["" if v is None else v for v in values], index=index, dtype="str")
    if kind == INT:
        return pd.Series(pd.array(values, dtype="Int64"), index=index)
    if kind == FLOAT:
        return pd.Series([math.nan if v is None else v for v in values], index=index, dtype="float64")
    return pd.Series(pd.to_datetime([pd.NaT if v is None else v for v in values]), index=index).astype(
        "datetime64[ns]")


# ---------------------------------------------------------------- the period

def _periode(readme: pd.DataFrame | None, sheets: dict[str, _Sheet],
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
                years = re.findall(r"\d{4}", _text(value))
                column = str(readme.columns[1]) if not str(readme.columns[1]).startswith("Unnamed:") else None
                if len(years) == 2 and int(years[0]) <= int(years[1]):
                    return int(years[0]), int(years[1])
                problems.append(Problem(README_SHEET, row, column,
                                        f"la période « {_show(value)} » est illisible : écrivez-la sous la forme "
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


# ---------------------------------------------------------------- pandera rules
# A rule is a pandera Check whose name is looked up here to write the French message.
# message(value, row) -> text; `row` is the normalised row (a Series keyed by snake_case keys).

@dataclass(frozen=True)
class _Rule:
    key: str | None              # column reported (None: the Column's own)
    message: Callable[[object, pd.Series], str]
    needs: tuple[str, ...] = ()  # columns a frame-wide rule reads (skipped if one is missing)


class _Rules:
    def __init__(self):
        self.by_name: dict[str, _Rule] = {}

    def column(self, name: str, fn: Callable[[pd.Series], pd.Series], message, *, ignore_na=True) -> pa.Check:
        self.by_name[name] = _Rule(None, message)
        return pa.Check(fn, name=name, ignore_na=ignore_na)

    def frame(self, name: str, key: str, fn: Callable[[pd.DataFrame], pd.Series], message,
              needs: tuple[str, ...]) -> pa.Check:
        self.by_name[name] = _Rule(key, message, needs)
        return pa.Check(lambda d: fn(d).fillna(True).astype(bool), name=name, ignore_na=False)


def _required(rules: _Rules, what: str) -> pa.Check:
    def present(s: pd.Series) -> pd.Series:
        if pd.api.types.is_string_dtype(s):
            return s.notna() & (s.str.strip() != "")
        return s.notna()
    return rules.column(f"requis:{what}", present,
                        lambda v, r: f"cellule vide : elle est obligatoire, saisissez {what}.", ignore_na=False)


def _choice(rules: _Rules, name: str, allowed: tuple[str, ...]) -> pa.Check:
    listed = " / ".join(allowed)

    def message(value, row):
        if value == "":
            return f"cellule vide : choisissez une de ces valeurs : {listed}."
        return f"« {_show(value)} » n'est pas une valeur admise : choisissez une de ces valeurs : {listed}."
    return rules.column(f"choix:{name}", lambda s: s.isin(allowed), message)


def _unique(rules: _Rules, frame: pd.DataFrame, keys: list[str], what: str, sheet: str,
            describe: Callable[[pd.Series], str] | None = None) -> pa.Check:
    """Duplicates after the first occurrence fail; the message points at the first one."""
    name = f"unique:{sheet}:{'+'.join(keys)}"

    def fn(d: pd.DataFrame) -> pd.Series:
        filled = d[keys].notna().all(axis=1) & (d[keys].astype("str") != "").all(axis=1)
        return ~(d[keys].duplicated(keep="first") & filled)

    def message(value, row):
        same = (frame[keys] == row[keys].values).all(axis=1)
        first = excel_row(frame.index[same.values.argmax()])
        shown = describe(row) if describe else f"{what} « {' / '.join(_show(row[k]) for k in keys)} »"
        return (f"{shown} figure déjà ligne {first} : chaque {what} doit être unique, "
                "supprimez le doublon ou corrigez-le.")
    rules.by_name[name] = _Rule(keys[-1], message, tuple(keys))
    return pa.Check(fn, name=name, ignore_na=False)


def _non_negative(rules: _Rules, what: str) -> pa.Check:
    """`what` says it in French, gender included: "montant négatif", "quantité négative"."""
    return rules.column(f"positif:{what}", lambda s: s >= 0,
                        lambda v, r: f"{what} ({_show(v)}) : saisissez un nombre positif ou nul.")


def _in_periode(rules: _Rules, periode: tuple[int, int] | None, sheet: str) -> list[pa.Check]:
    if periode is None:
        return []
    lo, hi = periode
    return [rules.column(f"periode:{sheet}", lambda s: (s >= lo) & (s <= hi),
                         lambda v, r: f"l'année {v} est hors de la période du plan ({lo}-{hi}) : saisissez une année "
                                      f"de {lo} à {hi}, ou corrigez la ligne « Période » de « {README_SHEET} ».")]


def _le(rules: _Rules, sheet: str, lo: str, hi: str, message) -> pa.Check:
    return rules.frame(f"ordre:{sheet}:{lo}", lo, lambda d: ~(d[lo] > d[hi]), message, (lo, hi))


def _schemas(frames: dict[str, pd.DataFrame], periode, rules: _Rules) -> dict[str, pa.DataFrameSchema]:
    """One lazy pandera schema per sheet (per-row rules; columns are snake_case keys)."""
    C = pa.Column  # noqa: N806
    aid = [_required(rules, "le numéro de la fiche action")]
    years = {"annee_debut": C(checks=_in_periode(rules, periode, "debut"), nullable=True),
             "annee_fin": C(checks=_in_periode(rules, periode, "fin"), nullable=True)}
    f = frames
    return {
        "Axes": pa.DataFrameSchema({
            "axe": C(checks=[_required(rules, "le numéro de l'axe"),
                             rules.column("axe>0", lambda s: s >= 1,
                                          lambda v, r: f"numéro d'axe {v} invalide : les axes sont numérotés à partir de 1.")],
                     nullable=True),
            "libelle": C(checks=[_required(rules, "le libellé de l'axe")]),
        }, checks=[_unique(rules, f["Axes"], ["axe"], "numéro d'axe", "Axes")]),
        "Enjeux": pa.DataFrameSchema({
            "enjeu": C(checks=[_required(rules, "le numéro de l'enjeu (par exemple 1.1)"),
                               rules.column("enjeu_forme", lambda s: s.str.match(ENJEU_RE),
                                            lambda v, r: f"« {v} » n'est pas un numéro d'enjeu : écrivez-le "
                                                         "numéro de l'axe, point, rang de l'enjeu : par exemple 1.1.")]),
            "axe": C(checks=[_required(rules, "le numéro de l'axe de l'enjeu")], nullable=True),
            "libelle": C(checks=[_required(rules, "le libellé de l'enjeu")]),
        }, checks=[
            _unique(rules, f["Enjeux"], ["enjeu"], "enjeu", "Enjeux"),
            rules.frame("enjeu_axe", "enjeu",
                        lambda d: d["enjeu"].str.extract(ENJEU_RE)[0].astype("Float64").isna()
                        | d["axe"].isna() | (d["enjeu"].str.extract(ENJEU_RE)[0].astype("Float64") == d["axe"]),
                        lambda v, r: f"l'enjeu {r['enjeu']} porte le numéro d'un autre axe que son axe "
                                     f"({r['axe']}) : corrigez le numéro de l'enjeu ou la colonne « Axe ».",
                        needs=("enjeu", "axe")),
        ]),
        "Actions": pa.DataFrameSchema({
            "action_id": C(checks=aid + [rules.column("action>0", lambda s: s >= 1,
                                                      lambda v, r: f"numéro de fiche {v} invalide : "
                                                                   "les fiches sont numérotées à partir de 1.")],
                           nullable=True),
            "axe": C(checks=[_required(rules, "le numéro de l'axe de la fiche")], nullable=True),
            "enjeu": C(checks=[rules.column("enjeu_forme_action", lambda s: (s == "") | s.str.match(ENJEU_RE),
                                            lambda v, r: f"« {v} » n'est pas un numéro d'enjeu : écrivez-le "
                                                         "numéro de l'axe, point, rang de l'enjeu (par exemple 1.1), ou laissez vide.")]),
            "titre": C(checks=[_required(rules, "le titre de la fiche")]),
            "categorie_budget": C(checks=[_choice(rules, "categorie", CATEGORIES)]),
        }, checks=[_unique(rules, f["Actions"], ["action_id"], "numéro de fiche", "Actions")]),
        "Budget": pa.DataFrameSchema({
            "action_id": C(checks=aid, nullable=True),
            "poste": C(checks=[_required(rules, "ce que finance la ligne")]),
            "montant_min": C(checks=[_required(rules, "le montant minimum en euros (le même que le maximum "
                                                      "si le plan donne un seul montant)"),
                                     _non_negative(rules, "montant négatif")], nullable=True),
            "montant_max": C(checks=[_required(rules, "le montant maximum en euros (le même que le minimum "
                                                      "si le plan donne un seul montant)"),
                                     _non_negative(rules, "montant négatif")], nullable=True),
            "periodicite": C(checks=[_choice(rules, "periodicite", PERIODICITES)]),
            "quantite": C(checks=[_non_negative(rules, "quantité négative")], nullable=True),
            **years,
        }, checks=[
            _le(rules, "Budget", "montant_min", "montant_max",
                lambda v, r: f"le montant minimum ({fmt.nombre(r['montant_min'])}) dépasse le maximum "
                             f"({fmt.nombre(r['montant_max'])}) : corrigez l'un des deux."),
            _le(rules, "Budget", "annee_debut", "annee_fin",
                lambda v, r: f"l'année de début ({r['annee_debut']}) est après l'année de fin ({r['annee_fin']}) : "
                             "corrigez l'une des deux."),
            rules.frame("unite_requise", "unite", lambda d: (d["periodicite"] != "par unité") | (d["unite"] != ""),
                        lambda v, r: "une ligne « par unité » doit dire son unité (par exemple parcours) : "
                                     "renseignez la colonne « Unité ».",
                        needs=("periodicite", "unite")),
            rules.frame("quantite_sans_unite", "quantite",
                        lambda d: (d["periodicite"] == "par unité") | d["quantite"].isna(),
                        lambda v, r: f"une quantité ({_show(r['quantite'])}) n'a de sens que pour une ligne "
                                     "« par unité » : videz la cellule ou changez la périodicité.",
                        needs=("periodicite", "quantite")),
        ]),
        "ETP": pa.DataFrameSchema({
            "action_id": C(checks=aid, nullable=True),
            "service": C(checks=[_required(rules, "le service qui fournit le temps de travail")]),
            # empty = the plan names the service without a figure (unknown, never zero)
            "etp": C(checks=[_non_negative(rules, "ETP négatif")], nullable=True),
            **years,
        }, checks=[_le(rules, "ETP", "annee_debut", "annee_fin",
                       lambda v, r: f"l'année de début ({r['annee_debut']}) est après l'année de fin "
                                    f"({r['annee_fin']}) : corrigez l'une des deux.")]),
        "Calendrier": pa.DataFrameSchema({
            "action_id": C(checks=aid, nullable=True),
            "jalon": C(checks=[_required(rules, "le nom du jalon")]),
            "recurrence": C(checks=[_choice(rules, "recurrence", RECURRENCES)]),
            "precision": C(checks=[_choice(rules, "precision", PRECISIONS)]),
        }, checks=[_le(rules, "Calendrier", "debut_prevu", "fin_prevue",
                       lambda v, r: f"le début prévu ({fmt.jour(r['debut_prevu'])}) est après la fin prévue "
                                    f"({fmt.jour(r['fin_prevue'])}) : corrigez l'une des deux dates.")]),
        "Indicateurs": pa.DataFrameSchema({
            "indicateur_id": C(checks=[_required(rules, "l'identifiant (A, n° de fiche, tiret, rang : par exemple A11-1)"),
                                       rules.column("id_forme", lambda s: s.str.match(INDICATEUR_ID_RE),
                                                    lambda v, r: f"« {v} » n'est pas un identifiant valable : "
                                                                 "écrivez A, n° de fiche, tiret, rang : par exemple A11-1.")]),
            "action_id": C(checks=aid, nullable=True),
            "indicateur": C(checks=[_required(rules, "le libellé de l'indicateur")]),
            "type": C(checks=[_choice(rules, "type", TYPES_INDICATEUR)]),
            "unite": C(checks=[_choice(rules, "unite_indicateur", UNITES_INDICATEUR)]),
            "sens": C(checks=[_choice(rules, "sens", SENS)]),
        }, checks=[
            _unique(rules, f["Indicateurs"], ["indicateur_id"], "identifiant", "Indicateurs"),
            rules.frame("id_action", "indicateur_id",
                        lambda d: d["indicateur_id"].str.extract(INDICATEUR_ID_RE)[0].astype("Float64").isna()
                        | d["action_id"].isna()
                        | (d["indicateur_id"].str.extract(INDICATEUR_ID_RE)[0].astype("Float64") == d["action_id"]),
                        lambda v, r: f"l'identifiant {r['indicateur_id']} ne correspond pas à la fiche "
                                     f"{r['action_id']} : il doit commencer par A{r['action_id']}-.",
                        needs=("indicateur_id", "action_id")),
        ]),
        "Hypothèses": pa.DataFrameSchema({
            "parametre": C(checks=[_required(rules, "le paramètre (par exemple « Quantité : parcours » ou « Part : Office de tourisme »)"),
                                   rules.column("parametre_forme", lambda s: s.str.match(HYPOTHESE_RE),
                                                lambda v, r: f"« {v} » n'est pas un paramètre reconnu : écrivez "
                                                             "« Quantité : » suivi d'une unité de la fiche (par exemple « Quantité : parcours ») "
                                                             "ou « Part : » suivi d'un porteur (par exemple « Part : Office de tourisme »).")]),
            "valeur": C(checks=[_non_negative(rules, "valeur négative")], nullable=True),
            "action_id": C(checks=aid, nullable=True),
        }, checks=[
            _unique(rules, f["Hypothèses"], ["parametre", "action_id"], "paramètre d'une fiche", "Hypothèses",
                    lambda r: f"le paramètre « {r['parametre']} » de la fiche {r['action_id']}"),
            rules.frame("part_100", "valeur",
                        lambda d: ~d["parametre"].str.match(r"^\s*Part\s*:") | d["valeur"].isna()
                        | ((d["valeur"] >= 0) & (d["valeur"] <= 100)),
                        lambda v, r: f"une part est un pourcentage entre 0 et 100 ({_show(r['valeur'])} saisi) : "
                                     "saisissez par exemple 30 pour 30 %.",
                        needs=("parametre", "valeur")),
        ]),
        "Capacité": pa.DataFrameSchema({
            "service": C(checks=[_required(rules, "le service")]),
            "annee": C(checks=[_required(rules, "l'année")] + _in_periode(rules, periode, "annee"), nullable=True),
            "etp_disponibles": C(checks=[_non_negative(rules, "nombre d'ETP négatif")], nullable=True),
        }, checks=[_unique(rules, f["Capacité"], ["service", "annee"], "couple service / année", "Capacité",
                            lambda r: f"le service « {r['service']} » en {r['annee']}")]),
    }


def _pandera_problems(sheets: dict[str, _Sheet], periode, problems: list[Problem]) -> None:
    rules = _Rules()
    frames = {s: sh.frame for s, sh in sheets.items()}
    for sheet, schema in _schemas(frames, periode, rules).items():
        sh = sheets[sheet]
        if len(sh.frame) == 0:
            continue
        # rules whose columns are missing are skipped (the missing column is already reported)
        cols = {k: c for k, c in schema.columns.items() if k in sh.keys}
        checks = [c for c in schema.checks if _frame_check_ok(c, rules, sh.keys)]
        schema = pa.DataFrameSchema(cols, checks=checks)
        try:
            schema.validate(sh.frame, lazy=True)
        except pa.errors.SchemaErrors as err:
            problems += _translate(sheet, sh, err.failure_cases, rules)


def _frame_check_ok(check: pa.Check, rules: _Rules, keys: set[str]) -> bool:
    """A frame-wide rule runs only if every column it reads is present."""
    return set(rules.by_name[check.name].needs) <= keys


def _translate(sheet: str, sh: _Sheet, cases: pd.DataFrame, rules: _Rules) -> list[Problem]:
    """pandera failure cases -> French problems (never pandera's English)."""
    out, seen = [], set()
    for case in cases.to_dict("records"):
        idx, rule = case["index"], rules.by_name.get(case["check"])
        key = (rule.key if rule and rule.key else case["column"])
        if idx is None or pd.isna(idx):  # the check itself could not run: say so, never silently pass
            log.warning("contrôle %s impossible sur %s : %s", case["check"], sheet, case["failure_case"])
            if (None, key, case["check"]) not in seen:
                seen.add((None, key, case["check"]))
                out.append(Problem(sheet, None, header(sheet, key) if key else None,
                                   "une valeur de cette colonne empêche la vérification : vérifiez que chaque "
                                   "cellule contient bien le type attendu."))
            continue
        if (idx, key) in sh.bad or (idx, key, case["check"]) in seen:
            continue
        seen.add((idx, key, case["check"]))
        row = sh.frame.loc[idx]
        value = row[key] if key in row.index else case["failure_case"]
        text = rule.message(value, row) if rule else "valeur invalide : vérifiez cette cellule."
        out.append(Problem(sheet, excel_row(idx), header(sheet, key) if key else None, text))
    return out


# ---------------------------------------------------------------- cross-sheet rules

def _cross_problems(sheets: dict[str, _Sheet], problems: list[Problem]) -> None:
    axes, enjeux, actions = (sheets[s].frame for s in ("Axes", "Enjeux", "Actions"))
    known_axes = set(axes["axe"].dropna())
    known_actions = set(actions["action_id"].dropna())
    enjeu_axe = dict(zip(enjeux["enjeu"], enjeux["axe"], strict=True))

    def add(sheet, idx, key, text):
        if (idx, key) not in sheets[sheet].bad:
            problems.append(Problem(sheet, excel_row(idx), header(sheet, key), text))

    if "axe" in sheets["Axes"].keys:
        for sheet in ("Enjeux", "Actions"):
            if "axe" not in sheets[sheet].keys:
                continue
            for idx, axe in sheets[sheet].frame["axe"].dropna().items():
                if axe not in known_axes:
                    add(sheet, idx, "axe", f"l'axe {axe} n'existe pas dans la feuille « Axes » : "
                                           "corrigez le numéro ou ajoutez l'axe.")
    if {"enjeu", "axe"} <= sheets["Enjeux"].keys and {"enjeu", "axe"} <= sheets["Actions"].keys:
        for idx, row in actions[actions["enjeu"] != ""].iterrows():
            if row["enjeu"] not in enjeu_axe:
                add("Actions", idx, "enjeu", f"l'enjeu {row['enjeu']} n'existe pas dans la feuille « Enjeux » : "
                                             "corrigez-le, ajoutez l'enjeu ou laissez la cellule vide.")
            elif pd.notna(row["axe"]) and enjeu_axe[row["enjeu"]] in known_axes and enjeu_axe[row["enjeu"]] != row["axe"]:
                add("Actions", idx, "enjeu", f"l'enjeu {row['enjeu']} appartient à l'axe {enjeu_axe[row['enjeu']]}, "
                                             f"pas à l'axe {row['axe']} de la fiche : corrigez l'enjeu ou l'axe.")
    if "action_id" in sheets["Actions"].keys:
        for sheet in ("Budget", "ETP", "Calendrier", "Indicateurs", "Hypothèses"):
            if "action_id" not in sheets[sheet].keys:
                continue
            for idx, aid in sheets[sheet].frame["action_id"].dropna().items():
                if aid not in known_actions:
                    add(sheet, idx, "action_id", f"la fiche action n° {aid} n'existe pas dans la feuille "
                                                 "« Actions » : corrigez le numéro.")
    budget = sheets["Budget"].frame
    if {"action_id", "categorie_budget"} <= sheets["Actions"].keys and "action_id" in sheets["Budget"].keys:
        with_lines = set(budget["action_id"].dropna())
        for idx, row in actions.dropna(subset=["action_id"]).iterrows():
            has, cat = row["action_id"] in with_lines, row["categorie_budget"]
            if has and cat != "chiffré" and cat in CATEGORIES:
                add("Actions", idx, "categorie_budget",
                    f"la fiche {row['action_id']} a des lignes dans « Budget » mais sa catégorie est « {cat} » : "
                    "mettez « chiffré », ou supprimez ses lignes de budget.")
            elif not has and cat == "chiffré":
                add("Actions", idx, "categorie_budget",
                    f"la fiche {row['action_id']} est « chiffré » mais n'a aucune ligne dans « Budget » : "
                    "ajoutez ses lignes de budget ou choisissez une autre catégorie.")
    hyp = sheets["Hypothèses"].frame
    if {"parametre", "action_id"} <= sheets["Hypothèses"].keys and {"action_id", "periodicite", "unite"} <= \
            sheets["Budget"].keys:
        per_unit = budget[budget["periodicite"] == "par unité"]
        units = {(a, u.strip().lower()) for a, u in zip(per_unit["action_id"], per_unit["unite"], strict=True)
                 if u.strip()}
        for idx, row in hyp.iterrows():
            match = HYPOTHESE_RE.match(row["parametre"])
            if not match or match.group(1) != "Quantité" or pd.isna(row["action_id"]):
                continue
            if (row["action_id"], match.group(2).strip().lower()) not in units:
                known = sorted({u for a, u in units if a == row["action_id"]})
                hint = (f"les unités de ses lignes « par unité » sont : {', '.join(known)}" if known
                        else "elle n'a aucune ligne « par unité » avec une unité dans « Budget »")
                add("Hypothèses", idx, "parametre",
                    f"« {match.group(2)} » n'est l'unité d'aucune ligne « par unité » de la fiche {row['action_id']} "
                    f"({hint}) : corrigez le paramètre ou la fiche.")


# ---------------------------------------------------------------- entry point

def validate_sheets(raw: dict[str, pd.DataFrame]) -> tuple[dict[str, pd.DataFrame], tuple[int, int], list[Problem]]:
    """Normalised frames per sheet, the plan's period and every problem found (empty list = valid)."""
    problems: list[Problem] = []
    raw = {str(name).strip(): frame for name, frame in raw.items()}  # "Budget " is still Budget
    sheets = {sheet: _normalise(sheet, raw.get(sheet), problems) for sheet in SHEETS}
    periode = _periode(raw.get(README_SHEET), sheets, problems)
    _pandera_problems(sheets, periode, problems)
    _cross_problems(sheets, problems)
    order = {s: i for i, s in enumerate(SHEET_ORDER)}

    def sort_key(p: Problem):
        cols = list(SHEETS.get(p.sheet, {}))
        return (order.get(p.sheet, -1), p.row or 0, cols.index(p.column) if p.column in cols else -1)
    problems.sort(key=sort_key)
    return {s: sh.frame for s, sh in sheets.items()}, periode or (0, 0), problems
