"""Streamlit glue shared by every page: cached loaders, sidebar filters, banners.

With app.py and vues/ (the pages), the only module that imports streamlit.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

import pandas as pd
import streamlit as st
from plotly.basedatatypes import BaseFigure

from dashboard import metrics
from dashboard.plan import DEFAULT_PLAN_PATH, Plan, PlanError, load_plan

log = logging.getLogger("dashboard")


def plan_path() -> Path:
    """The plan workbook: DASHBOARD_PLAN, or the shipped one."""
    return Path(os.environ.get("DASHBOARD_PLAN", str(DEFAULT_PLAN_PATH)))


def plan_version() -> tuple[str, float]:
    """The plan's version: the one simple value every cache of a page is keyed on (here the workbook's
    path and modification time). Computed here only: when the plan comes from somewhere else, this is
    the one function to change."""
    path = plan_path()
    try:
        mtime = path.stat().st_mtime
    except OSError:
        mtime = 0.0
    return str(path), mtime


@st.cache_resource(show_spinner="Lecture du plan…", max_entries=4)
def _load_plan_cached(version: tuple[str, float]) -> Plan:  # version is the cache key
    return load_plan(version[0])


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


def get_plan() -> Plan:
    """The plan, cached on its version (plan_version) and shared by every session, read-only; stops the
    page on errors."""
    version = plan_version()
    try:
        plan = _load_plan_cached(version)
    except PlanError as err:
        path = Path(version[0])
        log.warning("plan invalide : %s", err)
        st.error(f"Le classeur du plan « {path.name} » contient {len(err.problems)} problème(s). "
                 "Corrigez-les dans Excel puis rechargez la page.")
        st.markdown("\n".join(f"- {p.message()}" for p in err.problems))
        st.stop()
    except Exception:  # never a traceback on screen; the log has it
        log.exception("lecture du plan impossible")
        st.error(f"Le classeur du plan « {Path(version[0]).name} » n'a pas pu être lu. Vérifiez qu'il s'agit "
                 "d'un fichier .xlsx non ouvert dans un autre programme.")
        st.stop()
    _remember(plan, ("plan", *version))
    return plan


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

@st.cache_resource(show_spinner=False)
def _schema_ready(url: str, _engine) -> bool:  # once per store URL: tables created on first start
    from dashboard.suivi import store  # noqa: PLC0415

    store.ensure_schema(_engine)
    return True


def get_engine():
    """The follow-up store's engine: st.connection("suivi", type="sql"), URL from DASHBOARD_DB, else
    [connections.suivi] of .streamlit/secrets.toml, else data/suivi.sqlite (created on first start).

    Raises store.StoreUnavailable (a plain French message) when the store cannot be opened."""
    from dashboard.suivi import store  # noqa: PLC0415

    return _open_engine(store.default_url())


@st.cache_resource(show_spinner=False)
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


@st.cache_resource(ttl=60, show_spinner=False)
def _store_problem_cached(url: str):  # url is the cache key; checked again every minute
    from dashboard.suivi import store  # noqa: PLC0415

    try:
        return store.write_problem(get_engine())
    except store.StoreUnavailable as err:
        return err


def store_problem():
    """Why the store cannot be opened or written (store.StoreUnavailable, French message), or None.

    `.readable`: the store can still be read (the pages show its data; imports are impossible)."""
    from dashboard.suivi import store  # noqa: PLC0415

    return _store_problem_cached(store.default_url())


def store_notice() -> None:
    """The one plain message of a store that cannot be opened (error) or written (warning)."""
    problem = store_problem()
    if problem is None:
        return
    if problem.readable:
        st.warning(str(problem), icon=":material/lock:")
    else:
        st.error(str(problem), icon=":material/database:")


@st.cache_resource(show_spinner=False, max_entries=8)
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
    """(store URL, store.state_key): what every cache of the store's contents is keyed on, read with one
    cheap query once per script run however many times a page asks."""
    from dashboard.suivi import store  # noqa: PLC0415

    engine = get_engine()
    return str(engine.url), _run_memo("etat_suivi", lambda: store.state_key(engine))


@st.cache_resource(show_spinner=False, max_entries=4)
def _history_cached(url: str, state: tuple):  # (url, state) is the cache key
    from dashboard.suivi import store  # noqa: PLC0415

    return store.history(get_engine())


def store_history():
    """store.history, read again only after an import, a rollback or the demo's removal (shared, read-only)."""
    return _history_cached(*store_state())


@st.cache_resource(show_spinner=False, max_entries=32)
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


# --- Tableaux téléchargeables (pages Pilotage) --------------------------------------------------

_MEMO: dict[int, tuple[object, dict]] = {}


