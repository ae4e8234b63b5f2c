"""Reading a follow-up workbook: one broken workbook per validation rule, what staff really type.

Every rule: the French message names sheet, Excel row and column, and the store is unchanged.
"""

from __future__ import annotations

import io
import re
import zipfile

import pandas as pd
import pytest
from openpyxl import load_workbook
from suivi_builders import PLAN, edited, filled, put, snapshot

from dashboard import xlsx_scan
from dashboard.suivi import cells, contract, followup, importer, store


@pytest.fixture
def engine(tmp_path):
    """A store that already holds one import (so 'unchanged' means something)."""
    e = store.open_engine(f"sqlite:///{tmp_path / 'store.sqlite'}")
    first = followup.read_followup(filled(2024, ind={("A1-1", "2024 Résultat"): 100}, av={(1, "Statut"): "En cours"}),
                                   PLAN)
    assert store.apply(e, first) == 1
    return e


# Indicateurs: A=Identifiant B=N° action C=Action D=Indicateur E=Unité F=Rappel 2024 G=2025 Résultat
#              H=2025 Objectif I=Commentaire J=Source; rows 2..6 = A1-1 (nombre), A1-2 (%), A2-1 (€),
#              A3-1 (oui/non), A3-2 (date).
# Avancement:  A=N° action B=Action C=Statut D=Début réel E=Fin réelle F=Fin révisée G=2025 Dépenses (€)
#              H=2025 ETP I=Commentaire; rows 2..4 = actions 1..3.
RULES = [
    ("identifiant inconnu", put("Indicateurs", {"A2": "A9-9", "G2": 5}),
     ("Indicateurs", 2, "Identifiant", "l'indicateur « A9-9 » n'existe pas dans le plan")),
    ("identifiant manquant", put("Indicateurs", {"A2": None, "G2": 5}),
     ("Indicateurs", 2, "Identifiant", "la ligne a des valeurs mais pas d'identifiant")),
    ("action inconnue", put("Avancement", {"A3": 99, "C3": "En cours"}),
     ("Avancement", 3, "N° action", "l'action « 99 » n'existe pas dans le plan")),
    ("action ne correspondant pas à l'indicateur", put("Indicateurs", {"B2": 3, "G2": 5}),
     ("Indicateurs", 2, "N° action", "ne correspond pas à l'indicateur A1-1")),
    ("année hors période", put("Indicateurs", {"G1": "2031 Résultat"}),
     ("Indicateurs", 1, "2031 Résultat", "l'année 2031 est hors de la période du plan (2023-2028)")),
    ("même indicateur et même année deux fois", put("Indicateurs", {"G2": 5, "A7": "A1-1", "G7": 6}),
     ("Indicateurs", 7, "2025 Résultat", "l'indicateur A1-1 a déjà une valeur pour 2025 (ligne 2)")),
    ("colonne d'année en double", put("Indicateurs", {"J1": "2025 Résultat"}),
     ("Indicateurs", 1, "2025 Résultat", "figure deux fois (colonnes G et J)")),
    ("texte au lieu d'un nombre", put("Indicateurs", {"G2": "beaucoup"}),
     ("Indicateurs", 2, "2025 Résultat", "« beaucoup » n'est pas un nombre")),
    ("texte au lieu d'un nombre d'ETP", put("Avancement", {"H2": "un mi-temps"}),
     ("Avancement", 2, "2025 ETP", "« un mi-temps » n'est pas un nombre")),
    ("pourcentage au-dessus de 100", put("Indicateurs", {"G3": "120 %"}),
     ("Indicateurs", 3, "2025 Résultat", "120 % est hors de 0 à 100")),
    ("pourcentage négatif", put("Indicateurs", {"H3": -5}),
     ("Indicateurs", 3, "2025 Objectif", "-5 % est hors de 0 à 100")),
    ("nombre négatif", put("Indicateurs", {"G2": -3}),
     ("Indicateurs", 2, "2025 Résultat", "-3 est négatif : un nombre ne peut pas être négatif")),
    ("montant négatif", put("Indicateurs", {"G4": "-1 500 €"}),
     ("Indicateurs", 4, "2025 Résultat", "-1500 est négatif : un montant ne peut pas être négatif")),
    ("dépenses négatives", put("Avancement", {"G3": -100}),
     ("Avancement", 3, "2025 Dépenses (€)", "-100 est négatif : un montant de dépenses ne peut pas être négatif")),
    ("ETP négatif", put("Avancement", {"H3": "-0,5"}),
     ("Avancement", 3, "2025 ETP", "-0,5 est négatif : un nombre d'ETP ne peut pas être négatif")),
    ("pourcentage pour un nombre", put("Indicateurs", {"G2": "45 %"}),
     ("Indicateurs", 2, "2025 Résultat", "un pourcentage est saisi pour un indicateur en « nombre »")),
    ("fin réelle avant le début", put("Avancement", {"D2": "01/06/2025", "E2": "15/05/2025"}),
     ("Avancement", 2, "Fin réelle", "la date (15/05/2025) est avant le début réel (01/06/2025)")),
    ("fin révisée avant le début", put("Avancement", {"D2": "01/06/2025", "F2": "31/12/2024"}),
     ("Avancement", 2, "Fin révisée", "la date (31/12/2024) est avant le début réel (01/06/2025)")),
    ("date illisible", put("Avancement", {"D4": "fin juin"}),
     ("Avancement", 4, "Début réel", "« fin juin » n'est pas une date : saisissez une date au format JJ/MM/AAAA")),
    ("date d'indicateur illisible", put("Indicateurs", {"G6": "bientôt"}),
     ("Indicateurs", 6, "2025 Résultat", "« bientôt » n'est pas une date")),
    ("oui/non illisible", put("Indicateurs", {"G5": "peut-être"}),
     ("Indicateurs", 5, "2025 Résultat", "« peut-être » : saisissez « oui » ou « non »")),
    ("statut inconnu", put("Avancement", {"C2": "Terminée"}),
     ("Avancement", 2, "Statut", "statut « Terminée » inconnu : choisissez dans la liste")),
    ("action en double", put("Avancement", {"A5": 1, "C5": "Réalisée", "C2": "En cours"}),
     ("Avancement", 5, "N° action", "l'action 1 figure déjà ligne 2")),
    ("feuille manquante", lambda wb: wb.remove(wb["Avancement"]),
     ("Avancement", None, None, "la feuille « Avancement » est absente")),
    ("colonne manquante", lambda wb: wb["Indicateurs"].delete_cols(1),
     ("Indicateurs", 1, "Identifiant", "la colonne « Identifiant » est absente")),
    ("colonne Statut manquante", lambda wb: wb["Avancement"].delete_cols(3),
     ("Avancement", 1, "Statut", "la colonne « Statut » est absente")),
    ("formule jamais calculée", put("Indicateurs", {"G4": "=6000*2"}),
     ("Indicateurs", 4, "2025 Résultat", "la formule de cette cellule n'a pas de valeur calculée")),
    ("aucune colonne d'année", lambda wb: wb["Indicateurs"].delete_cols(7, 2),
     ("Indicateurs", 1, None, "aucune colonne « AAAA Résultat » ni « AAAA Objectif »")),
]


