"""Build data/plan_2023_2028.xlsx from the plan's text.

    python scripts/build_plan_workbook.py [--seed ../shared/seed/schema_developpement_touristique_2023-2028.txt] [-o data/plan_2023_2028.xlsx]

The axes, enjeux and the nine fields of every fiche action are read from the plan's text,
verbatim. The normalised rows (Budget, ETP, Calendrier, Indicateurs, Hypothèses) are written
below by hand from the plan's words; each carries its `Extrait du plan`, and this script
refuses to write the workbook if an excerpt is not found word for word in the fiche it
belongs to. Once written, the workbook is the reference the director edits in Excel.
"""

from __future__ import annotations

import argparse
import re
import sys
from datetime import date
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
from dashboard import xlsx  # noqa: E402
from dashboard.plan import SHEETS  # noqa: E402

DEFAULT_SEED = ROOT.parent / "shared" / "seed" / "schema_developpement_touristique_2023-2028.txt"
DEFAULT_OUT = ROOT / "data" / "plan_2023_2028.xlsx"
PERIODE = (2023, 2028)

FIELDS = {
    "Présentation de l'action": "Présentation",
    "Objectifs": "Objectifs",
    "Condition de mise en œuvre": "Conditions de mise en œuvre",
    "Publics cibles": "Publics cibles",
    "Partenaire à mobiliser": "Partenaires",
    "Maitrise d'ouvrage": "Maîtrise d'ouvrage",
    "Calendrier": "Calendrier",
    "Budget prévisionnel": "Budget prévisionnel",
    "Outils de contrôle et indicateurs de résultats": "Indicateurs",
}

# Action 21 has no title in the plan: a short title taken from its enjeu's own words.
TITRES_MANQUANTS = {21: "Refondre la politique de partenariat de l'office de tourisme"}

OT = "Office de tourisme"
AGGLO = "Communauté d'agglomération"

# --- Budget: (action, poste, min, max, périodicité, unité, quantité, début, fin, porteur, extrait, note)
BUDGET = [
    (2, "Signalétique d'interprétation (panneaux RIS)", 200000, 200000, "unique", None, None, 2024, 2025, AGGLO,
     "200 000 €", "Calendrier « A programmer à partir de 2024-2025 » : dépense rattachée à 2024, première année possible."),
    (3, "Frais de formation", 1500, 1500, "unique", None, None, 2023, None, OT,
     "Frais de formation 1 500 €", "Formation des animateurs au premier semestre 2023."),
    (4, "Parcours de médiation numérique", 50000, 50000, "par unité", "parcours", None, None, None,
     "Office de tourisme ou Communauté d'agglomération",
     "+ 50 000 € par parcours", "Nombre de parcours non fixé par le plan : voir la feuille Hypothèses."),
    (9, "Réédition du guide « Gers à Pieds »", 20000, 40000, "unique", None, None, 2023, 2024, "Conseil départemental",
     "20 à 40 000 € dont x % pour l'office de tourisme",
     "Part de l'office de tourisme non fixée (« x % ») : voir la feuille Hypothèses."),
    (10, "Balisage des circuits VAE", 200000, 200000, "unique", None, None, None, None, AGGLO,
     "200 000 €", "Le calendrier du plan indique « 2016-2018 », hors période : année de dépense inconnue."),
    (11, "Frais de fonctionnement et d'entretien", 20000, 20000, "annuel", None, None, None, None, OT,
     "20 000 € par an de frais de fonctionnement et d'entretien", ""),
    (12, "Frais de fonctionnement", 20000, 20000, "annuel", None, None, None, None, OT,
     "20 000 € de frais de fonctionnement",
     "« par an » n'est pas écrit : montant compté chaque année car l'action est annuelle (calendrier « Annuel »)."),
    (13, "Embauche de l'animateur et frais de formation", 5000, 5000, "annuel", None, None, None, None, OT,
     "5 000 € par an pour l'embauche de l'animateur et les frais de formation", ""),
    (14, "Embauche de l'animateur et frais de formation", 5000, 5000, "annuel", None, None, None, None, OT,
     "5 000 € par an pour l'embauche de l'animateur et les frais de formation", ""),
    (17, "Garçon La Note", 20000, 20000, "annuel", None, None, None, None, "Ville d'Auch",
     "Garçon La Note : 20 000 €", "Animation estivale annuelle (calendrier « Annuellement en été »)."),
    (17, "Mardi de l'été", 50000, 50000, "annuel", None, None, None, None, "Ville d'Auch",
     "Mardi de l'été : 50 000 €", "Animation estivale annuelle (calendrier « Annuellement en été »)."),
    (30, "Poste complémentaire : accompagnement à la transition", 50000, 50000, "annuel", None, None, None, None, OT,
     "50 000 € par an",
     "Démarrage subordonné au financement de la mission : compté sur toute la période. "
     "Probablement le même poste que l'action 55 (« 1 ETP mutualisé ») : risque de double compte."),
    (34, "Accueils presse", 5000, 5000, "annuel", None, None, None, None, OT,
     "budget 5000 € par an pour les accueils", ""),
    (35, "Opérations de promotion collectives", 5000, 10000, "annuel", None, None, None, None, OT,
     "5 à 10 000 € par an", ""),
    (55, "Ressources humaines (poste mutualisé avec l'action 30)", 50000, 50000, "annuel", None, None, None, None, OT,
     "+ 50 000 € en ressources humaine (50% dédié à la missions)",
     "« par an » n'est pas écrit : coût annuel d'un poste. Poste mutualisé avec l'action 30 "
     "(50 000 € par an) : risque de double compte."),
]

