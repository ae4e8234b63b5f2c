"""`make run-cluster` stops everything it started, and keeps serving when one of its processes dies.

The restart policy is a pure function (scripts/run_cluster.py: restart_delay), checked on a table. The
rest drives `make run-cluster REPLICAS=2` in its own session, as a supervisor or a terminal does:
signals to its process group, then /proc and the ports (can a server bind them again?); and a replica
killed with SIGKILL while viewers read pages through nginx. Needs PostgreSQL (DASHBOARD_TEST_PG) and
Debian's nginx, like test_cluster.py; skipped without them, except in CI.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import importlib.util
import os
import re
import shutil
import signal
import sys
import time
from pathlib import Path

import pytest
from cluster_run import ROOT, alive, descendants, next_line, replica_pid, up
from ports import libre

STOPPED = "Grappe arrêtée."


@pytest.fixture(scope="module")
def run_cluster():
    spec = importlib.util.spec_from_file_location("run_cluster", ROOT / "scripts" / "run_cluster.py")
    mod = importlib.util.module_from_spec(spec)
    sys.modules["run_cluster"] = mod  # its dataclasses look their module up there
    spec.loader.exec_module(mod)
    return mod


# --- the restart policy -------------------------------------------------------------------------

NOW = 1000.0


@pytest.mark.parametrize(("restarts", "delay"), [
    ([], 0.5),  # first death: restarted at once, nearly
    ([NOW - 50], 1.0),  # the delay doubles with each restart of the last minute
    ([NOW - 50, NOW - 40], 2.0),
    ([NOW - 50, NOW - 40, NOW - 30, NOW - 20], 8.0),
    ([NOW - 300, NOW - 120, NOW - 61], 0.5),  # up for over a minute: from the start again
    ([NOW - 59, NOW - 58, NOW - 57, NOW - 56, NOW - 55], 16.0),  # 5th restart in a minute, the oldest leaves it first
    ([NOW - 5, NOW - 4, NOW - 3, NOW - 2, NOW - 1], 55.0),  # 5 in 5 s: the 6th waits until the 1st is a minute old
    ([NOW - 50, NOW - 5, NOW - 4, NOW - 3, NOW - 2, NOW - 1], 55.0),  # the limit counts the last five
])
def test_restart_delay(run_cluster, restarts, delay):
    assert run_cluster.restart_delay(restarts, NOW) == pytest.approx(delay)


def test_restart_delay_is_capped(run_cluster):
    policy = run_cluster.RestartPolicy(per_window=100)
    assert run_cluster.restart_delay([NOW - i for i in range(1, 11)], NOW, policy) == 30.0


# --- stopping -----------------------------------------------------------------------------------

# A process that ignores SIGTERM, as does the child it starts (an ignored signal stays ignored across exec).
DEAF = """
import signal, subprocess, sys, time
signal.signal(signal.SIGTERM, signal.SIG_IGN)
subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"])
print("prêt", flush=True)
time.sleep(600)
"""


def test_stop_kills_what_ignores_sigterm_after_the_grace_period(run_cluster, tmp_path, capsys):
    cluster = run_cluster.Cluster(0, 0, "", with_nginx=False, grace=1.0)
    child = run_cluster.Child("le processus n° 1 (port 0)", [sys.executable, "-c", DEAF], tmp_path / "sourd.log",
                              ready=lambda: True)
    child.spawn()
    cluster.children.append(child)
    deadline = time.monotonic() + 30
    while "prêt" not in (child.log.read_text() if child.log.exists() else "") and time.monotonic() < deadline:
        time.sleep(0.1)
    assert len(run_cluster.group_members(child.proc.pid)) == 2  # the process and its own child
    assert cluster.stop() == []
    assert run_cluster.group_members(child.proc.pid) == [] and child.proc.returncode == -signal.SIGKILL
    assert ("Le processus n° 1 (port 0) ne s'est pas arrêté en 1 s : arrêt forcé (SIGKILL)."
            in capsys.readouterr().out)
    assert cluster.stop() == [] and not cluster.workdir.exists()  # a second stop changes nothing


def _ports(cluster) -> list[int]:
    return [int(u.rsplit(":", 1)[1]) for u in [cluster["front"], *cluster["replicas"]]]


def _until(lines, wanted: str, deadline: float, seen: list[str]) -> str | None:
    """Read the console until a line starting with `wanted` (returned), its end or `deadline` (None)."""
    while (line := next_line(lines, deadline)) is not None:
        seen.append(line)
        if line.startswith(wanted):
            return line
    return None


def _started(proc) -> tuple[int, dict[int, str]]:
    """The script's pid, and the processes it started (replicas, nginx's master and workers)."""
    started = descendants(proc.pid)
    script = next(pid for pid in started if b"run_cluster.py" in Path(f"/proc/{pid}/cmdline").read_bytes())
    children = {pid: t for pid, t in started.items() if pid not in (proc.pid, script)}  # not make, the script
    assert len(children) >= 4  # two replicas, nginx's master and worker
    return script, children


@pytest.mark.parametrize(("signals", "to"), [
    ([signal.SIGTERM], "group"),  # a supervisor, `timeout`, a container stop (make passes it on too)
    ([signal.SIGINT, signal.SIGINT], "group"),  # Ctrl-C twice in a terminal
    ([signal.SIGHUP], "script"),  # the terminal closed, or `kill -HUP` of the script alone
], ids=["SIGTERM-groupe", "SIGINT-deux-fois", "SIGHUP-script"])
def test_a_stop_signal_ends_every_process_and_frees_every_port(cluster, loadtest, signals, to):
    proc, lines, front = cluster["proc"], cluster["lines"], cluster["front"]
    served = asyncio.run(loadtest.run_load(front, 4, ["", "budget"]))
    assert len(served) == 8 and all(load.error is None for load in served), [load.error for load in served]
    started = descendants(proc.pid)
    script, children = _started(proc)
    ports = _ports(cluster)
    seen: list[str] = []

    def send(sig):
        if to == "group":
            os.killpg(proc.pid, sig)
        else:
            os.kill(script, sig)

    async def stop_while_viewing():
        # two viewers still connected through nginx when the signal comes
        async with loadtest.StreamlitSession(front) as a, loadtest.StreamlitSession(front) as b:
            assert (await a.load("")).error is None and (await b.load("indicateurs")).error is None
            deadline = time.monotonic() + 30
            send(signals[0])
            for sig in signals[1:]:  # the next one as soon as the stop has begun
                await asyncio.to_thread(_until, lines, "Arrêt de la grappe", time.monotonic() + 0.5, seen)
                send(sig)
            said = await asyncio.to_thread(_until, lines, STOPPED, deadline, seen)
            # the very moment the message is read: nothing the script started is left, every port is free
            return said, alive(children), [p for p in ports if not libre(p)], deadline

    said, left, taken, deadline = asyncio.run(stop_while_viewing())
    assert said == STOPPED, seen
    assert left == [] and taken == [], (left, taken, seen)
    proc.wait(timeout=max(1.0, deadline - time.monotonic()))
    assert alive(started) == [] and all(libre(p) for p in ports)
    assert _until(lines, STOPPED, time.monotonic() + 5, seen) is None  # said once, nothing after it
    assert "Traceback" not in proc.stderr.read()


def test_a_killed_script_leaves_no_process_behind(cluster):
    """SIGKILL to the script (out of memory, a hasty `kill -9`): it cannot stop anything itself, but
    Linux sends its children SIGTERM as it dies."""
    proc = cluster["proc"]
    script, children = _started(proc)
    ports = _ports(cluster)
    deadline = time.monotonic() + 30
    os.kill(script, signal.SIGKILL)
    proc.wait(timeout=30)  # make ends with its child
    while alive(children) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert alive(children) == [] and [p for p in ports if not libre(p)] == []
    if cluster["workdir"] is not None:  # the script had no time to remove its temporary folder
        shutil.rmtree(cluster["workdir"], ignore_errors=True)


# --- a replica dies ------------------------------------------------------------------------------

def _affinity(session) -> str:
    return dict(part.split("=", 1) for part in session.cookie.split("; ") if "=" in part)["dashboard_replica"]


def _replica_of(session, access_log) -> int:
    """The replica port nginx sent this viewer to: its requests in nginx's access log (affinity cookie,
    upstream address)."""
    affinity = _affinity(session)
    for line in reversed(access_log.read_text().splitlines()):
        if f"affinity={affinity}" in line and (m := re.search(r"upstream=127\.0\.0\.1:(\d+)", line)):
            return int(m.group(1))
    raise LookupError(affinity)


def test_a_killed_replica_comes_back_while_the_other_keeps_serving(cluster, loadtest):
    proc, lines, front = cluster["proc"], cluster["lines"], cluster["front"]
    victim_url, other_url = cluster["replicas"]
    victim_port, other_port = (int(u.rsplit(":", 1)[1]) for u in cluster["replicas"])
    assert cluster["workdir"] is not None, cluster["seen"]  # « Journaux : … »
    access_log = cluster["workdir"] / "access.log"

    async def scenario():
        async with contextlib.AsyncExitStack() as stack:
            viewers = collections.defaultdict(list)  # replica port -> viewers through nginx
            while min(len(viewers[victim_port]), len(viewers[other_port])) < 2:
                assert sum(map(len, viewers.values())) < 30, "nginx n'envoie personne à l'un des processus"
                viewer = await stack.enter_async_context(loadtest.StreamlitSession(front))
                assert (await viewer.load("")).error is None
                viewers[_replica_of(viewer, access_log)].append(viewer)

            pid = replica_pid(proc.pid, victim_port)
            os.kill(pid, signal.SIGKILL)
            killed = time.monotonic()
            back = asyncio.Event()

            async def keep_viewing(viewer):
                loads, i = [], 0
                while not back.is_set():
                    loads.append(await viewer.load(["budget", "", "indicateurs"][i % 3]))
                    i += 1
                    await asyncio.sleep(0.3)
                return loads

            async def newcomers():
                loads = []
                while not back.is_set():
                    loads += await loadtest.one_user(front, [""], 60)
                    await asyncio.sleep(0.5)
                return loads

            async def comes_back():
                try:
                    while time.monotonic() - killed < 15:
                        if await asyncio.to_thread(up, victim_url):
                            return time.monotonic() - killed
                        await asyncio.sleep(0.2)
                    return None
                finally:
                    back.set()

            came_back, new, *others = await asyncio.gather(
                comes_back(), newcomers(), *(keep_viewing(v) for v in viewers[other_port]))
            return came_back, new, others, pid

    came_back, new, others, pid = asyncio.run(scenario())
    assert came_back is not None, "le processus tué ne répond pas 15 s après"
    assert replica_pid(proc.pid, victim_port) != pid
    # the viewers of the other replica saw no error; newcomers through nginx were served meanwhile
    assert all(loads and all(load.error is None for load in loads) for loads in others), others
    assert new and all(load.error is None for load in new), [load.error for load in new]
    assert up(front) and up(other_url)
    # the console says which process died and when it came back
    seen: list[str] = []
    name = f"Le processus n° 1 (port {victim_port})"
    died = _until(lines, name, time.monotonic() + 10, seen)
    assert died is not None and "s'est arrêté (signal SIGKILL) à " in died, seen
    assert (_until(lines, name, time.monotonic() + 10, seen) or "").startswith(f"{name} répond de nouveau à "), seen
    assert proc.poll() is None  # still serving
