"""`make run-cluster REPLICAS=N PORT=P` : N processus Streamlit derrière nginx, une base PostgreSQL commune.

Ce que fait le script, dans l'ordre :
1. refuse SQLite dès que N > 1 (chaque processus aurait sa propre vue du fichier, et SQLite n'est pas
   fait pour plusieurs serveurs) : base PostgreSQL dans DASHBOARD_DB ;
2. prépare la base une fois (tables, classeur du plan livré comme version 1, données de démonstration
   du premier démarrage), avant que les processus ne démarrent ensemble ;
3. démarre N processus `python -m dashboard serve app.py` (streamlit run) sur des ports locaux libres, même base (chacun y lit la
   version du plan en vigueur ; DASHBOARD_PLAN, s'il est donné, reste un classeur sur le disque pour le
   développement), même secret de cookies, et attend que chacun réponde sur /_stcore/health ;
4. écrit la configuration de nginx (deploy/nginx-dashboard.conf, dans un dossier temporaire où vont
   aussi pid, journaux et fichiers temporaires : pas besoin d'être root) et lance nginx sur le port P ;
5. Ctrl-C (ou l'arrêt d'un des processus) arrête tout et efface le dossier temporaire.
"""

from __future__ import annotations

import argparse
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
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TEMPLATE = ROOT / "deploy" / "nginx-dashboard.conf"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
HEALTH = "/_stcore/health"


class ClusterError(Exception):
    """The cluster could not start (French message)."""


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
    log_format dashboard '$remote_addr [$time_local] "$request" $status upstream=$upstream_addr';
    access_log {workdir}/access.log dashboard;
    client_body_temp_path {workdir}/body;
    proxy_temp_path {workdir}/proxy;
    fastcgi_temp_path {workdir}/fastcgi;
    uwsgi_temp_path {workdir}/uwsgi;
    scgi_temp_path {workdir}/scgi;
{site}
}}
"""


class Cluster:
    """N Streamlit replicas on free local ports, and nginx on `port` in front of them."""

    def __init__(self, replicas: int, port: int, url: str, *, with_nginx: bool = True, quiet: bool = True,
                 timeout: float = 180.0):
        self.replicas, self.port, self.store_url = replicas, port, url
        self.with_nginx, self.quiet, self.timeout = with_nginx, quiet, timeout
        self.workdir = Path(tempfile.mkdtemp(prefix="dashboard-cluster-"))
        self.replica_ports: list[int] = []
        self.procs: list[subprocess.Popen] = []
        self.nginx: subprocess.Popen | None = None

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

    def start(self) -> None:
        os.chmod(self.workdir, 0o755)  # nginx's workers (nobody when started as root) use its temp folders
        env = {**os.environ, "DASHBOARD_DB": self.store_url,
               "STREAMLIT_SERVER_COOKIE_SECRET": secrets.token_hex(32)}  # the same in every replica
        if env.get("DASHBOARD_PLAN"):  # development: a file; otherwise every replica reads the store's version
            env["DASHBOARD_PLAN"] = str(plan_path())
        for i in range(self.replicas):
            port = free_port()
            log = open(self.workdir / f"streamlit-{i + 1}.log", "wb")  # noqa: SIM115 (closed with the process)
            self.procs.append(subprocess.Popen(
                [sys.executable, "-m", "dashboard", "serve", "app.py", "--server.port", str(port),
                 "--server.address", "127.0.0.1", "--server.headless", "true",
                 "--browser.gatherUsageStats", "false"],
                cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True))
            self.replica_ports.append(port)
        for i, url in enumerate(self.replica_urls):
            self._wait(url, self.procs[i], f"le processus n° {i + 1}", self.workdir / f"streamlit-{i + 1}.log")
        if not self.with_nginx:
            return
        if not Path(NGINX).exists():
            raise ClusterError("nginx est introuvable : installez le paquet Debian (apt-get install nginx).")
        conf = self.workdir / "nginx.conf"
        conf.write_text(nginx_conf(self.port, self.replica_ports, self.workdir), "utf-8")
        log = open(self.workdir / "nginx.out", "wb")  # noqa: SIM115
        self.nginx = subprocess.Popen([NGINX, "-c", str(conf), "-p", str(self.workdir), "-g", "daemon off;"],
                                      stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        self._wait(self.url, self.nginx, "nginx", self.workdir / "error.log", self.workdir / "nginx.out")

    def _wait(self, url: str, proc: subprocess.Popen, what: str, *logs: Path) -> None:
        deadline = time.monotonic() + self.timeout
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                tail = "\n".join(p.read_text("utf-8", "replace")[-1500:] for p in logs if p.exists())
                raise ClusterError(f"{what} s'est arrêté au démarrage (code {proc.returncode}) :\n{tail}")
            if healthy(url):
                return
            time.sleep(0.3)
        raise ClusterError(f"{what} ne répond pas sur {url}{HEALTH} après {self.timeout:.0f} s.")

    def dead(self) -> str | None:
        """The first process that stopped by itself, if any."""
        for i, p in enumerate(self.procs):
            if p.poll() is not None:
                return f"le processus n° {i + 1} (port {self.replica_ports[i]})"
        if self.nginx is not None and self.nginx.poll() is not None:
            return "nginx"
        return None

    def stop(self) -> None:
        """Stop nginx, then every replica (SIGTERM, then SIGKILL after 10 s); remove the temp folder."""
        procs = ([self.nginx] if self.nginx else []) + self.procs
        for p in procs:
            if p.poll() is None:
                p.send_signal(signal.SIGQUIT if p is self.nginx else signal.SIGTERM)
        for p in procs:
            try:
                p.wait(timeout=10)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()
        shutil.rmtree(self.workdir, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="N processus du tableau de bord derrière nginx.")
    parser.add_argument("--replicas", type=int, default=2, help="nombre de processus Streamlit (défaut 2)")
    parser.add_argument("--port", type=int, default=8501, help="port d'écoute de nginx (défaut 8501)")
    args = parser.parse_args(argv)
    if args.replicas < 1:
        print("REPLICAS doit valoir au moins 1.", file=sys.stderr)
        return 2
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
    def interrupt(*_):
        raise KeyboardInterrupt

    # Ctrl-C, or SIGTERM (systemd, kill): stop everything, also while starting. Set explicitly:
    # a shell starting us in the background would have us ignore SIGINT.
    signal.signal(signal.SIGINT, interrupt)
    signal.signal(signal.SIGTERM, interrupt)
    try:
        with Cluster(args.replicas, args.port, url) as cluster:
            for i, u in enumerate(cluster.replica_urls, 1):
                print(f"processus n° {i} : {u}", flush=True)
            print(f"Tableau de bord : {cluster.url} (nginx, {args.replicas} processus). Ctrl-C pour tout arrêter.",
                  flush=True)
            while True:
                gone = cluster.dead()
                if gone:
                    print(f"{gone} s'est arrêté : arrêt de la grappe.", file=sys.stderr)
                    return 1
                time.sleep(0.5)
    except ClusterError as err:
        print(f"La grappe n'a pas pu démarrer : {err}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        pass
    print("Grappe arrêtée.", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
