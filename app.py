"""Entry point: page config and navigation, nothing else."""

import streamlit as st

st.set_page_config(page_title="Schéma de développement touristique", page_icon="🧭", layout="wide")

pages = {
    "Pilotage": [
        st.Page("pages/vue_ensemble.py", title="Vue d'ensemble", icon="🧭", default=True),
        st.Page("pages/budget.py", title="Budget", icon="💶", url_path="budget"),
        st.Page("pages/effectifs.py", title="Effectifs (ETP)", icon="👥", url_path="effectifs"),
        st.Page("pages/calendrier.py", title="Calendrier & retards", icon="📅", url_path="calendrier"),
        st.Page("pages/indicateurs.py", title="Indicateurs", icon="📈", url_path="indicateurs"),
    ],
    "Actions": [
        st.Page("pages/actions.py", title="Fiches actions", icon="📋", url_path="actions"),
    ],
    "Données": [
        st.Page("pages/import_suivi.py", title="Import du suivi annuel", icon="📥", url_path="import"),
    ],
    "Comité": [
        st.Page("pages/comite.py", title="Présentation au comité", icon="📽️", url_path="comite"),
    ],
}

st.navigation(pages).run()
