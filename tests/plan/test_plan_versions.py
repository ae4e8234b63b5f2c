"""Plan versions in the store (SQLite and PostgreSQL): first start, a broken upload changes nothing, a
revision shows exactly its changes with the right totals, becomes current, and rolling back restores
the voted plan's figures (store, `plan` commands, `summary --json`)."""

from __future__ import annotations

import hashlib
import json

import pytest
import sqlalchemy as sa
from versions_builders import (
    BUDGET_ACTION,
    BUDGET_NEW,
    BUDGET_OLD,
    MOVED_ACTION,
    MOVED_NEW_END,
    NEW_ACTION,
    NEW_TITLE,
    SHIPPED,
    filled_followup,
    revise,
)

from dashboard import fmt, metrics, revision
from dashboard.__main__ import main
from dashboard.plan import load_plan, versions

# Shipped plan, by hand from its Budget sheet: one-off lines A2 200 000 + A3 1 500 + A9 20 000-40 000
# + A10 200 000, all in axe 1; annual lines 230 000-235 000 a year over 2023-2028 (6 years).
UNIQUE_AXE1 = (421_500, 441_500)
TOTAL = (421_500 + 6 * 230_000, 441_500 + 6 * 235_000)  # 1 801 500 - 1 851 500
DELTA = BUDGET_NEW - BUDGET_OLD  # 50 000


@pytest.fixture
def engine(store_url, monkeypatch):
    monkeypatch.delenv("DASHBOARD_PLAN")  # the plan in force comes from the store
    return versions.open_engine(store_url)


def _rows(engine) -> list[tuple]:
    with engine.connect() as conn:
        return [tuple(r) for r in conn.execute(sa.select(
            versions.plan_versions.c.id, versions.plan_versions.c.sha256, versions.plan_versions.c.is_current))]


def test_first_start_stores_the_shipped_workbook_as_the_voted_plan(engine):
    assert versions.ensure_first_version(engine) == 1
    assert versions.ensure_first_version(engine) is None  # once
    (v,) = versions.history(engine)
    assert (v.id, v.label, v.current, v.file_name) == (1, "Plan voté le 16/02/2023", True, "plan_2023_2028.xlsx")
    data = SHIPPED.read_bytes()
    assert v.sha256 == hashlib.sha256(data).hexdigest() and v.size == len(data)
    assert versions.workbook(engine, 1) == data
    plan = versions.current_plan(engine)
    assert len(plan.actions) == 53 and plan.version.startswith("version 1 ")


def test_broken_plan_changes_nothing(engine, tmp_path, capsys):
    versions.ensure_first_version(engine)
    before = _rows(engine)
    data = revise(broken=True)
    preview = revision.preview_import(engine, data, "casse.xlsx")
    messages = [p.message() for p in preview.problems]
    assert not preview.ok and preview.diff is None
    assert "Feuille « Budget », ligne 2, colonne « Montant min (€) » : montant négatif (-5) : saisissez un nombre " \
           "positif ou nul." in messages
    assert any(m.startswith("Feuille « Actions », ligne 3, colonne « Axe » : l'axe 9 n'existe pas") for m in messages)
    with pytest.raises(versions.VersionError) as err:
        versions.import_version(engine, data, file_name="casse.xlsx", label="Révision", auteur="dir")
    assert [p.message() for p in err.value.problems] == messages
    path = tmp_path / "casse.xlsx"
    path.write_bytes(data)
    capsys.readouterr()
    assert main(["plan", "import", str(path), "--label", "Révision", "--db", str(engine.url.render_as_string(
        hide_password=False))]) == 1
    out = capsys.readouterr().out
    assert f"a {len(messages)} problème(s) ; rien n'a été enregistré" in out
    assert all(f"- {m}" in out for m in messages)
    assert _rows(engine) == before
    assert versions.current_id(engine) == 1


