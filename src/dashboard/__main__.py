"""Command line: `python -m dashboard …` (contract in DESIGN.md).

Exit codes: 0 done, 1 the input has problems (all listed, in French), 2 usage error.
Each command calls the same functions as the pages.
"""

from __future__ import annotations

import argparse
import sys

from dashboard import cli, cli_plan, cli_users


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m dashboard",
                                     description="Tableau de bord du schéma de développement touristique.")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMANDE")

    p = sub.add_parser("validate-plan", help="charge et valide le classeur du plan")
    p.add_argument("path", nargs="?", default=None, help="classeur du plan (défaut : data/plan_2023_2028.xlsx)")
    p.set_defaults(func=cli.validate_plan)

    p = sub.add_parser("summary", help="les chiffres de la vue d'ensemble")
    p.add_argument("--plan", default=None, help="classeur du plan")
    p.add_argument("--db", default=None, help="URL SQLAlchemy du suivi")
    p.add_argument("--as-of", default=None, help="date de situation AAAA-MM-JJ (défaut : aujourd'hui)")
    p.add_argument("--json", action="store_true", help="sortie JSON")
    p.set_defaults(func=cli.summary)

    p = sub.add_parser("template", help="écrit le modèle de suivi d'une année")
    p.add_argument("year", type=int, help="année (AAAA)")
    p.add_argument("-o", "--output", default=None, help="fichier à écrire (défaut : suivi_<année>.xlsx)")
    p.add_argument("--plan", default=None, help="classeur du plan")
    p.add_argument("--db", default=None, help="URL SQLAlchemy du suivi (valeurs déjà importées, colonne Rappel)")
    p.add_argument("--porteur", action="append", default=None, metavar="NOM",
                   help="seulement les lignes des actions de ce porteur (répétable)")
    p.add_argument("--user", default=None, help="nom de la personne qui envoie le modèle (tampon)")
    p.set_defaults(func=cli.template)

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
    p.set_defaults(func=cli.import_file)

    p = sub.add_parser("history", help="liste les imports")
    p.add_argument("--db", default=None, help="URL SQLAlchemy du suivi")
    p.add_argument("--json", action="store_true", help="sortie JSON")
    p.set_defaults(func=cli.history)

    p = sub.add_parser("rollback", help="annule un import")
    p.add_argument("batch", type=int, help="numéro de l'import")
    p.add_argument("--db", default=None, help="URL SQLAlchemy du suivi")
    p.set_defaults(func=cli.rollback)

    p = sub.add_parser("deck", help="la présentation au comité en fichier (.pptx, .pdf ou .html)")
    p.add_argument("-o", "--output", required=True, help="fichier à écrire : .pptx (PowerPoint), .pdf ou .html")
    p.add_argument("--as-of", default=None, help="date de situation AAAA-MM-JJ (défaut : aujourd'hui)")
    p.add_argument("--axe", action="append", default=None, help="ne garder que cet axe (répétable : --axe 1 --axe 3)")
    p.add_argument("--plan", default=None, help="classeur du plan")
    p.add_argument("--db", default=None, help="URL SQLAlchemy du suivi")
    p.set_defaults(func=cli.deck)

    cli_plan.add_parser(sub)
    cli_users.add_parser(sub)

    p = sub.add_parser("serve", help="sert l'application (st.App de Streamlit sous uvicorn)",
                       description="Comme `streamlit run` : `python -m dashboard serve app.py --server.port 8501`.")
    p.add_argument("script", nargs="?", default="app.py", help="le script servi (défaut : app.py)")
    p.set_defaults(func=serve)  # the options of `streamlit run` follow (--server.port 8501…)
    return parser


def serve(args: argparse.Namespace) -> int:
    """The app as Streamlit's ASGI application under uvicorn (dashboard.serveur)."""
    from dashboard import serveur  # noqa: PLC0415

    return serveur.serve(getattr(args, "streamlit_args", None) or [args.script])


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["serve"] and argv[1:] not in (["-h"], ["--help"]):
        # The arguments of `streamlit run` go to Streamlit as they are (it checks them itself); app.py
        # when they name no script.
        rest = argv[1:] if any(a.endswith(".py") for a in argv[1:]) else ["app.py", *argv[1:]]
        return serve(argparse.Namespace(streamlit_args=rest))
    args = build_parser().parse_args(argv)  # exits 2 on usage errors
    return int(args.func(args) or 0)


if __name__ == "__main__":
    sys.exit(main())
