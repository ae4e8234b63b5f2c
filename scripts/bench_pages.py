"""Pages against Streamlit's own floor (make bench): opening each page in a fresh session, and its
warm rerun, on the shipped plan and on a plan 100 times larger. Prints the README's table.

    .venv/bin/python scripts/bench_pages.py              # both plans, 9 measures of each
    .venv/bin/python scripts/bench_pages.py -n 3 --plans livre

Opening (server side): a new websocket session on a running server (scripts/loadtest.py's client,
as a browser tab) asks for the page and waits for the end of its run. The dashboard and the trivial
app (scripts/app_triviale.py: same pages, one plotly chart and a 53-row table each) run side by
side; each page is opened in turn on one then the other, so both see the same machine load. The
first opening of each page (its views not made yet; the server read the plan and the follow-up as it
started) is measured apart ("à froid"); then the median of N.

Warm rerun: AppTest runs the page once, then N times; the median, next to an empty page's in the
same process.

Both on the shipped plan with its demonstration follow-up (data/demo), read from the store as
`make run` serves it (the workbook becomes version 1 on first start), then on the plan 100 times
larger (scripts/make_big_plan.py, 5 300 actions, with its own demonstration follow-up; generated
once into build/bench/ and regenerated when the shipped plan or the generators change; served from
its file through DASHBOARD_PLAN). Both servers run as `make run` runs the app: `python -m dashboard
serve`, with the repository's .streamlit/config.toml.

Targets: opening ≤ 1.5 × the trivial app's same page; warm rerun ≤ 1.5 × the empty page + 100 ms;
plan 100×: warm rerun < 1 s and opening < 2 s. Exit code 0 either way (a measure, not a test).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SCRIPTS = Path(__file__).resolve().parent
BUILD = ROOT / "build" / "bench"
BIG_PLAN = BUILD / "plan_x100.xlsx"
BIG_DEMO = BUILD / "demo"
SHIPPED = ROOT / "data" / "plan_2023_2028.xlsx"

# (label, vues/ script, url path, query string)
PAGES = [
    ("vue d'ensemble", "vue_ensemble", "", ""),
    ("budget", "budget", "budget", ""),
    ("effectifs", "effectifs", "effectifs", ""),
    ("calendrier", "calendrier", "calendrier", ""),
    ("indicateurs", "indicateurs", "indicateurs", ""),
    ("fiche ?action=11", "actions", "actions", "action=11"),
    ("import", "import_suivi", "import", ""),
    ("comité", "comite", "comite", ""),
]


def ms(x: float) -> str:
    return f"{x:,.0f}".replace(",", "\u202f")


def ratio(x: float) -> str:
    return f"{x:.2f}".replace(".", ",")


# --- the 100× plan ---------------------------------------------------------------------------

def _newer(made: list[Path], sources: list[Path]) -> bool:
    return all(p.exists() for p in made) and min(p.stat().st_mtime for p in made) > max(
        p.stat().st_mtime for p in sources)


def ensure_big_plan() -> None:
    """The generated plan (from the shipped one) and its demo (from the generated plan), made again
    only when what they are made from changed."""
    demo = [BIG_DEMO / f"suivi_{y}.xlsx" for y in (2023, 2024, 2025)]
    if not _newer([BIG_PLAN], [SHIPPED, SCRIPTS / "make_big_plan.py"]):
        print("Génération du plan 100× (une fois)…", flush=True)
        subprocess.run([sys.executable, str(SCRIPTS / "make_big_plan.py"), "-o", str(BIG_PLAN)],
                       check=True, stdout=subprocess.DEVNULL)
    if not _newer(demo, [BIG_PLAN, SCRIPTS / "make_demo.py"]):
        print("Génération du suivi de démonstration du plan 100× (quelques minutes, une fois)…", flush=True)
        subprocess.run([sys.executable, str(SCRIPTS / "make_demo.py"), "--plan", str(BIG_PLAN), "--out",
                        str(BIG_DEMO)], check=True, stdout=subprocess.DEVNULL)


def prepared_store(plan: Path, demo_dir: Path | None) -> str:
    """A fresh SQLite store holding the plan's demonstration follow-up (imported like on first start)."""
    url = f"sqlite:///{Path(tempfile.mkdtemp(prefix='bench_pages_')) / 'suivi.sqlite'}"
    code = ("import sys, sqlalchemy as sa; from pathlib import Path;"
            "from dashboard.plan import load_plan; from dashboard.suivi import demo, store;"
            "e = sa.create_engine(sys.argv[1]); store.ensure_schema(e);"
            "demo.load(e, load_plan(sys.argv[2]), Path(sys.argv[3]))")
    subprocess.run([sys.executable, "-c", code, url, str(plan), str(demo_dir or ROOT / "data" / "demo")],
                   check=True, cwd=ROOT)
    return url


