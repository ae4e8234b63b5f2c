"""An import staff can trust: no demo in real data, no silent guess, hostile files refused in French.

Each case: a small workbook built here (the 2025 template of the small plan, edited with openpyxl)
or raw zip bytes for hostile shapes; the French message or warning, and the store unchanged
after a refusal.
"""

from __future__ import annotations

import io
import struct
import tomllib
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from markdown_builders import literal
from openpyxl import load_workbook
from streamlit.testing.v1 import AppTest
from suivi_builders import PLAN, edited, filled, put, rezip, snapshot

from dashboard import xlsx_scan
from dashboard.__main__ import main
from dashboard.suivi import cells, followup, importer, store, template

ROOT = Path(__file__).resolve().parents[2]
PAGE = str(ROOT / "vues" / "import_suivi.py")


@pytest.fixture
def engine(tmp_path):
    """A store holding one real 2024 import (so "last year's value" and "unchanged" mean something)."""
    e = store.open_engine(f"sqlite:///{tmp_path / 'store.sqlite'}")
    first = followup.read_followup(filled(2024, ind={("A1-1", "2024 Résultat"): 100, ("A2-1", "2024 Résultat"): 5000},
                                          av={(1, "Statut"): "En cours"}), PLAN)
    assert store.apply(e, first) == 1
    return e


def refused(engine, data: bytes, name="suivi_2025.xlsx"):
    """Import (not a dry run) and check nothing changed; the problems' messages."""
    before = snapshot(engine)
    outcome = importer.import_workbook(engine, data, PLAN, file_name=name, dry_run=False, accept_warnings=True)
    assert not outcome.ok and outcome.batch_id is None
    assert snapshot(engine) == before
    return [p.message() for p in outcome.report.problems]




SHEET_IND = "xl/worksheets/sheet2.xml"  # Mode d'emploi is sheet1


# --- 1. demo and real data never mix ------------------------------------------------------------

def demo_store(tmp_path):
    e = store.open_engine(f"sqlite:///{tmp_path / 'demo.sqlite'}")
    rep = followup.read_followup(filled(2024, ind={("A1-1", "2024 Résultat"): 777, ("A3-2", "2024 Résultat"): "01/02/2024"},
                                        av={(1, "Statut"): "Réalisée", (1, "Début réel"): "01/03/2023",
                                            (2, "2024 Dépenses (€)"): 999}), PLAN)
    assert store.apply(e, rep, user="démonstration", demo=True) == 1
    assert store.load_suivi(e).demo
    return e


def test_template_is_blank_while_the_demo_is_active(tmp_path):
    e = demo_store(tmp_path)
    wb = load_workbook(io.BytesIO(template.write_template(PLAN, 2025, store.load_suivi(e))))
    for sheet in ("Indicateurs", "Avancement"):
        ws = wb[sheet]
        heads = [c.value for c in ws[1]]
        inputs = [j for j, h in enumerate(heads, 1) if h not in ("Identifiant", "N° action", "Action", "Indicateur",
                                                                  "Unité", "Axe", "Porteur")]
        assert "Rappel 2024" in heads or sheet == "Avancement"
        filled_cells = [(ws.cell(r, j).coordinate, ws.cell(r, j).value) for r in range(2, ws.max_row + 1)
                        for j in inputs if ws.cell(r, j).value is not None]
        assert filled_cells == []  # no status, date, value nor recall from the demo


def test_real_import_removes_the_demo_in_the_same_transaction(tmp_path):
    e = demo_store(tmp_path)
    data = filled(2025, ind={("A1-1", "2025 Résultat"): 120}, av={(2, "Statut"): "En cours"})
    dry = importer.import_workbook(e, data, PLAN, file_name="suivi_2025.xlsx", dry_run=True)
    assert "Les données de démonstration seront retirées au moment de l'import" in dry.message()
    assert (dry.counts.new, dry.counts.changed) == (2, 0)  # counted against the real data alone
    done = importer.import_workbook(e, data, PLAN, file_name="suivi_2025.xlsx", dry_run=False)
    assert done.batch_id is not None and "Les données de démonstration ont été retirées." in done.message()
    s = store.load_suivi(e)
    assert not s.demo
    assert s.indicateurs[["indicateur_id", "annee", "resultat"]].values.tolist() == [["A1-1", 2025, 120.0]]
    assert s.statuts[["action_id", "statut"]].values.tolist() == [[2, "En cours"]]
    assert s.statuts["debut_reel"].isna().all() and s.realise.empty  # no demo date, no demo spending
    assert not store.history(e)["demo"].any()


