"""The reading the server does as it starts (run by dashboard.serveur's lifespan): the plan in force and
the follow-up read into the shared caches before the first visitor."""

from __future__ import annotations

import logging

from dashboard.ui.plan import load_plan_in_force, plan_source
from dashboard.ui.suivi import get_suivi

log = logging.getLogger("dashboard")

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
    for what, read in (("le plan", lambda: load_plan_in_force(plan_source())), ("le suivi", get_suivi)):
        try:
            read()
        except Exception:
            log.info("lecture au démarrage impossible (%s)", what, exc_info=True)
