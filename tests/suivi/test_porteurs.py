"""Several porteurs return copies of one pre-filled template: nothing is overwritten unseen.

Each test imports real workbooks (written by the template, filled with openpyxl as a porteur would)
into a store on SQLite and PostgreSQL, and checks the values in force, the dry run's lines and the
conflicts against a hand-made expectation."""

from __future__ import annotations

import io
import itertools
import shutil
import subprocess

import pandas as pd
import pytest
from openpyxl import load_workbook
from suivi_builders import PLAN, filled, snapshot

from dashboard.suivi import followup, importer, merge, stamp, store, template


def _first(engine) -> None:
    """The store before the collection: values of 2025 already imported (the template comes pre-filled)."""
    data = filled(2025, ind={("A1-1", "2025 Résultat"): 1250, ("A1-2", "2025 Résultat"): 40,
                             ("A2-1", "2025 Résultat"): 4820, ("A2-1", "Commentaire"): "Chiffre provisoire"},
                  av={(1, "Statut"): "Non démarrée", (2, "Statut"): "En cours", (2, "2025 Dépenses (€)"): 1000})
    assert importer.import_workbook(engine, data, PLAN, file_name="initial.xlsx", dry_run=False).batch_id == 1


def _copy(issued: bytes, ind=None, av=None) -> bytes:
    """A porteur's copy of the issued template with some cells typed (the stamp kept)."""
    return filled(2025, ind=ind, av=av, stamped=True, data=issued)


def _values(engine) -> dict:
    s = store.load_suivi(engine)
    ind = s.indicateurs.set_index("indicateur_id")
    st = s.statuts.set_index("action_id")
    return {"A1-1": ind.loc["A1-1", "resultat"], "A1-2": ind["resultat"].get("A1-2"),
            "A2-1": ind.loc["A2-1", "resultat"], "com A2-1": ind.loc["A2-1", "commentaire"],
            "statut 1": st.loc[1, "statut"], "depenses 2": s.realise.set_index("action_id")["depenses"].get(2)}


def _import(engine, data, name, **kw):
    return importer.import_workbook(engine, data, PLAN, file_name=name, dry_run=False, **kw)


def test_second_porteur_no_longer_undoes_the_first(engine):
    """The reported case: A changes three cells, B two others; B's dry run lists B's two, A's stay."""
    _first(engine)
    issued = template.write_template(PLAN, 2025, store.load_suivi(engine))
    a = _copy(issued, ind={("A1-1", "2025 Résultat"): 1310, ("A2-1", "2025 Résultat"): 4905,
                           ("A2-1", "Commentaire"): "Chiffre définitif (décembre)"},
              av={(1, "Statut"): "En cours"})
    b = _copy(issued, ind={("A1-2", "2025 Résultat"): 55}, av={(2, "2025 Dépenses (€)"): 1500})
    assert _import(engine, a, "a.xlsx").batch_id == 2
    dry = importer.import_workbook(engine, b, PLAN, file_name="b.xlsx")
    assert (dry.counts.new, dry.counts.changed, dry.counts.lines) == (0, 2, 2)
    assert [(x.cell, x.avant, x.apres) for x in dry.plan.lines] == [
        (("indicateurs", "A1-2", 2025, "resultat"), 40.0, 55.0), (("realise", 2, 2025, "depenses"), 1000.0, 1500.0)]
    assert _import(engine, b, "b.xlsx").batch_id == 3
    assert _values(engine) == {"A1-1": 1310, "A1-2": 55, "A2-1": 4905, "com A2-1": "Chiffre définitif (décembre)",
                               "statut 1": "En cours", "depenses 2": 1500}


ORDERS = list(itertools.permutations("ABC"))


