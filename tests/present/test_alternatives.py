"""The text alternative of a chart (present.alternatives): its accessible name states the title and the
figures the chart shows, its data table carries the same numbers, with headers, in French."""

from __future__ import annotations

import json

import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio
import pytest
from present_builders import fr

from dashboard.present import alternatives, charts


def eur(text: str) -> str:
    """Euros as fmt writes them: thousands in narrow spaces, a no-break space before €."""
    return fr(text).replace(" €", "\u00a0€")


def drawn(fig: go.Figure) -> dict:
    """The figure as the page hands it to the browser (JSON values, NumPy arrays in base64)."""
    return charts.plotly_brut(json.loads(pio.to_json(fig, validate=False)))


def test_count_bars_name_every_category_with_its_count():
    fig = drawn(charts.count_bars(["Axe 1", "Axe 2"], [19, 3], ["#0072B2", "#E69F00"], "Axe 1 regroupe 86 % des fiches"))
    assert alternatives.alt(fig) == ("Graphique en barres. Axe 1 regroupe 86 % des fiches. Axe 1 : 19 ; Axe 2 : 3. "
                                     "Détail dans « Voir les données ».")
    table = alternatives.data(fig)
    assert list(table.columns) == ["Libellé", "Valeur", "Sur le graphique"]
    assert table.values.tolist() == [["Axe 1", "19", "19"], ["Axe 2", "3", "3"]]


def test_ranges_are_read_as_the_chart_writes_them_panel_by_panel():
    # one-off 20 000-40 000 and 200 000; annual 5 000-10 000 and nothing (hand-made budget_by table)
    table = pd.DataFrame({"label": ["Axe 1", "Axe 2"], "axe": [1, 2],
                          "unique_min": [20_000.0, 200_000.0], "unique_max": [40_000.0, 200_000.0],
                          "annuel_min": [5_000.0, 0.0], "annuel_max": [10_000.0, 0.0]})
    fig = drawn(charts.budget_split_figure(table, "label", "Axe 2 porte 83 % du budget"))
    text = alternatives.alt(fig)
    assert text.startswith("Graphique en barres. Axe 2 porte 83 % du budget. ")
    assert eur("Ponctuel (dépenses uniques) : Axe 1 : 20 000 – 40 000 € ; Axe 2 : 200 000 €") in text
    assert eur("Récurrent (par an) : Axe 1 : 5 000 – 10 000 €") + " ; Axe 2 : 0 €" in text  # the chart writes « 0 € »
    data = alternatives.data(fig).set_index("Libellé")
    assert data.loc["Axe 1", "Ponctuel (dépenses uniques) – sur le graphique"] == eur("20 000 – 40 000 €")
    assert data.loc["Axe 2", "Récurrent (par an) – sur le graphique"] == "0 €"


def test_a_long_list_names_the_first_categories_and_counts_the_rest():
    labels = [f"Porteur {i}" for i in range(1, 10)]
    fig = drawn(charts.count_bars(labels, list(range(9, 0, -1)), ["#4C566A"] * 9, "Porteur 1 en tête"))
    text = alternatives.alt(fig)
    assert "Porteur 6 : 4 ; et 3 autre(s)." in text and "Porteur 7" not in text
    assert len(alternatives.data(fig)) == 9  # the table keeps every row


def test_a_timeline_gives_its_bars_with_their_dates():
    start = pd.Timestamp("2024-01-01")
    fig = go.Figure(go.Bar(y=["3 · Escape-game", "5 · Musée"], x=[181 * 86_400_000, 31 * 86_400_000],
                           base=[start, pd.Timestamp("2025-03-01")], orientation="h", name="Axe 1"))
    fig.update_layout(title={"text": "2 actions datées"})
    fig = drawn(fig)
    table = alternatives.data(fig)
    assert table.values.tolist() == [["Axe 1", "3 · Escape-game", "01/01/2024", "30/06/2024"],
                                     ["Axe 1", "5 · Musée", "01/03/2025", "01/04/2025"]]
    assert alternatives.alt(fig) == ("Graphique en barres. 2 actions datées. 2 barre(s) pour 2 libellé(s), "
                                     "du 01/01/2024 au 01/04/2025. Détail dans « Voir les données ».")


def test_lines_name_each_series_and_a_treemap_its_first_level():
    fig = go.Figure([go.Scatter(x=[2023, 2024], y=[1200.5, 1500], name="Réalisé"),
                     go.Scatter(x=[2023, 2024], y=[1000, 1000], name="Cible")])
    fig.update_layout(title={"text": "Fréquentation <b>en hausse</b>"})
    text = alternatives.alt(drawn(fig))
    assert text.startswith("Graphique en courbes. Fréquentation en hausse. ")
    assert fr("Réalisé : 2023 : 1 200,5 ; 2024 : 1 500. Cible : 2023 : 1 000 ; 2024 : 1 000.") in text
    tree = go.Figure(go.Treemap(labels=["Plan", "Axe 1", "Axe 2", "A11"], parents=["", "Plan", "Plan", "Axe 1"],
                                values=[300, 200, 100, 200]))
    assert fr("Axe 1 : 200 ; Axe 2 : 100.") in alternatives.alt(drawn(tree))
    assert list(alternatives.data(drawn(tree)).columns) == ["Dans", "Libellé", "Valeur"]


@pytest.mark.parametrize(("raw", "plain"), [
    ("Axe 1<br>porte 63 %", "Axe 1 porte 63 %"),
    ("R&amp;D &lt;b&gt;", "R&D <b>"),  # what plotly_brut escaped reads back as typed
    (None, ""),
])
def test_plotly_text_reads_as_plain_words(raw, plain):
    assert alternatives.plain(raw) == plain


def test_chart_texts_are_written_in_near_black_not_the_themes_grey():
    """Axes, values at the bars' ends and panel titles: #1B1F24 (16:1 on white), not #808495 (3,8:1)."""
    table = pd.DataFrame({"label": ["Axe 1"], "axe": [1], "unique_min": [1.0], "unique_max": [2.0],
                          "annuel_min": [0.0], "annuel_max": [0.0]})
    fig = charts.budget_split_figure(table, "label", "Titre")
    assert fig.layout.font.color == charts.INK
    assert {fig.layout.xaxis.tickfont.color, fig.layout.yaxis2.tickfont.color} == {charts.INK}
    assert {a.font.color for a in fig.layout.annotations} == {charts.INK}   # « Ponctuel », « Récurrent »
    assert {t.textfont.color for t in fig.data if t.text is not None} == {charts.INK}
