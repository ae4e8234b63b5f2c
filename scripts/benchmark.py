"""Page speed benchmark (not a test): median warm rerun time of each page, with AppTest.

    .venv/bin/python scripts/benchmark.py            # every page
    .venv/bin/python scripts/benchmark.py budget -n 11

Each page runs once cold (plan read, caches filled), then N times warm; the median of the warm
reruns is what a user feels when they change a filter. Target: < 300 ms per page.

The projector mode is also measured in Debian's chromium (Playwright): the median time from a
PageDown key press to the next slide's title on screen, on a fresh server with the demo data
(`--no-browser` to skip it). Target: < 300 ms.

Other benchmarks (an import, an export…) join through HOOKS: a list of (name, callable) whose
callable is timed the same way (one cold call, then N warm calls). Add yours with
`HOOKS.append(("nom", fonction))` below, or `register("nom")` as a decorator.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PAGES = ["vue_ensemble", "budget", "effectifs", "calendrier", "indicateurs", "actions", "import_suivi", "comite"]
TARGET_MS = 300.0

HOOKS: list[tuple[str, Callable[[], object]]] = []


def register(name: str):
    """Decorator: time this callable with the pages."""
    def wrap(fn):
        HOOKS.append((name, fn))
        return fn
    return wrap


@register("chargement du plan (sans cache)")
def _load_plan():
    from dashboard.plan import load_plan

    return load_plan(os.environ["DASHBOARD_PLAN"])


@register("résumé (metrics.summary)")
def _summary():
    from dashboard import metrics
    from dashboard.plan import load_plan

    plan = _summary.__dict__.setdefault("plan", load_plan(os.environ["DASHBOARD_PLAN"]))
    return metrics.summary(metrics.apply_hypotheses(plan))


class _ProjectorSession:
    """A real server (demo data) and Debian's chromium on /comite?mode=projecteur, started on first use."""

    def __init__(self):
        self.proc = self.pw = self.browser = self.page = None

    def start(self) -> None:
        import atexit
        import socket
        import subprocess
        import tempfile
        import urllib.request

        from playwright.sync_api import sync_playwright

        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        env = {**os.environ, "DASHBOARD_DEMO": "1",
               "DASHBOARD_DB": f"sqlite:///{Path(tempfile.mkdtemp()) / 'bench_projecteur.sqlite'}"}
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "dashboard", "serve", "app.py", "--server.port", str(port), "--server.headless",
             "true", "--server.address", "127.0.0.1"], cwd=ROOT, env=env,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        atexit.register(self.stop)
        url = f"http://127.0.0.1:{port}"
        for _ in range(120):
            try:
                urllib.request.urlopen(url + "/_stcore/health", timeout=1)
                break
            except OSError:
                time.sleep(0.5)
        self.pw = sync_playwright().start()
        self.browser = self.pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        self.page = self.browser.new_page(viewport={"width": 1920, "height": 1080})
        self.page.goto(url + "/comite?mode=projecteur&diapo=1")
        self.page.wait_for_selector(".st-key-touche_quitter_Esc button", state="attached", timeout=120000)
        self.page.wait_for_timeout(1500)

    def change(self) -> float:
        """One slide change: ms from the key press to the next slide's title on screen (PageDown, then
        Home from the last slide)."""
        if self.page is None:
            self.start()
        pg = self.page
        title = pg.inner_text(".diapo-titre")
        last = pg.url.endswith(f"diapo={self.count()}")
        t = time.perf_counter()
        pg.keyboard.press("Home" if last else "PageDown")
        pg.wait_for_function("t => { const e = document.querySelector('.diapo-titre'); "
                             "return e && e.innerText !== t && e.offsetParent; }", arg=title, timeout=30000)
        ms = (time.perf_counter() - t) * 1000
        pg.wait_for_function("() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=30000)
        return ms

    def count(self) -> int:
        num = self.page.inner_text(".diapo-num")   # "3/7"
        return int(num.split("/")[1])

    def stop(self) -> None:
        if self.browser is not None:
            self.browser.close()
            self.pw.stop()
            self.browser = None
        if self.proc is not None:
            self.proc.terminate()
            self.proc.wait(timeout=20)
            self.proc = None


CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-sync",
                 "--disable-background-networking", "--disable-component-update"]
