"""The follow-up template (`suivi_<année>.xlsx`): every indicator and action of the plan (or those of
some porteurs), inputs unlocked, read-only columns greyed, drop-down lists and validations as the
Mode d'emploi says, filter and sort allowed, and the stamp that tells the import where it comes from.

Writes only (every cell through `dashboard.xlsx`, so typed text never becomes a formula); the
reading and checking of an uploaded workbook is `followup`. Demonstration values never reach a
template: with the demo active it comes out blank.
"""

from __future__ import annotations

import io
import re
import unicodedata
from datetime import date

import pandas as pd
from openpyxl.utils import get_column_letter

from dashboard.plan import Plan, porteurs_by_action
from dashboard.suivi import stamp
from dashboard.suivi.contract import (
    AV,
    CLEAR_WORD,
    IND,
    NUMBER_FORMATS,
    SHEET_AV,
    SHEET_HELP,
    SHEET_IND,
    STATUTS,
    UNIT,
    Column,
)
from dashboard.suivi.merge import suivi_cells

_FILL_RO = "E7EAEE"  # read-only cells (locked)
_FILL_HEAD = "1F4E79"
_FILL_HEAD_INPUT = "0072B2"
_DATE_MIN, _DATE_MAX = "36526", "73050"  # 01/01/2000 .. 31/12/2099 as Excel serials

HELP_LINES = [
    ("Suivi annuel du schéma de développement touristique — modèle {year}", True),
    ("{issued}", False),
    ("1. Feuille « Indicateurs » : une ligne par indicateur. Saisissez la valeur {year} dans « {year} Résultat » "
     "et, s'il y en a un, l'objectif dans « {year} Objectif ». « Rappel {prev} » rappelle la valeur de l'an "
     "dernier (non importée).", False),
    ("2. Feuille « Avancement » : une ligne par action. Choisissez le statut dans la liste, saisissez les "
     "dates (JJ/MM/AAAA), les dépenses {year} en euros et le temps passé en ETP (ex. 0,5).", False),
    ("3. Ne remplissez que vos lignes : les colonnes « Axe » et « Porteur » permettent de les retrouver (flèche "
     "du filtre dans l'en-tête, ou tri). Les lignes des autres porteurs peuvent rester telles quelles : une "
     "valeur laissée comme dans le modèle reçu ne remplace jamais celle qu'un autre porteur aura transmise.",
     False),
    ("4. Les colonnes grisées sont protégées : ne les modifiez pas, ne renommez ni les feuilles ni les en-têtes.",
     False),
    ("5. Une cellule vide signifie « pas de valeur » (jamais zéro) : vider une cellule ne retire rien. Saisissez 0 "
     "si la valeur est zéro. Pour retirer une valeur déjà transmise (une erreur), écrivez « effacer » dans la "
     "cellule.", False),
    ("6. Formats acceptés : 1 234,5 · 45 % · 12 000 € · oui / non (ou x pour oui) · 31/12/{year}.", False),
    ("7. Enregistrez au format .xlsx (Excel ou LibreOffice) et renvoyez le fichier à l'office de tourisme. À "
     "l'import, une vérification liste toutes les erreurs (feuille, ligne, colonne) et chaque valeur changée, "
     "avant → après ; si une valeur que vous changez a aussi été changée par un autre porteur depuis l'envoi de "
     "ce modèle, les deux sont montrées et la personne qui importe choisit. Chaque import peut être annulé.",
     False),
    ("8. Pour compléter une autre année, téléchargez son modèle (ou ajoutez des colonnes « AAAA Résultat », "
     "« AAAA Dépenses (€) »… avec l'année voulue).", False),
    ("9. La feuille masquée « Tampon » dit de quel modèle vient ce fichier : ne la modifiez pas.", False),
]


def template_file_name(year: int, porteurs=()) -> str:
    """`suivi_2025.xlsx`, or `suivi_2025_office-de-tourisme.xlsx` for one porteur's template."""
    if not porteurs:
        return f"suivi_{year}.xlsx"
    slug = "_".join(_slug(p) for p in porteurs)[:80].strip("-_")
    return f"suivi_{year}_{slug}.xlsx"


