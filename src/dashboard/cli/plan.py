"""`python -m dashboard validate-plan` and `plan …`: the plan's workbook checked, and its versions in the
store (import of a revision, history, diff, use).
"""

from __future__ import annotations

import argparse
import getpass
import json
import logging
import os
from pathlib import Path

from dashboard import fmt
from dashboard.cli.common import OK, PROBLEMS, USAGE, plan_engine, write_refused

log = logging.getLogger(__name__)


def add_validate_plan(sub) -> None:
    """The `validate-plan` command."""
    p = sub.add_parser("validate-plan", help="charge et valide le classeur du plan")
    p.add_argument("path", nargs="?", default=None, help="classeur du plan (défaut : data/plan_2023_2028.xlsx)")
    p.set_defaults(func=validate_plan)


def validate_plan(args: argparse.Namespace) -> int:
    """Load and validate the plan: a one-screen summary (exit 0) or every problem (exit 1)."""
    from dashboard import plan  # noqa: PLC0415

    path = args.path or os.environ.get("DASHBOARD_PLAN") or str(plan.DEFAULT_PLAN_PATH)
    try:
        p = plan.load_plan(path)
    except plan.PlanError as err:
        print(f"Le classeur du plan « {path} » a {fmt.nombre(len(err.problems))} problème(s) :")
        for problem in err.problems:
            print(f"- {problem.message()}")
        return PROBLEMS
    except Exception as exc:  # never a traceback for the user; the log keeps it
        log.exception("validate-plan %s", path)
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


def _auteur(args: argparse.Namespace) -> str:
    if getattr(args, "user", None):
        return args.user
    try:
        return getpass.getuser()
    except Exception:  # noqa: BLE001
        return ""


def diff_text(diff, before: str, after: str) -> str:
    """A PlanDiff as French text for the terminal (the same wording as the page)."""
    from dashboard.present import plan_changes  # noqa: PLC0415

    lines = [f"Changements de « {before} » à « {after} » :"]
    sections = plan_changes.diff_lines(diff)
    if not sections:
        lines.append("  aucun changement.")
    for title, items in sections:
        lines.append(f"{title} :")
        lines += [f"  - {item}" for item in items]
    return "\n".join(lines)


def plan_import(args: argparse.Namespace) -> int:
    """Validate a revised workbook, show what changes against the current version, then (unless
    --dry-run) store it and make it current."""
    from dashboard import revision, xlsx_scan  # noqa: PLC0415
    from dashboard.plan import versions  # noqa: PLC0415

    path = Path(args.file)
    if not path.is_file():
        print(f"Fichier introuvable : « {fmt.cite(path)} ».")
        return PROBLEMS
    if not args.dry_run and not " ".join(str(args.label or "").split()):
        print("Donnez un libellé à cette version avec --label (par exemple --label \"Révision mi-parcours 2025\").")
        return USAGE
    name = fmt.cite(path.name)
    refused = xlsx_scan.too_big(path.stat().st_size, xlsx_scan.PLAN)
    if refused is not None:  # never read into memory
        print(f"Le classeur du plan « {name} » est refusé ; rien n'a été enregistré :\n- Fichier « {name} » : {refused}")
        return PROBLEMS
    engine, code = plan_engine(args)
    if engine is None:
        return code
    data = path.read_bytes()
    try:
        preview = revision.preview_import(engine, data, path.name)
    except Exception as exc:  # noqa: BLE001
        log.debug("plan import %s", path, exc_info=True)
        print(f"Le classeur « {name} » n'a pas pu être comparé à la version courante "
              f"({exc.__class__.__name__}) : rien n'a été enregistré.")
        return PROBLEMS
    if not preview.ok:  # refused by the door or by the validation: before any comparison
        print(f"Le classeur du plan « {name} » a {fmt.nombre(len(preview.problems))} problème(s) ; "
              "rien n'a été enregistré :")
        for problem in preview.problems:
            print(f"- {problem.message()}")
        return PROBLEMS
    current = preview.current
    print(diff_text(preview.diff, f"version {current.id} – {current.label}", args.label or name))
    if preview.same_as is not None:
        print(f"Ce classeur est identique à la version {preview.same_as.id} (« {preview.same_as.label} »).")
    if args.dry_run:
        print("Rien n'a été enregistré (--dry-run) : relancez sans --dry-run pour enregistrer cette version.")
        return OK
    if write_refused(engine):
        return PROBLEMS
    try:
        vid = versions.import_version(engine, data, file_name=path.name, label=args.label, auteur=_auteur(args))
    except versions.VersionError as err:
        print(f"Version non enregistrée : {err}")
        for problem in err.problems:
            print(f"- {problem.message()}")
        return PROBLEMS
    except Exception as exc:  # noqa: BLE001
        log.debug("plan import %s", path, exc_info=True)
        print(f"L'enregistrement de « {name} » a échoué ({exc.__class__.__name__}) : rien n'a été modifié.")
        return PROBLEMS
    print(f"Version {vid} enregistrée (« {' '.join(args.label.split())} ») : c'est désormais la version courante "
          "du plan.")
    return OK


