"""The follow-up store through st.connection: its engine (tables created on first start), what stops it
from being opened or written, its state read once per script run (with the plan version in force and the
number of accounts), its history and the changes of one import."""

from __future__ import annotations

import logging

import streamlit as st

from dashboard.ui.partage import run_memo, shared

log = logging.getLogger("dashboard")

# --- Suivi annuel : the store through st.connection ---------------------------------------

@shared()
def _schema_ready(url: str, engine) -> bool:  # once per store URL: tables created on first start
    from dashboard.plan import versions  # noqa: PLC0415

    versions.ensure_schema(engine)  # the follow-up's tables and the plan's versions
    return True


def get_engine():
    """The follow-up store's engine: st.connection("suivi", type="sql"), URL from DASHBOARD_DB, else
    [connections.suivi] of .streamlit/secrets.toml, else data/suivi.sqlite (created on first start).

    Raises store.StoreUnavailable (a plain French message) when the store cannot be opened."""
    return _open_engine(store_url())


def store_url() -> str:
    """store.default_url (which may read .streamlit/secrets.toml), once per script run."""
    from dashboard.suivi import store  # noqa: PLC0415

    return run_memo("url", store.default_url)


@shared()
def _open_engine(url: str):  # once per process and URL (a failure is not cached: tried again next run)
    from dashboard.suivi import store  # noqa: PLC0415

    try:
        store.prepare_url(url)
        engine = st.connection("suivi", type="sql", url=url).engine
        _schema_ready(url, engine)
    except Exception as exc:
        log.info("base du suivi impossible à ouvrir : %s", store.shown_url(url), exc_info=True)
        raise store.open_problem(url, exc) from exc
    return engine


@shared(ttl=60)
def _store_problem_cached(url: str):  # url is the cache key; checked again every minute
    from dashboard.suivi import store  # noqa: PLC0415

    try:
        return store.write_problem(get_engine())
    except store.StoreUnavailable as err:
        return err


def store_problem():
    """Why the store cannot be opened or written (store.StoreUnavailable, French message), or None.

    `.readable`: the store can still be read (the pages show its data; imports are impossible)."""
    return _store_problem_cached(store_url())


def store_notice() -> None:
    """The one plain message of a store that cannot be opened (error) or written (warning)."""
    problem = store_problem()
    if problem is None:
        return
    if problem.readable:
        st.warning(str(problem), icon=":material/lock:")
    else:
        st.error(str(problem), icon=":material/database:")


def engine_or_none():
    from dashboard.suivi import store  # noqa: PLC0415

    try:
        return get_engine()
    except store.StoreUnavailable:
        return None



def store_state() -> tuple[str, tuple]:
    """(store URL, store.state_key): what every cache of the store's contents is keyed on, read once per
    script run however many times a page asks (with the plan version and the accounts, see etat_lu)."""
    from dashboard.suivi import store  # noqa: PLC0415

    engine = get_engine()

    def read() -> tuple:
        etat = etat_lu()
        return etat.suivi if etat is not None else store.state_key(engine)

    return str(engine.url), run_memo("etat_suivi", read)


def etat_lu():
    """dashboard.etat: the plan version in force, the store's state and the number of accounts, in one
    query once per script run; None when the store cannot be opened or that query fails (each value
    is then read by its own function, which says what is wrong its own way)."""
    return run_memo("etat", _read_etat)


def _read_etat():
    from dashboard import etat  # noqa: PLC0415

    engine = engine_or_none()
    if engine is None:
        return None
    try:
        return etat.lire(engine)
    except Exception:  # e.g. the account table not created yet: the values are read one by one
        log.info("état de la base illisible en une requête", exc_info=True)
        return None


@shared(max_entries=4)
def _history_cached(url: str, state: tuple):  # (url, state) is the cache key
    from dashboard.suivi import store  # noqa: PLC0415

    return store.history(get_engine())


def store_history():
    """store.history, read again only after an import, a rollback or the demo's removal (shared, read-only)."""
    return _history_cached(*store_state())


@shared(max_entries=32)
def _changes_cached(url: str, state: tuple, batch_id: int):  # (url, state, batch) is the cache key
    from dashboard.suivi import store  # noqa: PLC0415

    return store.batch_changes(get_engine(), batch_id)


def store_batch_changes(batch_id: int):
    """store.batch_changes of one import, cached like store_history."""
    return _changes_cached(*store_state(), int(batch_id))