@pytest.mark.parametrize("order", ORDERS, ids=["".join(o) for o in ORDERS])
def test_three_porteurs_in_any_order(order, tmp_path):
    """A and C change the same cell (a conflict for the one imported later), B clears a value: in any
    order no change is lost, the conflict names the cell and waits for a decision."""
    engine = store.open_engine(f"sqlite:///{tmp_path / 'suivi.sqlite'}")
    _first(engine)
    issued = template.write_template(PLAN, 2025, store.load_suivi(engine), porteurs=())
    files = {
        "A": _copy(issued, ind={("A1-1", "2025 Résultat"): 1310}, av={(1, "Statut"): "En cours"}),
        "B": _copy(issued, ind={("A1-2", "2025 Résultat"): "Effacer", ("A2-1", "2025 Résultat"): 4905}),
        "C": _copy(issued, ind={("A1-1", "2025 Résultat"): 1400}),
    }
    seen_conflict = None
    for who in order:
        outcome = _import(engine, files[who], f"{who}.xlsx")
        if outcome.conflicts:
            assert who in "AC" and outcome.batch_id is None
            [c] = outcome.conflicts
            assert c.cell == ("indicateurs", "A1-1", 2025, "resultat") and c.emis == 1250
            assert (c.stocke, c.fichier) == ((1310, 1400) if who == "C" else (1400, 1310))
            before = snapshot(engine)
            assert _import(engine, files[who], f"{who}.xlsx").batch_id is None  # still undecided: nothing
            assert snapshot(engine) == before
            decided = _import(engine, files[who], f"{who}.xlsx", conflits=merge.FILE)
            assert decided.batch_id is not None
            seen_conflict = who
    assert seen_conflict == [w for w in order if w in "AC"][1]
    values = _values(engine)
    assert values["A1-1"] == (1400 if seen_conflict == "C" else 1310)  # the decision, not the order
    assert values["A1-2"] is None  # cleared by B
    assert (values["A2-1"], values["statut 1"]) == (4905, "En cours")


def test_conflict_kept_for_the_store_and_per_cell_decisions(engine):
    _first(engine)
    issued = template.write_template(PLAN, 2025, store.load_suivi(engine))
    a = _copy(issued, ind={("A1-1", "2025 Résultat"): 1310, ("A2-1", "2025 Résultat"): 5000})
    c = _copy(issued, ind={("A1-1", "2025 Résultat"): 1400, ("A2-1", "2025 Résultat"): 5100,
                           ("A1-2", "2025 Résultat"): 42})
    assert _import(engine, a, "a.xlsx").batch_id == 2
    dry = importer.import_workbook(engine, c, PLAN, file_name="c.xlsx")
    assert [x.cell[1] for x in dry.conflicts] == ["A1-1", "A2-1"]
    sources = dry.sources.set_index("batch_id")
    assert sources.loc[2, "fichier"] == "a.xlsx"  # « value now stored, with who and when »
    choice = {("indicateurs", "A1-1", 2025, "resultat"): merge.STORE,
              ("indicateurs", "A2-1", 2025, "resultat"): merge.FILE}
    done = _import(engine, c, "c.xlsx", conflits=choice)
    assert done.batch_id == 3 and done.counts.kept == 1
    v = _values(engine)
    assert (v["A1-1"], v["A2-1"], v["A1-2"]) == (1310, 5100, 42)


def test_clearing_a_value_and_blank_cells(engine):
    _first(engine)
    issued = template.write_template(PLAN, 2025, store.load_suivi(engine))
    data = _copy(issued, ind={("A1-2", "2025 Résultat"): " EFFACER ", ("A2-1", "Commentaire"): "effacer",
                              ("A1-1", "2025 Résultat"): None},  # a pre-filled cell emptied: no value given
                 av={(2, "2025 Dépenses (€)"): "effacer"})
    dry = importer.import_workbook(engine, data, PLAN, file_name="x.xlsx")
    assert [(x.cell, x.avant, x.etat) for x in dry.plan.lines] == [
        (("indicateurs", "A1-2", 2025, "resultat"), 40.0, "valeur retirée"),
        (("indicateurs", "A2-1", 2025, "commentaire"), "Chiffre provisoire", "valeur retirée"),
        (("realise", 2, 2025, "depenses"), 1000.0, "valeur retirée")]
    assert dry.counts.removed == 3 and "3 retirée(s)" in dry.message()
    batch = _import(engine, data, "x.xlsx").batch_id
    v = _values(engine)
    assert v["A1-1"] == 1250 and v["A1-2"] is None and pd.isna(v["com A2-1"])
    assert 2 not in set(store.load_suivi(engine).realise["action_id"])  # its only value was removed
    changes = store.batch_changes(engine, batch)
    assert changes["etat"].tolist() == ["valeur retirée"] * 3 and changes["apres"].isna().all()
    store.rollback(engine, batch)
    assert _values(engine)["A1-2"] == 40  # the rollback brings the removed value back