def test_refused_real_file_leaves_the_demo_as_it_was(tmp_path):
    e = demo_store(tmp_path)
    assert refused(e, edited(put("Indicateurs", {"G2": "beaucoup"})))
    assert store.load_suivi(e).demo


# --- 2. ambiguous values: warnings the user acknowledges, or errors ---------------------------

WARNINGS = [
    ("point et virgule", put("Indicateurs", {"G2": "1.234,5"}),
     ("Indicateurs", 2, "G", "1.234,5", "« 1.234,5 » mêle point et virgule : il est lu 1\u202f234,5")),
    ("pourcentage entre 0 et 1 sans %", put("Indicateurs", {"G3": "0,645"}),
     ("Indicateurs", 3, "G", "0,645", "0,645 est lu 0,645 % ; si vous vouliez dire 64,5 %, saisissez 64,5")),
    ("100 fois l'an dernier", put("Indicateurs", {"G2": 10000}),
     ("Indicateurs", 2, "G", "10\u202f000", "10\u202f000 vaut plus de 100 fois la valeur de 2024 (100)")),
    ("centième de l'an dernier", put("Indicateurs", {"G4": "45 €"}),
     ("Indicateurs", 4, "G", "45 €", "45 vaut moins du centième de la valeur de 2024 (5\u202f000)")),
    ("date loin de la période", put("Avancement", {"D3": "01/03/2040"}),
     ("Avancement", 3, "D", "01/03/2040", "la date 01/03/2040 est à plus de 5 ans de la période du plan (2023-2028)")),
]


@pytest.mark.parametrize("edit, expected", [w[1:] for w in WARNINGS], ids=[w[0] for w in WARNINGS])
def test_each_warning_names_sheet_row_column_value_and_blocks_until_acknowledged(engine, edit, expected):
    data = edited(edit)
    sheet, row, letter, value, text = expected
    before = snapshot(engine)
    dry = importer.import_workbook(engine, data, PLAN, dry_run=True)
    assert dry.ok and [(w.sheet, w.row, w.letter, w.value) for w in dry.report.warnings] == [(sheet, row, letter, value)]
    assert text in dry.report.warnings[0].text and "1 avertissement à vérifier" in dry.message()
    blocked = importer.import_workbook(engine, data, PLAN, dry_run=False)
    assert blocked.batch_id is None and "rien n'a été importé" in blocked.message()
    assert snapshot(engine) == before
    done = importer.import_workbook(engine, data, PLAN, dry_run=False, accept_warnings=True)
    assert done.batch_id == 2


def test_percent_in_a_percent_cell_or_typed_with_percent_is_no_warning():
    def edit(wb):
        put("Indicateurs", {"G3": 0.645, "H3": "0,5 %"})(wb)
        wb["Indicateurs"]["G3"].number_format = "0.0%"
    report = followup.read_followup(edited(edit), PLAN)
    assert report.ok and report.warnings == ()
    assert report.indicateurs.set_index("indicateur_id").loc["A1-2", "resultat"] == pytest.approx(64.5)


def test_cli_warnings_need_the_flag(tmp_path, capsys, engine, monkeypatch):
    monkeypatch.setattr("dashboard.cli.suivi.plan_for", lambda args: PLAN)  # the small plan of these tests
    db = str(engine.url)
    path = tmp_path / "suivi_2025.xlsx"
    path.write_bytes(edited(put("Indicateurs", {"G3": "0,645"})))
    before = snapshot(engine)
    assert main(["import", str(path), "--db", db, "--dry-run"]) == 1
    out = capsys.readouterr().out
    assert "Avertissements (1)" in out
    assert "- Feuille « Indicateurs », ligne 3, colonne G « 2025 Résultat » : 0,645 est lu 0,645 %" in out
    assert main(["import", str(path), "--db", db]) == 1
    assert "relancez avec --accepter-avertissements" in capsys.readouterr().out
    assert snapshot(engine) == before
    assert main(["import", str(path), "--db", db, "--accepter-avertissements"]) == 0
    assert "Import n° 2 enregistré" in capsys.readouterr().out


