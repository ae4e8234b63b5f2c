"""`make run-cluster REPLICAS=N PORT=P` : N processus Streamlit derrière nginx, une base PostgreSQL commune.

Ce que fait le script, dans l'ordre :
1. refuse SQLite dès que N > 1 (chaque processus aurait sa propre vue du fichier, et SQLite n'est pas
   fait pour plusieurs serveurs) : base PostgreSQL dans DASHBOARD_DB ;
2. prépare la base une fois (tables, classeur du plan livré comme version 1, données de démonstration
   du premier démarrage), avant que les processus ne démarrent ensemble ;
3. démarre N processus `python -m dashboard serve app.py` (st.App sous uvicorn) sur des ports locaux libres, même base (chacun y lit la
   version du plan en vigueur ; DASHBOARD_PLAN, s'il est donné, reste un classeur sur le disque pour le
   développement), même secret de cookies, et attend que chacun réponde sur /_stcore/health ;
4. écrit la configuration de nginx (deploy/nginx-dashboard.conf, dans un dossier temporaire où vont
   aussi pid, journaux et fichiers temporaires : pas besoin d'être root) et lance nginx sur le port P ;
5. surveille les processus : un processus Streamlit (ou nginx) qui s'arrête est relancé sur le même port,
   après un délai qui double à chaque nouvel arrêt (au plus 5 relances par minute) ; nginx envoie
   pendant ce temps les nouvelles sessions aux processus qui répondent. La console dit qui s'est
   arrêté, quand, et quand il répond de nouveau ;
6. SIGINT (Ctrl-C), SIGTERM ou SIGHUP, au script ou à tout son groupe, une ou plusieurs fois : arrête
   nginx et chaque processus (d'abord poliment, puis SIGKILL après 10 s), attend qu'il n'en reste
   aucun, efface le dossier temporaire et seulement alors écrit « Grappe arrêtée. ».
"""

from __future__ import annotations

import argparse
import ctypes
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TEMPLATE = ROOT / "deploy" / "nginx-dashboard.conf"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
HEALTH = "/_stcore/health"
STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT, signal.SIGHUP)
GRACE = 10.0  # seconds a process has, after its polite stop signal, before SIGKILL
PR_SET_PDEATHSIG = 1  # linux/prctl.h


class ClusterError(Exception):
    """The cluster could not start (French message)."""


class Interrupted(Exception):
    """A stop signal arrived while the cluster was starting."""


@dataclass(frozen=True)
class RestartPolicy:
    """How soon a process that stopped by itself is started again."""

    first: float = 0.5  # seconds before the first restart
    factor: float = 2.0  # each restart within the window waits `factor` times longer than the previous one
    longest: float = 30.0  # the delay never grows beyond this
    per_window: int = 5  # at most this many restarts start within any `window` seconds
    window: float = 60.0


def restart_delay(restarts: Sequence[float], now: float, policy: RestartPolicy = RestartPolicy()) -> float:
    """Seconds to wait, at `now`, before restarting a process whose earlier restarts started at the
    (monotonic) times `restarts`.

    The delay doubles with each restart of the last minute, up to `longest`: a process that keeps
    dying is retried less and less often, one that stayed up a minute starts again from `first`. At
    most `per_window` restarts start within any minute: past that, the wait lasts until the oldest of
    the last `per_window` restarts is a minute old."""
    recent = sorted(t for t in restarts if now - policy.window < t <= now)
    delay = min(policy.first * policy.factor ** len(recent), policy.longest)
    if len(recent) >= policy.per_window:
        delay = max(delay, recent[-policy.per_window] + policy.window - now)
    return delay


def say(text: str, *, err: bool = False) -> None:
    """Print a line on the console; a console that is gone (SIGHUP: the terminal was closed) must not
    interrupt the supervision or the stop."""
    try:
        print(text, file=sys.stderr if err else sys.stdout, flush=True)
    except (OSError, ValueError):
        pass


def seconds(x: float) -> str:
    """French seconds: 0,5 s, 2 s, 12,3 s."""
    return f"{x:.1f}".rstrip("0").rstrip(".").replace(".", ",") + " s"


def clock() -> str:
    return time.strftime("%H:%M:%S")


