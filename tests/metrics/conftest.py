"""Fixtures of the metrics tests (builders: metrics_builders.py)."""

import pytest
from metrics_builders import small_plan


@pytest.fixture(scope="module")
def small():
    """The small hand-made plan of the budget and ETP tests."""
    return small_plan()