# --- ETP: (action, service, etp or None when the plan gives no figure, extrait, note)
DIRECTION, ADMIN, COMMERCIAL = "Direction", "Pôle administratif", "Service commercial"
OT_NP = "Office de tourisme (service non précisé)"
PAH = "Service Pays d'art et d'histoire"
MISSION = "Poste transition / RSE (à créer)"
ETP = [
    (1, PAH, None, "ETP du service Pays d'art et d'histoire", "Le plan ne chiffre pas ce temps."),
    (30, MISSION, 0.5, "1 ETP mutualisé avec la mission d'accompagnement à la transition écologique des entreprises",
     "Extrait de l'action 55 : l'autre moitié du poste mutualisé (50 % à la démarche RSE). "
     "Démarrage subordonné au financement."),
    (31, OT_NP, 0.5, "0,5 ETP à l'office de tourisme", ""),
    (32, OT_NP, 0.1, "0,1 ETP", ""),
    (34, OT_NP, None, "Temps dédié", "Le plan ne chiffre pas ce temps."),
    (36, OT_NP, 0.1, "Ressources humaines de l'office 0,1 ETP", ""),
    (37, OT_NP, 1.0, "1 ETP", ""),
    (38, OT_NP, None, "5 à 6 jours par an soit environ 35h par an et par agent",
     "Par agent ; le nombre d'agents concernés n'est pas précisé."),
    (47, COMMERCIAL, None, "Service commercial de l'office", "Le plan ne chiffre pas ce temps."),
    (48, COMMERCIAL, None, "Service commerciale", "Le plan ne chiffre pas ce temps."),
    (49, DIRECTION, 0.1, "0,1 ETP de direction", ""),
    (49, ADMIN, 0.4, "0,4 ETP pôle administratif", ""),
    (50, OT_NP, 0.2, "0,2 ETP", ""),
    (53, OT_NP, 0.2, "0,2 ETP pour l'animation de la démarche", ""),
    (55, MISSION, 0.5, "(50% dédié à la missions)",
     "1 ETP mutualisé avec l'action 30, dont 50 % pour la démarche RSE. Démarrage subordonné au financement."),
]

