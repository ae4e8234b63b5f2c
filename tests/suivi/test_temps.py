"""The store read as it stood on a day (SQLite and PostgreSQL): `summary --as-of`, « situation au »,
« depuis le dernier comité » and the deck's slide of it.

The story, with the instants the store records set to past days: the voted plan in force from
05/01/2025, a revision (one action added) from 01/09/2025; a first import on 10/03/2025 (10 000 € spent
on action 11 in 2025), a second on 15/09/2025 (25 000 €) rolled back on 20/11/2025, a third on
01/12/2025 (action 5 « En cours », result of A11-1 for 2025).
"""

from __future__ import annotations

import html
import json
from datetime import date, datetime

import pytest
import sqlalchemy as sa
from suivi_builders import filled, imported_on
from versions_builders import revise

from dashboard.__main__ import main
from dashboard.base.tables import batches, plan_courantes
from dashboard.plan import versions
from dashboard.present import depuis as present_depuis
from dashboard.suivi import comites, store, temps

SPENT = "2025 Dépenses (€)"


def workbook(plan, ind: dict | None = None, av: dict | None = None) -> bytes:
    """The 2025 template of `plan` with some cells set: ind {ident: result}, av {(action, header): value};
    no stamp: compared with the store as a whole, as an older template would be."""
    return filled(2025, {(k, "2025 Résultat"): v for k, v in (ind or {}).items()}, av, plan=plan)


@pytest.fixture
def story(store_url, monkeypatch):
    """The store of the story above; the engine."""
    monkeypatch.delenv("DASHBOARD_PLAN")  # the plan comes from the store's versions
    engine = versions.open_engine(store_url)
    versions.ensure_first_version(engine)
    versions.import_version(engine, revise(add_action=True), file_name="revision.xlsx", label="Révision 2025",
                            auteur="dir")
    with engine.begin() as conn:
        for vid, on in ((1, datetime(2025, 1, 5, 9)), (2, datetime(2025, 9, 1, 9))):
            conn.execute(plan_courantes.update().where(plan_courantes.c.version_id == vid).values(le=on))
    plan = versions.current_plan(engine)
    imported_on(engine, plan, workbook(plan, av={(11, SPENT): 10000}), "suivi_mars.xlsx", datetime(2025, 3, 10, 10))
    second = imported_on(engine, plan, workbook(plan, av={(11, SPENT): 25000}), "suivi_sept.xlsx",
                      datetime(2025, 9, 15, 10))
    store.rollback(engine, second)
    with engine.begin() as conn:
        conn.execute(batches.update().where(batches.c.id == second).values(rolled_back_at=datetime(2025, 11, 20, 8)))
    imported_on(engine, plan, workbook(plan, ind={"A11-1": 9750}, av={(5, "Statut"): "En cours"}), "suivi_dec.xlsx",
             datetime(2025, 12, 1, 10))
    return engine


def summary(capsys, url, *args) -> tuple[int, dict | str]:
    capsys.readouterr()
    code = main(["summary", "--db", url, *args])
    out = capsys.readouterr().out
    return code, json.loads(out) if code == 0 and "--json" in args else out


def spent_2025(s: dict):
    return next((r["depenses"] for r in s.get("realise", []) if r["annee"] == 2025), None)


@pytest.mark.parametrize(("au", "spent", "actions", "texte"), [
    # before any import: no value; the voted plan (53 actions)
    ("2025-01-04", None, 53, "Aucun suivi importé · plan version 1 · base telle qu'elle était le 04/01/2025"),
    # after the first import, before the revision
    ("2025-06-30", 10000, 53, "Situation au 10/03/2025 · plan version 1 · base telle qu'elle était le 30/06/2025"),
    # the second import, rolled back later, counts as it stood then; the revision is in force
    ("2025-10-01", 25000, 54, "Situation au 15/09/2025 · plan version 2 · base telle qu'elle était le 01/10/2025"),
    # today: the rollback holds, the third import is the latest in force
    (None, 10000, 54, "Situation au 01/12/2025 · plan version 2"),
])
def test_summary_as_of_gives_the_store_and_the_plan_of_that_day(story, store_url, capsys, au, spent, actions, texte):
    code, s = summary(capsys, store_url, "--json", *(["--as-of", au] if au else []))
    assert code == 0
    assert spent_2025(s) == spent
    assert s["actions"] == actions
    assert s["situation"]["texte"] == texte
    assert s["situation"]["plan_version"] == (1 if actions == 53 else 2)
    if au:
        assert s["situation_au"] == au
    code, text = summary(capsys, store_url, *(["--as-of", au] if au else []))
    assert code == 0 and text.splitlines()[0] == texte


@pytest.mark.parametrize(("au", "message"), [
    ("2025-02-30", "Date de situation invalide « 2025-02-30 » : écrivez-la AAAA-MM-JJ"),
    ("30/06/2025", "Date de situation invalide « 30/06/2025 »"),
    ("2999-01-01", "Date de situation « 2999-01-01 » dans le futur"),
])
def test_summary_as_of_refuses_a_wrong_or_future_day_in_french(story, store_url, capsys, au, message):
    code, out = summary(capsys, store_url, "--as-of", au)
    assert code == 2 and message in out and "Traceback" not in out


def test_the_late_action_is_counted_from_the_day_its_status_was_imported(story, store_url, capsys):
    before = summary(capsys, store_url, "--json", "--as-of", "2025-11-30")[1]
    after = summary(capsys, store_url, "--json", "--as-of", "2025-12-01")[1]
    assert 5 not in [r["action_id"] for r in before["en_retard"]]
    assert 5 in [r["action_id"] for r in after["en_retard"]]


