"""The command implementations behind `python -m dashboard` (one function per command)."""

from __future__ import annotations

import argparse

OK, PROBLEMS, USAGE = 0, 1, 2


def validate_plan(args: argparse.Namespace) -> int:
    """Load and validate the plan: a one-screen summary (exit 0) or every problem (exit 1)."""
    import logging  # noqa: PLC0415
    import os  # noqa: PLC0415

    from dashboard import fmt, plan  # noqa: PLC0415

    path = args.path or os.environ.get("DASHBOARD_PLAN") or str(plan.DEFAULT_PLAN_PATH)
    try:
        p = plan.load_plan(path)
    except plan.PlanError as err:
        print(f"Le classeur du plan « {path} » a {fmt.nombre(len(err.problems))} problème(s) :")
        for problem in err.problems:
            print(f"- {problem.message()}")
        return PROBLEMS
    except Exception as exc:  # never a traceback for the user; the log keeps it
        logging.getLogger(__name__).exception("validate-plan %s", path)
        print(f"Le classeur du plan « {path} » n'a pas pu être lu ({exc.__class__.__name__}) : "
              "vérifiez qu'il s'agit bien d'un classeur Excel (.xlsx) non ouvert ailleurs.")
        return PROBLEMS
    lo, hi = p.periode
    n = fmt.nombre
    print(f"Plan valide : {path}")
    print(f"Période : {lo}-{hi} ({n(hi - lo + 1)} ans)")
    print(f"Axes : {n(len(p.axes))} · Enjeux : {n(len(p.enjeux))} · Fiches action : {n(len(p.actions))}")
    print(f"Lignes de budget : {n(len(p.budget))} · Lignes ETP : {n(len(p.etp))} · "
          f"Jalons du calendrier : {n(len(p.calendrier))}")
    print(f"Indicateurs : {n(len(p.indicateurs))} · Hypothèses : {n(len(p.hypotheses))}")
    print("Fiches action par catégorie de budget :")
    counts = p.actions["categorie_budget"].value_counts()
    for categorie in plan.CATEGORIES:
        print(f"  {categorie} : {n(int(counts.get(categorie, 0)))}")
    return OK


def summary(args: argparse.Namespace) -> int:
    raise NotImplementedError  # issue 3 (+ issue 4: --as-of, en_retard)


def template(args: argparse.Namespace) -> int:
    raise NotImplementedError  # issue 5


def import_file(args: argparse.Namespace) -> int:
    raise NotImplementedError  # issue 5


def history(args: argparse.Namespace) -> int:
    raise NotImplementedError  # issue 5


def rollback(args: argparse.Namespace) -> int:
    raise NotImplementedError  # issue 5
