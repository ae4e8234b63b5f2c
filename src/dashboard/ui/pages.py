"""The navigation's pages, checked once per process, and the guard every page runs inside (a French
message with a reference instead of a traceback)."""

from __future__ import annotations

import contextlib
import copy
import logging
import secrets

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

log = logging.getLogger("dashboard")

# --- Navigation ----------------------------------------------------------------------------------
# st.Page checks its file again on every run (path resolved, file present, icon name valid): 0.2 to
# 0.4 ms a page, nine pages, on every run of every page. Each page is checked once per process and
# main script; each run gets a copy of it (st.navigation marks the pages it is given, never these).
_PAGES: dict[tuple, object] = {}


def page(path: str, **kwargs):
    """st.Page(path, **kwargs), checked once per process (see above)."""
    ctx = get_script_run_ctx(suppress_warning=True)
    key = (getattr(ctx, "main_script_path", None), path, *sorted(kwargs.items()))
    made = _PAGES.get(key)
    if made is None:
        made = st.Page(path, **kwargs)
        if ctx is not None:
            _PAGES[key] = made
    return copy.copy(made)


ACCESSIBILITE = "vues/accessibilite.py"


def pied_de_page() -> None:
    """Below every page (not the projector's slides): the link to the accessibility declaration, with the
    conformity status, as the RGAA asks of every page."""
    from dashboard.present import declaration  # noqa: PLC0415

    st.divider()
    st.page_link(ACCESSIBILITE, label=f"Accessibilité : {declaration.statut()} (déclaration d'accessibilité)",
                 icon=":material/accessibility_new:")


# --- Erreurs : a page that fails ------------------------------------------------------------------
# Visitors never read a traceback (.streamlit/config.toml: client.showErrorDetails = "none"): a page
# that fails shows a French message with a short reference, and the server's log keeps the traceback
# under that same reference, so the person who runs the server finds it from what a visitor reports.

MESSAGE_ERREUR = ("Cette page n'a pas pu s'afficher à cause d'une erreur du tableau de bord (référence {ref}). "
                  "Rechargez la page ; si l'erreur revient, donnez cette référence à la personne qui administre "
                  "le tableau de bord.")


@contextlib.contextmanager
def page_guard():
    """Run a page inside: an exception becomes MESSAGE_ERREUR with a new reference on the page, and the
    traceback is logged with that reference. Streamlit's own st.stop / st.rerun pass through (they are
    not Exceptions)."""
    from dashboard.ui.filtres import page_changed  # noqa: PLC0415

    page_changed()  # noted on every run, so that a page drawing the filters knows it is a new one
    try:
        yield
    except Exception:
        ref = secrets.token_hex(4)
        log.exception("page en échec, référence %s", ref)
        st.error(MESSAGE_ERREUR.format(ref=ref), icon=":material/error:")

