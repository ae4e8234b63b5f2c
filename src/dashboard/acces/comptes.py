"""Accounts in the follow-up store: the same database, so every app process shares them.

Passwords are hashed with argon2 (argon2-cffi), never stored nor logged in clear. Sign-in
failures are counted in the database per typed login (existing or not), so several processes
share the delay that follows the fifth failure, and the messages never tell whether a login exists.
Accounts are never deleted: the history of imports names them; an account is deactivated instead.
"""

from __future__ import annotations

import logging
import re
import weakref
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Engine

from dashboard.acces.roles import OPERATEUR, ROLES, AccesRefuse, Identite, suffit
from dashboard.base import database
from dashboard.base.tables import comptes, comptes_metadata, echecs

log = logging.getLogger("dashboard")

# The tables live with the store's others (base.tables); `prepare` creates them when missing.
metadata = comptes_metadata

ESSAIS_LIBRES = 5           # wrong passwords before the delay starts
ATTENTE_BASE_S = 30         # after the 5th failure; doubled at each further failure
ATTENTE_MAX_S = 15 * 60
MOT_DE_PASSE_MIN = 10
MOT_DE_PASSE_MAX = 256
LOGIN_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{1,59}$")
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
REFUS_CONNEXION = "Identifiant ou mot de passe incorrect."

_hasher = PasswordHasher()
_LEURRE = _hasher.hash("mot de passe qui ne sert qu'à égaliser le temps de réponse")
_prets: weakref.WeakSet = weakref.WeakSet()


class CompteError(Exception):
    """An account operation refused, with a French message saying why and what to do."""


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def prepare(engine: Engine) -> bool:
    """True once the account tables exist (created when missing, once per engine and process).

    False for a store that cannot be written and has no account table (created before accounts
    existed): it has no account, and nothing can be written to it anyway."""
    if engine in _prets:
        return True
    try:
        database.ensure_schema(engine, metadata)
    except Exception:
        if sa.inspect(engine).has_table(comptes.name):
            raise
        log.info("tables des comptes impossibles à créer : %s", database.shown_url(engine.url), exc_info=True)
        return False
    _prets.add(engine)
    return True


def normaliser_login(login: str) -> str:
    return (login or "").strip().lower()[:60]


COUNT = sa.select(sa.func.count()).select_from(comptes)  # also read by dashboard.etat


def nombre_de_comptes(engine: Engine) -> int:
    """How many accounts the store holds (active or not). None: today's open behaviour."""
    if not prepare(engine):
        return 0
    with engine.connect() as conn:
        return int(conn.execute(COUNT).scalar() or 0)


def mode_ouvert(engine: Engine) -> bool:
    """No account in the store: anyone who reaches the app may import, roll back, remove the demo."""
    return nombre_de_comptes(engine) == 0


def delai(n_echecs: int) -> int:
    """Seconds to wait after `n_echecs` consecutive failures: none before the 5th, then 30 s, 60 s…"""
    if n_echecs < ESSAIS_LIBRES:
        return 0
    return min(ATTENTE_BASE_S * 2 ** (n_echecs - ESSAIS_LIBRES), ATTENTE_MAX_S)


def duree(secondes: int) -> str:
    """« 30 secondes », « 2 minutes », « 1 minute 30 »."""
    if secondes < 60:
        return f"{secondes} seconde{'s' if secondes > 1 else ''}"
    m, s = divmod(secondes, 60)
    return f"{m} minute{'s' if m > 1 else ''}" + (f" {s:02d}" if s else "")


# --- reading -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Compte:
    """An account as listed (never its password hash)."""

    login: str
    nom: str
    email: str
    role: str
    actif: bool
    cree_le: datetime
    derniere_connexion: datetime | None
    mot_de_passe: bool  # has a password (else: sign-in through OIDC only)

    def identite(self, origine: str = "mot de passe") -> Identite:
        return Identite(self.login, self.nom, self.role, self.email, origine)

    def as_dict(self) -> dict:
        return {"login": self.login, "nom": self.nom, "email": self.email, "role": self.role, "actif": self.actif,
                "cree_le": self.cree_le.isoformat(timespec="seconds") + "Z",
                "derniere_connexion": (self.derniere_connexion.isoformat(timespec="seconds") + "Z"
                                       if self.derniere_connexion else None),
                "connexion": "mot de passe" if self.mot_de_passe else "annuaire (e-mail)"}


def _compte(row) -> Compte:
    return Compte(row.login, row.nom or "", row.email or "", row.role, bool(row.actif), row.cree_le,
                  row.derniere_connexion, row.mot_de_passe is not None)


def lister(engine: Engine) -> list[Compte]:
    """Every account, by login."""
    if not prepare(engine):
        return []
    with engine.connect() as conn:
        return [_compte(r) for r in conn.execute(sa.select(comptes).order_by(comptes.c.login))]


