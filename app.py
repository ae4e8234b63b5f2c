"""Entry point: page config and navigation, nothing else.

The pages live in vues/, not pages/: a pages/ folder beside app.py makes Streamlit fall back to
its automatic navigation when the first request of a fresh server is a deep link (/actions?action=11).
"""

import streamlit as st

from dashboard import ui

st.set_page_config(page_title="Schéma de développement touristique", page_icon=":material/dashboard:", layout="wide")

pages = {
    "Pilotage": [
        ui.page("vues/vue_ensemble.py", title="Vue d'ensemble", icon=":material/dashboard:", default=True),
        ui.page("vues/budget.py", title="Budget", icon=":material/euro:", url_path="budget"),
        ui.page("vues/effectifs.py", title="Effectifs (ETP)", icon=":material/groups:", url_path="effectifs"),
        ui.page("vues/calendrier.py", title="Calendrier & retards", icon=":material/calendar_month:", url_path="calendrier"),
        ui.page("vues/indicateurs.py", title="Indicateurs", icon=":material/monitoring:", url_path="indicateurs"),
    ],
    "Actions": [
        ui.page("vues/actions.py", title="Fiches actions", icon=":material/list_alt:", url_path="actions"),
    ],
    "Données": [
        ui.page("vues/import_suivi.py", title="Import du suivi annuel", icon=":material/upload_file:", url_path="import"),
        ui.page("vues/plan.py", title="Plan", icon=":material/description:", url_path="plan"),
    ],
    "Comité": [
        ui.page("vues/comite.py", title="Présentation au comité", icon=":material/slideshow:", url_path="comite"),
    ],
    "À propos": [
        ui.page(ui.ACCESSIBILITE, title="Déclaration d'accessibilité", icon=":material/accessibility_new:",
                url_path="accessibilite"),
    ],
}

# Accounts: the page « Comptes » for admins only (once accounts exist; see ui.barre_compte).
if not ui.mode_ouvert() and ui.peut("admin"):
    pages["Données"].append(ui.page("vues/comptes.py", title="Comptes", icon=":material/manage_accounts:",
                                    url_path="comptes"))

# Projector mode (/comite?mode=projecteur): the room sees the slide only, no menu.
projector = st.query_params.get("mode") == "projecteur"
page = st.navigation(pages, position="hidden" if projector else "sidebar")
try:
    with ui.page_guard():  # a failure shows a French message with a reference; the log keeps the traceback
        ui.barre_compte(projecteur=projector)  # who is signed in, « Se connecter » / « Se déconnecter »
        page.run()
finally:  # also below a page that stops early (st.stop: nothing imported yet, a reserved page…) or fails
    if not projector:
        ui.pied_de_page()  # the accessibility declaration, linked from every page