_projector = _ProjectorSession()


def time_slide_changes(n: int) -> tuple[float, float] | None:
    """(first change ms, median of the next n) in the browser; None without chromium."""
    if not Path(CHROMIUM).exists():
        return None
    first = _projector.change()
    times = [_projector.change() for _ in range(n)]
    _projector.stop()
    return first, statistics.median(times)


def time_page(page: str, n: int) -> tuple[float, float, int]:
    """(cold ms, median warm ms, exceptions) for vues/<page>.py."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "vues" / f"{page}.py"), default_timeout=60)
    t = time.perf_counter()
    at.run()
    cold = (time.perf_counter() - t) * 1000
    warm = []
    for _ in range(n):
        t = time.perf_counter()
        at.run()
        warm.append((time.perf_counter() - t) * 1000)
    return cold, statistics.median(warm), len(at.exception)


def time_hook(fn: Callable[[], object], n: int) -> tuple[float, float]:
    t = time.perf_counter()
    fn()
    cold = (time.perf_counter() - t) * 1000
    warm = []
    for _ in range(n):
        t = time.perf_counter()
        fn()
        warm.append((time.perf_counter() - t) * 1000)
    return cold, statistics.median(warm)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Temps de réaffichage des pages (médiane, ms).")
    ap.add_argument("pages", nargs="*", default=PAGES, help="pages à mesurer (défaut : toutes)")
    ap.add_argument("-n", type=int, default=7, help="réaffichages à chaud (défaut : 7)")
    ap.add_argument("--no-hooks", action="store_true", help="ne mesurer que les pages")
    ap.add_argument("--no-browser", action="store_true", help="sans le changement de diapositive dans chromium")
    a = ap.parse_args(argv)
    os.chdir(ROOT)
    os.environ.setdefault("DASHBOARD_PLAN", str(ROOT / "data" / "plan_2023_2028.xlsx"))
    os.environ.setdefault("DASHBOARD_DEMO", "0")
    if "DASHBOARD_DB" not in os.environ:
        import tempfile

        os.environ["DASHBOARD_DB"] = f"sqlite:///{Path(tempfile.mkdtemp()) / 'bench.sqlite'}"
    import logging

    logging.getLogger("streamlit").setLevel(logging.ERROR)
    print(f"{'page':<32}{'froid (ms)':>12}{'chaud médian (ms)':>20}")
    slow = 0
    for page in a.pages:
        cold, warm, exc = time_page(page, a.n)
        flag = "" if warm < TARGET_MS else "  > 300 ms"
        flag += f"  {exc} exception(s)" if exc else ""
        slow += warm >= TARGET_MS
        print(f"{page:<32}{cold:>12.0f}{warm:>20.0f}{flag}")
    if not a.no_hooks:
        for name, fn in HOOKS:
            cold, warm = time_hook(fn, a.n)
            print(f"{name:<32}{cold:>12.0f}{warm:>20.0f}")
    if not a.no_browser:
        # the time a presenter waits: key press to the next slide's title visible, in Debian's chromium
        res = time_slide_changes(max(a.n, 11))
        if res is None:
            print("changement de diapositive : chromium absent, non mesuré")
        else:
            flag = "" if res[1] < TARGET_MS else "  > 300 ms"
            print(f"{'diapo (navigateur, PageDown)':<32}{res[0]:>12.0f}{res[1]:>20.0f}{flag}")
    return 1 if slow else 0


if __name__ == "__main__":
    sys.exit(main())
