"""The plan workbook's schema: French headers ↔ snake_case keys, allowed values, the frozen Plan.

The workbook contract is in docs/contrats.md. This module is the one place where French headers
are mapped to column keys; every other module speaks keys. It reads no file and validates
nothing (see load.py and validate.py): it only describes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

import pandas as pd

from dashboard import fmt

# sheet -> {French header: key}; the order is the workbook's column order.
SHEETS: dict[str, dict[str, str]] = {
    "Axes": {"Axe": "axe", "Libellé": "libelle"},
    "Enjeux": {"Enjeu": "enjeu", "Axe": "axe", "Libellé": "libelle"},
    "Actions": {
        "N° action": "action_id",
        "Axe": "axe",
        "Enjeu": "enjeu",
        "Titre": "titre",
        "Présentation": "presentation",
        "Objectifs": "objectifs",
        "Conditions de mise en œuvre": "conditions",
        "Publics cibles": "publics",
        "Partenaires": "partenaires",
        "Maîtrise d'ouvrage": "maitrise_ouvrage",
        "Calendrier": "calendrier",
        "Budget prévisionnel": "budget_previsionnel",
        "Indicateurs": "indicateurs",
        "Catégorie budget": "categorie_budget",
    },
    "Budget": {
        "N° action": "action_id",
        "Poste": "poste",
        "Montant min (€)": "montant_min",
        "Montant max (€)": "montant_max",
        "Périodicité": "periodicite",
        "Unité": "unite",
        "Quantité": "quantite",
        "Année début": "annee_debut",
        "Année fin": "annee_fin",
        "Porteur": "porteur",
        "Extrait du plan": "extrait",
        "Note": "note",
    },
    "ETP": {
        "N° action": "action_id",
        "Service": "service",
        "ETP": "etp",
        "Année début": "annee_debut",
        "Année fin": "annee_fin",
        "Extrait du plan": "extrait",
        "Note": "note",
    },
    "Calendrier": {
        "N° action": "action_id",
        "Jalon": "jalon",
        "Début prévu": "debut_prevu",
        "Fin prévue": "fin_prevue",
        "Récurrence": "recurrence",
        "Précision": "precision",
        "Extrait du plan": "extrait",
    },
    "Indicateurs": {
        "Identifiant": "indicateur_id",
        "N° action": "action_id",
        "Indicateur": "indicateur",
        "Type": "type",
        "Unité": "unite",
        "Sens": "sens",
        "Extrait du plan": "extrait",
    },
    "Hypothèses": {
        "Paramètre": "parametre",
        "Valeur": "valeur",
        "N° action": "action_id",
        "Explication": "explication",
    },
    "Capacité": {"Service": "service", "Année": "annee", "ETP disponibles": "etp_disponibles"},
}
README_SHEET = "Lisez-moi"

# Attribute of Plan for each sheet.
ATTRS = {
    "Axes": "axes",
    "Enjeux": "enjeux",
    "Actions": "actions",
    "Budget": "budget",
    "ETP": "etp",
    "Calendrier": "calendrier",
    "Indicateurs": "indicateurs",
    "Hypothèses": "hypotheses",
    "Capacité": "capacite",
}

CATEGORIES = ("chiffré", "ressources internes", "à budget constant", "à définir", "non renseigné")
PERIODICITES = ("unique", "annuel", "par unité")
RECURRENCES = ("aucune", "annuelle", "estivale", "continue")
PRECISIONS = ("jour", "mois", "trimestre", "saison", "année", "à définir")
TYPES_INDICATEUR = ("quantitatif", "jalon")
UNITES_INDICATEUR = ("nombre", "€", "%", "oui/non", "date")
SENS = ("hausse", "baisse", "atteinte")

# Hypothèses: a Paramètre is one of these two forms (see the Lisez-moi sheet).
#   "Quantité : <unité>"  sets the quantity of the action's `par unité` lines in that unit;
#   "Part : <porteur>"    (a percentage) is the share of the action's budget borne by that porteur.
HYPOTHESE_RE = re.compile(r"^\s*(Quantité|Part)\s*:\s*(.+?)\s*$")

# Porteurs (maîtrise d'ouvrage) recognised in the plan's free text, for grouping and filters.
# A text that matches none of them stays its own porteur, verbatim.
PORTEURS: tuple[tuple[str, str], ...] = (
    (r"pays d.art et d.histoire", "Service Pays d'art et d'histoire (agglomération)"),
    (r"office de tourisme", "Office de tourisme"),
    (r"communes de l.agglom[ée]ration|communes", "Communes"),
    (r"communaut[ée] d.agglom[ée]ration|agglom[ée]ration", "Communauté d'agglomération"),
    (r"ville d.auch", "Ville d'Auch"),
    (r"conseil d[ée]partemental", "Conseil départemental"),
    (r"\bCDT\b", "CDT du Gers"),
    (r"castéra-verduzan", "Ville de Castéra-Verduzan"),
    (r"lavardens", "Mairie de Lavardens"),
)


class PlanError(Exception):
    """The workbook has problems; `problems` lists every one, in French, with where and what to do."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(p.message() for p in problems))