def _slug(text: str) -> str:
    s = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", "-", s).strip("-") or "porteur"


def porteurs(plan: Plan) -> list[str]:
    """Every porteur of the plan's actions, the one with most actions first (then by name)."""
    counts: dict[str, int] = {}
    for names in porteurs_by_action(plan).values():
        for n in names:
            counts[n] = counts.get(n, 0) + 1
    return sorted(counts, key=lambda n: (-counts[n], n))


def rows_for(plan: Plan, chosen=()) -> tuple[list[int], pd.DataFrame]:
    """The actions (numbers) and indicators of a template: every row, or those of the `chosen` porteurs."""
    by_action = porteurs_by_action(plan)
    unknown = [p for p in chosen if p not in set(porteurs(plan))]
    if unknown:
        raise ValueError(f"porteur inconnu : « {unknown[0]} ». Porteurs du plan : {', '.join(porteurs(plan))}.")
    actions = sorted(a for a, names in by_action.items() if not chosen or set(names) & set(chosen))
    ind = plan.indicateurs[plan.indicateurs["action_id"].astype(int).isin(actions)]
    return actions, ind.sort_values(["action_id", "indicateur_id"], key=_natural_key)


def write_template(plan: Plan, year: int, previous=None, **kw) -> bytes:
    """The follow-up workbook for `year` (see `issue`): its bytes only."""
    return issue(plan, year, previous, **kw)[0]


