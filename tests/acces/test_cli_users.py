"""`python -m dashboard users add|list|passwd|disable|enable|sessions|logout` on SQLite and PostgreSQL."""

from __future__ import annotations

import io
import json
import subprocess
import sys

import pytest
import sqlalchemy as sa

from dashboard.__main__ import main
from dashboard.acces import comptes, sessions
from dashboard.suivi import store


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def run(capsys, monkeypatch, *args, stdin: str | io.StringIO = "") -> tuple[int, str]:
    monkeypatch.setattr("sys.stdin", stdin if isinstance(stdin, io.StringIO) else io.StringIO(stdin))
    try:
        code = main(["users", *map(str, args)])
    except SystemExit as exc:  # argparse: usage errors
        code = exc.code
    out = capsys.readouterr()
    return code, out.out + out.err


def test_add_list_passwd_disable_enable(store_url, capsys, monkeypatch):
    db = ["--db", store_url]
    assert run(capsys, monkeypatch, "list", *db) == (0, "Aucun compte : tout le monde peut importer. Créez le "
                                                        "premier administrateur avec « python -m dashboard users "
                                                        "add LOGIN --role admin ».\n")
    code, out = run(capsys, monkeypatch, "add", "cmartin", "--role", "saisie", "--email", "c.martin@office.fr",
                    "--nom", "Camille Martin", *db, stdin="premier-mot-de-passe\n")
    assert (code, out) == (0, "Compte « cmartin » créé (rôle saisie).\n")
    engine = store.open_engine(store_url)
    assert comptes.authentifier(engine, "cmartin", "premier-mot-de-passe").identite.role == "saisie"

    code, out = run(capsys, monkeypatch, "list", "--json", *db)
    [listed] = json.loads(out)
    assert code == 0 and {k: listed[k] for k in ("login", "nom", "email", "role", "actif", "connexion")} == {
        "login": "cmartin", "nom": "Camille Martin", "email": "c.martin@office.fr", "role": "saisie",
        "actif": True, "connexion": "mot de passe"}
    with engine.connect() as conn:
        hashed = conn.execute(sa.select(comptes.comptes.c.mot_de_passe)).scalar()
    assert "argon2" not in out and hashed not in out and "premier-mot-de-passe" not in out

    # password typed at a terminal: asked twice
    typed = iter(["second-mot-de-passe", "second-mot-de-passe"])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(typed))
    assert run(capsys, monkeypatch, "passwd", "cmartin", *db, stdin=Terminal()) == (
        0, "Mot de passe du compte « cmartin » changé.\n")
    assert comptes.authentifier(engine, "cmartin", "second-mot-de-passe").identite is not None
    assert comptes.authentifier(engine, "cmartin", "premier-mot-de-passe").identite is None

    # signed in twice (two browsers): listed, never a token; `logout` ends both
    tokens = [sessions.ouvrir(engine, "cmartin") for _ in range(2)]
    code, out = run(capsys, monkeypatch, "sessions", "cmartin", *db)
    assert code == 0 and out.count("ouverte le ") == 2 and "fin au plus tard" in out
    assert not any(t in out or sessions.empreinte(t) in out for t in tokens)
    assert run(capsys, monkeypatch, "logout", "cmartin", *db) == (
        0, "2 session(s) du compte « cmartin » fermée(s) : chaque onglet ouvert perd la connexion au clic suivant.\n")
    assert all(sessions.lire(engine, t).identite is None for t in tokens)
    assert run(capsys, monkeypatch, "sessions", "cmartin", *db) == (0, "Aucune session ouverte pour « cmartin ».\n")
    assert run(capsys, monkeypatch, "sessions", "personne", *db)[0] == 1

    token = sessions.ouvrir(engine, "cmartin")
    assert run(capsys, monkeypatch, "disable", "cmartin", *db) == (
        0, "Compte « cmartin » désactivé : il ne peut plus se connecter (1 session(s) fermée(s)) ; l'historique "
           "garde son nom.\n")
    assert sessions.lire(engine, token).identite is None
    assert comptes.authentifier(engine, "cmartin", "second-mot-de-passe").identite is None
    code, out = run(capsys, monkeypatch, "list", *db)
    assert out.startswith("cmartin · Camille Martin · c.martin@office.fr · saisie · désactivé · ")
    assert run(capsys, monkeypatch, "enable", "cmartin", *db)[0] == 0
    assert comptes.authentifier(engine, "cmartin", "second-mot-de-passe").identite is not None
    assert sessions.lire(engine, token).identite is None  # re-enabled: its old session stays closed


@pytest.mark.parametrize(("args", "stdin", "code", "message"), [
    (["add", "cmartin", "--role", "saisie"], "court\n", 1, "Mot de passe trop court : 10 caractères au moins.\n"),
    (["add", "cmartin", "--role", "saisie"], "", 1, "Aucun mot de passe lu sur l'entrée standard"),
    (["add", "admin", "--role", "saisie"], "un-mot-de-passe-long\n", 1, "Le compte « admin » existe déjà.\n"),
    (["add", "Camille Martin", "--role", "saisie"], "un-mot-de-passe-long\n", 1,
     "Identifiant « camille martin » invalide"),
    (["add", "cmartin", "--role", "chef"], "", 2, "invalid choice: 'chef'"),
    (["add", "cmartin"], "", 2, "the following arguments are required: --role"),
    (["passwd", "personne"], "un-mot-de-passe-long\n", 1, "Aucun compte « personne »"),
    (["disable", "personne"], "", 1, "Aucun compte « personne »"),
])
def test_refusals_change_nothing(store_url, capsys, monkeypatch, args, stdin, code, message):
    engine = store.open_engine(store_url)
    comptes.creer(engine, comptes.OPERATEUR, "admin", "admin", "mot-de-passe-admin")
    before = comptes.lister(engine)
    got_code, out = run(capsys, monkeypatch, *args, "--db", store_url, stdin=stdin)
    assert got_code == code and message in out, out
    assert "Traceback" not in out
    assert comptes.lister(engine) == before


def test_passwords_typed_twice_must_match(capsys, monkeypatch, tmp_path):
    typed = iter(["un-mot-de-passe-long", "un-autre-mot-de-passe"])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(typed))
    db = f"sqlite:///{tmp_path / 'u.sqlite'}"
    code, out = run(capsys, monkeypatch, "add", "cmartin", "--role", "saisie", "--db", db, stdin=Terminal())
    assert (code, out) == (1, "Les deux mots de passe diffèrent : rien n'a été modifié.\n")
    assert comptes.lister(store.open_engine(db)) == []


def test_as_a_real_command_with_the_password_piped(tmp_path):
    db = f"sqlite:///{tmp_path / 'u.sqlite'}"
    done = subprocess.run([sys.executable, "-m", "dashboard", "users", "add", "admin", "--role", "admin", "--db", db],
                          input="mot-de-passe-admin\n", capture_output=True, text=True)
    assert (done.returncode, done.stdout, done.stderr) == (0, "Compte « admin » créé (rôle admin).\n", "")