# --- Calendrier: (action, jalon, début, fin, récurrence, précision, extrait)
P0, P1 = date(PERIODE[0], 1, 1), date(PERIODE[1], 12, 31)
D = date
CALENDRIER = [
    (1, "Au moins une nouvelle visite par an", P0, P1, "annuelle", "année", "1 nouvelle visite par an (minimum) sur la période"),
    (2, "Programmation de la signalétique", D(2024, 1, 1), None, "aucune", "année", "A programmer à partir de 2024-2025"),
    (3, "Formation des animateurs", D(2023, 1, 1), D(2023, 6, 30), "aucune", "trimestre", "Formation des animateurs au premier semestre 2023"),
    (3, "Diffusion des escape-games", D(2023, 6, 1), P1, "continue", "saison", "pour une diffusion à partir de l'été 2023"),
    (4, "Nouveau projet de médiation numérique", None, None, "aucune", "à définir", "A définir"),
    (5, "Ouverture au public du musée", D(2023, 3, 1), D(2023, 6, 30), "aucune", "saison", "Printemps 2023"),
    (6, "Une opération par an", P0, P1, "annuelle", "année", "Une opération par an"),
    (7, "Plan d'action avec la commune et les partenaires", None, None, "aucune", "à définir", "à définir"),
    (8, "Réédition des fiches PR", D(2023, 10, 1), D(2023, 12, 31), "aucune", "trimestre", "Fin 2023 ?"),
    (8, "Fiches disponibles pour la saison", D(2024, 4, 1), D(2024, 9, 30), "aucune", "saison", "saison 2024"),
    (9, "Lancement de la réédition", D(2023, 1, 1), D(2023, 12, 31), "aucune", "année", "Lancement en 2023"),
    (9, "Livraison du guide", D(2024, 3, 1), D(2024, 6, 30), "aucune", "saison", "livraison au printemps 2024"),
    (10, "Balisage des circuits", None, None, "aucune", "à définir", "2016-2018"),
    (11, "Gestion de l'aire toute l'année", P0, P1, "annuelle", "année", "Annuel"),
    (12, "Ouverture estivale du Trésor", D(PERIODE[0], 6, 1), D(PERIODE[1], 9, 30), "estivale", "mois", "Annuel"),
    (13, "Saison de l'escape-game", D(PERIODE[0], 6, 1), D(PERIODE[1], 9, 30), "estivale", "saison", "Annuel (estival)"),
    (14, "Saison de l'escape-game", D(PERIODE[0], 6, 1), D(PERIODE[1], 9, 30), "estivale", "saison", "Annuel (estival)"),
    (15, "Location estivale des VAE", D(PERIODE[0], 7, 1), D(PERIODE[1], 8, 31), "estivale", "saison", "Annuellement en période estivale"),
    (16, "Soutien annuel aux festivals", P0, P1, "annuelle", "année", "Annuellement"),
    (17, "Animations de l'été", D(PERIODE[0], 6, 1), D(PERIODE[1], 9, 30), "estivale", "saison", "Annuellement en été"),
    (19, "Définition d'un plan d'action", D(2023, 1, 1), D(2023, 12, 31), "aucune", "année", "Définition d'un plan d'action en 2023"),
    (19, "Phase opérationnelle", None, None, "aucune", "à définir", "Phase opérationnelle à définir"),
    (20, "Nouvel agrément médical", D(2023, 1, 1), D(2023, 12, 31), "aucune", "année", "Nouvel agrément médical en 2023"),
    (20, "Programme de travaux", None, None, "aucune", "à définir", "Programme de travaux à venir"),
    (20, "Relance d'une DSP", None, None, "aucune", "à définir", "Relance d'une DSP"),
    (21, "Lancement de la nouvelle politique de partenariat", D(2022, 11, 1), D(2022, 11, 30), "aucune", "mois", "Lancement en novembre 2022"),
    (22, "Approbation d'un avenant", D(2023, 10, 1), D(2023, 12, 31), "aucune", "trimestre", "Approbation d'un avenant fin 2023"),
    (23, "Lancement de la démarche", None, None, "aucune", "à définir", "A définir"),
    (24, "Premières propositions de formation", None, None, "aucune", "à définir", "A définir"),
    (25, "Dispositif ambassadeur", None, None, "aucune", "à définir", "A définir"),
    (26, "Formation de l'équipe", D(2023, 1, 1), D(2023, 12, 31), "aucune", "année", "2023 Formation de l'équipe : meublé, hôtels et camping/PRL"),
    (26, "Campagne offensive de classement", D(2024, 1, 1), P1, "continue", "année",
     "Années à venir : campagne offensive de classement (selon opportunité)"),
    (27, "Accompagnement annuel", P0, P1, "annuelle", "année", "Annuellement"),
    (28, "Accompagnement annuel", P0, P1, "annuelle", "année", "Annuellement"),
    (29, "Accompagnement annuel", P0, P1, "annuelle", "année", "Annuellement"),
    (30, "Mise en route de la mission", None, None, "aucune", "à définir", "Mise en route dépendant du financement de la mission"),
    (31, "Accompagnement au quotidien", P0, P1, "annuelle", "année", "Annuellement"),
    (32, "Observation annuelle", P0, P1, "annuelle", "année", "Annuellement"),
    (34, "Accueils presse selon la demande", P0, P1, "annuelle", "année", "Annuellement selon la demande"),
    (35, "Opérations collectives", P0, P1, "annuelle", "année", "Annuellement"),
    (36, "Community management", P0, P1, "annuelle", "année", "Annuellement"),
    (37, "Mise à jour quotidienne du SIT", P0, P1, "continue", "jour", "Quotidiennement"),
    (38, "Visites de l'offre par l'équipe", P0, P1, "annuelle", "année", "Annuellement"),
    (39, "Nouveau fonctionnement du SIT", D(2024, 1, 1), D(2024, 12, 31), "aucune", "année", "Objectifs 2024"),
    (40, "Mise en place de l'outil de GRC", None, None, "aucune", "à définir", "A définir"),
    (41, "Accueil de qualité", P0, P1, "annuelle", "année", "Annuellement"),
    (42, "Mise à jour / refonte du site", D(2026, 1, 1), D(2026, 12, 31), "aucune", "année", "2026 ?"),
    (43, "Refonte des éditions", D(2024, 1, 1), D(2024, 12, 31), "aucune", "année", "2024 ?"),
    (45, "Transition de la gamme", D(2023, 1, 1), D(2026, 12, 31), "aucune", "année", "Transition à partir de 2023"),
    (45, "Boutique 100 % éthique", D(2026, 1, 1), D(2026, 12, 31), "aucune", "année", "pour une boutique 100% éthique en 2026"),
    (47, "Nouveaux produits", P0, P1, "annuelle", "année", "Annuellement"),
    (48, "Opérations ponctuelles", None, None, "aucune", "à définir", "Opérations ponctuelles à programmer"),
    (49, "Fonctionnement de l'EPIC", P0, P1, "annuelle", "année", "Annuellement"),
    (50, "Recouvrement annuel", P0, P1, "annuelle", "année", "Annuellement"),
    (51, "Renouvellement du classement (2023)", D(2023, 1, 1), D(2023, 3, 31), "aucune", "trimestre", "1er trimestre 2023"),
    (51, "Renouvellement du classement (2028)", D(2028, 1, 1), D(2028, 3, 31), "aucune", "trimestre", "1er trimestre 2028"),
    (52, "Renouvellement du label", D(2023, 5, 1), D(2023, 5, 31), "aucune", "mois", "Mai 2023"),
    (53, "Audit de renouvellement", D(2026, 9, 1), D(2026, 12, 31), "aucune", "saison", "Audit à faire au plus tard à l'automne 2026"),
    (54, "Démarche QVT", D(2023, 1, 1), P1, "continue", "année", "A compter de 2023"),
    (55, "Démarrage de la démarche RSE", None, None, "aucune", "à définir", "Dès que le financement de la mission sera assuré"),
]

