"""Comptes (admins): the accounts, their roles; create, change a password or a role, deactivate."""

import logging

import pandas as pd
import streamlit as st

from dashboard import ui
from dashboard.acces import ROLES, AccesRefuse, CompteError, comptes

log = logging.getLogger("dashboard")

st.title("Comptes", anchor=False)
try:
    engine = ui.get_engine()
except Exception:  # never a traceback on screen
    log.info("ouverture du suivi impossible", exc_info=True)
    ui.store_notice()
    st.stop()
if ui.mode_ouvert():
    st.info("Aucun compte n'existe encore. Le premier compte administrateur se crée sur le serveur : "
            "`python -m dashboard users add LOGIN --role admin` ; il gère ensuite les autres comptes ici.",
            icon=":material/lock_open:")
    st.stop()
ui.page_reservee("admin", "gérer les comptes")
moi = ui.identite()

done = st.session_state.pop("_compte_fait", None)
if done:
    st.success(done, icon=":material/check_circle:")


def _quand(ts) -> str:
    if ts is None:
        return "—"
    return pd.Timestamp(ts).tz_localize("UTC").tz_convert("Europe/Paris").strftime("%d/%m/%Y %H:%M")


liste = comptes.lister(engine)
st.dataframe(pd.DataFrame({
    "Identifiant": [c.login for c in liste],
    "Nom": [c.nom or "—" for c in liste],
    "E-mail": [c.email or "—" for c in liste],
    "Rôle": [c.role for c in liste],
    "État": ["actif" if c.actif else "désactivé" for c in liste],
    "Connexion": ["mot de passe" if c.mot_de_passe else "annuaire (e-mail)" for c in liste],
    "Créé le": [_quand(c.cree_le) for c in liste],
    "Dernière connexion": [_quand(c.derniere_connexion) for c in liste],
}), hide_index=True, width="stretch")
st.caption("Rôles : « lecture » consulte tout (pages, présentation, téléchargements) ; « saisie » importe et "
           "annule les imports du suivi ; « admin » retire les données de démonstration et gère les comptes. "
           "Un compte n'est jamais supprimé (l'historique des imports le nomme) : il est désactivé.")


def _faire(action, message: str) -> None:
    """Run an account change with the admin's identity; its French refusal, or its success, on the page."""
    try:
        action()
    except (CompteError, AccesRefuse) as err:
        text = str(err)
        st.error(ui.brut(text[:1].upper() + text[1:]), icon=":material/error:")
        return
    except Exception:
        log.exception("gestion des comptes")
        st.error("L'opération a échoué (voir le journal). Rien n'a été modifié.")
        return
    st.session_state["_compte_fait"] = message
    st.rerun()


logins = [c.login for c in liste]
ajout, modif = st.tabs(["Créer un compte", "Modifier un compte"])
with ajout, st.form("compte_creer", clear_on_submit=False):
    a, b = st.columns(2)
    login = a.text_input("Identifiant", key="creer_login", max_chars=60,
                         help="Lettres minuscules sans accent, chiffres, point, tiret : par exemple cmartin.")
    nom = b.text_input("Prénom Nom", key="creer_nom", max_chars=120)
    email = a.text_input("E-mail", key="creer_email", max_chars=254,
                         help="Nécessaire pour la connexion par l'annuaire de l'office.")
    role = b.selectbox("Rôle", ROLES, index=0, key="creer_role")
    mdp = a.text_input("Mot de passe", type="password", key="creer_mdp",
                       help=f"{comptes.MOT_DE_PASSE_MIN} caractères au moins.")
    mdp2 = b.text_input("Mot de passe (confirmation)", type="password", key="creer_mdp2")
    if st.form_submit_button("Créer le compte", type="primary"):
        if mdp != mdp2:
            st.error("Les deux mots de passe diffèrent : rien n'a été créé.")
        else:
            _faire(lambda: comptes.creer(engine, moi, login, role, mdp or None, email=email, nom=nom),
                   f"Compte « {ui.brut(login.strip().lower())} » créé (rôle {role}).")

with modif:
    chosen = st.selectbox("Compte", logins, key="modifier_login")
    compte = next(c for c in liste if c.login == chosen)
    left, right = st.columns(2)
    with left.form("compte_role", border=True):
        new_role = st.selectbox("Rôle", ROLES, index=ROLES.index(compte.role), key="modifier_role")
        if st.form_submit_button("Changer le rôle"):
            _faire(lambda: comptes.changer_role(engine, moi, chosen, new_role),
                   f"Rôle de « {ui.brut(chosen)} » : {new_role}.")
    with right.form("compte_mdp", border=True, clear_on_submit=True):
        p1 = st.text_input("Nouveau mot de passe", type="password", key="modifier_mdp")
        p2 = st.text_input("Confirmation", type="password", key="modifier_mdp2")
        if st.form_submit_button("Changer le mot de passe"):
            if p1 != p2:
                st.error("Les deux mots de passe diffèrent : rien n'a été changé.")
            else:
                _faire(lambda: comptes.changer_mot_de_passe(engine, moi, chosen, p1),
                       f"Mot de passe de « {ui.brut(chosen)} » changé.")
    if compte.actif:
        if st.button(f"Désactiver « {ui.brut(chosen)} »", key="compte_desactiver", icon=":material/person_off:",
                     help="Le compte ne peut plus se connecter ; l'historique des imports garde son nom."):
            _faire(lambda: comptes.desactiver(engine, moi, chosen), f"Compte « {ui.brut(chosen)} » désactivé.")
    elif st.button(f"Réactiver « {ui.brut(chosen)} »", key="compte_reactiver", icon=":material/person_check:"):
        _faire(lambda: comptes.reactiver(engine, moi, chosen), f"Compte « {ui.brut(chosen)} » réactivé.")
