"""Shared by the AppTest page tests: one page of vues/ run with its address and session values."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

VUES = Path(__file__).resolve().parents[2] / "vues"


def run_page(page: str, query: dict | None = None, **state) -> AppTest:
    """Run vues/`page`.py with these query parameters (None values left out) and session_state values;
    it must not fail."""
    at = AppTest.from_file(str(VUES / f"{page}.py"), default_timeout=60)
    for key, value in (query or {}).items():
        if value is not None:
            at.query_params[key] = value
    for key, value in state.items():
        at.session_state[key] = value
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at
