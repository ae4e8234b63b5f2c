"""Builders shared by the presentation tests: a small hand-made plan (three actions, two axes, a
budget in every periodicity, ETP, a calendar, indicators) and French figures written plainly."""

from __future__ import annotations

import re

import pandas as pd

from dashboard.plan import Plan

NA = pd.NA
NNBSP = "\u202f"  # Babel's thousands separator in fr_FR


def fr(text: str) -> str:
    """A French-formatted figure written with plain spaces in the tests: thousands are narrow spaces."""
    return re.sub(r"(?<=\d) (?=\d{3})", NNBSP, text)


def typed_frame(rows, columns, ints=(), floats=(), dates=()):
    df = pd.DataFrame(rows, columns=columns)
    for c in ints:
        df[c] = df[c].astype("Int64")
    for c in floats:
        df[c] = df[c].astype(float)
    for c in dates:
        df[c] = pd.to_datetime(df[c])
    return df


def small_plan() -> Plan:
    """Three actions, two axes: a budget in every periodicity, ETP, a calendar, indicators."""
    actions = typed_frame([
        (4, 1, "1.1", "Créer des parcours numériques", "Des parcours en réalité augmentée", "Valoriser le patrimoine",
         "", "Population locale, excursionnistes et touristes", "Communes de l'agglomération, CDT 32",
         "Office de tourisme", "2024", "+ 50 000 € par parcours", "Nombre de parcours", "chiffré"),
        (11, 1, "1.3", "Gérer de l'aire de camping-cars de l'île Saint-Martin",
         "Assurer l'accueil de camping-caristes toute l'année", "Favoriser l'allongement des séjours", "",
         "Touristes (camping-caristes)", "Service technique de l'agglomération pour l'entretien de l'aire",
         "Office de tourisme", "Annuel", "20 000 € par an de frais de fonctionnement et d'entretien",
         "Nombre de nuitées, taux d'occupation Chiffre d'affaire de l'aire", "chiffré"),
        (30, 3, "", "Former les agents à l'écoute client", "Des formations Qualité", "Améliorer l'accueil",
         "", "Agents de l'office de tourisme", "", "Office de tourisme / Agglomération", "à définir",
         "A budget constant", "", "à budget constant"),
    ], ["action_id", "axe", "enjeu", "titre", "presentation", "objectifs", "conditions", "publics", "partenaires",
        "maitrise_ouvrage", "calendrier", "budget_previsionnel", "indicateurs", "categorie_budget"],
        ints=("action_id", "axe"))
    budget = typed_frame([
        (4, "Parcours", 50000, 50000, "par unité", "parcours", float("nan"), NA, NA, "Office de tourisme",
         "+ 50 000 € par parcours", ""),
        (4, "Étude", 5000, 10000, "unique", "", float("nan"), 2024, NA, "Office de tourisme", "5 à 10 000 €", ""),
        (11, "Fonctionnement", 20000, 20000, "annuel", "", float("nan"), NA, NA, "Office de tourisme",
         "20 000 € par an de frais de fonctionnement et d'entretien", "Frais courants"),
        (11, "Animation", 1000, 3000, "annuel", "", float("nan"), 2025, 2026, "Ville d'Auch", "1 à 3 000 €", ""),
    ], ["action_id", "poste", "montant_min", "montant_max", "periodicite", "unite", "quantite", "annee_debut",
        "annee_fin", "porteur", "extrait", "note"],
        ints=("action_id", "annee_debut", "annee_fin"), floats=("montant_min", "montant_max", "quantite"))
    etp = typed_frame([
        (11, "Accueil", 0.5, NA, NA, "0,5 ETP accueil", ""),
        (11, "Direction", 0.1, NA, NA, "0,1 ETP de direction", ""),
        (30, "Direction", 0.25, 2024, 2025, "0,25 ETP", ""),
    ], ["action_id", "service", "etp", "annee_debut", "annee_fin", "extrait", "note"],
        ints=("action_id", "annee_debut", "annee_fin"), floats=("etp",))
    calendrier = typed_frame([
        (11, "Gestion de l'aire", "2023-01-01", "2028-12-31", "annuelle", "année", "Annuel"),
        (4, "Premier parcours", "2024-03-01", "2024-06-30", "aucune", "saison", "Printemps 2024"),
    ], ["action_id", "jalon", "debut_prevu", "fin_prevue", "recurrence", "precision", "extrait"],
        ints=("action_id",), dates=("debut_prevu", "fin_prevue"))
    indicateurs = typed_frame([
        ("A11-1", 11, "Nombre de nuitées", "quantitatif", "nombre", "hausse", "Nombre de nuitées"),
        ("A11-2", 11, "Taux d'occupation", "quantitatif", "%", "hausse", "taux d'occupation"),
        ("A11-3", 11, "Chiffre d'affaires de l'aire", "quantitatif", "€", "hausse", "Chiffre d'affaire de l'aire"),
        ("A4-1", 4, "Nombre de parcours", "quantitatif", "nombre", "hausse", "Nombre de parcours"),
    ], ["indicateur_id", "action_id", "indicateur", "type", "unite", "sens", "extrait"], ints=("action_id",))
    return Plan(
        axes=typed_frame([(1, "Médiation"), (3, "Services aux visiteurs")], ["axe", "libelle"], ints=("axe",)),
        enjeux=typed_frame([("1.1", 1, "Diversifier la médiation"), ("1.3", 1, "Gérer les équipements")],
                      ["enjeu", "axe", "libelle"], ints=("axe",)),
        actions=actions, budget=budget, etp=etp, calendrier=calendrier, indicateurs=indicateurs,
        hypotheses=typed_frame([("Quantité : parcours", float("nan"), 4, "Nombre de parcours")],
                          ["parametre", "valeur", "action_id", "explication"], ints=("action_id",)),
        capacite=typed_frame([], ["service", "annee", "etp_disponibles"]),
        periode=(2023, 2028),
    )