def test_revision_shows_exactly_its_three_changes_with_the_right_totals(engine):
    data = revise(budget=True, add_action=True, move_end=True)
    preview = revision.preview_import(engine, data, "revision.xlsx")
    assert preview.ok and preview.current.id == 1 and preview.same_as is None
    d = preview.diff
    assert d.n_changes == 3
    assert {k: len(v) for k, v in d.sections().items() if len(v)} == {"actions": 1, "budget": 1, "calendrier": 1}
    (a,) = d.actions.to_dict("records")
    assert (a["action_id"], a["changement"], a["axe"], a["titre_apres"]) == (NEW_ACTION, "ajoutée", 1, NEW_TITLE)
    (b,) = d.budget.to_dict("records")
    assert (b["action_id"], b["changement"], b["montant_min_avant"], b["montant_max_apres"]) == (
        BUDGET_ACTION, "modifiée", BUDGET_OLD, BUDGET_NEW)
    (c,) = d.calendrier.to_dict("records")
    assert (c["action_id"], c["changement"], c["fin_prevue_apres"]) == (MOVED_ACTION, "modifiée", MOVED_NEW_END)
    # 31/12/2028 → 30/06/2027: 550 days earlier
    assert c["mois"] == round(-550 / metrics.DAYS_PER_MONTH, 1) == -18.1
    (t,) = d.totaux.to_dict("records")  # only axe 1 moved, by the 50 000 € of action 2, one-off
    assert t["axe"] == 1
    assert (t["unique_min_avant"], t["unique_max_avant"]) == UNIQUE_AXE1
    assert (t["unique_min_apres"], t["unique_max_apres"]) == (UNIQUE_AXE1[0] + DELTA, UNIQUE_AXE1[1] + DELTA)
    # annual, unchanged: A11 20 000 + A12 20 000 + A13 5 000 + A14 5 000 + A17 70 000 a year
    assert (t["annuel_min_avant"], t["annuel_min_apres"], t["annuel_max_apres"]) == (120_000, 120_000, 120_000)
    assert (d.total_avant["periode_min"], d.total_avant["periode_max"]) == TOTAL
    assert (d.total_apres["periode_min"], d.total_apres["periode_max"]) == (TOTAL[0] + DELTA, TOTAL[1] + DELTA)
    assert _rows(engine) == [(1, hashlib.sha256(SHIPPED.read_bytes()).hexdigest(), True)]  # nothing stored yet


def test_confirm_makes_it_current_and_rollback_restores_the_voted_figures(engine):
    data = revise(budget=True, add_action=True, move_end=True)
    vid = versions.import_version(engine, data, file_name="revision.xlsx", label="  Révision  mi-parcours 2025 ",
                                  auteur="directrice")
    assert vid == 2 and versions.current_id(engine) == 2
    v = versions.get(engine, 2)
    assert (v.label, v.user_name, v.current, v.made_current_by) == ("Révision mi-parcours 2025", "directrice",
                                                                     True, "directrice")
    assert [x.current for x in versions.history(engine)] == [True, False]  # exactly one current
    revised = versions.current_plan(engine)
    assert NEW_ACTION in set(revised.actions["action_id"])
    assert metrics.budget_totals(revised)["unique_max"] == UNIQUE_AXE1[1] + DELTA

    back = versions.use_version(engine, 1, auteur="directrice")
    assert back.id == 1 and back.current and versions.current_id(engine) == 1
    voted = versions.current_plan(engine)
    t = metrics.budget_totals(metrics.apply_hypotheses(voted))
    assert (t["unique_min"], t["unique_max"], t["periode_min"], t["periode_max"]) == (*UNIQUE_AXE1, *TOTAL)
    assert len(voted.actions) == 53
    assert len(versions.history(engine)) == 2  # nothing is ever deleted: version 2 can come back
    versions.use_version(engine, 2, auteur="")
    assert versions.current_id(engine) == 2


def test_label_is_required_and_unknown_version_refused(engine):
    versions.ensure_first_version(engine)
    with pytest.raises(versions.VersionError, match="donnez un libellé"):
        versions.import_version(engine, revise(budget=True), file_name="r.xlsx", label="  ", auteur="x")
    with pytest.raises(versions.VersionError, match="la version n° 7 du plan n'existe pas"):
        versions.use_version(engine, 7, auteur="x")
    assert _rows(engine)[0][0] == 1 and len(_rows(engine)) == 1