def test_depuis_lists_what_changed_since_a_day(story):
    d = present_depuis.lire_depuis(story, date(2025, 6, 30), date(2025, 12, 2))
    assert list(d.nouveaux_retards["action_id"]) == [5]  # no status on 30/06, « En cours » past its end now
    # the September import was rolled back: only December's is in force
    assert list(d.imports["fichier"]) == ["suivi_dec.xlsx"] and list(d.imports["valeurs"]) == [2]
    assert d.revisions == ((2, "Révision 2025", date(2025, 9, 1)),)
    assert d.indicateurs[["indicateur_id", "annee", "avant", "apres"]].values.tolist() == [["A11-1", 2025, None, 9750]]
    lines = present_depuis.lignes(d)
    assert lines[0] == "Depuis le 30/06/2025 (jusqu'au 02/12/2025) :"
    assert "  1 import :" in lines and "    version 2 « Révision 2025 », en vigueur depuis le 01/09/2025" in lines
    # nothing since the last import
    quiet = present_depuis.lire_depuis(story, date(2025, 12, 2), date(2025, 12, 3))
    assert quiet.vide and "rien n'a changé" in present_depuis.lignes(quiet)[1]


def test_deck_depuis_adds_the_slide_and_records_the_comite(story, store_url, tmp_path, capsys):
    out = tmp_path / "comite.html"
    assert main(["deck", "-o", str(out), "--db", store_url, "--depuis", "2025-06-30", "--comite", "2025-12-02"]) == 0
    page = html.unescape(out.read_text(encoding="utf-8"))
    assert ("Depuis le dernier comité, le 30/06/2025 : 1 action est devenue en retard, 1 import, 1 révision du plan, "
            "1 résultat d’indicateur a bougé.") in page
    assert "Situation au 01/12/2025 · plan version 2" in page  # the title slide: latest import in force, version
    assert comites.dernier(story) == date(2025, 12, 2)
    # the next deck, for a later comité, says what changed since the one recorded
    assert main(["deck", "-o", str(out), "--db", store_url, "--comite", "2025-12-03"]) == 0
    assert "Depuis le dernier comité, le 02/12/2025 : rien n'a changé." in html.unescape(out.read_text(encoding="utf-8"))
    capsys.readouterr()
    assert main(["deck", "-o", str(out), "--db", store_url, "--depuis", "demain"]) == 2
    assert "--depuis : date invalide « demain »" in capsys.readouterr().out


def test_a_store_made_before_the_journal_gets_each_versions_last_time_current(store_url, monkeypatch):
    """The journal of current versions is filled, when it is created, from each version's last time."""
    engine = versions.open_engine(store_url)
    versions.ensure_first_version(engine)
    versions.import_version(engine, revise(add_action=True), file_name="r.xlsx", label="Révision", auteur="dir")
    versions.use_version(engine, 1, auteur="dir")
    with engine.begin() as conn:
        conn.execute(sa.text("UPDATE plan_versions SET made_current_at = :t WHERE id = 2"), {"t": datetime(2025, 9, 1)})
        conn.execute(sa.text("UPDATE plan_versions SET made_current_at = :t WHERE id = 1"), {"t": datetime(2025, 11, 1)})
        plan_courantes.drop(conn)
    engine.dispose()
    engine = versions.open_engine(store_url)
    assert [(v, le) for v, le in versions.journal(engine)] == [(2, datetime(2025, 9, 1)), (1, datetime(2025, 11, 1))]
    assert versions.version_at(engine, temps.fin_du_jour(date(2025, 10, 1))) == 2
    assert versions.version_at(engine, temps.fin_du_jour(date(2025, 8, 1))) == 1  # before any: the voted plan


def test_situation_is_a_function_of_the_history_alone():
    import pandas as pd

    h = pd.DataFrame({"batch_id": [1, 2], "date": pd.to_datetime(["2025-11-14 10:00", "2025-11-20 23:30"]).tz_localize(
        "Europe/Paris"), "actif": [True, False], "annule_le": pd.to_datetime([None, "2025-11-21 08:00"]).tz_localize(
        "Europe/Paris"), "demo": [False, False]})
    assert temps.situation(h, (2, "Révision")).texte == "Situation au 14/11/2025 · plan version 2"
    assert temps.situation(h, (2, "Révision"), date(2025, 11, 20)).date == date(2025, 11, 20)
    assert temps.situation(h, None).texte == "Situation au 14/11/2025 · plan lu depuis un fichier"


def test_revisions_between_two_days_leave_out_the_installation_of_the_voted_plan():
    from dashboard.metrics.depuis import revisions_entre

    journal = [(1, "Plan voté", datetime(2025, 1, 5, 9)), (2, "Révision", datetime(2025, 9, 1, 9)),
               (1, "Plan voté", datetime(2025, 10, 2, 9))]
    assert revisions_entre(journal, date(2025, 1, 1), date(2025, 12, 31)) == (
        (2, "Révision", date(2025, 9, 1)), (1, "Plan voté", date(2025, 10, 2)))
    assert revisions_entre(journal, date(2025, 9, 1), date(2025, 10, 1)) == ()
    # a journal filled from an older store may start with a revision: it counts
    assert revisions_entre(journal[1:], date(2025, 1, 1), date(2025, 9, 30)) == ((2, "Révision", date(2025, 9, 1)),)
