"""Texte brut: what a person or a file wrote (a file name, a comment, a label, a plan's title, a cell's
text), shown as it is, never read as Markdown nor HTML."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import fmt

# --- Texte brut : what a person or a file wrote, shown as it is --------------------------------------
# A file name, a comment, a label, a plan's title or a cell's text is never Markdown nor HTML on a page:
# st.markdown, st.caption, alerts, widget labels and help and st.table cells read Markdown (a crafted
# file name gave a clickable external link and an image the browser fetched). Every such text goes
# through brut (Markdown) or html_brut (HTML written by a page).

def brut(text) -> str:
    """`text` as Markdown that shows it literally (fmt.texte_brut)."""
    return fmt.texte_brut(text)


def html_brut(text) -> str:
    """`text` escaped for HTML a page writes (fmt.html_brut: no tag, no blank line that would end the HTML
    block and let Markdown read what follows)."""
    return fmt.html_brut(text)


def table_brute(rows, **kwargs) -> None:
    """st.table of `rows` (a DataFrame or a list of dicts) whose text cells are shown literally (st.table
    reads Markdown in its cells)."""
    frame = rows if isinstance(rows, pd.DataFrame) else pd.DataFrame(list(rows))
    shown = frame.copy()
    for col in shown.columns:
        if shown[col].dtype == object or pd.api.types.is_string_dtype(shown[col]):
            shown[col] = [brut(v) if isinstance(v, str) else v for v in shown[col]]
    st.table(shown, **kwargs)

