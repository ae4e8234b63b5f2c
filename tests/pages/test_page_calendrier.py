"""AppTest of the Calendrier & retards page, without and with follow-up data."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from dashboard.suivi.store import Suivi

PAGE = str(Path(__file__).resolve().parents[2] / "vues" / "calendrier.py")
AS_OF = date(2025, 1, 15)


def _run(**widgets) -> AppTest:
    at = AppTest.from_file(PAGE, default_timeout=60)
    at.run()
    if widgets:
        for key, value in widgets.items():
            getattr(at, "date_input" if key == "calendrier_situation" else "multiselect")(key=key).set_value(value)
        at.run()
    assert not at.exception, at.exception
    return at


def _tab(at: AppTest, label: str) -> AppTest:
    """Open one tab of the page (a click on it: only the open tab is drawn)."""
    at.session_state["calendrier_onglet"] = label
    at.run()
    assert not at.exception, at.exception
    return at


def _table(at: AppTest, column: str) -> pd.DataFrame:
    found = [d.value for d in at.dataframe if column in d.value.columns]
    assert found, f"no table with a « {column} » column"
    return found[0]


def _gantt_rows(at: AppTest) -> list[str]:
    spec = json.loads(at.get("plotly_chart")[0].proto.spec)
    return spec["layout"]["yaxis"]["categoryarray"]


def test_without_follow_up_shows_the_plan_and_says_nothing_was_imported(plan):
    at = _run()
    assert at.title[0].value == "Calendrier & retards"
    rows = _gantt_rows(at)  # the first tab, open
    assert len(rows) == len(plan.actions) and rows[0].startswith("1 · ")
    dated = int(plan.calendrier.dropna(subset=["debut_prevu"]).action_id.nunique())
    assert at.metric[0].value == f"{dated} sur {len(plan.actions)}"
    assert len(at.metric) == 4  # no « En retard » without follow-up
    assert not at.dataframe  # the other tabs are drawn when opened
    assert "A définir" in set(_table(_tab(at, "Ce que le plan ne date pas"), "Mots du plan")["Mots du plan"])
    assert "2016-2018" in set(_table(_tab(at, "Anomalies du calendrier"), "Anomalie")["Mots du plan"])
    _tab(at, "Avancement et retards")
    assert any("Aucun avancement n'a encore été importé" in i.value for i in at.info)
    assert not [d for d in at.dataframe if "Retard sur le plan" in d.value.columns]


def test_date_picker_defaults_to_today_in_french_format():
    at = _run()
    picker = at.date_input(key="calendrier_situation")
    assert picker.value == date.today() and picker.label == "Situation au"
    _tab(at, "Avancement et retards")
    assert at.header[0].value == f"Avancement et retards au {date.today():%d/%m/%Y}"


def test_sidebar_filter_restricts_the_timeline():
    at = _run(filtre_axes=[2])
    rows = _gantt_rows(at)
    assert {int(r.split(" · ")[0]) for r in rows} == set(range(21, 33))
    assert at.metric[0].value == "8 sur 12"


STATUTS = pd.DataFrame({
    "action_id": [5, 52, 22, 42, 10],
    "annee": [2024] * 5,
    "statut": ["En cours", "Réalisée", "Reportée", "En cours", "Abandonnée"],
    "debut_reel": pd.to_datetime(["2023-03-01", "2023-05-02", None, None, None]),
    "fin_reelle": pd.to_datetime([None, "2023-05-20", None, None, None]),
    "fin_revisee": pd.to_datetime([None, None, "2024-06-30", None, None]),
    "commentaire": ["travaux de mise aux normes", "", "avenant en attente de la Région", "", "projet abandonné"],
})


@pytest.fixture
def with_follow_up(monkeypatch):
    import dashboard.ui

    monkeypatch.setattr(dashboard.ui, "get_suivi", lambda: Suivi(statuts=STATUTS.copy()))


def test_with_follow_up_lists_late_actions_by_months_late(with_follow_up):
    at = _run(calendrier_situation=AS_OF)
    assert at.metric[-1].label == "En retard au 15/01/2025" and at.metric[-1].value == "2"  # whichever tab is open
    _tab(at, "Avancement et retards")
    assert at.date_input(key="calendrier_situation").value == AS_OF  # kept through the click on the tab
    assert not any("Aucun avancement" in i.value for i in at.info)
    late = _table(at, "Retard sur le plan")
    # action 5 planned end 30/06/2023 → 565 days to 15/01/2025; action 22: 31/12/2023 → 381 days
    assert list(late["N°"]) == [5, 22]
    assert list(late["Retard sur le plan"]) == ["18,6\u00a0mois", "12,5\u00a0mois"]
    assert list(late["Fin prévue"]) == ["30/06/2023", "31/12/2023"]
    assert late.iloc[1]["Fin révisée"] == "30/06/2024 (dépassée)"
    assert late.iloc[0]["Porteur"] == "Office de tourisme"
    assert late.iloc[0]["Dernier commentaire"] == "travaux de mise aux normes"
    side = _table(at, "Fin réelle").set_index("N°")
    assert side.loc[52, "Glissement"] == "-0,4\u00a0mois"  # done 11 days early
    assert side.loc[10, "Situation"] == "abandonnée" and side.loc[42, "Situation"] == "dans les temps"
    titles = [json.loads(c.proto.spec)["layout"]["title"]["text"] for c in at.get("plotly_chart")]
    assert "2 action(s) en retard au 15/01/2025, dont 1 sur l'axe 1" in titles


def test_a_later_date_makes_more_actions_late(with_follow_up):
    at = _tab(_run(calendrier_situation=date(2027, 1, 15)), "Avancement et retards")
    late = _table(at, "Retard sur le plan")
    assert list(late["N°"]) == [5, 22, 42]  # 42 ends in 2026 (« 2026 ? »)


def test_unreadable_store_keeps_the_plan_on_screen(monkeypatch):
    import dashboard.ui

    def broken():
        raise RuntimeError("base verrouillée")

    monkeypatch.setattr(dashboard.ui, "get_suivi", broken)
    at = _run()
    assert any("n'a pas pu être lu" in w.value for w in at.warning)
    assert len(_gantt_rows(at)) > 0
