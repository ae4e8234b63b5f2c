"""Streamlit glue shared by every page: the navigation's pages, the plan in force and the follow-up
(cached on their versions, shared by every session), the sidebar's filters, the store's banners, the
views' cache, the tables and charts drawn once, the demonstration data, the accounts (sign-in, role,
sign-out), and the reading the server does as it starts (dashboard.serveur serves the app).

One module (about 1 250 lines) on purpose: with app.py and vues/ (the pages), it is the only module
that imports streamlit, so that everything else stays plain Python tested without it; its sections
(navigation, plan, suivi, tables, cache, demo, comptes, start-up) are marked by banner comments.
"""

from __future__ import annotations

import contextlib
import logging
import os
from pathlib import Path

import pandas as pd
import streamlit as st
from plotly.basedatatypes import BaseFigure

from dashboard import fmt, metrics
from dashboard.memo import Shared, per_object
from dashboard.plan import DEFAULT_PLAN_PATH, Plan, PlanError, load_plan

log = logging.getLogger("dashboard")


# --- Shared values --------------------------------------------------------------------------------
# What every session shares (the plan, the follow-up, the views of the pages) is kept by memo.Shared
# rather than st.cache_resource: Streamlit hashes every argument of every call (its name, then its
# value, through its own hasher) and reads the function's signature again each time, 0.1 to 0.3 ms a
# call, a dozen calls on every run of every page. Here a call costs the key below and a dictionary
# access. The key of an argument is what the value stands for: a plan its version, a follow-up table
# its store state (both noted when get_plan / get_suivi hand them out), filters their choices.

def _key_part(value):
    from dashboard.suivi.store import Suivi  # noqa: PLC0415

    if isinstance(value, Plan):
        return ("plan", _plan_cache_key(value))
    if isinstance(value, pd.DataFrame):
        return ("table", _frame_cache_key(value))
    if isinstance(value, metrics.Filters):
        return ("filtres", value.axes, value.enjeux, value.porteurs)
    if isinstance(value, Suivi):
        return ("suivi", _suivi_cache_key(value))
    if isinstance(value, dict):
        return ("dict", tuple((k, _key_part(v)) for k, v in value.items()))
    if isinstance(value, list | tuple):
        return (type(value).__name__, tuple(_key_part(v) for v in value))
    return (type(value), value)  # itself, with its type (1, 1.0 and True are three keys; an unhashable
    # value leaves the call uncached)


def _args_key(*args, **kwargs) -> tuple:
    return tuple(_key_part(a) for a in args) + tuple((name, _key_part(v)) for name, v in kwargs.items())


def shared(max_entries: int | None = None, ttl: float | None = None, spinner: str | None = None):
    """Decorator: the function's values shared by every session (memo.Shared, keyed as above), at most
    `max_entries`, each for `ttl` seconds; `spinner`: the message shown while a value is computed."""
    def decorate(fn):
        computing = (lambda: _spinner(spinner)) if spinner else None
        return Shared(fn, _args_key, max_entries=max_entries, ttl=ttl, computing=computing)

    return decorate


def _spinner(message: str):
    """st.spinner on a page; nothing outside one (the server reading the plan as it starts: warm_up)."""
    from streamlit.runtime.scriptrunner import get_script_run_ctx  # noqa: PLC0415

    return st.spinner(message) if get_script_run_ctx(suppress_warning=True) else contextlib.nullcontext()


# --- Navigation ----------------------------------------------------------------------------------
# st.Page checks its file again on every run (path resolved, file present, icon name valid): 0.2 to
# 0.4 ms a page, nine pages, on every run of every page. Each page is checked once per process and
# main script; each run gets a copy of it (st.navigation marks the pages it is given, never these).
_PAGES: dict[tuple, object] = {}


def page(path: str, **kwargs):
    """st.Page(path, **kwargs), checked once per process (see above)."""
    import copy  # noqa: PLC0415

    from streamlit.runtime.scriptrunner import get_script_run_ctx  # noqa: PLC0415

    ctx = get_script_run_ctx(suppress_warning=True)
    key = (getattr(ctx, "main_script_path", None), path, *sorted(kwargs.items()))
    made = _PAGES.get(key)
    if made is None:
        made = st.Page(path, **kwargs)
        if ctx is not None:
            _PAGES[key] = made
    return copy.copy(made)


# --- Texte brut : what a person or a file wrote, shown as it is --------------------------------------
# A file name, a comment, a label, a plan's title or a cell's text is never Markdown nor HTML on a page:
# st.markdown, st.caption, alerts, widget labels and help and st.table cells read Markdown (a crafted
# file name gave a clickable external link and an image the browser fetched). Every such text goes
# through brut (Markdown) or html_brut (HTML written by a page).

def brut(text) -> str:
    """`text` as Markdown that shows it literally (fmt.texte_brut)."""
    return fmt.texte_brut(text)


def html_brut(text) -> str:
    """`text` escaped for HTML a page writes (st.html, st.markdown with unsafe_allow_html): no tag, and
    no blank line that would end the HTML block and let Markdown read what follows."""
    import html  # noqa: PLC0415

    return html.escape("" if text is None else str(text)).replace("\r\n", "\n").replace("\n", "<br>")


