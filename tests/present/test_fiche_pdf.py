"""The printed fiche action (A4 portrait PDF): what it says, read back with pypdf, and the `fiche` /
`fiches` commands."""

from __future__ import annotations

import html
import re

import pandas as pd
import pytest
from pypdf import PdfReader

from dashboard import metrics
from dashboard.__main__ import main
from dashboard.present import deck_files, fiche, fiche_pdf
from dashboard.suivi import demo, store

needs_chromium = pytest.mark.skipif(deck_files.chromium_path() is None, reason="chromium absent de la machine")
A4_PT = (595, 842)


def plain(text: str) -> str:
    return re.sub(r"[\u202f\u00a0 \n]+", " ", text)


def pdf_text(path) -> str:
    return plain(" ".join(p.extract_text() for p in PdfReader(path).pages))


@pytest.fixture
def demo_db(tmp_path, plan):
    url = f"sqlite:///{tmp_path / 'suivi.sqlite'}"
    demo.load(store.open_engine(url), plan)
    return url


def test_situation_is_the_latest_import_in_force():
    origines = pd.DataFrame({"importe_le": [pd.Timestamp("2026-03-02 10:00", tz="Europe/Paris"),
                                           pd.Timestamp("2026-11-30 23:30", tz="Europe/Paris")]})
    suivi = store.Suivi(origines=origines)
    assert fiche_pdf.dernier_import(suivi) == pd.Timestamp("2026-11-30 23:30", tz="Europe/Paris")
    assert fiche_pdf.dernier_import(store.Suivi()) is None


def test_situation_text_without_follow_up(plan):
    s = fiche_pdf.situation(plan, store.Suivi(), as_of="2026-12-06")
    assert s.situation.startswith("Situation au 06/12/2026 : aucun suivi importé")
    assert s.version == "Plan : classeur « plan_2023_2028.xlsx »"   # a plan read from a file


def test_indicator_rows_put_value_and_target_side_by_side():
    ind = pd.DataFrame({"Identifiant": ["A11-1"], "Indicateur": ["Nuitées"], "Unité": ["nombre"], "Sens": ["hausse"],
                        "Résultat 2024": ["9 600"], "Objectif 2024": ["9 660"], "Résultat 2025": ["—"],
                        "Objectif 2025": ["10 100"]})
    rows = fiche_pdf.indicator_rows(ind)
    assert list(rows.columns) == ["Identifiant", "Indicateur", "Unité", "Sens", "2024", "2025"]
    assert rows.loc[0, "2024"] == "9 600 (objectif 9 660)" and rows.loc[0, "2025"] == "— (objectif 10 100)"


def test_fiche_html_holds_the_plans_words_and_escapes_them(plan):
    hostile = plan.with_frames(actions=plan.actions.assign(
        titre=plan.actions["titre"].where(plan.actions["action_id"] != 11, "<b>Aire</b> & camping")))
    s = fiche_pdf.situation(hostile, store.Suivi(), as_of="2026-12-06")
    body = fiche_pdf.fiches_html(hostile, [11], store.Suivi(), s)
    assert "&lt;b&gt;Aire&lt;/b&gt; &amp; camping" in body and "<b>Aire</b>" not in body
    d = fiche.action_detail(plan, 11)
    for label, text in d.fields:                                      # every field of the plan, its words
        assert html.escape(label) in body and (not text or html.escape(text.split("\n")[0][:30]) in body)