def test_file_without_stamp_warns_before_replacing_what_another_import_set(engine):
    _first(engine)
    data = filled(2025, ind={("A1-1", "2025 Résultat"): 9999, ("A3-1", "2025 Résultat"): "oui"})
    dry = importer.import_workbook(engine, data, PLAN, file_name="export.xlsx")
    assert dry.report.stamp is None
    assert [(x.cell[1], x.avant, x.apres) for x in dry.plan.overwrites] == [("A1-1", 1250.0, 9999.0)]
    assert dry.needs_acknowledgement and dry.n_warnings == 1
    refused = _import(engine, data, "export.xlsx")
    assert refused.batch_id is None and "avertissement" in refused.message()
    assert _values(engine)["A1-1"] == 1250
    assert _import(engine, data, "export.xlsx", accept_warnings=True, porteur="Communes").batch_id == 2
    assert _values(engine)["A1-1"] == 9999
    assert store.history(engine).set_index("batch_id").loc[2, "porteur"] == "Communes"


def test_stamp_survives_openpyxl_and_says_who_it_was_for(engine):
    _first(engine)
    data, issued = template.issue(PLAN, 2025, store.load_suivi(engine), porteurs=["Non renseigné"],
                                  emis_par="Camille")
    wb = load_workbook(io.BytesIO(data))  # opened and saved again, as another tool would
    buf = io.BytesIO()
    wb.save(buf)
    report = followup.read_followup(buf.getvalue(), PLAN)
    assert report.stamp == issued and report.stamp.emis_par == "Camille"
    assert report.stamp.valeurs[("indicateurs", "A1-1", 2025, "resultat")] == 1250.0
    assert report.stamp.valeurs[("statuts", 2, 2025, "statut")] == "En cours"


def test_a_stamp_edited_by_hand_is_not_trusted():
    data = template.write_template(PLAN, 2025)
    wb = load_workbook(io.BytesIO(data))
    doc = wb["Tampon"]["A3"].value
    wb["Tampon"]["A3"] = doc.replace('"A1-1":[null', '"A1-1":[999', 1)  # an issued value changed
    assert wb["Tampon"]["A3"].value != doc
    buf = io.BytesIO()
    wb.save(buf)
    report = followup.read_followup(buf.getvalue(), PLAN)
    assert report.ok and report.stamp is None
    [w] = report.warnings
    assert w.sheet == "Tampon" and "le tampon du modèle a été modifié" in w.text


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice absent (paquet libreoffice-calc)")
def test_stamp_survives_a_libreoffice_save(engine, tmp_path):
    _first(engine)
    issued = template.write_template(PLAN, 2025, store.load_suivi(engine))
    src = tmp_path / "in" / "suivi_2025.xlsx"
    src.parent.mkdir()
    src.write_bytes(_copy(issued, ind={("A1-2", "2025 Résultat"): 55}))
    out = tmp_path / "out"
    subprocess.run(["soffice", "--headless", f"-env:UserInstallation=file://{tmp_path / 'profil'}",
                    "--convert-to", "xlsx", "--outdir", str(out), str(src)], check=True, capture_output=True,
                   timeout=180)
    saved = (out / "suivi_2025.xlsx").read_bytes()
    assert saved != src.read_bytes()
    dry = importer.import_workbook(engine, saved, PLAN, file_name="suivi_2025.xlsx")
    assert dry.report.ok and dry.report.stamp is not None, [p.message() for p in dry.report.warnings]
    assert [(x.cell[1], x.avant, x.apres) for x in dry.plan.lines] == [("A1-2", 40.0, 55.0)]
    assert dry.counts.unchanged == dry.plan.untouched > 0  # the pre-filled cells are not its changes


