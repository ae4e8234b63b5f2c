"""The web server: the app as Streamlit's ASGI application (`st.App`) under uvicorn.

`python -m dashboard serve`, `make run`, `make run-cluster` and the systemd unit all serve
`application()`: Streamlit's own routes, plus the sign-in routes (/connexion, /deconnexion: see
dashboard.connexion), the HTML shell served in French, and the start-up reading of the plan and the
follow-up in the app's lifespan. With app.py, vues/ and ui, the only modules that import streamlit.
"""

from __future__ import annotations

import gzip
import importlib
import logging
import re
import sys
import threading
from contextlib import asynccontextmanager
from pathlib import Path

log = logging.getLogger("dashboard")

TITRE = "Tableau de bord du schéma de développement touristique"

# The modules of the pages, imported before the server answers: the first person to open a page
# after a restart does not wait for them (about 2 s here). A module that fails to import is logged
# and left to its page, which shows its own message.
PAGES_MODULES = ("dashboard.present.views", "dashboard.present.plan_changes", "dashboard.present.export",
                 "dashboard.present.fiche", "dashboard.present.fiches", "dashboard.present.comite",
                 "dashboard.present.deck_files", "dashboard.present.deck_html", "dashboard.suivi.importer",
                 "dashboard.suivi.template", "dashboard.plan.versions", "dashboard.metrics.plan_diff",
                 "dashboard.acces.ecritures", "plotly.io")


# --- the HTML shell in French ---------------------------------------------------------------------

_HTML_TAG = re.compile(rb"<html(\s[^>]*)?>", re.IGNORECASE)
_TITLE = re.compile(rb"<title>[^<]*</title>", re.IGNORECASE)


def coquille_francaise(html: bytes, titre: str = TITRE) -> bytes:
    """Streamlit's HTML shell with `lang="fr"` on <html> and a French <title> (what the browser and
    screen readers see before the script sets the page's own title)."""
    import html as html_module  # noqa: PLC0415

    def lang_fr(m: re.Match) -> bytes:
        attrs = re.sub(rb"""\slang\s*=\s*("[^"]*"|'[^']*'|[^\s>]+)""", b"", m.group(1) or b"")
        return b'<html lang="fr"' + attrs + b">"

    html = _HTML_TAG.sub(lang_fr, html, count=1)
    title = b"<title>" + html_module.escape(titre).encode() + b"</title>"
    return _TITLE.sub(lambda _: title, html, count=1)


OWN_PAGES = ("/connexion", "/deconnexion")  # French documents of their own (dashboard.connexion)

# The pages of app.py (url_path → title, in the menu's order; « comptes » is shown to administrators
# only), and Streamlit's own routes (files, media such as a downloaded HTML deck, components, its core,
# its sign-in by the directory). Streamlit's shell asked on any other path gets « Page introuvable » in
# French, status 404, instead of its English « Page not found » dialog over the first page.
PAGES = (("", "Vue d'ensemble"), ("budget", "Budget"), ("effectifs", "Effectifs (ETP)"),
         ("calendrier", "Calendrier & retards"), ("indicateurs", "Indicateurs"), ("actions", "Fiches actions"),
         ("import", "Import du suivi annuel"), ("plan", "Plan"), ("comite", "Présentation au comité"),
         ("accessibilite", "Déclaration d'accessibilité"), ("comptes", "Comptes"))
CHEMINS = frozenset(chemin for chemin, _ in PAGES) | {"index.html"}
ROUTES_STREAMLIT = frozenset({"_stcore", "static", "media", "component", "app", "auth", "oauth2callback"})
_SHELL = b'<div id="root">'  # what tells Streamlit's shell from another HTML document (a media file)


def base_url() -> str:
    """Streamlit's `server.baseUrlPath` as a path prefix: "" or "/tableau"."""
    from streamlit import config  # noqa: PLC0415

    base = str(config.get_option("server.baseUrlPath") or "").strip("/")
    return f"/{base}" if base else ""


