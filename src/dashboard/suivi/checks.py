"""The checks of a follow-up workbook's two sheets, row by row: every cell of `Indicateurs` and
`Avancement` read against the plan (known identifiers, the plan's period, each indicator's unit), every
problem and every doubtful value (a warning the user confirms) recorded with its sheet, Excel row and
column. `followup.read_followup` calls them once the file is known to be a sound workbook.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime

import pandas as pd
from babel.numbers import format_decimal

from dashboard.plan import Plan, Problem
from dashboard.suivi.cells import (
    SPACES,
    BadValue,
    cell_value,
    header_text,
    int_id,
    is_clear,
    num_text,
    parse_date,
    parse_indicator_value,
    parse_number,
    parse_statut,
    text_value,
)
from dashboard.suivi.contract import SHEET_AV, SHEET_IND, header_of


@dataclass
class Sheet:
    name: str
    rows: list[list]
    columns: dict[str, int]  # folded header -> 0-based index
    years: dict[str, dict[int, int]]  # field -> year -> column index


@dataclass
class Context:
    """What the sheet checks share: the plan's period, the problems and warnings, where each value came from."""

    periode: tuple[int, int]
    problems: list[Problem]
    warnings: list[Problem]
    # (kind, key, year, field) -> (sheet, Excel row, header, value): for the year-on-year warning
    seen: dict = field(default_factory=dict)
    values: dict = field(default_factory=dict)
    cleared: set = field(default_factory=set)  # cells whose text is « effacer »: (kind, key, year, field)
    today: date = field(default_factory=date.today)


TEXT_MAX = 2000


def _long_text(ctx: Context, sheet: str, xl: int, header: str, text: str | None) -> str | None:
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


def _typed_number_check(v, ctx: Context, sheet: str, xl: int, header: str) -> None:
    """Typed numbers whose reading is a guess: `10.050` is an error, `1.234,5` a warning."""
    if not isinstance(v, str):
        return
    s = SPACES.sub("", v.strip().lower())
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


def _date_check(d: pd.Timestamp, ctx: Context, sheet: str, xl: int, header: str, v) -> None:
    lo, hi = ctx.periode
    if not lo - 5 <= d.year <= hi + 5:
        ctx.warnings.append(Problem(sheet, xl, header, f"la date {d:%d/%m/%Y} est à plus de 5 ans de la période "
                                    f"du plan ({lo}-{hi}) : vérifiez l'année", value=_raw(v)))