def trouver(engine: Engine, login: str) -> Compte | None:
    if not prepare(engine):
        return None
    with engine.connect() as conn:
        row = conn.execute(sa.select(comptes).where(comptes.c.login == normaliser_login(login))).first()
    return _compte(row) if row else None


def par_email(engine: Engine, email: str) -> Compte | None:
    """The account of an e-mail (case-insensitive), or None."""
    if not prepare(engine):
        return None
    with engine.connect() as conn:
        row = conn.execute(sa.select(comptes).where(comptes.c.email == (email or "").strip().lower())).first()
    return _compte(row) if row else None


def relire(engine: Engine, identite: Identite | None) -> Identite | None:
    """The session's identity as the store says now (one small query): the account's role and name
    of today, or None when the account is deactivated or gone. An identity without an account (an
    OIDC visitor reading, the operator) is kept as it is; raises what the database raises."""
    if identite is None or not identite.login or identite is OPERATEUR:
        return identite
    with engine.connect() as conn:
        row = conn.execute(sa.select(comptes.c.login, comptes.c.nom, comptes.c.email, comptes.c.role,
                                     comptes.c.actif).where(comptes.c.login == identite.login)).first()
    if row is None or not row.actif:
        return None
    return Identite(row.login, row.nom or "", row.role, row.email or "", identite.origine)


# --- the rule, where the action happens ----------------------------------------------------------

def exiger_role(engine: Engine, identite: Identite | None, role: str, action: str = "faire cela") -> Identite | None:
    """The identity allowed to do `action` with `role`, read again from the store; AccesRefuse otherwise.

    No account in the store: anyone may (returns the identity as given, possibly None). Otherwise
    the account must exist, be active and have the role now (a deactivated account or a lowered
    role stops a session already open). The command line's operator (OPERATEUR) always may."""
    if role not in ROLES:
        raise ValueError(f"rôle inconnu : {role}")
    if identite is OPERATEUR:
        return identite
    if mode_ouvert(engine):
        return identite
    besoin = " ou ".join(f"« {r} »" for r in ROLES[ROLES.index(role):])
    if identite is None:
        raise AccesRefuse(f"Connectez-vous avec un compte {besoin} pour {action}.")
    compte = trouver(engine, identite.login) if identite.login else None
    if compte is None or not compte.actif:
        if identite.login or not suffit(identite.role, role):
            raise AccesRefuse(f"Votre session ne permet pas {_de(action)} : il faut un compte actif {besoin}. "
                              "Reconnectez-vous, ou demandez un compte à l'administrateur du tableau de bord.")
        return identite  # an OIDC visitor without an account, reading only
    if not suffit(compte.role, role):
        raise AccesRefuse(f"Votre rôle « {compte.role} » ne permet pas {_de(action)} : il faut le rôle {besoin}. "
                          "Demandez-le à l'administrateur du tableau de bord.")
    return compte.identite(identite.origine)


def _de(action: str) -> str:
    """« de gérer… », « d'importer… » (elision before a vowel)."""
    return ("d'" if action[:1].lower() in "aeiouéèêhâ" else "de ") + action


def peut(engine: Engine, identite: Identite | None, role: str) -> bool:
    """exiger_role as a yes/no, to decide what a page shows (the writing function checks again)."""
    try:
        exiger_role(engine, identite, role)
    except AccesRefuse:
        return False
    return True


# --- sign-in ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Connexion:
    """The outcome of a sign-in: the identity (None when refused) and what to tell the person."""

    identite: Identite | None
    message: str
    attente: int = 0  # seconds before the next attempt is checked


def _attente(conn, cle: str, maintenant: datetime) -> int:
    row = conn.execute(sa.select(echecs.c.attente_jusqua).where(echecs.c.login == cle)).first()
    if row is None or row.attente_jusqua is None or row.attente_jusqua <= maintenant:
        return 0
    return max(1, int((row.attente_jusqua - maintenant).total_seconds() + 0.999))


def _attente_apres(n: sa.ColumnElement, maintenant: datetime) -> sa.ColumnElement:
    """SQL: the end of the wait after `n` failures (delai as a CASE over precomputed instants), or NULL."""
    plafond = next(k for k in range(ESSAIS_LIBRES, ESSAIS_LIBRES + 64) if delai(k) >= ATTENTE_MAX_S)
    return sa.case(*((n == k, maintenant + timedelta(seconds=delai(k))) for k in range(ESSAIS_LIBRES, plafond)),
                   (n >= plafond, maintenant + timedelta(seconds=ATTENTE_MAX_S)), else_=sa.null())