_QUOTED = re.compile(r"«[ \u00a0\u202f](.*?)[ \u00a0\u202f]»", re.DOTALL)
MESSAGE_MAX = 1000  # characters of one problem's text; the longest the app writes is about 400


@dataclass(frozen=True)
class Problem:
    """One problem of a workbook: sheet, Excel row (1-based, header = 1), column, what to do."""

    sheet: str
    row: int | None
    column: str | None
    text: str
    letter: str | None = None  # the column's Excel letter, when known ("G")
    value: str | None = None  # the cell as read, for warnings ("10.050")

    def __post_init__(self):
        # Every echo of a workbook's text (sheet, header, value, and what the message quotes
        # between « ») is capped here, whoever wrote the message: a 6 MB cell, a long sheet name
        # or file name must not make a 6 MB message.
        for name in ("sheet", "column", "value"):
            v = getattr(self, name)
            if isinstance(v, str) and len(v) > fmt.ECHO_MAX:
                object.__setattr__(self, name, fmt.cite(v))
        if len(self.text) > fmt.ECHO_MAX:
            text = _QUOTED.sub(lambda m: m.group(0) if len(m.group(1)) <= fmt.ECHO_MAX
                              else f"« {fmt.cite(m.group(1))} »", self.text)
            if len(text) > MESSAGE_MAX:  # an echo that held « » itself: the whole message is bounded
                text = text[:MESSAGE_MAX] + "…"
            object.__setattr__(self, "text", text)

    def where_column(self) -> str:
        """`G « 2025 Résultat »`, or the header alone when the letter is unknown."""
        if not self.column:
            return ""
        return f"{self.letter} « {self.column} »" if self.letter else self.column

    def where(self) -> str:
        """`Feuille « Budget », ligne 5, colonne C « Montant min (€) »`, or `Fichier « plan.xlsx »`."""
        whole_file = self.row is None and self.column is None and self.sheet not in (*SHEETS, README_SHEET)
        where = f"{'Fichier' if whole_file else 'Feuille'} « {self.sheet} »"
        if self.row is not None:
            where += f", ligne {self.row}"
        if self.column:
            where += f", colonne {self.letter} « {self.column} »" if self.letter else f", colonne « {self.column} »"
        return where

    def message(self) -> str:
        return f"{self.where()} : {self.text}"


@dataclass(frozen=True)
class Plan:
    """The plan as DataFrames keyed by snake_case columns; `periode` is (first year, last year)."""

    axes: pd.DataFrame
    enjeux: pd.DataFrame
    actions: pd.DataFrame
    budget: pd.DataFrame
    etp: pd.DataFrame
    calendrier: pd.DataFrame
    indicateurs: pd.DataFrame
    hypotheses: pd.DataFrame
    capacite: pd.DataFrame
    periode: tuple[int, int]
    source: str = ""
    lisez_moi: pd.DataFrame = field(default_factory=pd.DataFrame)
    version: str = ""  # a version kept in the store ("version 3 · sha256"); empty for a file read from disk

    @property
    def annees(self) -> list[int]:
        return list(range(self.periode[0], self.periode[1] + 1))

    def with_frames(self, **frames: pd.DataFrame) -> Plan:
        """A copy with some frames replaced (filters, hypotheses)."""
        return replace(self, **frames)


def porteurs_of(text: str | None) -> list[str]:
    """The porteurs named in a maîtrise d'ouvrage text, in PORTEURS order; the text itself if none."""
    if not isinstance(text, str) or not text.strip():
        return ["Non renseigné"]
    rest, found = text, []
    for pattern, name in PORTEURS:
        # a matched name is removed, so "Service Pays d'art et d'histoire de la communauté
        # d'agglomération" counts once, as the service
        span = pattern + (r"( de la communaut[ée] d.agglom[ée]ration)?" if "pays" in pattern else "")
        if re.search(span, rest, re.IGNORECASE):
            found.append(name)
            rest = re.sub(span, " ", rest, flags=re.IGNORECASE)
    return found or [text.strip()]


def porteurs_by_action(plan: Plan) -> dict[int, tuple[str, ...]]:
    """Each action's porteurs: those of its maîtrise d'ouvrage, then those its budget lines name."""
    texts = plan.actions.get("maitrise_ouvrage", pd.Series(None, index=plan.actions.index, dtype=object))
    out: dict[int, list[str]] = {int(a): list(porteurs_of(t)) for a, t in zip(
        plan.actions["action_id"], texts, strict=True)}
    if "porteur" in plan.budget:
        for a, t in zip(plan.budget["action_id"], plan.budget["porteur"], strict=True):
            if isinstance(t, str) and t.strip() and int(a) in out:
                names = out[int(a)]
                if names == ["Non renseigné"]:
                    names.clear()
                names.extend(p for p in porteurs_of(t) if p not in names)
    return {a: tuple(p) for a, p in out.items()}


def excel_row(index: int) -> int:
    """The Excel row of a DataFrame row read with the header on row 1."""
    return int(index) + 2