@needs_chromium
def test_cli_fiche_is_one_a4_portrait_pdf_with_the_pages_figures(tmp_path, demo_db, plan):
    out = tmp_path / "fiche_11.pdf"
    assert main(["fiche", "11", "-o", str(out), "--db", demo_db]) == 0
    reader = PdfReader(out)
    w, h = (float(reader.pages[0].mediabox.width), float(reader.pages[0].mediabox.height))
    assert (round(w), round(h)) == A4_PT
    text = pdf_text(out)
    suivi = store.load_suivi(store.open_engine(demo_db))
    d = fiche.action_detail(metrics.apply_hypotheses(plan), 11, suivi)
    assert "Action n° 11" in text and plain(d.titre)[:40] in text          # (the title wraps on two lines)
    assert "20 000 €/an" in text                                      # the plan's 20 000 € a year
    latest = fiche_pdf.dernier_import(suivi)
    assert f"Situation au {latest:%d/%m/%Y} (dernier import du suivi en vigueur)" in text
    assert "Plan : classeur « plan_2023_2028.xlsx »" in text
    assert "données de démonstration" in text
    for col in (c for c in d.indicateurs.columns if c.startswith("Résultat ")):   # every value imported
        for v in d.indicateurs[col]:
            if v != "—":
                assert plain(v) in text
    assert "page 1 /" in text


@needs_chromium
def test_cli_fiches_of_an_axe_each_on_its_pages(tmp_path):
    out = tmp_path / "axe3.pdf"
    assert main(["fiches", "--axe", "3", "-o", str(out)]) == 0
    text = pdf_text(out)
    ids = [int(a) for a in fiche_pdf.axe_actions(__import__("dashboard").plan.load_plan(
        "data/plan_2023_2028.xlsx"), 3)]
    assert ids and all(f"Action n° {i} " in text for i in ids)
    starts = [i for i, p in enumerate(PdfReader(out).pages) if "Action n°" in plain(p.extract_text())]
    assert len(starts) == len(ids)                                     # each fiche starts a page


@pytest.mark.parametrize(("args", "code", "message"), [
    (["fiche", "999", "-o", "{tmp}/x.pdf"], 2, "Action inconnue « 999 »"),
    (["fiche", "onze", "-o", "{tmp}/x.pdf"], 2, "Action inconnue « onze »"),
    (["fiche", "11", "-o", "{tmp}/x.docx"], 2, "Format de fichier non pris en charge « x.docx »"),
    (["fiches", "--axe", "9", "-o", "{tmp}/x.pdf"], 2, "Axe inconnu « 9 » : le plan a les axes 1, 2, 3, 4, 5"),
    (["fiche", "11", "-o", "{tmp}/absent/x.pdf"], 1, "le dossier"),
])
def test_cli_rejects_bad_input_in_french(tmp_path, capsys, args, code, message):
    args = [a.replace("{tmp}", str(tmp_path)) for a in args]
    assert main(args) == code
    assert message in capsys.readouterr().out
    assert not list(tmp_path.glob("x*"))


def test_cli_fiche_without_chromium(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("DASHBOARD_CHROMIUM", str(tmp_path / "pas-de-chromium"))
    assert main(["fiche", "11", "-o", str(tmp_path / "x.pdf")]) == 1
    assert "Chromium" in capsys.readouterr().out
    assert not (tmp_path / "x.pdf").exists()


def test_file_names_carry_the_date():
    assert fiche_pdf.file_name(11, day="2026-12-06") == "fiche_11_2026-12-06.pdf"
    assert fiche_pdf.file_name(axe=1, day="2026-12-06") == "fiches_axe_1_2026-12-06.pdf"


def test_the_fiche_names_the_version_its_plan_was_read_from(plan):
    """Printed from a page looking at a past day, the fiche names the version shown, not the one in force."""
    import dataclasses
    from types import SimpleNamespace

    from dashboard.plan.versions import version_key

    voted = SimpleNamespace(id=1, label="Plan voté le 16/02/2023", sha256="aa", current=False)
    revision = SimpleNamespace(id=2, label="Révision de juin", sha256="bb", current=True)
    past = dataclasses.replace(plan, version=version_key(voted))
    assert fiche_pdf.version_text(past, [voted, revision]) == "version 1 « Plan voté le 16/02/2023 »"
    today = dataclasses.replace(plan, version=version_key(revision))
    assert fiche_pdf.version_text(today, [voted, revision]) == "version 2 « Révision de juin »"