def how_it_ended(code: int) -> str:
    if code < 0:
        try:
            return f"signal {signal.Signals(-code).name}"
        except ValueError:
            return f"signal {-code}"
    return f"code {code}"


def group_members(pgid: int) -> list[int]:
    """The live (not zombie) processes of process group `pgid`. Read in /proc, since a zombie left to an
    init that does not reap would still answer kill(0); without /proc, kill(0) decides."""
    proc = Path("/proc")
    if not proc.is_dir():
        try:
            os.killpg(pgid, 0)
        except ProcessLookupError:
            return []
        except PermissionError:
            pass
        return [pgid]
    members = []
    for entry in proc.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:  # gone meanwhile
            continue
        fields = stat[stat.rindex(")") + 2:].split()  # state, ppid, pgrp, … after the command's name
        if int(fields[2]) == pgid and fields[0] not in ("Z", "X"):
            members.append(int(entry.name))
    return members


def _die_with_parent(parent: int) -> Callable[[], None]:
    """In the child, before exec: Linux sends SIGTERM to the child when this script dies, even by
    SIGKILL, so that nothing it started outlives it. Exits at once if the script already died."""
    def set_up() -> None:
        try:
            ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
        except (OSError, AttributeError):  # not Linux: no such guard
            return
        if os.getppid() != parent:
            os._exit(1)
    return set_up


def store_url() -> str:
    from dashboard.suivi import store

    return store.with_driver(store.default_url())


def check_store(url: str, replicas: int) -> str | None:
    """A French message when the store cannot be shared by `replicas` processes; else None."""
    import sqlalchemy as sa

    try:
        backend = sa.make_url(url).get_backend_name()
    except sa.exc.ArgumentError:
        return f"L'adresse de la base du suivi « {url} » n'est pas reconnue (variable DASHBOARD_DB)."
    if backend == "sqlite" and replicas > 1:
        return (f"Avec {replicas} processus, la base du suivi doit être partagée : SQLite (« {url} ») ne convient "
                "pas (un fichier local, un seul processus). Indiquez une base PostgreSQL, par exemple\n  DASHBOARD_DB=postgresql+psycopg://"
                "utilisateur@serveur/base make run-cluster REPLICAS=2\nou lancez un seul processus : "
                "make run-cluster REPLICAS=1.")
    return None


def prepare_store(url: str) -> None:
    """Tables, the plan's first version and the first-start demo, once, before the replicas start together."""
    from dashboard.plan import load_plan, versions
    from dashboard.suivi import demo

    engine = versions.open_engine(url)  # the follow-up's tables and the plan's versions
    try:
        versions.ensure_first_version(engine, plan_path())
        if demo.enabled() and demo.should_load(engine):
            plan = load_plan(plan_path()) if os.environ.get("DASHBOARD_PLAN") else versions.current_plan(engine)
            demo.load_if_first_start(engine, plan)
    finally:
        engine.dispose()


def plan_path() -> Path:
    """DASHBOARD_PLAN (development), else the shipped workbook (the plan's first version in the store)."""
    from dashboard.plan import DEFAULT_PLAN_PATH

    return Path(os.environ.get("DASHBOARD_PLAN", str(ROOT / DEFAULT_PLAN_PATH))).resolve()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(url + HEALTH, timeout=2) as resp:
            return resp.status == 200
    except OSError:
        return False


def nginx_conf(listen: int, replica_ports: list[int], workdir: Path) -> str:
    """A complete nginx.conf: the deploy template inside a main block whose paths are all in workdir."""
    servers = "\n".join(f"    server 127.0.0.1:{p} max_fails=2 fail_timeout=10s;" for p in replica_ports)
    values = {"@LISTEN@": f"127.0.0.1:{listen}", "@SERVER_NAME@": "localhost", "@SERVERS@": servers}
    lines = []
    for line in TEMPLATE.read_text("utf-8").splitlines():
        if not line.lstrip().startswith("#"):  # the template's comments name the markers too
            for marker, value in values.items():
                line = line.replace(marker, value)
        lines.append(line)
    site = "\n".join(lines)
    user = "user nobody nogroup;\n" if os.geteuid() == 0 else ""  # root: workers drop privileges
    return f"""{user}worker_processes 1;
pid {workdir}/nginx.pid;
error_log {workdir}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    log_format dashboard '$remote_addr [$time_local] "$request" $status upstream=$upstream_addr '
                         'affinity=$dashboard_affinity';
    access_log {workdir}/access.log dashboard;
    client_body_temp_path {workdir}/body;
    proxy_temp_path {workdir}/proxy;
    fastcgi_temp_path {workdir}/fastcgi;
    uwsgi_temp_path {workdir}/uwsgi;
    scgi_temp_path {workdir}/scgi;
{site}
}}
"""


