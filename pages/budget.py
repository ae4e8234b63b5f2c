import streamlit as st

st.info("Cette page est en cours de construction.")
