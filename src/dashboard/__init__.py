"""Tableau de bord du schéma de développement touristique."""
