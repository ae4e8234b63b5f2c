"""A store that cannot be opened or written: one plain French message (which store, what is wrong,
what to check), never a traceback, on the command line (exit 1) and on every page; a read-only
store still shows its data, and nothing claims the demonstration data failed to load."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest
from suivi_builders import fill, first_of, snapshot

from dashboard.suivi import store, template

ROOT = Path(__file__).resolve().parents[2]
# every page that reads the store (the accessibility statement reads nothing from it: nothing to say)
PAGES = sorted(p.name for p in (ROOT / "vues").glob("*.py") if p.name != "accessibilite.py")
DEMO_FAILED = "Les données de démonstration n'ont pas pu être chargées"


def cli(*argv, env=None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "dashboard", *map(str, argv)], capture_output=True, text=True,
                          timeout=120, cwd=ROOT, env={**os.environ, **(env or {})})


@pytest.fixture(scope="module")
def workbook(tmp_path_factory, plan) -> Path:
    path = tmp_path_factory.mktemp("wb") / "suivi_2025.xlsx"
    path.write_bytes(fill(template.write_template(plan, 2025), plan, {first_of(plan, "nombre"): "1 234"}))
    return path


@pytest.fixture(scope="module")
def read_only(tmp_path_factory, workbook) -> tuple[str, Path]:
    """A store with one import, opened read-only (SQLite `mode=ro`: what a read-only file or folder
    gives, and it holds even for root, whom chmod does not stop)."""
    path = tmp_path_factory.mktemp("ro") / "suivi.sqlite"
    assert cli("import", workbook, "--db", f"sqlite:///{path}").returncode == 0
    return f"sqlite:///file:{path}?mode=ro&uri=true", path


@pytest.fixture
def unopenable(tmp_path) -> tuple[str, Path]:
    """A store whose folder cannot be created: it would sit below a regular file."""
    blocker = tmp_path / "pas_un_dossier"
    blocker.write_text("un fichier, pas un dossier")
    return f"sqlite:///{blocker / 'suivi' / 'suivi.sqlite'}", blocker / "suivi"


def _plain(done: subprocess.CompletedProcess) -> str:
    out = done.stdout + done.stderr
    assert "Traceback" not in out and "OperationalError" not in out and "sqlite3." not in out
    return done.stdout


def test_cli_read_only_store_refuses_writes_and_keeps_reading(read_only, workbook, tmp_path, plan):
    url, path = read_only
    before = snapshot(store.open_engine(f"sqlite:///{path}"))
    other = tmp_path / "autre.xlsx"  # from the template issued with the stored values
    issued = template.write_template(plan, 2025, store.load_suivi(store.open_engine(f"sqlite:///{path}")))
    other.write_bytes(fill(issued, plan, {first_of(plan, "nombre"): "99"}))
    for argv in (("import", other, "--db", url), ("rollback", "1", "--db", url)):
        done = cli(*argv)
        out = _plain(done)
        assert done.returncode == 1, out
        assert f"La base du suivi « {url} » ne peut pas être modifiée (lecture seule)" in out
        assert f"le dossier « {path.parent} »" in out and f"le fichier « {path.name} »" in out
        assert "DASHBOARD_DB" in out
    assert snapshot(store.open_engine(f"sqlite:///{path}")) == before  # nothing written
    dry = cli("import", other, "--dry-run", "--db", url)  # reading still works
    assert dry.returncode == 0 and "aucune erreur ; 0 valeur(s) nouvelle(s), 1 modifiée(s)" in _plain(dry)
    history = cli("history", "--db", url)
    assert history.returncode == 0 and "n° 1 ·" in _plain(history)
    via_env = cli("import", other, env={"DASHBOARD_DB": url})  # the app's default store, read-only
    assert via_env.returncode == 1 and "ne peut pas être modifiée (lecture seule)" in _plain(via_env)


def test_cli_store_that_cannot_be_created(unopenable, workbook):
    url, folder = unopenable
    for argv in (("import", workbook, "--db", url), ("history", "--db", url), ("rollback", "1", "--db", url),
                 ("summary", "--db", url)):
        done = cli(*argv)
        out = _plain(done)
        assert done.returncode == 1, out
        assert f"La base du suivi « {url} » ne peut pas être ouverte (son dossier ne peut pas être créé)" in out
        assert f"le dossier « {folder} »" in out and "DASHBOARD_DB" in out
    assert not folder.exists()


@pytest.mark.parametrize(("url", "code", "message"), [
    ("nosuchdialect://serveur/suivi", 1, "ne peut pas être ouverte : ce type de base n'est pas pris en charge"),
    ("pas-une-url", 2, "L'adresse de la base du suivi « pas-une-url » n'est pas reconnue"),
])
def test_cli_bad_address(url, code, message):
    done = cli("history", "--db", url)
    assert done.returncode == code and message in _plain(done)


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes whatever the file rights say")
def test_cli_read_only_file_and_folder_by_rights(tmp_path, workbook, plan):
    folder = tmp_path / "base"
    folder.mkdir()
    path = folder / "suivi.sqlite"
    assert cli("import", workbook, "--db", f"sqlite:///{path}").returncode == 0
    other = tmp_path / "autre.xlsx"
    issued = template.write_template(plan, 2025, store.load_suivi(store.open_engine(f"sqlite:///{path}")))
    other.write_bytes(fill(issued, plan, {first_of(plan, "nombre"): "99"}))
    path.chmod(0o444)
    folder.chmod(0o555)
    try:
        done = cli("import", other, "--db", f"sqlite:///{path}")
        assert done.returncode == 1 and "ne peut pas être modifiée (lecture seule)" in _plain(done)
    finally:
        folder.chmod(0o755)
        path.chmod(0o644)


def _texts(at: AppTest) -> str:
    return "\n".join(e.value for kind in (at.error, at.warning, at.info, at.success, at.markdown) for e in kind)


@pytest.mark.parametrize("page", PAGES)
def test_every_page_says_the_store_cannot_be_opened(page, unopenable, monkeypatch):
    url, _ = unopenable
    monkeypatch.setenv("DASHBOARD_DB", url)
    monkeypatch.setenv("DASHBOARD_DEMO", "1")
    at = AppTest.from_file(str(ROOT / "vues" / page), default_timeout=90).run()
    assert not at.exception
    errors = [e.value for e in at.error]
    assert sum(f"La base du suivi « {url} » ne peut pas être ouverte" in e for e in errors) == 1, errors
    assert DEMO_FAILED not in _texts(at)


@pytest.mark.parametrize("page", ["vue_ensemble.py", "indicateurs.py", "import_suivi.py"])
def test_read_only_store_pages_show_the_data(page, read_only, monkeypatch, plan):
    url, _ = read_only
    monkeypatch.setenv("DASHBOARD_DB", url)
    monkeypatch.setenv("DASHBOARD_DEMO", "1")  # a store that cannot be written gets no demo, and no alarm
    at = AppTest.from_file(str(ROOT / "vues" / page), default_timeout=90).run()
    assert not at.exception and not at.error
    warnings = [w.value for w in at.warning]
    assert sum("ne peut pas être modifiée (lecture seule)" in w for w in warnings) == 1, warnings
    assert DEMO_FAILED not in _texts(at) and "Données de démonstration" not in _texts(at)
    if page == "indicateurs.py":  # the imported value is shown
        assert "Aucune valeur d'indicateur n'a encore été importée" not in _texts(at)
        assert any(m.label == "Renseignés pour 2025" and m.value.startswith("1 ") for m in at.metric)
    if page == "import_suivi.py":  # the history is there, undoing is impossible
        assert len(at.dataframe[0].value) == 1
        at.checkbox(key="confirmer_annulation_1").check().run()
        assert at.button(key="annuler_import").disabled
