"""Signed-in sessions kept in the store, so that every process (and every tab, every reload) sees them.

A sign-in with a password opens a session: a random token given to the browser in a cookie, stored
here only as its SHA-256 (a stolen copy of the table opens nothing), with its account, its creation,
its last activity and its end. A session ends after DASHBOARD_SESSION_MINUTES without activity, after
DUREE_MAX whatever the activity, at « Se déconnecter », or when `users logout` ends all of an account's
sessions; a deactivated account opens no page either (its account is read with the session).
"""

from __future__ import annotations

import hashlib
import secrets
import weakref
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from dashboard.acces import comptes as comptes_module
from dashboard.acces.roles import Identite, minutes_inactivite
from dashboard.base import database
from dashboard.base.tables import comptes, sessions, sessions_metadata

COOKIE = "dashboard_session"
DUREE_MAX = timedelta(hours=12)  # absolute lifetime of a session, however active
ACTIVITE_PAS = timedelta(minutes=1)  # the last activity is written at most once a minute per session

metadata = sessions_metadata  # the table lives with the store's others (base.tables)
_prets: weakref.WeakSet = weakref.WeakSet()


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def prepare(engine: Engine) -> None:
    """The sessions' table, created beside the store's when missing (once per engine and process)."""
    if engine not in _prets:
        database.ensure_schema(engine, metadata)
        _prets.add(engine)


def empreinte(jeton: str) -> str:
    """What the store keeps of a token: its SHA-256 (the token is 256 random bits, no salt needed)."""
    return hashlib.sha256(jeton.encode()).hexdigest()


def ouvrir(engine: Engine, login: str, maintenant: datetime | None = None) -> str:
    """A new session for `login` (signed in just now); the token to give the browser, never stored."""
    prepare(engine)
    maintenant = maintenant or _now()
    jeton = secrets.token_urlsafe(32)
    with database.writing(engine) as conn:
        conn.execute(sessions.insert().values(jeton_sha256=empreinte(jeton), login=login, cree_le=maintenant,
                                              derniere_activite=maintenant, expire_le=maintenant + DUREE_MAX))
    return jeton


@dataclass(frozen=True)
class Lecture:
    """A token read: the identity (None when the token opens nothing) and, for a session that just
    ended by itself or by its account, why (French, to tell the person)."""

    identite: Identite | None
    motif: str = ""


def lire(engine: Engine, jeton: str | None, maintenant: datetime | None = None, minutes: int | None = None) -> Lecture:
    """The account of a token, as the store says now (one query; its last activity written at most once
    a minute). An idle or too old session is closed here and says so; an unknown or closed token
    opens nothing, silently; a deactivated account opens nothing and says so."""
    if not jeton:
        return Lecture(None)
    prepare(engine)
    maintenant = maintenant or _now()
    minutes = minutes or minutes_inactivite()
    c = comptes
    with engine.connect() as conn:
        row = conn.execute(
            sa.select(sessions.c.id, sessions.c.derniere_activite, sessions.c.expire_le, sessions.c.fermee_le,
                      c.c.login, c.c.nom, c.c.email, c.c.role, c.c.actif)
            .join(c, c.c.login == sessions.c.login, isouter=True)
            .where(sessions.c.jeton_sha256 == empreinte(jeton))).first()
    if row is None or row.fermee_le is not None:
        return Lecture(None)
    motif = ""
    if row.login is None or not row.actif:
        motif = ("Votre compte a été désactivé : la session est fermée. Demandez à l'administrateur du tableau "
                 "de bord de le réactiver.")
    elif maintenant - row.derniere_activite > timedelta(minutes=minutes):
        motif = f"Session fermée après {minutes} minutes sans activité : reconnectez-vous."
    elif maintenant >= row.expire_le:
        motif = f"Session fermée après {int(DUREE_MAX.total_seconds() // 3600)} heures : reconnectez-vous."
    if motif:
        with database.writing(engine) as conn:
            conn.execute(sessions.update().where(sessions.c.id == row.id).values(fermee_le=maintenant))
        return Lecture(None, motif)
    if maintenant - row.derniere_activite >= ACTIVITE_PAS:
        with database.writing(engine) as conn:
            conn.execute(sessions.update().where(sessions.c.id == row.id).values(derniere_activite=maintenant))
    return Lecture(Identite(row.login, row.nom or "", row.role, row.email or "", "mot de passe"))


def fermer(engine: Engine, jeton: str | None, maintenant: datetime | None = None) -> bool:
    """End the session of a token (« Se déconnecter »); False when it was not open."""
    if not jeton:
        return False
    prepare(engine)
    with database.writing(engine) as conn:
        done = conn.execute(sessions.update().where(sessions.c.jeton_sha256 == empreinte(jeton),
                                                    sessions.c.fermee_le.is_(None))
                            .values(fermee_le=maintenant or _now()))
    return done.rowcount > 0


def fermer_compte(engine: Engine, login: str, maintenant: datetime | None = None) -> int:
    """End every open session of an account (`users logout`); how many were open."""
    prepare(engine)
    login = comptes_module.normaliser_login(login)
    with database.writing(engine) as conn:
        done = conn.execute(sessions.update().where(sessions.c.login == login, sessions.c.fermee_le.is_(None))
                            .values(fermee_le=maintenant or _now()))
    return done.rowcount


@dataclass(frozen=True)
class Session:
    """A session as listed (never its token nor its hash)."""

    login: str
    cree_le: datetime
    derniere_activite: datetime
    expire_le: datetime

    def as_dict(self) -> dict:
        return {k: v.isoformat(timespec="seconds") + "Z" if isinstance(v, datetime) else v
                for k, v in self.__dict__.items()}


def ouvertes(engine: Engine, login: str, maintenant: datetime | None = None, minutes: int | None = None) -> list[Session]:
    """The account's sessions still open now (neither closed, idle too long nor too old), oldest first."""
    prepare(engine)
    maintenant = maintenant or _now()
    minutes = minutes or minutes_inactivite()
    s = sessions.c
    with engine.connect() as conn:
        rows = conn.execute(sa.select(s.login, s.cree_le, s.derniere_activite, s.expire_le).where(
            s.login == comptes_module.normaliser_login(login), s.fermee_le.is_(None), s.expire_le > maintenant,
            s.derniere_activite >= maintenant - timedelta(minutes=minutes)).order_by(s.cree_le, s.id)).all()
    return [Session(*r) for r in rows]
