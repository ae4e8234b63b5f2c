"""Accounts in the store (SQLite and PostgreSQL): argon2 hashes, sign-in and its delay shared
through the database, the role rule where the action happens, older stores gaining the audit columns."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
import sqlalchemy as sa
from acces_builders import suivi_file

from dashboard.acces import comptes, ecritures, roles
from dashboard.acces.roles import OPERATEUR, AccesRefuse, Identite
from dashboard.suivi import store

MDP = "correct-cheval-agrafe"
T0 = datetime(2026, 3, 2, 9, 0, 0)


@pytest.fixture
def engine(store_url):
    return store.open_engine(store_url)


def add(engine, login, role, mdp=MDP, email=""):
    return comptes.creer(engine, OPERATEUR, login, role, mdp, email=email, nom=login.capitalize())


def test_password_is_stored_as_argon2_hash_never_in_clear(engine):
    add(engine, "camille", "saisie")
    with engine.connect() as conn:
        rows = [tuple(r) for t in comptes.metadata.sorted_tables for r in conn.execute(sa.select(t))]
    assert rows and not any(MDP in str(v) for r in rows for v in r)
    with engine.connect() as conn:
        hashed = conn.execute(sa.select(comptes.comptes.c.mot_de_passe)).scalar()
    assert hashed.startswith("$argon2id$")
    assert comptes.lister(engine)[0].as_dict()["connexion"] == "mot de passe"  # how, never the hash


@pytest.mark.parametrize(("login", "mdp", "ok"), [
    ("camille", MDP, True),
    ("CAMILLE ", MDP, True),         # the login is not case-sensitive
    ("camille", MDP.upper(), False),
    ("camille", "", False),
    ("inconnu", MDP, False),
    ("ancien", MDP, False),          # deactivated
])
def test_sign_in(engine, login, mdp, ok):
    add(engine, "camille", "saisie")
    add(engine, "ancien", "admin")
    comptes.desactiver(engine, OPERATEUR, "ancien")
    got = comptes.authentifier(engine, login, mdp, T0)
    assert (got.identite is not None) == ok
    if ok:
        assert got.identite == Identite("camille", "Camille", "saisie")
        assert comptes.trouver(engine, "camille").derniere_connexion == T0
    else:  # one message, whether the login exists, is inactive, or the password is wrong
        assert got.message == "Identifiant ou mot de passe incorrect."


@pytest.mark.parametrize("login", ["camille", "personne"])
def test_sixth_attempt_waits_and_delay_grows_same_for_unknown_login(engine, login):
    add(engine, "camille", "saisie")
    for i in range(1, 5):
        got = comptes.authentifier(engine, login, "faux", T0 + timedelta(seconds=i))
        assert got.message == "Identifiant ou mot de passe incorrect." and got.attente == 0
    fifth = comptes.authentifier(engine, login, "faux", T0 + timedelta(seconds=5))
    assert fifth.attente == 30
    assert fifth.message == ("Identifiant ou mot de passe incorrect. Trop d'essais infructueux : attendez "
                             "30 secondes avant de réessayer.")
    # the sixth attempt, 10 s later, is not even checked: the right password does not get in
    sixth = comptes.authentifier(engine, login, MDP, T0 + timedelta(seconds=15))
    assert sixth.identite is None and sixth.attente == 20
    assert sixth.message == "Trop d'essais infructueux pour cet identifiant : attendez 20 secondes avant de réessayer."
    # after the wait, a wrong password doubles the delay
    seventh = comptes.authentifier(engine, login, "faux", T0 + timedelta(seconds=36))
    assert seventh.attente == 60 and "attendez 1 minute avant" in seventh.message
    if login == "camille":  # after the wait, the right password gets in and the count starts again
        ok = comptes.authentifier(engine, login, MDP, T0 + timedelta(seconds=97))
        assert ok.identite is not None
        assert comptes.authentifier(engine, login, "faux", T0 + timedelta(seconds=98)).attente == 0


def test_the_delay_is_shared_by_every_process_through_the_store(store_url):
    """Two engines = two app processes: failures counted by one delay the other."""
    a, b = store.open_engine(store_url), store.open_engine(store_url)
    add(a, "camille", "saisie")
    for i in range(3):
        comptes.authentifier(a, "camille", "faux", T0 + timedelta(seconds=i))
    for i in range(3, 5):
        comptes.authentifier(b, "camille", "faux", T0 + timedelta(seconds=i))
    assert comptes.authentifier(a, "camille", MDP, T0 + timedelta(seconds=6)).attente > 0


@pytest.mark.parametrize(("n", "seconds"), [(0, 0), (4, 0), (5, 30), (6, 60), (7, 120), (9, 480), (10, 900),
                                            (30, 900)])
def test_delay_table(n, seconds):
    assert comptes.delai(n) == seconds


@pytest.mark.parametrize(("login", "role", "mdp", "email", "message"), [
    ("Camille Martin", "saisie", MDP, "", "identifiant « camille martin » invalide"),
    ("c", "saisie", MDP, "", "identifiant « c » invalide"),
    ("camille", "chef", MDP, "", "rôle « chef » inconnu"),
    ("camille", "saisie", "court", "", "mot de passe trop court : 10 caractères au moins."),
    ("camille", "saisie", MDP, "pas-une-adresse", "adresse e-mail « pas-une-adresse » invalide."),
    ("camille", "saisie", None, "", "un compte sans mot de passe doit avoir une adresse e-mail"),
    ("admin", "saisie", MDP, "", "le compte « admin » existe déjà."),
    ("autre", "saisie", MDP, "Admin@Office.fr", "l'adresse « admin@office.fr » est déjà celle d'un autre compte."),
])
def test_create_refused_with_a_french_message_and_nothing_written(engine, login, role, mdp, email, message):
    add(engine, "admin", "admin", email="admin@office.fr")
    before = comptes.lister(engine)
    with pytest.raises(comptes.CompteError) as err:
        comptes.creer(engine, OPERATEUR, login, role, mdp, email=email)
    assert message in str(err.value)
    assert comptes.lister(engine) == before


def test_open_mode_until_the_first_account(engine):
    assert comptes.mode_ouvert(engine)
    assert comptes.exiger_role(engine, None, "admin") is None  # today's behaviour: anyone
    with pytest.raises(AccesRefuse, match="ligne de commande"):  # but not account management
        comptes.creer(engine, None, "moi", "admin", MDP)
    add(engine, "admin", "admin")
    assert not comptes.mode_ouvert(engine)
    with pytest.raises(AccesRefuse, match="Connectez-vous avec un compte « saisie » ou « admin » pour importer"):
        comptes.exiger_role(engine, None, "saisie", "importer")


@pytest.mark.parametrize(("role", "requis", "ok"), [
    ("lecture", "lecture", True), ("lecture", "saisie", False), ("lecture", "admin", False),
    ("saisie", "saisie", True), ("saisie", "admin", False), ("admin", "saisie", True), ("admin", "admin", True),
])
def test_role_table(engine, role, requis, ok):
    add(engine, "quelquun", role)
    assert comptes.peut(engine, Identite("quelquun", "", role), requis) == ok


def test_the_store_is_read_again_a_lowered_role_or_a_deactivated_account_stops_an_open_session(engine):
    add(engine, "admin", "admin")
    add(engine, "camille", "saisie")
    session = comptes.authentifier(engine, "camille", MDP, T0).identite
    assert comptes.peut(engine, session, "saisie")
    comptes.changer_role(engine, OPERATEUR, "camille", "lecture")
    with pytest.raises(AccesRefuse, match="Votre rôle « lecture » ne permet pas d'annuler"):
        comptes.exiger_role(engine, session, "saisie", "annuler un import")
    comptes.changer_role(engine, OPERATEUR, "camille", "saisie")
    comptes.desactiver(engine, OPERATEUR, "camille")
    assert not comptes.peut(engine, session, "lecture")
    forged = Identite("camille", "Camille", "admin")  # a role claimed by the session counts for nothing
    comptes.reactiver(engine, OPERATEUR, "camille")
    assert not comptes.peut(engine, forged, "admin")


def test_admin_cannot_lock_everyone_out(engine):
    add(engine, "admin", "admin")
    add(engine, "camille", "saisie")
    me = Identite("admin", "Admin", "admin")
    with pytest.raises(comptes.CompteError, match="vos propres droits"):
        comptes.desactiver(engine, me, "admin")
    with pytest.raises(AccesRefuse):
        comptes.changer_role(engine, Identite("camille", "", "saisie"), "camille", "admin")
    comptes.changer_role(engine, me, "camille", "admin")
    comptes.changer_role(engine, Identite("camille", "", "admin"), "admin", "saisie")  # another admin remains
    assert {c.login: c.role for c in comptes.lister(engine)} == {"admin": "saisie", "camille": "admin"}


def test_writing_functions_refuse_lecture_and_record_the_account(engine, plan):
    add(engine, "lise", "lecture")
    add(engine, "camille", "saisie")
    lise, camille = Identite("lise", "Lise", "lecture"), Identite("camille", "Camille", "saisie")
    data = suivi_file(plan)
    for call in (lambda: ecritures.importer(engine, lise, data, plan, file_name="s.xlsx"),
                 lambda: ecritures.importer(engine, None, data, plan, file_name="s.xlsx", nom_libre="Moi"),
                 lambda: ecritures.retirer_demo(engine, camille)):
        with pytest.raises(AccesRefuse):
            call()
    assert store.history(engine).empty
    done = ecritures.importer(engine, camille, data, plan, file_name="s.xlsx", nom_libre="ignoré")
    assert done.batch_id == 1
    with pytest.raises(AccesRefuse):
        ecritures.annuler(engine, lise, 1)
    assert store.history(engine)["actif"].tolist() == [True]
    ecritures.annuler(engine, camille, 1)
    h = store.history(engine).iloc[0]
    assert (h["utilisateur"], h["compte"], h["annule_par"], h["actif"]) == ("Camille", "camille", "camille", False)


def test_an_older_store_gains_the_audit_columns_and_keeps_its_imports(tmp_path):
    """A store created before accounts existed: suivi_imports without compte / annule_par."""
    url = f"sqlite:///{tmp_path / 'ancien.sqlite'}"
    old = sa.MetaData()
    cols = [sa.Column(c.name, c.type, primary_key=c.primary_key, nullable=c.nullable)
            for c in store.batches.columns if c.name not in ("compte", "annule_par")]
    sa.Table("suivi_imports", old, *cols)
    e = sa.create_engine(url)
    old.create_all(e)
    with e.begin() as conn:
        conn.execute(sa.text("INSERT INTO suivi_imports (file_name, sha256, annees, created_at, user_name, n_new, "
                             "n_changed, n_unchanged, n_ignored, active, demo) VALUES ('vieux.xlsx', 'ab', '2024', "
                             "'2025-01-02 10:00:00', 'Camille', 3, 0, 0, 0, 1, 0)"))
    e.dispose()
    engine = store.open_engine(url)
    h = store.history(engine)
    assert h[["fichier", "utilisateur", "compte", "annule_par"]].values.tolist() == [["vieux.xlsx", "Camille", "", ""]]
    store.rollback(engine, 1, par="admin")
    assert store.history(store.open_engine(url))["annule_par"].tolist() == ["admin"]


@pytest.mark.parametrize(("env", "lecture", "minutes", "inconnu"), [
    ({}, False, 60, "lecture"),
    ({"DASHBOARD_LECTURE": "compte", "DASHBOARD_SESSION_MINUTES": "15", "DASHBOARD_OIDC_INCONNU": "aucun"},
     True, 15, None),
    ({"DASHBOARD_LECTURE": "ouverte", "DASHBOARD_SESSION_MINUTES": "zéro"}, False, 60, "lecture"),
])
def test_settings(env, lecture, minutes, inconnu):
    assert roles.lecture_sur_compte(env) == lecture
    assert roles.minutes_inactivite(env) == minutes
    assert roles.role_oidc_inconnu(env) == inconnu


@pytest.mark.parametrize(("idle_minutes", "expired"), [(None, False), (59, False), (61, True)])
def test_idle_expiry(idle_minutes, expired):
    last = None if idle_minutes is None else T0 - timedelta(minutes=idle_minutes)
    assert roles.expiree(last, T0, 60) == expired


class _CountingHasher:
    """comptes' argon2 hasher, counting the passwords it checks (each check slowed down a little, so
    that parallel attempts overlap as they do on a busy server)."""

    def __init__(self, hasher):
        import threading

        self._hasher, self._lock, self.checked = hasher, threading.Lock(), 0

    def verify(self, hashed, password):
        import time

        with self._lock:
            self.checked += 1
        time.sleep(0.05)
        return self._hasher.verify(hashed, password)

    def __getattr__(self, name):
        return getattr(self._hasher, name)


def test_twenty_parallel_attempts_check_at_most_five_passwords_before_the_wait(engine, monkeypatch):
    """20 sessions at once, 19 wrong passwords then the right one: the wait is checked and the attempt
    counted together, so no more than 5 passwords are checked before the wait."""
    import threading

    add(engine, "camille", "saisie")
    hasher = _CountingHasher(comptes._hasher)
    monkeypatch.setattr(comptes, "_hasher", hasher)
    start = threading.Barrier(20)
    results: list = [None] * 20

    def attempt(i: int) -> None:
        start.wait()
        results[i] = comptes.authentifier(engine, "camille", MDP if i == 19 else f"faux-{i}", T0)

    threads = [threading.Thread(target=attempt, args=(i,)) for i in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert all(r is not None for r in results)
    assert hasher.checked <= comptes.ESSAIS_LIBRES, f"{hasher.checked} mots de passe vérifiés sur 20"
    refused = [r for r in results if r.identite is None]
    assert len(refused) >= 20 - comptes.ESSAIS_LIBRES
    assert sum(r.attente > 0 for r in refused) >= 20 - comptes.ESSAIS_LIBRES
    assert sum(r.identite is not None for r in results) <= 1
    if all(r.identite is None for r in results):  # the count is in the store: the right password now waits
        assert comptes.authentifier(engine, "camille", MDP, T0 + timedelta(seconds=1)).attente > 0


def test_an_open_session_is_read_again_from_the_store(engine):
    add(engine, "admin", "admin")
    add(engine, "camille", "saisie")
    session = comptes.authentifier(engine, "camille", MDP, T0).identite
    assert comptes.relire(engine, session) == session
    comptes.changer_role(engine, OPERATEUR, "camille", "lecture")
    assert comptes.relire(engine, session) == Identite("camille", "Camille", "lecture")
    comptes.desactiver(engine, OPERATEUR, "camille")
    assert comptes.relire(engine, session) is None
    assert comptes.relire(engine, None) is None
    visitor = Identite("", "Invité", "lecture", "invite@office.fr", "oidc")  # no account: kept as it is
    assert comptes.relire(engine, visitor) == visitor