def accepting(port: int) -> bool:
    """Whether something accepts connections on 127.0.0.1:port (nginx is up, whatever its upstreams)."""
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            return True
    except OSError:
        return False


class Child:
    """A process the cluster started and restarts when it stops by itself: a replica, or nginx.

    Each child is the leader of its own session and process group (start_new_session): a signal to the
    group of `make run-cluster` reaches this script only, which then stops its children in order; and
    a signal to a child's group reaches everything that child started (nginx's workers)."""

    def __init__(self, name: str, argv: list[str], log: Path, *, ready: Callable[[], bool],
                 stop_signal: int = signal.SIGTERM, env: dict[str, str] | None = None, cwd: Path | None = None):
        self.name = name  # as the console says it: « le processus n° 1 (port 8711) », « nginx »
        self.argv, self.log, self.ready, self.stop_signal, self.env, self.cwd = argv, log, ready, stop_signal, env, cwd
        self.proc: subprocess.Popen | None = None
        self.restarts: list[float] = []  # monotonic times at which its restarts started
        self.restart_at: float | None = None  # while it is down: when it starts again
        self.starting_since: float | None = None  # restarted, not answering yet
        self.down_at = ""  # clock time of the stop it is coming back from

    @property
    def title(self) -> str:
        """The name at the start of a sentence (« Le processus n° 1 », but « nginx »)."""
        return "L" + self.name[1:] if self.name.startswith("le ") else self.name

    def spawn(self) -> None:
        with open(self.log, "ab") as out:  # the child keeps its own copy of the descriptor
            self.proc = subprocess.Popen(self.argv, cwd=self.cwd, env=self.env, stdin=subprocess.DEVNULL,
                                         stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
                                         preexec_fn=_die_with_parent(os.getpid()))

    def signal_group(self, sig: int) -> None:
        """`sig` to the child's whole process group (its leader, and what the leader started)."""
        if self.proc is None:
            return
        try:
            os.killpg(self.proc.pid, sig)
        except (ProcessLookupError, PermissionError):  # nothing left in the group
            pass

    def alive(self) -> bool:
        """Whether anything of this child is left: reaps its leader, then looks at its process group."""
        if self.proc is None:
            return False
        self.proc.poll()
        return bool(group_members(self.proc.pid))