def _reserver(engine: Engine, cle: str, maintenant: datetime) -> int | None:
    """Count one more attempt on `cle` before its password is checked: the number of attempts counted
    (this one included), or None when the login is waiting (nothing counted, no password to check).

    One statement, INSERT … ON CONFLICT DO UPDATE … WHERE the wait is over … RETURNING, on SQLite and
    PostgreSQL alike, under the store's write lock: the wait is checked and the attempt counted
    together, so parallel attempts cannot all pass the check before any of them is counted. The
    attempt is counted as a failure and the wait it would bring set at once; a right password then
    clears the count."""
    n = echecs.c.echecs + 1
    libre = sa.or_(echecs.c.attente_jusqua.is_(None), echecs.c.attente_jusqua <= maintenant)
    premier = {"login": cle, "echecs": 1, "dernier_echec": maintenant,
               "attente_jusqua": maintenant + timedelta(seconds=delai(1)) if delai(1) else None}
    insert = postgresql.insert if engine.dialect.name == "postgresql" else sqlite.insert  # the store's two engines
    stmt = insert(echecs).values(**premier).on_conflict_do_update(
        index_elements=[echecs.c.login], where=libre,
        set_={"echecs": n, "dernier_echec": maintenant, "attente_jusqua": _attente_apres(n, maintenant)},
    ).returning(echecs.c.echecs)
    with database.writing(engine) as conn:
        row = conn.execute(stmt).first()
    return None if row is None else int(row.echecs)


def authentifier(engine: Engine, login: str, mot_de_passe: str, maintenant: datetime | None = None) -> Connexion:
    """Check a login and password. The same message whether the login exists, is inactive or the
    password is wrong; after 5 failures on a login, no attempt is checked before the delay is over,
    however many attempts arrive at once (each is counted before its password is checked)."""
    if not prepare(engine):  # a read-only store without accounts: nobody to sign in
        return Connexion(None, REFUS_CONNEXION)
    maintenant = maintenant or _now()
    cle = normaliser_login(login)
    n = _reserver(engine, cle, maintenant)
    if n is None:
        with engine.connect() as conn:
            attente = _attente(conn, cle, maintenant)
        return Connexion(None, f"Trop d'essais infructueux pour cet identifiant : attendez {duree(max(attente, 1))} "
                               "avant de réessayer.", max(attente, 1))
    with engine.connect() as conn:
        row = conn.execute(sa.select(comptes).where(comptes.c.login == cle)).first()
    stored = row.mot_de_passe if row is not None and row.actif and row.mot_de_passe else None
    try:
        ok = _hasher.verify(stored or _LEURRE, mot_de_passe or "") and stored is not None
    except (VerificationError, InvalidHashError):
        ok = False
    if ok:
        values = {"derniere_connexion": maintenant}
        if _hasher.check_needs_rehash(stored):
            values["mot_de_passe"] = _hasher.hash(mot_de_passe)
        with database.writing(engine) as conn:
            conn.execute(echecs.delete().where(echecs.c.login == cle))
            conn.execute(comptes.update().where(comptes.c.login == cle).values(**values))
        log.info("connexion du compte %s", cle)
        return Connexion(_compte(row).identite(), "")
    log.info("connexion refusée (identifiant saisi : %r, %d échec(s))", cle, n)
    wait = delai(n)
    if wait:
        return Connexion(None, f"{REFUS_CONNEXION} Trop d'essais infructueux : attendez {duree(wait)} avant "
                               "de réessayer.", wait)
    return Connexion(None, REFUS_CONNEXION)


def identite_oidc(engine: Engine, email: str, nom: str = "", role_inconnu: str | None = "lecture") -> Identite | None:
    """The identity of a person signed in through the office's identity provider: the active account
    of that e-mail (its role from the store), else `role_inconnu` (lecture) or None."""
    email = (email or "").strip().lower()
    if not email:
        return None
    compte = par_email(engine, email)
    if compte is not None and compte.actif:
        with database.writing(engine) as conn:
            conn.execute(comptes.update().where(comptes.c.login == compte.login).values(derniere_connexion=_now()))
        return compte.identite("oidc")
    if compte is None and role_inconnu:
        return Identite("", nom or email, role_inconnu, email, "oidc")
    return None


# --- managing accounts (admin, or the operator on the command line) ------------------------------

def _verifier_mot_de_passe(mot_de_passe: str) -> None:
    if len(mot_de_passe or "") < MOT_DE_PASSE_MIN:
        raise CompteError(f"mot de passe trop court : {MOT_DE_PASSE_MIN} caractères au moins.")
    if len(mot_de_passe) > MOT_DE_PASSE_MAX:
        raise CompteError(f"mot de passe trop long : {MOT_DE_PASSE_MAX} caractères au plus.")


def _admins_actifs(conn) -> list[str]:
    return list(conn.execute(sa.select(comptes.c.login).where(comptes.c.role == "admin",
                                                               comptes.c.actif.is_(True))).scalars())