# --- 2-3, 7. errors: what to do, in French --------------------------------------------------------

ERRORS = [
    ("point seul devant trois chiffres", put("Indicateurs", {"G2": "10.050"}),
     "ligne 2, colonne G « 2025 Résultat » : « 10.050 » est ambigu (le point sépare-t-il les milliers ou les "
     "décimales ?) : saisissez 10\u202f050 ou 10,05"),
    ("#DIV/0!", put("Indicateurs", {"G2": "#DIV/0!"}),
     "ligne 2, colonne G « 2025 Résultat » : la cellule affiche l'erreur Excel « #DIV/0! » : corrigez la formule"),
    ("#N/A", put("Indicateurs", {"H4": "#N/A"}),
     "ligne 4, colonne H « 2025 Objectif » : la cellule affiche l'erreur Excel « #N/A »"),
    ("#VALEUR!", put("Avancement", {"G2": "#VALUE!"}),
     "Feuille « Avancement », ligne 2, colonne G « 2025 Dépenses (€) » : la cellule affiche l'erreur Excel « #VALEUR! »"),
    ("#REF!", put("Avancement", {"E3": "#REF!"}),
     "ligne 3, colonne E « Fin réelle » : la cellule affiche l'erreur Excel « #REF! »"),
    ("année 9999", put("Avancement", {"E2": "31/12/9999"}),
     "ligne 2, colonne E « Fin réelle » : la date 31/12/9999 est impossible (année 9999) : saisissez la date réelle"),
    ("commentaire trop long", put("Indicateurs", {"I3": "x" * 2001}),
     "ligne 3, colonne I « Commentaire » : le texte fait 2\u202f001 caractères (au plus 2\u202f000) : raccourcissez-le"),
    ("source trop longue", put("Indicateurs", {"J2": "s" * 2500}),
     "ligne 2, colonne J « Source » : le texte fait 2\u202f500 caractères (au plus 2\u202f000)"),
    ("commentaire d'avancement trop long", put("Avancement", {"I2": "c" * 2001}),
     "Feuille « Avancement », ligne 2, colonne I « Commentaire » : le texte fait 2\u202f001 caractères"),
]


@pytest.mark.parametrize("edit, text", [e[1:] for e in ERRORS], ids=[e[0] for e in ERRORS])
def test_each_error_says_what_to_do_and_changes_nothing(engine, edit, text):
    messages = refused(engine, edited(edit))
    assert [m for m in messages if text in m] and len(messages) == 1, messages


def test_error_cells_really_are_error_cells():
    wb = load_workbook(io.BytesIO(edited(put("Indicateurs", {"G2": "#DIV/0!"}))))
    assert wb["Indicateurs"]["G2"].data_type == "e"  # written as Excel writes them (t="e")


DOCTYPE = b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
LAUGHS = (b'<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
          b'<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>')
XXE = b'<!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'


def _with_prolog(extra: bytes):
    def change(content: bytes) -> bytes:
        body = content.split(b"?>", 1)[1] if content.startswith(b"<?xml") else content
        return DOCTYPE + extra + body
    return change


@pytest.mark.parametrize("part, extra", [(SHEET_IND, LAUGHS), ("xl/styles.xml", XXE), ("[Content_Types].xml", LAUGHS),
                                         ("docProps/core.xml", b"<!DOCTYPE cp>")],
                         ids=["billion laughs dans la feuille", "XXE dans les styles", "types de contenu", "DOCTYPE seul"])
def test_doctype_or_entities_in_any_xml_part_refused(engine, part, extra):
    [message] = refused(engine, rezip(edited(put("Indicateurs", {"G2": 5})), {part: _with_prolog(extra)}))
    assert message.startswith("Fichier « suivi_2025.xlsx » : le classeur contient une déclaration DOCTYPE ou "
                              f"d'entités XML (partie « {part} »), qu'Excel n'écrit jamais")


# --- 4. bounded reading ---------------------------------------------------------------------------

def _zip_with(name: str, content: bytes, base: bytes | None = None) -> bytes:
    return rezip(base or edited(lambda wb: None), {name: lambda _: content})


