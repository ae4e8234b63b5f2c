"""The follow-up template (`suivi_<année>.xlsx`): every indicator and action of the plan, inputs
unlocked, read-only columns greyed, drop-down lists and validations as the Mode d'emploi says.

Writes only (every cell through `dashboard.xlsx`, so typed text never becomes a formula); the
reading and checking of an uploaded workbook is `followup`. Demonstration values never reach a
template: with the demo active it comes out blank.
"""

from __future__ import annotations

import io
from datetime import date

import pandas as pd
from openpyxl.utils import get_column_letter

from dashboard.plan import Plan
from dashboard.suivi.contract import SHEET_AV, SHEET_HELP, SHEET_IND, STATUTS

_FILL_RO = "E7EAEE"  # read-only cells (locked)
_FILL_HEAD = "1F4E79"
_FILL_HEAD_INPUT = "0072B2"
# "General" keeps every decimal typed; the literal " %" does not scale (45 shows 45 %)
_NUMBER_FORMATS = {"nombre": "General", "€": 'General" €"', "%": 'General" %"', "date": "DD/MM/YYYY",
                   "oui/non": "@"}
_DATE_MIN, _DATE_MAX = "36526", "73050"  # 01/01/2000 .. 31/12/2099 as Excel serials

HELP_LINES = [
    ("Suivi annuel du schéma de développement touristique — modèle {year}", True),
    ("", False),
    ("1. Feuille « Indicateurs » : une ligne par indicateur du plan. Saisissez la valeur {year} dans "
     "« {year} Résultat » et, s'il y en a un, l'objectif dans « {year} Objectif ». « Rappel {prev} » "
     "rappelle la valeur de l'an dernier (non importée).", False),
    ("2. Feuille « Avancement » : une ligne par action. Choisissez le statut dans la liste, saisissez les "
     "dates (JJ/MM/AAAA), les dépenses {year} en euros et le temps passé en ETP (ex. 0,5).", False),
    ("3. Les colonnes grisées sont protégées : ne les modifiez pas, ne renommez ni les feuilles ni les en-têtes.",
     False),
    ("4. Une cellule vide signifie « pas de valeur » (jamais zéro). Saisissez 0 si la valeur est zéro.", False),
    ("5. Formats acceptés : 1 234,5 · 45 % · 12 000 € · oui / non (ou x pour oui) · 31/12/{year}.", False),
    ("6. Enregistrez au format .xlsx puis déposez le fichier sur la page « Import du suivi annuel » : une "
     "vérification liste toutes les erreurs (feuille, ligne, colonne) avant tout enregistrement ; rien n'est "
     "importé tant qu'il reste une erreur. Chaque import peut être annulé.", False),
    ("7. Pour compléter une autre année, téléchargez son modèle (ou ajoutez des colonnes « AAAA Résultat », "
     "« AAAA Dépenses (€) »… avec l'année voulue).", False),
]


def template_file_name(year: int) -> str:
    return f"suivi_{year}.xlsx"


