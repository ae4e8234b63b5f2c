"""Déclaration d'accessibilité (RGAA 4.1): its text is present.declaration's, the contact comes from the
server's environment."""

import os

import streamlit as st

from dashboard import ui
from dashboard.present import declaration

st.title("Déclaration d'accessibilité", anchor=False)
contact = os.environ.get(declaration.CONTACT_ENV, "").strip()
st.markdown(declaration.markdown(ui.brut(contact) if contact else None), anchors=False)  # no English « Link to heading »
