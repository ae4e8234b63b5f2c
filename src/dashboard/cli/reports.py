"""`python -m dashboard summary` and `deck`: the overview's figures in the terminal (or JSON), and the
comité's slides as a file (PowerPoint, PDF or HTML).
"""

from __future__ import annotations

import argparse

from dashboard.cli.common import OK, PROBLEMS, USAGE, built, plan_for, suivi_engine, write_file


def add_summary(sub) -> None:
    """The `summary` command."""
    p = sub.add_parser("summary", help="les chiffres de la vue d'ensemble")
    p.add_argument("--plan", default=None, help="classeur du plan")
    p.add_argument("--db", default=None, help="URL SQLAlchemy du suivi")
    p.add_argument("--as-of", default=None, metavar="AAAA-MM-JJ",
                   help="la base et le plan tels qu'ils étaient ce jour-là (défaut : aujourd'hui)")
    p.add_argument("--json", action="store_true", help="sortie JSON")
    p.set_defaults(func=summary)


def add_deck(sub) -> None:
    """The `deck` command."""
    p = sub.add_parser("deck", help="la présentation au comité en fichier (.pptx, .pdf ou .html)")
    p.add_argument("-o", "--output", required=True, help="fichier à écrire : .pptx (PowerPoint), .pdf ou .html")
    p.add_argument("--as-of", default=None, help="date de situation AAAA-MM-JJ (défaut : aujourd'hui)")
    p.add_argument("--axe", action="append", default=None, help="ne garder que cet axe (répétable : --axe 1 --axe 3)")
    p.add_argument("--comite", default=None, metavar="AAAA-MM-JJ",
                   help="jour du comité pour lequel la présentation est faite, enregistré dans la base "
                        "(défaut : aujourd'hui)")
    p.add_argument("--depuis", default=None, metavar="AAAA-MM-JJ",
                   help="diapositive « depuis le dernier comité » : ce qui a changé depuis ce jour "
                        "(défaut : le comité enregistré précédent, s'il y en a un)")
    p.add_argument("--plan", default=None, help="classeur du plan")
    p.add_argument("--db", default=None, help="URL SQLAlchemy du suivi")
    p.set_defaults(func=deck)


def _summary_store(db: str | None):
    """The follow-up store's engine for `summary`, or None (no --db / DASHBOARD_DB: the plan alone)."""
    import os  # noqa: PLC0415

    url = db or os.environ.get("DASHBOARD_DB")
    if not url:
        return None
    from dashboard.suivi import store  # noqa: PLC0415

    return store.open_engine(url)


def _summary_suivi(engine, au=None):
    """The follow-up values for `summary`: as they stood at the end of `au` (now when None)."""
    from dashboard.suivi import temps  # noqa: PLC0415

    return temps.suivi_au(engine, au)


