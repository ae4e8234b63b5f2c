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


def _one_chart():
    import plotly.graph_objects as go
    import streamlit as st

    from dashboard import ui

    if st.query_params.get("mode") == "projecteur":
        st.write("projecteur")
    fig = go.Figure(go.Bar(y=["Axe 1", "Axe 2"], x=[19, 3], orientation="h"))
    fig.update_layout(title={"text": "Axe 1 regroupe 86 % des fiches de la période"})
    ui.chart(fig)


def test_a_chart_on_a_page_saves_as_an_image_named_by_its_message_and_the_day_but_not_on_the_projector():
    import json

    import pandas as pd

    at = AppTest.from_function(_one_chart, default_timeout=30)
    at.run()
    config = json.loads(at.get("plotly_chart")[0].proto.config)
    assert config["displayModeBar"] is True and config["modeBarButtons"] == [["toImage"]]
    assert config["locale"] == "fr"   # the button's tooltip in French (plotly.js's own words otherwise)
    assert config["locales"]["fr"]["dictionary"]["Download plot as a PNG"].startswith("Enregistrer le graphique")
    day = pd.Timestamp.today().date().isoformat()  # the server's day, as metrics.as_timestamp reads it
    assert config["toImageButtonOptions"] == {
        "format": "png", "scale": 2, "filename": f"Axe_1_regroupe_86_des_fiches_de_la_periode_{day}"}

    at.query_params["mode"] = "projecteur"
    at.run()
    assert json.loads(at.get("plotly_chart")[0].proto.config) == {"displayModeBar": False}
