"""The follow-up store: import batches, current values, same file twice, history, rollback, atomicity."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest
import sqlalchemy as sa
from suivi_builders import PLAN, filled, snapshot

from dashboard.suivi import followup, store


def read(data: bytes, name="suivi.xlsx"):
    report = followup.read_followup(data, PLAN, file_name=name)
    assert report.ok, report.problems
    return report


FILE_2024 = dict(ind={("A1-1", "2024 Résultat"): 120, ("A1-2", "2024 Résultat"): "45 %",
                      ("A2-1", "2024 Résultat"): "12 000 €", ("A3-1", "2024 Résultat"): "oui",
                      ("A3-2", "2024 Résultat"): "15/06/2024", ("A1-1", "2024 Objectif"): 150,
                      ("A1-1", "Commentaire"): "Bilan annuel"},
                 av={(1, "Statut"): "En cours", (1, "Début réel"): "01/03/2023", (1, "2024 Dépenses (€)"): "1 234,5",
                     (1, "2024 ETP"): "0,5", (2, "Statut"): "Non démarrée"})


def test_import_then_load_suivi(engine):
    report = read(filled(2024, **FILE_2024))
    counts = store.diff(engine, report)
    assert (counts.new, counts.changed, counts.unchanged) == (12, 0, 0)
    batch = store.apply(engine, report, user="Camille")
    assert batch == 1
    s = store.load_suivi(engine)
    ind = s.indicateurs.set_index("indicateur_id")
    assert ind.loc["A1-1", "resultat"] == 120 and ind.loc["A1-1", "objectif"] == 150
    assert ind.loc["A1-2", "resultat"] == 45 and ind.loc["A2-1", "resultat"] == 12000
    assert ind.loc["A3-1", "resultat"] == 1.0
    assert ind.loc["A3-2", "date_resultat"] == pd.Timestamp("2024-06-15") and ind.loc["A3-2", "resultat"] == 1.0
    assert ind.loc["A1-1", "commentaire"] == "Bilan annuel" and (ind["annee"] == 2024).all()
    st = s.statuts.set_index("action_id")
    assert st.loc[1, "statut"] == "En cours" and st.loc[1, "debut_reel"] == pd.Timestamp("2023-03-01")
    assert st.loc[2, "statut"] == "Non démarrée" and st.loc[1, "annee"] == 2024
    assert s.realise.to_dict("records") == [{"action_id": 1, "annee": 2024, "depenses": 1234.5, "etp": 0.5}]
    assert not s.demo and not s.empty


def test_same_file_twice_changes_nothing(engine):
    data = filled(2024, **FILE_2024)
    store.apply(engine, read(data))
    before = snapshot(engine)
    again = read(data)
    counts = store.diff(engine, again)
    assert (counts.new, counts.changed, counts.unchanged) == (0, 0, 12) and counts.same_file == 1
    assert store.apply(engine, again) is None  # no batch for a file that changes nothing
    assert snapshot(engine) == before and len(store.history(engine)) == 1


def test_blank_cell_keeps_earlier_value_and_changes_are_counted(engine):
    store.apply(engine, read(filled(2024, **FILE_2024)))
    second = read(filled(2024, ind={("A1-1", "2024 Résultat"): 130, ("A2-1", "2024 Résultat"): 12000,
                                    ("A1-2", "2024 Objectif"): 50}))
    counts = store.diff(engine, second)
    assert (counts.new, counts.changed, counts.unchanged) == (1, 1, 1)
    b2 = store.apply(engine, second)
    ind = store.load_suivi(engine).indicateurs.set_index("indicateur_id")
    assert ind.loc["A1-1", "resultat"] == 130 and ind.loc["A1-1", "objectif"] == 150  # blank kept 150
    changes = store.batch_changes(engine, b2)
    assert changes[["cle", "annee", "champ", "apres", "etat"]].values.tolist() == [
        ["A1-1", 2024, "Résultat", 130.0, "modifié"], ["A1-2", 2024, "Objectif", 50.0, "nouveau"]]
    assert changes["avant"].iloc[0] == 120.0 and pd.isna(changes["avant"].iloc[1])


def test_rollback_restores_earlier_values_and_keeps_later_batches(engine):
    b1 = store.apply(engine, read(filled(2024, ind={("A1-1", "2024 Résultat"): 100})))
    b2 = store.apply(engine, read(filled(2024, ind={("A1-1", "2024 Résultat"): 200})))
    b3 = store.apply(engine, read(filled(2025, ind={("A1-1", "2025 Résultat"): 300})))
    store.rollback(engine, b2)
    ind = store.load_suivi(engine).indicateurs.set_index(["indicateur_id", "annee"])
    assert ind.loc[("A1-1", 2024), "resultat"] == 100 and ind.loc[("A1-1", 2025), "resultat"] == 300
    h = store.history(engine).set_index("batch_id")
    assert not h.loc[b2, "actif"] and h.loc[b1, "actif"] and h.loc[b3, "actif"]
    assert pd.notna(h.loc[b2, "annule_le"])
    with pytest.raises(store.StoreError, match="déjà annulé"):
        store.rollback(engine, b2)
    with pytest.raises(store.StoreError, match="n'existe pas"):
        store.rollback(engine, 99)
    # the rolled-back file can be imported again: its values are new again
    again = read(filled(2024, ind={("A1-1", "2024 Résultat"): 200}))
    assert store.diff(engine, again).changed == 1


def test_history_columns_and_counts(engine):
    store.apply(engine, read(filled(2024, **FILE_2024), name="suivi_2024.xlsx"), user="Camille")
    h = store.history(engine)
    row = h.iloc[0]
    assert list(h.columns) == store.HISTORY_COLUMNS
    assert (row.fichier, row.annees, row.utilisateur, row.nouveaux, row.modifies, row.actif) == (
        "suivi_2024.xlsx", "2024", "Camille", 12, 0, True)
    assert len(row.sha256) == 64 and str(row.date.tz) == "Europe/Paris"


def test_state_key_changes_on_import_and_rollback(engine):
    k0 = store.state_key(engine)
    b = store.apply(engine, read(filled(2024, ind={("A1-1", "2024 Résultat"): 1})))
    k1 = store.state_key(engine)
    store.rollback(engine, b)
    assert len({k0, k1, store.state_key(engine)}) == 3


def test_demo_flag_and_removal(engine):
    store.apply(engine, read(filled(2024, ind={("A1-1", "2024 Résultat"): 1})), demo=True)
    assert store.load_suivi(engine).demo
    assert store.deactivate_demo(engine) == [1]
    s = store.load_suivi(engine)
    assert not s.demo and s.empty


def test_failure_mid_transaction_leaves_store_unchanged(engine, monkeypatch):
    store.apply(engine, read(filled(2024, ind={("A1-1", "2024 Résultat"): 1})))
    before = snapshot(engine)
    real = store._rows

    class Failing(dict):  # the batch row and indicator values are written, then the statuts fail
        def items(self):
            for kind, rows in super().items():
                if kind == "statuts":
                    raise OSError("disque plein")
                yield kind, rows

    monkeypatch.setattr(store, "_rows", lambda plan, batch_id: Failing(real(plan, batch_id)))
    with pytest.raises(OSError):
        store.apply(engine, read(filled(2024, **FILE_2024)))
    assert snapshot(engine) == before


KILLED_CHILD = r"""
import sys, time
from pathlib import Path
sys.path.insert(0, sys.argv[3])
from suivi_builders import small_plan
from dashboard.suivi import followup, store
engine = store.open_engine(sys.argv[1])
report = followup.read_followup(Path(sys.argv[2]).read_bytes(), small_plan())
real = store._rows
class Slow(dict):
    def items(self):
        for kind, rows in super().items():
            if kind == "statuts":  # indicator values written, transaction still open: wait to be killed
                print("WRITING", flush=True)
                time.sleep(60)
            yield kind, rows
