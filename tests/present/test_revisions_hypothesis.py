"""Any valid revision of the plan builds: the comité deck (model, HTML and PowerPoint files), `summary
--json` and the view of every page. Property-based (Hypothesis): revisions of the shipped workbook with
titles renamed, deadlines moved or left, budget lines changed, actions added and removed (with their
rows), or nothing changed at all (the same plan imported again), compared with the voted plan.
Examples are small and few so the suite stays fast."""

from __future__ import annotations

import contextlib
import io
import json
from datetime import datetime, timedelta
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dashboard import metrics
from dashboard.__main__ import main
from dashboard.plan import load_plan_bytes, read_sheets
from dashboard.present import deck_files, deck_html, plan_changes, views
from dashboard.suivi import demo, store

PLAN_PATH = Path(__file__).resolve().parents[2] / "data" / "plan_2023_2028.xlsx"
RAW = read_sheets(PLAN_PATH)
ACTION_IDS = sorted(int(a) for a in RAW["Actions"]["N° action"])
ENJEUX = [(int(r["Axe"]), r["Enjeu"]) for r in RAW["Enjeux"].to_dict("records")]
TODAY = "2026-03-02"
ALL = metrics.Filters()
SHEETS_BY_ACTION = ("Budget", "ETP", "Calendrier", "Indicateurs", "Hypothèses")

# Titles with what a person may type: accents, punctuation, Markdown and HTML characters.
titles = st.text(st.characters(categories=("L", "N", "P", "S", "Zs"), max_codepoint=0x2FFF),
                 min_size=1, max_size=30).filter(lambda t: t.strip() != "")
ends = st.one_of(st.none(), st.dates(min_value=datetime(2023, 1, 1).date(), max_value=datetime(2028, 12, 31).date()))


@st.composite
def revisions(draw) -> dict:
    """What changes from the shipped plan (every list may be empty: the same plan again)."""
    removed = draw(st.lists(st.sampled_from(ACTION_IDS), max_size=3, unique=True))
    kept = [a for a in ACTION_IDS if a not in removed]
    renamed = draw(st.lists(st.tuples(st.sampled_from(kept), titles), max_size=3, unique_by=lambda x: x[0]))
    n_cal, n_budget = len(RAW["Calendrier"]), len(RAW["Budget"])
    moved = draw(st.lists(st.tuples(st.integers(0, n_cal - 1), ends), max_size=3, unique_by=lambda x: x[0]))
    budgets = draw(st.lists(st.tuples(st.integers(0, n_budget - 1), st.integers(0, 400_000), st.integers(0, 50_000)),
                            max_size=3, unique_by=lambda x: x[0]))
    added = draw(st.lists(st.tuples(st.sampled_from(ENJEUX), titles), max_size=2))
    return {"removed": removed, "renamed": renamed, "moved": moved, "budgets": budgets, "added": added}


def workbook(change: dict) -> bytes:
    """The shipped workbook with `change` applied, written as the director's Excel would save it."""
    sheets = {name: frame.copy() for name, frame in RAW.items()}
    cal, budget = sheets["Calendrier"], sheets["Budget"]
    for row, end in change["moved"]:  # a deadline moved (never before its start), or taken away
        start = cal.at[cal.index[row], "Début prévu"]
        if end is not None and not pd.isna(start) and pd.Timestamp(end) < start:
            end = (start + timedelta(days=30)).date()
        cal.at[cal.index[row], "Fin prévue"] = pd.NaT if end is None else pd.Timestamp(end)
    for row, low, spread in change["budgets"]:
        budget.at[budget.index[row], "Montant min (€)"] = low
        budget.at[budget.index[row], "Montant max (€)"] = low + spread
    actions = sheets["Actions"]
    for action_id, title in change["renamed"]:
        actions.loc[actions["N° action"] == action_id, "Titre"] = title
    for name in ("Actions", *SHEETS_BY_ACTION):  # an action removed goes with every row of it
        frame = sheets[name]
        sheets[name] = frame[~frame["N° action"].isin(change["removed"])]
    new_rows = [{"N° action": max(ACTION_IDS) + i + 1, "Axe": axe, "Enjeu": enjeu, "Titre": title,
                 "Catégorie budget": "à définir"} for i, ((axe, enjeu), title) in enumerate(change["added"])]
    if new_rows:
        sheets["Actions"] = pd.concat([sheets["Actions"], pd.DataFrame(new_rows)], ignore_index=True)
    buf = io.BytesIO()
    with pd.ExcelWriter(buf, engine="xlsxwriter") as writer:
        for name, frame in sheets.items():
            frame.to_excel(writer, sheet_name=name, index=False)
    return buf.getvalue()


