"""The store's state in one query (dashboard.etat): each value is the one its own function returns,
on SQLite and on PostgreSQL, through the states a store goes through."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest
from suivi_builders import PLAN, filled

from dashboard import etat
from dashboard.acces import comptes
from dashboard.acces.roles import OPERATEUR
from dashboard.plan import versions
from dashboard.plan.load import DEFAULT_PLAN_PATH
from dashboard.suivi import followup, store

PLAN_BYTES = DEFAULT_PLAN_PATH.read_bytes()


def one_by_one(engine) -> etat.Etat:
    latest = max((v.id for v in versions.history(engine)), default=None)
    return etat.Etat(versions.current_id(engine), store.state_key(engine), comptes.nombre_de_comptes(engine), latest)


def test_each_value_is_its_own_functions_through_a_stores_life(engine):
    versions.ensure_schema(engine)
    comptes.prepare(engine)
    seen = [etat.lire(engine)]
    assert seen[0] == one_by_one(engine) == etat.Etat(None, (0, 0), 0)

    versions.ensure_first_version(engine)
    report = followup.read_followup(filled(2024, ind={("A1-1", "2024 Résultat"): 1}), PLAN)
    first = store.apply(engine, report)
    store.apply(engine, followup.read_followup(filled(2025, ind={("A1-1", "2025 Résultat"): 2}), PLAN))
    seen.append(etat.lire(engine))
    store.rollback(engine, first)
    seen.append(etat.lire(engine))
    comptes.creer(engine, OPERATEUR, "admin", "admin", "motdepasse-admin")
    seen.append(etat.lire(engine))

    assert seen[-1] == one_by_one(engine)
    versions.import_version(engine, PLAN_BYTES, file_name="revision.xlsx", label="Révision", auteur="")
    versions.use_version(engine, 1, auteur="")  # back on the voted plan: the revision stays the latest stored
    seen.append(etat.lire(engine))
    assert seen[-1] == one_by_one(engine)
    assert [(e.plan_version, e.suivi, e.comptes, e.derniere_version) for e in seen] == [
        (None, (0, 0), 0, None), (1, (2, 2), 0, 1), (1, (2, 1), 0, 1), (1, (2, 1), 1, 1), (1, (2, 1), 1, 2)]


def test_a_store_without_account_table_raises_so_that_each_value_is_read_alone(tmp_path):
    engine = store.open_engine(f"sqlite:///{tmp_path / 'ancien.sqlite'}")
    versions.ensure_schema(engine)
    with pytest.raises(engine.dialect.loaded_dbapi.OperationalError, match="acces_comptes"):
        etat.lire(engine)  # the driver's own error: the query goes straight to it


def test_a_page_reads_the_state_once_per_run(monkeypatch):
    """Plan version, follow-up and accounts: one query for the whole run of a page (app.py included)."""
    reads = []
    real = etat.lire
    monkeypatch.setattr(etat, "lire", lambda engine: reads.append(1) or real(engine))
    monkeypatch.delenv("DASHBOARD_PLAN")  # the plan in force comes from the store
    at = AppTest.from_file("../../app.py", default_timeout=120)
    at.switch_page("vues/budget.py").run()
    assert not at.exception, [e.message for e in at.exception]
    reads.clear()

    def one_by_one_is_not_used(*_):
        raise AssertionError("lu à part au lieu de la requête d'état")

    for module, name in ((versions, "current_id"), (store, "state_key"), (comptes, "mode_ouvert")):
        monkeypatch.setattr(module, name, one_by_one_is_not_used)
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    assert len(reads) == 1
    assert at.title[0].value == "Budget du schéma"