def table_brute(rows, **kwargs) -> None:
    """st.table of `rows` (a DataFrame or a list of dicts) whose text cells are shown literally (st.table
    reads Markdown in its cells)."""
    frame = rows if isinstance(rows, pd.DataFrame) else pd.DataFrame(list(rows))
    shown = frame.copy()
    for col in shown.columns:
        if shown[col].dtype == object or pd.api.types.is_string_dtype(shown[col]):
            shown[col] = [brut(v) if isinstance(v, str) else v for v in shown[col]]
    st.table(shown, **kwargs)


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
    import secrets  # noqa: PLC0415

    try:
        yield
    except Exception:
        ref = secrets.token_hex(4)
        log.exception("page en échec, référence %s", ref)
        st.error(MESSAGE_ERREUR.format(ref=ref), icon=":material/error:")


# --- Plan : the version in force, read from the store -----------------------------------------

def plan_path() -> Path:
    """The plan workbook read from disk: DASHBOARD_PLAN (development), or the shipped one (store unavailable)."""
    return Path(os.environ.get("DASHBOARD_PLAN", str(DEFAULT_PLAN_PATH)))


@shared(max_entries=4, spinner="Lecture du plan…")
def _load_plan_cached(path: str, mtime: float) -> Plan:  # mtime is the cache key
    return load_plan(path)


@shared()
def _versions_ready(url: str, engine) -> bool:
    """Once per process and store: the shipped workbook becomes version 1 on first start."""
    from dashboard.plan import versions  # noqa: PLC0415

    versions.ensure_first_version(engine)
    return True


@shared(max_entries=8, spinner="Lecture du plan…")
def _load_version_cached(url: str, version_id: int) -> Plan:  # a stored version never changes
    from dashboard.plan import versions  # noqa: PLC0415

    return versions.load_version(get_engine(), version_id)


def _plan_source() -> tuple:
    """Where the plan in force comes from: ("version", store URL, id) — the current version in the
    store, one cheap query per script run however many times a page asks — or ("fichier", path, mtime)
    when DASHBOARD_PLAN names a file (development) or when the store cannot be read (the shipped
    workbook, said by store_notice)."""
    return _run_memo("plan_en_vigueur", _read_plan_source)


def _read_plan_source() -> tuple:
    if not os.environ.get("DASHBOARD_PLAN"):
        from dashboard.plan import versions  # noqa: PLC0415

        try:
            engine = get_engine()
            _versions_ready(str(engine.url), engine)
            vid = getattr(_etat(), "plan_version", None)
            if vid is None:  # the state unread, or read before version 1 existed (very first run): asked alone
                vid = versions.current_id(engine)
            if vid is not None:
                return ("version", str(engine.url), int(vid))
        except Exception:  # the store's own message is on the page (store_notice); the shipped plan shows
            log.info("version courante du plan illisible : classeur livré affiché", exc_info=True)
    path = plan_path()
    try:
        mtime = path.stat().st_mtime
    except OSError:
        mtime = 0.0
    return ("fichier", str(path), mtime)


def plan_version() -> str:
    """The identity of the plan in force, a plain string that changes when another version becomes
    current (in any process): what caches of the plan's views key on."""
    kind, where, which = _plan_source()
    return f"version {which}" if kind == "version" else f"fichier {where} @ {which}"


# Objects handed out by get_plan / get_suivi → the simple value they are cached on, so that a view
# taking them as arguments is keyed on that value instead of hashing their tables on every rerun.
# Each entry keeps its object: an id is only trusted while the very object is alive and the same.
_VERSIONS: dict[int, tuple[object, tuple]] = {}


def _remember(obj, version: tuple) -> None:
    if len(_VERSIONS) > 256:  # old plans and store states: forget them (their keys fall back to hashing)
        _VERSIONS.clear()
    _VERSIONS[id(obj)] = (obj, version)


def _version_of(obj):
    hit = _VERSIONS.get(id(obj))
    return hit[1] if hit is not None and hit[0] is obj else None


def _load_plan_in_force(source: tuple) -> Plan:
    """The plan `source` (_plan_source) names, from the shared cache; raises what reading it raises."""
    kind, where, which = source
    return _load_version_cached(where, which) if kind == "version" else _load_plan_cached(where, which)


def get_plan() -> Plan:
    """The plan in force (the current version in the store, see _plan_source), cached on its identity
    and shared by every session, read-only; stops the page with every problem when it cannot be read."""
    version = kind, where, which = _plan_source()
    name = f"version {which} du plan" if kind == "version" else f"classeur du plan « {Path(where).name} »"
    try:
        plan = _load_plan_in_force(version)
    except PlanError as err:
        log.warning("plan invalide : %s", err)
        st.error(f"Le {name} contient {len(err.problems)} problème(s). "
                 "Corrigez-les dans Excel puis rechargez la page.")
        st.markdown("\n".join(f"- {brut(p.message())}" for p in err.problems))
        st.stop()
    except Exception:  # never a traceback on screen; the log has it
        log.exception("lecture du plan impossible")
        st.error(f"Le {name} n'a pas pu être lu. Vérifiez qu'il s'agit d'un fichier .xlsx non ouvert dans un "
                 "autre programme.")
        st.stop()
    _remember(plan, ("plan", *version))
    return plan


