"""What every session shares, and what one script run computes once: the decorator `shared` (values
shared by every session of the server, keyed on what the arguments stand for), `cache_view` (a page's
pure computation), `memo` (what is derived from a cached view), `run_memo` (once per script run).

Objects handed out by get_plan / get_suivi are remembered with the simple value they are cached on
(`remember`), so that a view taking them as arguments is keyed on that value instead of hashing their
tables on every rerun.
"""

from __future__ import annotations

import contextlib
import dataclasses

import pandas as pd
import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from dashboard import metrics
from dashboard.memo import Shared, per_object
from dashboard.plan import Plan

# --- Shared values --------------------------------------------------------------------------------
# What every session shares (the plan, the follow-up, the views of the pages) is kept by memo.Shared
# rather than st.cache_resource: Streamlit hashes every argument of every call (its name, then its
# value, through its own hasher) and reads the function's signature again each time, 0.1 to 0.3 ms a
# call, a dozen calls on every run of every page. Here a call costs the key below and a dictionary
# access (1 to 3 ms of a warm rerun's 15 to 18 ms). The key of an argument is what the value stands for:
# the plan in force its version and a follow-up table its store state (both noted when get_plan /
# get_suivi hand them out), any other plan its tables (a filtered or hypothesised plan keeps the version
# of the plan it was made from), filters their choices.

def key_part(value):
    from dashboard.suivi.store import Suivi  # noqa: PLC0415

    if isinstance(value, Plan):
        return ("plan", plan_cache_key(value))
    if isinstance(value, pd.DataFrame):
        return ("table", frame_cache_key(value))
    if isinstance(value, metrics.Filters):
        return ("filtres", value.axes, value.enjeux, value.porteurs)
    if isinstance(value, Suivi):
        return ("suivi", suivi_cache_key(value))
    if isinstance(value, dict):
        return ("dict", tuple((k, key_part(v)) for k, v in value.items()))
    if isinstance(value, list | tuple):
        return (type(value).__name__, tuple(key_part(v) for v in value))
    version = version_of(value)  # an object remembered with what it stands for (a Depuis read for a day)
    if version is not None:
        return ("version", version)
    return (type(value), value)  # itself, with its type (1, 1.0 and True are three keys; an unhashable
    # value leaves the call uncached)


def args_key(*args, **kwargs) -> tuple:
    return tuple(key_part(a) for a in args) + tuple((name, key_part(v)) for name, v in kwargs.items())


def shared(max_entries: int | None = None, ttl: float | None = None, spinner: str | None = None):
    """Decorator: the function's values shared by every session (memo.Shared, keyed as above), at most
    `max_entries`, each for `ttl` seconds; `spinner`: the message shown while a value is computed."""
    def decorate(fn):
        computing = (lambda: _spinner(spinner)) if spinner else None
        return Shared(fn, args_key, max_entries=max_entries, ttl=ttl, computing=computing)

    return decorate


def _spinner(message: str):
    """st.spinner on a page; nothing outside one (the server reading the plan as it starts: warm_up)."""
    return st.spinner(message) if get_script_run_ctx(suppress_warning=True) else contextlib.nullcontext()


def plan_cache_key(plan: Plan):
    """A plan is its identity when get_plan handed it out (a stored version, or a workbook's path and
    modification time). Any other plan (filtered, hypothesised: Plan.with_frames keeps the version and
    the source of the plan it was made from; a test's) is its contents: its period and the values of
    each of its tables, hashed once per plan object, so that two plans of one version that differ by a
    table never share a value."""
    version = version_of(plan)
    if version is not None:
        return version
    return per_object(plan, "clé de cache", lambda: ("contenu", plan.periode, tuple(
        (f.name, frame_cache_key(getattr(plan, f.name))) for f in dataclasses.fields(plan)
        if isinstance(getattr(plan, f.name), pd.DataFrame))))


def frame_cache_key(df):
    """A follow-up table from get_suivi is its store state; any other table is hashed on its values."""
    version = version_of(df)
    if version is not None:
        return version
    import pickle  # noqa: PLC0415

    try:
        values = pd.util.hash_pandas_object(df, index=True).to_numpy().tobytes()
    except TypeError:  # unhashable cells (lists…)
        values = pickle.dumps(df)
    return (tuple(map(str, df.columns)), tuple(map(str, df.dtypes)), values)


def suivi_cache_key(suivi):
    version = version_of(suivi)
    if version is not None:
        return version
    return tuple(frame_cache_key(getattr(suivi, n)) for n in ("indicateurs", "statuts", "realise")) + (suivi.demo,)


_VIEWS: dict[tuple, object] = {}


def cache_view(fn):
    """Cache a page's pure computation (metrics, formatted tables, figures) on its arguments, shared by
    every session, results read-only. The plan counts as its version, the follow-up's tables as the
    store's state (one cheap query per run): a warm rerun hashes no table.

    A page module runs again on every rerun; the cached wrapper of a function is made once per process
    (a wrapper made on each run would start empty)."""
    code = fn.__code__
    key = (fn.__module__, fn.__qualname__, code.co_filename, code.co_firstlineno, code.co_code)
    wrapped = _VIEWS.get(key)
    if wrapped is None:
        wrapped = _VIEWS[key] = shared(max_entries=64)(fn)
    return wrapped


# --- Tableaux téléchargeables (pages Pilotage) --------------------------------------------------

def memo(owner, key, compute):
    """compute() once per (owner, key) while `owner` (a view from cache_view, shared by every session)
    lives: what a page derives from a cached view with its own selectors (one indicator's trend, a
    search, a page of rows, a figure's dict) is then built once for every session, not on each rerun
    (dashboard.memo)."""
    return per_object(owner, key, compute)

_RUN_MEMO: dict[int, tuple[object, dict]] = {}


def run_memo(name: str, compute):
    """compute() once per script run of a session (a second call in the same run reuses its value)."""
    ctx = get_script_run_ctx(suppress_warning=True)
    if ctx is None:
        return compute()
    hit = _RUN_MEMO.get(id(ctx))
    if hit is None or hit[0] is not ctx.cursors:  # Streamlit gives each run a new `cursors` dict
        if len(_RUN_MEMO) > 512:
            _RUN_MEMO.clear()
        hit = _RUN_MEMO[id(ctx)] = (ctx.cursors, {})
    if name not in hit[1]:
        hit[1][name] = compute()
    return hit[1][name]

# Objects handed out by get_plan / get_suivi → the simple value they are cached on, so that a view
# taking them as arguments is keyed on that value instead of hashing their tables on every rerun.
# Each entry keeps its object: an id is only trusted while the very object is alive and the same.
_VERSIONS: dict[int, tuple[object, tuple]] = {}


def remember(obj, version: tuple) -> None:
    if len(_VERSIONS) > 256:  # old plans and store states: forget them (their keys fall back to hashing)
        _VERSIONS.clear()
    _VERSIONS[id(obj)] = (obj, version)


def version_of(obj):
    hit = _VERSIONS.get(id(obj))
    return hit[1] if hit is not None and hit[0] is obj else None




def forget_in_runs(*names: str) -> None:
    """Drop these names from what run_memo kept for the runs under way (read again, even in this run)."""
    for _, values in list(_RUN_MEMO.values()):
        for name in names:
            values.pop(name, None)
