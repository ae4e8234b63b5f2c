"""The plan loader: one broken copy of the shipped workbook per validation rule, all problems at once, the CLI.

Each broken copy is built here from the shipped workbook (openpyxl: change one cell, delete a sheet,
rename a header) and must be reported in French with its sheet, Excel row and column.
"""

from __future__ import annotations

import datetime as dt
import io
import subprocess
import sys

import openpyxl
import pandas as pd
import pytest

from dashboard.__main__ import main
from dashboard.plan import SHEETS, PlanError, load_plan, read_sheets, validate_sheets


@pytest.fixture(scope="module")
def shipped_bytes(plan_path) -> bytes:
    return plan_path.read_bytes()


def _open(data: bytes) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(data))


def _col(ws, head: str) -> int:
    for cell in ws[1]:
        if cell.value == head:
            return cell.column
    raise KeyError(head)


def _row(ws, where: dict | int | None) -> int:
    """The Excel row: given, or the first data row whose cells equal `where`."""
    if isinstance(where, int):
        return where
    for r in range(2, ws.max_row + 1):
        if all(ws.cell(r, _col(ws, h)).value == v for h, v in (where or {}).items()):
            return r
    raise LookupError(where)


def put(sheet: str, head: str, value, where: dict | int | None = None):
    """A mutation: set one cell (first row matching `where`); returns the Excel row changed."""
    def mutate(wb):
        ws = wb[sheet]
        r = _row(ws, where)
        ws.cell(r, _col(ws, head)).value = value
        return r
    return mutate


def copy_of(sheet: str, where: dict | int, **changes):
    """A mutation: append a copy of a row (with some cells changed); returns the new row."""
    def mutate(wb):
        ws = wb[sheet]
        src = _row(ws, where)
        values = [c.value for c in ws[src]]
        for head, value in changes.items():
            values[_col(ws, head) - 1] = value
        ws.append(values)
        return ws.max_row
    return mutate


def rename_header(sheet: str, head: str, new: str):
    def mutate(wb):
        wb[sheet].cell(1, _col(wb[sheet], head)).value = new
        return 1
    return mutate


def delete_sheet(sheet: str):
    def mutate(wb):
        del wb[sheet]
    return mutate


def build(shipped: bytes, tmp_path, *mutations, name="casse.xlsx"):
    """Save a copy of the shipped workbook with the mutations applied; returns (path, rows changed)."""
    wb = _open(shipped)
    rows = [m(wb) for m in mutations]
    path = tmp_path / name
    wb.save(path)
    return path, rows


def problems_of(path) -> list:
    with pytest.raises(PlanError) as err:
        load_plan(path)
    return err.value.problems


A4_PAR_UNITE = {"N° action": 4, "Périodicité": "par unité"}
ANNUEL = {"Périodicité": "annuel"}
UNIQUE = {"Périodicité": "unique"}
DATED = {"Récurrence": "aucune", "Précision": "trimestre"}

