"""ui.chart in a running app (AppTest): the chart's accessible name (alt) is present.alternatives' text,
« Voir les données » follows it (its table drawn once opened), and two charts with one title coexist."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest


def _two_charts_with_one_title():
    import plotly.graph_objects as go

    from dashboard import ui

    for counts in ([19, 3], [4, 5]):
        fig = go.Figure(go.Bar(y=["Axe 1", "Axe 2"], x=counts, orientation="h"))
        fig.update_layout(title={"text": "Fiches par axe"})
        ui.chart(fig)


def test_each_chart_is_named_and_has_its_data_one_click_away():
    at = AppTest.from_function(_two_charts_with_one_title, default_timeout=30)
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    charts = at.get("plotly_chart")
    assert [c.proto.alt for c in charts] == [
        "Graphique en barres. Fiches par axe. Axe 1 : 19 ; Axe 2 : 3. Détail dans « Voir les données ».",
        "Graphique en barres. Fiches par axe. Axe 1 : 4 ; Axe 2 : 5. Détail dans « Voir les données ».",
    ]
    assert [e.label for e in at.expander] == ["Voir les données : Fiches par axe"] * 2
    assert not at.table  # closed: the tables are not drawn
