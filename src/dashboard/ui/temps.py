"""The pilotage pages as they were on a day (`?au=AAAA-MM-JJ`), and the comité's meetings.

A pilotage page calls `regarder_au()` first: the day of the address (kept in the session, so that the
pages reached from the sidebar, whose address Streamlit empties, stay on that day until « Revenir à
aujourd'hui »), or a French warning and today's page for a day that is not a date or lies in the
future. `get_plan` and `get_suivi` then hand out the plan's version and the follow-up values of that
day (`suivi.temps`), shared by every session and keyed on (store, day, state of the store). Pages that
do not call it (import, plan, comité) always show today: nothing is written in the past.
"""

from __future__ import annotations

import logging
from datetime import date

import pandas as pd
import streamlit as st

from dashboard import fmt
from dashboard.ui.base import etat_lu, get_engine, store_state
from dashboard.ui.partage import remember, run_memo, shared

log = logging.getLogger("dashboard")

PARAM = "au"
_KEPT = "situation_au_jour"  # the day the session looks at (ISO), kept across pages


def regarder_au() -> date | None:
    """The day the page shows (None: today), read once per run from the address or the session; a day
    that cannot be used is said in French and the page shows today. Draws the banner of a past day."""
    return run_memo(PARAM, _lire)


def jour_au() -> date | None:
    """The day set by regarder_au in this run (None when the page did not ask, or shows today)."""
    return run_memo(PARAM, lambda: None)


def aujourdhui_ici() -> None:
    """On a page that always shows today (the comité's): when the session looks at a past day on the
    pilotage pages, say that this page does not, and that the others still do."""
    texte = st.session_state.get(_KEPT)
    if texte:
        st.info(f"Cette page montre la situation d'aujourd'hui : une présentation au comité s'enregistre, et rien "
                f"ne s'enregistre dans le passé. Les pages du pilotage montrent toujours celle du "
                f"{fmt.jour(date.fromisoformat(texte))}.", icon=":material/today:")


def jour_de_situation() -> pd.Timestamp:
    """The day lateness is counted at: the day looked at, or today."""
    from dashboard import metrics  # noqa: PLC0415

    return metrics.as_timestamp(jour_au())


def _lire() -> date | None:
    from dashboard.suivi import temps  # noqa: PLC0415

    texte = st.query_params.get(PARAM)
    if texte is None:  # a page reached from the sidebar: the session's day
        texte = st.session_state.get(_KEPT)
        if texte is None:
            return None
        st.query_params[PARAM] = texte
    jour, message = temps.lire_jour(texte)
    if message:
        st.warning(message + " La page montre la situation d'aujourd'hui.", icon=":material/event_busy:")
        st.query_params.pop(PARAM, None)
        st.session_state.pop(_KEPT, None)
        return None
    if jour is None:
        return None
    st.session_state[_KEPT] = jour.isoformat()
    _bandeau(jour)
    return jour


def _aujourdhui() -> None:
    st.session_state.pop(_KEPT, None)
    st.query_params.pop(PARAM, None)


def _bandeau(jour: date) -> None:
    """« Vous regardez la situation au … » and the way back to today, on one row."""
    with st.container(border=True, horizontal=True, vertical_alignment="center", wrap=False, key="bandeau_au"):
        st.info(f"**Vous regardez la situation au {fmt.jour(jour)}** : la base du suivi et la version du plan "
                "telles qu'elles étaient ce jour-là. Rien ne peut être importé ni modifié dans ce mode.",
                icon=":material/history:")
        st.button("Revenir à aujourd'hui", key="revenir_aujourdhui", on_click=_aujourdhui,
                  icon=":material/today:", type="primary")


# --- the store and the plan as of that day ---------------------------------------------------

@shared(max_entries=16)
def _version_au_cached(url: str, jour: date, courante, derniere) -> int | None:  # a new version: new key
    from dashboard.suivi import temps  # noqa: PLC0415

    found = temps.version_au(get_engine(), jour)
    return None if found is None else found[0]


