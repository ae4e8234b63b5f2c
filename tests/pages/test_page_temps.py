"""AppTest of the pages as they were on a day (`?au=`), of « Depuis le dernier comité » on Vue d'ensemble,
and of the comité's date on /comite (recorded, in the deck's file names).

The story, the store's instants set to past days: the voted plan in force from 05/01/2025; an import on
10/03/2025 (10 000 € spent on action 11 in 2025); a comité on 30/06/2025; an import on 15/09/2025
(25 000 € on the same line).
"""

from __future__ import annotations

import html
import sys
from datetime import date, datetime
from pathlib import Path

import pytest
from markdown_builders import literal
from page_builders import run_page
from streamlit.testing.v1 import AppTest

from dashboard import fmt
from dashboard.base.tables import plan_courantes
from dashboard.plan import versions
from dashboard.suivi import comites, temps

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "suivi"))
from suivi_builders import filled, imported_on  # noqa: E402

SPENT = "2025 Dépenses (€)"


def spent_on_11(plan, euros: float) -> bytes:
    """The 2025 follow-up template with `euros` spent on action 11 (no stamp: compared with the store as a whole)."""
    return filled(2025, av={(11, SPENT): euros}, plan=plan)


@pytest.fixture
def engine(monkeypatch, store_url):
    """The store the pages read (DASHBOARD_DB; SQLite, then PostgreSQL), the plan from its versions."""
    monkeypatch.delenv("DASHBOARD_PLAN")
    engine = versions.open_engine(store_url)
    versions.ensure_first_version(engine)
    with engine.begin() as conn:
        conn.execute(plan_courantes.update().values(le=datetime(2025, 1, 5, 9)))
    return engine


@pytest.fixture
def story(engine):
    plan = versions.current_plan(engine)
    imported_on(engine, plan, spent_on_11(plan, 10_000), "suivi_mars.xlsx", datetime(2025, 3, 10, 10))
    comites.enregistrer(engine, date(2025, 6, 30), "saisie")
    imported_on(engine, plan, spent_on_11(plan, 25_000), "suivi_sept.xlsx", datetime(2025, 9, 15, 10))
    return engine


def run(page: str, au: str | None = None, **state) -> AppTest:
    return run_page(page, {"au": au}, **state)


def realised_2025(at: AppTest) -> str:
    (table,) = [d.value for d in at.dataframe if "Réalisé (€)" in d.value.columns]
    return table.loc[table["Année"].astype(str) == "2025", "Réalisé (€)"].iloc[0]


def banner(at: AppTest) -> list[str]:
    return [i.value for i in at.info if "Vous regardez la situation au" in i.value]


def test_budget_as_of_a_day_before_an_import_shows_the_values_before_it(story):
    before = run("budget", "2025-06-30", budget_onglet="Prévu / réalisé")
    assert realised_2025(before) == fmt.euros(10_000)
    assert banner(before) == ["**Vous regardez la situation au 30/06/2025** : la base du suivi et la version du "
                              "plan telles qu'elles étaient ce jour-là. Rien ne peut être importé ni modifié dans ce mode."]
    assert before.button(key="revenir_aujourdhui")
    # back to today: the September import counts, no banner, the address loses au=
    before.button(key="revenir_aujourdhui").click().run()
    assert realised_2025(before) == fmt.euros(25_000) and not banner(before)
    assert "au" not in before.query_params
    today = run("budget", budget_onglet="Prévu / réalisé")
    assert realised_2025(today) == fmt.euros(25_000) and not banner(today)


def test_the_day_stays_when_another_page_is_reached_without_it_in_the_address(story):
    at = run("budget", "2025-06-30", budget_onglet="Prévu / réalisé")
    del at.query_params["au"]  # what st.navigation does on a page change
    at.run()
    assert realised_2025(at) == fmt.euros(10_000) and banner(at)