def write_template(plan: Plan, year: int, previous=None) -> bytes:
    """The follow-up workbook for `year`: every indicator and action pre-filled, inputs unlocked.

    `previous` (a store.Suivi) fills `Rappel <year-1>` and the values already imported for `year`,
    unless it holds the demonstration data (then the template is blank).
    Raises ValueError (French) when `year` is outside the plan's period.
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
    ro_fill = PatternFill("solid", fgColor=_FILL_RO)
    head_font = Font(bold=True, color="FFFFFF")
    unlocked = Protection(locked=False)
    wrap = Alignment(wrap_text=True, vertical="top")

    ind_prev, ind_now, st_now, real_now = _previous_values(previous, year, prev_year)
    titles = dict(zip(plan.actions["action_id"].astype(int), plan.actions["titre"].fillna(""), strict=True))

    wb = Workbook()
    help_ws = wb.active
    help_ws.title = SHEET_HELP
    for i, (text, bold) in enumerate(HELP_LINES, start=1):
        c = xlsx.put(help_ws, i, 1, text.format(year=year, prev=prev_year))
        c.font = Font(bold=bold, size=13 if bold else 11)
        c.alignment = Alignment(wrap_text=True, vertical="top")
    help_ws.column_dimensions["A"].width = 120
    xlsx.put(help_ws, len(HELP_LINES) + 2, 1, f"Statuts possibles : {' / '.join(STATUTS)}.")
    xlsx.put(help_ws, len(HELP_LINES) + 3, 1, f"Plan {lo}-{hi} · modèle généré le {date.today():%d/%m/%Y}.")

    def header(ws, headers, inputs, widths):
        for j, (h, w) in enumerate(zip(headers, widths, strict=True), start=1):
            c = xlsx.put(ws, 1, j, h)
            c.font = head_font
            c.fill = PatternFill("solid", fgColor=_FILL_HEAD_INPUT if h in inputs else _FILL_HEAD)
            c.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
            ws.column_dimensions[get_column_letter(j)].width = w
        ws.row_dimensions[1].height = 32

    def put_row(ws, i, row, headers, inputs):
        """Write one data row: input cells unlocked, read-only cells shaded; the cells, in order."""
        cells = []
        for j, v in enumerate(row, start=1):
            c = xlsx.put(ws, i, j, v)  # imported text (comments, sources) stays text
            if headers[j - 1] in inputs:
                c.protection = unlocked
            else:
                c.fill = ro_fill
            cells.append(c)
        return cells

    def protect(ws):
        ws.protection.sheet = True
        ws.protection.formatColumns = False  # staff may still widen columns and rows
        ws.protection.formatRows = False
        ws.protection.formatCells = False

    def error_dv(kind, message, **kw):
        dv = DataValidation(type=kind, allow_blank=True, showErrorMessage=True, errorStyle="stop",
                            errorTitle="Valeur non valide", error=message, **kw)
        return dv

    # --- Indicateurs ---------------------------------------------------------------------------
    ws = wb.create_sheet(SHEET_IND)
    res_h, obj_h, rap_h = f"{year} Résultat", f"{year} Objectif", f"Rappel {prev_year}"
    headers = ["Identifiant", "N° action", "Action", "Indicateur", "Unité", rap_h, res_h, obj_h, "Commentaire", "Source"]
    inputs = {res_h, obj_h, "Commentaire", "Source"}
    header(ws, headers, inputs, [12, 10, 40, 50, 10, 14, 16, 16, 40, 30])
    dvs = {
        "nombre": error_dv("decimal", "Saisissez un nombre positif ou nul (ex. 1234,5), ou laissez vide.",
                           operator="greaterThanOrEqual", formula1="0"),
        "€": error_dv("decimal", "Saisissez un montant en euros positif ou nul (ex. 12000), ou laissez vide.",
                      operator="greaterThanOrEqual", formula1="0"),
        "%": error_dv("decimal", "Saisissez un pourcentage entre 0 et 100 (ex. 45), ou laissez vide.",
                      operator="between", formula1="0", formula2="100"),
        "oui/non": error_dv("list", "Choisissez « oui », « non » ou « x » (pour oui) dans la liste, ou laissez vide.",
                            formula1='"oui,non,x"'),
        "date": error_dv("date", "Saisissez une date au format JJ/MM/AAAA, ou laissez vide.",
                         operator="between", formula1=_DATE_MIN, formula2=_DATE_MAX),
    }
    for dv in dvs.values():
        ws.add_data_validation(dv)
    ind = plan.indicateurs.sort_values(["action_id", "indicateur_id"], key=_natural_key)
    for i, r in enumerate(ind.itertuples(index=False), start=2):
        ident, unite = str(r.indicateur_id), str(r.unite)
        rap = ind_prev.get(ident, {})
        now = ind_now.get(ident, {})
        row = [ident, int(r.action_id), titles.get(int(r.action_id), ""), r.indicateur, unite,
               _cell_value(rap, "resultat", unite), _cell_value(now, "resultat", unite),
               _cell_value(now, "objectif", unite), now.get("commentaire"), now.get("source")]
        for j, c in enumerate(put_row(ws, i, row, headers, inputs), start=1):
            if j in (6, 7, 8):
                c.number_format = _NUMBER_FORMATS.get(unite, "General")
            elif j in (3, 4, 9):
                c.alignment = wrap
        for j in (7, 8):
            dvs.get(unite, dvs["nombre"]).add(f"{get_column_letter(j)}{i}")
    ws.freeze_panes = "B2"
    protect(ws)

    # --- Avancement ----------------------------------------------------------------------------
    ws = wb.create_sheet(SHEET_AV)
    dep_h, etp_h = f"{year} Dépenses (€)", f"{year} ETP"
    headers = ["N° action", "Action", "Statut", "Début réel", "Fin réelle", "Fin révisée", dep_h, etp_h, "Commentaire"]
    inputs = set(headers) - {"N° action", "Action"}
    header(ws, headers, inputs, [10, 50, 16, 13, 13, 13, 16, 10, 40])
    dv_statut = DataValidation(type="list", formula1='"' + ",".join(STATUTS) + '"', allow_blank=True,
                               showErrorMessage=True, errorTitle="Statut non valide",
                               error="Choisissez le statut dans la liste : " + " / ".join(STATUTS) + ".",
                               showInputMessage=True, promptTitle="Statut", prompt="Choisissez dans la liste.")
    dv_date = error_dv("date", "Saisissez une date au format JJ/MM/AAAA, ou laissez vide.",
                       operator="between", formula1=_DATE_MIN, formula2=_DATE_MAX)
    dv_dep = error_dv("decimal", "Saisissez un montant en euros positif ou nul (ex. 12000), ou laissez vide.",
                      operator="greaterThanOrEqual", formula1="0")
    dv_etp = error_dv("decimal", "Saisissez un nombre d'ETP positif ou nul (ex. 0,5), ou laissez vide.",
                      operator="between", formula1="0", formula2="1000")
    for dv in (dv_statut, dv_date, dv_dep, dv_etp):
        ws.add_data_validation(dv)
    actions = sorted(titles)
    for i, aid in enumerate(actions, start=2):
        s = st_now.get(aid, {})
        rl = real_now.get(aid, {})
        row = [aid, titles[aid] or f"Action {aid}", s.get("statut"), _py_date(s.get("debut_reel")),
               _py_date(s.get("fin_reelle")), _py_date(s.get("fin_revisee")), rl.get("depenses"), rl.get("etp"),
               s.get("commentaire") if s.get("annee") == year else None]
        for j, c in enumerate(put_row(ws, i, row, headers, inputs), start=1):
            if j in (4, 5, 6):
                c.number_format = "DD/MM/YYYY"
            elif j == 7:
                c.number_format = 'General" €"'
            elif j in (2, 9):
                c.alignment = wrap
    last = len(actions) + 1
    if last >= 2:
        dv_statut.add(f"C2:C{last}")
        dv_date.add(f"D2:F{last}")
        dv_dep.add(f"G2:G{last}")
        dv_etp.add(f"H2:H{last}")
    ws.freeze_panes = "C2"
    protect(ws)

    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _natural_key(s: pd.Series) -> pd.Series:
    if s.name == "indicateur_id":
        return s.astype(str).str.extract(r"(\d+)$")[0].fillna("0").astype(int)
    return s


def _py_date(v):
    return None if v is None or pd.isna(v) else pd.Timestamp(v).date()


def _cell_value(rec: dict, f: str, unite: str):
    """A stored value as the template shows it in a cell of an indicator of unit `unite`."""
    if unite == "date":
        return _py_date(rec.get(f"date_{f}"))
    v = rec.get(f)
    if v is None or pd.isna(v):
        return None
    if unite == "oui/non":
        return "oui" if v >= 0.5 else "non"
    return float(v)


def _previous_values(previous, year: int, prev_year: int):
    """From a Suivi: indicator values of prev_year and year, status and spending of year, per key."""
    ind_prev, ind_now, st_now, real_now = {}, {}, {}, {}
    if previous is None or previous.empty:
        return ind_prev, ind_now, st_now, real_now
    for r in previous.indicateurs.to_dict("records"):
        target = ind_prev if r["annee"] == prev_year else ind_now if r["annee"] == year else None
        if target is not None:
            target[str(r["indicateur_id"])] = {k: (None if not isinstance(v, str) and pd.isna(v) else v)
                                               for k, v in r.items()}
    for r in previous.statuts.to_dict("records"):
        if int(r["annee"]) <= year:
            st_now[int(r["action_id"])] = {k: (None if not isinstance(v, str) and pd.isna(v) else v)
                                           for k, v in r.items()}
    for r in previous.realise.to_dict("records"):
        if r["annee"] == year:
            real_now[int(r["action_id"])] = {k: (None if pd.isna(v) else v) for k, v in r.items()}
    return ind_prev, ind_now, st_now, real_now
