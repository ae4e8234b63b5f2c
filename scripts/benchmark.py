"""Page speed benchmark (not a test): median warm rerun time of each page, with AppTest.

    .venv/bin/python scripts/benchmark.py            # every page
    .venv/bin/python scripts/benchmark.py budget -n 11

Each page runs once cold (plan read, caches filled), then N times warm; the median of the warm
reruns is what a user feels when they change a filter. Target: < 300 ms per page.

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
    return 1 if slow else 0


if __name__ == "__main__":
    sys.exit(main())
