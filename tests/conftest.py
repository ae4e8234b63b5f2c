"""Shared fixtures: the shipped plan, an isolated store for every test."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PLAN_PATH = ROOT / "data" / "plan_2023_2028.xlsx"


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
