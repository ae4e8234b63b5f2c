"""The import page with several porteurs' copies of one template: conflicts decided on the page, the
changes listed before → after, the collection status and its « Relances » export."""

from __future__ import annotations

import io
from pathlib import Path

from markdown_builders import literal
from openpyxl import load_workbook
from streamlit.testing.v1 import AppTest
from suivi_builders import fill

from dashboard.suivi import store, template

PAGE = str(Path(__file__).resolve().parents[2] / "vues" / "import_suivi.py")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _upload(at: AppTest, name: str, data: bytes) -> AppTest:
    at.file_uploader[0].set_value((name, data, XLSX))
    return at.run()


def _confirm(at: AppTest) -> AppTest:
    at.text_input(key="import_user").input("Camille")
    return at.button(key="confirmer_import").click().run()


def test_two_porteurs_same_cell_decided_on_the_page(plan, tmp_path):
    engine = store.open_engine(f"sqlite:///{tmp_path / 'suivi.sqlite'}")  # the page's store (conftest)
    _, rows = template.rows_for(plan, ["Office de tourisme"])
    x, y = (str(rows.loc[rows["unite"] == u, "indicateur_id"].iloc[0]) for u in ("nombre", "€"))
    issued = template.write_template(plan, 2025, store.load_suivi(engine), porteurs=["Office de tourisme"])
    a = fill(issued, plan, {x: 10})
    c = fill(issued, plan, {x: 20, y: 7})

    at = AppTest.from_file(PAGE, default_timeout=60).run()
    assert not at.exception
    at = _confirm(_upload(at, "a.xlsx", a))
    assert literal(at.success[0].value).startswith("Import n° 1 enregistré (a.xlsx, 2025)")

    at = _upload(at, "c.xlsx", c)
    assert not at.exception
    [err] = [e.value for e in at.error]
    assert err.startswith("1 conflit : ce fichier change des valeurs qu'un autre import a aussi changées")
    conflicts = at.table[0].value.map(literal)
    assert conflicts[["Dans le modèle envoyé", "Dans la base", "Dans le fichier"]].values.tolist() == [["—", "10", "20"]]
    assert "Office de tourisme" in conflicts["Enregistrée par"].iloc[0]  # the porteur of import n° 1
    assert "(import n° 1)" in conflicts["Enregistrée par"].iloc[0]
    assert at.button(key="confirmer_import").disabled
    assert [m.value for m in at.metric][-1] == "1"  # « Conflits à décider »

    at.button(key=[b.key for b in at.button if b.key.startswith("tous_base_")][0]).click().run()
    assert not at.button(key="confirmer_import").disabled
    at = at.button(key="confirmer_import").click().run()
    assert not at.exception and literal(at.success[0].value).startswith("Import n° 2 enregistré (c.xlsx, 2025)")
    ind = store.load_suivi(engine).indicateurs.set_index("indicateur_id")["resultat"]
    assert (ind[x], ind[y]) == (10, 7)  # the stored value kept, the other change written

    history = at.dataframe[0].value
    assert history["Porteur"].tolist() == ["Office de tourisme", "Office de tourisme"]


def test_collection_status_and_reminders(plan, tmp_path):
    engine = store.open_engine(f"sqlite:///{tmp_path / 'suivi.sqlite'}")
    data, issued = template.issue(plan, 2025, porteurs=["Communes"], emis_par="Camille")
    store.record_template(engine, issued)
    at = AppTest.from_file(PAGE, default_timeout=60).run()
    assert not at.exception
    table = at.table[-1].value.map(literal).set_index("Porteur")
    assert table.loc["Communes", "Modèle 2025 envoyé"].endswith("par Camille")
    assert table.loc["Communes", "Fichiers reçus"] == "aucun" and table.loc["Communes", "État"] == "à relancer"
    assert table.loc["Office de tourisme", "État"] == "modèle à envoyer"

    # the Communes return their file: statuses of their two actions (6 and 16) and the indicator of 16
    wb = load_workbook(io.BytesIO(data))
    av = wb["Avancement"]
    for r in range(2, av.max_row + 1):
        av.cell(r, 3, "En cours")
        av.cell(r, 4, "01/03/2025")
    ind = wb["Indicateurs"]
    ind.cell(2, 7, 3)
    buf = io.BytesIO()
    wb.save(buf)
    at = _confirm(_upload(at, "communes.xlsx", buf.getvalue()))
    assert not at.exception and literal(at.success[0].value).startswith("Import n° 1 enregistré")
    table = at.table[-1].value.map(literal).set_index("Porteur")
    assert table.loc["Communes", "Fichiers reçus"].startswith("1, le dernier le ")
    assert table.loc["Communes", ["Indicateurs sans résultat", "Sans statut"]].tolist() == ["0", "0"]
    assert [b.label for b in at.get("download_button")][-1] == "Relances (Excel)"


def test_reminders_say_what_each_porteur_still_owes(plan):
    from dashboard.present.views import imports as views_imports
    from dashboard.suivi import collecte

    frame = collecte.collecte(plan, store.Suivi(), 2025, store.templates(store.open_engine("sqlite://")),
                              store.history(store.open_engine("sqlite://")))
    view = views_imports.collecte(frame, 2025)
    communes = view.relances.set_index("Porteur").loc["Communes"]
    ids = plan.indicateurs.loc[plan.indicateurs["action_id"].isin([6, 16]), "indicateur_id"].str.upper().tolist()
    assert communes["Indicateurs sans résultat"] == ", ".join(ids)
    assert communes["Actions sans statut"] == "6, 16"
    assert communes["À envoyer"].startswith(f"Résultat 2025 des indicateurs {', '.join(ids)}; statut des actions "
                                            "n° 6, 16")
    assert communes["Modèle envoyé le"] == "non envoyé"
    wb = load_workbook(io.BytesIO(view.excel()))
    assert wb.sheetnames == ["Relances"] and wb["Relances"]["A1"].value == "Porteur"
    assert (wb["Relances"].max_row, len(view.relances)) == (10, 9)  # every porteur owes something