def page_connue(path: str, base: str = "") -> bool:
    """Whether `path` (under the base URL `base`) is a page of the app, as Streamlit compares them (the
    whole path), or one of Streamlit's own routes."""
    if base and (path == base or path.startswith(base + "/")):
        path = path[len(base):]
    path = path.strip("/")
    return path in CHEMINS or path.split("/", 1)[0] in ROUTES_STREAMLIT


def page_introuvable(path: str, titre: str = TITRE, base: str = "") -> bytes:
    """The French page of an address the app does not have, with links to the pages it has (under the
    base URL `base`)."""
    import html  # noqa: PLC0415

    from dashboard import connexion  # noqa: PLC0415

    e = html.escape
    liens = "".join(f'<li><a href="{e(base)}/{chemin}">{e(nom)}</a></li>' for chemin, nom in PAGES if chemin != "comptes")
    corps = (f"<h1>Page introuvable</h1>\n<p>L'adresse <code>{e(path[:200])}</code> ne correspond à aucune page du "
             f"{e(titre[0].lower() + titre[1:])}.</p>\n<p>Les pages :</p>\n<ul>{liens}</ul>")
    style = "h1{font-size:1.4rem} a{color:#0B5394} li{margin:.35rem 0} code{word-break:break-all}"
    return connexion.document(f"Page introuvable · {titre}", corps, largeur="32rem", style=style).encode()


class CoquilleFrancaise:
    """ASGI middleware: Streamlit's HTML shell (served on / and on each page's path) goes through
    coquille_francaise and gives the browser its form token (cookie) when it has none; on a path that
    is no page of the app, « Page introuvable » (404) instead. Any other response (a file, a media
    HTML document such as the comité's downloaded deck) passes untouched, streamed as it comes."""

    def __init__(self, app, titre: str = TITRE):
        self.app = app
        self.titre = titre

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or scope.get("method") not in ("GET", "HEAD") or scope["path"] in OWN_PAGES:
            await self.app(scope, receive, send)
            return
        base = base_url()
        start: dict | None = None
        chunks: list[bytes] = []
        introuvable = False

        async def rewriting_send(message):
            nonlocal start, introuvable
            if introuvable:  # HEAD of a path that is no page: its 404 is sent, Streamlit's answer dropped
                return
            if message["type"] == "http.response.start":
                headers = dict(message.get("headers") or [])
                if not headers.get(b"content-type", b"").startswith(b"text/html") or b"content-disposition" in headers:
                    await send(message)
                elif scope["method"] == "GET":
                    start = message  # held until the whole body is read
                elif not page_connue(scope["path"], base):
                    introuvable = True
                    await self._send_introuvable(scope, send, base, head=True)
                else:
                    await send(message)
                return
            if start is None or message["type"] != "http.response.body":
                await send(message)
                return
            chunks.append(message.get("body", b""))
            if message.get("more_body"):
                return
            await self._send_rewritten(scope, send, start, b"".join(chunks), base)

        await self.app(scope, receive, rewriting_send)

    async def _send_introuvable(self, scope, send, base: str, head: bool = False) -> None:
        body = page_introuvable(scope["path"], self.titre, base)
        await send({"type": "http.response.start", "status": 404,
                    "headers": [(b"content-type", b"text/html; charset=utf-8"), (b"cache-control", b"no-store"),
                                (b"content-length", str(len(body)).encode())]})
        await send({"type": "http.response.body", "body": b"" if head else body})

    async def _send_rewritten(self, scope, send, start: dict, body: bytes, base: str = "") -> None:
        from starlette.requests import Request  # noqa: PLC0415

        from dashboard import connexion  # noqa: PLC0415

        encoding = dict(start.get("headers") or []).get(b"content-encoding", b"").lower()
        plain = gzip.decompress(body) if encoding == b"gzip" else body
        if encoding not in (b"", b"gzip") or _SHELL not in plain:  # not Streamlit's shell: as it came
            await send(start)
            await send({"type": "http.response.body", "body": body})
            return
        if not page_connue(scope["path"], base):
            await self._send_introuvable(scope, send, base)
            return
        headers = [(k, v) for k, v in start.get("headers") or [] if k.lower() != b"content-length"]
        request = Request(scope)
        if connexion.CSRF_COOKIE not in request.cookies:  # the form token of « Se déconnecter » (sidebar)
            headers.append((b"set-cookie", connexion.cookie_csrf(request.headers, request.url.scheme).encode()))
        body = coquille_francaise(plain, self.titre)
        if encoding == b"gzip":
            body = gzip.compress(body)
        headers.append((b"content-length", str(len(body)).encode()))
        await send({**start, "headers": headers})
        await send({"type": "http.response.body", "body": body})


