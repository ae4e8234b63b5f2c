"""The sign-in routes (/connexion, /deconnexion) and the sessions they open, through Starlette's test client."""

from __future__ import annotations

import html
import re
from datetime import datetime, timedelta

import pytest
import sqlalchemy as sa
from asgi_builders import Client
from starlette.applications import Starlette

from dashboard import connexion
from dashboard.acces import comptes, sessions
from dashboard.acces.roles import OPERATEUR
from dashboard.suivi import store

PASSWORD = "motdepasse-saisie"
SITE = "http://testserver"


@pytest.fixture
def engine(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'suivi.sqlite'}"
    monkeypatch.setenv("DASHBOARD_DB", url)
    connexion._engine.cache_clear()
    engine = store.open_engine(url)
    comptes.creer(engine, OPERATEUR, "camille", "saisie", PASSWORD, nom="Camille Martin")
    yield engine
    connexion._engine.cache_clear()


@pytest.fixture
def client(engine):
    return Client(Starlette(routes=connexion.routes()), SITE)


def form_token(client) -> str:
    page = client.get("/connexion", params={"suite": "/budget"})
    assert page.status_code == 200
    assert '<html lang="fr">' in page.text and "Mot de passe" in page.text
    token = re.search(r'name="jeton" value="([^"]+)"', page.text).group(1)
    assert client.cookies[connexion.CSRF_COOKIE] == token
    return token


def sign_in(client, password=PASSWORD, token=None, origin=SITE, **extra):
    token = form_token(client) if token is None else token
    headers = {"Origin": origin} if origin else {}
    return client.post("/connexion", data={"jeton": token, "suite": "/budget", "identifiant": "camille",
                                           "mot_de_passe": password, **extra}, headers=headers)


def stored(engine) -> list:
    sessions.prepare(engine)
    with engine.connect() as conn:
        return conn.execute(sa.select(sessions.sessions)).all()


def test_a_sign_in_opens_a_session_in_an_httponly_lax_cookie_stored_only_hashed(client, engine):
    answer = sign_in(client)
    assert answer.status_code == 303 and answer.headers["location"] == "/budget"
    cookie = answer.headers["set-cookie"]
    assert cookie.startswith(f"{sessions.COOKIE}=") and "HttpOnly" in cookie and "SameSite=lax" in cookie
    assert "Secure" not in cookie  # plain HTTP (make run)
    token = client.cookies[sessions.COOKIE]
    rows = stored(engine)
    assert [(r.login, r.jeton_sha256) for r in rows] == [("camille", sessions.empreinte(token))]
    assert token not in repr(rows)
    assert sessions.lire(engine, token).identite.login == "camille"


def test_behind_https_the_cookie_is_secure(client):
    answer = client.post("/connexion", data={"jeton": form_token(client), "identifiant": "camille",
                                             "mot_de_passe": PASSWORD},
                         headers={"Origin": "https://testserver", "X-Forwarded-Proto": "https"})
    assert answer.status_code == 303 and "Secure" in answer.headers["set-cookie"]


@pytest.mark.parametrize("origin", [None, "http://evil.example", "https://testserver", "null"])
def test_a_post_from_another_origin_or_without_one_is_refused(client, engine, origin):
    answer = sign_in(client, origin=origin)
    assert answer.status_code == 403 and "ne vient pas d&#x27;une page de ce tableau de bord" in answer.text
    assert sessions.COOKIE not in client.cookies and stored(engine) == []


@pytest.mark.parametrize("token", ["", "un-autre-jeton"])
def test_a_post_without_the_browsers_form_token_is_refused(client, engine, token):
    form_token(client)  # the browser has its cookie; the form sends another token (or none)
    answer = sign_in(client, token=token)
    assert answer.status_code == 403 and "Formulaire expiré" in answer.text
    assert stored(engine) == []


def test_a_wrong_password_says_so_in_french_and_opens_nothing(client, engine):
    answer = sign_in(client, password="pas-le-bon-mot")
    assert answer.status_code == 401 and comptes.REFUS_CONNEXION in html.unescape(answer.text)
    assert 'value="camille"' in answer.text  # the login typed stays in the form
    assert stored(engine) == []


def test_after_five_failures_even_the_right_password_waits(client, engine):
    for _ in range(comptes.ESSAIS_LIBRES):
        assert sign_in(client, password="pas-le-bon-mot").status_code in (401, 429)
    answer = sign_in(client)
    assert answer.status_code == 429 and "Trop d'essais infructueux" in html.unescape(answer.text)
    assert stored(engine) == []