# --- Indicateurs: (action, indicateur, type, unité, sens, extrait); identifiers A<action>-<n> in order.
Q, J = "quantitatif", "jalon"
INDICATEURS = [
    (1, "Bilan annuel d'activité du service", J, "oui/non", "atteinte", "Bilan annuel d'activité du service"),
    (1, "Nombre de visites programmées", Q, "nombre", "hausse", "Programmation des visites"),
    (1, "Nombre de participants aux animations", Q, "nombre", "hausse", "Nombre de participants aux animations"),
    (2, "Implantation des panneaux", J, "oui/non", "atteinte", "Implantation des panneaux"),
    (3, "Réalisation de la formation", J, "oui/non", "atteinte", "Réalisation de la formation"),
    (3, "Nombre d'animations programmées", Q, "nombre", "hausse", "Nombre d'animations programmées"),
    (3, "Nombre de communes où l'animation est proposée", Q, "nombre", "hausse",
     "diversité des communes où l'animation est proposée"),
    (5, "Nombre de jours d'ouverture", Q, "nombre", "hausse", "Nombre de jours d'ouverture"),
    (5, "Nombre de groupes accueillis en visite", Q, "nombre", "hausse", "Nombre de groupes accueillis en visite"),
    (5, "Nombre de visiteurs individuels", Q, "nombre", "hausse", "Nombre de visiteurs individuels"),
    (7, "Conception d'un plan d'action", J, "oui/non", "atteinte", "Conception d'un plan d'action"),
    (7, "Mise en œuvre du plan d'action", J, "oui/non", "atteinte", "Mise en œuvre"),
    (8, "Édition et mise à disposition des fiches", J, "oui/non", "atteinte", "Edition et mise à disposition des fiches"),
    (9, "Réédition du guide", J, "oui/non", "atteinte", "Réédition du guide"),
    (9, "Mise en vente du guide en boutique", J, "oui/non", "atteinte", "Mise en vente du guide en boutique"),
    (10, "Balisage des itinéraires", J, "oui/non", "atteinte", "Balisage des itinéraires"),
    (11, "Nombre de nuitées", Q, "nombre", "hausse", "Nombre de nuitées"),
    (11, "Taux d'occupation", Q, "%", "hausse", "taux d'occupation"),
    (11, "Chiffre d'affaires de l'aire", Q, "€", "hausse", "Chiffre d'affaire de l'aire"),
    (12, "Nombre de visites", Q, "nombre", "hausse", "Nombre de visites"),
    (12, "Nombre de visiteurs", Q, "nombre", "hausse", "Nombre de visiteurs"),
    (13, "Nombre de billets vendus", Q, "nombre", "hausse", "Nombre de billets vendus"),
    (13, "Taux d'occupation des séances", Q, "%", "hausse", "Taux d'occupation des séances"),
    (13, "Recettes", Q, "€", "hausse", "Recettes"),
    (14, "Nombre de billets vendus", Q, "nombre", "hausse", "Nombre de billets vendus"),
    (14, "Taux d'occupation des séances", Q, "%", "hausse", "Taux d'occupation des séances"),
    (14, "Recettes", Q, "€", "hausse", "Recettes"),
    (15, "Nombre de locations", Q, "nombre", "hausse", "Nombre de locations"),
    (15, "Chiffre d'affaires généré chez le partenaire", Q, "€", "hausse", "Chiffre d'affaire générer chez le partenaire"),
    (16, "Budget de soutien", Q, "€", "hausse", "Budget de soutien"),
    (17, "Réalisation des spectacles", J, "oui/non", "atteinte", "Réalisation des spectacles"),
    (19, "Nombre d'actions réalisées", Q, "nombre", "hausse", "Actions réalisées"),
    (19, "Fréquentation des animations", Q, "nombre", "hausse", "Fréquentation des animations"),
    (20, "Obtention de l'agrément", J, "oui/non", "atteinte", "Obtention de l'agrément"),
    (20, "Identification d'un nouveau gestionnaire", J, "oui/non", "atteinte", "Identification d'un nouveau gestionnaire"),
    (20, "Réalisation des travaux", J, "oui/non", "atteinte", "Réalisation des travaux"),
    (20, "Réouverture des thermes", J, "oui/non", "atteinte", "Réouverture des thermes"),
    (21, "Nombre de partenaires", Q, "nombre", "hausse", "Nombres de partenaires"),
    (21, "Nombre d'actions communes engagées", Q, "nombre", "hausse", "Actions communes engagées"),
    (22, "Signature d'un nouveau contrat ou avenant", J, "oui/non", "atteinte", "Signature d'un nouveau contrat ou avenant"),
    (23, "Lancement de la démarche", J, "oui/non", "atteinte", "Lancement de la démarche"),
    (23, "Mise en œuvre des actions", J, "oui/non", "atteinte", "mise en œuvre de ces action"),
    (25, "Nombre de conventions de partenariat avec les gestionnaires de sites", Q, "nombre", "hausse",
     "Convention de partenariats avec les gestionnaires de sites"),
    (27, "Nombre d'établissements nouvellement labellisés", Q, "nombre", "hausse",
     "Nombre d'établissements labellisés (nouveaux établissements)"),
    (28, "Nombre d'établissements nouvellement « marqués »", Q, "nombre", "hausse",
     "Nombre d'établissement « marqué » (nouveaux établissements)"),
    (29, "Nombre de partenaires accompagnés", Q, "nombre", "hausse", "Nombre de partenaire accompagné"),
    (29, "Nombre de partenaires ayant intégré les outils", Q, "nombre", "hausse", "nombre ayant réussi l'intégration des outils"),
    (30, "Nombre d'acteurs accompagnés", Q, "nombre", "hausse", "Nombre d'acteurs accompagnés"),
    (31, "Nombre d'acteurs accompagnés", Q, "nombre", "hausse", "Nombre d'acteurs accompagnés"),
    (32, "Réponses aux enquêtes", J, "oui/non", "atteinte", "Réponses aux enquêtes"),
    (32, "Tenue du tableau d'observation", J, "oui/non", "atteinte", "tenu du tableau d'observation"),
    (34, "Nombre d'accueils organisés", Q, "nombre", "hausse", "Organisation des accueils"),
    (34, "Nombre d'articles et reportages (revue de presse)", Q, "nombre", "hausse", "Revue de presse des articles et reportage"),
    (35, "Nombre de retombées (revue de presse)", Q, "nombre", "hausse", "Revue de presse"),
    (36, "Audience des pages sur les réseaux sociaux", Q, "nombre", "hausse", "Audience des pages sur les réseaux sociaux"),
    (37, "Nombre de fiches publiées ou mises à jour par an", Q, "nombre", "hausse", "Nombres de fiches publiées ou mises à jour par an"),
    (38, "Nombre de sites visités par agent", Q, "nombre", "hausse", "Liste des sites visités par agents et par an"),
    (42, "Fréquentation du site", Q, "nombre", "hausse", "Fréquentation du site"),
    (42, "Mise en ligne d'une nouvelle version", J, "date", "atteinte", "Mise en ligne d'une nouvelle version"),
    (45, "Part de la gamme conforme (éthique et locale)", Q, "%", "hausse", "Evolution de la gamme de produit"),
    (47, "Nombre de nouveaux produits « en catalogue »", Q, "nombre", "hausse", "Nombre de nouveaux produits « en catalogue » chaque année"),
    (47, "Nombre de prestataires impliqués dans les produits", Q, "nombre", "hausse", "Nombre de prestataires impliqués dans les produits"),
    (47, "Nombre de séjours vendus", Q, "nombre", "hausse", "Nombre de séjours vendus"),
    (48, "Nombre de séjours présents dans des catalogues", Q, "nombre", "hausse", "Nombre de séjours présents dans des catalogues (bilan annuel)"),
    (48, "Nombre de séjours vendus", Q, "nombre", "hausse", "Nombre de séjours vendus (notamment ceux produits par l'office)"),
    (50, "Produits de la taxe de séjour", Q, "€", "hausse", "Produits de la taxe de séjour"),
    (51, "Arrêté de classement", J, "date", "atteinte", "Arrêté de classement"),
    (52, "Obtention du label", J, "date", "atteinte", "Obtention du label"),
    (53, "Obtention du renouvellement de la marque", J, "date", "atteinte", "Obtention du renouvellement de la marque"),
    (54, "Auto-diagnostic QVT des agents", J, "oui/non", "atteinte", "Auto diagnostic QVT des agents"),
    (55, "Obtention de la norme ISO 26000", J, "date", "atteinte", "Obtenir la norme ISO 26000"),
]

