"""The command implementations behind `python -m dashboard` (one function per command)."""

from __future__ import annotations

import argparse

OK, PROBLEMS, USAGE = 0, 1, 2


def _write(out, data: bytes) -> bool:
    """Write a produced file (a pathlib.Path); False, with a French message, when it cannot be written."""
    try:
        out.write_bytes(data)
    except OSError as err:
        print(f"Impossible d'écrire « {out} » ({err.strerror}) : choisissez un autre fichier avec -o.")
        return False
    return True


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


def _summary_suivi(db: str | None):
    """The follow-up store's values for `summary`, or None (no --db / DASHBOARD_DB, or no reader yet)."""
    import os  # noqa: PLC0415

    url = db or os.environ.get("DASHBOARD_DB")
    if not url:
        return None
    from dashboard.suivi import store  # noqa: PLC0415

    if not hasattr(store, "load_suivi") or not hasattr(store, "open_engine"):
        return None
    return store.load_suivi(store.open_engine(url))


def summary_text(s: dict) -> str:
    """The summary dict (metrics.summary) as French text for the terminal."""
    from dashboard import fmt  # noqa: PLC0415

    n, b = fmt.nombre, s["budget"]
    lo, hi = s["periode"]
    lines = [f"Schéma de développement touristique {lo}-{hi} : {n(s['actions'])} fiches action, "
             f"{n(s['indicateurs'])} indicateurs",
             "Budget chiffré (hypothèses du classeur) :",
             f"  ponctuel : {fmt.fourchette(b['unique_min'], b['unique_max'])}",
             f"  récurrent : {fmt.fourchette(b['annuel_min'], b['annuel_max'])} par an",
             f"  par unité (quantité fixée) : {fmt.fourchette(b['par_unite_min'], b['par_unite_max'])}",
             f"  total {lo}-{hi} : {fmt.fourchette(b['periode_min'], b['periode_max'])}",
             f"ETP chiffrés : {fmt.etp(s['etp'])}",
             "Par axe :"]
    for a in s["axes"]:
        lines.append(f"  Axe {a['axe']} – {a['libelle']}")
        lines.append(f"    {n(a['actions'])} actions · ponctuel {fmt.fourchette(a['budget_unique_min'], a['budget_unique_max'])}"
                     f" · récurrent {fmt.fourchette(a['budget_annuel_min'], a['budget_annuel_max'])} par an"
                     f" · {fmt.etp(a['etp'])}")
        for u in a["budget_par_unite"]:
            qty = "quantité non fixée, hors totaux" if u["quantite"] is None else f"quantité {n(u['quantite'], 2)}"
            lines.append(f"    par unité : action {u['action_id']}, "
                         f"{fmt.fourchette(u['montant_unitaire_min'], u['montant_unitaire_max'])} par {u['unite']} ({qty})")
    nc = s["non_comptes"]
    cats = ", ".join(f"{c} {n(k)}" for c, k in s["categories"].items() if c != "chiffré")
    lines.append("Ce que les totaux ne comptent pas :")
    lines.append(f"  {n(nc['actions_sans_chiffrage'])} actions sans montant chiffré ({cats})")
    lines.append(f"  {n(nc['lignes_par_unite_sans_quantite'])} ligne(s) « par unité » sans quantité ; "
                 f"{n(nc['lignes_uniques_sans_annee'])} dépense(s) ponctuelle(s) sans année (comptées, hors projection)")
    for r in s.get("realise", []):
        lines.append(f"Réalisé {r['annee']} : {fmt.euros(r['depenses'])} "
                     f"(prévu {fmt.fourchette(r['prevu_min'], r['prevu_max'])})")
    lines += _summary_calendar_text(s)
    return "\n".join(lines)


def _summary_calendar_text(s: dict) -> list[str]:
    """Avancement par axe et actions en retard (keys added by metrics.calendar_summary)."""
    from datetime import date  # noqa: PLC0415

    from dashboard import fmt  # noqa: PLC0415

    if "en_retard" not in s:
        return []
    au = fmt.jour(date.fromisoformat(s["situation_au"]))
    if not s.get("avancement_importe"):
        return [f"Avancement au {au} : aucun avancement importé, aucun retard calculé."]
    lines = [f"Avancement au {au} :"]
    for a in s["axes"]:
        counts = " · ".join(f"{k} {fmt.nombre(v)}" for k, v in a.get("statuts", {}).items() if v)
        lines.append(f"  Axe {a['axe']} : {counts}")
    lines.append(f"Actions en retard : {fmt.nombre(len(s['en_retard']))}")
    for r in s["en_retard"]:
        lines.append(f"  {r['action_id']} · {r['titre']} ({r['porteur']}) : {fmt.mois(r['mois_de_retard'])} de retard")
    return lines


