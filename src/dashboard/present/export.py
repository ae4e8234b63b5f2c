"""Tables as users read them: French headers, French-formatted numbers on screen, and the same
tables as formatted Excel files (real numbers, euro/decimal formats, frozen header row)."""

from __future__ import annotations

import io
from dataclasses import dataclass

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from dashboard import fmt, xlsx
from dashboard.present import textes

# key -> (French header, kind); kind: euro, etp, pct, int, annee, text
COLUMNS: dict[str, tuple[str, str]] = {
    "axe": ("Axe", "int"),
    "libelle": ("Libellé", "text"),
    "enjeu": ("Enjeu", "text"),
    "action_id": ("N° action", "int"),
    "titre": ("Action", "text"),
    "porteur": ("Porteur", "text"),
    "poste": ("Poste", "text"),
    "unique_min": ("Ponctuel min (€)", "euro"),
    "unique_max": ("Ponctuel max (€)", "euro"),
    "annuel_min": ("Annuel min (€ par an)", "euro"),
    "annuel_max": ("Annuel max (€ par an)", "euro"),
    "par_unite_min": ("Par unité chiffré min (€)", "euro"),
    "par_unite_max": ("Par unité chiffré max (€)", "euro"),
    "periode_min": ("Total période min (€)", "euro"),
    "periode_max": ("Total période max (€)", "euro"),
    "lignes_non_comptees": ("Lignes hors totaux", "int"),
    "montant_min": ("Montant min (€)", "euro"),
    "montant_max": ("Montant max (€)", "euro"),
    "total_min": ("Total min (€)", "euro"),
    "total_max": ("Total max (€)", "euro"),
    "periodicite": ("Périodicité", "text"),
    "unite": ("Unité", "text"),
    "quantite": ("Quantité", "decimal"),
    "annee": ("Année", "annee"),
    "annee_debut": ("Année début", "annee"),
    "annee_fin": ("Année fin", "annee"),
    "raison": ("Raison", "text"),
    "motif": ("Ce qui n'est pas compté", "text"),
    "categorie_budget": ("Catégorie budget", "text"),
    "budget_previsionnel": ("Budget prévisionnel (texte du plan)", "text"),
    "extrait": ("Extrait du plan", "text"),
    "note": ("Note", "text"),
    "actions": ("Actions", "int"),
    "indicateurs": ("Indicateurs", "int"),
    "etp": ("ETP", "etp"),
    "part": ("Part des ETP (%)", "pct"),
    "service": ("Service", "text"),
    "alloue": ("ETP alloués", "etp"),
    "disponible": ("ETP disponibles", "etp"),
    "ecart": ("Marge (ETP)", "etp"),
    "statut": ("Situation", "text"),
    "prevu_min": ("Prévu min (€)", "euro"),
    "prevu_max": ("Prévu max (€)", "euro"),
    "prevu": ("Prévu (ETP)", "etp"),
    "realise": ("Réalisé", "euro"),
    "parametre": ("Paramètre", "text"),
    "valeur": ("Valeur", "decimal"),
    "explication": ("Explication", "text"),
}

# Excel number formats (written with Excel's own separators; Excel shows them in the reader's locale:
# 15 680,50 € in French). A percentage is stored as a fraction (0,45) under a % format: 45,0 %.
EXCEL_FORMATS = {"euro": '#,##0 "€"', "etp": '#,##0.00 "ETP"', "pct": "0.0 %", "int": "0", "annee": "0",
                 "decimal": "#,##0.00"}
EURO_CENTS = '#,##0.00 "€"'  # an amount with cents keeps them: 15 680,50 €, never 15 680 €
NUMBER_WHOLE, NUMBER_DECIMALS = "#,##0", "#,##0.0#"
DATE_FORMAT = "dd/mm/yyyy"


def excel_value(value, kind: str):
    """(the value to write, its number format or None) for one cell of kind `kind`: numbers stay
    numbers, at full precision, a percentage as a fraction; everything else is text."""
    if fmt.missing(value):
        return None, EXCEL_FORMATS.get(kind)
    if kind == "euro":
        v = float(value)
        return v, EXCEL_FORMATS["euro"] if round(v, 2).is_integer() else EURO_CENTS
    if kind == "pct":
        return float(value) / 100, EXCEL_FORMATS["pct"]
    if kind in ("etp", "decimal"):
        return float(value), EXCEL_FORMATS[kind]
    if kind in ("int", "annee"):
        return int(value), EXCEL_FORMATS[kind]
    return str(value), None


