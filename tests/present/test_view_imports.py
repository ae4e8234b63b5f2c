"""The import page's tables: the history and the detail of one import, written in French."""

from __future__ import annotations

import pandas as pd
import pytest

from dashboard import fmt
from dashboard.present.views import imports
from dashboard.suivi import store

NAN = float("nan")


@pytest.mark.parametrize(("v", "objet", "champ", "unite", "expected"), [
    (1.0, "Indicateur", "Résultat", "oui/non", "oui"),
    (0.0, "Indicateur", "Résultat", "oui/non", "non"),
    (45.0, "Indicateur", "Objectif", "%", fmt.pct(45, 1)),
    (12000.0, "Indicateur", "Résultat", "€", fmt.euros(12000)),
    (1234.5, "Indicateur", "Résultat", "nombre", fmt.nombre(1234.5, 2)),
    (45.0, "Indicateur", "Commentaire", "%", fmt.nombre(45, 2)),   # the unit is the result's, not a note's
    (8000.0, "Action", "Dépenses (€)", "", fmt.euros(8000)),
    (0.5, "Action", "ETP", "", fmt.etp(0.5)),
    (pd.Timestamp("2025-12-31"), "Action", "Fin réelle", "", "31/12/2025"),
    ("En cours", "Action", "Statut", "", "En cours"),
    (None, "Action", "Statut", "", "—"),
    (NAN, "Indicateur", "Résultat", "nombre", "—"),
])
def test_value_text(v, objet, champ, unite, expected):
    assert imports.value_text(v, objet, champ, unite) == expected


def history_frame() -> pd.DataFrame:
    return pd.DataFrame([
        [2, "suivi_2025.xlsx", "2025", pd.Timestamp("2026-03-12 10:04"), "", 3, 1, 40, 2, True, False, pd.NaT, "b",
         "", "", "Communes", "f00d", 1],
        [1, "demo_2024.xlsx", "2024", pd.Timestamp("2026-01-05 09:00"), "Claire", 1200, 0, 0, 0, False, True,
         pd.Timestamp("2026-03-12 10:04"), "a", "", "", "", "", 0],
    ], columns=store.HISTORY_COLUMNS)


@pytest.mark.parametrize(("utilisateur", "compte", "annule_par", "importe", "etat"), [
    ("", "", "", "—", "annulé le 12/03/2026 10:04"),                         # no name given, no accounts
    ("Claire", "", "", "Claire", "annulé le 12/03/2026 10:04"),              # free-text name, no accounts
    ("Camille Martin", "cmartin", "admin", "Camille Martin (cmartin)", "annulé le 12/03/2026 10:04 par admin"),
    ("cmartin", "cmartin", "", "cmartin", "annulé le 12/03/2026 10:04"),     # an account without a name
])
def test_history_names_the_accounts(utilisateur, compte, annule_par, importe, etat):
    frame = history_frame().iloc[[1]].assign(utilisateur=utilisateur, compte=compte, annule_par=annule_par,
                                              demo=False)
    row = imports.history(frame).table.iloc[0]
    assert (row["Importé par"], row["État"]) == (importe, etat)


def test_history_reads_in_french():
    view = imports.history(history_frame())
    assert list(view.table.columns) == ["N°", "Date", "Fichier", "Années", "Importé par", "Porteur", "Nouvelles",
                                        "Modifiées", "Retirées", "Inchangées", "Ignorées", "État"]
    first, second = view.table.to_dict("records")
    assert (first["Porteur"], first["Retirées"], second["Porteur"]) == ("Communes", "1", "—")
    assert first["Date"] == "12/03/2026 10:04" and first["Importé par"] == "—" and first["État"] == "actif"
    assert second["Nouvelles"] == fmt.nombre(1200)
    assert second["État"] == "annulé le 12/03/2026 10:04 · démonstration"
    assert view.labels == {2: "n° 2 — suivi_2025.xlsx (12/03/2026 10:04)", 1: "n° 1 — demo_2024.xlsx (05/01/2026 09:00)"}
    assert view.actifs == {2: True, 1: False} and view.fichiers[1] == "demo_2024.xlsx"


def test_changes_write_each_value_in_its_indicator_unit():
    ind = pd.DataFrame({"indicateur_id": ["A1-1", "A1-2"], "unite": ["%", "€"]})
    frame = pd.DataFrame([
        ["Indicateur", "A1-1", 2025, "Résultat", 40.0, 45.0, "modifiée"],
        ["Indicateur", "A1-2", 2025, "Résultat", None, 12000.0, "nouvelle"],
        ["Indicateur", "Z9-9", 2025, "Résultat", None, 3.0, "nouvelle"],       # no longer in the plan: a number
        ["Action", "7", 2025, "ETP", None, 0.5, "nouvelle"],
    ], columns=store.CHANGE_COLUMNS)

    class _Plan:  # the view reads only the plan's indicator units
        indicateurs = ind

    out = imports.changes(_Plan(), frame)
    assert out["Avant"].tolist() == [fmt.pct(40, 1), "—", "—", "—"]
    assert out["Après"].tolist() == [fmt.pct(45, 1), fmt.euros(12000), fmt.nombre(3, 2), fmt.etp(0.5)]
    assert out["Année"].tolist() == ["2025"] * 4 and out["Changement"].iloc[0] == "modifiée"