# (id, mutation, sheet, column, words the French message must contain)
CASES = [
    # required sheets and columns
    ("feuille absente", delete_sheet("Capacité"), "Capacité", None, "absente du classeur"),
    ("feuille Budget absente", delete_sheet("Budget"), "Budget", None, "absente du classeur"),
    ("en-tête renommé", rename_header("Budget", "Montant max (€)", "Montant maxi"),
     "Budget", "Montant max (€)", "renommez-le exactement"),
    ("en-tête supprimé", rename_header("Indicateurs", "Sens", None), "Indicateurs", "Sens", "colonne absente"),
    # types
    ("texte dans un montant", put("Budget", "Montant min (€)", "vingt mille", UNIQUE),
     "Budget", "Montant min (€)", "n'est pas un nombre"),
    ("texte dans une année", put("Budget", "Année début", "2024 ?", UNIQUE),
     "Budget", "Année début", "pas un nombre entier"),
    ("décimal dans un numéro", put("Calendrier", "N° action", 3.5, 2),
     "Calendrier", "N° action", "pas un nombre entier"),
    ("texte dans les ETP", put("ETP", "ETP", "un demi", {"ETP": 0.5}), "ETP", "ETP", "n'est pas un nombre"),
    ("texte dans une date", put("Calendrier", "Début prévu", "printemps", DATED),
     "Calendrier", "Début prévu", "n'est pas une date"),
    ("texte dans une capacité", put("Capacité", "ETP disponibles", "beaucoup", 2),
     "Capacité", "ETP disponibles", "n'est pas un nombre"),
    # unique ids
    ("axe en double", put("Axes", "Axe", 1, 3), "Axes", "Axe", "figure déjà ligne 2"),
    ("enjeu en double", put("Enjeux", "Enjeu", "1.1", 3), "Enjeux", "Enjeu", "figure déjà ligne 2"),
    ("fiche en double", put("Actions", "N° action", 1, 3), "Actions", "N° action", "figure déjà ligne 2"),
    ("identifiant en double", put("Indicateurs", "Identifiant", "A1-1", 3),
     "Indicateurs", "Identifiant", "figure déjà ligne 2"),
    ("hypothèse en double", copy_of("Hypothèses", 2), "Hypothèses", "N° action", "figure déjà ligne 2"),
    ("capacité en double", copy_of("Capacité", 2), "Capacité", "Année", "figure déjà ligne 2"),
    # referential integrity
    ("budget d'une fiche inconnue", put("Budget", "N° action", 18, UNIQUE),
     "Budget", "N° action", "n° 18 n'existe pas"),
    ("ETP d'une fiche inconnue", put("ETP", "N° action", 99, 2), "ETP", "N° action", "n° 99 n'existe pas"),
    ("jalon d'une fiche inconnue", put("Calendrier", "N° action", 33, 2),
     "Calendrier", "N° action", "n° 33 n'existe pas"),
    ("indicateur d'une fiche inconnue", put("Indicateurs", "N° action", 99, 2),
     "Indicateurs", "N° action", "n° 99 n'existe pas"),
    ("hypothèse d'une fiche inconnue", put("Hypothèses", "N° action", 99, 3),
     "Hypothèses", "N° action", "n° 99 n'existe pas"),
    ("fiche d'un axe inconnu", put("Actions", "Axe", 9, 2), "Actions", "Axe", "l'axe 9 n'existe pas"),
    ("enjeu d'un axe inconnu", put("Enjeux", "Axe", 9, 2), "Enjeux", "Axe", "l'axe 9 n'existe pas"),
    ("enjeu inconnu", put("Actions", "Enjeu", "1.9", 2), "Actions", "Enjeu", "l'enjeu 1.9 n'existe pas"),
    ("enjeu d'un autre axe", put("Actions", "Enjeu", "2.1", 2), "Actions", "Enjeu", "appartient à l'axe 2"),
    ("numéro d'enjeu hors de son axe", put("Enjeux", "Enjeu", "3.9", 2),
     "Enjeux", "Enjeu", "numéro d'un autre axe"),
    ("numéro d'enjeu mal formé", put("Enjeux", "Enjeu", "1-1", 2), "Enjeux", "Enjeu", "pas un numéro d'enjeu"),
    ("enjeu de fiche mal formé", put("Actions", "Enjeu", "un", 2), "Actions", "Enjeu", "pas un numéro d'enjeu"),
    ("fiche numéro 0", put("Actions", "N° action", 0, 2), "Actions", "N° action", "à partir de 1"),
    ("axe numéro 0", put("Axes", "Axe", 0, 2), "Axes", "Axe", "à partir de 1"),
    # ranges
    ("min au-dessus du max", put("Budget", "Montant min (€)", 9_000_000, UNIQUE),
     "Budget", "Montant min (€)", "dépasse le maximum"),
    ("montant négatif", put("Budget", "Montant max (€)", -5000, ANNUEL),
     "Budget", "Montant max (€)", "montant négatif"),
    ("quantité négative", put("Budget", "Quantité", -2, A4_PAR_UNITE), "Budget", "Quantité", "quantité négative"),
    ("ETP négatif", put("ETP", "ETP", -0.5, {"ETP": 0.5}), "ETP", "ETP", "ETP négatif"),
    ("capacité négative", put("Capacité", "ETP disponibles", -1, 2), "Capacité", "ETP disponibles", "négatif"),
    ("année de budget hors période", put("Budget", "Année début", 2035, ANNUEL),
     "Budget", "Année début", "hors de la période du plan (2023-2028)"),
    ("année ETP hors période", put("ETP", "Année fin", 2040, 2), "ETP", "Année fin", "hors de la période"),
    ("année de capacité hors période", put("Capacité", "Année", 2019, 2), "Capacité", "Année", "hors de la période"),
    ("début après fin (budget)", put("Budget", "Année début", 2027, {"Année fin": 2024}),
     "Budget", "Année début", "après l'année de fin"),
    ("début après fin (calendrier)", put("Calendrier", "Début prévu", dt.datetime(2029, 1, 1), DATED),
     "Calendrier", "Début prévu", "après la fin prévue"),
    # allowed values
    ("catégorie inconnue", put("Actions", "Catégorie budget", "chiffre", 2),
     "Actions", "Catégorie budget", "n'est pas une valeur admise"),
    ("catégorie vide", put("Actions", "Catégorie budget", None, 2), "Actions", "Catégorie budget", "cellule vide"),
    ("périodicité inconnue", put("Budget", "Périodicité", "mensuel", ANNUEL),
     "Budget", "Périodicité", "unique / annuel / par unité"),
    ("récurrence inconnue", put("Calendrier", "Récurrence", "hebdomadaire", 2),
     "Calendrier", "Récurrence", "aucune / annuelle / estivale / continue"),
    ("précision inconnue", put("Calendrier", "Précision", "semaine", 2), "Calendrier", "Précision", "valeur admise"),
    ("type inconnu", put("Indicateurs", "Type", "qualitatif", 2), "Indicateurs", "Type", "quantitatif / jalon"),
    ("unité d'indicateur inconnue", put("Indicateurs", "Unité", "kg", 2), "Indicateurs", "Unité", "valeur admise"),
    ("sens inconnu", put("Indicateurs", "Sens", "stable", 2), "Indicateurs", "Sens", "hausse / baisse / atteinte"),
    # required cells
    ("titre vide", put("Actions", "Titre", "  ", 2), "Actions", "Titre", "cellule vide"),
    ("libellé d'axe vide", put("Axes", "Libellé", None, 2), "Axes", "Libellé", "cellule vide"),
    ("libellé d'enjeu vide", put("Enjeux", "Libellé", "", 2), "Enjeux", "Libellé", "cellule vide"),
    ("indicateur vide", put("Indicateurs", "Indicateur", None, 2), "Indicateurs", "Indicateur", "cellule vide"),
    ("service vide", put("ETP", "Service", None, 2), "ETP", "Service", "cellule vide"),
    ("poste vide", put("Budget", "Poste", None, 2), "Budget", "Poste", "cellule vide"),
    ("montant vide", put("Budget", "Montant max (€)", None, 2), "Budget", "Montant max (€)", "cellule vide"),
    ("numéro de fiche vide", put("ETP", "N° action", None, 2), "ETP", "N° action", "cellule vide"),
    ("jalon vide", put("Calendrier", "Jalon", None, 2), "Calendrier", "Jalon", "cellule vide"),
    # consistency
    ("lignes de budget mais pas chiffré", put("Actions", "Catégorie budget", "à définir", {"N° action": 2}),
     "Actions", "Catégorie budget", "a des lignes dans « Budget »"),
    ("chiffré sans ligne de budget", put("Actions", "Catégorie budget", "chiffré", {"N° action": 1}),
     "Actions", "Catégorie budget", "aucune ligne dans « Budget »"),
    ("ligne par unité sans unité", put("Budget", "Unité", None, A4_PAR_UNITE), "Budget", "Unité", "son unité"),
    ("quantité sur une ligne annuelle", put("Budget", "Quantité", 3, ANNUEL),
     "Budget", "Quantité", "« par unité »"),
    # Hypothèses
    ("quantité d'une unité inconnue", put("Hypothèses", "Paramètre", "Quantité : bornes", 2),
     "Hypothèses", "Paramètre", "unités de ses lignes « par unité » sont : parcours"),
    ("paramètre mal formé", put("Hypothèses", "Paramètre", "Nombre de parcours", 2),
     "Hypothèses", "Paramètre", "suivi d'une unité de la fiche"),
    ("paramètre vide", put("Hypothèses", "Paramètre", None, 2), "Hypothèses", "Paramètre", "cellule vide"),
    ("valeur négative", put("Hypothèses", "Valeur", -3, 2), "Hypothèses", "Valeur", "valeur négative"),
    ("part au-dessus de 100", put("Hypothèses", "Valeur", 150, {"Paramètre": "Part : Office de tourisme"}),
     "Hypothèses", "Valeur", "entre 0 et 100"),
    # Identifiant
    ("identifiant mal formé", put("Indicateurs", "Identifiant", "11-1", 2),
     "Indicateurs", "Identifiant", "pas un identifiant valable"),
    ("identifiant d'une autre fiche", put("Indicateurs", "Identifiant", "A2-9", {"N° action": 1}),
     "Indicateurs", "Identifiant", "doit commencer par A1-"),
    # period
    ("période illisible", put("Lisez-moi", "Explication", "2023", {"Élément": "Période"}),
     "Lisez-moi", "Explication", "AAAA-AAAA"),
    ("période à l'envers", put("Lisez-moi", "Explication", "2028-2023", {"Élément": "Période"}),
     "Lisez-moi", "Explication", "première année d'abord"),
]


