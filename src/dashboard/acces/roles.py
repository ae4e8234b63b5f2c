"""Roles, identities and the settings of access control (pure Python, no database, no streamlit).

Three roles, each one including the previous: `lecture` (every page, the deck, the downloads),
`saisie` (+ upload, confirm and roll back follow-up imports), `admin` (+ remove the demonstration
data, manage accounts). An identity is who the session is: an account signed in with its password,
or a person signed in through the office's identity provider (OIDC).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import datetime, timedelta

ROLES = ("lecture", "saisie", "admin")
ROLE_LABELS = {"lecture": "lecture", "saisie": "saisie", "admin": "administration"}


def suffit(role: str | None, requis: str) -> bool:
    """True when `role` includes what `requis` allows (admin ⊃ saisie ⊃ lecture)."""
    if role not in ROLES:
        return False
    return ROLES.index(role) >= ROLES.index(requis)


@dataclass(frozen=True)
class Identite:
    """Who the session is. `login` is empty for a person signed in through OIDC whose e-mail has no
    account (then `role` is the one the configuration gives unknown e-mails: lecture)."""

    login: str
    nom: str
    role: str
    email: str = ""
    origine: str = "mot de passe"  # or "oidc", or "console" (the server's operator, command line)

    @property
    def affichage(self) -> str:
        """How the person is shown: « Camille Martin (cmartin) », or the login alone."""
        if self.nom and self.login and self.nom != self.login:
            return f"{self.nom} ({self.login})"
        return self.nom or self.login or self.email


# The server's operator on the command line: local, with access to the database itself.
OPERATEUR = Identite(login="", nom="opérateur du serveur (ligne de commande)", role="admin", origine="console")


class AccesRefuse(Exception):
    """An action refused to this identity (French message saying what is needed)."""


def role_requis(action: str, identite: Identite | None = None, role: str = "saisie") -> str:
    """What a session without `role` reads where the action would be (signed in or not)."""
    if identite is not None:
        permet = "de consulter" if identite.role == "lecture" else "d'importer le suivi"
        return (f"Votre rôle « {identite.role} » permet {permet}, pas de {action} : demandez le rôle "
                f"« {role} » à l'administrateur du tableau de bord.")
    besoin = " ou ".join(f"« {r} »" for r in ROLES[ROLES.index(role):])
    return f"Pour {action}, connectez-vous avec un compte {besoin} (barre latérale, « Se connecter »)."


# --- settings ------------------------------------------------------------------------------------

LECTURE_ENV = "DASHBOARD_LECTURE"            # "compte": reading needs an account too (default: open)
INACTIVITE_ENV = "DASHBOARD_SESSION_MINUTES"  # idle minutes before a signed-in session ends
OIDC_INCONNU_ENV = "DASHBOARD_OIDC_INCONNU"   # "lecture" (default) or "aucun": an unknown e-mail
INACTIVITE_DEFAUT = 60


def lecture_sur_compte(environ=None) -> bool:
    """DASHBOARD_LECTURE=compte: once an account exists, reading needs an account too."""
    return (environ if environ is not None else os.environ).get(LECTURE_ENV, "").strip().lower() == "compte"


def minutes_inactivite(environ=None) -> int:
    """DASHBOARD_SESSION_MINUTES (a whole number of minutes ≥ 1), else 60."""
    text = (environ if environ is not None else os.environ).get(INACTIVITE_ENV, "").strip()
    try:
        value = int(text)
    except ValueError:
        return INACTIVITE_DEFAUT
    return value if value >= 1 else INACTIVITE_DEFAUT


def role_oidc_inconnu(environ=None) -> str | None:
    """The role of a person signed in through OIDC whose e-mail has no account: lecture, or None."""
    text = (environ if environ is not None else os.environ).get(OIDC_INCONNU_ENV, "lecture").strip().lower()
    return None if text in ("aucun", "rien", "non", "0") else "lecture"


def expiree(derniere_activite: datetime | None, maintenant: datetime, minutes: int) -> bool:
    """True when a session idle since `derniere_activite` has outlived `minutes` of inactivity."""
    return derniere_activite is not None and maintenant - derniere_activite > timedelta(minutes=minutes)
