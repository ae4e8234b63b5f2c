"""present.depuis.sections: the changes since the last comité as a page's headings and items."""

from __future__ import annotations

from datetime import date

import pandas as pd

from dashboard import fmt
from dashboard.metrics.depuis import Depuis
from dashboard.present import depuis


def test_nothing_changed_gives_no_section():
    assert depuis.sections(Depuis(date(2025, 6, 30), date(2025, 7, 1))) == []


def test_each_kind_of_change_has_its_heading_counted_and_its_items():
    d = Depuis(
        date(2025, 6, 30), date(2025, 12, 2),
        nouveaux_retards=pd.DataFrame({"action_id": [5, 7], "axe": [1, 2], "titre": ["Signalétique", "Vélo"],
                                       "porteur": ["OT", "Communes"], "retard_mois": [3.5, 1.0]}),
        imports=pd.DataFrame({"batch_id": [3], "date": [pd.Timestamp("2025-09-15 10:00", tz="Europe/Paris")],
                              "fichier": ["suivi_sept.xlsx"], "porteur": [""], "utilisateur": ["dir"], "valeurs": [2]}),
        revisions=((2, "Révision 2025", date(2025, 9, 1)),),
        indicateurs=pd.DataFrame({"indicateur_id": ["A11-1", "A12-1"], "action_id": [11, 12],
                                  "indicateur": ["Visiteurs", "Nuitées"], "annee": [2025, 2025],
                                  "avant": [None, 1200.0], "apres": [9750.0, 1300.5]}),
    )
    got = depuis.sections(d)
    assert [h for h, _ in got] == ["2 actions devenues en retard", "1 import du suivi", "1 révision du plan",
                                   "2 résultats d’indicateurs ont bougé"]
    late, imports, revisions, moved = (items for _, items in got)
    assert late == [f"5 · Signalétique (OT) : {fmt.mois(3.5)} de retard", f"7 · Vélo (Communes) : {fmt.mois(1)} de retard"]
    assert imports == ["n° 3 du 15/09/2025 · suivi_sept.xlsx · 2 valeurs"]  # no porteur: not said
    assert revisions == ["version 2 « Révision 2025 », en vigueur depuis le 01/09/2025"]
    assert moved == [f"A11-1 · Visiteurs (2025) : première valeur {fmt.nombre(9750)}",
                     f"A12-1 · Nuitées (2025) : {fmt.nombre(1200)} → {fmt.nombre(1300.5, 2)}"]
    assert fmt.nombre(1300.5, 2).startswith("1") and "300,5" in fmt.nombre(1300.5, 2)
