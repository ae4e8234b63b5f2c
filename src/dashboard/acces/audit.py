"""How the history of imports names who did what (the account's login, or a free-text name)."""

from __future__ import annotations


def importe_par(utilisateur: str, compte: str) -> str:
    """« Camille Martin (cmartin) » for an account, the free-text name without accounts, else « — »."""
    utilisateur, compte = (utilisateur or "").strip(), (compte or "").strip()
    if compte:
        return f"{utilisateur} ({compte})" if utilisateur and utilisateur != compte else compte
    return utilisateur or "—"


def annule_par(compte: str) -> str:
    """« par cmartin » after « annulé le … », when an account rolled the import back."""
    return f" par {compte}" if compte else ""


def connexion_requise(action: str, identite=None) -> str:
    """What a session without the role « saisie » reads where the action would be (signed in or not)."""
    if identite is not None:
        return (f"Votre rôle « {identite.role} » permet de consulter, pas de {action} : demandez le rôle "
                "« saisie » à l'administrateur du tableau de bord.")
    return (f"Pour {action}, connectez-vous avec un compte « saisie » ou « admin » (barre latérale, « Se "
            "connecter »).")
