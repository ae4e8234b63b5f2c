"""`python -m dashboard template`, `import`, `history` and `rollback`: the yearly follow-up's template,
its import (the page's code path), the list of imports and the undoing of one.
"""

from __future__ import annotations

import argparse

from dashboard.cli.common import OK, PROBLEMS, plan_for, suivi_engine, write_file, write_refused


def add_template(sub) -> None:
    """The `template` command."""
    p = sub.add_parser("template", help="écrit le modèle de suivi d'une année")
    p.add_argument("year", type=int, help="année (AAAA)")
    p.add_argument("-o", "--output", default=None, help="fichier à écrire (défaut : suivi_<année>.xlsx)")
    p.add_argument("--plan", default=None, help="classeur du plan")
    p.add_argument("--db", default=None, help="URL SQLAlchemy du suivi (valeurs déjà importées, colonne Rappel)")
    p.add_argument("--porteur", action="append", default=None, metavar="NOM",
                   help="seulement les lignes des actions de ce porteur (répétable)")
    p.add_argument("--user", default=None, help="nom de la personne qui envoie le modèle (tampon)")
    p.set_defaults(func=template)


def add_import(sub) -> None:
    """The `import` command."""
    p = sub.add_parser("import", help="importe un classeur de suivi (tout ou rien)")
    p.add_argument("file", help="classeur de suivi .xlsx")
    p.add_argument("--dry-run", action="store_true", help="vérifie et compte sans rien écrire")
    p.add_argument("--accepter-avertissements", action="store_true", dest="accept_warnings",
                   help="importe malgré les avertissements listés (valeurs vérifiées)")
    p.add_argument("--db", default=None, help="URL SQLAlchemy du suivi")
    p.add_argument("--user", default=None, help="nom de la personne qui importe")
    p.add_argument("--plan", default=None, help="classeur du plan")
    p.add_argument("--conflits", choices=["fichier", "base"], default=None,
                   help="décide chaque conflit : fichier (les valeurs du fichier) ou base (garder celles de la base)")
    p.add_argument("--porteur", default=None, metavar="NOM",
                   help="qui a fourni le fichier, quand son tampon ne nomme pas de porteur (ou qu'il n'en a pas)")
    p.set_defaults(func=import_file)


def add_history(sub) -> None:
    """The `history` command."""
    p = sub.add_parser("history", help="liste les imports")
    p.add_argument("--db", default=None, help="URL SQLAlchemy du suivi")
    p.add_argument("--json", action="store_true", help="sortie JSON")
    p.set_defaults(func=history)


def add_rollback(sub) -> None:
    """The `rollback` command."""
    p = sub.add_parser("rollback", help="annule un import")
    p.add_argument("batch", type=int, help="numéro de l'import")
    p.add_argument("--db", default=None, help="URL SQLAlchemy du suivi")
    p.set_defaults(func=rollback)


def _plan_and_store(args) -> tuple:
    """The command's plan and the follow-up's store: (plan, engine, None), else (None, None, exit code)."""
    p = plan_for(args)
    if p is None:
        return None, None, PROBLEMS
    engine, code = suivi_engine(args)
    return (p, engine, None) if engine is not None else (None, None, code)


def _user(args) -> str:
    """Who runs the command: --user, else the system's login name (empty when it has none)."""
    import getpass  # noqa: PLC0415

    try:
        return args.user or getpass.getuser()
    except Exception:  # noqa: BLE001  (no login name: a container, a service)
        return ""


def template(args: argparse.Namespace) -> int:
    """Write the stamped follow-up template of a year (pre-filled from the store at --db), for some porteurs."""
    from pathlib import Path  # noqa: PLC0415

    from dashboard.suivi import store  # noqa: PLC0415
    from dashboard.suivi.template import issue, template_file_name  # noqa: PLC0415

    p, engine, code = _plan_and_store(args)
    if engine is None:
        return code
    porteurs = tuple(args.porteur or ())
    out = Path(args.output or template_file_name(args.year, porteurs))
    user = _user(args)
    try:
        data, issued = issue(p, args.year, store.load_suivi(engine), porteurs=porteurs, emis_par=user)
    except ValueError as err:
        print(f"Modèle non écrit : {err}")
        return PROBLEMS
    if not write_file(out, data):
        return PROBLEMS
    recorded = ""
    if store.write_problem(engine) is None:
        store.record_template(engine, issued)
    else:
        recorded = " Base en lecture seule : cet envoi ne figurera pas dans l'état de la collecte."
    who = f"pour {issued.porteur_text}" if porteurs else "toutes les actions"
    n_i, n_a = len(issued.indicateurs), len(issued.actions)
    print(f"Modèle {args.year} écrit : {out} ({who} : {n_i} indicateur{'s' if n_i > 1 else ''}, "
          f"{n_a} action{'s' if n_a > 1 else ''} ; tampon {issued.id}).{recorded}")
    return OK


