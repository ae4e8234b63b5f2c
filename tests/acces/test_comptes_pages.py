"""The pages with accounts in the store (AppTest through app.py's navigation)."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from acces_builders import suivi_file
from markdown_builders import literal
from streamlit.testing.v1 import AppTest
from versions_builders import revise

from dashboard import etat, ui
from dashboard.acces import comptes, sessions
from dashboard.acces.roles import OPERATEUR, Identite
from dashboard.plan import versions
from dashboard.suivi import demo, store

ROOT = Path(__file__).resolve().parents[2]
APP = str(ROOT / "app.py")
PAGES = ["vues/vue_ensemble.py", "vues/budget.py", "vues/effectifs.py", "vues/calendrier.py", "vues/indicateurs.py",
         "vues/actions.py", "vues/import_suivi.py", "vues/comite.py", "vues/plan.py"]
PASSWORDS = {"admin": "motdepasse-admin", "camille": "motdepasse-saisie", "lise": "motdepasse-lecture"}
WRITING_KEYS = ("confirmer_import", "annuler_import", "retirer_demo")
PLAN_WRITING = ("Enregistrer et rendre cette version courante", "Rendre cette version courante")


@pytest.fixture(scope="module")
def seeded(tmp_path_factory, plan):
    """A store with three accounts (admin, saisie, lecture), the demo data and one real import."""
    path = tmp_path_factory.mktemp("comptes") / "seed.sqlite"
    engine = store.open_engine(f"sqlite:///{path}")
    comptes.creer(engine, OPERATEUR, "admin", "admin", PASSWORDS["admin"], nom="Alice Admin")
    comptes.creer(engine, OPERATEUR, "camille", "saisie", PASSWORDS["camille"], email="camille@office.fr",
                  nom="Camille Martin")
    comptes.creer(engine, OPERATEUR, "lise", "lecture", PASSWORDS["lise"], nom="Lise Petit")
    demo.load(engine, plan)
    versions.ensure_schema(engine)
    versions.ensure_first_version(engine)  # the voted plan, then a revision in force: a return is possible
    versions.import_version(engine, revise(budget=True), file_name="revision.xlsx", label="Révision",
                            auteur="opérateur")
    engine.dispose()
    return path


@pytest.fixture
def db(seeded, tmp_path, monkeypatch):
    """This test's copy of the seeded store (DASHBOARD_DB)."""
    path = tmp_path / "suivi.sqlite"
    shutil.copy(seeded, path)
    url = f"sqlite:///{path}"
    monkeypatch.setenv("DASHBOARD_DB", url)
    return store.open_engine(url)


def snapshot(engine) -> dict:
    """Every row of every table of the store and of the accounts (to prove nothing was written)."""
    with engine.connect() as conn:  # (a sign-in dates the account's last connection: not a change)
        return {t.name: sorted(map(tuple, conn.execute(sa.select(*[c for c in t.columns
                                                                   if c.name != "derniere_connexion"])).all()),
                               key=repr)
                for md in (store.metadata, comptes.metadata, versions.metadata) for t in md.sorted_tables
                if t.name != "acces_echecs"}


def app() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=90).run()
    assert not at.exception, [e.message for e in at.exception]
    return at


# The browser's session cookie, as the pages read it (ui.jeton_de_session: st.context.cookies, which
# AppTest cannot send): what POST /connexion gives, what POST /deconnexion makes useless.
BROWSER: dict = {}


@pytest.fixture(autouse=True)
def browser(monkeypatch):
    BROWSER.clear()
    monkeypatch.setattr(ui.comptes, "jeton_de_session", lambda: BROWSER.get("session"))
    return BROWSER


