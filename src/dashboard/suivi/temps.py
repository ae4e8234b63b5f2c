"""The store as it stood on a day, and the « situation au » it gives.

A day is read as it was at its end (midnight, Europe/Paris): the imports made later are left out, an
import rolled back later counts as it stood then, and the plan is the version in force then
(`plan.versions.plan_at`). `situation` says, from the history of imports and the plan's version, the
date of the situation (the day of the latest import in force) and its French text, for every page,
slide and file: « Situation au 14/11/2025 · plan version 2 ».

`lire_jour` turns what a person typed (command line, `?au=` of an address) into a day, or a French
message when it is not a date or lies in the future.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pandas as pd
from sqlalchemy.engine import Engine

from dashboard import fmt
from dashboard.plan import versions
from dashboard.suivi.lecture import Suivi, load_suivi
from dashboard.suivi.store import history

PARIS = ZoneInfo("Europe/Paris")


def aujourdhui(maintenant: datetime | None = None) -> date:
    """Today in Europe/Paris (`maintenant`: an aware instant, for tests)."""
    return (maintenant or datetime.now(UTC)).astimezone(PARIS).date()


def fin_du_jour(jour: date) -> datetime:
    """The last instant of `jour` in Europe/Paris, as the store writes its instants (UTC, naive)."""
    minuit = datetime.combine(jour + timedelta(days=1), time(0), tzinfo=PARIS)
    return minuit.astimezone(UTC).replace(tzinfo=None) - timedelta(microseconds=1)


def lire_jour(texte: str | None, aujourd_hui: date | None = None, *, futur: bool = False,
              quoi: str = "Date de situation") -> tuple[date | None, str | None]:
    """(day, None) for `AAAA-MM-JJ` up to today; (None, None) when nothing was given; (None, French
    message naming `quoi`) for anything else, a day in the future included (the store has no state
    there yet) unless `futur` (a meeting to come)."""
    texte = (texte or "").strip()
    if not texte:
        return None, None
    try:
        jour = date.fromisoformat(texte) if re.fullmatch(r"\d{4}-\d{2}-\d{2}", texte) else None
    except ValueError:
        jour = None
    if jour is None:
        return None, f"{quoi} invalide « {fmt.cite(texte)} » : écrivez-la AAAA-MM-JJ (par exemple 2025-06-30)."
    today = aujourd_hui or aujourdhui()
    if jour > today and not futur:
        return None, (f"{quoi} « {texte} » dans le futur : la base n'a pas encore d'état à cette date "
                      f"(aujourd'hui : {fmt.jour(today)}). Donnez une date passée ou celle du jour.")
    return jour, None


# --- « situation au » --------------------------------------------------------------------------

@dataclass(frozen=True)
class Situation:
    """The date of the situation and where it comes from.

    date: the day (Europe/Paris) of the latest import in force, None without any; version: the plan's
    version in force (None for a workbook read from disk); au: the day the store is read as of (None:
    today); demo: the values in force are the demonstration's."""

    date: date | None
    version: int | None
    version_label: str = ""
    au: date | None = None
    demo: bool = False

    @property
    def texte(self) -> str:
        """« Situation au 14/11/2025 · plan version 2 » (« base au 30/06/2025 » when read as of a day)."""
        parts = [f"Situation au {fmt.jour(self.date)}" if self.date else "Aucun suivi importé"]
        parts.append(f"plan version {self.version}" if self.version else "plan lu depuis un fichier")
        if self.au is not None:
            parts.append(f"base telle qu'elle était le {fmt.jour(self.au)}")
        return " · ".join(parts)

    def as_dict(self) -> dict:
        return {"date": self.date.isoformat() if self.date else None, "plan_version": self.version,
                "plan_libelle": self.version_label, "au": self.au.isoformat() if self.au else None,
                "demo": self.demo, "texte": self.texte}


def imports_en_vigueur(imports: pd.DataFrame, au: date | None = None) -> pd.DataFrame:
    """The imports (rows of `store.history`: date and annule_le in Europe/Paris, actif) in force now, or
    at the end of the day `au`: made by then and not rolled back by then."""
    if imports.empty:
        return imports
    if au is None:
        return imports[imports["actif"].astype(bool)]
    fin = pd.Timestamp(fin_du_jour(au)).tz_localize("UTC").tz_convert(PARIS)
    annule = pd.to_datetime(imports["annule_le"], utc=True)
    made = pd.to_datetime(imports["date"], utc=True) <= fin
    standing = imports["actif"].astype(bool) | (annule > fin).fillna(False)
    return imports[made & standing]


def situation(imports: pd.DataFrame, version: tuple[int, str] | None = None, au: date | None = None) -> Situation:
    """The situation from the history of imports (`store.history`) and the plan's version in force
    (id, label; None for a workbook read from disk), now or as of the day `au`."""
    live = imports_en_vigueur(imports, au)
    day = None
    if len(live):
        latest = pd.to_datetime(live["date"], utc=True).max().tz_convert(PARIS)
        day = latest.date()
    demo = bool(len(live)) and bool(live["demo"].astype(bool).any())
    vid, label = version if version else (None, "")
    return Situation(day, vid, label, au, demo)


# --- reading the store as of a day ---------------------------------------------------------------

def suivi_au(engine: Engine, au: date | None = None) -> Suivi:
    """The follow-up values as they stood at the end of `au` (now when None)."""
    return load_suivi(engine, at=None if au is None else fin_du_jour(au))


def plan_au(engine: Engine, au: date | None = None):
    """The plan's version in force at the end of `au` (the current one when None), as a Plan."""
    return versions.current_plan(engine) if au is None else versions.plan_at(engine, fin_du_jour(au))


def version_au(engine: Engine, au: date | None = None) -> tuple[int, str] | None:
    """(id, label) of the plan's version in force at the end of `au` (now when None); None without any."""
    vid = versions.current_id(engine) if au is None else versions.version_at(engine, fin_du_jour(au))
    return None if vid is None else (int(vid), versions.get(engine, vid).label)


def lire_situation(engine: Engine, au: date | None = None, plan=None) -> Situation:
    """The situation of the store at `engine` (now, or as of `au`). `plan`: the plan shown; one read from
    a file (no stored version) is said so instead of the store's version."""
    version = version_au(engine, au) if plan is None or getattr(plan, "version", "") else None
    return situation(history(engine), version, au)