def unit_value(value, unite: str, date=None):
    """(value, number format) of an indicator's value in its unit: € and % as numbers with their
    format, `oui` / `non` as text, a `date` indicator as a date, a count as a number."""
    if unite == "date" and date is not None and not fmt.missing(date):
        return pd.Timestamp(date).to_pydatetime(), DATE_FORMAT
    if fmt.missing(value):
        return None, None
    if unite in ("oui/non", "date"):
        return ("oui" if float(value) >= 1 else "non"), None
    if unite == "€":
        return excel_value(value, "euro")
    if unite == "%":
        return excel_value(value, "pct")
    v = float(value)
    return v, NUMBER_WHOLE if v.is_integer() else NUMBER_DECIMALS
LONG_TEXT = 60  # characters: wider columns wrap


def spec_for(df: pd.DataFrame, overrides: dict[str, tuple[str, str]] | None = None) -> dict[str, tuple[str, str]]:
    """Header and kind of each column of df (unknown keys keep their name, as text)."""
    spec = {**COLUMNS, **(overrides or {})}
    return {c: spec.get(c, (str(c), "text")) for c in df.columns}


def _cell_text(value, kind: str) -> str:
    if kind == "euro":
        return fmt.euros(value)
    if kind == "etp":
        return fmt.nombre(value, 2)
    if kind == "pct":
        return fmt.pct(value, 1)
    if kind in ("int", "annee"):
        return "—" if fmt.missing(value) else (str(int(value)) if kind == "annee" else fmt.nombre(value))
    if kind == "decimal":
        return fmt.nombre(value, 2)
    return "" if fmt.missing(value) else str(value)


def for_display(df: pd.DataFrame, overrides: dict[str, tuple[str, str]] | None = None,
                ranges: dict[str, tuple[str, str]] | None = None) -> pd.DataFrame:
    """The table as text for st.dataframe: French headers, `1 234 €`, `0,5`.

    ranges: {new header: (min key, max key)} replaces a min/max pair by one
    `5 000 – 10 000 €` column, where the min column was (never an average).
    """
    spec = spec_for(df, overrides)
    out = pd.DataFrame(index=df.index)
    consumed = {k for lo, hi, *_ in (ranges or {}).values() for k in (lo, hi)}
    range_at = {lo: (label, lo, hi) for label, (lo, hi, *_) in (ranges or {}).items()}
    for c in df.columns:
        if c in range_at:
            label, lo, hi = range_at[c]
            out[label] = [fmt.fourchette(a, b) for a, b in zip(df[lo], df[hi], strict=True)]
        if c in consumed:
            continue
        label, kind = spec[c]
        out[label] = [_cell_text(v, kind) for v in df[c]]
    return out.reset_index(drop=True)


def to_excel(df: pd.DataFrame, sheet: str = "Tableau", overrides: dict[str, tuple[str, str]] | None = None,
             title: str | None = None) -> bytes:
    """A formatted .xlsx of df: French headers, euro/decimal formats, frozen header, sized columns.

    Numbers stay numbers (the reader can sum them); `title`, if given, goes in the sheet's
    document properties, not above the header, so the header stays on row 1.
    """
    spec = spec_for(df, overrides)
    wb = Workbook()
    ws = wb.active
    ws.title = sheet[:31]
    if title:
        wb.properties.title = title
    header_font = Font(bold=True, color="FFFFFF")
    header_fill = PatternFill("solid", fgColor="0072B2")
    for j, c in enumerate(df.columns, start=1):
        cell = xlsx.put(ws, 1, j, spec[c][0])
        cell.font, cell.fill = header_font, header_fill
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for i, row in enumerate(df.itertuples(index=False), start=2):
        for j, (c, v) in enumerate(zip(df.columns, row, strict=True), start=1):
            kind = spec[c][1]
            if isinstance(v, tuple):  # (value, number format) already typed (an indicator in its unit)
                v, number_format = v
            else:
                v, number_format = excel_value(v, kind)
            cell = xlsx.put(ws, i, j, v)  # text stays text, even "=..."
            if number_format:
                cell.number_format = number_format
            elif isinstance(v, str) and len(v) > LONG_TEXT:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
    for j, c in enumerate(df.columns, start=1):
        label, kind = spec[c]
        values = [_cell_text(v[0] if isinstance(v, tuple) else v, kind) for v in df[c]]
        width = max([len(label), *(len(v) for v in values)] or [10]) + 2
        ws.column_dimensions[get_column_letter(j)].width = min(max(width, 8), LONG_TEXT)
    ws.freeze_panes = "A2"
    if len(df.columns):
        ws.auto_filter.ref = f"A1:{get_column_letter(len(df.columns))}{len(df) + 1}"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class Table:
    """A table twice: real values (for Excel) and French text (for the screen), built once."""

    data: pd.DataFrame
    shown: pd.DataFrame
    overrides: dict | None = None

    def excel(self, title: str | None = None) -> bytes:
        return to_excel(self.data, overrides=self.overrides, title=title)