def _lie_about_size(data: bytes, name: str, declared: int) -> bytes:
    """Patch the declared uncompressed size of one part (central directory and local header)."""
    buf = bytearray(data)
    raw = name.encode()
    pos = buf.find(b"PK\x01\x02" + b"")
    while pos != -1:
        n = struct.unpack("<H", buf[pos + 28:pos + 30])[0]
        if bytes(buf[pos + 46:pos + 46 + n]) == raw:
            struct.pack_into("<I", buf, pos + 24, declared)
            local = struct.unpack("<I", buf[pos + 42:pos + 46])[0]
            struct.pack_into("<I", buf, local + 22, declared)
        pos = buf.find(b"PK\x01\x02", pos + 4)
    return bytes(buf)


def _big_sheet(n_bytes: int) -> bytes:
    head = (b'<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            b"<sheetData>")
    return head + b" " * n_bytes + b"</sheetData></worksheet>"


def test_part_over_the_size_limit_refused(engine):
    [m] = refused(engine, _zip_with(SHEET_IND, _big_sheet(60 * 1024 * 1024)))
    assert "une partie du classeur (« xl/worksheets/sheet2.xml ») occupe 60 Mo une fois décompressée (au plus 50 Mo)" in m


def test_abnormal_compression_ratio_refused(engine):
    [m] = refused(engine, _zip_with(SHEET_IND, _big_sheet(3 * 1024 * 1024)))
    assert "est compressée de façon anormale" in m and "un classeur ordinaire reste sous ×100" in m


def test_part_larger_than_declared_refused(engine):
    data = _zip_with(SHEET_IND, _big_sheet(900 * 1024))
    [m] = refused(engine, _lie_about_size(data, SHEET_IND, 1000))
    assert "contient plus de données qu'annoncé" in m


def test_too_many_parts_refused(engine):
    data = rezip(edited(lambda wb: None), add=[(f"xl/media/image{i}.png", b"x") for i in range(250)])
    [m] = refused(engine, data)
    assert "le classeur contient 2" in m and "parties internes (au plus 200)" in m


def test_far_away_cell_refused_before_the_cell_reader_allocates_it(engine):
    def far(content: bytes) -> bytes:
        return content.replace(b"</sheetData>", b'<row r="200000"><c r="ZZ200000"><v>5</v></c></row></sheetData>')
    [m] = refused(engine, rezip(edited(lambda wb: None), {SHEET_IND: far}))
    assert "la feuille « Indicateurs » a des valeurs jusqu'à la ligne 200\u202f000 et la colonne ZZ" in m


def test_upload_over_the_limit_refused(engine):
    [m] = refused(engine, b"PK\x03\x04" + b"\0" * (xlsx_scan.MAX_UPLOAD_BYTES + 1))
    assert "au-delà de la limite de 10 Mo" in m


def test_upload_limit_is_streamlits():
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text("utf-8"))
    assert config["server"]["maxUploadSize"] == xlsx_scan.MAX_UPLOAD_MB


# --- 5. what kind of file --------------------------------------------------------------------------

def _ole(extra: bytes) -> bytes:
    return xlsx_scan.OLE_MAGIC + b"\0" * 504 + extra + b"\0" * 1024


KINDS = [
    ("vide", b"", "le fichier est vide (0 octet)"),
    ("CSV", "Identifiant;2025 Résultat\nA1-1;5\n".encode("cp1252"), "c'est un fichier texte (CSV ou autre)"),
    ("ancien .xls", _ole("Workbook".encode("utf-16-le")), "c'est un classeur Excel à l'ancien format (.xls) : ouvrez-le "
     "dans Excel, « Enregistrer sous » au format « Classeur Excel (.xlsx) »"),
    ("mot de passe", _ole("EncryptionInfo".encode("utf-16-le") + "EncryptedPackage".encode("utf-16-le")),
     "le classeur est protégé par un mot de passe : ouvrez-le dans Excel, retirez le mot de passe"),
    ("zip sans classeur", None, "c'est une archive zip mais pas un classeur Excel (.xlsx)"),
    ("tronqué", "tronque", "le fichier est incomplet (tronqué"),
    ("binaire quelconque", bytes(range(256)) * 4, "ce fichier n'est pas un classeur Excel"),
]