@pytest.mark.parametrize(("mutation", "sheet", "column", "words"), [c[1:] for c in CASES],
                         ids=[c[0] for c in CASES])
def test_each_rule_names_sheet_row_and_column(shipped_bytes, tmp_path, mutation, sheet, column, words):
    path, (row,) = build(shipped_bytes, tmp_path, mutation)
    problems = problems_of(path)
    hits = [p for p in problems if p.sheet == sheet and p.row == row and p.column == column and words in p.text]
    assert hits, "\n".join(p.message() for p in problems)
    message = hits[0].message()
    assert message.startswith(f"Feuille « {sheet} »")
    if row is not None:
        assert f", ligne {row}" in message
    if column is not None:
        assert f", colonne « {column} »" in message
    # French only: none of pandera's English leaks through
    assert not any(w in p.text for p in problems for w in ("failed", "Column", "check", "Error", "series"))


def test_shipped_workbook_is_valid_and_typed(plan):
    assert plan.periode == (2023, 2028)
    assert str(plan.actions["action_id"].dtype) == "Int64"
    assert str(plan.budget["annee_debut"].dtype) == "Int64"
    assert plan.budget["montant_min"].dtype == "float64"
    assert pd.api.types.is_datetime64_any_dtype(plan.calendrier["debut_prevu"])
    assert pd.api.types.is_string_dtype(plan.actions["enjeu"])
    assert not plan.actions[["titre", "enjeu", "presentation"]].isna().any().any()  # "" for blank, never NaN
    assert set(plan.actions.loc[plan.actions["axe"] == 3, "enjeu"]) == {""}


