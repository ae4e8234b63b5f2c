"""`make run-cluster REPLICAS=2` on PostgreSQL: what one replica writes, the other shows at its next page load.

The pages are read and driven as a browser does, over Streamlit's websocket (scripts/loadtest.py's
client): a file dropped on replica 1's import page and confirmed there, then replica 2's pages; a
revision of the plan imported through replica 1's page « Plan », then replica 2's pages.
Needs PostgreSQL (DASHBOARD_TEST_PG, see conftest) and Debian's nginx; skipped without them, except
in CI (CI=true), where they must be there.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys

import pytest
from cluster_run import ROOT, up
from markdown_builders import literal
from ports import port_libre
from suivi_builders import fill, first_of
from versions_builders import revise

from dashboard import fmt
from dashboard.suivi import template

DEMO_BANNER = "Données de démonstration"


def _read(loaded) -> list[str]:
    """What a visitor reads of a page's texts (Markdown written plain by ui.brut, read back)."""
    return [literal(t) for t in loaded.texts()]


def _run(coro):
    return asyncio.run(coro)


async def _page(loadtest, url, page):
    async with loadtest.StreamlitSession(url) as s:
        return await s.load(page)


def test_an_import_through_one_replica_shows_on_the_other(cluster, loadtest, plan):
    r1, r2 = cluster["replicas"]
    ident = first_of(plan, "nombre")
    data = fill(template.write_template(plan, 2025), plan, {ident: 4242})

    # replica 2 first: the demonstration data, prepared once before the replicas started (its caches
    # now hold that state)
    before = _run(_page(loadtest, r2, "import"))
    assert before.error is None and any(DEMO_BANNER in t for t in _read(before))
    history = before.tables()[0]
    assert len(history) == 3 and (history["Fichier"].str.startswith("suivi_")).all()

    async def through_replica_1():
        async with loadtest.StreamlitSession(r1) as s:
            await s.load("import")
            removed = await s.click("Retirer les données de démonstration", "import")
            assert removed.error is None
            assert "Données de démonstration retirées" in " ".join(_read(removed))
            await s.load("import")
            checked = await s.upload("suivi_grappe.xlsx", data, "import")
            assert checked.error is None and "Nouvelles valeurs 1" in _read(checked)
            return await s.click("Confirmer l'import", "import")

    done = _run(through_replica_1())
    assert done.error is None
    assert any(t.startswith("Import n° 4 enregistré (suivi_grappe.xlsx, 2025) : 1 valeur(s) nouvelle(s)")
               for t in _read(done))

    # replica 2, next page load: no more demo, the new import and its value
    after = _run(_page(loadtest, r2, "import"))
    assert after.error is None and not any(DEMO_BANNER in t for t in _read(after))
    history, detail = after.tables()[:2]
    assert history[["N°", "Fichier", "Nouvelles"]].values.tolist() == [[4, "suivi_grappe.xlsx", "1"]]
    assert detail.astype(str).apply(lambda col: col.str.contains("4242|4 242|4\u202f242")).any().any()
    home = _run(_page(loadtest, r2, ""))
    assert home.error is None and not any(DEMO_BANNER in t for t in _read(home))

    # and through nginx, as people reach it
    front = _run(_page(loadtest, cluster["front"], "import"))
    assert front.error is None and front.tables()[0]["Fichier"].tolist() == ["suivi_grappe.xlsx"]

    # Ctrl-C stops nginx and both replicas
    proc = cluster["proc"]
    os.killpg(proc.pid, signal.SIGINT)
    proc.wait(timeout=60)
    assert not any(up(u) for u in [*cluster["replicas"], cluster["front"]])