# --- the start-up reading -------------------------------------------------------------------------

def importer_les_pages() -> None:
    for name in PAGES_MODULES:
        try:
            importlib.import_module(name)
        except Exception:
            log.exception("import préalable de %s impossible", name)


@asynccontextmanager
async def lifespan(_app):
    """Once Streamlit's runtime has started: the pages' modules imported, then the plan in force and
    the follow-up read into the shared caches by a thread (ui.warm_up), so that the server answers at
    once and the first visitor waits for that same reading, not a second one."""
    from dashboard import ui  # noqa: PLC0415

    importer_les_pages()
    threading.Thread(target=ui.warm_up, name=ui.WARM_UP_THREAD, daemon=True).start()
    yield


# --- Streamlit's runtime: two changes, kept because they pay (README, « Serveur ») -----------------
# Measured with scripts/bench_pages.py (opening each page in a fresh session, server side), under
# st.App; any other Streamlit version is served as shipped (each change was read in 1.67's source).
STREAMLIT_VERIFIE = "1.67."

# 1. TCP_NODELAY. Streamlit binds its listening socket itself (starlette_server._bind_socket, also used
# by st.App's runner) with protocol 0, and uvicorn hands that socket to asyncio as it is. asyncio turns
# Nagle's algorithm off only on the connections of a listener that says IPPROTO_TCP, so every connection
# kept it: a message written while the previous one was not yet acknowledged waited for the browser's
# delayed acknowledgement (40 ms on Linux). Opening a page: 47-57 ms without, 14-22 ms with.

def _listener_tcp(bind):
    """Streamlit's socket binding, the bound socket handed back as IPPROTO_TCP (same descriptor)."""
    import socket  # noqa: PLC0415

    def bind_tcp(address, port, backlog):
        sock = bind(address, port, backlog)
        if sock.family not in (socket.AF_INET, socket.AF_INET6) or sock.proto == socket.IPPROTO_TCP:
            return sock
        tcp = socket.socket(sock.family, sock.type, socket.IPPROTO_TCP, fileno=sock.detach())
        tcp.setblocking(False)  # as Streamlit hands it over
        tcp.set_inheritable(True)
        return tcp

    bind_tcp.tcp = True
    return bind_tcp


# 2. Compiled pages kept. Streamlit forgets the compiled pages each time the last browser tab closes,
# so that a file watcher (development) never serves stale code; the next visitor then waited for app.py
# and its page to be compiled again. With the watcher off (.streamlit/config.toml: the files do not
# change while the server runs) they are kept until the server stops. Page « import »: 37-49 ms → 28-34.

def _cleared_only_when_watched(clear):
    def clear_if_watched(cache) -> None:
        from streamlit import config  # noqa: PLC0415

        if config.get_option("server.fileWatcherType") != "none":
            clear(cache)

    clear_if_watched.watched = True
    return clear_if_watched