def summary(args: argparse.Namespace) -> int:
    """The overview's figures (metrics.summary): French text, or JSON with --json."""
    import json  # noqa: PLC0415
    import logging  # noqa: PLC0415
    from datetime import date  # noqa: PLC0415

    from dashboard import metrics  # noqa: PLC0415

    as_of = None
    if getattr(args, "as_of", None):
        try:
            as_of = date.fromisoformat(args.as_of)
        except ValueError:
            print(f"Date de situation invalide « {args.as_of} » : écrivez-la AAAA-MM-JJ (par exemple 2025-06-30).")
            return USAGE
    p = _suivi_plan(args)  # --plan, DASHBOARD_PLAN, else the current version in the store
    if p is None:
        return PROBLEMS
    try:
        suivi = _summary_suivi(args.db)
    except Exception as exc:  # a broken store must not hide the plan's figures
        from dashboard.suivi import store  # noqa: PLC0415

        if isinstance(exc, store.StoreUnavailable):
            print(exc)
            return USAGE if exc.usage else PROBLEMS
        logging.getLogger(__name__).debug("summary: lecture du suivi", exc_info=True)  # not on the terminal
        print(f"Le suivi n'a pas pu être lu ({exc.__class__.__name__}) : vérifiez l'adresse --db.")
        return PROBLEMS
    s = metrics.summary(metrics.apply_hypotheses(p), suivi, as_of)
    print(json.dumps(s, ensure_ascii=False, indent=2) if args.json else summary_text(s))
    return OK


def _suivi_plan(args: argparse.Namespace):
    """The plan for the follow-up commands, or None after printing its problems (French): --plan,
    else DASHBOARD_PLAN, else the current version of the plan in the store (--db)."""
    from dashboard.cli_plan import plan_for  # noqa: PLC0415

    return plan_for(args)


def suivi_engine(args: argparse.Namespace, open_engine=None):
    """(engine, None) on the --db URL (default: the app's store), or (None, exit code) after a French message.
    `open_engine`: the opener (default store.open_engine; the plan's versions add their table)."""
    import logging  # noqa: PLC0415

    from dashboard.suivi import store  # noqa: PLC0415

    url = getattr(args, "db", None) or store.default_url()
    try:
        return (open_engine or store.open_engine)(url), None
    except store.StoreUnavailable as err:  # which store, what is wrong, what to check (French)
        print(err)
        return None, USAGE if err.usage else PROBLEMS
    except Exception:  # noqa: BLE001  (never a traceback for the user; the log keeps it)
        logging.getLogger(__name__).debug("store %s", url, exc_info=True)
        print(store.open_problem(url, RuntimeError()))
        return None, PROBLEMS


def write_refused(engine) -> bool:
    """True after printing why, when the store cannot be written (read-only file, folder or server)."""
    from dashboard.suivi import store  # noqa: PLC0415

    problem = store.write_problem(engine)
    if problem is not None:
        print(problem)
    return problem is not None


def template(args: argparse.Namespace) -> int:
    """Write the stamped follow-up template of a year (pre-filled from the store at --db), for some porteurs."""
    import getpass  # noqa: PLC0415
    from pathlib import Path  # noqa: PLC0415

    from dashboard.suivi import store  # noqa: PLC0415
    from dashboard.suivi.template import issue, template_file_name  # noqa: PLC0415

    p = _suivi_plan(args)
    if p is None:
        return PROBLEMS
    engine, code = suivi_engine(args)
    if engine is None:
        return code
    porteurs = tuple(args.porteur or ())
    out = Path(args.output or template_file_name(args.year, porteurs))
    try:
        user = args.user or getpass.getuser()
    except Exception:  # noqa: BLE001
        user = ""
    try:
        data, issued = issue(p, args.year, store.load_suivi(engine), porteurs=porteurs, emis_par=user)
    except ValueError as err:
        print(f"Modèle non écrit : {err}")
        return PROBLEMS
    if not _write(out, data):
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
    import getpass  # noqa: PLC0415
    import logging  # noqa: PLC0415
    from pathlib import Path  # noqa: PLC0415

    from dashboard import fmt  # noqa: PLC0415
    from dashboard.present.views import imports as views_imports  # noqa: PLC0415
    from dashboard.suivi import importer, xlsx_scan  # noqa: PLC0415

    path = Path(args.file)
    if not path.is_file():
        print(f"Fichier introuvable : « {path} ».")
        return PROBLEMS
    refused = xlsx_scan.too_big(path.stat().st_size)
    if refused is not None:  # never read into memory
        print(f"Fichier « {fmt.cite(path.name)} » : {refused}")
        return PROBLEMS
    p = _suivi_plan(args)
    if p is None:
        return PROBLEMS
    engine, code = suivi_engine(args)
    if engine is None:
        return code
    if not args.dry_run and write_refused(engine):
        return PROBLEMS
    accept = bool(getattr(args, "accept_warnings", False))
    try:
        user = args.user or getpass.getuser()
    except Exception:  # noqa: BLE001
        user = ""
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


