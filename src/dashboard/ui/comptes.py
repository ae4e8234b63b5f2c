"""Accounts: who the session is (a password session's cookie, or the identity provider through
st.login), what it may do, the sign-in and sign-out in the sidebar, the pages reserved to a role, and
the deferred downloads guarded for the session that drew them."""

from __future__ import annotations

import logging
from urllib.parse import urlsplit

import streamlit as st

from dashboard.ui.base import engine_or_none, etat_lu
from dashboard.ui.partage import run_memo
from dashboard.ui.texte import brut, html_brut

log = logging.getLogger("dashboard")

# --- Comptes : who the session is, what it may do ----------------------------------------------
# Without any account in the store, the app behaves as it always did (anyone may import). Once an
# account exists, app.py draws the sign-in in the sidebar (barre_compte) and the writing actions
# check the role themselves (dashboard.acces.ecritures); the pages only hide what cannot be done.

_IDENTITE = "_compte_identite"  # OIDC: (e-mail, identity) of the session


def mode_ouvert() -> bool:
    """No account in the store (or no store at all): today's behaviour, anyone may import. Read once
    per script run (the banner, the sidebar and the page all ask)."""
    return _comptes_lus() is not False


def _comptes_lus() -> bool | None:
    """True: no account (or no store); False: accounts exist; None: the account table cannot be read
    (the pages still show; writing is refused by the store). Once per script run."""
    return run_memo("mode_ouvert", _read_mode_ouvert)


def _read_mode_ouvert() -> bool | None:
    from dashboard.acces import comptes  # noqa: PLC0415

    engine = engine_or_none()
    if engine is None:
        return True
    etat = etat_lu()
    if etat is not None:
        return etat.comptes == 0
    try:
        return comptes.mode_ouvert(engine)
    except Exception:
        log.exception("comptes illisibles")
        return None


def oidc_configure() -> bool:
    """`.streamlit/secrets.toml` has an [auth] section: sign-in through the office's identity provider."""
    try:
        return "auth" in st.secrets
    except Exception:  # no secrets file at all
        return False


def _fournisseur_oidc() -> str | None:
    """st.login's provider: None when [auth] holds the client itself, else its first named provider."""
    auth = st.secrets["auth"]
    if "client_id" in auth:
        return None
    return next((name for name, value in auth.items() if hasattr(value, "get") and "client_id" in value), None)


def jeton_de_session() -> str | None:
    """The token of the browser's signed-in session (cookie set by POST /connexion), sent with the
    websocket's opening request: the same in every tab and after a reload."""
    from dashboard.acces import sessions  # noqa: PLC0415

    try:
        return st.context.cookies.get(sessions.COOKIE)
    except Exception:  # outside a page (no browser)
        return None


def identite():
    """The session's identity (acces.Identite), or None (anonymous). The one way a page asks who is there.

    A password session is read from the store with its account once per script run (its cookie,
    acces.sessions.lire): a sign-out in another tab, `users logout`, a deactivated account or a
    changed role take effect at the next click of every open tab. Through OIDC, the account of the
    e-mail is read again the same way (_a_jour)."""
    from dashboard.acces import comptes, roles  # noqa: PLC0415

    if oidc_configure():
        if not st.user.is_logged_in:
            return None
        email = str(st.user.get("email") or "")
        kept = st.session_state.get(_IDENTITE)
        if kept is not None and kept[0] == email:
            return _a_jour(kept)
        engine = engine_or_none()
        found = None if engine is None else comptes.identite_oidc(
            engine, email, str(st.user.get("name") or ""), roles.role_oidc_inconnu())
        st.session_state[_IDENTITE] = (email, found)
        return found
    return run_memo("identite_session", _read_session)


def _read_session():
    from dashboard.acces import sessions  # noqa: PLC0415

    jeton = jeton_de_session()
    engine = engine_or_none() if jeton else None
    lecture = sessions.Lecture(None)
    if engine is not None:
        try:
            lecture = sessions.lire(engine, jeton)
        except Exception:
            log.info("session illisible", exc_info=True)
    if lecture.motif:
        st.session_state["_compte_message"] = lecture.motif
        log.info("session fermée : %s", lecture.motif)
    kept = st.session_state.get(_JETON)
    if kept is not None and kept.identite != lecture.identite:  # signed out, or someone else: its downloads stop
        _revoquer_jeton()
    return lecture.identite