class Cluster:
    """N Streamlit replicas on free local ports, and nginx on `port` in front of them."""

    def __init__(self, replicas: int, port: int, url: str, *, with_nginx: bool = True, quiet: bool = True,
                 timeout: float = 180.0, stopping: Callable[[], bool] = lambda: False,
                 policy: RestartPolicy = RestartPolicy(), grace: float = GRACE):
        self.replicas, self.port, self.store_url = replicas, port, url
        self.with_nginx, self.quiet, self.timeout = with_nginx, quiet, timeout
        self.stopping, self.policy, self.grace = stopping, policy, grace
        self.workdir = Path(tempfile.mkdtemp(prefix="dashboard-cluster-"))
        self.replica_ports: list[int] = []
        self.children: list[Child] = []  # the replicas, then nginx
        self.nginx: Child | None = None
        self._left: list[str] | None = None  # set by the first stop(): what could not be stopped

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def replica_urls(self) -> list[str]:
        return [f"http://127.0.0.1:{p}" for p in self.replica_ports]

    def __enter__(self) -> Cluster:
        try:
            self.start()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def _check(self) -> None:
        if self.stopping():
            raise Interrupted

    def start(self) -> None:
        self._check()
        os.chmod(self.workdir, 0o755)  # nginx's workers (nobody when started as root) use its temp folders
        env = {**os.environ, "DASHBOARD_DB": self.store_url,
               "STREAMLIT_SERVER_COOKIE_SECRET": secrets.token_hex(32)}  # the same in every replica
        if env.get("DASHBOARD_PLAN"):  # development: a file; otherwise every replica reads the store's version
            env["DASHBOARD_PLAN"] = str(plan_path())
        replicas = []
        for i in range(self.replicas):
            port = free_port()
            url = f"http://127.0.0.1:{port}"
            replica = Child(
                f"le processus n° {i + 1} (port {port})",
                [sys.executable, "-m", "dashboard", "serve", "app.py", "--server.port", str(port),
                 "--server.address", "127.0.0.1", "--server.headless", "true",
                 "--browser.gatherUsageStats", "false"],
                self.workdir / f"streamlit-{i + 1}.log", ready=lambda url=url: healthy(url), env=env, cwd=ROOT)
            replica.spawn()
            self.replica_ports.append(port)
            self.children.append(replica)
            replicas.append((replica, url))
        for replica, url in replicas:
            self._wait(url, replica, replica.log)
        if not self.with_nginx:
            return
        if not Path(NGINX).exists():
            raise ClusterError("nginx est introuvable : installez le paquet Debian (apt-get install nginx).")
        conf = self.workdir / "nginx.conf"
        conf.write_text(nginx_conf(self.port, self.replica_ports, self.workdir), "utf-8")
        # `daemon off;`: nginx stays this script's child, so that its end is seen and waited for
        self.nginx = Child("nginx", [NGINX, "-c", str(conf), "-p", str(self.workdir), "-g", "daemon off;"],
                           self.workdir / "nginx.out", ready=lambda: accepting(self.port),
                           stop_signal=signal.SIGQUIT)  # graceful: the requests under way end first
        self.nginx.spawn()
        self.children.append(self.nginx)
        self._wait(self.url, self.nginx, self.workdir / "error.log", self.workdir / "nginx.out")

    def _wait(self, url: str, child: Child, *logs: Path) -> None:
        deadline = time.monotonic() + self.timeout
        while time.monotonic() < deadline:
            self._check()
            if child.proc.poll() is not None:
                tail = "\n".join(p.read_text("utf-8", "replace")[-1500:] for p in logs if p.exists())
                raise ClusterError(f"{child.name} s'est arrêté au démarrage "
                                   f"({how_it_ended(child.proc.returncode)}) :\n{tail}")
            if healthy(url):
                return
            time.sleep(0.3)
        raise ClusterError(f"{child.name} ne répond pas sur {url}{HEALTH} après {self.timeout:.0f} s.")

    def supervise(self) -> None:
        """One look at every process: one that stopped by itself is started again after its delay
        (restart_delay), on the same port; nginx meanwhile sends new sessions to the replicas that
        answer. The console says who stopped, when, and when it answers again."""
        for child in self.children:
            now = time.monotonic()
            if child.restart_at is not None:  # down, waiting for its delay
                if now >= child.restart_at:
                    child.restart_at = None
                    child.restarts.append(now)
                    child.starting_since = now
                    child.spawn()
                continue
            code = child.proc.poll()
            if code is not None:
                child.signal_group(signal.SIGKILL)  # what the dead leader leaves (nginx's workers hold the port)
                if child.starting_since is None:  # it was serving: an outage starts
                    child.down_at = clock()
                child.starting_since = None
                delay = restart_delay(child.restarts, now, self.policy)
                child.restart_at = now + delay
                recent = sum(1 for t in child.restarts if now - t < self.policy.window)
                limit = (f" ({recent} relances dans la dernière minute, au plus {self.policy.per_window})"
                         if recent >= self.policy.per_window else "")
                say(f"{child.title} s'est arrêté ({how_it_ended(code)}) à {clock()} : "
                    f"relance dans {seconds(delay)}{limit}.")
            elif child.starting_since is not None:
                if child.ready():
                    child.starting_since = None
                    say(f"{child.title} répond de nouveau à {clock()} (arrêté à {child.down_at}).")
                elif now - child.starting_since > self.timeout:
                    say(f"{child.title} ne répond toujours pas {seconds(self.timeout)} après sa relance : "
                        "arrêt forcé, puis nouvel essai.")
                    child.signal_group(signal.SIGKILL)  # seen dead at the next look

    def stop(self) -> list[str]:
        """Stop nginx and every replica; idempotent. Each child's whole process group gets its polite
        signal (nginx: SIGQUIT, replicas: SIGTERM), then SIGKILL if anything of it is left after
        `grace` seconds; returns once nothing is left (or 5 s after SIGKILL), with the names of the
        processes still there (none, normally). Stop signals are held back meanwhile, so that a
        second Ctrl-C (a KeyboardInterrupt in a caller) cannot cut the cleanup halfway; they are
        delivered once it is done."""
        if self._left is not None:
            return self._left
        held = signal.pthread_sigmask(signal.SIG_BLOCK, STOP_SIGNALS)
        try:
            started = [c for c in self.children if c.proc is not None]
            for child in started:
                child.restart_at = None
                child.signal_group(child.stop_signal)
            self._wait_gone(started, self.grace)
            for child in started:
                if child.alive():
                    say(f"{child.title} ne s'est pas arrêté en {seconds(self.grace)} : arrêt forcé (SIGKILL).")
                    child.signal_group(signal.SIGKILL)
            self._wait_gone(started, 5.0)
            self._left = [c.name for c in started if c.alive()]
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, held)
        shutil.rmtree(self.workdir, ignore_errors=True)
        return self._left

    @staticmethod
    def _wait_gone(children: list[Child], timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while any(c.alive() for c in children) and time.monotonic() < deadline:
            time.sleep(0.1)


class StopRequest:
    """The stop signals received. The handler only records them; the main loop sees them and stops
    the cluster, so a second signal during the stop changes nothing (no exception raised halfway)."""

    def __init__(self) -> None:
        self.received: list[int] = []

    def __call__(self, signum: int, frame: object) -> None:
        self.received.append(signum)

    def __bool__(self) -> bool:
        return bool(self.received)

    def install(self) -> None:
        # Set explicitly: a shell starting us in the background would have us ignore SIGINT.
        for sig in STOP_SIGNALS:
            signal.signal(sig, self)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="N processus du tableau de bord derrière nginx.")
    parser.add_argument("--replicas", type=int, default=2, help="nombre de processus Streamlit (défaut 2)")
    parser.add_argument("--port", type=int, default=8501, help="port d'écoute de nginx (défaut 8501)")
    args = parser.parse_args(argv)
    if args.replicas < 1:
        print("REPLICAS doit valoir au moins 1.", file=sys.stderr)
        return 2
    stop = StopRequest()
    stop.install()
    url = store_url()
    problem = check_store(url, args.replicas)
    if problem:
        print(problem, file=sys.stderr)
        return 2
    try:
        prepare_store(url)
    except Exception as err:  # the store's own French message when it has one; never a traceback
        print(f"La base du suivi n'a pas pu être préparée : {err}", file=sys.stderr)
        return 1
    cluster = Cluster(args.replicas, args.port, url, stopping=lambda: bool(stop))
    code = 0
    try:
        cluster.start()
        for i, u in enumerate(cluster.replica_urls, 1):
            say(f"processus n° {i} : {u}")
        say(f"Tableau de bord : {cluster.url} (nginx, {args.replicas} processus). Ctrl-C pour tout arrêter.")
        say(f"Journaux : {cluster.workdir} (effacés à l'arrêt).")
        while not stop:
            cluster.supervise()
            time.sleep(0.2)
    except Interrupted:
        pass
    except ClusterError as err:
        say(f"La grappe n'a pas pu démarrer : {err}", err=True)
        code = 1
    finally:
        if stop:
            say(f"Arrêt de la grappe ({signal.Signals(stop.received[0]).name})…")
        left = cluster.stop()
    if left:
        say(f"Arrêt incomplet : encore présent(s) après SIGKILL : {', '.join(left)}.", err=True)
        return 1
    if code == 0:
        say("Grappe arrêtée.")
    return code


if __name__ == "__main__":
    sys.exit(main())
