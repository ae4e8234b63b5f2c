"""Test de charge sans navigateur : N sessions ouvertes en même temps sur le protocole de Streamlit.

Chaque session fait ce que fait le navigateur : une page HTML (cookies d'affinité et XSRF), puis le
websocket `/_stcore/stream` ; elle demande l'exécution de chaque page principale (BackMsg
`rerun_script` avec le nom de la page), et mesure le temps jusqu'à la fin de l'exécution du script
(ForwardMsg `script_finished`). Toutes les sessions partent ensemble : c'est un comité où chacun
ouvre le tableau de bord à 9 h.

    python scripts/loadtest.py --url http://127.0.0.1:8501 -n 20      # un serveur déjà lancé
    python scripts/loadtest.py --compare -n 20 --replicas 2           # un processus, puis la grappe

`--compare` lance lui-même un processus seul puis la grappe (scripts/run_cluster.py, base
PostgreSQL de DASHBOARD_DB) et mesure les deux dans la même exécution ; il affiche le rapport des p95.

The client (StreamlitSession) is also what tests use to read a page as a browser would.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import http.cookies
import io
import statistics
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.Element_pb2 import Element
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

ROOT = Path(__file__).resolve().parents[1]
MAIN_PAGES = ["", "budget", "effectifs", "calendrier", "indicateurs"]  # the five Pilotage pages
FINISHED = {ForwardMsg.FINISHED_SUCCESSFULLY, ForwardMsg.FINISHED_WITH_COMPILE_ERROR}


@dataclass
class PageLoad:
    """One script run seen from the client: how long it took, what it showed, what went wrong."""

    page: str
    seconds: float
    error: str | None = None
    elements: list[Element] = field(default_factory=list)

    def texts(self) -> list[str]:
        """Every text the page shows: markdown, headings, alerts, metrics, captions, buttons."""
        out = []
        for e in self.elements:
            kind = e.WhichOneof("type")
            if kind in ("markdown", "heading", "alert", "text"):
                out.append(getattr(e, kind).body)
            elif kind == "metric":
                out.append(f"{e.metric.label} {e.metric.body}")
            elif kind in ("button", "download_button"):
                out.append(getattr(e, kind).label)
        return out

    def tables(self) -> list:
        """The page's tables (st.dataframe / st.table) as pandas DataFrames."""
        import pyarrow as pa

        frames = []
        for e in self.elements:
            kind = e.WhichOneof("type")
            if kind in ("dataframe", "table") and getattr(e, kind).arrow_data.data:
                with pa.ipc.open_stream(io.BytesIO(getattr(e, kind).arrow_data.data)) as reader:
                    frames.append(reader.read_pandas())
        return frames

    def button_id(self, label: str) -> str | None:
        for e in self.elements:
            if e.WhichOneof("type") == "button" and e.button.label == label:
                return e.button.id
        return None