# --- warm reruns (AppTest, in a child process per plan) -----------------------------------------

def apptest_worker(n: int, pages: list[str]) -> dict[str, float]:
    """Median warm rerun (ms) of each page and of an empty page, in this process."""
    import logging

    from streamlit.testing.v1 import AppTest

    logging.getLogger("streamlit").setLevel(logging.ERROR)

    def warm(at) -> float:
        at.run()
        if at.exception:
            raise SystemExit(f"exception sur la page : {at.exception[0].message}")
        times = []
        for _ in range(n):
            t = time.perf_counter()
            at.run()
            times.append((time.perf_counter() - t) * 1000)
        return statistics.median(times)

    out = {"page vide": warm(AppTest.from_string("import streamlit as st\n", default_timeout=120))}
    for label, script, _, query in PAGES:
        if label not in pages:
            continue
        at = AppTest.from_file(str(ROOT / "vues" / f"{script}.py"), default_timeout=300)
        for kv in filter(None, query.split("&")):
            k, v = kv.split("=")
            at.query_params[k] = v
        out[label] = warm(at)
    return out


def warm_reruns(env: dict, n: int, pages: list[str]) -> dict[str, float]:
    proc = subprocess.run([sys.executable, __file__, "--apptest-worker", "-n", str(n), "--pages", *pages],
                          env=env, cwd=ROOT, capture_output=True, text=True)
    if proc.returncode:
        raise SystemExit(f"relances à chaud impossibles :\n{proc.stderr[-3000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


# --- opening in a fresh session (real servers) -------------------------------------------------

class Server:
    """`python -m dashboard serve SCRIPT` (st.App under uvicorn, as `make run` serves the app, with the
    repository's .streamlit/config.toml) on a free local port, until stop(). The trivial app is
    served the same way: the same server and settings on both sides."""

    def __init__(self, script: Path, env: dict):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "dashboard", "serve", str(script), "--server.port", str(self.port),
             "--server.headless", "true", "--server.address", "127.0.0.1",
             "--browser.gatherUsageStats", "false"],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.url = f"http://127.0.0.1:{self.port}"
        for _ in range(240):
            try:
                urllib.request.urlopen(self.url + "/_stcore/health", timeout=1)
                return
            except OSError:
                time.sleep(0.5)
        self.stop()
        raise SystemExit(f"le serveur {script.name} n'a pas démarré")

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=30)


def open_once(url: str, path: str, query: str) -> float:
    """ms from the request of the page to the end of its run, in a brand new session (websocket)."""
    sys.path.insert(0, str(SCRIPTS))
    from loadtest import StreamlitSession  # noqa: PLC0415

    async def go() -> float:
        async with StreamlitSession(url, timeout=300) as session:
            load = await session.load(path, query)
        if load.error:
            raise SystemExit(f"{url}/{path}?{query} : {load.error}")
        return load.seconds * 1000

    return asyncio.run(go())


def openings(env: dict, n: int, pages: list[str]) -> dict[str, dict[str, float]]:
    """{page: {cold, app, trivial}}: first opening, then medians of n fresh sessions of each app."""
    app = Server(ROOT / "app.py", env)
    trivial = Server(SCRIPTS / "app_triviale.py", env)
    try:
        chosen = [p for p in PAGES if p[0] in pages]
        out = {}
        open_once(trivial.url, "", "")  # its first run (imports)
        for label, _, path, query in chosen:
            out[label] = {"froid": open_once(app.url, path, query), "app": [], "triviale": []}
            open_once(trivial.url, path, query)
        for _ in range(n):
            for label, _, path, query in chosen:
                out[label]["app"].append(open_once(app.url, path, query))
                out[label]["triviale"].append(open_once(trivial.url, path, query))
        return {k: {"froid": v["froid"], "app": statistics.median(v["app"]),
                    "triviale": statistics.median(v["triviale"])} for k, v in out.items()}
    finally:
        app.stop()
        trivial.stop()


