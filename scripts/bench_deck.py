"""Deck files benchmark (not a test): how long `python -m dashboard deck` takes for PowerPoint and PDF.

    .venv/bin/python scripts/bench_deck.py            # 5 runs of each
    .venv/bin/python scripts/bench_deck.py -n 9

Two views, medians of N runs:
- the command as a user runs it (a new process each time: imports, plan, slides, file); the floor is
  `validate-plan` in the same run (a process that only imports and reads the plan);
- inside one process (the app): the first file (cold: chromium starts for the PDF) and the next ones
  (warm: the PDF reuses the running chromium), slides computed once.
Targets: a PowerPoint under 5 s, a PDF under 10 s (the command).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGETS = {"pptx": 5.0, "pdf": 10.0}


def run(args: list[str], env: dict) -> float:
    t = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "dashboard", *args], cwd=ROOT, env=env, capture_output=True,
                          text=True, check=False)
    elapsed = time.perf_counter() - t
    if done.returncode != 0:
        raise SystemExit(f"échec de « {' '.join(args)} » : {done.stdout}{done.stderr}")
    return elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-n", type=int, default=5, help="nombre de mesures (médiane)")
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="bench_deck_"))
    env = {**os.environ, "DASHBOARD_DB": f"sqlite:///{tmp / 'suivi.sqlite'}"}
    env.setdefault("DASHBOARD_PLAN", str(ROOT / "data" / "plan_2023_2028.xlsx"))

    # the demo follow-up, so the late and indicator slides have their charts
    sys.path.insert(0, str(ROOT / "src"))
    from dashboard import metrics  # noqa: PLC0415
    from dashboard.plan import load_plan  # noqa: PLC0415
    from dashboard.present import comite, deck_files  # noqa: PLC0415
    from dashboard.suivi import demo, store  # noqa: PLC0415

    plan = load_plan(env["DASHBOARD_PLAN"])
    engine = store.open_engine(env["DASHBOARD_DB"])
    demo.load(engine, plan)

    print(f"Commande deck, nouveau processus à chaque fois (médiane de {args.n}) :")
    floor = statistics.median(run(["validate-plan"], env) for _ in range(args.n))
    print(f"  plancher (validate-plan : imports + lecture du plan) : {floor:6.2f} s")
    for ext in ("pptx", "pdf"):
        if ext == "pdf" and deck_files.chromium_path() is None:
            print("  pdf : chromium absent, non mesuré")
            continue
        times = [run(["deck", "-o", str(tmp / f"comite.{ext}"), "--as-of", "2025-06-30"], env) for _ in range(args.n)]
        med = statistics.median(times)
        verdict = "OK" if med < TARGETS[ext] else "AU-DESSUS DE L'OBJECTIF"
        print(f"  {ext:4} : {med:6.2f} s (min {min(times):.2f}, max {max(times):.2f}) · {med / floor:4.1f} × le "
              f"plancher · objectif < {TARGETS[ext]:.0f} s : {verdict}")

    print(f"Dans un même processus (l'application), diapositives calculées une fois (médiane de {args.n}) :")
    suivi = store.load_suivi(engine)
    plan_h = metrics.apply_hypotheses(plan)
    t = time.perf_counter()
    slides = comite.slides(plan_h, suivi, as_of="2025-06-30")
    print(f"  calcul des diapositives (comite.slides) : {time.perf_counter() - t:6.2f} s")
    info = deck_files.deck_info(plan_h, "2025-06-30", suivi.demo)
    for ext, fn in (("pptx", deck_files.deck_pptx), ("pdf", deck_files.deck_pdf)):
        if ext == "pdf" and deck_files.chromium_path() is None:
            continue
        t = time.perf_counter()
        fn(slides, info)
        cold = time.perf_counter() - t
        warm = []
        for _ in range(args.n):
            t = time.perf_counter()
            fn(slides, info)
            warm.append(time.perf_counter() - t)
        print(f"  {ext:4} : premier {cold:6.2f} s · suivants {statistics.median(warm):6.2f} s "
              f"({cold / max(statistics.median(warm), 1e-6):.0f} × plus rapides)")
    deck_files.PRINTER.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