def get_plan_version(version_id: int) -> Plan | None:
    """A stored version of the plan (the reference of a comparison), None when it cannot be read."""
    try:
        return _load_version_cached(str(get_engine().url), int(version_id))
    except Exception:
        log.exception("lecture de la version %s du plan impossible", version_id)
        return None


@shared(max_entries=8)
def _versions_cached(url: str, current: int, latest: int) -> tuple:  # another version current or stored: new key
    from dashboard.plan import versions  # noqa: PLC0415

    return tuple(versions.history(get_engine()))


def _versions_key() -> tuple | None:
    """(store URL, version in force, latest stored version): what the list of versions is cached on;
    None when the plan comes from a file or that state cannot be read in the run's one query."""
    kind, where, which = _plan_source()
    etat = _etat()
    if kind != "version" or etat is None or etat.derniere_version is None:
        return None
    return where, which, etat.derniere_version


def plan_versions() -> list:
    """The stored versions (plan.versions.Version), latest first; [] when the store cannot be read.
    Read again only when another version becomes current or is stored."""
    from dashboard.plan import versions  # noqa: PLC0415

    try:
        key = _versions_key()
        if key is not None:
            return list(_versions_cached(*key))
        engine = get_engine()
        _versions_ready(str(engine.url), engine)
        return versions.history(engine)
    except Exception:
        log.info("versions du plan illisibles", exc_info=True)
        return []


def known_indicators():
    """The indicators of every stored version (identifier, action, wording, unit), the latest version's
    wording last: what names the follow-up values of an indicator a revision removed. Made once per
    state of the versions (the key of plan_versions) and shared; a view taking it is keyed on that
    state. A version that cannot be read leaves it out, and the result is then not kept."""
    key = _versions_key()
    if key is not None:
        try:
            known = _known_indicators_cached(*key)
        except _VersionUnreadable:
            pass  # made below without that version, not kept
        else:
            if known is not None:
                _remember(known, ("indicateurs connus", *key))
            return known
    return _known_indicators(plan_versions())


class _VersionUnreadable(Exception):
    """A stored version could not be read: what is known without it is not cached."""


@shared(max_entries=4)
def _known_indicators_cached(url: str, current: int, latest: int):  # the key of _versions_cached
    return _known_indicators(plan_versions(), strict=True)


def _known_indicators(versions_list: list, strict: bool = False):
    frames = []
    for v in reversed(versions_list):
        p = get_plan_version(v.id)
        if p is None and strict:
            raise _VersionUnreadable(v.id)
        if p is not None:
            frames.append(p.indicateurs[["indicateur_id", "action_id", "indicateur", "unite"]])
    return pd.concat(frames, ignore_index=True) if frames else None


def voted_reference() -> tuple[Plan, str, str] | None:
    """(the voted plan — the first stored version —, its label, the current version's label) when another
    version is in force; None otherwise (one version, the voted plan in force, or DASHBOARD_PLAN)."""
    if os.environ.get("DASHBOARD_PLAN"):
        return None
    vs = plan_versions()
    current = next((v for v in vs if v.current), None)
    if current is None or len(vs) < 2 or current.id == vs[-1].id:
        return None
    ref = get_plan_version(vs[-1].id)
    return None if ref is None else (ref, vs[-1].label, current.label)


def _comparable_versions() -> tuple | None:
    """(the version in force, the others — the voted plan first) when the store holds more than one
    version of the plan and the pages show the one in force; None otherwise."""
    if os.environ.get("DASHBOARD_PLAN"):
        return None
    vs = plan_versions()
    current = next((v for v in vs if v.current), None)
    others = [v for v in reversed(vs) if not v.current]
    return (current, others) if current is not None and others else None


def can_compare() -> bool:
    """Whether compare_selector is shown (more than one version of the plan is stored)."""
    return _comparable_versions() is not None


def compare_selector(key: str) -> tuple[Plan, str, str] | None:
    """« Comparer au plan voté » for the pages Calendrier and Budget when the store holds more than one
    version: (reference plan, its label, the current version's label), or None (no comparison)."""
    comparable = _comparable_versions()
    if comparable is None:
        return None
    current, others = comparable
    labels = {v.id: f"Version {v.id} – {v.label}" for v in others}
    choice = st.selectbox("Comparer la version en vigueur avec", [None, *labels], key=key,
                          format_func=lambda i: "Pas de comparaison" if i is None else labels[i],
                          index=1, width=420,
                          help=f"Version en vigueur : {current.id} – {brut(current.label)}. Par défaut, le plan voté.")
    if choice is None:
        return None
    ref = get_plan_version(choice)
    if ref is None:
        st.warning("Cette version du plan n'a pas pu être lue (voir le journal) : pas de comparaison.")
        return None
    chosen = next(v for v in others if v.id == choice)
    return ref, chosen.label, current.label


