"""`make run-cluster` driven from a test: started in its own session, its console read line by line, the
processes it started and the ports they hold looked up in /proc and by binding.

The `cluster` fixture (conftest.py) uses `start`; the tests use the rest.
"""

from __future__ import annotations

import os
import queue
import shutil
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

from ports import port_libre  # scripts/ports.py: the ports of the servers tests and benches start

ROOT = Path(__file__).resolve().parents[2]
NGINX = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)


def up(url: str) -> bool:
    try:
        with urllib.request.urlopen(url + "/_stcore/health", timeout=2):
            return True
    except OSError:
        return False


def lines(proc) -> queue.Queue:
    """The cluster's stdout, line by line, read in a thread (never blocks the test)."""
    q: queue.Queue = queue.Queue()

    def pump():
        for line in proc.stdout:
            q.put(line.rstrip("\n"))
        q.put(None)

    threading.Thread(target=pump, daemon=True).start()
    return q


def next_line(q: queue.Queue, deadline: float) -> str | None:
    """The next console line, or None at the end of the output or at `deadline` (monotonic)."""
    try:
        return q.get(timeout=max(0.0, deadline - time.monotonic()))
    except queue.Empty:
        return None


def start(pg_url: str, port: int | None = None):
    """`make run-cluster REPLICAS=2 PORT=…` in its own session, demo loaded on first start; returns once
    nginx answers: {"front", "replicas", "proc", "lines", "workdir", "seen"} (workdir: where nginx's
    access log is, None if not said; seen: the lines read)."""
    port = port or port_libre()
    env = {**os.environ, "DASHBOARD_DB": pg_url, "DASHBOARD_DEMO": "1"}
    proc = subprocess.Popen(
        ["make", "-s", "-o", ".venv/.installed", "run-cluster", "REPLICAS=2", f"PORT={port}",
         f"BIN={Path(sys.executable).parent}"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
    out, replicas, front, workdir, seen = lines(proc), [], None, None, []
    deadline = time.monotonic() + 300
    try:
        while front is None and time.monotonic() < deadline:
            try:
                line = out.get(timeout=5)
            except queue.Empty:
                continue
            assert line is not None, f"la grappe s'est arrêtée : {proc.stderr.read()}"
            seen.append(line)
            if line.startswith("processus n° "):
                replicas.append(line.split(" : ", 1)[1])
            elif line.startswith("Tableau de bord : "):
                front = line.split(" : ", 1)[1].split()[0]
        assert front == f"http://127.0.0.1:{port}" and len(replicas) == 2, seen
        line = next_line(out, time.monotonic() + 10)  # then where the logs are
        if line is not None:
            seen.append(line)
            if line.startswith("Journaux : "):
                workdir = Path(line.split(" : ", 1)[1].split(" (")[0])
    except BaseException:
        stop(proc)
        raise
    return {"front": front, "replicas": replicas, "proc": proc, "lines": out, "workdir": workdir, "seen": seen}


def stop(proc) -> None:
    """Ctrl-C in the terminal (SIGINT to the whole foreground group), then wait for make."""
    if proc.poll() is None:
        try:
            os.killpg(proc.pid, signal.SIGINT)
        except ProcessLookupError:
            pass
    proc.wait(timeout=60)


# --- processes, read in /proc -------------------------------------------------------------------

def _stat(pid: int) -> list[str] | None:
    """/proc/PID/stat after the command's name: [state, ppid, pgrp, …, starttime (index 19), …]."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return text[text.rindex(")") + 2:].split()


def descendants(root: int) -> dict[int, str]:
    """Every process under `root` (root included): pid -> start time (tells a reused pid apart)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and (fields := _stat(int(entry.name))):
            children.setdefault(int(fields[1]), []).append(int(entry.name))
    found, todo = {}, [root]
    while todo:
        pid = todo.pop()
        if (fields := _stat(pid)) is not None:
            found[pid] = fields[19]
            todo.extend(children.get(pid, []))
    return found


def alive(processes: dict[int, str]) -> list[str]:
    """Those of `processes` still running (a zombie has ended: it holds no port), with their command."""
    left = []
    for pid, started in processes.items():
        fields = _stat(pid)
        if fields is not None and fields[19] == started and fields[0] not in ("Z", "X"):
            try:
                cmd = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode().strip()
            except OSError:
                cmd = "?"
            left.append(f"{pid} {cmd}")
    return left


def replica_pid(root: int, port: int) -> int:
    """The pid of the replica serving `port`, among the processes under `root`."""
    for pid in descendants(root):
        try:
            args = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if b"--server.port" in args and args[args.index(b"--server.port") + 1] == str(port).encode():
            return pid
    raise LookupError(f"aucun processus sur le port {port}")
