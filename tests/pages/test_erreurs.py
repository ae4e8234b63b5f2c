"""A page that fails: visitors read a French message with a reference, never a traceback; the server's
log keeps the traceback under that reference."""

from __future__ import annotations

import logging
import re
import tomllib
from pathlib import Path

from streamlit.testing.v1 import AppTest

from dashboard import ui

ROOT = Path(__file__).resolve().parents[2]


def test_streamlit_shows_no_error_detail_to_visitors():
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text("utf-8"))
    assert config["client"]["showErrorDetails"] == "none"


def test_a_failing_page_shows_a_reference_and_the_log_keeps_the_traceback(monkeypatch, caplog):
    def broken():
        raise RuntimeError("échec dans /srv/dashboard/secret.py")

    monkeypatch.setattr(ui, "get_plan", broken)
    caplog.set_level(logging.ERROR, logger="dashboard")
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90).run()
    assert not at.exception  # no traceback element on the page
    (shown,) = [e.value for e in at.error]
    ref = re.search(r"référence ([0-9a-f]{8})", shown).group(1)
    assert shown == ui.MESSAGE_ERREUR.format(ref=ref)
    assert "/srv/" not in " ".join(str(getattr(e, "value", "")) for e in at.main)
    (record,) = [r for r in caplog.records if ref in r.getMessage()]
    assert record.exc_info and "secret.py" in str(record.exc_info[1])