@pytest.mark.parametrize("edit, expected", [r[1:] for r in RULES], ids=[r[0] for r in RULES])
def test_each_rule_names_sheet_row_column_and_changes_nothing(engine, edit, expected):
    before = snapshot(engine)
    outcome = importer.import_workbook(engine, edited(edit), PLAN, file_name="suivi_2025.xlsx", dry_run=False)
    sheet, row, column, text = expected
    found = [(p.sheet, p.row, p.column) for p in outcome.report.problems if text in p.text]
    assert found == [(sheet, row, column)], [p.message() for p in outcome.report.problems]
    assert not outcome.ok and outcome.batch_id is None
    assert "rien n'a été importé" in outcome.message()
    assert snapshot(engine) == before


def test_not_a_workbook(engine):
    before = snapshot(engine)
    outcome = importer.import_workbook(engine, b"Identifiant;2025 R\xe9sultat\nA1-1;5\n", PLAN, file_name="suivi.csv",
                                    dry_run=False)
    [p] = outcome.report.problems
    assert (p.sheet, p.row, p.column) == ("suivi.csv", None, None)
    assert p.message().startswith("Fichier « suivi.csv » : c'est un fichier texte (CSV ou autre), pas un classeur Excel")
    assert snapshot(engine) == before


def test_every_problem_listed_at_once_as_a_table(engine):
    data = edited(lambda wb: (put("Indicateurs", {"G2": "beaucoup", "G3": "120 %"})(wb),
                              put("Avancement", {"C2": "Terminée", "H3": -1})(wb)))
    report = followup.read_followup(data, PLAN)
    table = report.problems_frame()
    assert list(table.columns) == ["Feuille", "Ligne", "Colonne", "Problème"]
    assert table[["Feuille", "Ligne", "Colonne"]].values.tolist() == [
        ["Indicateurs", "2", "G « 2025 Résultat »"], ["Indicateurs", "3", "G « 2025 Résultat »"],
        ["Avancement", "2", "C « Statut »"], ["Avancement", "3", "H « 2025 ETP »"]]


