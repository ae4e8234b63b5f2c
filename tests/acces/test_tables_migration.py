"""Stores made before the accounts' tables moved to `base.tables` open as they were (SQLite and PostgreSQL):
accounts, sign-in failures and open sessions kept; a store made before sessions existed gains their table."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from argon2 import PasswordHasher

from dashboard.acces import comptes, sessions
from dashboard.acces.roles import Identite
from dashboard.base import tables
from dashboard.suivi import store

MDP = "un-mot-de-passe-ancien"
NOW = datetime.now(UTC).replace(tzinfo=None).replace(microsecond=0)


def earlier_layout() -> tuple[sa.MetaData, sa.Table, sa.Table, sa.Table]:
    """The accounts' tables as `acces.comptes` and `acces.sessions` defined them before the move."""
    md = sa.MetaData()
    c = sa.Table("acces_comptes", md,
                 sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
                 sa.Column("login", sa.String(60), nullable=False, unique=True),
                 sa.Column("nom", sa.String(120), nullable=False, default=""),
                 sa.Column("email", sa.String(254), nullable=True, unique=True),
                 sa.Column("role", sa.String(10), nullable=False),
                 sa.Column("actif", sa.Boolean, nullable=False, default=True),
                 sa.Column("mot_de_passe", sa.String(255), nullable=True),
                 sa.Column("cree_le", sa.DateTime, nullable=False),
                 sa.Column("derniere_connexion", sa.DateTime, nullable=True))
    e = sa.Table("acces_echecs", md,
                 sa.Column("login", sa.String(60), primary_key=True),
                 sa.Column("echecs", sa.Integer, nullable=False, default=0),
                 sa.Column("dernier_echec", sa.DateTime, nullable=False),
                 sa.Column("attente_jusqua", sa.DateTime, nullable=True))
    s = sa.Table("acces_sessions", md,
                 sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
                 sa.Column("jeton_sha256", sa.String(64), nullable=False, unique=True),
                 sa.Column("login", sa.String(60), nullable=False, index=True),
                 sa.Column("cree_le", sa.DateTime, nullable=False),
                 sa.Column("derniere_activite", sa.DateTime, nullable=False),
                 sa.Column("expire_le", sa.DateTime, nullable=False),
                 sa.Column("fermee_le", sa.DateTime, nullable=True))
    return md, c, e, s


def old_store(url: str, *, with_sessions: bool) -> str:
    """A store as the earlier version left it: the follow-up's tables, one account, a login waiting after
    failed attempts and (with_sessions) one open session; the token of that session."""
    md, c, e, s = earlier_layout()
    engine = sa.create_engine(store.with_driver(url))
    store.metadata.create_all(engine)
    c.create(engine)
    e.create(engine)
    if with_sessions:
        s.create(engine)
    token = "jeton-d-une-session-ouverte-avant-la-mise-a-jour"
    with engine.begin() as conn:
        conn.execute(c.insert().values(login="cmartin", nom="Camille Martin", email="c.martin@office.fr",
                                       role="saisie", actif=True, mot_de_passe=PasswordHasher().hash(MDP),
                                       cree_le=NOW - timedelta(days=30)))
        conn.execute(e.insert().values(login="intrus", echecs=6, dernier_echec=NOW,
                                       attente_jusqua=NOW + timedelta(minutes=10)))
        if with_sessions:
            conn.execute(s.insert().values(jeton_sha256=sessions.empreinte(token), login="cmartin", cree_le=NOW,
                                           derniere_activite=NOW, expire_le=NOW + timedelta(hours=12)))
    engine.dispose()
    return token


def test_the_tables_are_the_same_as_before_the_move():
    """Same names, same columns, same types: nothing for an existing store to migrate."""
    _, c, e, s = earlier_layout()
    for before, now in ((c, tables.comptes), (e, tables.echecs), (s, tables.sessions)):
        assert now.name == before.name
        assert [(x.name, str(x.type), x.nullable, x.primary_key, x.unique) for x in now.columns] == [
            (x.name, str(x.type), x.nullable, x.primary_key, x.unique) for x in before.columns]


def test_a_store_of_the_earlier_layout_keeps_accounts_failures_and_sessions(store_url):
    token = old_store(store_url, with_sessions=True)
    engine = store.open_engine(store_url)
    assert [(x.login, x.nom, x.email, x.role, x.actif) for x in comptes.lister(engine)] == [
        ("cmartin", "Camille Martin", "c.martin@office.fr", "saisie", True)]
    assert sessions.lire(engine, token, NOW + timedelta(seconds=5)).identite == Identite(
        "cmartin", "Camille Martin", "saisie", "c.martin@office.fr", "mot de passe")
    # the failures counted before the update still hold the login back
    waiting = comptes.authentifier(engine, "intrus", "peu importe", NOW + timedelta(minutes=1))
    assert waiting.identite is None and waiting.attente == 9 * 60
    assert comptes.authentifier(engine, "cmartin", MDP, NOW).identite.login == "cmartin"


def test_a_store_made_before_sessions_gains_their_table(store_url):
    old_store(store_url, with_sessions=False)
    engine = store.open_engine(store_url)
    assert not sa.inspect(engine).has_table("acces_sessions")
    token = sessions.ouvrir(engine, "cmartin", NOW)
    assert sa.inspect(engine).has_table("acces_sessions")
    assert sessions.lire(engine, token, NOW).identite.login == "cmartin"
    assert [x.login for x in comptes.lister(engine)] == ["cmartin"]


@pytest.mark.parametrize("module", [comptes, sessions])
def test_the_access_modules_use_the_tables_of_base(module):
    """One definition of each table: `acces` reads and writes the very objects of `base.tables`."""
    if module is comptes:
        assert (comptes.comptes, comptes.echecs, comptes.metadata) == (tables.comptes, tables.echecs,
                                                                       tables.comptes_metadata)
    else:
        assert (sessions.sessions, sessions.metadata) == (tables.sessions, tables.sessions_metadata)