@pytest.mark.parametrize(("au", "message"), [
    ("2999-01-01", "Date de situation « 2999-01-01 » dans le futur"),
    ("30/06/2025", "Date de situation invalide « 30/06/2025 » : écrivez-la AAAA-MM-JJ"),
])
def test_a_wrong_or_future_day_is_said_and_today_is_shown(story, au, message):
    at = run("budget", au, budget_onglet="Prévu / réalisé")
    assert any(message in literal(w.value) and "la situation d'aujourd'hui" in w.value for w in at.warning)
    assert realised_2025(at) == fmt.euros(25_000) and not banner(at)


@pytest.mark.parametrize("page", ["vue_ensemble", "effectifs", "calendrier", "indicateurs", "actions"])
def test_every_pilotage_page_shows_the_banner(story, page):
    assert banner(run(page, "2025-06-30"))


def test_the_calendar_counts_lateness_at_the_day_looked_at(story):
    at = run("calendrier", "2025-06-30")
    assert at.date_input(key="calendrier_situation").value == date(2025, 6, 30)


def section(at: AppTest) -> str:
    return "\n".join(literal(x) for x in [m.value for m in at.markdown] + [c.value for c in at.caption]
                     + [s.value for s in at.success] + [e.label for e in at.expander])


def test_since_the_last_comite_lists_the_import_made_after_it(story):
    text = section(run("vue_ensemble"))
    assert "Depuis le dernier comité" in [h.value for h in run("vue_ensemble").subheader]
    assert f"Du 30/06/2025 (dernier comité enregistré) au {fmt.jour(temps.aujourdhui())}" in text
    assert "1 import du suivi" in text
    assert "n° 2 du 15/09/2025 · suivi_sept.xlsx · 1 valeur" in text
    assert "suivi_mars.xlsx" not in text  # made before the comité


def test_since_the_last_comite_on_that_day_nothing_changed(story):
    text = section(run("vue_ensemble", "2025-06-30"))
    assert "Du 30/06/2025 (dernier comité enregistré) au 30/06/2025 : rien n'a changé" in text


def test_without_a_comite_recorded_a_sentence_says_so(engine):
    assert "Aucun comité n'est enregistré : rien à comparer." in section(run("vue_ensemble"))


@pytest.fixture
def file_names(monkeypatch) -> list[str]:
    """The file names the page's download buttons offer, as the page gives them (AppTest serves no file)."""
    from dashboard import ui

    class Names(list):
        data: dict = {}

    names = Names()
    offer = ui.download_button

    def noted(where, label, data, **kwargs):
        names.append(kwargs.get("file_name"))
        names.data[kwargs.get("file_name")] = data
        return offer(where, label, data, **kwargs)

    monkeypatch.setattr(ui, "download_button", noted)
    return names


def test_the_comite_date_entered_names_the_files_and_is_recorded(story, file_names):
    at = run("comite")
    today = temps.aujourdhui()
    assert at.date_input(key="champ_date_comite").value == today  # the recorded comité is past: today
    file_names.clear()
    at.date_input(key="champ_date_comite").set_value(date(2026, 1, 15)).run()
    assert not at.exception
    assert file_names == ["comite_2026-01-15.html", "comite_2026-01-15.pptx", "comite_2026-01-15.pdf"]
    deck = html.unescape(file_names.data["comite_2026-01-15.html"]())  # the HTML deck, as built at the click
    assert "Présenté au comité de direction le 15/01/2026" in deck
    at.button(key="enregistrer_comite").click().run()
    assert any("Comité du 15/01/2026 enregistré." in s.value for s in at.sidebar.success)
    assert [(c.date, c.origine) for c in comites.liste(story)] == [(date(2026, 1, 15), "saisie"),
                                                                    (date(2025, 6, 30), "saisie")]
    # the deck has « depuis le dernier comité », since the 30/06/2025
    assert any("Depuis le dernier comité" in r for r in at.radio(key="diapo_choisie").options)


def test_entering_the_projector_mode_records_the_comite(story):
    at = run("comite")
    at.button(key="mode_projecteur").click().run()
    assert not at.exception
    assert (temps.aujourdhui(), "présentation") in [(c.date, c.origine) for c in comites.liste(story)]
    # a next comité proposed by default: the one recorded, today
    assert run("comite").date_input(key="champ_date_comite").value == temps.aujourdhui()