def version_au(jour: date) -> int | None:
    """The id of the plan's version in force at the end of `jour` (None without any)."""
    etat = etat_lu()
    if etat is None:
        from dashboard.suivi import temps  # noqa: PLC0415

        found = temps.version_au(get_engine(), jour)
        return None if found is None else found[0]
    return _version_au_cached(str(get_engine().url), jour, etat.plan_version, etat.derniere_version)


@shared(max_entries=8, spinner="Lecture du suivi à cette date…")
def _suivi_au_cached(url: str, state: tuple, jour: date):  # (url, state of the store, day) is the key
    from dashboard.suivi import temps  # noqa: PLC0415

    return temps.suivi_au(get_engine(), jour)


def suivi_au(jour: date):
    """The follow-up values as they stood at the end of `jour`, and what they are cached on."""
    url, state = store_state()
    return _suivi_au_cached(url, state, jour), (url, state, "au", jour.isoformat())


# --- comités ---------------------------------------------------------------------------------

@shared(max_entries=8, ttl=60)
def _dernier_comite_cached(url: str, state: tuple, avant: date | None, marque: int) -> date | None:
    from dashboard.suivi import comites  # noqa: PLC0415

    return comites.dernier(get_engine(), avant=avant)


_MARQUE = {"n": 0}  # bumped when this process records a meeting: the cached « dernier » is read again


def dernier_comite(avant: date | None = None) -> date | None:
    """The day of the latest recorded comité (strictly before `avant`); None without any or when the
    store cannot be read."""
    try:
        url, state = store_state()
        return _dernier_comite_cached(url, state, avant, _MARQUE["n"])
    except Exception:
        log.info("comités illisibles", exc_info=True)
        return None


def enregistrer_comite(jour: date, origine: str) -> str | None:
    """Record the comité of `jour` (saisie, export, présentation) for a session that may write; None when
    done, else a French message (nothing recorded)."""
    from dashboard.suivi import comites  # noqa: PLC0415
    from dashboard.ui.base import store_problem  # noqa: PLC0415
    from dashboard.ui.comptes import identite, peut  # noqa: PLC0415

    if not peut("saisie"):
        return "Seul un compte « saisie » ou « admin » peut enregistrer la date du comité."
    if store_problem() is not None:
        return "La base du suivi ne peut pas être modifiée : la date du comité n'est pas enregistrée."
    who = identite()
    try:
        comites.enregistrer(get_engine(), jour, origine, getattr(who, "affichage", "") if who else "")
    except Exception:
        log.exception("enregistrement du comité impossible")
        return "La date du comité n'a pas pu être enregistrée (voir le journal). Rien n'a été modifié."
    _MARQUE["n"] += 1
    return None


@shared(max_entries=8, spinner="Comparaison avec le dernier comité…")
def _depuis_cached(url: str, state: tuple, jour: date, au: date, plan_key):
    from dashboard.present import depuis  # noqa: PLC0415

    return depuis.lire_depuis(get_engine(), jour, au)


def depuis_comite(jour: date, au: date | None = None):
    """`present.depuis.lire_depuis` from `jour` to `au` (today), shared; None when it cannot be read."""
    from dashboard.suivi import temps  # noqa: PLC0415

    try:
        url, state = store_state()
        key = (url, state, jour, au or temps.aujourdhui(), getattr(etat_lu(), "plan_version", None))
        d = _depuis_cached(*key)
    except Exception:
        log.exception("« depuis le dernier comité » illisible")
        return None
    remember(d, ("depuis", *key))  # the deck's view is keyed on this, not on the tables
    return d