# --- Hypothèses: (paramètre, valeur or None = not set by the plan, action, explication)
HYPOTHESES = [
    ("Quantité : parcours", None, 4,
     "Nombre de parcours de médiation numérique. Le plan chiffre « + 50 000 € par parcours » sans en fixer "
     "le nombre : tant que la valeur est vide, ce coût n'entre dans aucun total."),
    ("Part : Office de tourisme", None, 9,
     "Part (en %) du coût de réédition du guide « Gers à Pieds » à la charge de l'office de tourisme. "
     "Le plan écrit « dont x % pour l'office de tourisme » sans fixer x : tant que la valeur est vide, "
     "tout le montant reste au Conseil départemental."),
]

# Budget categories for actions without Budget lines, from the plan's "Budget prévisionnel" words.
CATEGORY_RULES = [
    (r"^a (budget|moyen) constant", "à budget constant"),
    (r"^a définir|^en cours de définition", "à définir"),
    (r"etp|service commercial|ressources humaines|temps dédié", "ressources internes"),
]


def clean(text: str) -> str:
    """The plan's words, without the PDF conversion's artefacts (HTML list tags, ^{er} superscripts)."""
    text = re.sub(r"<[^>]+>", " ", text)
    text = re.sub(r"\s?\^\{([^}]*)\}", r"\1", text)
    text = re.sub(r"[ \t]+", " ", text)
    return text.strip()


