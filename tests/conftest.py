"""Shared fixtures: the shipped plan, an isolated store for every test, the store on both engines.

`store_url` runs a test once on SQLite and once on PostgreSQL. The PostgreSQL server comes from
DASHBOARD_TEST_PG (e.g. postgresql+psycopg://postgres@127.0.0.1:5432/postgres; `.ci/run` starts a
throwaway one with scripts/postgres_jetable.sh); each test gets a fresh schema of its own, dropped
afterwards. Without a reachable server those variants are skipped ("PostgreSQL absent : …"), except
in CI (CI=true), where they fail: CI never skips them.
"""

from __future__ import annotations

import gc
import importlib.util
import os
import sys
import uuid
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))  # scripts/ports.py: the free ports of the servers tests start
PLAN_PATH = ROOT / "data" / "plan_2023_2028.xlsx"
PG_ENV = "DASHBOARD_TEST_PG"


@pytest.fixture(autouse=True)
def _isolated_env(tmp_path, monkeypatch):
    """No test touches the app's real store or loads the demo by accident."""
    monkeypatch.setenv("DASHBOARD_DB", f"sqlite:///{tmp_path / 'suivi.sqlite'}")
    monkeypatch.setenv("DASHBOARD_DEMO", "0")
    monkeypatch.setenv("DASHBOARD_PLAN", str(PLAN_PATH))
    monkeypatch.chdir(ROOT)


@pytest.fixture(scope="session")
def plan_path() -> Path:
    return PLAN_PATH


@pytest.fixture(scope="session")
def plan():
    from dashboard.plan import load_plan

    return load_plan(PLAN_PATH)


@pytest.fixture(scope="session")
def loadtest():
    """scripts/loadtest.py (its websocket client of the app, as a browser tab), loaded as a module."""
    spec = importlib.util.spec_from_file_location("loadtest", ROOT / "scripts" / "loadtest.py")
    mod = importlib.util.module_from_spec(spec)
    sys.modules["loadtest"] = mod  # its dataclasses look their module up there
    spec.loader.exec_module(mod)
    return mod


# --- PostgreSQL ------------------------------------------------------------------------------

def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in ("true", "1", "yes")


@pytest.fixture(scope="session")
def ci() -> bool:
    """Whether this run is CI's (CI=true), where a missing server or tool fails instead of skipping."""
    return in_ci()


@pytest.fixture(scope="session")
def pg_admin():
    """An engine on the test server (DASHBOARD_TEST_PG), or the reason why there is none."""
    import sqlalchemy as sa

    url = os.environ.get(PG_ENV, "").strip()
    if not url:
        yield None, (f"{PG_ENV} n'est pas défini (ex. postgresql+psycopg://postgres@127.0.0.1:5432/postgres ; "
                     "`.ci/run` démarre un serveur jetable)")
        return
    try:
        engine = sa.create_engine(url, isolation_level="AUTOCOMMIT", pool_size=1)
        with engine.connect() as conn:
            conn.execute(sa.text("select 1"))
    except Exception as err:  # driver missing, server down, bad URL: one reason, said once per variant
        yield None, f"serveur {sa.make_url(url).render_as_string()} injoignable ({type(err).__name__}: {err})"
        return
    yield engine, None
    engine.dispose()


def require_pg(pg_admin) -> object:
    """The admin engine; skip (fail in CI) when there is no PostgreSQL server."""
    engine, reason = pg_admin
    if engine is None:
        if in_ci():
            pytest.fail(f"PostgreSQL absent en CI : {reason}", pytrace=False)
        pytest.skip(f"PostgreSQL absent : {reason}")
    return engine


def pg_schema_url(admin, schema: str) -> str:
    """The server's URL with `search_path` set to `schema` (for this process and any subprocess)."""
    url = admin.url.update_query_dict({"options": f"-csearch_path={schema}"})
    return url.render_as_string(hide_password=False)


@pytest.fixture
def pg_url(pg_admin):
    """A PostgreSQL store URL on a fresh, empty schema, dropped after the test."""
    import sqlalchemy as sa

    admin = require_pg(pg_admin)
    schema = f"test_{uuid.uuid4().hex[:12]}"
    with admin.connect() as conn:
        conn.execute(sa.text(f'create schema "{schema}"'))
    yield pg_schema_url(admin, schema)
    gc.collect()  # closes the pooled connections of the test's engines
    with admin.connect() as conn:
        conn.execute(sa.text(f'drop schema "{schema}" cascade'))


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request, tmp_path, monkeypatch):
    """A fresh, empty store URL, once per engine; also the app's DASHBOARD_DB for the test."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'store.sqlite'}"
    else:
        url = request.getfixturevalue("pg_url")
    monkeypatch.setenv("DASHBOARD_DB", url)
    return url