# --- report ------------------------------------------------------------------------------------

def scenario(name: str, plan: Path, demo_dir: Path | None, n: int, pages: list[str]) -> dict:
    url = prepared_store(plan, demo_dir)
    env = {**os.environ, "DASHBOARD_DB": url, "DASHBOARD_DEMO": "0"}
    env.pop("DASHBOARD_PLAN", None)
    if plan != SHIPPED:  # the shipped plan comes from the store, as with make run (version 1 on first start)
        env["DASHBOARD_PLAN"] = str(plan)
    print(f"[{name}] relances à chaud (AppTest)…", flush=True)
    warm = warm_reruns(env, n, pages)
    print("  " + " ; ".join(f"{k} {ms(v)}" for k, v in warm.items()), flush=True)
    print(f"[{name}] ouvertures en session neuve (serveurs)…", flush=True)
    opened = openings(env, n, pages)
    print("  " + " ; ".join(f"{k} {ms(v['app'])} / {ms(v['triviale'])}" for k, v in opened.items()), flush=True)
    return {"warm": warm, "open": opened}


def table(results: dict, pages: list[str]) -> str:
    labels = [p[0] for p in PAGES if p[0] in pages]
    lines = ["| mesure (médianes, ms) | " + " | ".join(labels) + " |", "|---" * (len(labels) + 1) + "|"]

    def row(title, cells):
        lines.append(f"| {title} | " + " | ".join(cells) + " |")

    for name, res in results.items():
        o, w = res["open"], res["warm"]
        floor = w["page vide"]
        row(f"**{name}** : ouverture, session neuve", [ms(o[p]["app"]) for p in labels])
        row("application triviale, même page", [ms(o[p]["triviale"]) for p in labels])
        row("rapport (cible ≤ 1,5 ; plan 100× : < 2 000 ms)",
            [ratio(o[p]["app"] / o[p]["triviale"]) for p in labels])
        row("ouverture à froid (premier passage)", [ms(o[p]["froid"]) for p in labels])
        row(f"relance à chaud (page vide : {ms(floor) if floor >= 10 else f'{floor:.1f}'.replace('.', ',')})",
            [ms(w[p]) for p in labels])
        row(f"cible : 1,5 × page vide + 100 ms = {ms(1.5 * floor + 100)}"
            + (" ; plan 100× : < 1 000" if "100" in name else ""),
            ["oui" if w[p] <= (1000 if "100" in name else 1.5 * floor + 100) else "**non**" for p in labels])
    return "\n".join(lines)


def load_average() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "inconnue"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Ouverture et relance à chaud des pages, contre le plancher de Streamlit.")
    ap.add_argument("-n", type=int, default=9, help="mesures par page (défaut 9)")
    ap.add_argument("--plans", nargs="*", default=["livre", "x100"], choices=["livre", "x100"])
    ap.add_argument("--pages", nargs="*", default=[p[0] for p in PAGES], help="libellés des pages")
    ap.add_argument("--apptest-worker", action="store_true", help=argparse.SUPPRESS)
    a = ap.parse_args(argv)
    os.chdir(ROOT)
    if a.apptest_worker:
        print(json.dumps(apptest_worker(a.n, a.pages)))
        return 0
    before = load_average()
    results = {}
    if "livre" in a.plans:
        results["plan livré (53 actions)"] = scenario("plan livré", SHIPPED, None, a.n, a.pages)
    if "x100" in a.plans:
        ensure_big_plan()
        results["plan 100× (5 300 actions)"] = scenario("plan 100×", BIG_PLAN, BIG_DEMO, a.n, a.pages)
    print()
    print(table(results, a.pages))
    print(f"\n{a.n} mesures par case ; charge moyenne (1, 5, 15 min) avant : {before}, après : {load_average()} ; "
          f"{os.cpu_count()} cœurs.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