def sidebar_filters(plan: Plan) -> metrics.Filters:
    """Axe / enjeu / maîtrise d'ouvrage filters, the same on every page (kept across pages)."""
    st.sidebar.header("Filtres")
    axe_labels = memo(plan, "axe_labels", lambda: {int(r.axe): f"Axe {int(r.axe)} – {r.libelle}"
                                                   for r in plan.axes.sort_values("axe").itertuples()})
    chosen_axes = st.sidebar.multiselect(
        "Axe", list(axe_labels), format_func=lambda a: axe_labels[a], key="filtre_axes",
        placeholder="Tous les axes",
    )
    def labels():
        enjeux = plan.enjeux
        if chosen_axes:
            enjeux = enjeux[enjeux["axe"].isin(chosen_axes)]
        return {r.enjeu: f"{r.enjeu} – {r.libelle}" for r in enjeux.itertuples()}

    enjeu_labels = memo(plan, ("enjeu_labels", tuple(chosen_axes)), labels)
    chosen_enjeux = st.sidebar.multiselect(
        "Enjeu", list(enjeu_labels), format_func=lambda e: enjeu_labels.get(e, e), key="filtre_enjeux",
        placeholder="Tous les enjeux",
    )
    chosen_porteurs = st.sidebar.multiselect(
        "Maîtrise d'ouvrage", memo(plan, "porteurs", lambda: metrics.porteurs(plan)), key="filtre_porteurs", placeholder="Toutes",
    )
    filters = metrics.Filters(tuple(chosen_axes), tuple(chosen_enjeux), tuple(chosen_porteurs))
    if filters.active:
        count = memo(plan, ("filtered_count", filters), lambda: metrics.filtered_count(plan, filters))
        st.sidebar.caption(f"{count} action(s) sur {len(plan.actions)} retenue(s).")
    return filters


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
    return _open_engine(_store_url())


def _store_url() -> str:
    """store.default_url (which may read .streamlit/secrets.toml), once per script run."""
    from dashboard.suivi import store  # noqa: PLC0415

    return _run_memo("url", store.default_url)


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
    return _store_problem_cached(_store_url())


def store_notice() -> None:
    """The one plain message of a store that cannot be opened (error) or written (warning)."""
    problem = store_problem()
    if problem is None:
        return
    if problem.readable:
        st.warning(str(problem), icon=":material/lock:")
    else:
        st.error(str(problem), icon=":material/database:")


@shared(max_entries=8)
def _load_suivi_cached(url: str, state: tuple):  # (url, store.state_key) is the cache key
    from dashboard.suivi import store  # noqa: PLC0415

    return store.load_suivi(get_engine())


def get_suivi():
    """The current follow-up values (store.Suivi), shared by every session, read-only; one cheap query
    per rerun, reloaded after each import or rollback (the cache key is the store's latest batch id and
    number of active batches). The state is read once per run, however many times a page asks."""
    from dashboard.suivi import store  # noqa: PLC0415

    try:
        ensure_demo()  # first start: the demonstration data (see demo_banner)
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
    _remember(suivi, version)
    for name in ("indicateurs", "statuts", "realise"):  # views take these tables as arguments
        _remember(getattr(suivi, name), (*version, name))
    return suivi


_RUN_MEMO: dict[int, tuple[object, dict]] = {}


def _run_memo(name: str, compute):
    """compute() once per script run of a session (a second call in the same run reuses its value)."""
    from streamlit.runtime.scriptrunner import get_script_run_ctx  # noqa: PLC0415

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


def store_state() -> tuple[str, tuple]:
    """(store URL, store.state_key): what every cache of the store's contents is keyed on, read once per
    script run however many times a page asks (with the plan version and the accounts, see _etat)."""
    from dashboard.suivi import store  # noqa: PLC0415

    engine = get_engine()

    def read() -> tuple:
        etat = _etat()
        return etat.suivi if etat is not None else store.state_key(engine)

    return str(engine.url), _run_memo("etat_suivi", read)


def _etat():
    """dashboard.etat: the plan version in force, the store's state and the number of accounts, in one
    query once per script run; None when the store cannot be opened or that query fails (each value
    is then read by its own function, which says what is wrong its own way)."""
    return _run_memo("etat", _read_etat)


def _read_etat():
    from dashboard import etat  # noqa: PLC0415

    engine = _engine_or_none()
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


def clear_suivi_cache() -> None:
    """After an import or a rollback (the store's state is then read again, even in this run)."""
    _load_suivi_cached.clear()
    for _, values in list(_RUN_MEMO.values()):
        values.pop("etat_suivi", None)
        values.pop("etat", None)


# --- Tableaux téléchargeables (pages Pilotage) --------------------------------------------------

def memo(owner, key, compute):
    """compute() once per (owner, key) while `owner` (a view from cache_view, shared by every session)
    lives: what a page derives from a cached view with its own selectors (one indicator's trend, a
    search, a page of rows, a figure's dict) is then built once for every session, not on each rerun
    (dashboard.memo)."""
    return per_object(owner, key, compute)


class _DrawnFigure(BaseFigure):
    """A plotly figure already turned into its dict: st.plotly_chart takes any BaseFigure and asks it
    for to_dict() (twice), which copies the whole figure on every run; this one hands out the dict made
    once. Never built by plotly's constructor: it is only ever drawn, never changed."""

    def __init__(self, figure_dict: dict):  # noqa: D107 — BaseFigure's own setup is deliberately skipped
        object.__setattr__(self, "_drawn", figure_dict)

    def to_dict(self) -> dict:
        return self._drawn