def test_several_problems_reported_at_once(shipped_bytes, tmp_path):
    path, rows = build(shipped_bytes, tmp_path,
                       put("Budget", "Montant min (€)", 9_000_000, UNIQUE),
                       put("ETP", "ETP", "un demi", {"ETP": 0.5}),
                       put("Indicateurs", "Sens", "stable", 2),
                       rename_header("Axes", "Libellé", "Intitulé"))
    found = {(p.sheet, p.row, p.column) for p in problems_of(path)}
    assert {("Budget", rows[0], "Montant min (€)"), ("ETP", rows[1], "ETP"),
            ("Indicateurs", rows[2], "Sens"), ("Axes", 1, "Libellé")} <= found


def test_calendar_dates_outside_the_period_are_not_errors(shipped_bytes, tmp_path):
    path, (row,) = build(shipped_bytes, tmp_path, put("Calendrier", "Début prévu", dt.datetime(2016, 1, 1), DATED))
    p = load_plan(path)
    assert p.periode == (2023, 2028)
    assert p.calendrier.loc[row - 2, "debut_prevu"] == pd.Timestamp(2016, 1, 1)


def test_enjeu_typed_as_a_number_and_spaces_are_normalised(shipped_bytes, tmp_path):
    path, (row, row2) = build(shipped_bytes, tmp_path,
                              put("Actions", "Enjeu", 1.1, {"N° action": 1}),
                              put("Budget", "Porteur", "  Office de tourisme  ", ANNUEL))
    p = load_plan(path)
    assert p.actions.loc[row - 2, "enjeu"] == "1.1"
    assert p.budget.loc[row2 - 2, "porteur"] == "Office de tourisme"


def test_sheet_name_with_trailing_space_is_accepted(shipped_bytes, tmp_path):
    def rename(wb):
        wb["Budget"].title = "Budget "
    path, _ = build(shipped_bytes, tmp_path, rename)
    assert len(load_plan(path).budget) > 0


def test_french_typed_numbers_are_read(shipped_bytes, tmp_path):
    path, (row,) = build(shipped_bytes, tmp_path, put("ETP", "ETP", "0,5", {"ETP": 0.5}))
    assert load_plan(path).etp.loc[row - 2, "etp"] == 0.5


def test_blank_rows_keep_excel_row_numbers(shipped_bytes, tmp_path):
    def blank_row_then_error(wb):
        ws = wb["Indicateurs"]
        ws.insert_rows(3)
        ws.cell(5, _col(ws, "Sens")).value = "stable"
        return 5
    path, _ = build(shipped_bytes, tmp_path, blank_row_then_error)
    assert [(p.sheet, p.row, p.column) for p in problems_of(path)] == [("Indicateurs", 5, "Sens")]


def test_period_from_rows_when_no_periode_row(shipped_bytes, tmp_path):
    """Without a Période row: the span of Budget / ETP / Capacité years (a 2022 calendar date does not count)."""
    path, _ = build(shipped_bytes, tmp_path, put("Lisez-moi", "Élément", "Remarque", {"Élément": "Période"}))
    assert load_plan(path).periode == (2023, 2028)