def _deck_axes(values, plan) -> tuple[tuple[int, ...], str | None]:
    """The --axe values as the plan's axe numbers, or a French message naming the wrong one."""
    known = sorted(int(a) for a in plan.axes["axe"])
    axes = []
    for value in values or ():
        text = str(value).strip()
        if not text.isdigit() or int(text) not in known:
            return (), (f"Axe inconnu « {text} » : le plan a les axes {', '.join(map(str, known))} "
                        "(exemple : --axe 1 --axe 3).")
        axes.append(int(text))
    return tuple(sorted(set(axes))), None


def deck(args: argparse.Namespace) -> int:
    """The comité's slides as a file: PowerPoint (.pptx), PDF (.pdf) or HTML (.html), from the page's slides."""
    import logging  # noqa: PLC0415
    from datetime import date  # noqa: PLC0415
    from pathlib import Path  # noqa: PLC0415

    out = Path(args.output)
    suffix = out.suffix.lower()
    if suffix not in (".pptx", ".pdf", ".html"):
        print(f"Format de fichier non pris en charge « {out.name} » : le nom doit finir par .pptx (PowerPoint), "
              ".pdf ou .html.")
        return USAGE
    as_of = None
    if args.as_of:
        try:
            as_of = date.fromisoformat(args.as_of)
        except ValueError:
            print(f"Date de situation invalide « {args.as_of} » : écrivez-la AAAA-MM-JJ (par exemple 2025-06-30).")
            return USAGE
    if not out.parent.is_dir():
        print(f"Impossible d'écrire « {out} » : le dossier « {out.parent} » n'existe pas.")
        return PROBLEMS
    from dashboard import metrics  # noqa: PLC0415
    from dashboard.present import comite, deck_files  # noqa: PLC0415
    from dashboard.suivi import store  # noqa: PLC0415

    if suffix == ".pdf":
        deck_files.PRINTER.warm()  # chromium starts while the plan is read and the slides computed
    p = _suivi_plan(args)
    if p is None:
        return PROBLEMS
    axes, problem = _deck_axes(args.axe, p)
    if problem:
        print(problem)
        return USAGE
    engine, code = suivi_engine(args)
    if engine is None:
        return code
    try:
        suivi = store.load_suivi(engine)
    except Exception as exc:  # noqa: BLE001  (never a traceback for the user)
        logging.getLogger(__name__).exception("deck: lecture du suivi")
        print(f"Le suivi n'a pas pu être lu ({exc.__class__.__name__}) : vérifiez l'adresse --db.")
        return PROBLEMS
    plan_h = metrics.apply_hypotheses(p)
    try:
        from dashboard.cli_plan import voted_changes  # noqa: PLC0415

        slides = comite.slides(plan_h, suivi, as_of=as_of, axes=axes, changes=voted_changes(engine, p, axes))
        info = deck_files.deck_info(plan_h, as_of=as_of, demo=suivi.demo, axes=axes)
        data = deck_files.deck_file(slides, info, suffix)
    except deck_files.DeckError as err:
        print(str(err))
        return PROBLEMS
    except Exception as exc:  # noqa: BLE001
        logging.getLogger(__name__).exception("deck %s", out)
        print(f"La présentation n'a pas pu être construite ({exc.__class__.__name__}) : vérifiez le classeur "
              "du plan (validate-plan) et le dernier import du suivi.")
        return PROBLEMS
    if not _write(out, data):
        return PROBLEMS
    print(f"Présentation écrite : {out} ({deck_files.FORMATS[suffix]}, {len(slides) + 2} diapositives, "
          f"{info.situation.lower()}{', données de suivi de démonstration' if suivi.demo else ''}).")
    return OK