def _drawn(fig) -> _DrawnFigure:
    """The figure as plain JSON values (lists, numbers, strings), as plotly writes it: st.plotly_chart
    then serialises it in one orjson call, instead of walking every value of the figure again (dates,
    NumPy arrays) on every run."""
    import json  # noqa: PLC0415

    import plotly.io as pio  # noqa: PLC0415

    from dashboard.present.charts import plotly_brut  # noqa: PLC0415

    return _DrawnFigure(plotly_brut(json.loads(pio.to_json(fig, validate=False))))  # texts shown literally


def chart(fig, **kwargs) -> None:
    """st.plotly_chart of a figure from a cached view (no mode bar): its JSON values made once per figure."""
    kwargs.setdefault("config", {"displayModeBar": False})
    st.plotly_chart(memo(fig, "dict", lambda: _drawn(fig)), **kwargs)


def _arrow(df):
    """df as an Arrow table, as st.dataframe would convert it (the index left out: never shown)."""
    import pyarrow as pa  # noqa: PLC0415

    try:
        return pa.Table.from_pandas(df, preserve_index=False)
    except (pa.ArrowInvalid, pa.ArrowTypeError):  # mixed types in a column: Streamlit's own conversion
        return df


def dataframe(df, **kwargs):
    """st.dataframe of a table from a cached view (index hidden): converted to Arrow once per table,
    not on every run."""
    return st.dataframe(memo(df, "arrow", lambda: _arrow(df)), hide_index=True, **kwargs)


def _long_text_config(shown) -> dict:
    """Long texts (libellés, extraits du plan) get a bounded width so the figures stay in view."""
    return {c: st.column_config.TextColumn(width="medium") for c in shown.columns
            if len(shown.columns) > 5 and len(shown) and shown[c].str.len().max() > 40}


def _row_styles(shown, col: str, value: str):
    """The CSS of each cell: rows whose `col` is `value` in red; None when no row is (no styling at all)."""
    hit = (shown[col] == value).to_numpy()
    if not hit.any():
        return None
    css = "background-color: #FBE3D6; color: #8A2B00; font-weight: 600"
    return pd.DataFrame([[css if h else ""] * len(shown.columns) for h in hit], index=shown.index,
                        columns=shown.columns)


def table_with_download(df, file_stem: str, key: str, overrides=None, ranges=None, height="auto",
                        caption: str | None = None, highlight: tuple[str, str] | None = None) -> None:
    """A French-formatted table on screen and its formatted Excel file (real numbers) to download.

    df: a DataFrame, or an export.Table already formatted (e.g. inside a cached view: what is derived
    from it for the screen is then made once, see memo).
    """
    from dashboard.present import export

    cached = isinstance(df, export.Table)
    t = df if cached else export.table(df, overrides=overrides, ranges=ranges)
    shown = t.shown
    long_text = memo(t, "long_text", lambda: _long_text_config(shown)) if cached else _long_text_config(shown)
    styles = None
    if highlight and highlight[0] in shown.columns:  # (column header, value): rows to flag in red
        styles = memo(t, ("highlight", *highlight), lambda: _row_styles(shown, *highlight)) if cached \
            else _row_styles(shown, *highlight)
    if styles is not None:  # a new Styler each run: Streamlit computes its styles in place when drawing it
        shown = shown.style.apply(lambda _: styles, axis=None)
    if cached and styles is None:
        dataframe(shown, height=height, column_config=long_text)
    else:
        st.dataframe(shown, hide_index=True, height=height, column_config=long_text)
    # one row (a horizontal container, not columns: two messages fewer for the browser per table)
    row = st.container(horizontal=True, horizontal_alignment="right", vertical_alignment="center")
    if caption:
        row.caption(caption)
    download_button(
        row, "Télécharger (Excel)", data=lambda: t.excel(title=file_stem),
        file_name=f"{file_stem}.xlsx", mime=export.XLSX_MIME, key=f"dl_{key}", on_click="ignore",
        icon=":material/download:",
    )


def prevu_realise(fig, table, file_stem: str, key: str, caption: str, missing: str) -> None:
    """The « Prévu / réalisé » tab of Budget and Effectifs: the chart, its caption and its table, or
    a notice naming what appears once the follow-up is imported (`fig` None)."""
    if fig is None:
        st.info(f"Aucune donnée de suivi n'a encore été importée : {missing} apparaîtront ici après "
                "l'import du suivi annuel (page « Import du suivi annuel »).")
        return
    chart(fig)
    st.caption(caption + " Une année sans valeur importée n'est pas un zéro.")
    table_with_download(table, file_stem, key)


def tabs(labels: list[str], key: str):
    """st.tabs whose closed tabs are not drawn (`tab.open` is False for them): opening the page draws its
    first tab only, and a click on another tab reruns the page (a warm rerun: everything is cached) to
    draw that one. The open tab is kept in session_state[key] (its label)."""
    return st.tabs(labels, key=key, on_change="rerun")


def keep_widgets(*keys: str) -> None:
    """Keep these widgets' values while they are not drawn (in a closed tab): Streamlit forgets the value
    of a widget absent from a run, unless the page sets it again."""
    for key in keys:
        if key in st.session_state:
            st.session_state[key] = st.session_state[key]


def metrics_row():
    """The page's key figures side by side (row.metric(…) each): one horizontal container rather than
    columns, a message to the browser instead of one per column; on a narrow screen they wrap to the
    next line instead of being cut."""
    return st.container(horizontal=True)