def sign_in(at: AppTest, login: str, password: str) -> AppTest:
    """What POST /connexion does (dashboard.connexion), then the next run of the page: the refusal's
    message in BROWSER["refus"], or a session in the store and its token in the browser."""
    engine = store.open_engine()
    result = comptes.authentifier(engine, login, password)
    if result.identite is None:
        BROWSER["refus"] = result.message
    else:
        BROWSER["session"] = sessions.ouvrir(engine, result.identite.login)
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def sign_out(at: AppTest) -> AppTest:
    """What POST /deconnexion does: the session ended in the store (the browser's cookie then removed)."""
    sessions.fermer(store.open_engine(), BROWSER.pop("session"))
    return at.run()


def sign_in_link(at: AppTest) -> bool:
    """The sidebar (or the page, when reading needs an account) links to the sign-in form."""
    return any('href="/connexion?suite=' in e.proto.body for e in at.get("html"))


def sidebar_text(at: AppTest) -> str:
    return " ".join(literal(getattr(e, "value", "")) for e in at.sidebar.markdown)


def writing_controls(at: AppTest) -> list[str]:
    """What on the page could change the figures: an upload, a confirm, a rollback, the demo removal."""
    found = [f"dépôt {u.label}" for u in at.file_uploader]
    found += [b.key for b in at.button if b.key in WRITING_KEYS]
    found += [c.key for c in at.checkbox if (c.key or "").startswith("confirmer_annulation")]
    found += [b.label for b in at.button if b.label in PLAN_WRITING]
    return found


@pytest.mark.parametrize(("login", "password"), [
    (None, None),                            # anonymous
    ("lise", PASSWORDS["lise"]),             # lecture
    ("camille", "pas-le-bon-mot-de-passe"),  # a wrong password gets in nowhere
    ("inconnu", PASSWORDS["camille"]),
])
def test_anonymous_lecture_and_wrong_password_see_no_writing_control_on_any_page(db, login, password):
    before = snapshot(db)
    at = app()
    if login:
        sign_in(at, login, password)
        if login == "lise":
            assert "Lise Petit (lise)" in sidebar_text(at) and "Rôle : lecture" in sidebar_text(at)
        else:
            assert BROWSER["refus"] == "Identifiant ou mot de passe incorrect." and "session" not in BROWSER
            assert sign_in_link(at)  # still signed out
    for page in PAGES:
        at.switch_page(page).run()
        assert not at.exception, (page, [e.message for e in at.exception])
        assert writing_controls(at) == [], page
    at.switch_page("vues/import_suivi.py").run()
    said = ("Votre rôle « lecture » permet de consulter, pas de déposer un classeur de suivi : demandez le rôle "
            "« saisie »" if login == "lise" else "Pour déposer un classeur de suivi, connectez-vous avec un compte "
            "« saisie » ou « admin »")
    assert any(i.value.startswith(said) for i in at.info), [i.value for i in at.info]
    assert any("Seul un compte « admin » peut retirer" in c.value for c in at.caption)
    with pytest.raises(ValueError, match="Could not find a navigation page"):  # no « Comptes » page in the menu
        at.switch_page("vues/comptes.py")
    assert snapshot(db) == before


def test_the_comptes_page_refuses_a_session_that_only_claims_admin(db):
    """The page run directly with a session state forged to say « admin »: the store says lecture."""
    at = AppTest.from_file(str(ROOT / "vues" / "comptes.py"), default_timeout=60)
    at.session_state["_compte_identite"] = ("lise", Identite("lise", "Lise Petit", "admin"))
    at.run()
    assert not at.exception
    assert at.warning[0].value.startswith("Cette page est réservée aux comptes « admin »")
    assert not at.dataframe and not at.text_input


