"""A plan several times larger than the shipped one stays legible: the Gantt by pages, the slippage
chart on the largest slippages, the coloured indicator table by rows — and every action still
somewhere (the pages together, the tables)."""

from __future__ import annotations

import dataclasses

import pandas as pd
import pytest

from dashboard import metrics
from dashboard.present import views
from dashboard.present.views.calendar import GANTT_PAGE, SLIPPAGE_MAX

COPIES = 4  # 4 × 53 = 212 actions: three pages of Gantt


def _times(plan, n: int, hypotheses: bool = False):
    """The plan with each action copied n times (copy k of action a: a + 100 k), as make_big_plan does;
    its hypotheses copied with their actions, or left out."""
    def copies(df):
        return pd.concat([df.assign(action_id=df["action_id"] + 100 * k) for k in range(n)], ignore_index=True)

    ind = copies(plan.indicateurs)
    ind["indicateur_id"] = [f"A{a}-{i.split('-', 1)[1]}" for a, i in zip(ind["action_id"], ind["indicateur_id"],
                                                                         strict=True)]
    return dataclasses.replace(plan, actions=copies(plan.actions), budget=copies(plan.budget),
                               etp=copies(plan.etp), calendrier=copies(plan.calendrier), indicateurs=ind,
                               hypotheses=copies(plan.hypotheses) if hypotheses else plan.hypotheses.iloc[0:0])


@pytest.fixture(scope="module")
def big(plan):
    return _times(plan, COPIES)


def _rows(fig) -> list[str]:
    return list(fig.layout.yaxis.categoryarray)


def test_gantt_pages_cover_every_action_once(big):
    as_of = pd.Timestamp("2025-06-30")
    v = views.calendar.build(big, metrics.Filters(), as_of)
    n = len(big.actions)
    assert len(v.gantt_pages) == -(-n // GANTT_PAGE) == 3
    pages = [_rows(v.fig_gantt)] + [_rows(views.calendar.gantt(big, metrics.Filters(), as_of, p))
                                    for p in range(1, len(v.gantt_pages))]
    assert [len(p) for p in pages] == [GANTT_PAGE, GANTT_PAGE, n - 2 * GANTT_PAGE]
    every = [r for p in pages for r in p]
    assert len(set(every)) == n                                   # each action on exactly one page
    assert _rows(views.calendar.gantt(big, metrics.Filters(), as_of, 0)) == pages[0]
    # the labels say where each page starts and ends: axe 1 first, axe 5 last
    assert v.gantt_pages[0].startswith("axe 1, n° 1 à ") and "(100 actions)" in v.gantt_pages[0]
    assert v.gantt_pages[-1].endswith(f"({n - 2 * GANTT_PAGE} actions)")


def test_the_shipped_plan_keeps_one_gantt(plan):
    v = views.calendar.build(plan, metrics.Filters(), pd.Timestamp("2025-06-30"))
    assert v.gantt_pages == () and len(_rows(v.fig_gantt)) == 53


def test_slippage_chart_keeps_the_largest_and_the_table_keeps_all(big):
    # every dated action "En cours" with a revised end a year after its planned end, seen in 2040: all late
    as_of = pd.Timestamp("2040-01-01")
    sched = metrics.schedule(big, None, as_of)
    ends = sched.dropna(subset=["fin_prevue"])
    statuts = pd.DataFrame({"action_id": ends["action_id"].astype(int), "annee": 2025, "statut": "En cours",
                            "debut_reel": pd.NaT, "fin_reelle": pd.NaT,
                            "fin_revisee": ends["fin_prevue"] + pd.DateOffset(years=1) + pd.to_timedelta(
                                ends["action_id"] % 7, unit="D"), "commentaire": ""})
    p = views.calendar.progress(big, metrics.Filters(), statuts, as_of)
    assert p.n_slippage == len(statuts) > SLIPPAGE_MAX
    assert len(p.fig_slippage.layout.yaxis.categoryarray or p.fig_slippage.data[0].y) == SLIPPAGE_MAX
    assert len(p.followed) == len(statuts)                        # the table lists every followed action


def test_indicator_table_by_rows_keeps_its_colours(plan):
    ind = pd.DataFrame({"indicateur_id": ["A11-1", "A11-1"], "annee": [2023, 2024], "resultat": [100.0, 120.0],
                        "objectif": [None, None], "commentaire": ["", ""], "source": ["", ""]})
    v = views.indicators.build(plan, metrics.Filters(), ind, 2024)
    row = list(v.table["Identifiant"]).index("A11-1")
    part = v.styled_table(slice(row, row + 3))
    assert list(part.data["Identifiant"])[0] == "A11-1" and len(part.data) == 3
    html = part.to_html()
    assert v.appreciations[row] == metrics.FAVORABLE and views.indicators.COLORS[metrics.FAVORABLE] in html


def test_dozens_of_hypotheses_are_one_table_whose_values_flow_into_the_totals(plan):
    big = _times(plan, 7, hypotheses=True)           # 7 × 2 hypotheses: more than a page of inputs
    inputs = views.budget.hypothesis_inputs(big)
    assert len(inputs) == 14 > views.budget.FEW_HYPOTHESES
    table = views.budget.hypothesis_table(big)
    assert list(table.columns) == ["Action", "Paramètre", "Unité", "Valeur", "Explication"]
    assert list(table["Action"][:4]) == [4, 9, 104, 109] and list(table["Unité"][:2]) == ["quantité", "%"]
    assert table["Valeur"].isna()[0]                  # the number of parcours: not set in the workbook
    untouched, problems = views.budget.hypothesis_values(inputs, table)
    assert problems == [] and untouched == metrics.hypothesis_defaults(big)

    edited = table.copy()
    edited.loc[2, "Valeur"] = 3                       # 3 parcours for copy 1 of action 4 (action 104)
    values, problems = views.budget.hypothesis_values(inputs, edited)
    assert problems == [] and values[(104, "Quantité : parcours")] == 3
    # 3 parcours × 50 000 €, the other copies' parcours still not set
    assert views.budget.build(big, metrics.Filters(), values, None).par_unite == (150_000, 150_000)


@pytest.mark.parametrize(("row", "value", "message"), [
    (3, 150, "Ligne 4 (action 109, « Part : Office de tourisme ») : 150 refusé, une part est un pourcentage de "
             "0 à 100 ; la valeur du classeur est gardée"),
    (2, -2, "Ligne 3 (action 104, « Quantité : parcours ») : -2 refusé, une quantité ne peut pas être négative ; "
            "la valeur du classeur est gardée (non fixée)."),
])
def test_a_hypothesis_value_out_of_range_is_refused_and_the_workbook_value_kept(plan, row, value, message):
    big = _times(plan, 7, hypotheses=True)
    inputs = views.budget.hypothesis_inputs(big)
    edited = views.budget.hypothesis_table(big)
    edited.loc[row, "Valeur"] = value
    values, problems = views.budget.hypothesis_values(inputs, edited)
    assert len(problems) == 1 and problems[0].startswith(message)
    assert values == metrics.hypothesis_defaults(big)
