"""What a person or a file wrote is shown as plain text, never as Markdown or HTML: a file name crafted as
a link and an image shows literally in the check messages, the import's outcome and the rollback label."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest
from markdown_builders import literal
from streamlit.testing.v1 import AppTest

from dashboard import ui

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests" / "acces"))
from acces_builders import suivi_file  # noqa: E402

EVIL = "[x](https://evil.example)![i](https://evil.example/a.png)"
HOSTILE = [EVIL, "<img src=https://evil.example/a.png>", "www.evil.example", "écrire@evil.example",
           ":red[rouge] :material/home: $x^2$ **gras** _i_ `code` # titre", "1. liste\n> citation\n\n| a | b |",
           "&lt;b&gt; \\[échappé\\]"]


def no_markup(markdown: str) -> bool:
    """No link, image, autolink nor HTML tag can start: every ASCII punctuation is escaped, and no bare
    address (https://…, www.…, a@b) is left whole once the escapes are read."""
    if re.search(r"[!-/:-@\[-`{-~]", re.sub(r"\\[!-/:-@\[-`{-~]", "", markdown)):
        return False
    read = re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", markdown)  # word joiners kept
    return "://" not in read and not re.search(r"www\.", read, re.IGNORECASE) and not re.search(r"@\w", read)


@pytest.mark.parametrize("text", HOSTILE)
def test_plain_text_helper_shows_any_text_literally(text):
    shown = ui.brut(text)
    assert literal(shown) == text
    assert no_markup(shown)
    assert "<" not in ui.html_brut(text) or "<br>" in ui.html_brut(text)


def test_a_crafted_file_name_shows_literally_on_the_import_page(plan, tmp_path, monkeypatch):
    monkeypatch.setenv("DASHBOARD_DB", f"sqlite:///{tmp_path / 'suivi.sqlite'}")
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90).run()
    at.switch_page("vues/import_suivi.py").run()
    name = EVIL + ".xlsx"
    at.file_uploader[0].set_value((name, suivi_file(plan), "application/octet-stream")).run()
    assert not at.exception, [e.message for e in at.exception]
    texts = [e.value for kind in ("markdown", "caption", "success", "info", "warning", "error")
             for e in getattr(at, kind) if name[:3] in literal(e.value)]
    assert any(f"Vérification de « {name} »" in literal(t) for t in texts), texts
    assert any(f"Aucune erreur dans « {name} »" in literal(t) for t in texts), texts
    for t in texts:
        assert "](" not in t and "https://" not in t, t
    at.button(key="confirmer_import").click().run()
    assert not at.exception
    done = at.success[0].value
    assert f"({name}, 2025)" in literal(done) and "](" not in done
    label = at.checkbox(key="confirmer_annulation_1").label  # the rollback label
    assert literal(label) == f"Je confirme vouloir annuler l'import n° 1 ({name})"
    assert "](" not in label and "https://" not in label