store._rows = lambda plan, batch_id: Slow(real(plan, batch_id))
store.apply(engine, report)
print("COMMITTED", flush=True)
"""


def test_process_killed_mid_import_leaves_store_unchanged(engine, tmp_path):
    store.apply(engine, read(filled(2024, ind={("A1-1", "2024 Résultat"): 1})))
    before = snapshot(engine)
    engine.dispose()
    path = tmp_path / "suivi.xlsx"
    path.write_bytes(filled(2024, **FILE_2024))
    url = engine.url.render_as_string(hide_password=False)
    child = subprocess.Popen([sys.executable, "-c", KILLED_CHILD, url, str(path),
                              str(Path(__file__).parent)], stdout=subprocess.PIPE, text=True)
    try:
        assert child.stdout.readline().strip() == "WRITING"
        os.kill(child.pid, signal.SIGKILL)
    finally:
        child.wait(timeout=30)
    assert child.returncode == -signal.SIGKILL
    time.sleep(0.1)
    after = store.open_engine(url)
    assert snapshot(after) == before
    counts = store.diff(after, read(path.read_bytes()))  # nothing of it reached the store
    assert (counts.new, counts.changed) == (11, 1)


def test_default_url_order(monkeypatch, tmp_path):
    monkeypatch.setenv("DASHBOARD_DB", "sqlite:///x.sqlite")
    assert store.default_url(tmp_path / "none.toml") == "sqlite:///x.sqlite"
    monkeypatch.delenv("DASHBOARD_DB")
    secrets = tmp_path / "secrets.toml"
    secrets.write_text('[connections.suivi]\nurl = "postgresql://u@h/db"\n', "utf-8")
    assert store.default_url(secrets) == "postgresql://u@h/db"
    assert store.default_url(tmp_path / "none.toml") == "sqlite:///data/suivi.sqlite"


def test_open_engine_creates_sqlite_file_and_folder(tmp_path):
    url = f"sqlite:///{tmp_path / 'sous' / 'dossier' / 'suivi.sqlite'}"
    engine = store.open_engine(url)
    assert (tmp_path / "sous" / "dossier" / "suivi.sqlite").exists()
    assert store.load_suivi(engine).empty and store.history(engine).empty


@pytest.mark.parametrize("url, expected", [
    ("postgresql://u@h/db", "postgresql+psycopg://u@h/db"),
    ("postgres://u:pw@h:5433/db", "postgresql+psycopg://u:pw@h:5433/db"),
    ("postgresql+psycopg://u@h/db", "postgresql+psycopg://u@h/db"),
    ("sqlite:///data/suivi.sqlite", "sqlite:///data/suivi.sqlite"),
])
def test_postgresql_urls_use_psycopg3(url, expected):
    assert store.with_driver(url) == expected


def test_processes_starting_together_create_the_schema_once(store_url):
    """Several app processes opening a new store at the same moment: no error, one set of tables."""
    import threading

    barrier, errors = threading.Barrier(6), []

    def start():
        engine = sa.create_engine(store.prepare_url(store_url))
        barrier.wait()
        try:
            store.ensure_schema(engine)
        except Exception as err:  # collected: an assertion in a thread would go unnoticed
            errors.append(err)
        finally:
            engine.dispose()

    threads = [threading.Thread(target=start) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert errors == []
    engine = store.open_engine(store_url)
    assert set(sa.inspect(engine).get_table_names()) >= {t.name for t in store.metadata.sorted_tables}
    assert store.load_suivi(engine).empty