def _plan_cache_key(plan: Plan):
    """A plan is its identity when get_plan handed it out (a stored version, or a workbook's path and
    modification time); a stored version otherwise; a plan made otherwise (one with the hypotheses
    applied, a test's) is its workbook's path and modification time, else its identity."""
    version = _version_of(plan)
    if version is not None:
        return version
    if plan.version:
        return ("version", plan.version)
    try:
        return (plan.source, Path(plan.source).stat().st_mtime)
    except OSError:
        return _ByIdentity(plan)


class _ByIdentity:
    """A key that is this very object (held by the key: its id cannot go to another object meanwhile)."""

    __slots__ = ("obj",)

    def __init__(self, obj):
        self.obj = obj

    def __hash__(self) -> int:
        return id(self.obj)

    def __eq__(self, other) -> bool:
        return isinstance(other, _ByIdentity) and other.obj is self.obj


def _frame_cache_key(df):
    """A follow-up table from get_suivi is its store state; any other table is hashed on its values."""
    version = _version_of(df)
    if version is not None:
        return version
    import pickle  # noqa: PLC0415

    try:
        values = pd.util.hash_pandas_object(df, index=True).to_numpy().tobytes()
    except TypeError:  # unhashable cells (lists…)
        values = pickle.dumps(df)
    return (tuple(map(str, df.columns)), tuple(map(str, df.dtypes)), values)


def _suivi_cache_key(suivi):
    version = _version_of(suivi)
    if version is not None:
        return version
    return tuple(_frame_cache_key(getattr(suivi, n)) for n in ("indicateurs", "statuts", "realise")) + (suivi.demo,)


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
    return _first_start_demo(_store_url(), os.environ.get("DASHBOARD_DEMO", "1"))


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


# --- Comptes : who the session is, what it may do ----------------------------------------------
# Without any account in the store, the app behaves as it always did (anyone may import). Once an
# account exists, app.py draws the sign-in in the sidebar (barre_compte) and the writing actions
# check the role themselves (dashboard.acces.ecritures); the pages only hide what cannot be done.

_IDENTITE = "_compte_identite"  # OIDC: (e-mail, identity) of the session


def _engine_or_none():
    from dashboard.suivi import store  # noqa: PLC0415

    try:
        return get_engine()
    except store.StoreUnavailable:
        return None


def mode_ouvert() -> bool:
    """No account in the store (or no store at all): today's behaviour, anyone may import. Read once
    per script run (the banner, the sidebar and the page all ask)."""
    return _comptes_lus() is not False


def _comptes_lus() -> bool | None:
    """True: no account (or no store); False: accounts exist; None: the account table cannot be read
    (the pages still show; writing is refused by the store). Once per script run."""
    return _run_memo("mode_ouvert", _read_mode_ouvert)


def _read_mode_ouvert() -> bool | None:
    from dashboard.acces import comptes  # noqa: PLC0415

    engine = _engine_or_none()
    if engine is None:
        return True
    etat = _etat()
    if etat is not None:
        return etat.comptes == 0
    try:
        return comptes.mode_ouvert(engine)
    except Exception:
        log.exception("comptes illisibles")
        return None


def oidc_configure() -> bool:
    """`.streamlit/secrets.toml` has an [auth] section: sign-in through the office's identity provider."""
    try:
        return "auth" in st.secrets
    except Exception:  # no secrets file at all
        return False


def _fournisseur_oidc() -> str | None:
    """st.login's provider: None when [auth] holds the client itself, else its first named provider."""
    auth = st.secrets["auth"]
    if "client_id" in auth:
        return None
    return next((name for name, value in auth.items() if hasattr(value, "get") and "client_id" in value), None)


def jeton_de_session() -> str | None:
    """The token of the browser's signed-in session (cookie set by POST /connexion), sent with the
    websocket's opening request: the same in every tab and after a reload."""
    from dashboard.acces import sessions  # noqa: PLC0415

    try:
        return st.context.cookies.get(sessions.COOKIE)
    except Exception:  # outside a page (no browser)
        return None


def identite():
    """The session's identity (acces.Identite), or None (anonymous). The one way a page asks who is there.

    A password session is read from the store with its account once per script run (its cookie,
    acces.sessions.lire): a sign-out in another tab, `users logout`, a deactivated account or a
    changed role take effect at the next click of every open tab. Through OIDC, the account of the
    e-mail is read again the same way (_a_jour)."""
    from dashboard.acces import comptes, roles  # noqa: PLC0415

    if oidc_configure():
        if not st.user.is_logged_in:
            return None
        email = str(st.user.get("email") or "")
        kept = st.session_state.get(_IDENTITE)
        if kept is not None and kept[0] == email:
            return _a_jour(kept)
        engine = _engine_or_none()
        found = None if engine is None else comptes.identite_oidc(
            engine, email, str(st.user.get("name") or ""), roles.role_oidc_inconnu())
        st.session_state[_IDENTITE] = (email, found)
        return found
    return _run_memo("identite_session", _read_session)