def parse_plan(seed: Path) -> tuple[list, list, list]:
    """Axes, enjeux and actions (with their nine fields) from the plan's section 2."""
    lines = seed.read_text(encoding="utf-8").splitlines()
    start = max(i for i, line in enumerate(lines) if line.startswith("2- Plan d'actions"))
    axes, enjeux, actions = [], [], []
    axe = enjeu = action = None
    for raw in lines[start + 1:]:
        line = raw.strip()
        if m := re.match(r"^Axe (\d+) : (.+)$", line):
            axe, enjeu = int(m[1]), None
            axes.append({"Axe": axe, "Libellé": clean(m[2])})
        elif m := re.match(r"^Enjeu (\d+\.\d+)\s*:?\s*(.+)$", line):
            enjeu = m[1]
            enjeux.append({"Enjeu": enjeu, "Axe": axe, "Libellé": clean(m[2])})
        elif m := re.match(r"^Action (\d+)(?: : (.+))?$", line):
            n = int(m[1])
            action = {"N° action": n, "Axe": axe, "Enjeu": enjeu,
                      "Titre": clean(m[2]) if m[2] else TITRES_MANQUANTS[n]}
            actions.append(action)
        elif action is not None and "\t" in raw:
            label, _, value = raw.partition("\t")
            if label.strip() in FIELDS:
                action[FIELDS[label.strip()]] = clean(value)
    return axes, enjeux, actions


def categorie(action: dict, budget_ids: set[int]) -> str:
    if action["N° action"] in budget_ids:
        return "chiffré"
    text = action.get("Budget prévisionnel", "")
    if not text:
        return "non renseigné"
    for pattern, cat in CATEGORY_RULES:
        if re.search(pattern, text, re.IGNORECASE):
            return cat
    raise SystemExit(f"action {action['N° action']} : catégorie budget introuvable pour « {text} »")


def check_excerpts(actions: list[dict]) -> list[str]:
    """Every excerpt must stand word for word in its action's fiche."""
    fiche = {a["N° action"]: " ".join(str(a.get(f, "")) for f in FIELDS.values()) for a in actions}
    problems = []
    for sheet, rows, pos in (("Budget", BUDGET, 10), ("ETP", ETP, 3), ("Calendrier", CALENDRIER, 6),
                             ("Indicateurs", INDICATEURS, 5)):
        for row in rows:
            n, extrait = row[0], row[pos]
            if n not in fiche:
                problems.append(f"{sheet} : l'action {n} n'existe pas")
            elif extrait not in fiche[n] and not (n == 30 and sheet == "ETP" and extrait in fiche[55]):
                problems.append(f"{sheet} : « {extrait} » introuvable dans la fiche de l'action {n}")
    return problems