def test_more_than_one_replica_refuses_sqlite(tmp_path):
    env = {**os.environ, "DASHBOARD_DB": f"sqlite:///{tmp_path / 'suivi.sqlite'}"}
    done = subprocess.run([sys.executable, str(ROOT / "scripts" / "run_cluster.py"), "--replicas", "2",
                           "--port", str(port_libre())], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 2
    assert "Avec 2 processus, la base du suivi doit être partagée : SQLite" in done.stderr
    assert "postgresql+psycopg://" in done.stderr and "Traceback" not in done.stderr
    assert not (tmp_path / "suivi.sqlite").exists()  # refused before anything was created


# --- the plan's versions: every replica reads the plan in force from the store ---------------------

LABEL = "Révision mi-parcours 2025"


@pytest.fixture
def plan_from_store(monkeypatch):
    """Before the cluster starts: no DASHBOARD_PLAN, every replica reads the plan in force from the store."""
    monkeypatch.delenv("DASHBOARD_PLAN")


def _texts(url: str, page: str, client) -> list[str]:
    shown = _run(_page(client, url, page))
    assert shown.error is None, shown.error
    return _read(shown)


def _widget(shown, kind: str, label: str) -> str:
    (wid,) = [getattr(e, kind).id for e in shown.elements
              if e.WhichOneof("type") == kind and getattr(e, kind).label == label]
    return wid


def test_a_plan_revision_imported_through_one_replica_shows_on_the_other(plan_from_store, cluster, loadtest):
    from streamlit.proto.WidgetStates_pb2 import WidgetState

    r1, r2 = cluster["replicas"]
    voted = "Fiches action 53"
    assert voted in _texts(r2, "", loadtest)

    async def through_replica_1(data: bytes):
        async with loadtest.StreamlitSession(r1) as s:
            await s.load("plan")
            checked = await s.upload("revision_2025.xlsx", data, "plan")
            assert checked.error is None
            assert "« revision_2025.xlsx » est un classeur du plan valide." in _read(checked)
            label = WidgetState(id=_widget(checked, "text_input", "Libellé de la version"), string_value=LABEL)
            submit = WidgetState(id=_widget(checked, "button", "Enregistrer et rendre cette version courante"),
                                 trigger_value=True)
            done = await s.load("plan", widget_states=[*s.widgets.values(), label, submit])
            assert done.error is None
            return _read(done)

    shown = _run(through_replica_1(revise(budget=True, add_action=True, move_end=True)))
    assert f"Version 2 enregistrée (« {LABEL} ») : c'est désormais la version courante du plan." in shown

    # replica 2, next page load: the revision (54 actions, 50 000 € more one-off)
    home = _texts(r2, "", loadtest)
    assert "Fiches action 54" in home
    assert f"Budget ponctuel chiffré {fmt.fourchette(471_500, 491_500)}" in home
    assert any(t.startswith(f"**Version en vigueur : Version 2 – {LABEL}**") for t in _texts(r2, "plan", loadtest))

    # back to the voted plan through replica 2's page: replica 1 follows
    async def back_through_replica_2():
        async with loadtest.StreamlitSession(r2) as s:
            await s.load("plan")
            return await s.click("Rendre cette version courante", "plan")

    back = _run(back_through_replica_2())
    assert back.error is None
    assert "Version 1 – Plan voté le 16/02/2023 : c'est de nouveau la version courante du plan." in _read(back)
    assert voted in _texts(r1, "", loadtest)

    proc = cluster["proc"]
    os.killpg(proc.pid, signal.SIGINT)
    proc.wait(timeout=60)


def test_a_password_sign_in_through_nginx_is_seen_by_both_replicas(cluster, loadtest, pg_url):
    """Signed in once through nginx (POST /connexion): the session's cookie opens the same signed-in
    session on either replica, then « Se déconnecter » through nginx ends it on both."""
    import http.cookies
    import re
    import urllib.parse
    import urllib.request

    from dashboard.acces import comptes
    from dashboard.acces.roles import OPERATEUR
    from dashboard.suivi import store

    comptes.creer(store.open_engine(pg_url), OPERATEUR, "camille", "saisie", "motdepasse-saisie",
                  nom="Camille Martin")
    front, jar = cluster["front"], http.cookies.SimpleCookie()

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    opener = urllib.request.build_opener(NoRedirect)

    def send(path: str, form: dict | None = None):
        headers = {"Cookie": "; ".join(f"{k}={m.value}" for k, m in jar.items()), "Origin": front}
        data = urllib.parse.urlencode(form).encode() if form is not None else None
        try:
            resp = opener.open(urllib.request.Request(front + path, data=data, headers=headers), timeout=30)
        except urllib.error.HTTPError as err:  # the 303 answer, not followed
            resp = err
        for header in resp.headers.get_all("Set-Cookie") or []:
            jar.load(header)
        return resp.status, resp.read().decode()

    status, page = send("/connexion?suite=/import")
    token = re.search(r'name="jeton" value="([^"]+)"', page).group(1)
    status, _ = send("/connexion", {"jeton": token, "suite": "/import", "identifiant": "camille",
                                    "mot_de_passe": "motdepasse-saisie"})
    assert status == 303 and "dashboard_session" in jar
    cookie = f"dashboard_session={jar['dashboard_session'].value}"

    async def sidebar(url):
        async with loadtest.StreamlitSession(url, cookie=cookie) as s:
            return " ".join((await s.load("import")).texts())

    for replica in cluster["replicas"]:
        shown = _run(sidebar(replica))
        assert "Camille Martin" in shown and "Rôle : saisie" in shown, replica
    status, _ = send("/deconnexion", {"jeton": jar["dashboard_csrf"].value, "suite": "/import"})
    assert status == 303
    for replica in cluster["replicas"]:
        shown = _run(sidebar(replica))
        assert "Camille Martin" not in shown and "Rôle : saisie" not in shown, replica


def test_the_browser_s_scripts_come_compressed_through_nginx(cluster):
    """Streamlit under st.App sends its static files uncompressed; nginx compresses them (the page's
    scripts, plotly.js included), and a replica reached directly still answers as it always did."""
    import gzip
    import re
    import urllib.request

    def get(url: str):
        with urllib.request.urlopen(urllib.request.Request(url, headers={"Accept-Encoding": "gzip"}), timeout=30) as r:
            return r.headers.get("Content-Encoding"), r.read()

    encoding, index = get(cluster["front"] + "/")
    index = gzip.decompress(index) if encoding == "gzip" else index
    script = re.search(rb'src="\.?/?(static/js/[^"]+\.js)"', index).group(1).decode()
    encoding, body = get(f"{cluster['front']}/{script}")
    assert encoding == "gzip"
    plain = gzip.decompress(body)
    assert len(body) * 2 < len(plain)
    direct_encoding, direct = get(f"{cluster['replicas'][0]}/{script}")
    assert direct_encoding is None and direct == plain