def _read_session():
    from dashboard.acces import sessions  # noqa: PLC0415

    jeton = jeton_de_session()
    engine = _engine_or_none() if jeton else None
    lecture = sessions.Lecture(None)
    if engine is not None:
        try:
            lecture = sessions.lire(engine, jeton)
        except Exception:
            log.info("session illisible", exc_info=True)
    if lecture.motif:
        st.session_state["_compte_message"] = lecture.motif
        log.info("session fermée : %s", lecture.motif)
    kept = st.session_state.get(_JETON)
    if kept is not None and kept.identite != lecture.identite:  # signed out, or someone else: its downloads stop
        _revoquer_jeton()
    return lecture.identite


def _a_jour(kept: tuple):
    """The kept identity as the store says now, read once per script run (comptes.relire: one small
    query). A deactivated or removed account signs the session out, with a message; a changed role or
    name replaces the kept one. A store that cannot be read leaves the identity as it is (every writing
    function checks the account again anyway)."""
    from dashboard.acces import comptes  # noqa: PLC0415

    def read():
        engine = _engine_or_none()
        if engine is None or kept[1] is None:
            return kept[1]
        try:
            return comptes.relire(engine, kept[1])
        except Exception:
            log.info("compte de la session illisible", exc_info=True)
            return kept[1]

    now = _run_memo("identite_relue", read)
    if now is None and kept[1] is not None:
        _revoquer_jeton()
        st.session_state.pop(_IDENTITE, None)
        st.session_state["_compte_message"] = ("Votre compte a été désactivé : la session est fermée. Demandez "
                                               "à l'administrateur du tableau de bord de le réactiver.")
        log.info("session du compte %s fermée : compte désactivé", kept[1].login)
        return None
    if now != kept[1]:
        st.session_state[_IDENTITE] = (kept[0], now)
    return now


def peut(role: str) -> bool:
    """May the session do what `role` allows (to decide what a page shows; the action checks again).
    The account is read again on each script run, once however many times the run asks."""
    return _run_memo(("peut", role), lambda: _read_peut(role))


def _read_peut(role: str) -> bool:
    from dashboard.acces import comptes  # noqa: PLC0415

    engine = _engine_or_none()
    lus = _comptes_lus()
    if engine is None or lus is None:  # no store, or accounts that cannot be read: no writing control
        return False
    if lus:  # no account yet: anyone may, as comptes.peut would say after the same query
        return True
    try:
        return comptes.peut(engine, identite(), role)
    except Exception:
        log.exception("compte illisible")
        return False


def _deconnecter_oidc() -> None:
    _revoquer_jeton()
    st.session_state.pop(_IDENTITE, None)
    st.logout()


def _page_courante() -> str:
    """This page's path and query (where /connexion and /deconnexion send the person back)."""
    from urllib.parse import urlsplit  # noqa: PLC0415

    parts = urlsplit(st.context.url or "/")
    return (parts.path or "/") + (f"?{parts.query}" if parts.query else "")


def _lien_connexion(where) -> None:
    """« Se connecter »: the OIDC button, else a link to the sign-in form (GET /connexion)."""
    from dashboard import connexion  # noqa: PLC0415

    if oidc_configure():
        if st.user.is_logged_in:  # signed in at the provider, but no account for this e-mail
            where.warning(f"L'adresse « {brut(st.user.get('email', ''))} » n'a pas de compte sur ce tableau de bord : "
                          "demandez-en un à son administrateur.")
            if where.button("Se déconnecter", key="compte_deconnexion"):
                _deconnecter_oidc()
            return
        if where.button("Se connecter", key="compte_oidc", type="primary", icon=":material/login:",
                        help="Connexion par le compte de l'office (annuaire de l'office)."):
            st.login(_fournisseur_oidc())
        return
    where.html(f'<a class="dashboard-connexion" href="{html_brut(connexion.lien_connexion(_page_courante()))}" '
               'target="_self" style="display:inline-block;padding:.4rem .9rem;border-radius:.5rem;'
               'background:#0072B2;color:#fff;text-decoration:none">Se connecter</a>')


def _bouton_deconnexion(where) -> None:
    """« Se déconnecter »: OIDC through st.logout; a password session posts to /deconnexion, with the
    browser's form token (its cookie, set by the HTML shell)."""
    from dashboard import connexion  # noqa: PLC0415

    if oidc_configure():
        if where.button("Se déconnecter", key="compte_deconnexion", icon=":material/logout:"):
            _deconnecter_oidc()
        return
    jeton = st.context.cookies.get(connexion.CSRF_COOKIE) or ""
    where.html(f'<form method="post" action="/deconnexion" style="margin:0">'
               f'<input type="hidden" name="{connexion.CSRF_CHAMP}" value="{html_brut(jeton)}">'
               f'<input type="hidden" name="suite" value="{html_brut(_page_courante())}">'
               '<button type="submit" style="padding:.4rem .9rem;border-radius:.5rem;border:1px solid #ccc;'
               'background:#fff;cursor:pointer">Se déconnecter</button></form>')