def _a_jour(kept: tuple):
    """The kept identity as the store says now, read once per script run (comptes.relire: one small
    query). A deactivated or removed account signs the session out, with a message; a changed role or
    name replaces the kept one. A store that cannot be read leaves the identity as it is (every writing
    function checks the account again anyway)."""
    from dashboard.acces import comptes  # noqa: PLC0415

    def read():
        engine = engine_or_none()
        if engine is None or kept[1] is None:
            return kept[1]
        try:
            return comptes.relire(engine, kept[1])
        except Exception:
            log.info("compte de la session illisible", exc_info=True)
            return kept[1]

    now = run_memo("identite_relue", read)
    if now is None and kept[1] is not None:
        _revoquer_jeton()
        st.session_state.pop(_IDENTITE, None)
        st.session_state["_compte_message"] = ("Votre compte a été désactivé : la session est fermée. Demandez "
                                               "à l'administrateur du tableau de bord de le réactiver.")
        log.info("session du compte %s fermée : compte désactivé", kept[1].login)
        return None
    if now != kept[1]:
        st.session_state[_IDENTITE] = (kept[0], now)
    return now


def peut(role: str) -> bool:
    """May the session do what `role` allows (to decide what a page shows; the action checks again).
    The account is read again on each script run, once however many times the run asks."""
    return run_memo(("peut", role), lambda: _read_peut(role))


def _read_peut(role: str) -> bool:
    from dashboard.acces import comptes  # noqa: PLC0415

    engine = engine_or_none()
    lus = _comptes_lus()
    if engine is None or lus is None:  # no store, or accounts that cannot be read: no writing control
        return False
    if lus:  # no account yet: anyone may, as comptes.peut would say after the same query
        return True
    try:
        return comptes.peut(engine, identite(), role)
    except Exception:
        log.exception("compte illisible")
        return False


def _deconnecter_oidc() -> None:
    _revoquer_jeton()
    st.session_state.pop(_IDENTITE, None)
    st.logout()


def _page_courante() -> str:
    """This page's path and query (where /connexion and /deconnexion send the person back)."""
    parts = urlsplit(st.context.url or "/")
    return (parts.path or "/") + (f"?{parts.query}" if parts.query else "")


def _lien_connexion(where) -> None:
    """« Se connecter »: the OIDC button, else a link to the sign-in form (GET /connexion)."""
    from dashboard import connexion  # noqa: PLC0415

    if oidc_configure():
        if st.user.is_logged_in:  # signed in at the provider, but no account for this e-mail
            where.warning(f"L'adresse « {brut(st.user.get('email', ''))} » n'a pas de compte sur ce tableau de bord : "
                          "demandez-en un à son administrateur.")
            if where.button("Se déconnecter", key="compte_deconnexion"):
                _deconnecter_oidc()
            return
        if where.button("Se connecter", key="compte_oidc", type="primary", icon=":material/login:",
                        help="Connexion par le compte de l'office (annuaire de l'office)."):
            st.login(_fournisseur_oidc())
        return
    where.html(f'<a class="dashboard-connexion" href="{html_brut(connexion.lien_connexion(_page_courante()))}" '
               'target="_self" style="display:inline-block;padding:.4rem .9rem;border-radius:.5rem;'
               'background:#0072B2;color:#fff;text-decoration:none">Se connecter</a>')


def _bouton_deconnexion(where) -> None:
    """« Se déconnecter »: OIDC through st.logout; a password session posts to /deconnexion, with the
    browser's form token (its cookie, set by the HTML shell)."""
    from dashboard import connexion  # noqa: PLC0415

    if oidc_configure():
        if where.button("Se déconnecter", key="compte_deconnexion", icon=":material/logout:"):
            _deconnecter_oidc()
        return
    jeton = st.context.cookies.get(connexion.CSRF_COOKIE) or ""
    where.html(f'<form method="post" action="/deconnexion" style="margin:0">'
               f'<input type="hidden" name="{connexion.CSRF_CHAMP}" value="{html_brut(jeton)}">'
               f'<input type="hidden" name="suite" value="{html_brut(_page_courante())}">'
               '<button type="submit" style="padding:.4rem .9rem;border-radius:.5rem;border:1px solid #ccc;'
               'background:#fff;cursor:pointer">Se déconnecter</button></form>')


