"""The follow-up values every page reads (shared by every session, read again after each import or
rollback) and the demonstration data: imported on first start, its banner and its removal."""

from __future__ import annotations

import logging
import os

import streamlit as st

from dashboard.ui.base import get_engine, store_notice, store_problem, store_state, store_url
from dashboard.ui.comptes import identite, peut
from dashboard.ui.partage import forget_in_runs, memo, remember, shared
from dashboard.ui.plan import get_plan
from dashboard.ui.temps import jour_au, suivi_au

log = logging.getLogger("dashboard")


@shared(max_entries=8)
def _load_suivi_cached(url: str, state: tuple):  # (url, store.state_key) is the cache key
    from dashboard.suivi import store  # noqa: PLC0415

    return store.load_suivi(get_engine())


def get_suivi():
    """The current follow-up values (store.Suivi) — those of the day a pilotage page looks at, ui.temps —, shared by every session, read-only; one cheap query
    per rerun, reloaded after each import or rollback (the cache key is the store's latest batch id and
    number of active batches). The state is read once per run, however many times a page asks."""
    from dashboard.suivi import store  # noqa: PLC0415

    try:
        ensure_demo()  # first start: the demonstration data (see demo_banner)
        jour = jour_au()
        if jour is not None:  # a pilotage page looking at a past day (ui.temps)
            suivi, key = suivi_au(jour)
        else:
            key = store_state()
            suivi = _load_suivi_cached(*key)
    except store.StoreUnavailable:  # said once on the page, by demo_banner (store_notice)
        return store.Suivi()
    except Exception:  # never a traceback on screen
        log.exception("lecture du suivi impossible")
        st.warning("Le suivi annuel n'a pas pu être lu (voir le journal) : les pages s'affichent sans "
                   "valeurs de suivi.")
        return store.Suivi()
    version = ("suivi", *key)
    remember(suivi, version)
    for name in ("indicateurs", "statuts", "realise"):  # views take these tables as arguments
        remember(getattr(suivi, name), (*version, name))
    return suivi



def clear_suivi_cache() -> None:
    """After an import or a rollback (the store's state is then read again, even in this run)."""
    _load_suivi_cached.clear()
    forget_in_runs("etat_suivi", "etat")


# --- Données de démonstration ---------------------------------------------------------------
# On first start (store never imported into, demo never removed, DASHBOARD_DEMO != "0") the
# workbooks of data/demo/ are imported through the upload's code path, flagged `demo`.
# Every page calls demo_banner() (right after get_plan()): the banner, and its removal button.

@shared(spinner="Chargement des données de démonstration…")
def _first_start_demo(url: str, demo_flag: str) -> str | None:  # url, flag: the cache keys
    """Import the demo once per store; a French message if it could not be done (logged)."""
    from dashboard.suivi import demo  # noqa: PLC0415

    try:
        ids = demo.load_if_first_start(get_engine(), get_plan())
        if ids:
            log.info("données de démonstration importées : imports %s", ids)
            clear_suivi_cache()
    except Exception:  # never a traceback on screen
        log.exception("import des données de démonstration impossible")
        return ("Les données de démonstration n'ont pas pu être chargées (voir le journal) : "
                "importez vos propres fichiers de suivi depuis la page d'import.")
    return None


def ensure_demo() -> str | None:
    """The first-start demo import (once per process and store); a French message on failure."""
    if store_problem() is not None:  # a store that cannot be written gets no demo (and no false alarm)
        return None
    return _first_start_demo(store_url(), os.environ.get("DASHBOARD_DEMO", "1"))


def demo_banner() -> None:
    """The store's state on every page: the message of a store that cannot be opened or written, and
    the « Données de démonstration » banner while the store holds demo data, with a button to remove it."""
    from dashboard.acces import AccesRefuse, ecritures  # noqa: PLC0415

    store_notice()
    blocked = store_problem()
    if blocked is not None and not blocked.readable:
        return
    problem = ensure_demo()
    if problem:
        st.warning(problem)
    if st.session_state.pop("_demo_retiree", False):
        st.success("Données de démonstration retirées. Elles ne reviendront pas au prochain démarrage.")
    try:
        demo_active = get_suivi().demo
    except Exception:  # an unreadable store is the page's to report; the banner stays quiet
        log.exception("suivi illisible pour le bandeau de démonstration")
        return
    if not demo_active:
        return
    # one row (the message, then the button on its right, never below it): a block, not columns
    with st.container(border=True, horizontal=True, vertical_alignment="center", wrap=False):
        st.warning("**Données de démonstration** — les valeurs de suivi affichées (indicateurs, avancement, "
                   "dépenses, ETP) sont fictives. Importer votre suivi réel les retire.", icon=":material/science:")
        if jour_au() is not None:  # a past day is only looked at
            return
        if not peut("admin"):  # removing the demo is an admin's decision, once accounts exist
            st.caption("Seul un compte « admin » peut retirer les données de démonstration.", width=320)
            return
        remove = st.button("Retirer les données de démonstration", key="retirer_demo", type="primary",
                           disabled=blocked is not None)
    if not remove:
        return
    try:  # what goes wrong is said below the banner, across the page
        ecritures.retirer_demo(get_engine(), identite())
    except AccesRefuse as refus:
        st.error(str(refus))
        return
    except Exception:
        log.exception("retrait des données de démonstration impossible")
        st.error("Les données de démonstration n'ont pas pu être retirées (voir le journal). Rien n'a été modifié.")
        return
    clear_suivi_cache()
    st.session_state["_demo_retiree"] = True
    st.rerun()



def situation_au() -> None:
    """« Situation au JJ/MM/AAAA » of a pilotage page: the latest import whose values are shown and the
    plan version in force (present.situation writes it)."""
    from pathlib import Path  # noqa: PLC0415

    from dashboard.present import situation  # noqa: PLC0415
    from dashboard.ui.plan import plan_source, plan_versions  # noqa: PLC0415

    kind, where, which = plan_source()
    if kind == "version":
        current = next((v for v in plan_versions() if v.id == which), None)
        version = situation.version_text(which, current.label if current else None)
    else:
        version = situation.version_text(None, None, Path(where).name)
    suivi = get_suivi()
    # the latest import's day, read from every value's origin: once per follow-up state, not on every run
    text = memo(suivi, ("situation", version), lambda: situation.situation(suivi.origines, version, suivi.demo))
    st.caption(text, help=(
        "Date du dernier import du suivi annuel dont les valeurs sont affichées (page « Import du suivi "
        "annuel ») et version du plan en vigueur (page « Plan »)."))
