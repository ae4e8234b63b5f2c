"""Tables as Excel files and as French text: headers, formats, frozen header row, real numbers."""

from __future__ import annotations

import io
import math

import pandas as pd
import pytest
from openpyxl import load_workbook

from dashboard import fmt
from dashboard.present import export

DF = pd.DataFrame({
    "axe": pd.array([1, 2], dtype="Int64"),
    "libelle": ["Soutenir la fréquentation", "Accompagner les professionnels"],
    "unique_min": [421_500.0, 0.0],
    "unique_max": [441_500.0, 0.0],
    "etp": [1.25, math.nan],
    "part": [83.3333, 16.6667],
})


@pytest.fixture(scope="module")
def sheet():
    return load_workbook(io.BytesIO(export.to_excel(DF, sheet="Par axe"))).active


def test_excel_headers_are_french_and_frozen(sheet):
    assert [c.value for c in sheet[1]] == ["Axe", "Libellé", "Ponctuel min (€)", "Ponctuel max (€)", "ETP",
                                           "Part des ETP (%)"]
    assert sheet.freeze_panes == "A2"
    assert sheet.title == "Par axe"


@pytest.mark.parametrize(("cell", "value", "number_format"), [
    ("A2", 1, "0"),
    ("C2", 421_500, '#,##0 "€"'),
    ("D2", 441_500, '#,##0 "€"'),
    ("E2", 1.25, "#,##0.00"),
    ("F3", 16.6667, '0.0" %"'),
])
def test_excel_keeps_real_numbers_with_formats(sheet, cell, value, number_format):
    assert sheet[cell].value == pytest.approx(value)
    assert sheet[cell].number_format == number_format


def test_excel_blank_stays_blank_and_columns_are_sized(sheet):
    assert sheet["E3"].value is None  # unknown is not zero
    assert sheet.column_dimensions["B"].width >= len("Accompagner les professionnels")
    assert sheet.column_dimensions["A"].width >= len("Axe")


def test_display_is_french_text_and_ranges_stay_ranges():
    shown = export.for_display(DF, ranges={"Ponctuel (€)": ("unique_min", "unique_max")})
    assert list(shown.columns) == ["Axe", "Libellé", "Ponctuel (€)", "ETP", "Part des ETP (%)"]
    assert shown["Ponctuel (€)"].tolist() == [fmt.fourchette(421_500, 441_500), fmt.euros(0)]
    assert shown["ETP"].tolist() == ["1,25", "—"]
    assert shown["Part des ETP (%)"].tolist() == [fmt.pct(83.3333, 1), fmt.pct(16.6667, 1)]
    assert shown["Ponctuel (€)"][0] == "421\u202f500 – 441\u202f500\u00a0€"


def test_overrides_rename_and_reformat():
    df = pd.DataFrame({"annee": [2024], "realise": [0.5]})
    t = export.table(df, overrides={"realise": ("Réalisé (ETP)", "etp")})
    assert list(t.shown.columns) == ["Année", "Réalisé (ETP)"]
    assert t.shown.iloc[0].tolist() == ["2024", "0,5"]
    ws = load_workbook(io.BytesIO(t.excel())).active
    assert ws["B1"].value == "Réalisé (ETP)" and ws["B2"].number_format == "#,##0.00"
