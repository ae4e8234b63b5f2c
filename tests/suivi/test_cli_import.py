"""`python -m dashboard template / import / history / rollback` on the shipped plan; the page agrees."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from markdown_builders import literal
from openpyxl import load_workbook
from streamlit.testing.v1 import AppTest
from suivi_builders import fill, first_of

from dashboard.__main__ import main
from dashboard.suivi import store, template

PAGE = str(Path(__file__).resolve().parents[2] / "vues" / "import_suivi.py")


@pytest.fixture(scope="module")
def template_2025(tmp_path_factory, plan):
    return template.write_template(plan, 2025)


@pytest.fixture
def good_file(tmp_path, plan, template_2025):
    values = {first_of(plan, "nombre"): "1 234", first_of(plan, "%"): "45 %", first_of(plan, "€"): "12 000 €",
              first_of(plan, "oui/non"): "oui", first_of(plan, "date"): "31/12/2025"}
    path = tmp_path / "suivi_2025.xlsx"
    path.write_bytes(fill(template_2025, plan, values, {int(plan.actions["action_id"].iloc[0]): "En cours"}))
    return path


@pytest.fixture
def db(store_url):
    """The store's URL, on SQLite then on PostgreSQL (see conftest.store_url)."""
    return store_url


def run(capsys, *argv) -> tuple[int, str]:
    code = main([str(a) for a in argv])
    return code, capsys.readouterr().out


def tables(db: str) -> dict:
    from test_store import snapshot

    return snapshot(store.open_engine(db))


def test_template_writes_the_year(tmp_path, capsys, db, plan):
    out = tmp_path / "modele.xlsx"
    code, text = run(capsys, "template", 2025, "-o", out, "--db", db)
    assert code == 0 and f"Modèle 2025 écrit : {out}" in text
    wb = load_workbook(out)
    assert wb["Indicateurs"].max_row == len(plan.indicateurs) + 1
    assert [c.value for c in wb["Indicateurs"][1]][5:8] == ["Rappel 2024", "2025 Résultat", "2025 Objectif"]


def test_template_year_outside_period(tmp_path, capsys, db):
    code, text = run(capsys, "template", 2031, "-o", tmp_path / "x.xlsx", "--db", db)
    assert code == 1 and "l'année 2031 est hors de la période du plan (2023-2028)" in text
    assert not (tmp_path / "x.xlsx").exists()


def test_dry_run_writes_nothing_then_import_then_same_file_again(capsys, db, good_file):
    code, text = run(capsys, "import", good_file, "--dry-run", "--db", db)
    assert code == 0
    assert "Vérification de « suivi_2025.xlsx » (2025) : aucune erreur ; 6 valeur(s) nouvelle(s), 0 modifiée(s)" in text
    assert "Rien n'a été écrit (--dry-run)" in text
    assert store.history(store.open_engine(db)).empty

    code, text = run(capsys, "import", good_file, "--db", db, "--user", "Camille")
    assert code == 0 and "Import n° 1 enregistré (suivi_2025.xlsx, 2025) : 6 valeur(s) nouvelle(s)" in text

    before = tables(db)
    code, text = run(capsys, "import", good_file, "--db", db)
    assert code == 0
    assert "0 valeur(s) nouvelle(s), 0 modifiée(s), 6 inchangée(s)" in text
    assert "il a déjà été importé (import n° 1)" in text
    assert tables(db) == before

    code, text = run(capsys, "history", "--db", db, "--json")
    [batch] = json.loads(text)
    assert (batch["batch_id"], batch["fichier"], batch["utilisateur"], batch["nouveaux"], batch["actif"]) == (
        1, "suivi_2025.xlsx", "Camille", 6, True)
    code, text = run(capsys, "history", "--db", db)
    assert code == 0 and "n° 1 · " in text and "6 nouvelle(s)" in text and "actif" in text


def test_bad_file_exit_1_every_problem_nothing_written(tmp_path, capsys, db, plan, template_2025):
    bad = tmp_path / "faux.xlsx"
    bad.write_bytes(fill(template_2025, plan, {first_of(plan, "nombre"): "beaucoup", first_of(plan, "%"): 120},
                         {int(plan.actions["action_id"].iloc[0]): "Terminée"}))
    before = tables(db)
    code, text = run(capsys, "import", bad, "--db", db)
    assert code == 1
    assert "« faux.xlsx » : 3 problèmes à corriger dans le classeur ; rien n'a été importé." in text
    lines = [line for line in text.splitlines() if line.startswith("- Feuille")]
    assert len(lines) == 3
    assert lines[0].startswith("- Feuille « Indicateurs », ligne ") and "colonne G « 2025 Résultat »" in lines[0]
    assert lines[2].startswith("- Feuille « Avancement », ligne 2, colonne C « Statut » : statut « Terminée » inconnu")
    assert tables(db) == before