@pytest.mark.parametrize("data, text", [k[1:] for k in KINDS], ids=[k[0] for k in KINDS])
def test_each_kind_of_wrong_file_has_its_own_message(engine, data, text):
    if data is None:
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w") as z:
            z.writestr("notes.txt", "bonjour")
        data = buf.getvalue()
    elif data == "tronque":
        whole = edited(lambda wb: None)
        data = whole[: len(whole) // 2]
    [m] = refused(engine, data)
    assert m.startswith(f"Fichier « suivi_2025.xlsx » : {text}"), m
    assert "Error" not in m and "None" not in m


# --- 6. the page ---------------------------------------------------------------------------------

@pytest.fixture
def page_db(tmp_path, monkeypatch):
    db = f"sqlite:///{tmp_path / 'page.sqlite'}"
    monkeypatch.setenv("DASHBOARD_DB", db)
    monkeypatch.setenv("DASHBOARD_DEMO", "0")
    e = store.open_engine(db)
    store.apply(e, followup.read_followup(filled(2024, ind={("A1-1", "2024 Résultat"): 100}), PLAN))
    monkeypatch.setattr("dashboard.ui.get_plan", lambda: PLAN)
    return e


def _page():
    return AppTest.from_file(PAGE, default_timeout=60).run()


def test_page_problems_sorted_with_letters_whole_file_without_row(page_db):
    at = _page()
    bad = edited(lambda wb: (put("Avancement", {"C2": "Terminée"})(wb), put("Indicateurs", {"G4": "x", "G2": "y"})(wb)))
    at.file_uploader[0].set_value(("faux.xlsx", bad, "application/octet-stream")).run()
    table = at.table[0].value
    assert table[["Feuille", "Ligne", "Colonne"]].values.tolist() == [
        ["Indicateurs", "2", "G « 2025 Résultat »"], ["Indicateurs", "4", "G « 2025 Résultat »"],
        ["Avancement", "2", "C « Statut »"]]
    at.file_uploader[0].set_value(("vide.xlsx", b"", "application/octet-stream")).run()
    assert not [t for t in at.table if "Problème" in t.value.columns]  # no problem table, one whole-file message
    assert "le fichier est vide" in at.error[0].value.lower()
    assert "None" not in at.error[0].value and "Calamine" not in at.error[0].value


def test_page_warnings_need_the_checkbox_then_uploader_cleared_and_outcome_by_the_button(page_db):
    at = _page()
    assert "10 Mo au plus" in " ".join(c.value for c in at.caption)
    data = edited(put("Indicateurs", {"G3": "0,645"}))
    at.file_uploader[0].set_value(("suivi_2025.xlsx", data, "application/octet-stream")).run()
    [warnings] = [t.value.map(literal) for t in at.table if "Valeur lue" in t.value.columns]  # shown as plain text
    assert warnings[["Ligne", "Colonne", "Valeur lue"]].values.tolist() == [["3", "G « 2025 Résultat »", "0,645"]]
    assert at.button(key="confirmer_import").disabled
    at.checkbox[0].check().run()
    assert not at.button(key="confirmer_import").disabled
    at.button(key="confirmer_import").click().run()
    assert not at.exception
    assert literal(at.success[0].value).startswith("Import n° 2 enregistré")
    assert at.file_uploader[0].value is None  # a new, empty uploader
    assert store.history(page_db)["batch_id"].tolist() == [2, 1]

    at.checkbox(key="confirmer_annulation_2").check().run()
    at.button(key="annuler_import").click().run()
    assert not at.exception
    assert [s.value for s in at.success] == ["Import n° 2 annulé : les valeurs d'avant sont rétablies."]
    assert at.file_uploader[0].value is None and not [b for b in at.button if b.key == "confirmer_import"]


def test_template_validation_accepts_what_the_instructions_say():
    wb = load_workbook(io.BytesIO(template.write_template(PLAN, 2025)))
    help_text = " ".join(str(c.value) for c in wb["Mode d'emploi"]["A"] if c.value)
    assert "x pour oui" in help_text
    [dv] = [d for d in wb["Indicateurs"].data_validations.dataValidation if d.type == "list"]
    assert dv.formula1 == '"oui,non,x,effacer"'
    assert cells.parse_oui_non("x") == 1.0
    assert pd.notna(dv.error) and "« x » (pour oui)" in dv.error
