"""`python -m dashboard serve`: the app as Streamlit's ASGI application (dashboard.serveur), its HTML shell
in French, its start-up reading, and the changes it makes to Streamlit's runtime."""

import asyncio
import inspect
import socket
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from streamlit.web.server.starlette import starlette_server

from dashboard import __main__ as command
from dashboard import serveur, ui

ROOT = Path(__file__).resolve().parents[2]


def nodelay_of_accepted_connection(listener: socket.socket) -> int:
    """TCP_NODELAY of the connection asyncio accepts on `listener` (as Streamlit's uvicorn does)."""

    async def run() -> int:
        accepted = asyncio.get_running_loop().create_future()

        def on_connection(reader, writer):
            accepted.set_result(writer.get_extra_info("socket").getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))
            writer.close()

        server = await asyncio.start_server(on_connection, sock=listener)
        _, writer = await asyncio.open_connection(*listener.getsockname()[:2])
        value = await asyncio.wait_for(accepted, 10)
        writer.close()
        server.close()
        await server.wait_closed()
        return value

    return asyncio.run(run())


def test_streamlit_alone_leaves_nagle_on_each_connection():
    """Why the command exists: Streamlit's listener says protocol 0, so asyncio keeps Nagle on."""
    listener = starlette_server._bind_socket("127.0.0.1", 0, 8)
    assert listener.proto == 0
    assert nodelay_of_accepted_connection(listener) == 0


def test_served_listener_turns_nagle_off_on_each_connection():
    listener = serveur._listener_tcp(starlette_server._bind_socket)("127.0.0.1", 0, 8)
    assert listener.proto == socket.IPPROTO_TCP and listener.getblocking() is False
    assert nodelay_of_accepted_connection(listener) != 0


@pytest.fixture
def shipped(monkeypatch):
    """Streamlit's runtime put back as shipped after the test."""
    from streamlit.runtime.scriptrunner.script_cache import ScriptCache

    monkeypatch.setattr(starlette_server, "_bind_socket", starlette_server._bind_socket)
    monkeypatch.setattr(ScriptCache, "clear", ScriptCache.clear)
    return starlette_server._bind_socket, ScriptCache.clear


def test_serve_changes_where_streamlit_binds_its_port_and_forgets_its_pages_once(shipped):
    from streamlit.runtime.scriptrunner.script_cache import ScriptCache

    assert serveur.changer_le_runtime() and serveur.changer_le_runtime()  # twice: wrapped once
    assert inspect.getclosurevars(starlette_server._bind_socket).nonlocals["bind"] is shipped[0]
    assert inspect.getclosurevars(ScriptCache.clear).nonlocals["clear"] is shipped[1]
    listener, _ = starlette_server._bind_server_socket("127.0.0.1", "127.0.0.1", 0, 8)  # as st.App's runner
    assert listener.proto == socket.IPPROTO_TCP and listener.getblocking() is False
    assert nodelay_of_accepted_connection(listener) != 0


def test_another_streamlit_is_served_as_shipped(shipped, caplog):
    from streamlit.runtime.scriptrunner.script_cache import ScriptCache

    assert serveur.changer_le_runtime("1.68.0") is False
    assert (starlette_server._bind_socket, ScriptCache.clear) == shipped
    assert "Streamlit 1.68.0 (vérifié : 1.67.) : servi tel quel" in caplog.text
    listener, _ = starlette_server._bind_server_socket("127.0.0.1", "127.0.0.1", 0, 8)
    assert nodelay_of_accepted_connection(listener) == 0  # Streamlit's own behaviour


def test_a_streamlit_without_what_is_changed_is_served_as_shipped(shipped, monkeypatch, caplog):
    from streamlit.runtime.scriptrunner.script_cache import ScriptCache

    monkeypatch.delattr(starlette_server, "_bind_socket")
    assert serveur.changer_le_runtime() is False
    assert ScriptCache.clear is shipped[1] and "n'a plus _bind_socket" in caplog.text