def test_missing_file_and_not_a_workbook(tmp_path, capsys, db):
    code, text = run(capsys, "import", tmp_path / "absent.xlsx", "--db", db)
    assert code == 1 and "Fichier introuvable" in text
    notxl = tmp_path / "notes.xlsx"
    notxl.write_text("pas un classeur", "utf-8")
    code, text = run(capsys, "import", notxl, "--db", db)
    assert code == 1 and "- Fichier « notes.xlsx » : c'est un fichier texte (CSV ou autre), pas un classeur Excel" in text


def test_rollback_restores_and_refuses_twice(tmp_path, capsys, db, plan, template_2025, good_file):
    ident = first_of(plan, "nombre")
    assert run(capsys, "import", good_file, "--db", db)[0] == 0
    second = tmp_path / "correction.xlsx"  # from the template issued after the first import (pre-filled)
    issued = template.write_template(plan, 2025, store.load_suivi(store.open_engine(db)))
    second.write_bytes(fill(issued, plan, {ident: 2000}))
    assert run(capsys, "import", second, "--db", db)[0] == 0
    value = lambda: store.load_suivi(store.open_engine(db)).indicateurs.set_index("indicateur_id").loc[ident, "resultat"]  # noqa: E731
    assert value() == 2000
    code, text = run(capsys, "rollback", 2, "--db", db)
    assert code == 0 and "Import n° 2 annulé" in text
    assert value() == 1234
    code, text = run(capsys, "rollback", 2, "--db", db)
    assert code == 1 and "Annulation impossible : l'import n° 2 est déjà annulé." in text
    code, text = run(capsys, "rollback", 7, "--db", db)
    assert code == 1 and "l'import n° 7 n'existe pas" in text


def test_usage_errors_exit_2(capsys, db):
    with pytest.raises(SystemExit) as exc:
        main(["import"])
    assert exc.value.code == 2
    with pytest.raises(SystemExit) as exc:
        main(["rollback", "deux"])
    assert exc.value.code == 2
    assert run(capsys, "history", "--db", "pas-une-url")[0] == 2


