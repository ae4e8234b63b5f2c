"""`python -m dashboard serve`: Streamlit's own server, each connection without Nagle's algorithm."""

import asyncio
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from streamlit.web.server.starlette import starlette_server

from dashboard import __main__ as command
from dashboard import ui

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
    listener = ui._listener_tcp(starlette_server._bind_socket)("127.0.0.1", 0, 8)
    assert listener.proto == socket.IPPROTO_TCP
    assert nodelay_of_accepted_connection(listener) != 0


def test_serve_installs_it_where_streamlit_binds_its_port(monkeypatch):
    monkeypatch.setattr(starlette_server, "_bind_socket", starlette_server._bind_socket)  # put back after
    assert ui.install_nodelay() and ui.install_nodelay()      # twice: wrapped once
    listener, _ = starlette_server._bind_server_socket("127.0.0.1", "127.0.0.1", 0, 8)
    assert listener.proto == socket.IPPROTO_TCP and listener.getblocking() is False
    assert nodelay_of_accepted_connection(listener) != 0


@pytest.mark.parametrize(("argv", "handed"), [
    (["serve"], ["app.py"]),
    (["serve", "--server.port", "8502"], ["app.py", "--server.port", "8502"]),
    (["serve", "--server.port", "8502", "scripts/app_triviale.py"], ["--server.port", "8502", "scripts/app_triviale.py"]),
    (["serve", "app.py", "--server.headless", "true"], ["app.py", "--server.headless", "true"]),
])
def test_serve_hands_streamlit_its_arguments_as_they_are(monkeypatch, argv, handed):
    got = []
    monkeypatch.setattr(ui, "serve", lambda args: got.append(args) or 0)
    assert command.main(argv) == 0
    assert got == [handed]


def test_serve_passes_a_wrong_option_to_streamlit_which_refuses_it_without_traceback():
    out = subprocess.run([sys.executable, "-m", "dashboard", "serve", "app.py", "--server.prot", "1"],
                         cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert out.returncode == 2
    assert "--server.prot" in out.stderr and "Traceback" not in out.stderr
