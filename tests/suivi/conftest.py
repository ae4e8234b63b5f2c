"""Fixtures of the follow-up tests (builders: suivi_builders.py; `make run-cluster` driven: cluster_run.py)."""

import cluster_run
import pytest

from dashboard.suivi import store


@pytest.fixture
def engine(store_url):
    """A fresh store, on SQLite then on PostgreSQL (see the root conftest's store_url); a test module
    that needs a store already holding an import defines its own `engine`."""
    return store.open_engine(store_url)


@pytest.fixture
def cluster(pg_url, ci):
    """`make run-cluster REPLICAS=2 PORT=…` on a fresh PostgreSQL schema, demo loaded on first start (see
    cluster_run.start); stopped by Ctrl-C at the end if the test left it running. Needs Debian's nginx:
    skipped without it, except in CI."""
    if cluster_run.NGINX is None:
        if ci:
            pytest.fail("nginx absent en CI (apt-get install nginx)", pytrace=False)
        pytest.skip("nginx absent (apt-get install nginx)")
    running = cluster_run.start(pg_url)
    try:
        yield running
    finally:
        cluster_run.stop(running["proc"])
