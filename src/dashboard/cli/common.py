"""What every command shares: the exit codes, the store and the plan a command works on, the writing
of a produced file. Each prints its French message itself and hands back the exit code to return.
"""

from __future__ import annotations

import argparse
import logging
import os

OK, PROBLEMS, USAGE = 0, 1, 2  # done; the input has problems (all listed, in French); usage error
log = logging.getLogger(__name__)


def write_file(out, data: bytes) -> bool:
    """Write a produced file (a pathlib.Path); False, with a French message, when it cannot be written."""
    try:
        out.write_bytes(data)
    except OSError as err:
        print(f"Impossible d'écrire « {out} » ({err.strerror}) : choisissez un autre fichier avec -o.")
        return False
    return True


def built(what: str, build):
    """build() (a file of the comité or a fiche), or None after a French message: a DeckError says itself
    (no chromium…); anything else says that `what` (« La fiche ») could not be built, the log keeps why."""
    from dashboard.present import deck_files  # noqa: PLC0415

    try:
        return build()
    except deck_files.DeckError as err:
        print(str(err))
    except Exception as exc:  # noqa: BLE001  (never a traceback for the user)
        log.exception("%s", what)
        print(f"{what} n'a pas pu être construite ({exc.__class__.__name__}) : vérifiez le classeur du plan "
              "(validate-plan) et le dernier import du suivi.")
    return None


def suivi_engine(args: argparse.Namespace, open_engine=None):
    """(engine, None) on the --db URL (default: the app's store), or (None, exit code) after a French message.
    `open_engine`: the opener (default store.open_engine; the plan's versions add their table)."""
    from dashboard.suivi import store  # noqa: PLC0415

    url = getattr(args, "db", None) or store.default_url()
    try:
        return (open_engine or store.open_engine)(url), None
    except store.StoreUnavailable as err:  # which store, what is wrong, what to check (French)
        print(err)
        return None, USAGE if err.usage else PROBLEMS
    except Exception:  # noqa: BLE001  (never a traceback for the user; the log keeps it)
        log.debug("store %s", url, exc_info=True)
        print(store.open_problem(url, RuntimeError()))
        return None, PROBLEMS


def plan_engine(args: argparse.Namespace):
    """(engine with the versions' table, None) or (None, exit code) after a French message."""
    from dashboard.plan import versions  # noqa: PLC0415

    return suivi_engine(args, versions.open_engine)


def write_refused(engine) -> bool:
    """True after printing why, when the store cannot be written (read-only file, folder or server)."""
    from dashboard.suivi import store  # noqa: PLC0415

    problem = store.write_problem(engine)
    if problem is not None:
        print(problem)
    return problem is not None


def plan_for(args: argparse.Namespace, au=None):
    """The plan a command works on, or None after printing why (French).

    --plan FILE, else DASHBOARD_PLAN (a file, for development), else the current version in the store
    at --db (the shipped workbook becomes version 1 on first use); with `au` (a day), the version that
    was in force at its end."""
    from dashboard import plan  # noqa: PLC0415
    from dashboard.plan import versions  # noqa: PLC0415

    path = getattr(args, "plan", None) or os.environ.get("DASHBOARD_PLAN")
    if path:
        try:
            return plan.load_plan(path)
        except plan.PlanError as err:
            print(f"Le classeur du plan « {path} » a {len(err.problems)} problème(s) : lancez "
                  "`python -m dashboard validate-plan` pour les voir.")
        except Exception as exc:  # noqa: BLE001  (never a traceback for the user)
            print(f"Le classeur du plan « {path} » n'a pas pu être lu ({exc.__class__.__name__}).")
        return None
    engine, _ = plan_engine(args)
    if engine is None:
        return None
    try:
        if au is not None:
            from dashboard.suivi import temps  # noqa: PLC0415

            return temps.plan_au(engine, au)
        return versions.current_plan(engine)
    except plan.PlanError as err:
        print("La version courante du plan n'a pas pu être chargée :")
        for problem in err.problems:
            print(f"- {problem.message()}")
    except versions.VersionError as err:
        print(f"Plan introuvable : {err}")
    except Exception as exc:  # noqa: BLE001
        log.debug("plan courant", exc_info=True)
        print(f"La version courante du plan n'a pas pu être lue ({exc.__class__.__name__}) : vérifiez l'adresse --db.")
    return None