def test_saisie_imports_and_rolls_back_and_the_history_names_the_account(db, plan):
    at = sign_in(app(), "camille", PASSWORDS["camille"])
    assert "Camille Martin (camille)" in sidebar_text(at) and "Rôle : saisie" in sidebar_text(at)
    at.switch_page("vues/import_suivi.py").run()
    assert not [t for t in at.text_input if t.key == "import_user"]  # no free-text name with accounts
    at.file_uploader[0].set_value(("suivi_2025.xlsx", suivi_file(plan), "application/octet-stream")).run()
    at.button(key="confirmer_import").click().run()
    assert not at.exception, [e.message for e in at.exception]
    # the real import replaces the demo batches (deleted in the same transaction)
    assert literal(at.success[0].value) == ("Import n° 1 enregistré (suivi_2025.xlsx, 2025) : 1 valeur(s) nouvelle(s), "
                                   "0 modifiée(s), 0 inchangée(s), 0 ignorée(s). Les données de démonstration ont "
                                   "été retirées.")
    history = at.dataframe[0].value
    assert history[["N°", "Importé par", "État"]].values.tolist() == [[1, "Camille Martin (camille)", "actif"]]
    at.checkbox(key="confirmer_annulation_1").check().run()
    at.button(key="annuler_import").click().run()
    assert not at.exception
    assert at.success[0].value == "Import n° 1 annulé : les valeurs d'avant sont rétablies."
    assert at.dataframe[0].value.iloc[0]["État"].endswith(" par camille")
    h = store.history(db).iloc[0]
    assert (h["compte"], h["annule_par"], h["actif"]) == ("camille", "camille", False)


def test_admin_removes_the_demo_and_sees_the_comptes_page(db):
    at = sign_in(app(), "admin", PASSWORDS["admin"])
    at.switch_page("vues/comptes.py").run()
    assert not at.exception
    assert at.dataframe[0].value["Identifiant"].tolist() == ["admin", "camille", "lise"]
    at.text_input(key="creer_login").input("paul")
    at.text_input(key="creer_nom").input("Paul Durand")
    at.selectbox(key="creer_role").set_value("saisie")
    at.text_input(key="creer_mdp").input("motdepasse-paul")
    at.text_input(key="creer_mdp2").input("motdepasse-paul")
    next(b for b in at.button if b.label == "Créer le compte").click().run()
    assert not at.exception
    assert at.success[0].value == "Compte « paul » créé (rôle saisie)."
    assert comptes.trouver(db, "paul").role == "saisie"
    at.selectbox(key="modifier_login").set_value("admin").run()
    at.button(key="compte_desactiver").click().run()
    assert "vous ne pouvez pas retirer vos propres droits" in at.error[0].value.lower()
    assert comptes.trouver(db, "admin").actif
    at.switch_page("vues/vue_ensemble.py").run()
    at.button(key="retirer_demo").click().run()
    assert not at.exception
    assert not store.load_suivi(db).demo


def test_idle_session_is_closed(db, monkeypatch):
    monkeypatch.setenv("DASHBOARD_SESSION_MINUTES", "15")
    at = sign_in(app(), "camille", PASSWORDS["camille"])
    assert "Camille Martin (camille)" in sidebar_text(at)
    with db.begin() as conn:  # its last activity, 16 minutes ago
        conn.execute(sessions.sessions.update().values(derniere_activite=datetime.now(UTC).replace(tzinfo=None)
                                                       - timedelta(minutes=16)))
    at.run()
    assert not at.exception
    assert "Camille Martin" not in sidebar_text(at)
    assert any("Session fermée après 15 minutes sans activité" in i.value for i in at.sidebar.info)
    assert sign_in_link(at)


def test_reading_needs_an_account_when_configured(db, monkeypatch):
    monkeypatch.setenv("DASHBOARD_LECTURE", "compte")
    at = app()
    assert any("réservé aux comptes de l'office" in i.value for i in at.info)
    assert not at.metric  # the overview's figures are not shown
    sign_in(at, "lise", PASSWORDS["lise"])
    assert [m.value for m in at.metric if m.label == "Fiches action"] == ["53"]


