"""The plan's rules, per row and across sheets, each broken rule written as a French sentence.

Per-row rules are pandera checks (lazy: every failure case at once), looked up by name to write
their message; cross-sheet rules (an action's axe exists, an indicator's action exists, identifiers
are unique…) are plain pandas. Both read the frames `normalise` produced and append `Problem`s.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd
import pandera.pandas as pa

from dashboard import fmt
from dashboard.plan.normalise import ENJEU_RE, INDICATEUR_ID_RE, Sheet, header, show
from dashboard.plan.schema import (
    CATEGORIES,
    HYPOTHESE_RE,
    PERIODICITES,
    PRECISIONS,
    README_SHEET,
    RECURRENCES,
    SENS,
    TYPES_INDICATEUR,
    UNITES_INDICATEUR,
    Problem,
    excel_row,
)

# ---------------------------------------------------------------- pandera rules
# A rule is a pandera Check whose name is looked up here to write the French message.
# message(value, row) -> text; `row` is the normalised row (a Series keyed by snake_case keys).

@dataclass(frozen=True)
class _Rule:
    key: str | None              # column reported (None: the Column's own)
    message: Callable[[object, pd.Series], str]
    needs: tuple[str, ...] = ()  # columns a frame-wide rule reads (skipped if one is missing)

log = logging.getLogger(__name__)


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
        return f"« {show(value)} » n'est pas une valeur admise : choisissez une de ces valeurs : {listed}."
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
        shown = describe(row) if describe else f"{what} « {' / '.join(show(row[k]) for k in keys)} »"
        return (f"{shown} figure déjà ligne {first} : chaque {what} doit être unique, "
                "supprimez le doublon ou corrigez-le.")
    rules.by_name[name] = _Rule(keys[-1], message, tuple(keys))
    return pa.Check(fn, name=name, ignore_na=False)


def _non_negative(rules: _Rules, what: str) -> pa.Check:
    """`what` says it in French, gender included: "montant négatif", "quantité négative"."""
    return rules.column(f"positif:{what}", lambda s: s >= 0,
                        lambda v, r: f"{what} ({show(v)}) : saisissez un nombre positif ou nul.")


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
                        lambda v, r: f"une quantité ({show(r['quantite'])}) n'a de sens que pour une ligne "
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
                        lambda v, r: f"une part est un pourcentage entre 0 et 100 ({show(r['valeur'])} saisi) : "
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


def pandera_problems(sheets: dict[str, Sheet], periode, problems: list[Problem]) -> None:
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


def _translate(sheet: str, sh: Sheet, cases: pd.DataFrame, rules: _Rules) -> list[Problem]:
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

def cross_problems(sheets: dict[str, Sheet], problems: list[Problem]) -> None:
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
                 if u.strip() and not pd.isna(a)}  # a line whose action number was unreadable is reported already
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


