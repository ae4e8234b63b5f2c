"""Small hand-made plans for the budget / ETP tests (the `small` fixture of conftest.py is one)."""

from __future__ import annotations

import math

import pandas as pd

from dashboard.plan import Plan

NA = pd.NA
NAN = math.nan


def _frame(rows, columns, dtypes):
    df = pd.DataFrame(list(rows), columns=columns)
    return df.astype(dtypes) if len(df) else df.astype(dtypes)


def make_plan(budget=(), etp=(), hypotheses=(), capacite=(), periode=(2023, 2025)) -> Plan:
    """Two axes; actions 1-2 in axe 1 (enjeux 1.1, 1.2), 3-4 in axe 2 (no enjeu); action 4 `à définir`.

    budget rows: (action_id, poste, min, max, periodicite, unite, quantite, debut, fin, porteur)
    etp rows: (action_id, service, etp, debut, fin)
    hypotheses rows: (parametre, valeur, action_id)
    capacite rows: (service, annee, etp_disponibles)
    """
    axes = _frame([(1, "Offre"), (2, "Professionnels")], ["axe", "libelle"], {"axe": "Int64", "libelle": str})
    enjeux = _frame([("1.1", 1, "Médiation"), ("1.2", 1, "Itinérance")], ["enjeu", "axe", "libelle"],
                    {"enjeu": str, "axe": "Int64", "libelle": str})
    actions = pd.DataFrame({
        "action_id": pd.array([1, 2, 3, 4], dtype="Int64"),
        "axe": pd.array([1, 1, 2, 2], dtype="Int64"),
        "enjeu": ["1.1", "1.2", "", ""],
        "titre": ["Signalétique", "Guide", "Promotion", "Récit"],
        "maitrise_ouvrage": ["Communauté d'agglomération", "Conseil Départemental", "Office de tourisme",
                             "Office de tourisme"],
        "budget_previsionnel": ["200 000 €", "20 à 40 000 €", "5 à 10 000 € par an", "A définir"],
        "categorie_budget": ["chiffré", "chiffré", "chiffré", "à définir"],
    })
    for col in ("presentation", "objectifs", "conditions", "publics", "partenaires", "calendrier", "indicateurs"):
        actions[col] = ""
    b = _frame(budget, ["action_id", "poste", "montant_min", "montant_max", "periodicite", "unite", "quantite",
                        "annee_debut", "annee_fin", "porteur"],
               {"action_id": "Int64", "poste": str, "montant_min": float, "montant_max": float, "periodicite": str,
                "unite": str, "quantite": float, "annee_debut": "Int64", "annee_fin": "Int64", "porteur": str})
    b["extrait"] = ""
    b["note"] = ""
    e = _frame(etp, ["action_id", "service", "etp", "annee_debut", "annee_fin"],
               {"action_id": "Int64", "service": str, "etp": float, "annee_debut": "Int64", "annee_fin": "Int64"})
    e["extrait"] = ""
    e["note"] = ""
    h = _frame(hypotheses, ["parametre", "valeur", "action_id"], {"parametre": str, "valeur": float, "action_id": "Int64"})
    h["explication"] = ""
    c = _frame(capacite, ["service", "annee", "etp_disponibles"], {"service": str, "annee": "Int64", "etp_disponibles": float})
    ind = pd.DataFrame({"indicateur_id": ["A1-1", "A3-1", "A3-2"], "action_id": pd.array([1, 3, 3], dtype="Int64"),
                        "indicateur": ["Panneaux posés", "Revue de presse", "Articles"], "type": "quantitatif",
                        "unite": "nombre", "sens": "hausse", "extrait": ""})
    cal = pd.DataFrame(columns=["action_id", "jalon", "debut_prevu", "fin_prevue", "recurrence", "precision", "extrait"])
    return Plan(axes=axes, enjeux=enjeux, actions=actions, budget=b, etp=e, calendrier=cal, indicateurs=ind,
                hypotheses=h, capacite=c, periode=periode, source="test")


# A small plan every budget test starts from (hand-computed expectations in the tests).
BUDGET = [
    (1, "Panneaux", 200_000, 200_000, "unique", "", NAN, 2024, NA, "Communauté d'agglomération"),
    (1, "Formation", 1_500, 1_500, "unique", "", NAN, NA, NA, "Office de tourisme"),
    (2, "Guide", 20_000, 40_000, "unique", "", NAN, 2023, NA, "Conseil départemental"),
    (2, "Entretien", 20_000, 20_000, "annuel", "", NAN, NA, NA, "Office de tourisme"),
    (3, "Promotion", 5_000, 10_000, "annuel", "", NAN, 2024, NA, "Office de tourisme"),
    (3, "Parcours", 50_000, 50_000, "par unité", "parcours", NAN, NA, NA, "Office de tourisme"),
]
HYPOTHESES = [("Quantité : parcours", NAN, 3), ("Part : Office de tourisme", NAN, 2)]
ETP = [
    (1, "Pays d'art et d'histoire", 0.5, NA, NA),
    (2, "Direction", 0.1, NA, NA),
    (2, "Pôle administratif", 0.4, 2024, NA),
    (3, "Direction", 0.2, NA, NA),
]
CAPACITE = [
    ("Direction", 2023, 0.25), ("Direction", 2024, 0.5), ("Direction", 2025, NAN),
    ("Pôle administratif", 2023, 0.3), ("Pôle administratif", 2024, 0.3), ("Pôle administratif", 2025, 0.3),
]


def small_plan() -> Plan:
    return make_plan(BUDGET, ETP, HYPOTHESES, CAPACITE)
