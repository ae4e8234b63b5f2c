"""The follow-up workbook's contract (docs/contrats.md, `suivi_<année>.xlsx`): its sheets, the statuses an
action may have, and each sheet's columns, once: header, store key, input or read-only, width, number
format, validation. The template writer (`template`) lays them out; the reader (`followup`) and its
checks find them by the same specification.
"""

import re
from dataclasses import dataclass

SHEET_HELP = "Mode d'emploi"
SHEET_IND = "Indicateurs"
SHEET_AV = "Avancement"
SHEET_STAMP = "Tampon"  # hidden: the template's stamp (never imported as values)
STATUTS = ("Non démarrée", "En cours", "Réalisée", "Reportée", "Abandonnée")

# The word that, typed in an input cell, removes the stored value of that cell (any case).
CLEAR_WORD = "effacer"

UNIT = "unité"  # a column's format and validation follow each row's indicator unit

# Excel number format of each kind of value (a plan's indicator unit, a date, euros). "General" keeps
# every decimal typed; the literal " %" does not scale (45 shows 45 %).
NUMBER_FORMATS = {"nombre": "General", "€": 'General" €"', "%": 'General" %"', "date": "DD/MM/YYYY",
                  "oui/non": "@"}


@dataclass(frozen=True)
class Column:
    """One column of a follow-up sheet, as the template writes it and the import reads it.

    header: as written on row 1; "{year}" stands for the template's year, "{prev}" for the year before
    (a reminder of last year's value, written to help, never imported). key: the field it holds (the
    store's, for an input). input: unlocked and imported, else greyed, locked. kind: its number
    format (a key of NUMBER_FORMATS, or UNIT).
    validation: the name of its data validation in the writer (UNIT: by the row's unit).
    optional: written after the header, may be left out in an uploaded file (" (€)")."""

    header: str
    key: str
    width: float
    input: bool = False
    wrap: bool = False
    kind: str | None = None
    validation: str | None = None
    optional: str = ""

    @property
    def reminder(self) -> bool:
        """Last year's value, written to help: never imported, whatever the year in its header."""
        return "{prev}" in self.header

    @property
    def dated(self) -> bool:
        """Imported once per year: one such column per year in a file ("2025 Résultat")."""
        return "{year}" in self.header

    def written(self, year: int) -> str:
        """The header of the template of `year`."""
        return (self.header + self.optional).format(year=year, prev=year - 1)

    def pattern(self) -> re.Pattern:
        """How the import recognises a lower-cased header: a dated column with its year captured; a
        reminder by its first word, whatever follows."""
        text = self.header.lower()
        if self.reminder:
            return re.compile(rf"^{re.escape(text.split()[0])}\b")
        optional = f"(?:{re.escape(self.optional.lower())})?" if self.optional else ""
        return re.compile("^" + r"(\d{4})".join(map(re.escape, text.split("{year}"))) + optional + "$")


# Both sheets, column by column, in the template's order.
IND = (
    Column("Identifiant", "indicateur_id", 12),
    Column("N° action", "action_id", 10),
    Column("Action", "action", 40, wrap=True),
    Column("Indicateur", "indicateur", 50, wrap=True),
    Column("Unité", "unite", 10),
    Column("Rappel {prev}", "rappel", 14, kind=UNIT),
    Column("{year} Résultat", "resultat", 16, input=True, kind=UNIT, validation=UNIT),
    Column("{year} Objectif", "objectif", 16, input=True, kind=UNIT, validation=UNIT),
    Column("Commentaire", "commentaire", 40, input=True, wrap=True),
    Column("Source", "source", 30, input=True),
    Column("Axe", "axe", 6),
    Column("Porteur", "porteur", 28, wrap=True),
)
AV = (
    Column("N° action", "action_id", 10),
    Column("Action", "action", 50, wrap=True),
    Column("Statut", "statut", 16, input=True, validation="statut"),
    Column("Début réel", "debut_reel", 13, input=True, kind="date", validation="date"),
    Column("Fin réelle", "fin_reelle", 13, input=True, kind="date", validation="date"),
    Column("Fin révisée", "fin_revisee", 13, input=True, kind="date", validation="date"),
    Column("{year} Dépenses", "depenses", 16, input=True, kind="€", validation="euros", optional=" (€)"),
    Column("{year} ETP", "etp", 10, input=True, validation="etp"),
    Column("Commentaire", "commentaire", 40, input=True, wrap=True),
    Column("Axe", "axe", 6),
    Column("Porteur", "porteur", 28, wrap=True),
)
COLUMNS = {SHEET_IND: IND, SHEET_AV: AV}

# What the import reads from them: fixed headers -> keys; per sheet, each dated key -> its header's
# pattern ("<AAAA> Résultat", "<AAAA> Objectif", "<AAAA> Dépenses (€)", "<AAAA> ETP"); the reminders
# (« Rappel <AAAA> »), skipped without a word.
IND_FIXED = {c.header: c.key for c in IND if not c.dated and not c.reminder}
AV_FIXED = {c.header: c.key for c in AV if not c.dated and not c.reminder}
YEAR_COLUMNS = {sheet: {c.key: c.pattern() for c in cols if c.dated} for sheet, cols in COLUMNS.items()}
RAPPEL_RE = next(c.pattern() for c in IND if c.reminder)


_HEADERS = {sheet: {c.key: c.header for c in cols} for sheet, cols in COLUMNS.items()}


def header_of(sheet: str, key: str) -> str:
    """The header of a sheet's column that holds `key` ("Fin réelle"): the column a problem names."""
    return _HEADERS[sheet][key]


# The report's frames (store keys). Blank cells are NaN / NaT / None: "no value", never zero.
IND_COLUMNS = ["indicateur_id", "annee", "resultat", "objectif", "date_resultat", "date_objectif",
               "commentaire", "source"]
STATUT_COLUMNS = ["action_id", "annee", "statut", "debut_reel", "fin_reelle", "fin_revisee", "commentaire"]
REALISE_COLUMNS = ["action_id", "annee", "depenses", "etp"]