def issue(plan: Plan, year: int, previous=None, *, porteurs=(), emis_par: str = "") -> tuple[bytes, stamp.Stamp]:
    """The follow-up workbook for `year` and its stamp: the rows of the `porteurs` (all when empty), pre-filled.

    `previous` (a store.Suivi) fills `Rappel <year-1>` and the values already imported for `year`,
    unless it holds the demonstration data (then the template is blank). The stamp, written in the
    workbook, records every input cell as issued.
    Raises ValueError (French) when `year` is outside the plan's period or a porteur is unknown.
    """
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill, Protection
    from openpyxl.worksheet.datavalidation import DataValidation

    from dashboard import xlsx  # every cell through it: imported text never becomes a formula

    if previous is not None and getattr(previous, "demo", False):
        previous = None  # demonstration values never reach a real workbook (no pre-fill, no Rappel)
    lo, hi = plan.periode
    if not lo <= year <= hi:
        raise ValueError(f"l'année {year} est hors de la période du plan ({lo}-{hi}) : choisissez une année "
                         f"entre {lo} et {hi}.")
    prev_year = year - 1
    actions, ind = rows_for(plan, tuple(porteurs))
    now = {} if previous is None else {c: v for c, (v, _) in suivi_cells(previous, year).items()}
    rappel = {} if previous is None else {c: v for c, (v, _) in suivi_cells(previous, prev_year).items()}
    st = stamp.new(year, porteurs=porteurs, emis_par=emis_par, indicateurs=ind["indicateur_id"].astype(str),
                   actions=actions, valeurs=now)
    ro_fill = PatternFill("solid", fgColor=_FILL_RO)
    head_font = Font(bold=True, color="FFFFFF")
    unlocked = Protection(locked=False)
    wrap = Alignment(wrap_text=True, vertical="top")
    titles = dict(zip(plan.actions["action_id"].astype(int), plan.actions["titre"].fillna(""), strict=True))
    axes = dict(zip(plan.actions["action_id"].astype(int),
                    plan.actions.get("axe", pd.Series(None, index=plan.actions.index)), strict=True))
    who = {a: " ; ".join(names) for a, names in porteurs_by_action(plan).items()}

    wb = Workbook()
    help_ws = wb.active
    help_ws.title = SHEET_HELP
    issued = (f"Modèle envoyé à : {st.porteur_text}" if porteurs else "Modèle de toutes les actions du plan")
    issued += f" · émis le {st.emis_le:%d/%m/%Y}" + (f" par {emis_par}" if emis_par else "") + "."
    for i, (text, bold) in enumerate(HELP_LINES, start=1):
        c = xlsx.put(help_ws, i, 1, text.format(year=year, prev=prev_year, issued=issued))
        c.font = Font(bold=bold, size=13 if bold else 11)
        c.alignment = Alignment(wrap_text=True, vertical="top")
    help_ws.column_dimensions["A"].width = 120
    xlsx.put(help_ws, len(HELP_LINES) + 2, 1, f"Statuts possibles : {' / '.join(STATUTS)}.")
    xlsx.put(help_ws, len(HELP_LINES) + 3, 1, f"Plan {lo}-{hi} · modèle généré le {date.today():%d/%m/%Y}.")

    def sheet(title: str, columns: tuple[Column, ...], rows: list[dict], validations: dict, units=()):
        """One protected sheet laid out by its columns' specification (contract): header, rows (values by
        column key), formats and validations, filter and sort allowed. `units`: each row's indicator
        unit, for the columns whose format and validation follow it (UNIT)."""
        ws = wb.create_sheet(title)
        for j, col in enumerate(columns, start=1):
            c = xlsx.put(ws, 1, j, col.written(year))
            c.font = head_font
            c.fill = PatternFill("solid", fgColor=_FILL_HEAD_INPUT if col.input else _FILL_HEAD)
            c.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
            ws.column_dimensions[get_column_letter(j)].width = col.width
        ws.row_dimensions[1].height = 32
        for i, row in enumerate(rows, start=2):
            for j, col in enumerate(columns, start=1):
                c = xlsx.put(ws, i, j, row[col.key])  # imported text (comments, sources) stays text
                if col.input:
                    c.protection = unlocked
                else:
                    c.fill = ro_fill
                kind = units[i - 2] if col.kind == UNIT else col.kind
                if kind:
                    c.number_format = NUMBER_FORMATS.get(kind, "General")
                if col.wrap:
                    c.alignment = wrap
        for dv in validations.values():
            ws.add_data_validation(dv)
        last = len(rows) + 1
        for j, col in enumerate(columns, start=1):
            if col.validation in validations and last >= 2:  # the whole column
                validations[col.validation].add(f"{get_column_letter(j)}2:{get_column_letter(j)}{last}")
        by_unit = [j for j, col in enumerate(columns, start=1) if col.validation == UNIT]
        for i, unit in enumerate(units if by_unit else (), start=2):  # each row its unit's validation
            validations.get(unit, validations["nombre"]).add(
                f"{get_column_letter(by_unit[0])}{i}:{get_column_letter(by_unit[-1])}{i}")
        ws.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{last}"
        ws.protection.sheet = True
        ws.protection.formatColumns = False  # staff may still widen columns and rows
        ws.protection.formatRows = False
        ws.protection.formatCells = False
        ws.protection.autoFilter = False  # and filter or sort to find their rows
        ws.protection.sort = False
        return ws

    def error_dv(kind, message, **kw):
        return DataValidation(type=kind, allow_blank=True, showErrorMessage=True, errorStyle="stop",
                              errorTitle="Valeur non valide", error=message, **kw)

    # --- Indicateurs ---------------------------------------------------------------------------
    units = [str(u) for u in ind["unite"]]
    dvs = {  # by unit
        "nombre": error_dv("decimal", "Saisissez un nombre positif ou nul (ex. 1234,5), « effacer », ou laissez vide.",
                           operator="greaterThanOrEqual", formula1="0"),
        "€": error_dv("decimal", "Saisissez un montant en euros positif ou nul (ex. 12000), « effacer », ou laissez "
                      "vide.", operator="greaterThanOrEqual", formula1="0"),
        "%": error_dv("decimal", "Saisissez un pourcentage entre 0 et 100 (ex. 45), « effacer », ou laissez vide.",
                      operator="between", formula1="0", formula2="100"),
        "oui/non": error_dv("list", "Choisissez « oui », « non » ou « x » (pour oui) dans la liste, « effacer », ou "
                            "laissez vide.", formula1='"oui,non,x,effacer"'),
        "date": error_dv("date", "Saisissez une date au format JJ/MM/AAAA, « effacer », ou laissez vide.",
                         operator="between", formula1=_DATE_MIN, formula2=_DATE_MAX),
    }
    for dv in dvs.values():
        dv.errorStyle = "warning"  # « effacer » must stay possible in a number or date cell
    rows = []
    for r in ind.itertuples(index=False):
        ident, unite, aid = str(r.indicateur_id).upper(), str(r.unite), int(r.action_id)
        rows.append({"indicateur_id": str(r.indicateur_id), "action_id": aid, "action": titles.get(aid, ""),
                     "indicateur": r.indicateur, "unite": unite,
                     "rappel": _shown(rappel, ("indicateurs", ident, prev_year), "resultat", unite),
                     "resultat": _shown(now, ("indicateurs", ident, year), "resultat", unite),
                     "objectif": _shown(now, ("indicateurs", ident, year), "objectif", unite),
                     "commentaire": now.get(("indicateurs", ident, year, "commentaire")),
                     "source": now.get(("indicateurs", ident, year, "source")), "axe": _axe(axes.get(aid)),
                     "porteur": who.get(aid, "")})
    ws = sheet(SHEET_IND, IND, rows, dvs, units)
    ws.freeze_panes = "B2"

    # --- Avancement ----------------------------------------------------------------------------
    av_dvs = {
        "statut": DataValidation(type="list", formula1='"' + ",".join((*STATUTS, CLEAR_WORD)) + '"', allow_blank=True,
                                 showErrorMessage=True, errorTitle="Statut non valide",
                                 error="Choisissez le statut dans la liste : " + " / ".join(STATUTS) + ".",
                                 showInputMessage=True, promptTitle="Statut", prompt="Choisissez dans la liste."),
        "date": error_dv("date", "Saisissez une date au format JJ/MM/AAAA, « effacer », ou laissez vide.",
                         operator="between", formula1=_DATE_MIN, formula2=_DATE_MAX),
        "euros": error_dv("decimal", "Saisissez un montant en euros positif ou nul (ex. 12000), « effacer », ou "
                          "laissez vide.", operator="greaterThanOrEqual", formula1="0"),
        "etp": error_dv("decimal", "Saisissez un nombre d'ETP positif ou nul (ex. 0,5), « effacer », ou laissez "
                        "vide.", operator="between", formula1="0", formula2="1000"),
    }
    for key in ("date", "euros", "etp"):
        av_dvs[key].errorStyle = "warning"
    rows = []
    for aid in actions:
        def v(kind, f, aid=aid):
            return now.get((kind, aid, year, f))
        rows.append({"action_id": aid, "action": titles.get(aid) or f"Action {aid}", "statut": v("statuts", "statut"),
                     "debut_reel": _py_date(v("statuts", "debut_reel")),
                     "fin_reelle": _py_date(v("statuts", "fin_reelle")),
                     "fin_revisee": _py_date(v("statuts", "fin_revisee")), "depenses": v("realise", "depenses"),
                     "etp": v("realise", "etp"), "commentaire": v("statuts", "commentaire"),
                     "axe": _axe(axes.get(aid)), "porteur": who.get(aid, "")})
    ws = sheet(SHEET_AV, AV, rows, av_dvs)
    ws.freeze_panes = "C2"

    stamp.write_sheet(wb, st)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue(), st


def _axe(v):
    return None if v is None or pd.isna(v) else int(v)


def _natural_key(s: pd.Series) -> pd.Series:
    if s.name == "indicateur_id":
        return s.astype(str).str.extract(r"(\d+)$")[0].fillna("0").astype(int)
    return s


def _py_date(v):
    return None if v is None or pd.isna(v) else pd.Timestamp(v).date()


def _shown(cells: dict, prefix: tuple, f: str, unite: str):
    """A stored value as the template shows it in a cell of an indicator of unit `unite`."""
    if unite == "date":
        return _py_date(cells.get((*prefix, f"date_{f}")))
    v = cells.get((*prefix, f))
    if v is None or pd.isna(v):
        return None
    if unite == "oui/non":
        return "oui" if v >= 0.5 else "non"
    return float(v)
