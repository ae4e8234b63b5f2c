"""Two imports at the same moment, in two processes, on one SQLite store: each tells the counts
its batch records in the history, and the values in force are those of the batch committed last."""

from __future__ import annotations

import io
import multiprocessing

import pytest
from openpyxl import load_workbook

from dashboard.suivi import importer, store, template

ROUNDS = 10


def _filled(plan, values: dict[str, float], statut: dict[int, str]) -> bytes:
    """The 2025 template with `2025 Résultat` of some indicators and the Statut of some actions."""
    wb = load_workbook(io.BytesIO(template.write_template(plan, 2025)))
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
    outcome = importer.import_workbook(engine, data, plan, file_name=name, user=name, dry_run=False)
    results.put((name, outcome.batch_id, outcome.counts.as_dict(), outcome.message()))


@pytest.mark.skipif("fork" not in multiprocessing.get_all_start_methods(), reason="needs fork")
def test_concurrent_imports_tell_the_counts_they_record(tmp_path, plan):
    numeric = plan.indicateurs.loc[plan.indicateurs["unite"].isin(["nombre", "€"]), "indicateur_id"].astype(str)
    ids = sorted(numeric)[:24]
    shared, only_a, only_b = ids[:12], ids[12:18], ids[18:]
    actions = [int(a) for a in plan.actions["action_id"].head(6)]
    url = f"sqlite:///{tmp_path / 'suivi.sqlite'}"
    engine = store.open_engine(url)
    ctx = multiprocessing.get_context("fork")
    for rnd in range(1, ROUNDS + 1):
        # both files set the shared indicators (different values) and some of their own: the counts
        # of each depend on which one goes first
        files = {
            "a.xlsx": _filled(plan, {i: 1000 * rnd + k for k, i in enumerate(shared + only_a)},
                              {a: "En cours" for a in actions}),
            "b.xlsx": _filled(plan, {i: 1000 * rnd + 500 + k for k, i in enumerate(shared + only_b)},
                              {a: ("Réalisée" if rnd % 2 else "Reportée") for a in actions}),
        }
        barrier, results = ctx.Barrier(2), ctx.Queue()
        procs = [ctx.Process(target=_import, args=(url, data, name, plan, barrier, results))
                 for name, data in files.items()]
        for p in procs:
            p.start()
        told = [results.get(timeout=120) for _ in procs]
        for p in procs:
            p.join(timeout=60)
            assert p.exitcode == 0
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
