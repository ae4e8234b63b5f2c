"""Demonstration data: the shipped workbooks follow the contract, are labelled, import on first start
only, and their removal is complete and remembered."""

from __future__ import annotations

import dataclasses
import importlib.util
import io
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook

from dashboard.suivi import contract, demo, followup, store, template

ROOT = Path(__file__).resolve().parents[2]
DEMO_FILES = sorted((ROOT / "data" / "demo").glob("suivi_*.xlsx"))


def _make_demo():
    spec = importlib.util.spec_from_file_location("make_demo", ROOT / "scripts" / "make_demo.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


@pytest.fixture(scope="module")
def reports(plan):
    return {f.name: followup.read_followup(f, plan) for f in DEMO_FILES}


def test_three_demo_years_from_the_plan_start(plan):
    assert [f.name for f in DEMO_FILES] == [f"suivi_{y}.xlsx" for y in plan.annees[:3]]
    assert demo.demo_years(ROOT / "data" / "demo") == plan.annees[:3]


@pytest.mark.parametrize("name", [f.name for f in DEMO_FILES])
def test_demo_file_imports_with_no_error(reports, plan, name):
    r = reports[name]
    year = int(name[6:10])
    assert r.problems == (), [p.message() for p in r.problems]
    assert r.annees == (year,)
    ind = r.indicateurs
    assert set(ind["indicateur_id"]) <= set(plan.indicateurs["indicateur_id"])
    filled = ind["resultat"].notna() | ind["date_resultat"].notna()
    assert 0.5 * len(plan.indicateurs) <= filled.sum() < len(plan.indicateurs)   # plausible, not complete
    assert len(r.statuts) == len(plan.actions)                                   # every action has a status
    assert set(r.statuts["statut"]) <= set(contract.STATUTS)
    assert not r.realise.empty


@pytest.mark.parametrize("name", [f.name for f in DEMO_FILES])
def test_demo_file_is_labelled_demonstration(reports, name):
    wb = load_workbook(ROOT / "data" / "demo" / name, read_only=True)
    assert "démonstration" in wb.properties.title.lower()
    assert "DÉMONSTRATION" in str(wb[contract.SHEET_HELP]["A1"].value)
    ind = reports[name].indicateurs
    filled = ind[ind["resultat"].notna() | ind["date_resultat"].notna()]
    assert (filled["source"].str.contains("Démonstration")).all()
    assert (reports[name].statuts["commentaire"].str.contains("émonstration")).all()


def test_demo_values_are_plausible(reports, plan):
    units = dict(zip(plan.indicateurs["indicateur_id"], plan.indicateurs["unite"], strict=True))
    for name, r in reports.items():
        year = int(name[6:10])
        ind = r.indicateurs.assign(unite=r.indicateurs["indicateur_id"].map(units))
        pct = ind.loc[ind["unite"] == "%", "resultat"].dropna()
        assert pct.between(0, 100).all()
        assert (ind.loc[ind["unite"].isin(["nombre", "€"]), "resultat"].dropna() >= 0).all()
        assert set(ind.loc[ind["unite"] == "oui/non", "resultat"].dropna()) <= {0.0, 1.0}
        assert ind.loc[ind["unite"] == "date", "date_resultat"].dropna().dt.year.le(year).all()
        st = r.statuts
        ended = st.dropna(subset=["debut_reel", "fin_reelle"])
        assert (ended["fin_reelle"] >= ended["debut_reel"]).all()
        assert (st["statut"] == "Réalisée").any() and st["fin_revisee"].notna().any()   # done ones, late ones
    last = reports[DEMO_FILES[-1].name].statuts["statut"]
    assert {"En cours", "Réalisée", "Reportée", "Abandonnée"} <= set(last)


def test_generator_is_deterministic_and_fills_the_template(plan):
    mod = _make_demo()
    years = plan.annees[:2]
    a, b = mod.generate(plan, years), mod.generate(plan, years)
    pd.testing.assert_frame_equal(a.indicateurs, b.indicateurs)
    pd.testing.assert_frame_equal(a.statuts, b.statuts)
    data = mod.fill_template(plan, a, years[1])
    r = followup.read_followup(data, plan, file_name="x.xlsx")
    assert r.problems == ()
    got = r.indicateurs.set_index("indicateur_id")["resultat"].dropna()
    want = a.indicateurs[a.indicateurs["annee"] == years[1]].set_index("indicateur_id")["resultat"].dropna()
    pd.testing.assert_series_equal(got.sort_index(), want.sort_index(), check_names=False)
    rappel = load_workbook(io.BytesIO(data))[followup.SHEET_IND]
    assert f"Rappel {years[0]}" in [c.value for c in rappel[1]]             # last year's values recalled


def test_first_start_imports_demo_once(engine, plan):
    ids = demo.load_if_first_start(engine, plan, environ={"DASHBOARD_DEMO": "1"})
    assert len(ids) == len(DEMO_FILES)
    h = store.history(engine)
    assert h["demo"].all() and set(h["fichier"]) == {f.name for f in DEMO_FILES}
    suivi = store.load_suivi(engine)
    assert suivi.demo and not suivi.indicateurs.empty
    assert demo.load_if_first_start(engine, plan, environ={"DASHBOARD_DEMO": "1"}) == []   # not twice
    assert len(store.history(engine)) == len(DEMO_FILES)


@pytest.mark.parametrize("environ", [{"DASHBOARD_DEMO": "0"}, {"DASHBOARD_DEMO": " 0 "}])
def test_demo_off_with_dashboard_demo_0(engine, plan, environ):
    assert demo.load_if_first_start(engine, plan, environ=environ) == []
    assert store.history(engine).empty


def test_store_with_real_imports_gets_no_demo(engine, plan, reports):
    store.apply(engine, reports[DEMO_FILES[0].name], user="agent")                   # a real (non-demo) import
    assert demo.load_if_first_start(engine, plan, environ={}) == []
    assert not store.history(engine)["demo"].any()


def test_remove_deletes_demo_and_is_remembered(store_url, plan):
    url = store_url
    engine = store.open_engine(url)
    demo.load(engine, plan)
    assert demo.remove(engine) == len(DEMO_FILES)
    assert store.history(engine).empty                      # no demo batch left
    suivi = store.load_suivi(engine)
    assert suivi.empty and not suivi.demo
    assert demo.removed(engine)
    fresh = store.open_engine(url)                          # the next start
    assert demo.load_if_first_start(fresh, plan, environ={"DASHBOARD_DEMO": "1"}) == []
    assert store.history(fresh).empty


def test_remove_keeps_real_imports(engine, plan):
    demo.load(engine, plan)
    r = followup.read_followup(template.write_template(plan, plan.annees[3]), plan, file_name="vrai.xlsx")
    r = dataclasses.replace(r, indicateurs=pd.DataFrame(
        [("A11-1", plan.annees[3], 4321.0, None, None, None, "saisie réelle", "agent")], columns=followup.IND_COLUMNS))
    real = store.apply(engine, r, user="agent")
    assert real is not None
    demo.remove(engine)
    h = store.history(engine)
    assert list(h["batch_id"]) == [real] and not h["demo"].any()
    ind = store.load_suivi(engine).indicateurs
    assert list(zip(ind["indicateur_id"], ind["annee"], ind["resultat"], strict=True)) == [
        ("A11-1", plan.annees[3], 4321.0)]


def test_a_broken_demo_file_imports_nothing(tmp_path, engine, plan):
    folder = tmp_path / "demo"
    folder.mkdir()
    for f in DEMO_FILES:
        (folder / f.name).write_bytes(f.read_bytes())
    (folder / DEMO_FILES[-1].name).write_bytes(b"pas un classeur")
    with pytest.raises(demo.DemoError, match="suivi_"):
        demo.load(engine, plan, folder)
    assert store.history(engine).empty                       # checked first: nothing written