def memo(owner, key, compute):
    """compute() once per (owner, key) while `owner` (a view from cache_view, shared by every session)
    lives: what a page derives from a cached view with its own selectors (one indicator's trend, a
    search, a page of rows, a figure's dict) is then built once for every session, not on each rerun."""
    hit = _MEMO.get(id(owner))
    if hit is None or hit[0] is not owner:
        if len(_MEMO) > 512:  # views evicted from their cache: let them go
            _MEMO.clear()
        hit = _MEMO[id(owner)] = (owner, {})
    values = hit[1]
    if key not in values:
        if len(values) > 256:
            values.clear()
        values[key] = compute()
    return values[key]


class _DrawnFigure(BaseFigure):
    """A plotly figure already turned into its dict: st.plotly_chart takes any BaseFigure and asks it
    for to_dict() (twice), which copies the whole figure on every run; this one hands out the dict made
    once. Never built by plotly's constructor: it is only ever drawn, never changed."""

    def __init__(self, figure_dict: dict):  # noqa: D107 — BaseFigure's own setup is deliberately skipped
        object.__setattr__(self, "_drawn", figure_dict)

    def to_dict(self) -> dict:
        return self._drawn


def chart(fig, **kwargs) -> None:
    """st.plotly_chart of a figure from a cached view (no mode bar): its dict is made once per figure."""
    kwargs.setdefault("config", {"displayModeBar": False})
    st.plotly_chart(memo(fig, "dict", lambda: _DrawnFigure(fig.to_dict())), **kwargs)


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
    left, right = st.columns([3, 1])
    if caption:
        left.caption(caption)
    right.download_button(
        "Télécharger (Excel)", data=lambda: t.excel(title=file_stem),
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


def compact_metrics(size_rem: float = 1.6) -> None:
    """Smaller st.metric values, so a euro range (`1 801 500 – 1 851 500 €`) fits its column at 1440 px."""
    st.html(f"<style>[data-testid='stMetricValue'], [data-testid='stMetricValue'] > div "
            f"{{font-size: {size_rem}rem !important;}}</style>")


def _plan_cache_key(plan: Plan):
    """A plan is its version (plan_version) when get_plan handed it out; a plan made otherwise (one with
    the hypotheses applied, a test's) is its workbook's path and modification time, else its identity."""
    version = _version_of(plan)
    if version is not None:
        return version
    try:
        return (plan.source, Path(plan.source).stat().st_mtime)
    except OSError:
        return ("id", id(plan))


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
    (Streamlit would otherwise read its source again on every run)."""
    code = fn.__code__
    key = (fn.__module__, fn.__qualname__, code.co_filename, code.co_firstlineno, code.co_code)
    wrapped = _VIEWS.get(key)
    if wrapped is None:
        from dashboard.suivi.store import Suivi  # noqa: PLC0415

        wrapped = _VIEWS[key] = st.cache_resource(show_spinner=False, max_entries=64, hash_funcs={
            Plan: _plan_cache_key,
            metrics.Filters: lambda f: (f.axes, f.enjeux, f.porteurs),
            pd.DataFrame: _frame_cache_key,
            Suivi: _suivi_cache_key,
        })(fn)
    return wrapped


# --- Données de démonstration ---------------------------------------------------------------
# On first start (store never imported into, demo never removed, DASHBOARD_DEMO != "0") the
# workbooks of data/demo/ are imported through the upload's code path, flagged `demo`.
# Every page calls demo_banner() (right after get_plan()): the banner, and its removal button.

@st.cache_resource(show_spinner="Chargement des données de démonstration…")
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
    from dashboard.suivi import store  # noqa: PLC0415

    if store_problem() is not None:  # a store that cannot be written gets no demo (and no false alarm)
        return None
    return _first_start_demo(store.default_url(), os.environ.get("DASHBOARD_DEMO", "1"))


def demo_banner() -> None:
    """The store's state on every page: the message of a store that cannot be opened or written, and
    the « Données de démonstration » banner while the store holds demo data, with a button to remove it."""
    from dashboard.suivi import demo  # noqa: PLC0415

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
    with st.container(border=True):
        text, button = st.columns([2, 1], vertical_alignment="center")
        text.warning("**Données de démonstration** — les valeurs de suivi affichées (indicateurs, avancement, "
                     "dépenses, ETP) sont fictives. Importer votre suivi réel les retire.", icon=":material/science:")
        if button.button("Retirer les données de démonstration", key="retirer_demo", type="primary",
                         disabled=blocked is not None):
            try:
                demo.remove(get_engine())
            except Exception:
                log.exception("retrait des données de démonstration impossible")
                st.error("Les données de démonstration n'ont pas pu être retirées (voir le journal). "
                         "Rien n'a été modifié.")
                return
            clear_suivi_cache()
            st.session_state["_demo_retiree"] = True
            st.rerun()
