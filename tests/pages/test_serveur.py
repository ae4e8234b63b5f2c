"""`python -m dashboard serve`: Streamlit's own server, each connection without Nagle's algorithm."""

import asyncio
import socket
import subprocess
import sys
from pathlib import Path

from streamlit.web.server.starlette import starlette_server

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


def test_serve_passes_a_wrong_option_to_streamlit_which_refuses_it_without_traceback():
    out = subprocess.run([sys.executable, "-m", "dashboard", "serve", "app.py", "--server.prot", "1"],
                         cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert out.returncode == 2
    assert "--server.prot" in out.stderr and "Traceback" not in out.stderr
