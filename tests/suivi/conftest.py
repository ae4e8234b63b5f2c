"""Fixtures of the follow-up tests (builders: suivi_builders.py)."""

import pytest

from dashboard.suivi import store


@pytest.fixture
def engine(store_url):
    """A fresh store, on SQLite then on PostgreSQL (see the root conftest's store_url); a test module
    that needs a store already holding an import defines its own `engine`."""
    return store.open_engine(store_url)