@pytest.mark.parametrize(("argv", "handed"), [
    (["serve"], ["app.py"]),
    (["serve", "--server.port", "8502"], ["app.py", "--server.port", "8502"]),
    (["serve", "--server.port", "8502", "scripts/app_triviale.py"], ["--server.port", "8502", "scripts/app_triviale.py"]),
    (["serve", "app.py", "--server.headless", "true"], ["app.py", "--server.headless", "true"]),
])
def test_serve_hands_streamlit_its_arguments_as_they_are(monkeypatch, argv, handed):
    got = []
    monkeypatch.setattr(serveur, "serve", lambda args: got.append(args) or 0)
    assert command.main(argv) == 0
    assert got == [handed]


def test_serve_passes_a_wrong_option_to_streamlit_which_refuses_it_without_traceback():
    out = subprocess.run([sys.executable, "-m", "dashboard", "serve", "app.py", "--server.prot", "1"],
                         cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert out.returncode == 2
    assert "--server.prot" in out.stderr and "Traceback" not in out.stderr


# --- Compiled pages kept ---------------------------------------------------------------------

@pytest.mark.parametrize(("watcher", "kept"), [("none", True), ("auto", False), ("poll", False)])
def test_compiled_pages_are_kept_only_when_no_file_is_watched(tmp_path, watcher, kept):
    from streamlit import config
    from streamlit.runtime.scriptrunner.script_cache import ScriptCache

    script = tmp_path / "page.py"
    script.write_text("x = 1\n")
    cache = ScriptCache()
    compiled = cache.get_bytecode(str(script))
    before = config.get_option("server.fileWatcherType")
    config.set_option("server.fileWatcherType", watcher)
    try:
        serveur._cleared_only_when_watched(ScriptCache.clear)(cache)  # the last tab closed
    finally:
        config.set_option("server.fileWatcherType", before)
    assert (cache.get_bytecode(str(script)) is compiled) is kept


# --- The plan and the follow-up read while the server starts -----------------------------------

def test_the_server_reads_the_plan_in_force_as_it_starts_and_the_first_page_reads_it_no_more(monkeypatch):
    from streamlit.testing.v1 import AppTest

    from dashboard.plan import versions

    monkeypatch.delenv("DASHBOARD_PLAN")  # the plan in force comes from the store (version 1 on first start)
    ui.warm_up()

    def read_again(*_):
        raise AssertionError("plan relu par la première page")

    monkeypatch.setattr(versions, "load_version", read_again)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.switch_page("vues/budget.py").run()
    assert not at.exception, [e.message for e in at.exception]
    assert at.title[0].value == "Budget du schéma"


def test_a_plan_unreadable_at_start_is_logged_the_follow_up_still_read_and_the_page_says_it(monkeypatch, caplog):
    import logging

    from streamlit.testing.v1 import AppTest

    from dashboard.suivi import store

    caplog.set_level(logging.INFO, logger="dashboard")
    monkeypatch.setattr(ui.plan, "load_plan", lambda path: (_ for _ in ()).throw(OSError("disque illisible")))
    monkeypatch.setenv("DASHBOARD_PLAN", str(ROOT / "tests" / "absent-au-demarrage.xlsx"))
    ui.warm_up()  # no exception out of the thread
    assert "lecture au démarrage impossible (le plan)" in caplog.text and "disque illisible" in caplog.text

    def read_again(*_):
        raise AssertionError("suivi relu par la première page")

    monkeypatch.setattr(store, "load_suivi", read_again)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.switch_page("vues/budget.py").run()
    assert any("n'a pas pu être lu" in e.value for e in at.error), [e.value for e in at.error]


def test_the_lifespan_imports_the_pages_and_reads_in_a_thread_once_the_runtime_runs(monkeypatch):

    seen = []
    monkeypatch.setattr(serveur, "PAGES_MODULES", ("dashboard.present.views", "module.absent"))
    monkeypatch.setattr(ui, "warm_up", lambda: seen.append(threading.current_thread().name))

    async def run():
        async with serveur.lifespan(None):
            for _ in range(100):
                if seen:
                    break
                await asyncio.sleep(0.01)

    asyncio.run(run())
    assert seen == [ui.WARM_UP_THREAD]  # not the event loop's thread: the server answers meanwhile
    assert "dashboard.present.views" in sys.modules


def test_a_taken_port_exits_1_and_a_missing_script_2():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        out = subprocess.run([sys.executable, "-m", "dashboard", "serve", "app.py", "--server.port", str(port),
                              "--server.address", "127.0.0.1"], cwd=ROOT, capture_output=True, text=True,
                             timeout=120)
    assert out.returncode == 1 and "Traceback" not in out.stderr
    out = subprocess.run([sys.executable, "-m", "dashboard", "serve", "absent.py"], cwd=ROOT, capture_output=True,
                         text=True, timeout=120)
    assert out.returncode == 2 and "script introuvable" in out.stderr


@pytest.mark.parametrize(("args", "script", "config"), [
    ([], "app.py", {}),
    (["app.py", "--server.port", "8502", "--server.headless=true"], "app.py",
     {"server.port": 8502, "server.headless": True}),
    (["--server.address", "127.0.0.1", "scripts/app_triviale.py"], "scripts/app_triviale.py",
     {"server.address": "127.0.0.1"}),
])
def test_the_options_of_streamlit_run_are_typed_as_streamlit_declares_them(args, script, config):
    assert serveur.options(args) == (script, config)


@pytest.mark.parametrize(("args", "said"), [(["--server.port", "huit"], "un nombre"),
                                            (["--server.headless", "oui"], "true ou false"),
                                            (["--server.port"], "valeur manquante"), (["app.txt"], "inattendu")])
def test_a_wrong_option_is_said_in_french(args, said):
    with pytest.raises(ValueError, match=said):
        serveur.options(args)


# --- The HTML shell in French ---------------------------------------------------------------------

SHELL = (b'<!doctype html><html lang="en"><head><title>Streamlit</title></head>'
         b'<body><div id="root"></div></body></html>')


def test_the_shell_says_french_and_the_dashboards_title():
    html = serveur.coquille_francaise(SHELL)
    assert html.startswith(b'<!doctype html><html lang="fr"><head>')
    assert b"<title>Tableau de bord du sch\xc3\xa9ma de d\xc3\xa9veloppement touristique</title>" in html
    assert b"Streamlit</title>" not in html and html.endswith(b'<div id="root"></div></body></html>')


def serve_through_the_middleware(body: bytes, content_type: bytes, encoding: bytes | None = None,
                                 cookie: str | None = None, method: str = "GET", path: str = "/budget",
                                 extra: tuple = ()):
    async def inner(scope, receive, send):
        headers = [(b"content-type", content_type), (b"content-length", str(len(body)).encode()), *extra]
        await send({"type": "http.response.start", "status": 200,
                    "headers": headers + ([(b"content-encoding", encoding)] if encoding else [])})
        half = len(body) // 2  # in two chunks, as a streamed response comes
        await send({"type": "http.response.body", "body": body[:half], "more_body": True})
        await send({"type": "http.response.body", "body": body[half:]})

    out = []

    async def send(message):
        out.append(message)

    async def receive():
        return {"type": "http.disconnect"}

    headers = [(b"host", b"localhost:8501")] + ([(b"cookie", cookie.encode())] if cookie else [])
    scope = {"type": "http", "method": method, "path": path, "headers": headers, "scheme": "http",
             "query_string": b"", "server": ("localhost", 8501)}
    asyncio.run(serveur.CoquilleFrancaise(inner)(scope, receive, send))
    start = out[0]
    got = b"".join(m.get("body", b"") for m in out[1:])
    serve_through_the_middleware.status = start["status"]
    return dict(start["headers"]), [v for k, v in start["headers"] if k == b"set-cookie"], got


def test_the_middleware_rewrites_the_html_pages_plain_or_gzipped_and_gives_the_form_token():
    import gzip

    headers, cookies, body = serve_through_the_middleware(SHELL, b"text/html; charset=utf-8")
    assert b'<html lang="fr">' in body and headers[b"content-length"] == str(len(body)).encode()
    assert len(cookies) == 1 and cookies[0].startswith(b"dashboard_csrf=") and b"HttpOnly" in cookies[0]
    headers, cookies, body = serve_through_the_middleware(gzip.compress(SHELL), b"text/html", b"gzip",
                                                          cookie="dashboard_csrf=abc")
    assert b'<html lang="fr">' in gzip.decompress(body) and cookies == []


@pytest.mark.parametrize(("content_type", "method", "path"), [(b"application/javascript", "GET", "/static/x.js"),
                                                              (b"text/html", "POST", "/budget"),
                                                              (b"text/html", "GET", "/connexion")])
def test_other_responses_pass_untouched(content_type, method, path):
    _, cookies, body = serve_through_the_middleware(SHELL, content_type, method=method, path=path)
    assert body == SHELL and cookies == []


@pytest.mark.parametrize("path", ["/nimportequoi", "/budjet", "/<script>alert(1)</script>"])
def test_an_address_the_app_does_not_have_gets_a_french_404(path):
    headers, _, body = serve_through_the_middleware(SHELL, b"text/html; charset=utf-8", path=path)
    page = body.decode()
    assert '<html lang="fr">' in page and "<h1>Page introuvable</h1>" in page
    assert '<a href="/budget">Budget</a>' in page and '<a href="/">Vue d&#x27;ensemble</a>' in page
    assert "<script>" not in page                       # the address is written as text
    assert headers[b"content-length"] == str(len(body)).encode()


@pytest.mark.parametrize("path", ["/nimportequoi", "/budget/autre", "/x.png", "/wp-login.php"])
def test_the_404_status_is_sent_for_get_and_head(path):
    serve_through_the_middleware(SHELL, b"text/html", path=path)
    assert serve_through_the_middleware.status == 404
    headers, _, body = serve_through_the_middleware(SHELL, b"text/html", path=path, method="HEAD")
    assert serve_through_the_middleware.status == 404 and body == b"" and headers[b"content-length"] != b"0"


def test_a_media_html_document_passes_untouched():
    """The comité's deck downloaded as HTML is served by Streamlit under /media: never the 404 page,
    never rewritten (its own title, no cookie)."""
    deck = b'<!doctype html><html lang="fr"><head><title>Comit\xc3\xa9</title></head><body>x</body></html>'
    attachment = ((b"content-disposition", b'attachment; filename="comite.html"'),)
    for extra in (attachment, ()):
        headers, cookies, body = serve_through_the_middleware(deck, b"text/html", path="/media/0a1b2c.html", extra=extra)
        assert serve_through_the_middleware.status == 200 and body == deck and cookies == []
        assert headers[b"content-length"] == str(len(deck)).encode()


def test_under_a_base_url_the_pages_are_known_and_the_404_links_keep_it(monkeypatch):
    monkeypatch.setattr(serveur, "base_url", lambda: "/tableau")
    assert serveur.page_connue("/tableau/budget", "/tableau") and serveur.page_connue("/tableau", "/tableau")
    assert serveur.page_connue("/tableau/_stcore/health", "/tableau")
    assert not serveur.page_connue("/tableau/budjet", "/tableau")
    _, _, body = serve_through_the_middleware(SHELL, b"text/html", path="/tableau/budjet")
    assert serve_through_the_middleware.status == 404 and b'<a href="/tableau/budget">Budget</a>' in body
    _, _, body = serve_through_the_middleware(SHELL, b"text/html", path="/tableau/budget")
    assert serve_through_the_middleware.status == 200 and b'<html lang="fr">' in body


@pytest.mark.parametrize("path", ["/", "/budget", "/actions", "/comite", "/comptes", "/accessibilite",
                                  "/oauth2callback", "/index.html"])
def test_the_apps_own_addresses_get_streamlits_shell(path):
    _, _, body = serve_through_the_middleware(SHELL, b"text/html; charset=utf-8", path=path)
    assert b'<div id="root"></div>' in body and b"Page introuvable" not in body


def test_the_servers_pages_are_app_pys():
    import re

    app = (Path(__file__).parents[2] / "app.py").read_text()
    calls = re.findall(r'ui\.page\((.*?)\)\)?,?\n', app, flags=re.DOTALL)
    declared = {}
    for call in calls:
        title = re.search(r'title="([^"]*)"', call).group(1)
        path = re.search(r'url_path="([^"]*)"', call)
        declared[path.group(1) if path else ""] = title
    assert len(declared) == len(serveur.PAGES) and declared == dict(serveur.PAGES)