def test_period_from_calendar_when_nothing_else_names_a_year():
    raw = {s: pd.DataFrame(columns=list(cols)) for s, cols in SHEETS.items()}
    raw["Calendrier"] = pd.DataFrame([[1, "Lancement", dt.datetime(2030, 3, 1), dt.datetime(2031, 6, 30),
                                       "aucune", "saison", "x"]], columns=list(SHEETS["Calendrier"]))
    _, periode, problems = validate_sheets(raw)
    assert periode == (2030, 2031)
    assert [(p.sheet, p.row, p.column) for p in problems] == [("Calendrier", 2, "N° action")]  # no action 1


def test_no_period_at_all_is_a_problem():
    raw = {s: pd.DataFrame(columns=list(cols)) for s, cols in SHEETS.items()}
    _, _, problems = validate_sheets(raw)
    assert [(p.sheet, p.row) for p in problems] == [("Lisez-moi", None)]
    assert "Période" in problems[0].text


def test_validation_leaves_raw_sheets_untouched(plan_path):
    raw = read_sheets(plan_path)
    before = {s: df.copy() for s, df in raw.items()}
    validate_sheets(raw)
    for s, df in raw.items():
        pd.testing.assert_frame_equal(df, before[s])


# ---------------------------------------------------------------- command line

def test_cli_valid_plan_prints_summary(plan, plan_path, capsys):
    assert main(["validate-plan", str(plan_path)]) == 0
    out = capsys.readouterr().out
    lo, hi = plan.periode
    assert f"Période : {lo}-{hi}" in out
    assert f"Axes : {len(plan.axes)} · Enjeux : {len(plan.enjeux)} · Fiches action : {len(plan.actions)}" in out
    assert f"Lignes de budget : {len(plan.budget)}" in out
    assert f"Indicateurs : {len(plan.indicateurs)} · Hypothèses : {len(plan.hypotheses)}" in out
    n_chiffre = int((plan.actions["categorie_budget"] == "chiffré").sum())
    assert f"  chiffré : {n_chiffre}\n" in out


def test_cli_uses_dashboard_plan_by_default(shipped_bytes, tmp_path, monkeypatch, capsys):
    path, (row,) = build(shipped_bytes, tmp_path, put("Budget", "Montant min (€)", 9_000_000, UNIQUE))
    monkeypatch.setenv("DASHBOARD_PLAN", str(path))
    assert main(["validate-plan"]) == 1
    out = capsys.readouterr().out
    assert f"- Feuille « Budget », ligne {row}, colonne « Montant min (€) » : le montant minimum (9 000 000)" \
        in out.replace("\u202f", " ").replace("\u00a0", " ")


def test_cli_lists_every_problem_one_per_line(shipped_bytes, tmp_path, capsys):
    path, _ = build(shipped_bytes, tmp_path, put("Indicateurs", "Sens", "stable", 2),
                    put("Indicateurs", "Type", "qualitatif", 3), put("Axes", "Libellé", None, 2))
    assert main(["validate-plan", str(path)]) == 1
    lines = [line for line in capsys.readouterr().out.splitlines() if line.startswith("- Feuille")]
    assert len(lines) == 3


@pytest.mark.parametrize("content", [None, b"ceci n'est pas un classeur"], ids=["absent", "pas un classeur"])
def test_cli_unreadable_file_exit_1_in_french(tmp_path, content):
    path = tmp_path / "plan.xlsx"
    if content is not None:
        path.write_bytes(content)
    res = subprocess.run([sys.executable, "-m", "dashboard", "validate-plan", str(path)],
                         capture_output=True, text=True, timeout=60)
    assert res.returncode == 1
    assert "Traceback" not in res.stdout + res.stderr
    assert f"Fichier « {path.name if content else path} »" in res.stdout
    assert ("introuvable" if content is None else "pas un classeur Excel") in res.stdout


def test_cli_usage_error_exit_2(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["validate-plan", "a.xlsx", "b.xlsx"])
    assert exc.value.code == 2


@pytest.mark.parametrize(("sheet", "head"), [("Budget", "Périodicité"), ("Budget", "Montant min (€)"),
                                             ("Enjeux", "Axe"), ("Hypothèses", "Valeur"),
                                             ("Indicateurs", "N° action"), ("Calendrier", "Fin prévue")])
def test_a_missing_column_is_one_problem_not_a_cascade(shipped_bytes, tmp_path, sheet, head):
    path, _ = build(shipped_bytes, tmp_path, rename_header(sheet, head, "Autre chose"))
    assert [(p.sheet, p.row, p.column) for p in problems_of(path)] == [(sheet, 1, head)]
