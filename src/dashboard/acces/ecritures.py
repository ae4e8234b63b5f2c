"""The follow-up's writing actions, each given the session's identity and refusing when its role
is not enough: the rule holds where the action happens, whatever a page shows or hides.

Each function checks the identity against the store (the account read again: active, its role
now), then writes; the import and the rollback record the account's login in the history.
Without any account in the store, anyone may (today's open behaviour), with the free-text name.
"""

from __future__ import annotations

from sqlalchemy.engine import Engine

from dashboard.acces.comptes import exiger_role
from dashboard.acces.roles import Identite
from dashboard.suivi import store
from dashboard.suivi.importer import ImportOutcome, import_workbook


def importer(engine: Engine, identite: Identite | None, data, plan, *, file_name: str | None = None,
             nom_libre: str = "", accept_warnings: bool = False, progress=None, porteur: str | None = None,
             conflits=None, checked=None) -> ImportOutcome:
    """Import a follow-up workbook (role saisie): import_workbook, the account recorded."""
    qui = exiger_role(engine, identite, "saisie", "importer un classeur de suivi")
    login = qui.login if qui is not None else ""
    user = (qui.nom or qui.login) if qui is not None and qui.login else (nom_libre or "").strip()
    return import_workbook(engine, data, plan, file_name=file_name, user=user, dry_run=False,
                           progress=progress, accept_warnings=accept_warnings, compte=login or None,
                           porteur=porteur, conflits=conflits, checked=checked)


def verifier(engine: Engine, identite: Identite | None, data, plan, *, file_name: str | None = None,
             progress=None) -> ImportOutcome:
    """The dry run of an upload (role saisie: only those who may import are shown the upload)."""
    exiger_role(engine, identite, "saisie", "déposer un classeur de suivi")
    return import_workbook(engine, data, plan, file_name=file_name, dry_run=True, progress=progress)


def annuler(engine: Engine, identite: Identite | None, batch_id: int) -> None:
    """Roll back one import (role saisie), the account recorded."""
    qui = exiger_role(engine, identite, "saisie", "annuler un import")
    store.rollback(engine, batch_id, par=qui.login if qui is not None and qui.login else None)


def retirer_demo(engine: Engine, identite: Identite | None) -> int:
    """Remove the demonstration data for good (role admin); the number of demo imports removed."""
    from dashboard.suivi import demo  # noqa: PLC0415  (demo needs the plan's reader; loaded when used)

    exiger_role(engine, identite, "admin", "retirer les données de démonstration")
    return demo.remove(engine)


def _auteur(qui: Identite | None, nom_libre: str) -> str:
    """The name recorded in a history: the signed-in account, else (no account yet) the free-text name."""
    return (qui.nom or qui.login) if qui is not None and qui.login else (nom_libre or "").strip()


def importer_plan(engine: Engine, identite: Identite | None, data: bytes, *, file_name: str, label: str,
                  nom_libre: str = "") -> int:
    """Store a revised plan and make it the current version (role admin); its id."""
    from dashboard.plan import versions  # noqa: PLC0415

    qui = exiger_role(engine, identite, "admin", "remplacer le plan")
    return versions.import_version(engine, data, file_name=file_name, label=label, auteur=_auteur(qui, nom_libre))


def rendre_plan_courant(engine: Engine, identite: Identite | None, version_id: int, *, nom_libre: str = ""):
    """Make a stored version of the plan the current one again (role admin); the version."""
    from dashboard.plan import versions  # noqa: PLC0415

    qui = exiger_role(engine, identite, "admin", "changer la version du plan en vigueur")
    return versions.use_version(engine, version_id, auteur=_auteur(qui, nom_libre))