def table(df: pd.DataFrame, overrides: dict[str, tuple[str, str]] | None = None,
          ranges: dict[str, tuple[str, str]] | None = None) -> Table:
    """Format df once for screen and Excel (see for_display for `ranges`)."""
    return Table(df, for_display(df, overrides=overrides, ranges=ranges), overrides)


INDICATEURS_SPEC = {
    "action_id": ("N° action", "int"), "indicateur_id": ("Identifiant", "text"), "indicateur": ("Indicateur", "text"),
    "unite": ("Unité", "text"), "valeur": ("Dernière valeur", "text"), "annee_valeur": ("Année", "annee"),
    "evolution": ("Évolution sur un an", "text"), "appreciation": ("Appréciation", "text"),
    "objectif": ("Objectif (même année)", "text"), "commentaire": ("Commentaire", "text"),
    "source": ("Source", "text"), "renseigne": ("Renseigné par", "text"),
}


def indicateurs_texte(t: pd.DataFrame) -> pd.DataFrame:
    """metrics.tableau_indicateurs as read: each value, change and objective written in its unit
    (`45 %`, `12 000 €`, `oui`, `31/12/2025`, `▲ +18 (+4,9 %)`); the page and the Excel file share it."""
    return pd.DataFrame({
        "action_id": t["action_id"].astype(int),
        "indicateur_id": t["indicateur_id"],
        "indicateur": t["indicateur"],
        "unite": t["unite"],
        "valeur": [textes.indicateur_texte(v, u, d) for v, u, d in
                   zip(t["derniere_valeur"], t["unite"], t["date_valeur"], strict=True)],
        "annee_valeur": t["annee_valeur"],
        "evolution": [textes.variation_texte(v, p, u) for v, p, u in
                      zip(t["variation"], t["variation_pct"], t["unite"], strict=True)],
        "appreciation": t["appreciation"],
        "objectif": [textes.indicateur_texte(v, u) for v, u in zip(t["objectif"], t["unite"], strict=True)],
        "renseigne": [textes.renseigne_texte(p, d) for p, d in zip(
            t.get("renseigne_par", pd.Series(None, index=t.index)), t.get("renseigne_le", pd.Series(None, index=t.index)),
            strict=True)],
    })


def indicateurs_excel(table: pd.DataFrame) -> bytes:
    """The « Tous les indicateurs » table (metrics.tableau_indicateurs) as an Excel file.

    Values and objectives are numbers in their unit's format (45 % as 0,45 under a % format, 12 000 €,
    a count as a number, a date as a date, `oui` / `non` as text), so that a column can be sorted and
    a year's values summed; the change stays the text the page shows (`▲ +18 (+4,9 %)`). Comments and
    sources are the imported text, as typed (never a formula).
    """
    df = indicateurs_texte(table)
    df["valeur"] = [unit_value(v, u, d) for v, u, d in
                    zip(table["derniere_valeur"], table["unite"], table["date_valeur"], strict=True)]
    df["objectif"] = [unit_value(v, u) for v, u in zip(table["objectif"], table["unite"], strict=True)]
    who = df.pop("renseigne")
    df["commentaire"] = table["commentaire"] if "commentaire" in table else None
    df["source"] = table["source"] if "source" in table else None
    df["renseigne"] = who  # who provided each value, and when
    return to_excel(df, sheet="Indicateurs", overrides=INDICATEURS_SPEC, title="Indicateurs de suivi")
