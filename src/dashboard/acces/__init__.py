"""Who may change what: accounts in the follow-up store, roles (lecture, saisie, admin), sign-in.

- roles: the roles, the session's identity, the settings (DASHBOARD_LECTURE, idle time, OIDC);
- comptes: the accounts (argon2 hashes), sign-in with its delay, `exiger_role`, account management;
- sessions: the signed-in sessions (token hashed in the store, idle time, lifetime, logout);
- ecritures: the follow-up's writing actions (import, rollback, demo removal), each checking the role;
- telechargements: files built at the click, only for the session that drew the button while it may read.
"""

from dashboard.acces.comptes import (
    CompteError,
    authentifier,
    exiger_role,
    identite_oidc,
    mode_ouvert,
    peut,
)
from dashboard.acces.roles import OPERATEUR, ROLES, AccesRefuse, Identite

__all__ = ["OPERATEUR", "ROLES", "AccesRefuse", "CompteError", "Identite", "authentifier", "exiger_role",
           "identite_oidc", "mode_ouvert", "peut"]