class StreamlitSession:
    """One browser tab: a websocket session on a Streamlit server (or on nginx in front of it)."""

    def __init__(self, base_url: str, timeout: float = 120.0, cookie: str = ""):
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.extra_cookie = cookie  # e.g. a signed-in session's cookie (dashboard_session=…)
        self.cookie = ""
        self.xsrf = ""
        self.page_hash = ""
        self.session_id = ""
        self.widgets: dict = {}  # widget id -> WidgetState: what the user set on the current page
        self.ws = None
        self._last: PageLoad | None = None  # the latest finished run (for click)

    async def __aenter__(self) -> StreamlitSession:
        self.cookie = "; ".join(c for c in (await asyncio.to_thread(self._first_get), self.extra_cookie) if c)
        ws_url = "ws" + self.base_url[len("http"):] + "/_stcore/stream"
        headers = {"Cookie": self.cookie} if self.cookie else {}
        self.ws = await websockets.connect(ws_url, subprotocols=["streamlit"], additional_headers=headers,
                                           max_size=None, open_timeout=self.timeout, ping_interval=None)
        return self

    async def __aexit__(self, *exc) -> None:
        if self.ws is not None:
            await self.ws.close()

    def _first_get(self) -> str:
        """GET / then the health check, as a browser does: keeps the cookies nginx sets (replica
        affinity) and Streamlit's XSRF cookie (needed to upload a file)."""
        jar = http.cookies.SimpleCookie()
        for path in ("/", "/_stcore/health"):
            headers = {"Cookie": "; ".join(f"{k}={m.value}" for k, m in jar.items())} if jar else {}
            req = urllib.request.Request(self.base_url + path, headers=headers)
            with urllib.request.urlopen(req, timeout=self.timeout) as resp:
                resp.read()
                for header in resp.headers.get_all("Set-Cookie") or []:
                    jar.load(header)
        self.xsrf = jar["_streamlit_xsrf"].value if "_streamlit_xsrf" in jar else ""
        return "; ".join(f"{k}={m.value}" for k, m in jar.items())

    async def load(self, page: str = "", query: str = "", widget_states=None) -> PageLoad:
        """Run one page (its url path: "" for the home page, "budget", …) and wait until it is done."""
        msg = BackMsg()
        msg.rerun_script.query_string = query
        msg.rerun_script.page_name = page
        msg.rerun_script.page_script_hash = "" if widget_states is None else self.page_hash
        if widget_states is None:
            self.widgets = {}  # another page: its widgets start from their defaults
        else:
            msg.rerun_script.widget_states.widgets.extend(widget_states)
        start = time.perf_counter()
        try:
            await self.ws.send(msg.SerializeToString())
            elements, error = await asyncio.wait_for(self._until_finished(), self.timeout)
        except (TimeoutError, websockets.ConnectionClosed, OSError) as err:
            return PageLoad(page, time.perf_counter() - start, f"{type(err).__name__}: {err}")
        return PageLoad(page, time.perf_counter() - start, error, elements)

    async def click(self, label: str, page: str = "") -> PageLoad:
        """Click the button labelled `label` on the page last loaded (then wait for the rerun)."""
        from streamlit.proto.WidgetStates_pb2 import WidgetState

        shown = self._last if self._last is not None else await self.load(page)
        button = shown.button_id(label)
        if button is None:
            return PageLoad(page, 0.0, f"bouton « {label} » absent de la page")
        state = WidgetState(id=button, trigger_value=True)
        return await self.load(page, widget_states=[*self.widgets.values(), state])

    async def upload(self, name: str, data: bytes, page: str = "") -> PageLoad:
        """Drop a file on the page's (first) file uploader, as the browser does: ask the server for an
        upload URL over the websocket, PUT the file there, then rerun with the uploader's new state."""
        from streamlit.proto.BackMsg_pb2 import BackMsg as Back
        from streamlit.proto.Common_pb2 import FileUploaderState, UploadedFileInfo
        from streamlit.proto.WidgetStates_pb2 import WidgetState

        shown = self._last if self._last is not None else await self.load(page)
        uploader = next((e.file_uploader.id for e in shown.elements if e.WhichOneof("type") == "file_uploader"),
                        None)
        if uploader is None:
            return PageLoad(page, 0.0, "pas de dépôt de fichier sur la page")
        ask = Back()
        ask.file_urls_request.request_id = "depot"
        ask.file_urls_request.file_names.append(name)
        ask.file_urls_request.session_id = self.session_id
        await self.ws.send(ask.SerializeToString())
        while True:
            fwd = ForwardMsg()
            fwd.ParseFromString(await asyncio.wait_for(self.ws.recv(), self.timeout))
            if fwd.WhichOneof("type") == "file_urls_response":
                break
        if fwd.file_urls_response.error_msg:
            return PageLoad(page, 0.0, f"dépôt refusé : {fwd.file_urls_response.error_msg}")
        urls = fwd.file_urls_response.file_urls[0]
        await asyncio.to_thread(self._put, urls.upload_url, name, data)
        info = UploadedFileInfo(name=name, size=len(data), file_id=urls.file_id, file_urls=urls)
        state = WidgetState(id=uploader, file_uploader_state_value=FileUploaderState(uploaded_file_info=[info]))
        self.widgets[uploader] = state
        return await self.load(page, widget_states=list(self.widgets.values()))

    def _put(self, upload_url: str, name: str, data: bytes) -> None:
        boundary = "----tableau-de-bord-" + str(time.time_ns())
        body = (f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{name}"\r\n'
                "Content-Type: application/octet-stream\r\n\r\n").encode() + data + f"\r\n--{boundary}--\r\n".encode()
        url = upload_url if upload_url.startswith("http") else self.base_url + "/" + upload_url.lstrip("/")
        req = urllib.request.Request(url, data=body, method="PUT", headers={
            "Content-Type": f"multipart/form-data; boundary={boundary}", "Cookie": self.cookie,
            "X-Xsrftoken": self.xsrf})
        with urllib.request.urlopen(req, timeout=self.timeout) as resp:
            resp.read()

    async def _until_finished(self) -> tuple[list[Element], str | None]:
        elements: list[Element] = []
        error = None
        while True:
            fwd = ForwardMsg()
            fwd.ParseFromString(await self.ws.recv())
            kind = fwd.WhichOneof("type")
            if kind == "new_session":
                elements, error = [], None  # a new run of the script (st.rerun starts another one)
                self.page_hash = fwd.new_session.page_script_hash
                self.session_id = fwd.new_session.initialize.session_id or self.session_id
            elif kind == "navigation":  # st.navigation: the page actually run (widgets belong to it)
                self.page_hash = fwd.navigation.page_script_hash
            elif kind == "delta" and fwd.delta.WhichOneof("type") == "new_element":
                el = fwd.delta.new_element
                elements.append(el)
                if el.WhichOneof("type") == "exception":
                    error = f"exception : {el.exception.type}: {el.exception.message}"
            elif kind == "page_not_found":
                error = f"page introuvable : {fwd.page_not_found.page_name!r}"
            elif kind == "script_finished" and fwd.script_finished in FINISHED:
                if fwd.script_finished == ForwardMsg.FINISHED_WITH_COMPILE_ERROR:
                    error = error or "erreur de compilation du script"
                self._last = PageLoad(self.page_hash, 0.0, error, elements)
                return elements, error