def _gerer(engine: Engine, par: Identite | None) -> Identite:
    """Managing accounts needs an admin account (or the operator), even while the store has none."""
    if not prepare(engine):
        raise CompteError(f"la base « {database.shown_url(engine.url)} » ne peut pas être modifiée (lecture seule).")
    if par is OPERATEUR:
        return par
    if mode_ouvert(engine):
        raise AccesRefuse("Le premier compte administrateur se crée sur le serveur, en ligne de commande : "
                          "python -m dashboard users add LOGIN --role admin.")
    return exiger_role(engine, par, "admin", "gérer les comptes")


def creer(engine: Engine, par: Identite | None, login: str, role: str, mot_de_passe: str | None,
          email: str = "", nom: str = "") -> Compte:
    """Create an account. `mot_de_passe` None: sign-in through OIDC only (an e-mail is then required)."""
    _gerer(engine, par)
    login = (login or "").strip().lower()
    if not LOGIN_RE.match(login):
        raise CompteError(f"identifiant « {login} » invalide : de 2 à 60 caractères, lettres minuscules sans "
                          "accent, chiffres, point, tiret ou tiret bas, en commençant par une lettre ou un chiffre.")
    if role not in ROLES:
        raise CompteError(f"rôle « {role} » inconnu : lecture, saisie ou admin.")
    email = (email or "").strip().lower()
    if email and not EMAIL_RE.match(email):
        raise CompteError(f"adresse e-mail « {email} » invalide.")
    if mot_de_passe is None and not email:
        raise CompteError("un compte sans mot de passe doit avoir une adresse e-mail (connexion par "
                          "l'annuaire de l'office).")
    if mot_de_passe is not None:
        _verifier_mot_de_passe(mot_de_passe)
    nom = (nom or "").strip()[:120]
    hashed = _hasher.hash(mot_de_passe) if mot_de_passe is not None else None
    with database.writing(engine) as conn:
        if conn.execute(sa.select(comptes.c.id).where(comptes.c.login == login)).first():
            raise CompteError(f"le compte « {login} » existe déjà.")
        if email and conn.execute(sa.select(comptes.c.login).where(comptes.c.email == email)).first():
            raise CompteError(f"l'adresse « {email} » est déjà celle d'un autre compte.")
        conn.execute(comptes.insert().values(login=login, nom=nom, email=email or None, role=role, actif=True,
                                             mot_de_passe=hashed, cree_le=_now()))
    log.info("compte %s créé (rôle %s)", login, role)
    return trouver(engine, login)


def _modifier(engine: Engine, par: Identite | None, login: str, **values) -> Compte:
    qui = _gerer(engine, par)
    login = normaliser_login(login)
    with database.writing(engine) as conn:
        row = conn.execute(sa.select(comptes).where(comptes.c.login == login)).first()
        if row is None:
            raise CompteError(f"aucun compte « {login} » : python -m dashboard users list les liste.")
        retire_admin = row.role == "admin" and row.actif and (values.get("actif") is False or
                                                               values.get("role", "admin") != "admin")
        if retire_admin and qui is not OPERATEUR:
            if qui.login == login:
                raise CompteError("vous ne pouvez pas retirer vos propres droits d'administration ni désactiver "
                                  "votre propre compte : demandez-le à un autre administrateur.")
            if _admins_actifs(conn) == [login]:
                raise CompteError(f"« {login} » est le seul administrateur actif : donnez d'abord le rôle admin "
                                  "à un autre compte.")
        conn.execute(comptes.update().where(comptes.c.login == login).values(**values))
    return trouver(engine, login)


def changer_mot_de_passe(engine: Engine, par: Identite | None, login: str, mot_de_passe: str) -> Compte:
    _verifier_mot_de_passe(mot_de_passe)
    compte = _modifier(engine, par, login, mot_de_passe=_hasher.hash(mot_de_passe))
    with database.writing(engine) as conn:  # a new password lifts the delay of that login
        conn.execute(echecs.delete().where(echecs.c.login == compte.login))
    log.info("mot de passe du compte %s changé", compte.login)
    return compte


def desactiver(engine: Engine, par: Identite | None, login: str) -> Compte:
    """Deactivate: the account can no longer sign in; the history keeps its name (never deleted)."""
    compte = _modifier(engine, par, login, actif=False)
    log.info("compte %s désactivé", compte.login)
    return compte


def reactiver(engine: Engine, par: Identite | None, login: str) -> Compte:
    compte = _modifier(engine, par, login, actif=True)
    log.info("compte %s réactivé", compte.login)
    return compte


def changer_role(engine: Engine, par: Identite | None, login: str, role: str) -> Compte:
    if role not in ROLES:
        raise CompteError(f"rôle « {role} » inconnu : lecture, saisie ou admin.")
    compte = _modifier(engine, par, login, role=role)
    log.info("rôle du compte %s : %s", compte.login, role)
    return compte
