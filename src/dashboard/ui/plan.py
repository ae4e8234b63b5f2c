"""The plan in force (the current version in the store, or a workbook on disk), the stored versions,
the indicators every version knows, and the choice of a version to compare with."""

from __future__ import annotations

import logging
import os
from pathlib import Path

import pandas as pd
import streamlit as st

from dashboard.plan import DEFAULT_PLAN_PATH, Plan, PlanError, load_plan
from dashboard.ui.base import etat_lu, get_engine
from dashboard.ui.partage import remember, run_memo, shared
from dashboard.ui.temps import jour_au, version_au
from dashboard.ui.texte import brut

log = logging.getLogger("dashboard")

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


def plan_source() -> tuple:
    """Where the plan in force comes from: ("version", store URL, id) — the current version in the
    store (the one in force on the day a pilotage page looks at, ui.temps), one cheap query per script
    run however many times a page asks — or ("fichier", path, mtime)
    when DASHBOARD_PLAN names a file (development) or when the store cannot be read (the shipped
    workbook, said by store_notice)."""
    return run_memo("plan_en_vigueur", _read_plan_source)


def _read_plan_source() -> tuple:
    if not os.environ.get("DASHBOARD_PLAN"):
        from dashboard.plan import versions  # noqa: PLC0415

        try:
            engine = get_engine()
            _versions_ready(str(engine.url), engine)
            vid = getattr(etat_lu(), "plan_version", None)
            jour = jour_au()
            if jour is not None:  # the page looks at a past day: the version in force then
                vid = version_au(jour)
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
    kind, where, which = plan_source()
    return f"version {which}" if kind == "version" else f"fichier {where} @ {which}"


def load_plan_in_force(source: tuple) -> Plan:
    """The plan `source` (plan_source) names, from the shared cache; raises what reading it raises."""
    kind, where, which = source
    return _load_version_cached(where, which) if kind == "version" else _load_plan_cached(where, which)


def get_plan() -> Plan:
    """The plan in force (the current version in the store, see plan_source), cached on its identity
    and shared by every session, read-only; stops the page with every problem when it cannot be read."""
    version = kind, where, which = plan_source()
    name = f"version {which} du plan" if kind == "version" else f"classeur du plan « {Path(where).name} »"
    try:
        plan = load_plan_in_force(version)
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
    remember(plan, ("plan", *version))
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
    kind, where, which = plan_source()
    etat = etat_lu()
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
                remember(known, ("indicateurs connus", *key))
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
    if os.environ.get("DASHBOARD_PLAN") or jour_au() is not None:
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
    if comparable is None or jour_au() is not None:  # a past day: its own version, no comparison
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