LISEZ_MOI_SHEETS = {
    "Axes": "Les axes stratégiques du plan (numéro et libellé).",
    "Enjeux": "Les enjeux de chaque axe (numéro « 1.1 », axe, libellé). L'axe 3 n'a pas d'enjeu.",
    "Actions": "Une ligne par fiche action, avec les neuf rubriques du plan recopiées mot pour mot. "
               "« Catégorie budget » dit ce que le plan prévoit : chiffré (des lignes dans la feuille Budget), "
               "ressources internes (du temps de personnel seulement), à budget constant, à définir, "
               "non renseigné (la rubrique est vide dans le plan).",
    "Budget": "Une ligne par montant du plan. Périodicité : unique (une fois, l'année « Année début » ; vide = "
              "année inconnue), annuel (chaque année de « Année début » à « Année fin » ; vide = toute la période), "
              "par unité (montant par « Unité » fois « Quantité » ; Quantité vide = nombre inconnu, voir Hypothèses). "
              "Montant min = montant max quand le plan donne un seul chiffre ; une fourchette « 5 à 10 000 € » "
              "donne min 5 000 et max 10 000. « Porteur » : qui paie.",
    "ETP": "Le temps de personnel prévu, en équivalents temps plein, par action et par service. ETP vide : "
           "le plan nomme le service sans chiffrer son temps (jamais compté comme zéro). Années vides = toute la période.",
    "Calendrier": "Les jalons et périodes prévus. Récurrence : aucune, annuelle, estivale, continue (les dates "
                  "donnent alors la période sur laquelle l'action se répète). Précision : jour, mois, trimestre, "
                  "saison (printemps = mars à juin, été = juin à septembre, automne = septembre à décembre), année, "
                  "à définir (pas de dates). Les dates hors de la période du plan sont gardées et signalées comme anomalies.",
    "Indicateurs": "Les indicateurs de résultat, un par ligne, tirés de la rubrique « Outils de contrôle et "
                   "indicateurs de résultats ». Identifiant « A11-1 » : action 11, premier indicateur. Type : "
                   "quantitatif ou jalon (atteint ou non). Unité : nombre, €, %, oui/non, date. Sens : hausse, "
                   "baisse (ce qui est souhaité), atteinte (pour un jalon).",
    "Hypothèses": "Les paramètres que le plan laisse ouverts. « Quantité : <unité> » fixe le nombre d'unités des "
                  "lignes « par unité » de l'action ; « Part : <porteur> » (en %) la part du budget de l'action "
                  "portée par ce porteur. Valeur vide = non fixé par le plan : le montant reste hors des totaux et "
                  "le tableau de bord le dit. Le tableau de bord permet de les faire varier.",
    "Capacité": "Les ETP disponibles par service et par année, à remplir par l'office. Vide = inconnu (affiché comme tel).",
}

NOTES = [
    ("Source", "Schéma de développement touristique 2023-2028 de la communauté d'agglomération Grand Auch Cœur "
               "de Gascogne, délibération D2023_28 (envoyée en préfecture le 21/02/2023)."),
    ("Texte du plan", "Les rubriques sont recopiées mot pour mot ; seules les balises de mise en forme de la "
                      "conversion du PDF (listes HTML, exposants « ^{er} ») ont été retirées."),
    ("Action 21", "Le plan ne lui donne pas de titre. Titre retenu, tiré de son enjeu 2.1 : « Refondre la "
                  "politique de partenariat de l'office de tourisme »."),
    ("Actions 18 et 33", "Elles n'existent pas dans le plan (numérotation 1 à 55)."),
    ("Actions 30 et 55", "Chacune porte 50 000 € par an pour ce qui semble être le même poste (« 1 ETP mutualisé »). "
                         "Les deux lignes sont gardées comme dans le plan ; la Note de chaque ligne le signale."),
    ("Action 10", "Le plan indique le calendrier « 2016-2018 », antérieur à la période : aucune date n'est inventée."),
    ("Modifier", "Modifiez les valeurs dans Excel en gardant les noms des feuilles et des colonnes. "
                 "Vérifiez ensuite avec « python -m dashboard validate-plan » : chaque problème est listé avec "
                 "sa feuille, sa ligne et sa colonne."),
]

HEADER_FILL = PatternFill("solid", fgColor="1F4E79")
HEADER_FONT = Font(bold=True, color="FFFFFF")
WIDE = {"Présentation", "Objectifs", "Conditions de mise en œuvre", "Publics cibles", "Partenaires",
        "Maîtrise d'ouvrage", "Calendrier", "Budget prévisionnel", "Indicateurs", "Extrait du plan", "Note",
        "Explication", "Libellé", "Titre", "Poste", "Jalon", "Indicateur"}