def test_porteur_template_holds_its_rows_with_axe_and_porteur():
    wb = load_workbook(io.BytesIO(template.write_template(PLAN, 2025)))
    ind = wb["Indicateurs"]
    assert ind.auto_filter.ref == "A1:L6"
    assert ind.protection.sheet and not ind.protection.autoFilter and not ind.protection.sort
    heads = [c.value for c in ind[1]]
    assert [ind.cell(2, heads.index(h) + 1).value for h in ("Axe", "Porteur")] == [1, "Non renseigné"]
    help_text = " ".join(str(c.value) for c in wb["Mode d'emploi"]["A"] if c.value)
    assert "Ne remplissez que vos lignes" in help_text and "« effacer »" in help_text


def test_template_for_one_porteur_of_the_shipped_plan(plan):
    data, st = template.issue(plan, 2025, porteurs=["Communes"], emis_par="Camille")
    wb = load_workbook(io.BytesIO(data))
    av = wb["Avancement"]
    heads = [c.value for c in av[1]]
    rows = [[av.cell(r, j).value for j in (1, heads.index("Porteur") + 1)] for r in range(2, av.max_row + 1)]
    assert rows == [[6, "Office de tourisme ; Communes ; Communauté d'agglomération"],
                    [16, "Communes ; Communauté d'agglomération"]]
    assert st.actions == {6, 16} and st.porteurs == ("Communes",)
    assert set(st.indicateurs) == set(plan.indicateurs.loc[plan.indicateurs["action_id"].isin([6, 16]),
                                                           "indicateur_id"].str.upper())
    assert template.template_file_name(2025, ["Communes"]) == "suivi_2025_communes.xlsx"
    with pytest.raises(ValueError, match="porteur inconnu : « Mairie de Paris »"):
        template.issue(plan, 2025, porteurs=["Mairie de Paris"])


def test_provenance_of_each_value(engine):
    _first(engine)
    data = template.write_template(PLAN, 2025, store.load_suivi(engine), porteurs=["Non renseigné"])
    _import(engine, _copy(data, ind={("A1-1", "2025 Résultat"): 1310}), "office.xlsx", compte=None, user="Camille")
    o = store.load_suivi(engine).origines.set_index(["objet", "cle", "annee", "champ"])
    assert o.loc[("indicateurs", "A1-1", 2025, "resultat"), ["porteur", "utilisateur", "fichier"]].tolist() == [
        "Non renseigné", "Camille", "office.xlsx"]
    assert o.loc[("indicateurs", "A1-2", 2025, "resultat"), "fichier"] == "initial.xlsx"


STATUS_CASES = [
    # (statut, début, fin réelle, erreur attendue ou None, avertissement attendu ou None)
    ("Réalisée", "01/03/2025", "12/05/2027", "Fin réelle", None),  # ends in the future
    ("Réalisée", "01/03/2025", "12/05/2026", "Fin réelle", None),  # after the file's year (2025)
    ("Réalisée", "01/03/2025", "30/11/2025", None, None),
    ("En cours", "01/06/2025", "01/03/2025", "Fin réelle", None),  # ends before it starts
    ("Non démarrée", "01/03/2025", None, None, "Début réel"),
]


@pytest.mark.parametrize(("statut", "debut", "fin", "error", "warning"), STATUS_CASES)
def test_status_and_dates_that_contradict(statut, debut, fin, error, warning):
    report = followup.read_followup(filled(2025, av={(1, "Statut"): statut, (1, "Début réel"): debut,
                                                     (1, "Fin réelle"): fin}), PLAN)
    errors = [(p.sheet, p.row, p.column) for p in report.problems]
    assert errors == ([("Avancement", 2, error)] if error else [])
    warnings = [(p.sheet, p.row, p.column) for p in report.warnings]
    assert warnings == ([("Avancement", 2, warning)] if warning else [])
    if error:
        assert report.problems[0].message().startswith("Feuille « Avancement », ligne 2, colonne E « Fin réelle »")


