"""Deferred downloads (built at the click): built only while the session that drew the button is still
signed in as the same person and, when reading needs an account, that account may still read."""

from __future__ import annotations

import pytest

from dashboard.acces import comptes, sessions, telechargements
from dashboard.acces.roles import OPERATEUR, AccesRefuse, Identite
from dashboard.suivi import store

MDP = "correct-cheval-agrafe"


@pytest.fixture
def engine(store_url):
    engine = store.open_engine(store_url)
    comptes.creer(engine, OPERATEUR, "admin", "admin", MDP)
    comptes.creer(engine, OPERATEUR, "lise", "lecture", MDP, nom="Lise")
    return engine


def deck() -> bytes:
    return b"<!DOCTYPE html> le diaporama"


def test_a_reader_gets_the_file_until_signed_out_or_deactivated(engine):
    jeton = telechargements.Jeton(comptes.authentifier(engine, "lise", MDP).identite)
    build = telechargements.garde(engine, jeton, deck, lecture_sur_compte=True)
    assert build() == deck()
    comptes.desactiver(engine, OPERATEUR, "lise")  # the account can no longer read: nor build the file
    with pytest.raises(AccesRefuse, match="plus disponible"):
        build()
    comptes.reactiver(engine, OPERATEUR, "lise")
    assert build() == deck()
    jeton.revoquer()  # the session signed out: its buttons no longer build anything
    with pytest.raises(AccesRefuse, match="plus disponible"):
        build()


def test_a_tab_signed_out_elsewhere_builds_nothing_before_its_next_run(engine):
    """Signed out in another tab (or by `users logout`): this tab's buttons, drawn while signed in,
    stop building at once, even before this tab runs again and sees it."""
    token = sessions.ouvrir(engine, "lise")
    jeton = telechargements.Jeton(sessions.lire(engine, token).identite, token)
    build = telechargements.garde(engine, jeton, deck, lecture_sur_compte=True)
    assert build() == deck()
    sessions.fermer(engine, token)
    with pytest.raises(AccesRefuse, match="plus disponible"):
        build()


def test_an_anonymous_session_builds_nothing_when_reading_needs_an_account(engine):
    with pytest.raises(AccesRefuse):
        telechargements.garde(engine, telechargements.Jeton(None), deck, lecture_sur_compte=True)()
    gone = Identite("ancien", "", "lecture")  # a login that has no account
    with pytest.raises(AccesRefuse):
        telechargements.garde(engine, telechargements.Jeton(gone), deck, lecture_sur_compte=True)()
    # reading open to anyone: the file is what any visitor may read anyway
    assert telechargements.garde(engine, telechargements.Jeton(None), deck, lecture_sur_compte=False)() == deck()
