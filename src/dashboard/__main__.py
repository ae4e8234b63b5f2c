"""Command line: `python -m dashboard …`: the commands of the `cli` package, and `serve`.

Exit codes: 0 done, 1 the input has problems (all listed, in French), 2 usage error (`cli.common`).
Each command calls the same functions as the pages.
"""

from __future__ import annotations

import argparse
import sys

from dashboard.cli import commands


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m dashboard",
                                     description="Tableau de bord du schéma de développement touristique.")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMANDE")

    commands.add_commands(sub)

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
