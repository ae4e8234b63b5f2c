"""« Situation au JJ/MM/AAAA » of the pilotage pages: the day of the latest import whose values are
shown, and the plan version in force (pure, no streamlit)."""

from __future__ import annotations

import pandas as pd

from dashboard import fmt


def derniere_date(origines: pd.DataFrame | None):
    """The day of the latest import that gives a value shown (the follow-up's `origines`); None when
    no value comes from an import."""
    if origines is None or origines.empty or "importe_le" not in origines.columns:
        return None
    dates = pd.to_datetime(origines["importe_le"], errors="coerce", utc=True).dropna()
    return None if dates.empty else dates.max().tz_convert("Europe/Paris")


def situation(origines: pd.DataFrame | None, version: str, demo: bool = False) -> str:
    """One line: « Situation au 06/12/2026 (dernier import du suivi en vigueur) · plan : version 2,
    « Révision de juin » », or the plan alone when nothing has been imported. `version`: how the plan
    in force is named (see `version_text`)."""
    day = derniere_date(origines)
    if day is None:
        head = "Situation : aucun import du suivi en vigueur, chiffres du plan seuls"
    else:
        head = f"Situation au {fmt.jour(day)} (dernier import du suivi en vigueur"
        head += ", données de démonstration)" if demo else ")"
    return f"{head} · plan : {version}"


def version_text(version_id: int | None, label: str | None, file_name: str | None = None) -> str:
    """The plan in force in words: « version 2, « Révision de juin » », or its workbook's file name when
    it is read from a file."""
    if version_id is None:
        return f"classeur « {file_name} »" if file_name else "classeur livré"
    return f"version {int(version_id)}" + (f", « {label} »" if label else "")
