"""What a reader waits for in the browser (make bench): each page, from the navigation until every text
and chart is drawn, in Debian's Chromium driven by Playwright, against an empty Streamlit page
(scripts/app_vide.py: st.title + st.write) measured in the same run. Prints the README's table.

    .venv/bin/python scripts/bench_browser.py                     # 5 measures of each page
    .venv/bin/python scripts/bench_browser.py -n 1 --pages budget
    .venv/bin/python scripts/bench_browser.py --ref 526fb86       # another commit, before/after in one run
    .venv/bin/python scripts/bench_browser.py --compare ../autre-copie

Two visits of each page: **première visite**, a new browser context (empty cache, no cookie), the page
typed in the address bar; **de nouveau**, the same context after it has seen the page twice (HTTP cache
and Chromium's compiled-code cache warm, as for someone who comes back to the dashboard), the page
loaded again. Time: from the navigation's start (the document's time origin) to the first animation
frame from which the page is drawn and stays drawn:

- the script has run: `stApp` says `data-test-script-state="notRunning"` and the main area holds at
  least one element, none stale (`data-stale="true"`: left from a previous run);
- nothing is still waiting for its code: no placeholder (`data-testid` starting with `stSkeleton`),
  no spinner (`stSpinner`);
- every chart shown (each `stPlotlyChart` not inside a hidden element or a closed expander) holds its
  `.js-plotly-plot` and at least one rendered `.main-svg`;
- every image is loaded and the page's fonts are (`document.fonts.status == "loaded"`);
- "stays": the condition is checked by a script added to the page before any other, at the first
  animation frame after each change (an element added or changed, a font or an image loaded: never
  on a quiet frame, so that checking costs the page next to nothing); it still holds 600 ms later (no
  rerun, no chart redrawn from scratch since). The time is the frame at which it last became true.

Each server runs as `make run` serves the app (`python -m dashboard serve`, the repository's
.streamlit/config.toml, a new SQLite store with the demonstration follow-up imported at its first
start); each page is opened once before measuring (the server's views made: this measures the
browser, scripts/bench_pages.py the server). The empty page and each version of the app are visited
in turn, page by page, their order rotated at each round, so all see the same machine load; each
time is the median of N; each ratio (× page vide, and the change « écart » between two versions) is the
median of the N ratios of measures taken one after the other in the same round, which a shared
machine's load moves together. With `--ref
COMMIT` (a temporary `git worktree` of that commit) or `--compare FOLDER` (another checkout), that
version is served the same way from its own folder (same virtual environment, its own code through
PYTHONPATH) and measured in the same run: « avant » and « après ».

Ports: the first free ones of DASHBOARD_TEST_PORTS (e.g. 8621-8629) when set, else any free port.
Exit code 0 either way (a measure, not a test).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import ExitStack, contextmanager
from pathlib import Path

from ports import port_libre  # scripts/ports.py, beside this script

ROOT = Path(__file__).resolve().parents[1]
SCRIPTS = Path(__file__).resolve().parent
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-sync",
        "--disable-background-networking", "--disable-component-update"]
VIEWPORT = {"width": 1440, "height": 900}

# (label, url path and query)
PAGES = [
    ("vue d'ensemble", ""),
    ("budget", "budget"),
    ("effectifs", "effectifs"),
    ("calendrier", "calendrier"),
    ("indicateurs", "indicateurs"),
    ("fiche ?action=11", "actions?action=11"),
    ("import", "import"),
    ("comité", "comite"),
]
FLOOR = "page vide"
STABLE_MS = 600

# Added to every document before its own scripts. The condition is checked at the first animation
# frame after any change (DOM, a font or an image loaded), never on a quiet frame: the check must not
# become work the page pays for (it would force a layout at every frame).
DRAWN = """
(() => {
  const hidden = '[hidden], details:not([open]) > :not(summary), [aria-hidden="true"]';
  const __bancDrawn = () => {
    const app = document.querySelector('[data-testid="stApp"]');
    if (!app || app.getAttribute('data-test-script-state') !== 'notRunning') return false;
    if (!document.querySelector('[data-testid="stMain"] [data-testid="stElementContainer"]')) return false;
    if (document.querySelector('[data-stale="true"], [data-testid^="stSkeleton"], [data-testid="stSpinner"]'))
      return false;
    for (const chart of document.querySelectorAll('[data-testid="stPlotlyChart"]'))
      if (!chart.querySelector('.js-plotly-plot .main-svg') && !chart.closest(hidden)) return false;
    for (const img of document.images) if (!img.complete) return false;
    return document.fonts.status === 'loaded';
  };
  const state = window.__banc = {since: null, charts: 0};
  let changed = true;
  const change = () => { changed = true; };
  new MutationObserver(change).observe(document, {subtree: true, childList: true, attributes: true});
  document.fonts.addEventListener('loadingdone', change);
  document.addEventListener('load', change, true);
  const __bancTick = () => {
    if (changed) {
      changed = false;
      if (__bancDrawn()) {
        if (state.since === null) {
          state.since = performance.now();
          state.charts = document.querySelectorAll('[data-testid="stPlotlyChart"] .main-svg').length;
        }
      } else state.since = null;
    }
    requestAnimationFrame(__bancTick);
  };
  requestAnimationFrame(__bancTick);
})();
"""


def ms(x: float) -> str:
    return f"{x:,.0f}".replace(",", "\u202f")


def ratio(x: float) -> str:
    return f"{x:.2f}".replace(".", ",")


def load_average() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "inconnue"


# --- servers ---------------------------------------------------------------------------------

_TAKEN: set[int] = set()


@contextmanager
def served(script: str, folder: Path):
    """`python -m dashboard serve SCRIPT` from `folder` (its code, its .streamlit/config.toml), on a new
    SQLite store, until the end of the block; its URL."""
    try:
        port = port_libre(_TAKEN)
    except OSError as e:  # every port of DASHBOARD_TEST_PORTS is taken: said, no traceback
        raise SystemExit(str(e)) from None
    _TAKEN.add(port)
    store = Path(tempfile.mkdtemp(prefix="bench_browser_"))
    env = {**os.environ, "DASHBOARD_DB": f"sqlite:///{store / 'suivi.sqlite'}",
           "PYTHONPATH": os.pathsep.join(filter(None, [str(folder / "src"), os.environ.get("PYTHONPATH")]))}
    env.pop("DASHBOARD_PLAN", None)
    env.pop("DASHBOARD_DEMO", None)
    proc = subprocess.Popen(
        [sys.executable, "-m", "dashboard", "serve", script, "--server.port", str(port),
         "--server.headless", "true", "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false"],
        cwd=folder, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(240):
            if proc.poll() is not None:
                raise SystemExit(f"le serveur de {folder} ({script}) s'est arrêté :\n"
                                 f"{proc.stderr.read().decode(errors='replace')[-2000:]}")
            try:
                urllib.request.urlopen(url + "/_stcore/health", timeout=1)
                break
            except OSError:
                time.sleep(0.5)
        else:
            raise SystemExit(f"le serveur de {folder} ({script}) n'a pas démarré")
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
        shutil.rmtree(store, ignore_errors=True)


@contextmanager
def worktree(commit: str):
    """A temporary checkout of `commit` (git worktree), removed at the end."""
    folder = Path(tempfile.mkdtemp(prefix="bench_browser_ref_")) / "depot"
    subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", str(folder), commit],
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        yield folder
    finally:
        subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(folder)],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        shutil.rmtree(folder.parent, ignore_errors=True)


# --- the browser -----------------------------------------------------------------------------

def _cpu(session) -> float:
    """Processor time (ms) of the page's renderer process so far (Chromium's Performance metrics)."""
    metrics = {m["name"]: m["value"] for m in session.send("Performance.getMetrics")["metrics"]}
    return metrics.get("ProcessTime", 0.0) * 1000


def until_drawn(page, url: str, session=None) -> tuple[float, float]:
    """Open `url` in `page`: ms from the navigation's start to the frame from which it stays drawn, and
    the processor time its renderer spent meanwhile (ms; 0 without a CDP session)."""
    before = _cpu(session) if session else 0.0
    page.goto(url, wait_until="commit", timeout=60000)
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        page.wait_for_timeout(100)
        since, now = page.evaluate("() => [window.__banc && window.__banc.since, performance.now()]")
        if since is not None and now - since >= STABLE_MS:
            after = _cpu(session) if session else 0.0
            return since, (after - before if after >= before else after)  # a new process: its own count
    raise SystemExit(f"{url} : page pas dessinée en 90 s")


def visits(browser, url: str) -> dict[str, float]:
    """{first, again, first_cpu, again_cpu} in ms, in a new browser context."""
    context = browser.new_context(viewport=VIEWPORT, locale="fr-FR")
    context.add_init_script(DRAWN)
    try:
        page = context.new_page()
        session = context.new_cdp_session(page)
        session.send("Performance.enable")
        first, first_cpu = until_drawn(page, url, session)
        until_drawn(page, url)  # the second load makes Chromium keep the scripts' compiled code
        again, again_cpu = until_drawn(page, url, session)
        return {"first": first, "again": again, "first_cpu": first_cpu, "again_cpu": again_cpu}
    finally:
        context.close()


def measure(targets: dict[str, str], pages: list[tuple[str, str]], n: int) -> dict:
    """{(target, page label): {"first": [...], "again": [...]}}, the targets visited in turn."""
    from playwright.sync_api import sync_playwright  # noqa: PLC0415

    out: dict = {}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            for name, base in targets.items():  # each page opened once: the server's views made
                for path in [p for _, p in pages] if name != FLOOR else [""]:
                    visits(browser, f"{base}/{path}")
            names = list(targets)
            for r in range(n):
                order = names[r % len(names):] + names[:r % len(names)]
                for label, path in pages:
                    for name in order:
                        measured = visits(browser, f"{targets[name]}/{path if name != FLOOR else ''}")
                        cell = out.setdefault((name, label), {k: [] for k in measured})
                        for k, v in measured.items():
                            cell[k].append(v)
                print(f"  mesure {r + 1}/{n} faite (charge {load_average()})", flush=True)
        finally:
            browser.close()
    return out


# --- report ----------------------------------------------------------------------------------

def table(results: dict, versions: list[str], pages: list[tuple[str, str]], cpu: bool = False) -> str:
    """The Markdown table: medians (ms); ratios and changes are medians of the ratios of measures taken
    one after the other (the same page of the other target, in the same round), which the machine's
    load shifts together."""

    def paired(a: list[float], b: list[float]) -> float:
        return statistics.median(x / y for x, y in zip(a, b, strict=True))

    kinds = ([("first_cpu", "processeur, première visite"), ("again_cpu", "processeur, de nouveau")] if cpu
             else [("first", "première visite"), ("again", "de nouveau")])
    two = len(versions) == 2
    head = ["page"]
    for _, title in kinds:
        for v in versions:
            head += [f"{title}{f' ({v})' if two else ''}, ms", "× page vide"]
        head += ["écart"] if two else []
    floor_all = {k: statistics.median([x for (n, _), v in results.items() if n == FLOOR for x in v[k]]) for k, _ in kinds}
    rows = [[f"{FLOOR} (`st.title` + `st.write`)"]
            + sum(([ms(floor_all[k]), "1,00"] * len(versions) + ([""] if two else []) for k, _ in kinds), [])]
    for label, _ in pages:
        row = [label]
        for k, _ in kinds:
            floor = results[(FLOOR, label)][k]
            for v in versions:
                row += [ms(statistics.median(results[(v, label)][k])), ratio(paired(results[(v, label)][k], floor))]
            if two:
                change = paired(results[(versions[1], label)][k], results[(versions[0], label)][k]) - 1
                text = f"{change:+.0%}".replace("%", "\u202f%").replace("-", "−")
                row.append(f"**{text}**" if change > 0.10 else text)
        rows.append(row)
    lines = ["| " + " | ".join(head) + " |", "|---" * len(head) + "|"]
    return "\n".join(lines + ["| " + " | ".join(r) + " |" for r in rows])


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Temps de dessin des pages dans Chromium, contre une page vide.")
    ap.add_argument("-n", type=int, default=5, help="mesures par page (défaut 5)")
    ap.add_argument("--pages", nargs="*", default=[p[0] for p in PAGES], help="libellés des pages")
    ap.add_argument("--json", type=Path, default=None, help="écrit aussi chaque mesure dans ce fichier")
    other = ap.add_mutually_exclusive_group()
    other.add_argument("--ref", metavar="COMMIT", help="mesure aussi ce commit (avant) dans la même exécution")
    other.add_argument("--compare", metavar="DOSSIER", type=Path, help="mesure aussi cette copie du dépôt (avant)")
    a = ap.parse_args(argv)
    pages = [p for p in PAGES if p[0] in a.pages]
    if not pages:
        ap.error("aucune page connue dans --pages")
    if not Path(CHROMIUM).exists():
        print(f"Chromium introuvable ({CHROMIUM}) : apt-get install chromium", file=sys.stderr)
        return 2
    before = load_average()
    with ExitStack() as stack:
        folders = {}
        if a.ref:
            commit = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", a.ref], check=True,
                                    capture_output=True, text=True).stdout.strip()
            folders[f"avant, {commit}"] = stack.enter_context(worktree(a.ref))
        elif a.compare:
            folders[f"avant, {a.compare.name}"] = a.compare.resolve()
        versions = [*folders, "après" if folders else "application"]
        folders[versions[-1]] = ROOT
        print("Démarrage des serveurs…", flush=True)
        targets = {FLOOR: stack.enter_context(served(str(SCRIPTS / "app_vide.py"), ROOT))}
        for name, folder in folders.items():
            targets[name] = stack.enter_context(served("app.py", folder))
        print(f"Mesures (charge moyenne {before})…", flush=True)
        results = measure(targets, pages, a.n)
    if a.json:
        a.json.write_text(json.dumps({"versions": versions, "loadavg": [before, load_average()],
                                      "mesures": [[t, p, v] for (t, p), v in results.items()]}, ensure_ascii=False))
    print()
    print("Temps jusqu'à la page dessinée :\n")
    print(table(results, versions, pages))
    print("\nTemps processeur du processus de rendu de la page pendant ce temps :\n")
    print(table(results, versions, pages, cpu=True))
    print(f"\nMédianes de {a.n} mesures par case ; charge moyenne (1, 5, 15 min) avant : {before}, "
          f"après : {load_average()} ; {os.cpu_count()} cœurs.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