def section_depuis() -> None:
    """« Depuis le dernier comité » of Vue d'ensemble: what changed from the latest comité recorded (on
    or before the day looked at) to that day; a sentence when no comité is recorded."""
    from datetime import timedelta  # noqa: PLC0415

    from dashboard.present import depuis  # noqa: PLC0415
    from dashboard.suivi import temps  # noqa: PLC0415
    from dashboard.ui.texte import brut  # noqa: PLC0415

    st.subheader("Depuis le dernier comité", anchor=False)
    au = jour_au()
    jour = dernier_comite(avant=(au or temps.aujourdhui()) + timedelta(days=1))
    if jour is None:
        st.caption("Aucun comité n'est enregistré : rien à comparer. La date du comité s'enregistre sur la page "
                   "« Présentation au comité » (ou quand le diaporama y est exporté ou présenté).")
        return
    d = depuis_comite(jour, au)
    if d is None:
        st.warning("Les changements depuis le dernier comité n'ont pas pu être lus (voir le journal).")
        return
    periode = f"Du {fmt.jour(d.depuis)} (dernier comité enregistré) au {fmt.jour(d.au)}"
    if d.vide:
        st.success(f"{periode} : rien n'a changé — aucun import, aucune révision du plan, aucune action devenue "
                   "en retard.", icon=":material/check_circle:")
        return
    st.caption(f"{periode}, la base et le plan tels qu'ils étaient chaque jour (un import annulé depuis compte "
               "comme il était).")
    for heading, items in depuis.sections(d):
        with st.expander(heading, expanded=len(items) <= 8):
            st.markdown("\n".join(f"- {brut(item)}" for item in items))


# --- the comité's date on the page « Présentation au comité » -----------------------------------

_JOUR_COMITE = "comite_jour"  # the date chosen, kept while the projector mode hides the field


def date_du_comite(projecteur: bool = False) -> date:
    """The comité's date: the one chosen in this session, else the next comité recorded (on or after
    today), else today. On the page, a « Date du comité » field in the sidebar and, for a session that
    may write, a button that records it."""
    from dashboard.suivi import temps  # noqa: PLC0415
    from dashboard.ui.comptes import peut  # noqa: PLC0415

    today = temps.aujourdhui()
    if _JOUR_COMITE not in st.session_state:
        recorded = dernier_comite()
        st.session_state[_JOUR_COMITE] = recorded if recorded is not None and recorded >= today else today
    if projecteur:
        return st.session_state[_JOUR_COMITE]
    side = st.sidebar
    side.header("Comité", anchor=False)
    if "champ_date_comite" not in st.session_state:
        st.session_state["champ_date_comite"] = st.session_state[_JOUR_COMITE]
    jour = side.date_input("Date du comité", key="champ_date_comite", format="DD/MM/YYYY",
                           help="« Présenté au comité de direction le … » et le nom des fichiers prennent cette "
                                "date ; « depuis le dernier comité » compte à partir du comité enregistré avant elle.")
    jour = jour or today
    st.session_state[_JOUR_COMITE] = jour
    if peut("saisie"):
        if side.button("Enregistrer la date du comité", key="enregistrer_comite", icon=":material/event_available:"):
            problem = enregistrer_comite(jour, "saisie")
            if problem:
                side.error(problem)
            else:
                side.success(f"Comité du {fmt.jour(jour)} enregistré.")
        side.caption("Elle est aussi enregistrée quand le diaporama est téléchargé ou présenté.")
    else:
        side.caption("Seul un compte « saisie » ou « admin » enregistre la date du comité.")
    return jour


def comite_exporte() -> None:
    """A deck file downloaded: the comité's date is recorded (origine « export ») for a session that may."""
    _silencieux(st.session_state.get(_JOUR_COMITE), "export")


def comite_presente() -> None:
    """The projector mode entered: the comité's date is recorded (origine « présentation »)."""
    _silencieux(st.session_state.get(_JOUR_COMITE), "présentation")


def _silencieux(jour: date | None, origine: str) -> None:
    """Record without a word when the session may not write (a reader downloads or presents all the same)."""
    from dashboard.ui.comptes import peut  # noqa: PLC0415

    if jour is not None and peut("saisie"):
        problem = enregistrer_comite(jour, origine)
        if problem:
            log.info("comité du %s non enregistré : %s", jour, problem)
