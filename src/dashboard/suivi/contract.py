"""The follow-up workbook's contract (DESIGN.md, `suivi_<année>.xlsx`): its sheets, the statuses an
action may have, the fixed columns of each sheet and the store keys they map to, the columns labelled
with a year. Shared by the template writer (`template`), the reader (`followup`) and its checks.
"""

import re

SHEET_HELP = "Mode d'emploi"
SHEET_IND = "Indicateurs"
SHEET_AV = "Avancement"
SHEET_STAMP = "Tampon"  # hidden: the template's stamp (never imported as values)
STATUTS = ("Non démarrée", "En cours", "Réalisée", "Reportée", "Abandonnée")

# Fixed headers (French, as in DESIGN.md) -> keys.
IND_FIXED = {"Identifiant": "indicateur_id", "N° action": "action_id", "Action": "action",
             "Indicateur": "indicateur", "Unité": "unite", "Commentaire": "commentaire", "Source": "source",
             "Axe": "axe", "Porteur": "porteur"}
AV_FIXED = {"N° action": "action_id", "Action": "action", "Statut": "statut", "Début réel": "debut_reel",
            "Fin réelle": "fin_reelle", "Fin révisée": "fin_revisee", "Commentaire": "commentaire",
            "Axe": "axe", "Porteur": "porteur"}
# read-only: written by the template to help find one's rows, never imported
READ_ONLY = {"N° action", "Action", "Indicateur", "Unité", "Axe", "Porteur"}

# The word that, typed in an input cell, removes the stored value of that cell (any case).
CLEAR_WORD = "effacer"

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
