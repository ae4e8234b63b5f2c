"""The empty Streamlit page (make bench, scripts/bench_browser.py): a title and a line of text, what
any Streamlit page costs the browser. Served like the dashboard (python -m dashboard serve)."""

import streamlit as st

st.title("Page vide")
st.write("Une ligne de texte.")
