"""A free local port for a server that a bench or a test starts: the first free one of
DASHBOARD_TEST_PORTS (« 8621-8639 », for a machine shared by several people) that is not already
taken, else one the system picks. Free means a server could listen there now, as Streamlit and nginx
do (SO_REUSEADDR: a port left in TIME_WAIT counts as free)."""

from __future__ import annotations

import os
import socket


def libre(port: int) -> bool:
    """Whether a server could listen on 127.0.0.1:port now."""
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(("127.0.0.1", port))
            s.listen()
        except OSError:
            return False
        return True


def port_libre(pris=()) -> int:
    """The port to give the next server (never one of `pris`); OSError when DASHBOARD_TEST_PORTS is
    set and none of its ports is free."""
    wanted = os.environ.get("DASHBOARD_TEST_PORTS", "").strip()
    if wanted:
        first, _, last = wanted.partition("-")
        for port in range(int(first), int(last or first) + 1):
            if port not in pris and libre(port):
                return port
        raise OSError(f"aucun port libre dans DASHBOARD_TEST_PORTS={wanted}")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