def test_sign_out_ends_the_session_for_every_tab(client, engine):
    sign_in(client)
    token = client.cookies[sessions.COOKIE]
    answer = client.post("/deconnexion", data={"jeton": client.cookies[connexion.CSRF_COOKIE], "suite": "/import"},
                         headers={"Origin": SITE})
    assert answer.status_code == 303 and answer.headers["location"] == "/import"
    assert sessions.lire(engine, token).identite is None  # the cookie another tab still sends opens nothing


def test_sign_out_from_another_site_is_refused(client, engine):
    sign_in(client)
    token = client.cookies[sessions.COOKIE]
    answer = client.post("/deconnexion", data={"jeton": client.cookies[connexion.CSRF_COOKIE]},
                         headers={"Origin": "http://evil.example"})
    assert answer.status_code == 403
    assert sessions.lire(engine, token).identite is not None


@pytest.mark.parametrize("suite, sent", [("/budget?axe=1", "/budget?axe=1"), ("//evil.example/x", "/"),
                                         ("https://evil.example", "/"), ("/\\evil.example", "/"),
                                         ("/connexion", "/"), ("", "/")])
def test_only_a_path_of_this_site_is_a_way_back(suite, sent):
    assert connexion.suite_sure(suite) == sent


def test_an_idle_session_ends_and_says_why(engine):
    t0 = datetime(2026, 3, 2, 9, 0)
    token = sessions.ouvrir(engine, "camille", t0)
    assert sessions.lire(engine, token, t0 + timedelta(minutes=59), minutes=60).identite is not None
    late = sessions.lire(engine, token, t0 + timedelta(minutes=59 + 61), minutes=60)
    assert late.identite is None and "60 minutes sans activité" in late.motif
    assert sessions.lire(engine, token, t0 + timedelta(minutes=59 + 62), minutes=60) == sessions.Lecture(None)


def test_an_active_session_still_ends_after_its_lifetime(engine):
    t0 = datetime(2026, 3, 2, 9, 0)
    token = sessions.ouvrir(engine, "camille", t0)
    now = t0
    while now + timedelta(minutes=30) < t0 + sessions.DUREE_MAX:
        now += timedelta(minutes=30)
        assert sessions.lire(engine, token, now, minutes=60).identite is not None
    ended = sessions.lire(engine, token, t0 + sessions.DUREE_MAX, minutes=60)
    assert ended.identite is None and "12 heures" in ended.motif


def test_a_deactivated_account_opens_nothing_and_a_role_change_shows_at_once(engine):
    token = sessions.ouvrir(engine, "camille")
    comptes.changer_role(engine, OPERATEUR, "camille", "lecture")
    assert sessions.lire(engine, token).identite.role == "lecture"
    comptes.desactiver(engine, OPERATEUR, "camille")
    assert "désactivé" in sessions.lire(engine, token).motif
    comptes.reactiver(engine, OPERATEUR, "camille")
    assert sessions.lire(engine, token).identite is None  # that session stays closed


def test_logout_of_an_account_ends_all_its_sessions_and_lists_none(engine):
    tokens = [sessions.ouvrir(engine, "camille") for _ in range(3)]
    assert len(sessions.ouvertes(engine, "camille")) == 3
    assert sessions.fermer_compte(engine, "Camille") == 3
    assert sessions.ouvertes(engine, "camille") == []
    assert all(sessions.lire(engine, t).identite is None for t in tokens)


@pytest.mark.parametrize(("headers", "scheme", "ok"), [
    ({"host": "tdb.agglo.fr", "origin": "http://tdb.agglo.fr"}, "http", True),
    ({"host": "tdb.agglo.fr", "origin": "https://tdb.agglo.fr", "x-forwarded-proto": "https"}, "http", True),
    ({"host": "tdb.agglo.fr", "origin": "http://tdb.agglo.fr", "x-forwarded-proto": "https"}, "http", False),
    ({"host": "tdb.agglo.fr", "referer": "http://tdb.agglo.fr/budget?axe=1"}, "http", True),  # no Origin sent
    ({"host": "tdb.agglo.fr", "referer": "http://autre.fr/tdb.agglo.fr"}, "http", False),
    ({"host": "tdb.agglo.fr", "origin": "http://tdb.agglo.fr.autre.fr"}, "http", False),
    ({"host": "tdb.agglo.fr"}, "http", False),
    ({"origin": "http://"}, "http", False),
])
def test_the_origin_must_be_this_site_as_the_browser_reached_it(headers, scheme, ok):
    assert connexion.origine_ok(headers, scheme) is ok
