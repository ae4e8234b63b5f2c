"""`python -m dashboard users …`: the accounts in the store, for the server's operator (local, with
access to the database itself): add, list (never a password or a hash), passwd, disable, enable,
sessions (an account's signed-in sessions) and logout (ends them all).
The password is read from standard input when it is not a terminal, typed twice otherwise.

Exit codes as every command, defined once in `cli.common`.
"""

from __future__ import annotations

import argparse

from dashboard.cli.common import OK, PROBLEMS, suivi_engine, write_refused


def add_parser(sub) -> None:
    """The `users` command and its actions, on the main parser's subcommands."""
    p = sub.add_parser("users", help="comptes (rôles lecture, saisie, admin)")
    actions = p.add_subparsers(dest="action", required=True, metavar="ACTION")
    u = actions.add_parser("add", help="crée un compte (mot de passe sur l'entrée standard, ou demandé deux fois)")
    u.add_argument("login", help="identifiant (minuscules, chiffres, . - _)")
    u.add_argument("--role", required=True, choices=["lecture", "saisie", "admin"], help="rôle du compte")
    u.add_argument("--email", default=None, help="adresse e-mail (connexion par l'annuaire de l'office)")
    u.add_argument("--nom", default=None, help="« Prénom Nom »")
    u = actions.add_parser("list", help="liste les comptes (jamais de mot de passe)")
    u.add_argument("--json", action="store_true", help="sortie JSON")
    for action, text in (("passwd", "change le mot de passe d'un compte"),
                         ("disable", "désactive un compte (et ferme ses sessions)"), ("enable", "réactive un compte"),
                         ("sessions", "liste les sessions ouvertes d'un compte"),
                         ("logout", "ferme toutes les sessions d'un compte (chaque onglet ouvert au clic suivant)")):
        u = actions.add_parser(action, help=text)
        u.add_argument("login", help="identifiant du compte")
    for u in actions.choices.values():
        u.add_argument("--db", default=None, help="URL SQLAlchemy du suivi")
    p.set_defaults(func=users)


def _read_password(args: argparse.Namespace, stdin=None) -> str | None:
    """The password: one line of standard input when it is not a terminal, else typed twice (hidden).
    None after a French message when the two differ or nothing was given."""
    import getpass  # noqa: PLC0415
    import sys  # noqa: PLC0415

    stdin = stdin or sys.stdin
    if not stdin.isatty():
        line = stdin.readline()
        password = line[:-1] if line.endswith("\n") else line
        password = password[:-1] if password.endswith("\r") else password
        if not password:
            print("Aucun mot de passe lu sur l'entrée standard : envoyez-le sur une ligne "
                  "(par exemple printf '%s\\n' \"$MOT_DE_PASSE\" | python -m dashboard users …).")
            return None
        return password
    first = getpass.getpass("Mot de passe : ")
    second = getpass.getpass("Mot de passe (confirmation) : ")
    if first != second:
        print("Les deux mots de passe diffèrent : rien n'a été modifié.")
        return None
    return first


def users(args: argparse.Namespace) -> int:
    """`users add|list|passwd|disable|enable`: the accounts in the store (never a password or a hash)."""
    import json  # noqa: PLC0415

    from dashboard.acces import comptes, sessions  # noqa: PLC0415
    from dashboard.acces.roles import OPERATEUR  # noqa: PLC0415

    engine, code = suivi_engine(args)
    if engine is None:
        return code
    if args.action == "list":
        liste = comptes.lister(engine)
        if args.json:
            print(json.dumps([c.as_dict() for c in liste], ensure_ascii=False, indent=2))
        elif not liste:
            print("Aucun compte : tout le monde peut importer. Créez le premier administrateur avec "
                  "« python -m dashboard users add LOGIN --role admin ».")
        for c in liste if not args.json else ():
            last = f"{c.derniere_connexion:%d/%m/%Y %H:%M} UTC" if c.derniere_connexion else "jamais connecté"
            print(f"{c.login} · {c.nom or '—'} · {c.email or '—'} · {c.role} · "
                  f"{'actif' if c.actif else 'désactivé'} · {last}")
        return OK
    if args.action in ("sessions", "logout") and comptes.trouver(engine, args.login) is None:
        print(f"Aucun compte « {args.login} » : « python -m dashboard users list » les liste.")
        return PROBLEMS
    if args.action == "sessions":
        return _sessions(engine, args)
    if write_refused(engine):
        return PROBLEMS
    try:
        if args.action == "add":
            password = _read_password(args)
            if password is None:
                return PROBLEMS
            c = comptes.creer(engine, OPERATEUR, args.login, args.role, password, email=args.email or "",
                              nom=args.nom or "")
            print(f"Compte « {c.login} » créé (rôle {c.role}).")
        elif args.action == "passwd":
            if comptes.trouver(engine, args.login) is None:
                print(f"Aucun compte « {args.login} » : « python -m dashboard users list » les liste.")
                return PROBLEMS
            password = _read_password(args)
            if password is None:
                return PROBLEMS
            comptes.changer_mot_de_passe(engine, OPERATEUR, args.login, password)
            print(f"Mot de passe du compte « {comptes.normaliser_login(args.login)} » changé.")
        elif args.action == "disable":
            c = comptes.desactiver(engine, OPERATEUR, args.login)
            n = sessions.fermer_compte(engine, c.login)
            print(f"Compte « {c.login} » désactivé : il ne peut plus se connecter ({n} session(s) fermée(s)) ; "
                  "l'historique garde son nom.")
        elif args.action in ("sessions", "logout"):
            return _sessions(engine, args)
        else:
            c = comptes.reactiver(engine, OPERATEUR, args.login)
            print(f"Compte « {c.login} » réactivé.")
    except comptes.CompteError as err:
        text = str(err)
        print(text[:1].upper() + text[1:])
        return PROBLEMS
    return OK


def _sessions(engine, args: argparse.Namespace) -> int:
    """`users sessions LOGIN`: its open sessions (when opened, last activity, end at the latest; never a
    token); `users logout LOGIN`: ends them all."""
    from dashboard.acces import comptes, sessions  # noqa: PLC0415

    login = comptes.normaliser_login(args.login)
    if args.action == "logout":
        n = sessions.fermer_compte(engine, login)
        print(f"{n} session(s) du compte « {login} » fermée(s) : chaque onglet ouvert perd la connexion au clic "
              "suivant.")
        return OK
    ouvertes = sessions.ouvertes(engine, login)
    if not ouvertes:
        print(f"Aucune session ouverte pour « {login} ».")
    for s in ouvertes:
        print(f"ouverte le {s.cree_le:%d/%m/%Y %H:%M} UTC · dernière activité {s.derniere_activite:%d/%m/%Y %H:%M} "
              f"UTC · fin au plus tard {s.expire_le:%d/%m/%Y %H:%M} UTC")
    return OK