def barre_compte(projecteur: bool = False) -> None:
    """Called by app.py before each page, once accounts exist: who is signed in (name, role) and
    « Se déconnecter » in the sidebar, or « Se connecter ». With DASHBOARD_LECTURE=compte, an
    anonymous session sees only « Se connecter » (the page is not run). The projector mode (no
    sidebar) shows nothing, unless reading needs an account."""
    from dashboard.acces import roles  # noqa: PLC0415

    if mode_ouvert():
        return
    qui = identite()
    message = st.session_state.pop("_compte_message", None)
    if qui is None and roles.lecture_sur_compte():
        st.title("Tableau de bord du schéma de développement touristique", anchor=False)
        if message:
            st.info(message, icon=":material/schedule:")
        st.info("Ce tableau de bord est réservé aux comptes de l'office : connectez-vous pour le consulter.",
                icon=":material/lock:")
        left, _ = st.columns([1, 2])
        _lien_connexion(left)
        st.stop()
    if projecteur:
        return
    with st.sidebar:
        st.header("Compte", anchor=False)
        if message:
            st.info(message, icon=":material/schedule:")
        if qui is None:
            _lien_connexion(st.container())
            st.caption("Sans connexion : consultation seulement.")
            return
        st.markdown(f"**{brut(qui.affichage)}**  \nRôle : {roles.ROLE_LABELS.get(qui.role, qui.role)}")
        _bouton_deconnexion(st.container())


# Deferred downloads (the file built at the click): Streamlit serves them to any session that sends the
# button's id, not only to the one it was drawn for. Each is built only while the session that drew it
# is still signed in as the same person and, when reading needs an account, that account may read
# (acces.telechargements); a session that may not read gets the button disabled, which makes Streamlit
# drop the ids it gave before.

_JETON = "_telechargement_jeton"


def _jeton():
    """The session's acces.telechargements.Jeton for who it is now (a new one after a sign-in)."""
    from dashboard.acces import telechargements  # noqa: PLC0415

    qui = identite()
    session = None if oidc_configure() else jeton_de_session()
    jeton = st.session_state.get(_JETON)
    if jeton is None or jeton.identite != qui or jeton.session != session or not jeton.valide:
        if jeton is not None:
            jeton.revoquer()
        jeton = st.session_state[_JETON] = telechargements.Jeton(qui, session)
    return jeton


def _revoquer_jeton() -> None:
    jeton = st.session_state.pop(_JETON, None)
    if jeton is not None:
        jeton.revoquer()


def download_button(where, label: str, data, **kwargs):
    """where.download_button(label, data=…): a callable `data` (built at the click) is guarded by
    acces.telechargements for this session; disabled for a session that may not read."""
    from dashboard.acces import roles, telechargements  # noqa: PLC0415

    if callable(data):
        lecture_compte = roles.lecture_sur_compte()
        if lecture_compte and not mode_ouvert() and not peut("lecture"):
            kwargs["disabled"] = True
        data = telechargements.garde(engine_or_none(), _jeton(), data, lecture_compte)
    return where.download_button(label, data=data, **kwargs)


def page_reservee(role: str, action: str) -> None:
    """Stop a page the session may not use, e.g. page_reservee("admin", "remplacer le plan"). While the
    store has no account, anyone may (today's behaviour); the writing function checks again."""
    from dashboard.acces import comptes, roles  # noqa: PLC0415

    engine = engine_or_none()
    if engine is not None and comptes.peut(engine, identite(), role):  # no account yet: anyone, as before
        return
    besoin = " ou ".join(f"« {r} »" for r in roles.ROLES[roles.ROLES.index(role):])
    st.warning(f"Cette page est réservée aux comptes {besoin} : connectez-vous (barre latérale) pour {action}.",
               icon=":material/lock:")
    st.stop()


def notice_mode_ouvert() -> None:
    """Import and Plan pages, while the store has no account: anyone may change the figures, and how to
    stop it. Not said when the account table cannot be read (nothing can be written then)."""
    if _comptes_lus() is not True:
        return
    st.info("Aucun compte n'est encore créé : toute personne qui ouvre ce tableau de bord peut importer un "
            "classeur de suivi, annuler un import, retirer les données de démonstration ou remplacer le plan. Pour réserver ces actions, "
            "créez le premier compte administrateur sur le serveur : "
            "`python -m dashboard users add LOGIN --role admin` (voir le README, « Comptes »).",
            icon=":material/lock_open:")

