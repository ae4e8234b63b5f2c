"""The app as `python -m dashboard serve` serves it, seen from a websocket client (no browser needed):
every element of a page arrives, in the page's order, for a first visitor and for the one after, who
comes once the first tab is closed (messages handed over in batches, compiled pages kept)."""

from __future__ import annotations

import asyncio

from browser_builders import streamlit_server


def visit(client, url: str, page: str):
    async def go():
        async with client.StreamlitSession(url, timeout=120) as session:
            return await session.load(page)

    return asyncio.run(go())


def test_two_visitors_one_after_the_other_get_the_whole_page_in_order(tmp_path, plan, loadtest):
    with streamlit_server({"DASHBOARD_DB": f"sqlite:///{tmp_path / 'suivi.sqlite'}", "DASHBOARD_DEMO": "0"}) as url:
        first, second = visit(loadtest, url, "budget"), visit(loadtest, url, "budget")
    assert first.error is None and second.error is None
    assert first.texts() == second.texts()
    assert [len(t) for t in first.tables()] == [len(t) for t in second.tables()] == [len(plan.axes)]  # « Par axe »
    metrics = [t.split(" ")[0] for t in first.texts() if t.startswith(("Ponctuel", "Récurrent", "Par unité", "Total"))]
    assert metrics == ["Ponctuel", "Récurrent", "Par", "Total"]  # in the page's order
    assert first.texts().index("Budget du schéma") < first.texts().index("Télécharger (Excel)")
