"""The floor Streamlit itself sets (make bench): the dashboard's navigation, same page names and
URLs, each page drawing one plotly chart and a 53-row table, nothing else.

    python -m dashboard serve scripts/app_triviale.py     (or: streamlit run scripts/app_triviale.py)

scripts/bench_pages.py (make bench) opens each page of the dashboard in a fresh session next to the same page
of this app, in the same run: opening a dashboard page should cost at most 1.5 times this.
"""

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

st.set_page_config(page_title="Application triviale", layout="wide")

ROWS = pd.DataFrame({"N°": range(1, 54), "Axe": [1 + i % 5 for i in range(53)],
                     "Montant (€)": [f"{1000 * i:,}".replace(",", " ") for i in range(53)]})


def page() -> None:
    """One plotly chart and a 53-row table."""
    st.title("Page triviale")
    fig = go.Figure(go.Bar(x=[f"Axe {a}" for a in range(1, 6)], y=[3, 1, 4, 1, 5]))
    st.plotly_chart(fig, config={"displayModeBar": False})
    st.dataframe(ROWS, hide_index=True)


# The dashboard's pages (app.py): same titles and URL paths.
PAGES = [("Vue d'ensemble", None), ("Budget", "budget"), ("Effectifs (ETP)", "effectifs"),
         ("Calendrier & retards", "calendrier"), ("Indicateurs", "indicateurs"), ("Fiches actions", "actions"),
         ("Import du suivi annuel", "import"), ("Présentation au comité", "comite")]

st.navigation([st.Page(page, title=title, url_path=path or "vue_ensemble", default=path is None)
               for title, path in PAGES]).run()
