"""Import du suivi: the history of imports and the detail of one import, as the page shows them.

Builds the page's tables from what the store returns (`store.history`, `store.batch_changes`) and
the plan's indicator units: dates in French, counts in French, each stored value written as staff
typed it (`oui`, `45 %`, `12 000 €`, `31/12/2025`, `0,5 ETP`). The upload, the dry run, the
confirmation and the rollback are actions, not views: they stay in the page, which calls the store.
This module never reads the store itself and never imports streamlit.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from dashboard import fmt
from dashboard.plan import Plan


@dataclass(frozen=True)
class HistoryView:
    """The « Imports réalisés » table and the choices of the « Détail d'un import » selector."""

    table: pd.DataFrame                 # one row per import, newest first, every column in French
    labels: dict[int, str]              # import number → « n° 3 — suivi_2025.xlsx (12/03/2026 10:04) »
    actifs: dict[int, bool]             # import number → still counted (not rolled back)
    fichiers: dict[int, str]            # import number → its file name


def when(ts) -> str:
    """A store timestamp as `31/12/2025 14:05`; empty when there is none."""
    return "" if ts is None or pd.isna(ts) else ts.strftime("%d/%m/%Y %H:%M")


def history(frame: pd.DataFrame) -> HistoryView:
    """The history table (`store.history`'s frame) as read on the page."""
    table = pd.DataFrame({
        "N°": frame["batch_id"],
        "Date": frame["date"].map(when),
        "Fichier": frame["fichier"],
        "Années": frame["annees"],
        "Importé par": frame["utilisateur"].replace("", "—"),
        "Nouvelles": frame["nouveaux"].map(fmt.nombre),
        "Modifiées": frame["modifies"].map(fmt.nombre),
        "Inchangées": frame["inchanges"].map(fmt.nombre),
        "Ignorées": frame["ignores"].map(fmt.nombre),
        "État": [("actif" if a else f"annulé le {when(t)}") + (" · démonstration" if d else "")
                 for a, t, d in zip(frame["actif"], frame["annule_le"], frame["demo"], strict=True)],
    })
    ids = [int(b) for b in frame["batch_id"]]
    return HistoryView(
        table=table,
        labels={i: f"n° {i} — {f} ({when(d)})" for i, f, d in zip(ids, frame["fichier"], frame["date"], strict=True)},
        actifs={i: bool(a) for i, a in zip(ids, frame["actif"], strict=True)},
        fichiers=dict(zip(ids, frame["fichier"], strict=True)),
    )


def value_text(v, objet: str, champ: str, unite: str) -> str:
    """A stored value as staff typed it: oui/non, 45 %, 12 000 €, 31/12/2025, 0,5 ETP; `—` when empty.
    `unite` is the indicator's unit (ignored for an action's fields)."""
    if v is None or (not isinstance(v, str) and pd.isna(v)):
        return "—"
    if isinstance(v, pd.Timestamp):
        return fmt.jour(v)
    if isinstance(v, int | float):
        unite = unite if objet == "Indicateur" and champ in ("Résultat", "Objectif") else ""
        if unite == "oui/non":
            return "oui" if v >= 0.5 else "non"
        if unite == "%":
            return fmt.pct(v, 1)
        if unite == "€" or champ == "Dépenses (€)":
            return fmt.euros(v)
        if champ == "ETP":
            return fmt.etp(v)
        return fmt.nombre(v, 2)
    return str(v)


def changes(plan: Plan, frame: pd.DataFrame) -> pd.DataFrame:
    """What one import changed (`store.batch_changes`'s frame), each value before and after in its
    unit; an indicator the plan no longer has is read as a plain number."""
    units = dict(zip(plan.indicateurs["indicateur_id"].astype(str), plan.indicateurs["unite"], strict=True))

    def texts(column: str) -> list[str]:
        return [value_text(v, o, f, units.get(str(c), "nombre"))
                for v, o, c, f in zip(frame[column], frame["objet"], frame["cle"], frame["champ"], strict=True)]

    return pd.DataFrame({
        "Objet": frame["objet"], "Indicateur / action": frame["cle"], "Année": frame["annee"].astype(str),
        "Valeur": frame["champ"], "Avant": texts("avant"), "Après": texts("apres"), "Changement": frame["etat"],
    })
