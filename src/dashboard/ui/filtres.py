"""The sidebar's filters (axe, enjeu, maîtrise d'ouvrage) and the hypotheses set on Budget: the
session's settings, kept from page to page and written in the address (present.adresse translates).

Streamlit forgets a widget's value when a page without it runs, and st.navigation drops the query
parameters on a page change: the settings are therefore kept in the session under a key of their own
(`reglages`), put back into the widgets when a page draws them again, and written back into the
address on every run. An address naming other settings than the ones this session last wrote (a
bookmark, a link received, a fresh browser) wins over the session's."""

from __future__ import annotations

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from dashboard import metrics
from dashboard.plan import Plan
from dashboard.present import adresse
from dashboard.ui.partage import memo, run_memo

_SAVED = "reglages"                 # {"filters": metrics.Filters, "hyp": {(action_id, paramètre): value}}
_WRITTEN = "reglages_adresse"       # the settings' parameters this session last wrote in the address
FILTER_KEYS = ("filtre_axes", "filtre_enjeux", "filtre_porteurs")
HYP_TABLE_KEY = "hypotheses_tableau"


def _saved() -> dict:
    if _SAVED not in st.session_state:
        st.session_state[_SAVED] = {"filters": metrics.Filters(), "hyp": {}}
    return st.session_state[_SAVED]


def _address() -> dict[str, list[str]]:
    """The settings' parameters of the address as it is now (each with all its values)."""
    others = adresse.sans_reglages(dict.fromkeys(st.query_params.keys()))
    return {k: st.query_params.get_all(k) for k in st.query_params.keys() if k not in others}


def _flat(params: dict) -> dict[str, str]:
    return {k: (v[-1] if isinstance(v, list) else v) for k, v in params.items()}


def _read_address(plan: Plan) -> None:
    """Once per run: an address naming other settings than the session last wrote sets them (a value
    the plan does not know is left out, with a warning); otherwise the session's stay."""
    current = _address()
    if not current or _flat(current) == st.session_state.get(_WRITTEN):
        return
    r = adresse.lire(plan, current)
    for warning in r.avertissements:
        st.warning(warning, icon=":material/link_off:")
    st.session_state[_SAVED] = {"filters": r.filters, "hyp": dict(r.hypotheses)}
    for key in (*FILTER_KEYS, HYP_TABLE_KEY):  # the widgets take the address's values (put back below)
        st.session_state.pop(key, None)
    for key in [k for k in st.session_state if str(k).startswith("hyp_")]:
        del st.session_state[key]


def _sync(plan: Plan) -> None:
    run_memo("reglages_lus", lambda: _read_address(plan))


def write_address(plan: Plan) -> None:
    """The session's settings into the address (only the parameters that change; the others, such as
    `action` or `diapo`, are left as they are)."""
    saved = _saved()
    key = ("adresse", saved["filters"], tuple(sorted(saved["hyp"].items())))  # made once per plan and settings
    params = memo(plan, key, lambda: adresse.ecrire(plan, saved["filters"], saved["hyp"]))
    for key in _address():
        if key not in params:
            del st.query_params[key]
    for key, value in params.items():
        if st.query_params.get_all(key) != [value]:
            st.query_params[key] = value
    st.session_state[_WRITTEN] = params


def reglages(plan: Plan) -> tuple[metrics.Filters, dict]:
    """The session's filters and hypotheses (those set, {(action_id, paramètre): value}; the others
    are the workbook's), the address's when it names other ones; written back in the address."""
    _sync(plan)
    saved = _saved()
    write_address(plan)
    return saved["filters"], dict(saved["hyp"])


def hypotheses_reglees(plan: Plan) -> dict:
    """The hypotheses set in this session (or by the address): {(action_id, paramètre): value}."""
    _sync(plan)
    return dict(_saved()["hyp"])


def keep_hypotheses(plan: Plan, values: dict) -> None:
    """The hypotheses set on the page become the session's, and go into the address."""
    _saved()["hyp"] = dict(values)
    write_address(plan)


def page_changed() -> bool:
    """This run is the first of another page than the session's previous run (once per run)."""
    def changed() -> bool:
        ctx = get_script_run_ctx(suppress_warning=True)
        page = getattr(ctx, "page_script_hash", None)
        before = st.session_state.get("reglages_page")
        st.session_state["reglages_page"] = page
        return page != before
    return run_memo("reglages_page_changee", changed)


def put_back(key: str, value) -> None:
    """A widget's value from the session's settings, when Streamlit has forgotten it or the page's
    widget is a new one (the first run of another page: the previous page's widget had that key)."""
    if key not in st.session_state:
        st.session_state[key] = value
    elif page_changed():  # set again: the value the session holds is then the new widget's
        st.session_state[key] = st.session_state[key]


def sidebar_filters(plan: Plan) -> metrics.Filters:
    """Axe / enjeu / maîtrise d'ouvrage filters, the same on every page (kept across pages, in the address)."""
    _sync(plan)
    saved = _saved()["filters"]
    st.sidebar.header("Filtres", anchor=False)
    axe_labels = memo(plan, "axe_labels", lambda: {int(r.axe): f"Axe {int(r.axe)} – {r.libelle}"
                                                   for r in plan.axes.sort_values("axe").itertuples()})
    put_back("filtre_axes", [a for a in saved.axes if a in axe_labels])
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
    put_back("filtre_enjeux", [e for e in saved.enjeux if e in enjeu_labels])
    if any(e not in enjeu_labels for e in st.session_state["filtre_enjeux"]):  # an axe removed: its enjeux go
        st.session_state["filtre_enjeux"] = [e for e in st.session_state["filtre_enjeux"] if e in enjeu_labels]
    chosen_enjeux = st.sidebar.multiselect(
        "Enjeu", list(enjeu_labels), format_func=lambda e: enjeu_labels.get(e, e), key="filtre_enjeux",
        placeholder="Tous les enjeux",
    )
    porteur_options = memo(plan, "porteurs", lambda: metrics.porteurs(plan))
    put_back("filtre_porteurs", [p for p in saved.porteurs if p in porteur_options])
    chosen_porteurs = st.sidebar.multiselect(
        "Maîtrise d'ouvrage", porteur_options, key="filtre_porteurs", placeholder="Toutes",
    )
    filters = metrics.Filters(tuple(chosen_axes), tuple(chosen_enjeux), tuple(chosen_porteurs))
    _saved()["filters"] = filters
    write_address(plan)
    if filters.active:
        count = memo(plan, ("filtered_count", filters), lambda: metrics.filtered_count(plan, filters))
        st.sidebar.caption(f"{count} action(s) sur {len(plan.actions)} retenue(s).")
    return filters
