"""Where a page's time goes in the browser: Chromium's performance trace (the one DevTools records),
taken through Playwright, of a first visit and of a visit again (same measure as
scripts/bench_browser.py), summed up in a Markdown table.

    .venv/bin/python scripts/profil_navigateur.py                        # vue d'ensemble
    .venv/bin/python scripts/profil_navigateur.py --pages budget "page vide" --traces build/traces

For each visit, from the navigation's start to the frame from which the page is drawn (bench_browser's
condition), on the page's main thread (CrRendererMain):

- **JavaScript, by file**: the trace's CPU samples (V8's sampling profiler), each sample given to the
  file of the function running: Streamlit's own code (`index.*.js` and its other chunks), plotly.js
  (Streamlit's `PlotlyChart.*.js` chunk), the data grid of tables, and so on;
- **the rest of the main thread**, by task: compiling scripts, style, layout, paint, parsing HTML, the
  garbage collector; self time (the time of an event minus that of the events inside it);
- **the network**: each file downloaded (its size on the wire, when it finished), fonts apart.

The traces are written to --traces (open them in DevTools' Performance panel) when given.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import defaultdict
from contextlib import ExitStack
from pathlib import Path

import bench_browser as bench

CATEGORIES = ["-*", "devtools.timeline", "disabled-by-default-devtools.timeline", "v8", "v8.execute",
              "disabled-by-default-v8.cpu_profiler", "blink.user_timing", "loading", "toplevel",
              "disabled-by-default-devtools.timeline.frame"]

TASKS = {  # trace event → what it is
    "v8.compile": "compilation des scripts", "v8.compileModule": "compilation des scripts",
    "V8.CompileCode": "compilation des scripts", "v8.produceCache": "compilation des scripts",
    "v8.produceModuleCache": "compilation des scripts", "V8.CompileLazy": "compilation des scripts",
    "v8.deserializeCache": "compilation des scripts", "CacheScript": "compilation des scripts",
    "UpdateLayoutTree": "style", "ParseAuthorStyleSheet": "style", "RecalculateStyles": "style",
    "Layout": "mise en page", "Paint": "dessin", "PrePaint": "dessin", "Layerize": "dessin",
    "UpdateLayer": "dessin", "CompositeLayers": "dessin", "Commit": "dessin", "PaintImage": "dessin",
    "ParseHTML": "analyse du HTML", "MinorGC": "ramasse-miettes", "MajorGC": "ramasse-miettes",
    "BlinkGC.AtomicPhase": "ramasse-miettes", "V8.GC_SCAVENGER": "ramasse-miettes",
    "DecodeImage": "images", "Decode Image": "images",
}


def file_of(url: str) -> str:
    """A short name for the file of a JavaScript function."""
    if not url:
        return ""
    name = url.rsplit("/", 1)[-1].split("?")[0]
    if name.startswith("PlotlyChart."):
        return "plotly.js (PlotlyChart.js)"
    if name.startswith("index."):
        return "Streamlit (index.js)"
    return re.sub(r"\.[A-Za-z0-9_-]{8}\.js$", ".js", name) or url


def _threads(events):
    names = {(e["pid"], e["tid"]): e["args"].get("name") for e in events
             if e.get("ph") == "M" and e.get("name") == "thread_name"}
    return names


def analyse(trace: dict, drawn_ms: float) -> dict:
    """{"js": {file: ms}, "tasks": {task: ms}, "files": [(url, kB, end ms, type)], "window": ms}."""
    events = trace["traceEvents"] if isinstance(trace, dict) else trace
    names = _threads(events)
    starts = [e for e in events if e.get("name") == "navigationStart" and e.get("args", {}).get("data", {})
              .get("isLoadingMainFrame") and e["args"]["data"].get("documentLoaderURL", "").startswith("http")]
    if not starts:
        raise SystemExit("trace sans début de navigation")
    nav = starts[-1]
    pid, t0 = nav["pid"], nav["ts"]
    t1 = t0 + drawn_ms * 1000
    main = next(tid for (p, tid), n in names.items() if p == pid and n == "CrRendererMain")

    # processor time of the main thread (thread time of its top-level tasks): the work the page gave the
    # browser, which other processes on a shared machine stretch in wall time but not in thread time
    cpu = 0.0
    end_of_task = 0.0
    for e in sorted((e for e in events if e.get("pid") == pid and e.get("tid") == main and e.get("ph") == "X"
                     and e.get("name") == "RunTask" and "tdur" in e and t0 <= e["ts"] < t1), key=lambda e: e["ts"]):
        if e["ts"] >= end_of_task:  # top-level only
            cpu += e["tdur"]
            end_of_task = e["ts"] + e["dur"]

    # self time of the main thread's complete events, by task
    spans = sorted((e for e in events if e.get("pid") == pid and e.get("tid") == main and e.get("ph") == "X"
                    and "dur" in e and e["ts"] < t1 and e["ts"] + e["dur"] > t0), key=lambda e: (e["ts"], -e["dur"]))
    tasks: dict[str, float] = defaultdict(float)
    stack: list[list] = []  # [end, name, self]

    def close(until: float) -> None:
        while stack and stack[-1][0] <= until:
            end, name, own = stack.pop()
            tasks[name] += own

    for e in spans:
        start, end = max(e["ts"], t0), min(e["ts"] + e["dur"], t1)
        close(start)
        if stack:
            stack[-1][2] -= end - start
        stack.append([end, e["name"], end - start])
    close(float("inf"))

    # JavaScript by file, from the CPU profile's samples on the main thread
    nodes: dict = {}
    js: dict[str, float] = defaultdict(float)
    profiles = {(pid, e["id"]): e for e in events if e.get("name") == "Profile" and e.get("pid") == pid
                and e.get("tid") == main}  # a profile's id is unique in its process only
    clock = {k: p["args"]["data"]["startTime"] for k, p in profiles.items()}
    for e in events:
        key = (e.get("pid"), e.get("id"))
        if e.get("name") != "ProfileChunk" or key not in profiles:
            continue
        data = e["args"]["data"]
        for node in data.get("cpuProfile", {}).get("nodes", []):
            frame = node["callFrame"]
            name = frame.get("functionName", "")
            nodes[(key, node["id"])] = (file_of(frame.get("url", "")) or name if not name.startswith("__banc")
                                            else "(banc : sa condition, pas la page)")
        for sample, delta in zip(data.get("cpuProfile", {}).get("samples", []), data.get("timeDeltas", []),
                                 strict=False):
            clock[key] += delta
            if t0 <= clock[key] <= t1:
                js[nodes.get((key, sample), "?")] += delta

    # files: request → finish
    origin = "/".join(nav["args"]["data"]["documentLoaderURL"].split("/")[:3])  # not Chromium's own pages
    sent = {e["args"]["data"]["requestId"]: e for e in events if e.get("name") == "ResourceSendRequest"
            and e["args"]["data"]["url"].startswith(origin)}
    files = []
    for e in events:
        if e.get("name") == "ResourceFinish" and e["args"]["data"]["requestId"] in sent:
            req = sent[e["args"]["data"]["requestId"]]["args"]["data"]
            files.append((req["url"], e["args"]["data"].get("encodedDataLength", 0) / 1000,
                          (e["ts"] - t0) / 1000, req.get("resourceType", "")))
    # milestones: Streamlit's page running (its websocket open), the page's messages, plotly.js's chunk
    def at(e) -> float:
        return (e["ts"] - t0) / 1000

    window = [e for e in events if e.get("pid") == pid and t0 <= e.get("ts", 0) <= t1]
    ws = [at(e) for e in window if e.get("name") == "WebSocketCreate"]
    received = [at(e) for e in window if e.get("name") == "WebSocketReceive"]
    plotly = [(at(sent[e["args"]["data"]["requestId"]]), at(e)) for e in events if e.get("name") == "ResourceFinish"
              and "PlotlyChart" in sent.get(e["args"]["data"]["requestId"], {}).get("args", {}).get("data", {}).get("url", "")
              and sent[e["args"]["data"]["requestId"]]["args"]["data"]["url"].endswith(".js")]
    milestones = {"websocket": ws[0] if ws else None, "messages": (received[0], received[-1]) if received else None,
                  "plotly": plotly[0] if plotly else None}
    return {"cpu": cpu / 1000, "milestones": milestones, "js": {k: v / 1000 for k, v in js.items()}, "tasks": {k: v / 1000 for k, v in tasks.items()},
            "files": files, "window": drawn_ms}


def summary(label: str, kind: str, a: dict) -> str:
    js = a["js"]
    idle = sum(v for k, v in js.items() if k in ("(idle)", "(program)", "?"))
    gc = js.get("(garbage collector)", 0)
    code = {k: v for k, v in js.items() if k not in ("(idle)", "(program)", "?", "(garbage collector)")}
    by_task: dict[str, float] = defaultdict(float)
    for name, v in a["tasks"].items():
        by_task[TASKS.get(name, "")] += v
    scripts = [f for f in a["files"] if f[0].endswith((".js", ".mjs"))]
    fonts = [f for f in a["files"] if f[3] == "Font" or f[0].endswith((".woff2", ".woff", ".ttf"))]
    top = sorted(code.items(), key=lambda kv: -kv[1])[:6]
    m, steps = a["milestones"], []
    if m["websocket"] is not None:
        steps.append(f"Streamlit lancé dans la page (websocket ouvert) à {bench.ms(m['websocket'])} ms")
    if m["messages"]:
        steps.append(f"messages de la page reçus de {bench.ms(m['messages'][0])} à {bench.ms(m['messages'][1])} ms")
    if m["plotly"]:
        steps.append(f"plotly.js demandé à {bench.ms(m['plotly'][0])} ms, reçu à {bench.ms(m['plotly'][1])} ms")
    lines = [f"**{label}, {kind}** : dessinée à {bench.ms(a['window'])} ms",
             f"- Temps processeur du fil principal de la page : {bench.ms(a['cpu'])} ms",
             "- Jalons : " + " ; ".join(steps),
             "- JavaScript (échantillons du profileur, fil principal) : "
             + " ; ".join(f"{k or 'autre'} {bench.ms(v)} ms" for k, v in top)
             + f" ; ramasse-miettes {bench.ms(gc)} ms ; fil principal libre ou hors JavaScript {bench.ms(idle)} ms",
             "- Tâches du fil principal (temps propre) : "
             + " ; ".join(f"{k} {bench.ms(v)} ms" for k, v in sorted(by_task.items(), key=lambda kv: -kv[1]) if k),
             f"- Scripts téléchargés : {len(scripts)}, {bench.ms(sum(f[1] for f in scripts))} ko sur le réseau, "
             f"le dernier fini à {bench.ms(max((f[2] for f in scripts), default=0))} ms ; polices : {len(fonts)}, "
             f"{bench.ms(sum(f[1] for f in fonts))} ko, finies à {bench.ms(max((f[2] for f in fonts), default=0))} ms"]
    return "\n".join(lines)


def traced(browser, url: str, again: bool, out: Path | None, stem: str) -> dict:
    context = browser.new_context(viewport=bench.VIEWPORT, locale="fr-FR")
    context.add_init_script(bench.DRAWN)
    try:
        page = context.new_page()
        if again:
            bench.until_drawn(page, url)
            bench.until_drawn(page, url)
        browser.start_tracing(page=page, categories=CATEGORIES)
        drawn = bench.until_drawn(page, url)[0]
        raw = browser.stop_tracing()
    finally:
        context.close()
    if out:
        out.mkdir(parents=True, exist_ok=True)
        (out / f"{stem}.json").write_bytes(raw)
    return analyse(json.loads(raw), drawn)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Trace de Chromium d'une page : où va le temps.")
    ap.add_argument("--pages", nargs="*", default=["vue d'ensemble"], help="libellés (bench_browser), ou « page vide »")
    ap.add_argument("--traces", type=Path, default=None, help="dossier où écrire les traces (JSON)")
    a = ap.parse_args(argv)
    from playwright.sync_api import sync_playwright  # noqa: PLC0415

    paths = dict(bench.PAGES)
    with ExitStack() as stack:
        floor = stack.enter_context(bench.served(str(bench.SCRIPTS / "app_vide.py"), bench.ROOT))
        app = stack.enter_context(bench.served("app.py", bench.ROOT))
        p = stack.enter_context(sync_playwright())
        browser = p.chromium.launch(executable_path=bench.CHROMIUM, args=bench.ARGS)
        print(f"charge moyenne : {bench.load_average()}\n")
        for label in a.pages:
            url = f"{floor}/" if label == bench.FLOOR else f"{app}/{paths[label]}"
            bench.visits(browser, url)  # the server's views made
            for again, kind in ((False, "première visite"), (True, "de nouveau")):
                stem = re.sub(r"\W+", "_", f"{label}_{kind}")
                print(summary(label, kind, traced(browser, url, again, a.traces, stem)) + "\n", flush=True)
        browser.close()
    print(f"charge moyenne : {bench.load_average()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