def _summary(capsys, *args, version: int | None = None) -> dict:
    """`summary --json`: its figures (the « situation au » it gives names the plan's `version`)."""
    capsys.readouterr()
    assert main(["summary", "--json", *args]) == 0
    s = json.loads(capsys.readouterr().out)
    assert s.pop("situation")["plan_version"] == version
    return s


def test_commands_import_history_diff_use_and_summary(engine, store_url, tmp_path, capsys):
    db = ["--db", store_url]
    voted = _summary(capsys, "--plan", str(SHIPPED))
    assert _summary(capsys, *db, version=1) == voted  # first start: the store's version 1 is the shipped workbook
    path = tmp_path / "revision_2025.xlsx"
    path.write_bytes(revise(budget=True, add_action=True, move_end=True))

    assert main(["plan", "import", str(path), "--dry-run", *db]) == 0
    assert "Rien n'a été enregistré (--dry-run)" in capsys.readouterr().out
    assert main(["plan", "import", str(path), *db]) == 2  # no label: usage error
    assert "--label" in capsys.readouterr().out
    assert main(["plan", "import", str(path), "--label", "Révision mi-parcours 2025", "--user", "dir", *db]) == 0
    out = capsys.readouterr().out
    assert f"{NEW_ACTION} · {NEW_TITLE} (axe 1)" in out
    assert (f"Action {BUDGET_ACTION} · Signalétique d'interprétation (panneaux RIS) : {fmt.euros(BUDGET_OLD)} "
            f"ponctuel → {fmt.euros(BUDGET_NEW)} ponctuel") in out
    assert f"31/12/2028 → 30/06/2027 ({fmt.mois(18.1)} plus tôt)" in out
    assert (f"Total du plan sur la période : {fmt.fourchette(*TOTAL)} → "
            f"{fmt.fourchette(TOTAL[0] + DELTA, TOTAL[1] + DELTA)}") in out
    assert "Version 2 enregistrée (« Révision mi-parcours 2025 »)" in out

    revised = _summary(capsys, *db, version=2)
    assert revised["actions"] == 54
    assert revised["budget"]["unique_max"] == UNIQUE_AXE1[1] + DELTA

    assert main(["plan", "history", "--json", *db]) == 0
    h = json.loads(capsys.readouterr().out)
    assert [(v["version"], v["libelle"], v["courante"], v["auteur"]) for v in h] == [
        (2, "Révision mi-parcours 2025", True, "dir"), (1, "Plan voté le 16/02/2023", False, "installation")]

    assert main(["plan", "diff", "1", "2", *db]) == 0
    assert "Actions ajoutées :" in capsys.readouterr().out
    assert main(["plan", "use", "1", *db]) == 0
    assert "Version 1 (« Plan voté le 16/02/2023 ») : c'est désormais la version courante" in capsys.readouterr().out
    assert _summary(capsys, *db, version=1) == voted  # every figure of the voted plan is back

    assert main(["plan", "use", "9", *db]) == 1
    assert "la version n° 9 du plan n'existe pas" in capsys.readouterr().out
    assert main(["plan", "diff", "un", "2", *db]) == 2
    assert main(["plan", "import", str(tmp_path / "absent.xlsx"), "--label", "x", *db]) == 1


def test_follow_up_import_is_checked_against_the_current_version(engine, store_url, tmp_path, capsys):
    """A follow-up value of an indicator the current version removed is refused, named in French."""
    versions.ensure_first_version(engine)
    versions.import_version(engine, revise(drop_indicator="A11-1"), file_name="r.xlsx", label="Sans A11-1",
                            auteur="")
    path = tmp_path / "suivi_2025.xlsx"
    path.write_bytes(filled_followup(load_plan(SHIPPED), {"A11-1": 12}))
    capsys.readouterr()
    assert main(["import", str(path), "--db", store_url]) == 1
    assert "l'indicateur « A11-1 » n'existe pas dans le plan" in capsys.readouterr().out
    versions.use_version(engine, 1, auteur="")
    assert main(["import", str(path), "--db", store_url]) == 0