def test_module_entry_point(good_file, db):
    done = subprocess.run([sys.executable, "-m", "dashboard", "import", str(good_file), "--dry-run", "--db", db],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0 and "aucune erreur ; 6 valeur(s) nouvelle(s)" in done.stdout


def test_page_and_cli_agree(capsys, db, good_file, plan, template_2025, tmp_path, monkeypatch):
    """Same file, same store state: the page's dry run shows the CLI's counts; its import, the CLI's batch."""
    monkeypatch.setenv("DASHBOARD_DB", db)
    first = tmp_path / "avant.xlsx"
    first.write_bytes(fill(template_2025, plan, {first_of(plan, "nombre"): 1}))
    assert run(capsys, "import", first, "--db", db)[0] == 0
    issued = template.write_template(plan, 2025, store.load_suivi(store.open_engine(db)))  # pre-filled: 1
    values = {first_of(plan, "nombre"): "1 234", first_of(plan, "%"): "45 %", first_of(plan, "€"): "12 000 €",
              first_of(plan, "oui/non"): "oui", first_of(plan, "date"): "31/12/2025"}
    good_file.write_bytes(fill(issued, plan, values, {int(plan.actions["action_id"].iloc[0]): "En cours"}))
    code, text = run(capsys, "import", good_file, "--dry-run", "--db", db)
    assert "5 valeur(s) nouvelle(s), 1 modifiée(s), 0 inchangée(s), 0 ignorée(s)" in text

    at = AppTest.from_file(PAGE, default_timeout=60).run()
    assert not at.exception
    at.file_uploader[0].set_value(("suivi_2025.xlsx", good_file.read_bytes(), "application/octet-stream"))
    at.run()
    assert not at.exception and not at.error
    assert [m.label for m in at.metric] == ["Nouvelles valeurs", "Valeurs modifiées", "Valeurs retirées",
                                            "Valeurs inchangées", "Valeurs ignorées"]
    assert [m.value for m in at.metric] == ["5", "1", "0", "0", "0"]
    listed = at.table[0].value.map(literal)  # every change, before → after, as the command line lists it
    assert len(listed) == 6 and listed["Changement"].tolist().count("modifié") == 1
    assert listed.loc[listed["Changement"] == "modifié", ["Avant", "Après"]].values.tolist() == [["1", "1\u202f234"]]
    at.text_input(key="import_user").input("Camille")
    at.button(key="confirmer_import").click().run()
    assert not at.exception
    assert literal(at.success[0].value).startswith("Import n° 2 enregistré (suivi_2025.xlsx, 2025) : 5 valeur(s) nouvelle(s), "
                                          "1 modifiée(s)")
    h = store.history(store.open_engine(db))
    assert h[["batch_id", "nouveaux", "modifies", "utilisateur"]].values.tolist()[0] == [2, 5, 1, "Camille"]
    table = at.dataframe[0].value
    assert list(table.columns) == ["N°", "Date", "Fichier", "Années", "Importé par", "Porteur", "Nouvelles",
                                   "Modifiées", "Retirées", "Inchangées", "Ignorées", "État"]
    assert at.selectbox(key="import_detail").value == 2  # the detail shows what the new import changed
    assert len(at.dataframe[1].value) == 6


def test_page_lists_every_problem_and_hides_confirm(db, plan, template_2025, monkeypatch):
    monkeypatch.setenv("DASHBOARD_DB", db)
    bad = fill(template_2025, plan, {first_of(plan, "nombre"): "beaucoup", first_of(plan, "%"): 120})
    at = AppTest.from_file(PAGE, default_timeout=60).run()
    at.file_uploader[0].set_value(("faux.xlsx", bad, "application/octet-stream")).run()
    assert not at.exception
    assert literal(at.error[0].value).startswith("« faux.xlsx » : 2 problèmes à corriger")
    problems = at.table[0].value
    assert list(problems.columns) == ["Feuille", "Ligne", "Colonne", "Problème"]
    assert problems["Colonne"].tolist() == ["G « 2025 Résultat »", "G « 2025 Résultat »"]
    assert not [b for b in at.button if b.key == "confirmer_import"]
    assert store.history(store.open_engine(db)).empty


def test_page_rollback_needs_confirmation(capsys, db, good_file, monkeypatch):
    monkeypatch.setenv("DASHBOARD_DB", db)
    assert run(capsys, "import", good_file, "--db", db)[0] == 0
    at = AppTest.from_file(PAGE, default_timeout=60).run()
    assert at.button(key="annuler_import").disabled
    at.checkbox(key="confirmer_annulation_1").check().run()
    at.button(key="annuler_import").click().run()
    assert not at.exception
    assert at.success[0].value == "Import n° 1 annulé : les valeurs d'avant sont rétablies."
    assert store.load_suivi(store.open_engine(db)).empty


def test_page_without_a_usable_store_says_so(monkeypatch):
    monkeypatch.setenv("DASHBOARD_DB", "nosuchdialect://base/suivi")
    at = AppTest.from_file(PAGE, default_timeout=60).run()
    assert not at.exception
    assert any("La base du suivi « nosuchdialect://base/suivi » ne peut pas être ouverte" in e.value for e in at.error)


def test_porteurs_templates_and_conflicts_on_the_command_line(tmp_path, capsys, db, plan):
    """Two porteurs' copies of one issued template: the second is listed change by change, its conflict
    named « conflit », nothing written until --conflits decides."""
    out = tmp_path / "communes.xlsx"
    code, text = run(capsys, "template", "2025", "--porteur", "Communes", "-o", out, "--db", db, "--user", "Camille")
    assert code == 0 and "pour Communes : " in text and "2 actions" in text
    assert store.templates(store.open_engine(db))[["annee", "porteur", "emis_par"]].values.tolist() == [
        [2025, "Communes", "Camille"]]
    assert run(capsys, "template", "2025", "--porteur", "Mairie de Paris", "-o", out, "--db", db)[0] == 1

    issued = tmp_path / "modele.xlsx"
    assert run(capsys, "template", "2025", "-o", issued, "--db", db)[0] == 0
    x, y = first_of(plan, "nombre"), first_of(plan, "€")
    a, b = tmp_path / "a.xlsx", tmp_path / "b.xlsx"
    a.write_bytes(fill(issued.read_bytes(), plan, {x: 10}))
    b.write_bytes(fill(issued.read_bytes(), plan, {x: 20, y: 5}))
    code, text = run(capsys, "import", a, "--db", db)
    assert code == 0 and "Changements (1) :" in text and f"    - {x} " in text and ": — → 10" in text
    before = tables(db)
    for extra in ((), ("--dry-run",)):
        code, text = run(capsys, "import", b, "--db", db, *extra)
        assert code == 1 and "1 conflit à décider" in text
        [line] = [ln for ln in text.splitlines() if ln.startswith("- conflit")]
        assert f", {x} " in line and "— dans le modèle envoyé, 10 dans la base" in line and "20 dans le fichier" in line
        assert "a.xlsx" not in line and "(import n° 1)" in line
    assert tables(db) == before
    code, text = run(capsys, "import", b, "--db", db, "--conflits", "base")
    assert code == 0 and "Import n° 2 enregistré" in text
    ind = store.load_suivi(store.open_engine(db)).indicateurs.set_index("indicateur_id")["resultat"]
    assert (ind[x], ind[y]) == (10, 5)