def test_a_deactivated_account_loses_its_open_session_at_the_next_click(db, monkeypatch):
    monkeypatch.setenv("DASHBOARD_LECTURE", "compte")
    at = sign_in(app(), "lise", PASSWORDS["lise"])
    assert [m.value for m in at.metric if m.label == "Fiches action"] == ["53"]
    comptes.desactiver(db, OPERATEUR, "lise")  # from another session, or `users disable lise`
    at.run()
    assert not at.exception
    assert not at.metric  # the page is no longer shown: only the sign-in
    assert any("réservé aux comptes de l'office" in i.value for i in at.info)
    assert any("Votre compte a été désactivé" in i.value for i in at.info)
    assert sign_in_link(at)


def test_a_role_change_applies_to_an_open_session_at_the_next_click(db):
    at = sign_in(app(), "camille", PASSWORDS["camille"])
    at.switch_page("vues/import_suivi.py").run()
    assert "Rôle : saisie" in sidebar_text(at) and at.file_uploader
    comptes.changer_role(db, OPERATEUR, "camille", "lecture")
    at.run()
    assert not at.exception
    assert "Rôle : lecture" in sidebar_text(at) and not at.file_uploader
    comptes.changer_role(db, OPERATEUR, "camille", "admin")
    at.run()
    assert "Rôle : administration" in sidebar_text(at) and at.file_uploader


def test_the_comite_downloads_stop_building_once_the_session_signs_out_or_the_account_is_deactivated(db, monkeypatch):
    """The deck files are built at the click, for whoever sends the button's id (Streamlit): they are
    built only while the session that drew them is signed in as the same, still active, reader."""
    monkeypatch.setenv("DASHBOARD_LECTURE", "compte")
    at = sign_in(app(), "lise", PASSWORDS["lise"])
    at.switch_page("vues/comite.py").run()
    assert not at.exception
    jeton = at.session_state["_telechargement_jeton"]
    assert jeton.valide and jeton.identite.login == "lise"
    sign_out(at)
    assert not jeton.valide  # every deferred download drawn for lise now refuses to build
    sign_in(at, "lise", PASSWORDS["lise"])
    at.switch_page("vues/comite.py").run()
    again = at.session_state["_telechargement_jeton"]
    assert again is not jeton and again.valide
    comptes.desactiver(db, OPERATEUR, "lise")
    at.run()
    assert not again.valide


def test_open_mode_without_any_account_says_who_may_import(tmp_path, monkeypatch):
    monkeypatch.setenv("DASHBOARD_DB", f"sqlite:///{tmp_path / 'ouvert.sqlite'}")
    at = app()
    assert not sign_in_link(at) and not at.sidebar.get("html")  # no sign-in while no account exists
    at.switch_page("vues/import_suivi.py").run()
    notice = " ".join(i.value for i in at.info)
    assert "Aucun compte n'est encore créé : toute personne" in notice
    assert "python -m dashboard users add LOGIN --role admin" in notice
    assert at.file_uploader  # today's behaviour


def test_an_unreadable_account_table_shows_no_writing_control_and_no_open_notice(tmp_path, monkeypatch):
    monkeypatch.setenv("DASHBOARD_DB", f"sqlite:///{tmp_path / 'ouvert.sqlite'}")

    def unreadable(engine):
        raise sa.exc.OperationalError("SELECT count(*) FROM acces_comptes", {}, Exception("base indisponible"))

    monkeypatch.setattr(comptes, "mode_ouvert", unreadable)
    monkeypatch.setattr(etat, "lire", unreadable)  # the run's one query reads the same table
    at = app()
    for page in ("vues/import_suivi.py", "vues/plan.py"):
        at.switch_page(page).run()
        assert not at.exception, (page, [e.message for e in at.exception])
        assert writing_controls(at) == [], page
        assert not any("Aucun compte n'est encore créé" in i.value for i in at.info), page


# --- OIDC: st.user from the office's identity provider ----------------------------------------------

