"""Tables as Excel files and as French text: headers, formats, frozen header row, real numbers."""

from __future__ import annotations

import io
import math

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
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
    ("E2", 1.25, '#,##0.00 "ETP"'),
    ("F3", 0.166667, "0.0 %"),                       # a percentage as a fraction: Excel shows 16,7 %
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
    assert ws["B1"].value == "Réalisé (ETP)" and ws["B2"].number_format == '#,##0.00 "ETP"'


def test_excel_amounts_keep_their_cents_and_text_is_never_a_formula():
    df = pd.DataFrame({"poste": ["=SUM(A1:A9)", "+33 6 12 34 56 78", "Étude"],
                       "realise": [15_680.50, 20_000.0, 0.125]})
    ws = load_workbook(io.BytesIO(export.to_excel(df))).active
    assert ws["B2"].value == 15_680.50 and ws["B2"].number_format == '#,##0.00 "€"'   # 15 680,50 €
    assert ws["B3"].value == 20_000 and ws["B3"].number_format == '#,##0 "€"'
    assert ws["B4"].value == 0.125 and ws["B4"].number_format == '#,##0.00 "€"'
    for cell in ("A2", "A3"):
        assert ws[cell].data_type == "s" and ws[cell].quotePrefix          # text, even after an edit in Excel
    assert ws["A2"].value == "=SUM(A1:A9)" and ws["A3"].value == "+33 6 12 34 56 78"


def test_indicators_excel_keeps_values_and_objectives_as_numbers_in_their_unit():
    t = pd.DataFrame({
        "action_id": [11, 11, 11, 19, 7], "indicateur_id": ["A11-1", "A11-2", "A11-3", "A19-1", "A7-1"],
        "indicateur": ["Nuitées", "Taux d'occupation", "Chiffre d'affaires", "Label obtenu", "Arrêté pris"],
        "unite": ["nombre", "%", "€", "oui/non", "date"],
        "derniere_valeur": [9_750.0, 54.6, 15_680.5, 1.0, 1.0],
        "date_valeur": [pd.NaT, pd.NaT, pd.NaT, pd.NaT, pd.Timestamp("2025-03-31")],
        "annee_valeur": [2025, 2025, 2025, 2025, 2025],
        "variation": [150.0, -1.4, math.nan, math.nan, math.nan], "variation_pct": [1.56, math.nan, math.nan,
                                                                                    math.nan, math.nan],
        "appreciation": ["favorable", "défavorable", "", "", ""],
        "objectif": [10_100.0, 63.0, 16_000.0, math.nan, math.nan],
        "commentaire": ["=1+1", None, None, None, None], "source": [None] * 5,
    })
    ws = load_workbook(io.BytesIO(export.indicateurs_excel(t))).active
    head = [c.value for c in ws[1]]
    val, obj, com = head.index("Dernière valeur") + 1, head.index("Objectif (même année)") + 1, head.index("Commentaire") + 1
    got = [(ws.cell(r, val).value, ws.cell(r, val).number_format) for r in range(2, 7)]
    assert got[0] == (9_750, "#,##0")
    assert got[1][0] == pytest.approx(0.546) and got[1][1] == "0.0 %"
    assert got[2] == (15_680.5, '#,##0.00 "€"')
    assert got[3][0] == "oui"
    assert got[4][0].date() == pd.Timestamp("2025-03-31").date() and got[4][1] == "dd/mm/yyyy"
    assert ws.cell(2, obj).value == 10_100 and ws.cell(3, obj).value == pytest.approx(0.63)
    assert ws.cell(2, com).value == "=1+1" and ws.cell(2, com).data_type == "s"
    for r in range(2, 5):                                    # every numeric cell: a number with a format
        assert isinstance(ws.cell(r, val).value, int | float) and ws.cell(r, val).number_format != "General"


@settings(max_examples=60, deadline=None)
@given(st.lists(st.floats(min_value=-1e9, max_value=1e9, allow_nan=False, allow_infinity=False), min_size=1,
                max_size=6),
       st.lists(st.floats(min_value=0, max_value=100, allow_nan=False), min_size=1, max_size=6))
def test_excel_numbers_read_back_as_the_same_numbers_with_a_format(amounts, shares):
    n = min(len(amounts), len(shares))
    df = pd.DataFrame({"realise": amounts[:n], "part": shares[:n]})
    ws = load_workbook(io.BytesIO(export.to_excel(df))).active
    for i in range(n):
        euro, share = ws.cell(i + 2, 1), ws.cell(i + 2, 2)
        assert isinstance(euro.value, int | float) and euro.value == pytest.approx(amounts[i], rel=1e-12, abs=1e-9)
        assert euro.number_format == ('#,##0 "€"' if round(amounts[i], 2).is_integer() else '#,##0.00 "€"')
        assert share.value == pytest.approx(shares[i] / 100, rel=1e-12, abs=1e-15) and share.number_format == "0.0 %"