# --- what staff really type ----------------------------------------------------------------------

@pytest.mark.parametrize("typed, expected", [
    ("1 234,5", (1234.5, "")), ("1\u00a0234", (1234.0, "")), ("1\u202f234,25", (1234.25, "")),
    ("45 %", (45.0, "%")), ("45,5%", (45.5, "%")), ("12 000 €", (12000.0, "€")), ("12000 EUR", (12000.0, "€")),
    ("1.234,5", (1234.5, "")), ("0,45", (0.45, "")), ("−3", (-3.0, "")), (7, (7.0, "")), (2.5, (2.5, "")),
])
def test_parse_number_french(typed, expected):
    assert cells.parse_number(typed) == expected


def test_parse_number_percent_formatted_cell():
    assert cells.parse_number(0.45, percent_cell=True) == (45.0, "%")


@pytest.mark.parametrize("typed", ["beaucoup", "1,2,3", "12 kg", "", "1 234,5 6", "12 34"])
def test_parse_number_refuses_text(typed):
    with pytest.raises(cells.BadValue, match="n'est pas un nombre"):
        cells.parse_number(typed)


@pytest.mark.parametrize("typed, expected", [
    ("31/12/2025", "2025-12-31"), ("1/3/25", "2025-03-01"), ("2025-12-31", "2025-12-31"),
    (pd.Timestamp("2025-06-15 00:00").to_pydatetime(), "2025-06-15"), (46022, "2025-12-31"),
])
def test_parse_date(typed, expected):
    assert cells.parse_date(typed) == pd.Timestamp(expected)


@pytest.mark.parametrize("typed, expected", [("oui", 1.0), ("Non", 0.0), ("x", 1.0), ("X", 1.0), (True, 1.0),
                                             (0, 0.0)])
def test_parse_oui_non(typed, expected):
    assert cells.parse_oui_non(typed) == expected


@pytest.mark.parametrize("typed", ["réalisée", "EN COURS", " non demarree ", "Abandonnée"])
def test_parse_statut_tolerant(typed):
    assert cells.parse_statut(typed) in contract.STATUTS