def barre_compte(projecteur: bool = False) -> None:
    """Called by app.py before each page, once accounts exist: who is signed in (name, role) and
    « Se déconnecter » in the sidebar, or « Se connecter ». With DASHBOARD_LECTURE=compte, an
    anonymous session sees only « Se connecter » (the page is not run). The projector mode (no
    sidebar) shows nothing, unless reading needs an account."""
    from dashboard.acces import roles  # noqa: PLC0415

    if mode_ouvert():
        return
    qui = identite()
    message = st.session_state.pop("_compte_message", None)
    if qui is None and roles.lecture_sur_compte():
        st.title("Tableau de bord du schéma de développement touristique")
        if message:
            st.info(message, icon=":material/schedule:")
        st.info("Ce tableau de bord est réservé aux comptes de l'office : connectez-vous pour le consulter.",
                icon=":material/lock:")
        left, _ = st.columns([1, 2])
        _lien_connexion(left)
        st.stop()
    if projecteur:
        return
    with st.sidebar:
        st.header("Compte")
        if message:
            st.info(message, icon=":material/schedule:")
        if qui is None:
            _lien_connexion(st.container())
            st.caption("Sans connexion : consultation seulement.")
            return
        st.markdown(f"**{brut(qui.affichage)}**  \nRôle : {roles.ROLE_LABELS.get(qui.role, qui.role)}")
        _bouton_deconnexion(st.container())


# Deferred downloads (the file built at the click): Streamlit serves them to any session that sends the
# button's id, not only to the one it was drawn for. Each is built only while the session that drew it
# is still signed in as the same person and, when reading needs an account, that account may read
# (acces.telechargements); a session that may not read gets the button disabled, which makes Streamlit
# drop the ids it gave before.

_JETON = "_telechargement_jeton"


def _jeton():
    """The session's acces.telechargements.Jeton for who it is now (a new one after a sign-in)."""
    from dashboard.acces import telechargements  # noqa: PLC0415

    qui = identite()
    session = None if oidc_configure() else jeton_de_session()
    jeton = st.session_state.get(_JETON)
    if jeton is None or jeton.identite != qui or jeton.session != session or not jeton.valide:
        if jeton is not None:
            jeton.revoquer()
        jeton = st.session_state[_JETON] = telechargements.Jeton(qui, session)
    return jeton


def _revoquer_jeton() -> None:
    jeton = st.session_state.pop(_JETON, None)
    if jeton is not None:
        jeton.revoquer()


def download_button(where, label: str, data, **kwargs):
    """where.download_button(label, data=…): a callable `data` (built at the click) is guarded by
    acces.telechargements for this session; disabled for a session that may not read."""
    from dashboard.acces import roles, telechargements  # noqa: PLC0415

    if callable(data):
        lecture_compte = roles.lecture_sur_compte()
        if lecture_compte and not mode_ouvert() and not peut("lecture"):
            kwargs["disabled"] = True
        data = telechargements.garde(_engine_or_none(), _jeton(), data, lecture_compte)
    return where.download_button(label, data=data, **kwargs)


def page_reservee(role: str, action: str) -> None:
    """Stop a page the session may not use, e.g. page_reservee("admin", "remplacer le plan"). While the
    store has no account, anyone may (today's behaviour); the writing function checks again."""
    from dashboard.acces import comptes, roles  # noqa: PLC0415

    engine = _engine_or_none()
    if engine is not None and comptes.peut(engine, identite(), role):  # no account yet: anyone, as before
        return
    besoin = " ou ".join(f"« {r} »" for r in roles.ROLES[roles.ROLES.index(role):])
    st.warning(f"Cette page est réservée aux comptes {besoin} : connectez-vous (barre latérale) pour {action}.",
               icon=":material/lock:")
    st.stop()


def notice_mode_ouvert() -> None:
    """Import and Plan pages, while the store has no account: anyone may change the figures, and how to
    stop it. Not said when the account table cannot be read (nothing can be written then)."""
    if _comptes_lus() is not True:
        return
    st.info("Aucun compte n'est encore créé : toute personne qui ouvre ce tableau de bord peut importer un "
            "classeur de suivi, annuler un import, retirer les données de démonstration ou remplacer le plan. Pour réserver ces actions, "
            "créez le premier compte administrateur sur le serveur : "
            "`python -m dashboard users add LOGIN --role admin` (voir le README, « Comptes »).",
            icon=":material/lock_open:")


# --- Start-up reading (run by dashboard.serveur's lifespan) -----------------------------------

WARM_UP_THREAD = "lecture au démarrage"  # the thread of dashboard.serveur.lifespan


class _NotOnAPage(logging.Filter):
    """Streamlit's warning that a call runs outside any page (its cache spinner, in the reading at
    start): expected there, said nowhere else."""

    def filter(self, record: logging.LogRecord) -> bool:
        return record.threadName != WARM_UP_THREAD or "ScriptRunContext" not in record.getMessage()


def warm_up() -> None:
    """What the first visitor after a start would wait for, done by the server as it starts (a thread
    started by the app's lifespan, dashboard.serveur, once Streamlit's runtime runs): the store
    opened, the first-start demonstration imported, the plan in force and the follow-up read into the
    shared caches (plan 100×: 2.6 s of the 4.4 s of the first opening). A visitor arriving meanwhile
    waits for that same reading (with its spinner), not for a second one. A failure is only logged:
    the page tells the first visitor, as it would without this."""
    logging.getLogger("streamlit.runtime.scriptrunner_utils.script_run_context").addFilter(_NotOnAPage())
    for what, read in (("le plan", lambda: _load_plan_in_force(_plan_source())), ("le suivi", get_suivi)):
        try:
            read()
        except Exception:
            log.info("lecture au démarrage impossible (%s)", what, exc_info=True)