def summary_text(s: dict) -> str:
    """The summary dict (metrics.summary) as French text for the terminal."""
    from dashboard import fmt  # noqa: PLC0415

    n, b = fmt.nombre, s["budget"]
    lo, hi = s["periode"]
    lines = [s["situation"]["texte"]] if s.get("situation") else []
    lines += [f"Schéma de développement touristique {lo}-{hi} : {n(s['actions'])} fiches action, "
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
    """The overview's figures (metrics.summary): French text, or JSON with --json; with --as-of, the store
    and the plan's version as they stood at the end of that day."""
    import json  # noqa: PLC0415
    import logging  # noqa: PLC0415

    from dashboard import metrics  # noqa: PLC0415
    from dashboard.suivi import store, temps  # noqa: PLC0415

    au, problem = temps.lire_jour(getattr(args, "as_of", None))
    if problem:
        print(problem)
        return USAGE
    p = plan_for(args, au)  # --plan, DASHBOARD_PLAN, else the version in the store (in force on that day)
    if p is None:
        return PROBLEMS
    try:
        engine = _summary_store(args.db)
        suivi = None if engine is None else _summary_suivi(engine, au)
        situation = None if engine is None else temps.lire_situation(engine, au, p)
    except Exception as exc:  # a broken store must not hide the plan's figures
        if isinstance(exc, store.StoreUnavailable):
            print(exc)
            return USAGE if exc.usage else PROBLEMS
        logging.getLogger(__name__).debug("summary: lecture du suivi", exc_info=True)  # not on the terminal
        print(f"Le suivi n'a pas pu être lu ({exc.__class__.__name__}) : vérifiez l'adresse --db.")
        return PROBLEMS
    s = metrics.summary(metrics.apply_hypotheses(p), suivi, au)
    if situation is not None:
        s["situation"] = situation.as_dict()
    print(json.dumps(s, ensure_ascii=False, indent=2) if args.json else summary_text(s))
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
    from pathlib import Path  # noqa: PLC0415

    out = Path(args.output)
    suffix = out.suffix.lower()
    if suffix not in (".pptx", ".pdf", ".html"):
        print(f"Format de fichier non pris en charge « {out.name} » : le nom doit finir par .pptx (PowerPoint), "
              ".pdf ou .html.")
        return USAGE
    from dashboard.suivi import temps  # noqa: PLC0415

    as_of, problem = temps.lire_jour(args.as_of, futur=True)  # the day delays are counted at: any day
    if problem:
        print(problem)
        return USAGE
    jour_comite, problem = temps.lire_jour(args.comite, futur=True, quoi="date")
    option = "--comite"
    if not problem:
        depuis, problem = temps.lire_jour(args.depuis, quoi="date")
        option = "--depuis"
    if problem:
        print(f"{option} : {problem}")
        return USAGE
    if not out.parent.is_dir():
        print(f"Impossible d'écrire « {out} » : le dossier « {out.parent} » n'existe pas.")
        return PROBLEMS
    from dashboard import fmt, metrics  # noqa: PLC0415
    from dashboard.present import comite, deck_files  # noqa: PLC0415
    from dashboard.present import depuis as present_depuis  # noqa: PLC0415
    from dashboard.suivi import comites, store  # noqa: PLC0415

    if suffix == ".pdf":
        deck_files.PRINTER.warm()  # chromium starts while the plan is read and the slides computed
    p = plan_for(args)
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
    jour_comite = jour_comite or temps.aujourdhui()

    def build():
        since = depuis or comites.dernier(engine, avant=jour_comite)
        slides = comite.slides(plan_h, suivi, as_of=as_of, axes=axes, changes=voted_changes(engine, p, axes),
                               depuis=since_slide(engine, since, min(jour_comite, temps.aujourdhui()), p))
        info = deck_files.deck_info(plan_h, as_of=as_of, demo=suivi.demo, axes=axes)
        info = present_depuis.deck_situation(engine, info, p, as_of)
        return since, slides, info, deck_files.deck_file(slides, info, suffix)

    made = built("La présentation", build)
    if made is None:
        return PROBLEMS
    depuis, slides, info, data = made
    if not write_file(out, data):
        return PROBLEMS
    print(f"Présentation écrite : {out} ({deck_files.FORMATS[suffix]}, {len(slides) + 2} diapositives, "
          f"{info.situation.lower()}{', données de suivi de démonstration' if suivi.demo else ''}).")
    if depuis is not None:
        print(f"Diapositive « Depuis le dernier comité » : les changements depuis le {fmt.jour(depuis)}.")
    if store.write_problem(engine) is None:
        comites.enregistrer(engine, jour_comite, "export")
        print(f"Comité du {fmt.jour(jour_comite)} enregistré : la prochaine présentation dira ce qui a changé depuis.")
    else:
        print("Base en lecture seule : le jour de ce comité n'a pas été enregistré.")
    return OK


def since_slide(engine, jour, au, plan):
    """The « depuis le dernier comité » slide for the changes from `jour` to `au` (None: no slide)."""
    if jour is None:
        return None
    from dashboard.present import depuis  # noqa: PLC0415

    return depuis.slide_depuis(depuis.lire_depuis(engine, jour, au, plan=plan))


def voted_changes(engine, plan, axes=()):
    """The deck's « ce qui a changé depuis le plan voté » slide when `plan` is a stored version other
    than the voted one (the first stored); None otherwise (a file given by --plan or DASHBOARD_PLAN)."""
    from dashboard.plan import versions  # noqa: PLC0415
    from dashboard.present import plan_changes  # noqa: PLC0415

    if not plan.version:
        return None
    versions.ensure_schema(engine)
    vs = versions.history(engine)
    current = next((v for v in vs if v.current), None)
    if current is None or len(vs) < 2 or current.id == vs[-1].id:
        return None
    voted = vs[-1]
    return plan_changes.slide_changes(versions.load_version(engine, voted.id), plan, voted.label, current.label,
                                      axes)
