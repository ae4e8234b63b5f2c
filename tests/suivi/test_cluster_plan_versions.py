"""Two app processes on one PostgreSQL store (`make run-cluster REPLICAS=2`), the plan read from the store:
a revision imported through replica 1's page « Plan » shows on replica 2 at its next page load, and so
does the return to the voted plan. Driven over Streamlit's websocket as a browser does (scripts/loadtest.py).
Needs PostgreSQL and Debian's nginx (see test_cluster)."""

from __future__ import annotations

import asyncio
import os
import signal

import pytest
from _plan_revisions import revise
from test_cluster import cluster, loadtest  # noqa: F401  (the fixtures: the cluster and its client)

from dashboard import fmt

LABEL = "Révision mi-parcours 2025"


@pytest.fixture
def plan_from_store(monkeypatch):
    """Before the cluster starts: no DASHBOARD_PLAN, every replica reads the plan in force from the store."""
    monkeypatch.delenv("DASHBOARD_PLAN")


def _texts(url: str, page: str, client) -> list[str]:
    async def go():
        async with client.StreamlitSession(url) as s:
            shown = await s.load(page)
            assert shown.error is None, shown.error
            return shown.texts()
    return asyncio.run(go())


def _widget(shown, kind: str, label: str) -> str:
    (wid,) = [getattr(e, kind).id for e in shown.elements
              if e.WhichOneof("type") == kind and getattr(e, kind).label == label]
    return wid


def test_a_revision_imported_through_one_replica_shows_on_the_other(plan_from_store, cluster, loadtest):  # noqa: F811
    from streamlit.proto.WidgetStates_pb2 import WidgetState

    r1, r2 = cluster["replicas"]
    voted = "Fiches action 53"
    assert voted in _texts(r2, "", loadtest)

    async def through_replica_1(data: bytes):
        async with loadtest.StreamlitSession(r1) as s:
            await s.load("plan")
            checked = await s.upload("revision_2025.xlsx", data, "plan")
            assert checked.error is None
            assert "« revision_2025.xlsx » est un classeur du plan valide." in checked.texts()
            label = WidgetState(id=_widget(checked, "text_input", "Libellé de la version"), string_value=LABEL)
            submit = WidgetState(id=_widget(checked, "button", "Enregistrer et rendre cette version courante"),
                                 trigger_value=True)
            done = await s.load("plan", widget_states=[*s.widgets.values(), label, submit])
            assert done.error is None
            return done.texts()

    shown = asyncio.run(through_replica_1(revise(budget=True, add_action=True, move_end=True)))
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

    back = asyncio.run(back_through_replica_2())
    assert back.error is None
    assert "Version 1 – Plan voté le 16/02/2023 : c'est de nouveau la version courante du plan." in back.texts()
    assert voted in _texts(r1, "", loadtest)

    proc = cluster["proc"]
    os.killpg(proc.pid, signal.SIGINT)
    proc.wait(timeout=60)
