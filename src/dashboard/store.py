"""Follow-up store on SQLAlchemy: import batches, values, history, rollback.

Read side used by every page: `load_suivi(engine) -> Suivi`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

INDICATEUR_COLUMNS = ["indicateur_id", "annee", "resultat", "objectif", "commentaire", "source"]
STATUT_COLUMNS = ["action_id", "annee", "statut", "debut_reel", "fin_reelle", "fin_revisee", "commentaire"]
REALISE_COLUMNS = ["action_id", "annee", "depenses", "etp"]


def _empty(columns: list[str]) -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype="object") for c in columns})


@dataclass(frozen=True)
class Suivi:
    """The current follow-up values (those of the latest active batch).

    indicateurs: indicateur_id (str), annee (int), resultat (float), objectif (float),
                 commentaire (str), source (str) — one row per indicator and year.
    statuts:     action_id (int), annee (int: year of the file it came from), statut (str),
                 debut_reel, fin_reelle, fin_revisee (Timestamp / NaT), commentaire (str)
                 — one row per action: its latest known status.
    realise:     action_id (int), annee (int), depenses (float €), etp (float) — per action and year.
    demo:        True while the demonstration data is what the store holds.
    """

    indicateurs: pd.DataFrame = field(default_factory=lambda: _empty(INDICATEUR_COLUMNS))
    statuts: pd.DataFrame = field(default_factory=lambda: _empty(STATUT_COLUMNS))
    realise: pd.DataFrame = field(default_factory=lambda: _empty(REALISE_COLUMNS))
    demo: bool = False

    @property
    def empty(self) -> bool:
        return self.indicateurs.empty and self.statuts.empty and self.realise.empty
