"""`python -m dashboard fiche N -o F.pdf` and `fiches --axe N -o F.pdf`: fiches action to print (A4
portrait), the same as the button « PDF de la fiche » of the page Fiches actions.
"""

from __future__ import annotations

import argparse

from dashboard.cli.common import OK, PROBLEMS, USAGE, built, plan_for, suivi_engine, write_file


def add_fiche(sub) -> None:
    """The `fiche` command."""
    p = sub.add_parser("fiche", help="une fiche action à imprimer (PDF A4)")
    p.add_argument("action", help="numéro de l'action (exemple : 11)")
    _common(p)
    p.set_defaults(func=fiche)


def add_fiches(sub) -> None:
    """The `fiches` command."""
    p = sub.add_parser("fiches", help="toutes les fiches action d'un axe à imprimer (PDF A4)")
    p.add_argument("--axe", required=True, help="numéro de l'axe (exemple : --axe 1)")
    _common(p)
    p.set_defaults(func=fiches)


def _common(p) -> None:
    p.add_argument("-o", "--output", required=True, help="fichier PDF à écrire")
    p.add_argument("--plan", default=None, help="classeur du plan")
    p.add_argument("--db", default=None, help="URL SQLAlchemy du suivi")


def fiche(args: argparse.Namespace) -> int:
    return _print(args, action=args.action)


def fiches(args: argparse.Namespace) -> int:
    return _print(args, axe=args.axe)


def _number(text) -> int | None:
    text = str(text).strip()
    return int(text) if text.isdigit() else None


def _print(args: argparse.Namespace, action=None, axe=None) -> int:
    """Check the output and the number, read the plan and the follow-up, print the fiches."""
    import logging  # noqa: PLC0415
    from pathlib import Path  # noqa: PLC0415

    out = Path(args.output)
    if out.suffix.lower() != ".pdf":
        print(f"Format de fichier non pris en charge « {out.name} » : le nom doit finir par .pdf.")
        return USAGE
    if not out.parent.is_dir():
        print(f"Impossible d'écrire « {out} » : le dossier « {out.parent} » n'existe pas.")
        return PROBLEMS
    from dashboard.present import deck_files, fiche_pdf  # noqa: PLC0415
    from dashboard.suivi import store  # noqa: PLC0415

    deck_files.PRINTER.warm()  # chromium starts while the plan and the follow-up are read
    p = plan_for(args)
    if p is None:
        return PROBLEMS
    if action is not None:
        n = _number(action)
        known = {int(a) for a in p.actions["action_id"]}
        if n is None or n not in known:
            print(f"Action inconnue « {action} » : le plan a les actions {min(known)} à {max(known)} "
                  "(exemple : fiche 11 -o fiche_11.pdf).")
            return USAGE
        ids = [n]
    else:
        n = _number(axe)
        axes = sorted(int(a) for a in p.axes["axe"])
        if n is None or n not in axes:
            print(f"Axe inconnu « {axe} » : le plan a les axes {', '.join(map(str, axes))} (exemple : --axe 1).")
            return USAGE
        ids = fiche_pdf.axe_actions(p, n)
    engine, code = suivi_engine(args)
    if engine is None:
        return code
    try:
        suivi = store.load_suivi(engine)
        versions = _versions(engine) if p.version else ()
    except Exception as exc:  # noqa: BLE001  (never a traceback for the user)
        logging.getLogger(__name__).exception("fiche : lecture du suivi")
        print(f"Le suivi n'a pas pu être lu ({exc.__class__.__name__}) : vérifiez l'adresse --db.")
        return PROBLEMS
    data = built("La fiche", lambda: fiche_pdf.fiches_pdf(p, ids, suivi, versions))  # as the page's fiche
    if data is None or not write_file(out, data):
        return PROBLEMS
    s = fiche_pdf.situation(p, suivi, versions)
    what = f"fiche de l'action {ids[0]}" if action is not None else f"{len(ids)} fiches de l'axe {n}"
    print(f"PDF écrit : {out} ({what}, A4 portrait ; {s.situation[0].lower()}{s.situation[1:]}"
          f"{', données de suivi de démonstration' if suivi.demo else ''}).")
    return OK


def _versions(engine):
    from dashboard.plan import versions  # noqa: PLC0415

    versions.ensure_schema(engine)
    return versions.history(engine)