async def one_user(base_url: str, pages: list[str], timeout: float) -> list[PageLoad]:
    """A person opening the dashboard and each main page in turn, in one tab."""
    try:
        async with StreamlitSession(base_url, timeout) as session:
            return [await session.load(p) for p in pages]
    except Exception as err:  # connection refused, handshake rejected: every page of this user fails
        return [PageLoad(p, 0.0, f"{type(err).__name__}: {err}") for p in pages]


async def run_load(base_url: str, n: int, pages: list[str], timeout: float = 180.0) -> list[PageLoad]:
    """N users at once; every page load of every user."""
    results = await asyncio.gather(*(one_user(base_url, pages, timeout) for _ in range(n)))
    return [load for user in results for load in user]


@dataclass(frozen=True)
class Figures:
    n: int
    p50: float
    p95: float
    max: float
    errors: int
    first_errors: tuple[str, ...]


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100) of a non-empty list."""
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * q // 100))
    return ordered[int(rank) - 1]


def figures(loads: list[PageLoad]) -> Figures:
    ok = [x.seconds for x in loads if x.error is None] or [float("nan")]
    errors = [f"{x.page or '/'} : {x.error}" for x in loads if x.error]
    return Figures(len(loads), statistics.median(ok), percentile(ok, 95), max(ok), len(errors), tuple(errors[:5]))


def secondes(x: float) -> str:
    return f"{x:.1f}".replace(".", ",") + " s"


def report(label: str, f: Figures) -> str:
    line = (f"{label} : {f.n} chargements de page — p50 {secondes(f.p50)}, p95 {secondes(f.p95)}, "
            f"max {secondes(f.max)}, {f.errors} erreur(s)")
    return "\n".join([line, *(f"  - {e}" for e in f.first_errors)])


def measure(base_url: str, n: int, pages: list[str], label: str) -> Figures:
    asyncio.run(run_load(base_url, 1, pages[:1]))  # warm-up: the first run of a process loads the plan
    f = figures(asyncio.run(run_load(base_url, n, pages)))
    print(report(label, f), flush=True)
    return f


def compare(n: int, replicas: int, port: int, pages: list[str]) -> int:
    """One process, then the cluster, on the same store and in the same run; the ratio of the p95."""
    sys.path.insert(0, str(Path(__file__).parent))
    import run_cluster  # noqa: PLC0415

    url = run_cluster.store_url()
    problem = run_cluster.check_store(url, max(replicas, 2))
    if problem:
        print(problem, file=sys.stderr)
        return 2
    run_cluster.prepare_store(url)
    with run_cluster.Cluster(1, port, url, with_nginx=False) as single:
        one = measure(single.replica_urls[0], n, pages, "Un processus")
    with run_cluster.Cluster(replicas, port, url) as cluster:
        many = measure(cluster.url, n, pages, f"Grappe de {replicas} processus derrière nginx")
    ratio = one.p95 / many.p95 if many.p95 else float("nan")
    print(f"p95 un processus / p95 grappe : {ratio:.2f}".replace(".", ","))
    return 1 if one.errors or many.errors else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", help="serveur à mesurer (ex. http://127.0.0.1:8501)")
    parser.add_argument("-n", type=int, default=20, help="sessions simultanées (défaut 20)")
    parser.add_argument("--pages", nargs="*", default=MAIN_PAGES,
                        help="pages ouvertes par chaque session (chemins d'URL ; défaut : les cinq pages Pilotage)")
    parser.add_argument("--compare", action="store_true",
                        help="mesurer un processus seul puis la grappe (lancés par ce script)")
    parser.add_argument("--replicas", type=int, default=2, help="processus de la grappe avec --compare")
    parser.add_argument("--port", type=int, default=8501, help="port de nginx avec --compare")
    args = parser.parse_args(argv)
    if args.n < 1:
        parser.error("-n doit valoir au moins 1")
    if args.compare:
        return compare(args.n, args.replicas, args.port, args.pages)
    if not args.url:
        parser.error("indiquez --url (ou --compare)")
    f = measure(args.url, args.n, args.pages, args.url)
    return 1 if f.errors else 0


if __name__ == "__main__":
    with contextlib.suppress(KeyboardInterrupt):
        sys.exit(main())