def with_cached_formula(data: bytes, sheet_xml: str, formula: str, cached: str) -> bytes:
    """openpyxl writes formulas without their cached value; add one, as Excel does on save."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            content = src.read(item.filename)
            if item.filename == sheet_xml:
                text = content.decode()
                text, n = re.subn(rf"<f>{re.escape(formula)}</f><v\s*(?:/>|></v>)", f"<f>{formula}</f><v>{cached}</v>", text)
                assert n == 1
                content = text.encode()
            dst.writestr(item, content)
    return out.getvalue()


def test_filled_template_with_french_typed_values(engine):
    def edit(wb):
        put("Indicateurs", {"G2": "1 234", "H2": "1\u202f500,5", "G3": 0.45, "H3": "60 %", "G4": "12 000 €",
                            "G5": "x", "H5": "oui", "G6": "31/12/2025", "I2": "Comptage billetterie",
                            "J2": "Service des publics"})(wb)
        wb["Indicateurs"]["G3"].number_format = "0%"  # Excel's percent cell: 45 % stored as 0.45
        wb["Indicateurs"]["G4"] = "=6000*2"
        put("Avancement", {"C2": "réalisée", "D2": pd.Timestamp("2025-02-01").to_pydatetime(), "E2": "30/11/2025",
                           "G2": "12 000 €", "H2": "0,5", "C3": "En cours", "F3": "30/06/2026", "G3": 0,
                           "I3": "Retard fournisseur", "H4": "0,2 ETP"})(wb)

    data = with_cached_formula(edited(edit), "xl/worksheets/sheet2.xml", "6000*2", "12000")
    report = followup.read_followup(data, PLAN)
    assert report.ok, [p.message() for p in report.problems]
    ind = report.indicateurs.set_index("indicateur_id")
    assert ind.loc["A1-1", ["resultat", "objectif"]].tolist() == [1234.0, 1500.5]
    assert ind.loc["A1-1", ["commentaire", "source"]].tolist() == ["Comptage billetterie", "Service des publics"]
    assert ind.loc["A1-2", ["resultat", "objectif"]].tolist() == pytest.approx([45.0, 60.0])
    assert ind.loc["A2-1", "resultat"] == 12000.0  # through the formula's cached value
    assert ind.loc["A3-1", ["resultat", "objectif"]].tolist() == [1.0, 1.0]
    assert ind.loc["A3-2", "date_resultat"] == pd.Timestamp("2025-12-31") and pd.isna(ind.loc["A3-2", "resultat"])
    st = report.statuts.set_index("action_id")
    assert st.loc[1, ["statut", "debut_reel", "fin_reelle"]].tolist() == [
        "Réalisée", pd.Timestamp("2025-02-01"), pd.Timestamp("2025-11-30")]
    assert st.loc[2, ["statut", "fin_revisee", "commentaire"]].tolist() == [
        "En cours", pd.Timestamp("2026-06-30"), "Retard fournisseur"]
    real = report.realise.set_index("action_id")
    assert real.loc[1, ["depenses", "etp"]].tolist() == [12000.0, 0.5]
    assert real.loc[2, "depenses"] == 0.0 and pd.isna(real.loc[2, "etp"])  # 0 stays 0, blank stays blank
    assert real.loc[3, "etp"] == 0.2 and pd.isna(real.loc[3, "depenses"]) and 3 not in st.index

    counts = store.diff(engine, report)
    # action 1 was « En cours » (2024): its status for 2025 is a change, every other value is new
    assert (counts.new, counts.changed) == (report.n_values - 1, 1)
    store.apply(engine, report)
    again = importer.import_workbook(engine, data, PLAN, dry_run=False)
    assert (again.counts.new, again.counts.changed, again.batch_id) == (0, 0, None)
    assert "il a déjà été importé (import n° 2)" in again.message()


def test_percent_in_plain_cell_is_a_percentage_number():
    report = followup.read_followup(edited(put("Indicateurs", {"G3": 0.45})), PLAN)
    assert report.indicateurs.set_index("indicateur_id").loc["A1-2", "resultat"] == 0.45


def test_rappel_and_unknown_columns_are_ignored_not_imported():
    data = edited(put("Indicateurs", {"F2": 999, "M1": "Notes perso", "M2": "à relancer"}))
    report = followup.read_followup(data, PLAN)
    assert report.ok and report.n_values == 0
    assert report.ignored == 2 and report.ignored_columns == ("Notes perso",)


def test_several_years_in_one_file():
    def edit(wb):
        ws = wb["Indicateurs"]
        ws["M1"], ws["M2"], ws["N1"], ws["N2"] = "2023 Résultat", 80, "2024 Résultat", "90"
        wb["Avancement"]["L1"], wb["Avancement"]["L2"] = "2024 Dépenses (€)", "5 000"
    report = followup.read_followup(edited(edit), PLAN)
    assert report.ok and report.annees == (2023, 2024, 2025)
    assert sorted(report.indicateurs[["annee", "resultat"]].values.tolist()) == [[2023, 80.0], [2024, 90.0]]
    assert report.realise[["action_id", "annee", "depenses"]].values.tolist() == [[1, 2024, 5000.0]]
    assert report.realise["etp"].isna().all()


def test_progress_is_reported():
    seen = []
    followup.read_followup(edited(put("Indicateurs", {"G2": 1})), PLAN, progress=lambda f, t: seen.append(f))
    assert seen[0] < seen[-1] == 1.0


def test_percent_cells_found_in_the_xml_as_openpyxl_finds_them():
    def edit(wb):
        ws = wb["Indicateurs"]
        ws["G3"], ws["H3"], ws["G2"] = 0.45, 0.6, 0.5
        ws["G3"].number_format, ws["H3"].number_format, ws["G2"].number_format = "0%", "0.0%", '0" %"'
    data = edited(edit)
    wb = load_workbook(io.BytesIO(data), read_only=True)
    by_openpyxl = {(r, c.column - 1) for r, row in enumerate(wb["Indicateurs"].iter_rows()) for c in row
                   if isinstance(c.value, float) and "%" in re.sub(r'".*?"', "", c.number_format)}
    wb.close()
    scanned = xlsx_scan.scan(data, ("Indicateurs",))["Indicateurs"].percent
    assert scanned == by_openpyxl == {(2, 6), (2, 7)}
    ind = followup.read_followup(data, PLAN).indicateurs.set_index("indicateur_id")
    assert ind.loc["A1-2", ["resultat", "objectif"]].tolist() == pytest.approx([45.0, 60.0])
    assert ind.loc["A1-1", "resultat"] == 0.5  # a quoted " %" does not scale