def changer_le_runtime(version: str | None = None) -> bool:
    """Install both changes (once); False, with a warning, when this Streamlit is not the version they
    were read in or no longer has what they change: the app is then served as Streamlit ships it."""
    import streamlit  # noqa: PLC0415
    from streamlit.runtime.scriptrunner import script_cache  # noqa: PLC0415
    from streamlit.web.server.starlette import starlette_server  # noqa: PLC0415

    version = version or streamlit.__version__
    cache = script_cache.ScriptCache
    if not version.startswith(STREAMLIT_VERIFIE):
        log.warning("Streamlit %s (vérifié : %s) : servi tel quel, sans TCP_NODELAY", version, STREAMLIT_VERIFIE)
        return False
    if not callable(getattr(starlette_server, "_bind_socket", None)) or not callable(getattr(cache, "clear", None)):
        log.warning("Streamlit n'a plus _bind_socket ou ScriptCache.clear : servi tel quel, sans TCP_NODELAY")
        return False
    if not getattr(starlette_server._bind_socket, "tcp", False):
        starlette_server._bind_socket = _listener_tcp(starlette_server._bind_socket)
    if not getattr(cache.clear, "watched", False):
        cache.clear = _cleared_only_when_watched(cache.clear)
    return True


# --- the application ------------------------------------------------------------------------------

def application(script: str | Path = "app.py"):
    """The app as an ASGI application (`uvicorn --factory dashboard.serveur:application`, or serve below)."""
    import streamlit as st  # noqa: PLC0415
    from starlette.middleware import Middleware  # noqa: PLC0415

    from dashboard import connexion  # noqa: PLC0415

    return st.App(script, lifespan=lifespan, routes=connexion.routes(),
                  middleware=[Middleware(CoquilleFrancaise)])


def options(args: list[str]) -> tuple[str, dict]:
    """`app.py --server.port 8501 --server.headless=true` → ("app.py", {"server.port": 8501, …}): the
    options of `streamlit run`, typed as Streamlit declares them. ValueError (French) otherwise."""
    from streamlit import config  # noqa: PLC0415

    script, found, rest = "app.py", {}, list(args)
    while rest:
        arg = rest.pop(0)
        if not arg.startswith("--"):
            if not arg.endswith(".py"):
                raise ValueError(f"argument inattendu : {arg}")
            script = arg
            continue
        key, sep, value = arg[2:].partition("=")
        if not sep:
            if not rest:
                raise ValueError(f"valeur manquante après --{key}")
            value = rest.pop(0)
        option = config._config_options_template.get(key)
        if option is None:
            raise ValueError(f"option inconnue de Streamlit : --{key}")
        found[key] = _typed(key, value, option.type)
    return script, found


def _typed(key: str, value: str, type_):
    if type_ is bool:
        if value.lower() not in ("true", "false"):
            raise ValueError(f"--{key} : true ou false, pas « {value} »")
        return value.lower() == "true"
    if type_ in (int, float):
        try:
            return type_(value)
        except ValueError:
            raise ValueError(f"--{key} : un nombre, pas « {value} »") from None
    return value


def serve(args: list[str]) -> int:
    """`python -m dashboard serve [app.py] [--server.port 8501 …]`: application(app.py) under uvicorn,
    through Streamlit's own runner (its port retry, websocket settings, TLS options). Exit codes: 2 for
    a refused option, else Streamlit's (1: the port is taken)."""
    from streamlit.errors import StreamlitAPIException  # noqa: PLC0415

    try:
        script, config = options(args)
    except ValueError as e:
        print(f"python -m dashboard serve : {e}", file=sys.stderr)
        return 2
    path = Path(script).resolve()
    if not path.is_file():
        print(f"python -m dashboard serve : script introuvable : {script}", file=sys.stderr)
        return 2
    changer_le_runtime()
    # App.run anchors the script (and its .streamlit/ folder) on the launcher, sys.argv[0]: the script.
    sys.argv = [str(path)]
    try:
        application(path).run(config=config)
    except StreamlitAPIException as e:
        print(f"python -m dashboard serve : {e}", file=sys.stderr)
        return 2
    return 0
