"""The dry run's Excel file (« Télécharger la liste des changements ») read back with openpyxl: values
before and after are numbers in their unit, statuses stay text, a typed « = » never becomes a formula."""

from __future__ import annotations

import io
from datetime import datetime

import pytest
from openpyxl import load_workbook
from suivi_builders import PLAN, filled

from dashboard.present.views import imports as views_imports
from dashboard.suivi import importer, store, template


@pytest.fixture
def engine(tmp_path):
    return store.open_engine(f"sqlite:///{tmp_path / 'suivi.sqlite'}")


def _rows(data: bytes) -> dict[tuple, tuple]:
    ws = load_workbook(io.BytesIO(data)).active
    head = [c.value for c in ws[1]]
    col = {h: head.index(h) + 1 for h in ("Objet", "Valeur", "Année", "Avant", "Après")}
    return {(ws.cell(r, col["Objet"]).value, ws.cell(r, col["Valeur"]).value):
            (ws.cell(r, col["Avant"]), ws.cell(r, col["Après"]), ws.cell(r, col["Année"]))
            for r in range(2, ws.max_row + 1)}


def test_dry_run_excel_keeps_numbers_as_numbers(engine):
    first = filled(2025, ind={("A1-1", "2025 Résultat"): 1250, ("A2-1", "2025 Résultat"): 15_680.5},
                   av={(1, "2025 Dépenses (€)"): 1_000})
    assert importer.import_workbook(engine, first, PLAN, file_name="a.xlsx", dry_run=False).batch_id
    issued = template.write_template(PLAN, 2025, store.load_suivi(engine))   # a porteur's stamped copy
    second = filled(2025, stamped=True, data=issued, ind={("A1-1", "2025 Résultat"): 1310, ("A1-2", "2025 Résultat"): "45 %",
                               ("A2-1", "2025 Résultat"): 16_000.25, ("A3-2", "2025 Résultat"): "31/03/2025",
                               ("A1-1", "Commentaire"): "+33 5 62 05 22 89"},
                    av={(1, "Statut"): "En cours", (1, "2025 Dépenses (€)"): 15_680.5, (1, "2025 ETP"): 0.5})
    outcome = importer.import_workbook(engine, second, PLAN, file_name="b.xlsx", dry_run=True)
    view = views_imports.dry_run(PLAN, outcome)
    rows = _rows(view.excel())
    before, after, year = rows[("A1-1 Nombre de participants", "Résultat")]
    assert (before.value, after.value) == (1250, 1310) and after.number_format == "#,##0"
    assert year.value == 2025 and year.data_type == "n"
    before, after, _ = rows[("A2-1 Recettes", "Résultat")]
    assert before.value == 15_680.5 and before.number_format == '#,##0.00 "€"'     # cents kept
    assert after.value == 16_000.25
    _, after, _ = rows[("A1-2 Taux d'occupation", "Résultat")]
    assert after.value == pytest.approx(0.45) and after.number_format == "0.0 %"
    _, after, _ = rows[("A3-2 Mise en vente", "Résultat (date)")]
    assert after.value == datetime(2025, 3, 31) and after.number_format == "dd/mm/yyyy"
    before, after, _ = rows[("Réalisé", "Dépenses (€)")]
    assert (before.value, after.value) == (1_000, 15_680.5) and after.number_format == '#,##0.00 "€"'
    _, after, _ = rows[("Réalisé", "ETP")]
    assert after.value == 0.5 and "ETP" in after.number_format
    _, after, _ = rows[("Avancement", "Statut")]
    assert after.value == "En cours" and after.data_type == "s"
    _, after, _ = rows[("A1-1 Nombre de participants", "Commentaire")]
    assert after.value == "+33 5 62 05 22 89" and after.data_type == "s" and after.quotePrefix  # never a formula
    assert all(isinstance(x, str) for x in view.changes["Après"])    # the page and the terminal keep the text