AUTH = {"redirect_uri": "http://localhost:8501/oauth2callback", "cookie_secret": "secret-de-test",
        "client_id": "tableau-de-bord", "client_secret": "x",
        "server_metadata_url": "https://annuaire.example/.well-known/openid-configuration"}


def oidc_app(user: dict) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=90)
    at.secrets["auth"] = AUTH
    at.user = user
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


@pytest.mark.parametrize(("email", "inconnu", "shown", "may_upload"), [
    ("Camille@Office.fr", "lecture", "**Camille Martin (camille)** Rôle : saisie", True),  # account found by e-mail
    ("visiteur@office.fr", "lecture", "**Visiteur** Rôle : lecture", False),               # unknown: lecture
])
def test_oidc_identity_maps_the_email_to_the_role_in_the_store(db, monkeypatch, email, inconnu, shown, may_upload):
    monkeypatch.setenv("DASHBOARD_OIDC_INCONNU", inconnu)
    at = oidc_app({"is_logged_in": True, "email": email, "name": "Visiteur"})
    assert " ".join(sidebar_text(at).split()) == shown
    assert not sign_in_link(at)  # no password form with [auth]
    at.switch_page("vues/import_suivi.py").run()
    assert bool(at.file_uploader) == may_upload


def test_oidc_unknown_email_gets_nothing_when_so_configured(db, monkeypatch):
    monkeypatch.setenv("DASHBOARD_OIDC_INCONNU", "aucun")
    monkeypatch.setenv("DASHBOARD_LECTURE", "compte")
    at = oidc_app({"is_logged_in": True, "email": "visiteur@office.fr", "name": "Visiteur"})
    assert any("« visiteur@office.fr » n'a pas de compte" in literal(w.value) for w in at.warning)
    assert not at.metric


def test_oidc_signed_out_sees_the_providers_button(db):
    at = oidc_app({"is_logged_in": False})
    assert [b.label for b in at.sidebar.button] == ["Se connecter"]
    assert not sign_in_link(at)


@pytest.mark.parametrize("login", ["camille", "lise"])
def test_only_an_admin_replaces_the_plan_or_changes_its_version(db, login):
    """Saisie and lecture: no upload and no return on the Plan page, and the writing functions, called
    directly with their identity, refuse; the plan in force and its history are unchanged."""
    from dashboard.acces import AccesRefuse, ecritures  # noqa: PLC0415

    before = snapshot(db)
    at = sign_in(app(), login, PASSWORDS[login])
    at.switch_page("vues/plan.py").run()
    assert not at.exception
    assert writing_controls(at) == []
    assert any("demandez le rôle « admin »" in i.value for i in at.info), [i.value for i in at.info]
    who = comptes.trouver(db, login).identite("mot de passe")
    with pytest.raises(AccesRefuse, match="il faut le rôle « admin »"):
        ecritures.importer_plan(db, who, revise(add_action=True), file_name="r2.xlsx", label="Révision 2")
    with pytest.raises(AccesRefuse, match="il faut le rôle « admin »"):
        ecritures.rendre_plan_courant(db, who, 1)
    assert snapshot(db) == before and versions.current_id(db) == 2


def test_admin_returns_to_the_voted_plan_and_the_history_names_the_account(db):
    at = sign_in(app(), "admin", PASSWORDS["admin"])
    at.switch_page("vues/plan.py").run()
    assert not at.exception
    assert [u.label for u in at.file_uploader] == ["Classeur du plan révisé (.xlsx)"]
    assert not [t for t in at.text_input if t.key in ("plan_user", "plan_retour_user")]  # the account is the author
    at.selectbox(key="plan_retour").set_value(1)
    next(b for b in at.button if b.label == "Rendre cette version courante").click().run()
    assert not at.exception, [e.message for e in at.exception]
    assert versions.current_id(db) == 1
    assert versions.history(db)[-1].made_current_by == "Alice Admin"