def write_sheet(wb: Workbook, name: str, headers: list[str], rows: list[list]) -> None:
    ws = wb.create_sheet(name)
    xlsx.append(ws, headers)
    for row in rows:
        xlsx.append(ws, row)  # the plan's words stay text, whatever they begin with
    for cell in ws[1]:
        cell.fill, cell.font = HEADER_FILL, HEADER_FONT
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    ws.freeze_panes = "A2"
    for i, h in enumerate(headers, start=1):
        letter = get_column_letter(i)
        ws.column_dimensions[letter].width = 50 if h in WIDE else max(12, len(h) + 4)
        for cell in ws[letter][1:]:
            if h in WIDE:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
            if h.startswith("Montant"):
                cell.number_format = '#,##0" €"'
            elif h in ("Début prévu", "Fin prévue"):
                cell.number_format = "DD/MM/YYYY"
            elif h in ("ETP", "ETP disponibles"):
                cell.number_format = "0.00"
            elif h == "Enjeu":
                cell.number_format = "@"
    ws.auto_filter.ref = ws.dimensions


def build(seed: Path, out: Path) -> None:
    axes, enjeux, actions = parse_plan(seed)
    problems = check_excerpts(actions)
    if problems:
        raise SystemExit("Extraits introuvables :\n" + "\n".join(problems))
    budget_ids = {row[0] for row in BUDGET}
    wb = Workbook()
    readme = wb.active
    readme.title = "Lisez-moi"
    xlsx.append(readme, ["Élément", "Explication"])
    xlsx.append(readme, ["Période", f"{PERIODE[0]}-{PERIODE[1]}"])
    for k, v in NOTES:
        xlsx.append(readme, [k, v])
    xlsx.append(readme, ["", ""])
    xlsx.append(readme, ["Feuille", "Ce qu'elle contient"])
    for sheet, text in LISEZ_MOI_SHEETS.items():
        xlsx.append(readme, [sheet, text])
        xlsx.append(readme, [f"{sheet} : colonnes", " · ".join(SHEETS[sheet])])
    for cell in readme[1]:
        cell.fill, cell.font = HEADER_FILL, HEADER_FONT
    readme.column_dimensions["A"].width = 26
    readme.column_dimensions["B"].width = 120
    for row in readme.iter_rows(min_row=2):
        row[1].alignment = Alignment(wrap_text=True, vertical="top")
        row[0].font = Font(bold=True)
    readme.freeze_panes = "A2"

    write_sheet(wb, "Axes", list(SHEETS["Axes"]), [[a["Axe"], a["Libellé"]] for a in axes])
    write_sheet(wb, "Enjeux", list(SHEETS["Enjeux"]), [[e["Enjeu"], e["Axe"], e["Libellé"]] for e in enjeux])
    headers = list(SHEETS["Actions"])
    write_sheet(wb, "Actions", headers, [
        [a.get(h) if h != "Catégorie budget" else categorie(a, budget_ids) for h in headers] for a in actions])
    write_sheet(wb, "Budget", list(SHEETS["Budget"]), [list(r[:-1]) + [r[-1] or None] for r in
                                                       [(n, p, lo, hi, per, u, q, d0, d1, who, ex, note or None)
                                                        for n, p, lo, hi, per, u, q, d0, d1, who, ex, note in BUDGET]])
    write_sheet(wb, "ETP", list(SHEETS["ETP"]), [[n, s, e, None, None, ex, note or None] for n, s, e, ex, note in ETP])
    write_sheet(wb, "Calendrier", list(SHEETS["Calendrier"]), [list(r) for r in CALENDRIER])
    counters: dict[int, int] = {}
    rows = []
    for n, label, typ, unit, sens, ex in INDICATEURS:
        counters[n] = counters.get(n, 0) + 1
        rows.append([f"A{n}-{counters[n]}", n, label, typ, unit, sens, ex])
    write_sheet(wb, "Indicateurs", list(SHEETS["Indicateurs"]), rows)
    write_sheet(wb, "Hypothèses", list(SHEETS["Hypothèses"]), [[p, v, n, e] for p, v, n, e in HYPOTHESES])
    services = list(dict.fromkeys(row[1] for row in ETP))
    write_sheet(wb, "Capacité", list(SHEETS["Capacité"]),
                [[s, y, None] for s in services for y in range(PERIODE[0], PERIODE[1] + 1)])
    wb.properties.title = "Schéma de développement touristique 2023-2028 — plan structuré"
    out.parent.mkdir(parents=True, exist_ok=True)
    wb.save(out)
    print(f"{out.name} : {len(axes)} axes, {len(enjeux)} enjeux, {len(actions)} actions, {len(BUDGET)} lignes budget, "
          f"{len(ETP)} lignes ETP, {len(CALENDRIER)} lignes calendrier, {len(INDICATEURS)} indicateurs")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seed", type=Path, default=DEFAULT_SEED)
    ap.add_argument("-o", "--output", type=Path, default=DEFAULT_OUT)
    a = ap.parse_args()
    build(a.seed, a.output)


if __name__ == "__main__":
    main()