def import_file(args: argparse.Namespace) -> int:
    """Dry run (--dry-run) or import of a follow-up workbook: the page's code path (importer.import_workbook).

    Every change is listed before → after, grouped by action; a conflict (a cell the file and another
    import both changed since the template was issued) blocks the import until --conflits decides it."""
    import logging  # noqa: PLC0415
    from pathlib import Path  # noqa: PLC0415

    from dashboard import fmt, xlsx_scan  # noqa: PLC0415
    from dashboard.present.views import imports as views_imports  # noqa: PLC0415
    from dashboard.suivi import importer  # noqa: PLC0415

    path = Path(args.file)
    if not path.is_file():
        print(f"Fichier introuvable : « {path} ».")
        return PROBLEMS
    refused = xlsx_scan.too_big(path.stat().st_size)
    if refused is not None:  # never read into memory
        print(f"Fichier « {fmt.cite(path.name)} » : {refused}")
        return PROBLEMS
    p, engine, code = _plan_and_store(args)
    if engine is None:
        return code
    if not args.dry_run and write_refused(engine):
        return PROBLEMS
    accept = bool(getattr(args, "accept_warnings", False))
    user = _user(args)
    try:
        outcome = importer.import_workbook(engine, path.read_bytes(), p, file_name=path.name, user=user,
                                           dry_run=args.dry_run, accept_warnings=accept,
                                           porteur=getattr(args, "porteur", None),
                                           conflits=getattr(args, "conflits", None))
    except Exception as exc:  # noqa: BLE001  (a store failure: the transaction left it as it was)
        logging.getLogger(__name__).debug("import %s", path, exc_info=True)  # the log, not the terminal
        if not write_refused(engine):
            print(f"L'import de « {path.name} » a échoué ({exc.__class__.__name__}) : rien n'a été modifié.")
        return PROBLEMS
    print(outcome.message())
    for problem in outcome.report.problems:
        print(f"- {problem.message()}")
    if not outcome.ok:
        return PROBLEMS
    stamp = outcome.report.stamp
    if stamp is not None:
        print(f"Modèle {stamp.annee} envoyé le {stamp.emis_le:%d/%m/%Y}"
              + (f" par {stamp.emis_par}" if stamp.emis_par else "")
              + (f" à : {stamp.porteur_text}." if stamp.porteurs else " (toutes les actions)."))
    if outcome.porteur and (stamp is None or not stamp.porteurs):
        print(f"Fichier fourni par : {outcome.porteur}.")
    view = views_imports.dry_run(p, outcome)
    if len(view.changes):
        print(f"Changements ({len(view.changes)}) :")
        print("\n".join(view.lines_text()))
    if len(view.conflicts):
        print(f"Conflits à décider ({len(view.conflicts)}) : ces valeurs ont aussi été changées par un autre import "
              "depuis l'envoi du modèle.")
        print("\n".join(view.conflicts_text()))
        print("Rien n'est importé tant qu'un conflit n'est pas décidé : relancez avec --conflits fichier (les "
              "valeurs du fichier) ou --conflits base (garder celles de la base).")
    warnings = outcome.report.warnings if not outcome.counts.nothing_to_do else ()
    if warnings:
        print(f"Avertissements ({len(warnings)}) : valeurs lues mais douteuses, à vérifier :")
        for w in warnings:
            print(f"- {w.message()}")
    if view.overwrites and not outcome.counts.nothing_to_do:
        print(f"Avertissement : ce fichier n'a pas de tampon et remplace {view.overwrites} valeur(s) qu'un autre "
              "import a enregistrée(s) (marquées « à confirmer » ci-dessus).")
    if outcome.report.ignored_columns:
        print("Colonnes non reconnues, ignorées : " + ", ".join(f"« {fmt.cite(c)} »" for c in outcome.report.ignored_columns) + ".")
    blocked = outcome.needs_acknowledgement and not outcome.counts.nothing_to_do
    if blocked:
        print("Rien n'est importé tant que ces avertissements ne sont pas vérifiés : corrigez le classeur, ou, "
              "si les valeurs sont justes, relancez avec --accepter-avertissements.")
    elif args.dry_run and not outcome.conflicts and not outcome.counts.nothing_to_do:
        print("Rien n'a été écrit (--dry-run) : relancez sans --dry-run pour importer.")
    return OK if not blocked and not outcome.conflicts and not outcome.empty_file else PROBLEMS


def history(args: argparse.Namespace) -> int:
    """List the imports, latest first (table or --json)."""
    import json  # noqa: PLC0415

    import pandas as pd  # noqa: PLC0415

    from dashboard.suivi import store  # noqa: PLC0415

    engine, code = suivi_engine(args)
    if engine is None:
        return code
    h = store.history(engine)
    if args.json:
        def plain(v):
            if v is None or v is pd.NaT or (isinstance(v, float) and v != v):
                return None
            return v.isoformat() if hasattr(v, "isoformat") else v.item() if hasattr(v, "item") else v

        records = [{k: plain(v) for k, v in r.items()} for r in h.astype(object).to_dict("records")]
        print(json.dumps(records, ensure_ascii=False, indent=2))
        return OK
    if h.empty:
        print("Aucun import.")
        return OK
    for r in h.itertuples(index=False):
        state = "actif" if r.actif else f"annulé le {r.annule_le:%d/%m/%Y %H:%M}"
        removed = f"{r.retires} retirée(s), " if r.retires else ""
        print(f"n° {r.batch_id} · {r.date:%d/%m/%Y %H:%M} · {r.fichier} · {r.annees} · {r.utilisateur or '—'} · "
              + (f"porteur : {r.porteur} · " if r.porteur else "")
              + f"{r.nouveaux} nouvelle(s), {r.modifies} modifiée(s), {removed}{r.inchanges} inchangée(s) · {state}"
              + (" · démonstration" if r.demo else ""))
    return OK


def rollback(args: argparse.Namespace) -> int:
    """Undo one import (what was there before comes back)."""
    from dashboard.suivi import store  # noqa: PLC0415

    engine, code = suivi_engine(args)
    if engine is None:
        return code
    if write_refused(engine):
        return PROBLEMS
    try:
        store.rollback(engine, args.batch)
    except store.StoreError as err:
        print(f"Annulation impossible : {err}")
        return PROBLEMS
    except Exception as exc:  # noqa: BLE001
        print(f"L'annulation a échoué ({exc.__class__.__name__}) : rien n'a été modifié.")
        return PROBLEMS
    print(f"Import n° {args.batch} annulé : les valeurs d'avant sont rétablies.")
    return OK
