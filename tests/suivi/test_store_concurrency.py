"""Two imports at the same moment, in two processes, on one SQLite store: each tells the counts
its batch records in the history. Files without stamp: the values in force are those of the batch
committed last (each overwrite confirmed). Copies of one stamped template: no change is ever lost —
disjoint changes are both written, a cell both changed is a conflict for the one committed second."""

from __future__ import annotations

import io
import multiprocessing

import pytest
from openpyxl import load_workbook

from dashboard.suivi import importer, store, template

ROUNDS = 10


def _filled(plan, values: dict[str, float], statut: dict[int, str], stamped: bytes | None = None) -> bytes:
    """The 2025 template with `2025 Résultat` of some indicators and the Statut of some actions: a copy of
    the stamped template `stamped`, or a file without stamp (compared with the store as a whole)."""
    wb = load_workbook(io.BytesIO(stamped or template.write_template(plan, 2025)))
    if stamped is None:
        del wb["Tampon"]
    ws = wb["Indicateurs"]
    col = [c.value for c in ws[1]].index("2025 Résultat") + 1
    for r in range(2, ws.max_row + 1):
        if ws.cell(r, 1).value in values:
            ws.cell(r, col, values[ws.cell(r, 1).value])
    av = wb["Avancement"]
    for r in range(2, av.max_row + 1):
        if av.cell(r, 1).value in statut:
            av.cell(r, 3, statut[av.cell(r, 1).value])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _import(url: str, data: bytes, name: str, plan, barrier, results) -> None:
    """One process: its own engine; both processes start importing at the same instant."""
    engine = store.open_engine(url)
    barrier.wait(timeout=60)
    outcome = importer.import_workbook(engine, data, plan, file_name=name, user=name, dry_run=False,
                                       accept_warnings=True)
    results.put((name, outcome.batch_id, outcome.counts.as_dict(), outcome.message()))


@pytest.mark.skipif("fork" not in multiprocessing.get_all_start_methods(), reason="needs fork")
def test_concurrent_imports_tell_the_counts_they_record(tmp_path, plan):
    numeric = plan.indicateurs.loc[plan.indicateurs["unite"].isin(["nombre", "€"]), "indicateur_id"].astype(str)
    ids = sorted(numeric)[:24]
    shared, only_a, only_b = ids[:12], ids[12:18], ids[18:]
    actions = [int(a) for a in plan.actions["action_id"].head(6)]
    url = f"sqlite:///{tmp_path / 'suivi.sqlite'}"
    engine = store.open_engine(url)
    for rnd in range(1, ROUNDS + 1):
        # both files set the shared indicators (different values) and some of their own: the counts
        # of each depend on which one goes first
        files = {
            "a.xlsx": _filled(plan, {i: 1000 * rnd + k for k, i in enumerate(shared + only_a)},
                              {a: "En cours" for a in actions}),
            "b.xlsx": _filled(plan, {i: 1000 * rnd + 500 + k for k, i in enumerate(shared + only_b)},
                              {a: ("Réalisée" if rnd % 2 else "Reportée") for a in actions}),
        }
        told = _race(url, plan, files)
        history = store.history(engine).set_index("batch_id")
        for name, batch, counts, message in told:
            assert batch is not None, message
            recorded = history.loc[batch]
            assert recorded["fichier"] == name
            assert {"nouveaux": recorded["nouveaux"], "modifies": recorded["modifies"],
                    "inchanges": recorded["inchanges"], "ignores": recorded["ignores"]} == counts, (rnd, message)
            assert f"{counts['nouveaux']} valeur(s) nouvelle(s), {counts['modifies']} modifiée(s)" in message
        # the batch committed last (higher id) is the one in force on the values both files set
        last_name = max(told, key=lambda t: t[1])[0]
        first_name = min(told, key=lambda t: t[1])[0]
        ind = store.load_suivi(engine).indicateurs
        ind = ind[ind["annee"] == 2025].set_index("indicateur_id")["resultat"]
        offset = 0 if last_name == "a.xlsx" else 500
        assert [ind[i] for i in shared] == [1000 * rnd + offset + k for k in range(len(shared))]
        statuts = store.load_suivi(engine).statuts.set_index("action_id")["statut"]
        expected = "En cours" if last_name == "a.xlsx" else ("Réalisée" if rnd % 2 else "Reportée")
        assert [statuts[a] for a in actions] == [expected] * len(actions)
        # what the later one found: the earlier one's values of this round, so the shared ones changed
        later = next(c for n, _, c, _ in told if n == last_name)
        assert later["modifies"] >= len(shared), (rnd, told, first_name)


def _race(url: str, plan, files: dict[str, bytes]) -> list[tuple]:
    ctx = multiprocessing.get_context("fork")
    barrier, results = ctx.Barrier(2), ctx.Queue()
    procs = [ctx.Process(target=_import, args=(url, data, name, plan, barrier, results))
             for name, data in files.items()]
    for p in procs:
        p.start()
    told = [results.get(timeout=120) for _ in procs]
    for p in procs:
        p.join(timeout=60)
        assert p.exitcode == 0
    return told


@pytest.mark.skipif("fork" not in multiprocessing.get_all_start_methods(), reason="needs fork")
def test_concurrent_copies_of_one_template_never_lose_a_change(tmp_path, plan):
    numeric = sorted(plan.indicateurs.loc[plan.indicateurs["unite"].isin(["nombre", "€"]), "indicateur_id"]
                     .astype(str))
    url = f"sqlite:///{tmp_path / 'suivi.sqlite'}"
    engine = store.open_engine(url)
    issued = template.write_template(plan, 2025, store.load_suivi(engine))
    for rnd in range(3):
        a_ids, b_ids = numeric[rnd * 8: rnd * 8 + 4], numeric[rnd * 8 + 4: rnd * 8 + 8]
        told = _race(url, plan, {
            "a.xlsx": _filled(plan, {i: 100 + rnd for i in a_ids}, {}, stamped=issued),
            "b.xlsx": _filled(plan, {i: 200 + rnd for i in b_ids}, {}, stamped=issued),
        })
        assert all(batch is not None for _, batch, _, _ in told), told
        ind = store.load_suivi(engine).indicateurs.set_index("indicateur_id")
        assert ind.loc[a_ids, "resultat"].tolist() == [100 + rnd] * 4  # neither file undid the other
        assert ind.loc[b_ids, "resultat"].tolist() == [200 + rnd] * 4
        issued = template.write_template(plan, 2025, store.load_suivi(engine))  # the next round's template

    shared = numeric[30]
    told = _race(url, plan, {"a.xlsx": _filled(plan, {shared: 1111}, {}, stamped=issued),
                             "b.xlsx": _filled(plan, {shared: 2222}, {}, stamped=issued)})
    written = [t for t in told if t[1] is not None]
    refused = [t for t in told if t[1] is None]
    assert len(written) == 1 and len(refused) == 1, told
    assert "1 conflit à décider" in refused[0][3] and "rien n'a été importé" in refused[0][3]
    value = store.load_suivi(engine).indicateurs.set_index("indicateur_id").loc[shared, "resultat"]
    assert value == (1111 if written[0][0] == "a.xlsx" else 2222)  # the refused file wrote nothing