def test_empty_file_says_it_holds_no_value(engine):
    outcome = importer.import_workbook(engine, template.write_template(PLAN, 2025), PLAN, file_name="vide.xlsx")
    assert outcome.empty_file
    assert outcome.message().startswith("« vide.xlsx » ne contient aucune valeur à importer")
    assert "déjà été importé" not in outcome.message()


def test_stamp_text_round_trip():
    s = stamp.new(2025, porteurs=["Office de tourisme", "Communes ; partenaires"], emis_par="Camille",
                  indicateurs=["a1-1"], actions=[1],
                  valeurs={("indicateurs", "A1-1", 2025, "resultat"): 0.1 + 0.2,
                           ("statuts", 1, 2025, "fin_reelle"): pd.Timestamp("2025-03-31"),
                           ("statuts", 1, 2025, "commentaire"): "=HYPERLINK(\"x\")"})
    from openpyxl import Workbook
    wb = Workbook()
    stamp.write_sheet(wb, s)
    rows = [[c.value for c in r] for r in wb["Tampon"].iter_rows()]
    back = stamp.read_rows(rows)
    assert back == s and back.valeurs[("indicateurs", "A1-1", 2025, "resultat")] == 0.1 + 0.2


def test_indicators_table_and_its_excel_say_who_provided_each_value(engine):
    from dashboard import metrics
    from dashboard.present import export

    _first(engine)
    data = template.write_template(PLAN, 2025, store.load_suivi(engine), porteurs=["Non renseigné"])
    _import(engine, _copy(data, ind={("A1-1", "2025 Résultat"): 1310}), "office.xlsx", user="Camille Martin")
    table = metrics.tableau_indicateurs(PLAN, store.load_suivi(engine).indicateurs, 2025).set_index("indicateur_id")
    today = pd.Timestamp.now(tz="Europe/Paris").strftime("%d/%m/%Y")
    wb = load_workbook(io.BytesIO(export.indicateurs_excel(table.reset_index())))
    ws = wb["Indicateurs"]
    heads = [c.value for c in ws[1]]
    assert heads[-1] == "Renseigné par"
    by_id = {ws.cell(r, 2).value: ws.cell(r, len(heads)).value for r in range(2, ws.max_row + 1)}
    assert by_id["A1-1"] == f"Non renseigné (Camille Martin), le {today}"
    assert by_id["A1-2"] == f"le {today}"  # the first file: no porteur, no name given


def test_confirming_a_dry_run_plans_again_only_if_the_store_changed(engine, monkeypatch):
    """The page confirms the dry run it showed: while the store is as it was, that plan is written as is
    (not read again); after another import it is made again, and a new conflict blocks the write."""
    _first(engine)
    issued = template.write_template(PLAN, 2025, store.load_suivi(engine))
    a = _copy(issued, ind={("A1-1", "2025 Résultat"): 1310})
    c = _copy(issued, ind={("A1-1", "2025 Résultat"): 1400})
    dry_c = importer.import_workbook(engine, c, PLAN, file_name="c.xlsx")
    assert not dry_c.conflicts and dry_c.counts.changed == 1
    assert _import(engine, a, "a.xlsx").batch_id == 2  # meanwhile, another porteur's file
    late = importer.import_workbook(engine, c, PLAN, file_name="c.xlsx", dry_run=False, checked=dry_c)
    assert late.batch_id is None and [x.stocke for x in late.conflicts] == [1310]
    assert _values(engine)["A1-1"] == 1310

    dry_c = importer.import_workbook(engine, c, PLAN, file_name="c.xlsx")
    monkeypatch.setattr(store, "plan_import", lambda *a, **k: pytest.fail("the store was read again"))
    done = importer.import_workbook(engine, c, PLAN, file_name="c.xlsx", dry_run=False, checked=dry_c,
                                    conflits=merge.FILE)
    assert done.batch_id == 3 and _values(engine)["A1-1"] == 1400