@pytest.fixture(scope="module")
def voted():
    return load_plan_bytes(PLAN_PATH.read_bytes(), PLAN_PATH.name)


@pytest.fixture(scope="module")
def suivi(tmp_path_factory, voted):
    """The demonstration follow-up, recorded against the voted plan (a revision may drop its actions)."""
    url = f"sqlite:///{tmp_path_factory.mktemp('hyp') / 'suivi.sqlite'}"
    engine = store.open_engine(url)
    demo.load(engine, voted)
    values = store.load_suivi(engine)
    engine.dispose()
    return url, values


PROPERTY = settings(max_examples=25, deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


def test_a_revision_that_moves_no_deadline_still_builds_the_changes_slide(voted):
    """A title renamed, or the same plan imported again: the slide « Ce qui a changé » is built."""
    for change in ({"removed": [], "renamed": [(1, "Nouvelles visites")], "moved": [], "budgets": [], "added": []},
                   {"removed": [], "renamed": [], "moved": [], "budgets": [], "added": []}):
        plan = load_plan_bytes(workbook(change), "revision.xlsx")
        slide = plan_changes.slide_changes(voted, plan, "Plan voté le 16/02/2023", "Révision")
        assert slide.chiffres[2].valeur == "0"


@PROPERTY
@given(change=revisions())
def test_any_revision_builds_the_deck_the_summary_and_every_view(change, voted, suivi, tmp_path):
    url, suivi = suivi
    data = workbook(change)
    plan = load_plan_bytes(data, "revision.xlsx")  # raises PlanError if the revision were not valid
    kept = len(ACTION_IDS) - len(change["removed"]) + len(change["added"])
    assert len(plan.actions) == kept

    # the comité deck, compared with the voted plan, and its files
    deck = views.comite.build(plan, suivi.statuts, suivi.indicateurs, suivi.demo, TODAY, voted,
                              "Plan voté le 16/02/2023", "Révision")
    assert any(s.key == "changements" for s in deck.slides)
    pptx = deck_files.deck_pptx(list(deck.slides), deck.info)
    assert pptx[:2] == b"PK"
    assert deck_html.deck_html(list(deck.slides), deck.titre, deck.sous_titre).startswith("<!DOCTYPE html>")
    first = int(plan.actions["action_id"].iloc[0])
    assert views.comite.action(plan, suivi.statuts, suivi.indicateurs, first, TODAY) is not None

    # summary --json on the revision's workbook
    path = tmp_path / "revision.xlsx"
    path.write_bytes(data)
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = main(["summary", "--plan", str(path), "--db", url, "--as-of", TODAY, "--json"])
    assert code == 0, out.getvalue()[-500:]
    assert json.loads(out.getvalue())["actions"] == kept

    # every page's view
    views.overview.build(plan, ALL)
    views.budget.build(plan, ALL, {}, suivi.realise)
    views.etp.build(plan, ALL, suivi.realise)
    views.etp.capacity(plan, ALL, 2025)
    views.calendar.build(plan, ALL, pd.Timestamp(TODAY))
    views.calendar.progress(plan, ALL, suivi.statuts, pd.Timestamp(TODAY))
    views.calendar.gantt(plan, ALL, pd.Timestamp(TODAY), 0)
    views.fiches.build(plan, ALL, suivi.statuts)
    cat = views.indicators.catalogue(plan, ALL, suivi.indicateurs)
    views.indicators.build(plan, ALL, suivi.indicateurs, cat.default_year)
    plan_changes.slide_changes(voted, plan, "Plan voté le 16/02/2023", "Révision")