def plan_history(args: argparse.Namespace) -> int:
    """Every version of the plan, the latest first (table or --json)."""
    from dashboard.plan import versions  # noqa: PLC0415

    engine, code = plan_engine(args)
    if engine is None:
        return code
    try:
        versions.ensure_first_version(engine)
    except Exception as exc:  # noqa: BLE001
        log.debug("première version", exc_info=True)
        print(f"Le classeur du plan livré n'a pas pu devenir la version 1 ({exc}).")
        return PROBLEMS
    h = versions.history(engine)
    if args.json:
        print(json.dumps([v.as_dict() for v in h], ensure_ascii=False, indent=2))
        return OK
    for v in h:
        mark = "courante" if v.current else "—"
        print(f"n° {v.id} · {v.created_at:%d/%m/%Y %H:%M} · {v.label} · {v.file_name} · {v.user_name or '—'} · "
              f"{mark}")
    return OK


def _version_number(text: str) -> int | None:
    text = str(text).strip().lstrip("vV")
    return int(text) if text.isdigit() else None


def plan_diff(args: argparse.Namespace) -> int:
    """What changed from version A to version B."""
    from dashboard.metrics.plan_diff import plan_diff as compute  # noqa: PLC0415
    from dashboard.plan import versions  # noqa: PLC0415

    a, b = _version_number(args.a), _version_number(args.b)
    if a is None or b is None:
        print(f"Numéros de version invalides « {args.a} » « {args.b} » : donnez deux numéros de "
              "`python -m dashboard plan history` (exemple : plan diff 1 2).")
        return USAGE
    engine, code = plan_engine(args)
    if engine is None:
        return code
    try:
        versions.ensure_first_version(engine)
        va, vb = versions.get(engine, a), versions.get(engine, b)
        text = diff_text(compute(versions.load_version(engine, a), versions.load_version(engine, b)),
                         f"version {va.id} – {va.label}", f"version {vb.id} – {vb.label}")
    except versions.VersionError as err:
        print(f"Comparaison impossible : {err}")
        return PROBLEMS
    except Exception as exc:  # noqa: BLE001
        log.debug("plan diff", exc_info=True)
        print(f"La comparaison n'a pas pu être faite ({exc.__class__.__name__}).")
        return PROBLEMS
    print(text)
    return OK


def plan_use(args: argparse.Namespace) -> int:
    """Make version N current (rollback to an earlier version, or forward again)."""
    from dashboard.plan import versions  # noqa: PLC0415

    n = _version_number(args.version)
    if n is None:
        print(f"Numéro de version invalide « {args.version} » : donnez un numéro de "
              "`python -m dashboard plan history` (exemple : plan use 1).")
        return USAGE
    engine, code = plan_engine(args)
    if engine is None:
        return code
    if write_refused(engine):
        return PROBLEMS
    try:
        versions.ensure_first_version(engine)
        was = versions.current_id(engine)
        v = versions.use_version(engine, n, auteur=_auteur(args))
    except versions.VersionError as err:
        print(f"Changement de version impossible : {err}")
        return PROBLEMS
    except Exception as exc:  # noqa: BLE001
        log.debug("plan use", exc_info=True)
        print(f"Le changement de version a échoué ({exc.__class__.__name__}) : rien n'a été modifié.")
        return PROBLEMS
    if was == v.id:
        print(f"La version {v.id} (« {v.label} ») était déjà la version courante : rien n'a changé.")
    else:
        print(f"Version {v.id} (« {v.label} ») : c'est désormais la version courante du plan.")
    return OK


def add_plan(sub) -> None:
    """The `plan` command and its four sub-commands."""
    p = sub.add_parser("plan", help="versions du plan : import d'une révision, historique, comparaison, retour")
    plan_sub = p.add_subparsers(dest="plan_command", required=True, metavar="ACTION")

    q = plan_sub.add_parser("import", help="valide une révision du plan, montre ce qui change et l'enregistre")
    q.add_argument("file", help="classeur du plan révisé (.xlsx)")
    q.add_argument("--label", default=None, help="libellé de la version (ex. « Révision mi-parcours 2025 »)")
    q.add_argument("--dry-run", action="store_true", help="vérifie et compare sans rien enregistrer")
    q.add_argument("--user", default=None, help="nom de la personne qui importe")
    q.add_argument("--db", default=None, help="URL SQLAlchemy de la base")
    q.set_defaults(func=plan_import)

    q = plan_sub.add_parser("history", help="liste les versions du plan")
    q.add_argument("--json", action="store_true", help="sortie JSON")
    q.add_argument("--db", default=None, help="URL SQLAlchemy de la base")
    q.set_defaults(func=plan_history)

    q = plan_sub.add_parser("diff", help="ce qui a changé de la version A à la version B")
    q.add_argument("a", help="version de départ (numéro)")
    q.add_argument("b", help="version d'arrivée (numéro)")
    q.add_argument("--db", default=None, help="URL SQLAlchemy de la base")
    q.set_defaults(func=plan_diff)

    q = plan_sub.add_parser("use", help="rend la version N courante")
    q.add_argument("version", help="numéro de la version")
    q.add_argument("--user", default=None, help="nom de la personne qui change de version")
    q.add_argument("--db", default=None, help="URL SQLAlchemy de la base")
    q.set_defaults(func=plan_use)