def check_indicateurs(sh: Sheet, plan: Plan, percent: set[tuple[int, int]], ctx: Context) -> list[tuple]:
    name, problems = SHEET_IND, ctx.problems
    header = [header_text(h) for h in sh.rows[0]]
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
        ident = cell_value(row, c_id)
        values = [(f, y, j, cell_value(row, j)) for f, y, j in value_cols]
        com = _long_text(ctx, name, xl, header_of(name, "commentaire"), text_value(cell_value(row, c_com)))
        src = _long_text(ctx, name, xl, header_of(name, "source"), text_value(cell_value(row, c_src)))
        clear_com, clear_src = is_clear(com), is_clear(src)
        com, src = (None if clear_com else com), (None if clear_src else src)
        has_values = any(v is not None for *_, v in values) or com or src or clear_com or clear_src
        if ident is None:
            if has_values:
                problems.append(Problem(name, xl, header_of(name, "indicateur_id"), "la ligne a des valeurs mais pas d'identifiant : "
                                        "recopiez l'identifiant de l'indicateur (ex. A11-1) depuis le modèle"))
            continue
        ident = str(ident).strip().upper()
        if ident not in units:
            problems.append(Problem(name, xl, header_of(name, "indicateur_id"), f"l'indicateur « {ident} » n'existe pas dans le plan : "
                                    "vérifiez l'identifiant (repartez du modèle de l'année)"))
            continue
        act = cell_value(row, c_act)
        try:
            act_id = int_id(act) if act is not None else None
        except BadValue as err:  # « ３ » → 3 ?
            problems.append(Problem(name, xl, "N° action", str(err)))
            continue
        if act is not None and act_id != action_of[ident]:
            problems.append(Problem(name, xl, "N° action", f"l'action « {text_value(act)} » ne correspond pas à "
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
            if is_clear(v):
                seen[(ident, y, f)] = xl
                ctx.cleared.add(("indicateurs", ident, y, f"date_{f}" if unite == "date" else f))
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
        for flag, f in ((clear_com, "commentaire"), (clear_src, "source")):
            if flag:
                ctx.cleared.add(("indicateurs", ident, last_year, f))
        if com or src:
            rec = out.setdefault((ident, last_year), {})
            if com:
                rec["commentaire"] = com
            if src:
                rec["source"] = src
    return [(k[0], k[1], r.get("resultat"), r.get("objectif"), r.get("date_resultat"), r.get("date_objectif"),
             r.get("commentaire"), r.get("source")) for k, r in out.items()]


def check_avancement(sh: Sheet, plan: Plan, year: int, ctx: Context) -> tuple[list, list]:
    name, problems = SHEET_AV, ctx.problems
    header = [header_text(h) for h in sh.rows[0]]
    known = set(plan.actions["action_id"].astype(int))
    c = sh.columns
    money_cols = [(f, y, j) for f in ("depenses", "etp") for y, j in sorted(sh.years[f].items())]
    seen: dict[int, int] = {}
    statuts, realise = [], {}
    for i, row in enumerate(sh.rows[1:], start=1):
        xl = i + 1
        act = cell_value(row, c.get("action_id"))
        inputs = {k: cell_value(row, c.get(k)) for k in ("statut", "debut_reel", "fin_reelle", "fin_revisee", "commentaire")}
        money = [(f, y, j, cell_value(row, j)) for f, y, j in money_cols]
        has_values = any(v is not None for v in inputs.values()) or any(v is not None for *_, v in money)
        if act is None:
            if has_values:
                problems.append(Problem(name, xl, "N° action", "la ligne a des valeurs mais pas de N° d'action : "
                                        "recopiez le N° de l'action depuis le modèle"))
            continue
        try:
            aid = int_id(act)
        except BadValue as err:  # « ３ » → 3 ?
            problems.append(Problem(name, xl, "N° action", str(err)))
            continue
        if aid not in known:
            problems.append(Problem(name, xl, "N° action", f"l'action « {text_value(act)} » n'existe pas dans le plan : "
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
        for k in list(inputs):
            if is_clear(inputs[k]):
                ctx.cleared.add(("statuts", aid, year, k))
                inputs[k] = None
        if inputs["statut"] is not None:
            try:
                rec["statut"] = parse_statut(inputs["statut"])
            except BadValue as err:
                problems.append(Problem(name, xl, header_of(name, "statut"), str(err)))
        for k, label in [(k, header_of(name, k)) for k in ("debut_reel", "fin_reelle", "fin_revisee")]:
            if inputs[k] is not None:
                try:
                    rec[k] = parse_date(inputs[k])
                except BadValue as err:
                    problems.append(Problem(name, xl, label, str(err)))
                else:
                    _date_check(rec[k], ctx, name, xl, label, inputs[k])
        for k, label in [(k, header_of(name, k)) for k in ("fin_reelle", "fin_revisee")]:
            if rec.get(k) is not None and rec.get("debut_reel") is not None and rec[k] < rec["debut_reel"]:
                problems.append(Problem(name, xl, label, f"la date ({rec[k]:%d/%m/%Y}) est avant le début réel "
                                        f"({rec['debut_reel']:%d/%m/%Y}) : corrigez l'une des deux dates"))
        _status_dates(rec, ctx, xl, year)
        com = _long_text(ctx, name, xl, header_of(name, "commentaire"), text_value(inputs["commentaire"]))
        if com:
            rec["commentaire"] = com
        if rec:
            statuts.append((aid, year, rec.get("statut"), rec.get("debut_reel"), rec.get("fin_reelle"),
                            rec.get("fin_revisee"), rec.get("commentaire")))
        for f, y, j, v in money:
            if v is None:
                continue
            if is_clear(v):
                ctx.cleared.add(("realise", aid, y, f))
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
                    raise BadValue(f"{num_text(x)} est négatif : " + ("un montant de dépenses" if f == "depenses"
                                   else "un nombre d'ETP") + " ne peut pas être négatif")
            except BadValue as err:
                problems.append(Problem(name, xl, header[j], str(err)))
                continue
            realise.setdefault((aid, y), {})[f] = x
            ctx.values[("realise", aid, y, f)] = (name, xl, header[j], x, v)
    return statuts, [(a, y, r.get("depenses"), r.get("etp")) for (a, y), r in realise.items()]


def _status_dates(rec: dict, ctx: Context, xl: int, year: int) -> None:
    """A status that its dates contradict: « Réalisée » ending in the future or after the file's year is an
    error; « Non démarrée » with a real start is a warning."""
    end, start = rec.get("fin_reelle"), rec.get("debut_reel")
    if rec.get("statut") == "Réalisée" and end is not None:
        if end.date() > ctx.today:
            ctx.problems.append(Problem(SHEET_AV, xl, header_of(SHEET_AV, "fin_reelle"), f"l'action est « Réalisée » mais sa fin réelle "
                                        f"({end:%d/%m/%Y}) est dans le futur : corrigez la date, ou choisissez "
                                        "« En cours » et mettez la date prévue dans « Fin révisée »"))
        elif end.year > year:
            ctx.problems.append(Problem(SHEET_AV, xl, header_of(SHEET_AV, "fin_reelle"), f"l'action est « Réalisée » mais sa fin réelle "
                                        f"({end:%d/%m/%Y}) est après l'année du fichier ({year}) : corrigez la "
                                        "date, ou déclarez-la dans le suivi de l'année où elle s'est terminée"))
    if rec.get("statut") == "Non démarrée" and start is not None:
        ctx.warnings.append(Problem(SHEET_AV, xl, header_of(SHEET_AV, "debut_reel"), f"l'action est « Non démarrée » mais a un début réel "
                                    f"({start:%d/%m/%Y}) : vérifiez le statut (« En cours » ?) ou videz la date",
                                    value=f"{start:%d/%m/%Y}"))


HUNDREDFOLD = 100


def hundredfold(ctx: Context, previous) -> None:
    """Warn when a value is 100 times (or a hundredth of) last year's: the file's, else the store's."""
    stored: dict = {}
    if previous is not None and not getattr(previous, "empty", True):
        for kind, key in (("indicateurs", "indicateur_id"), ("realise", "action_id")):
            df = getattr(previous, kind)
            if not len(df):
                continue
            keys = (df[key].astype(str).str.upper() if kind == "indicateurs" else df[key].astype(int)).tolist()
            years = df["annee"].astype(int).tolist()
            for f in (("resultat", "objectif") if kind == "indicateurs" else ("depenses", "etp")):
                for k, y, v in zip(keys, years, df[f].astype(float).tolist(), strict=True):
                    if v == v:  # not NaN
                        stored[(kind, k, y, f)] = v
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
