"""What changed between two days (« depuis le dernier comité »), from the plan and the follow-up as they
stood on each: actions that became late, imports made, plan versions made current, indicators whose
value moved. Pure functions of tables; reading the store as of a day is the caller's.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import pandas as pd

from dashboard.metrics.calendar import late_actions
from dashboard.plan import Plan

PARIS = "Europe/Paris"
RETARD_COLUMNS = ["action_id", "axe", "titre", "porteur", "retard_mois"]
IMPORT_COLUMNS = ["batch_id", "date", "fichier", "porteur", "utilisateur", "valeurs"]
INDICATEUR_COLUMNS = ["indicateur_id", "action_id", "indicateur", "annee", "avant", "apres"]


def _empty(columns: list[str]) -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype="object") for c in columns})


@dataclass(frozen=True)
class Depuis:
    """Changes from the end of `depuis` to the end of `au` (days, Europe/Paris).

    nouveaux_retards: actions late on `au` that were not on `depuis` (RETARD_COLUMNS, most overdue first);
    imports: the imports made in between and still in force on `au` (IMPORT_COLUMNS; valeurs: new,
    changed and removed values); revisions: (version id, label, day) of each version made current in
    between; indicateurs: each indicator result (per year) that changed (INDICATEUR_COLUMNS; avant
    None: a first value)."""

    depuis: date
    au: date
    nouveaux_retards: pd.DataFrame = field(default_factory=lambda: _empty(RETARD_COLUMNS))
    imports: pd.DataFrame = field(default_factory=lambda: _empty(IMPORT_COLUMNS))
    revisions: tuple[tuple[int, str, date], ...] = ()
    indicateurs: pd.DataFrame = field(default_factory=lambda: _empty(INDICATEUR_COLUMNS))

    @property
    def vide(self) -> bool:
        return (self.nouveaux_retards.empty and self.imports.empty and not self.revisions
                and self.indicateurs.empty)


def _local_day(values) -> pd.Series:
    return pd.to_datetime(pd.Series(values), utc=True).dt.tz_convert(PARIS).dt.date


def _between(days: pd.Series, depuis: date, au: date) -> pd.Series:
    return (days > depuis) & (days <= au)


def nouveaux_retards(plan_avant: Plan, statuts_avant, plan: Plan, statuts, depuis: date, au: date) -> pd.DataFrame:
    """Actions late on `au` (plan and statuses of then) that were not late on `depuis` (those of then)."""
    now = late_actions(plan, statuts, pd.Timestamp(au))
    before = late_actions(plan_avant, statuts_avant, pd.Timestamp(depuis))
    new = now[~now["action_id"].isin(set(before["action_id"]))]
    return new[RETARD_COLUMNS].reset_index(drop=True)


def imports_entre(imports: pd.DataFrame, depuis: date, au: date) -> pd.DataFrame:
    """The imports (rows of `store.history`, in force on `au`) made after `depuis` up to `au`."""
    if imports.empty:
        return _empty(IMPORT_COLUMNS)
    made = imports[_between(_local_day(imports["date"]).to_numpy(), depuis, au)]
    counted = made["nouveaux"].fillna(0) + made["modifies"].fillna(0) + made["retires"].fillna(0)
    out = made.assign(valeurs=counted.astype(int))
    return out[IMPORT_COLUMNS].sort_values("batch_id").reset_index(drop=True)


def revisions_entre(journal: list[tuple[int, str, object]], depuis: date, au: date) -> tuple[tuple[int, str, date], ...]:
    """(id, label, day) of each version made current after `depuis` up to `au`; `journal`: (id, label,
    instant, UTC naive or aware) of every time a version became current, oldest first. Its first entry,
    the voted plan (the first version stored) becoming current at installation, is no revision."""
    out = []
    first = min((int(vid) for vid, _, _ in journal), default=None)
    for i, (vid, label, instant) in enumerate(journal):
        day = _local_day([instant]).iloc[0]
        if i == 0 and int(vid) == first:
            continue
        if depuis < day <= au:
            out.append((int(vid), label, day))
    return tuple(out)


def indicateurs_bouges(plan: Plan, avant: pd.DataFrame | None, apres: pd.DataFrame | None) -> pd.DataFrame:
    """Each indicator result (per year) that differs between the two follow-ups' `indicateurs`."""
    cols = ["indicateur_id", "annee", "resultat"]
    if apres is None or apres.empty:
        return _empty(INDICATEUR_COLUMNS)
    a = apres[cols].rename(columns={"resultat": "apres"})
    b = (avant[cols] if avant is not None and not avant.empty else _empty(cols)).rename(columns={"resultat": "avant"})
    m = a.merge(b.astype({"annee": "int64"}) if len(b) else b, on=["indicateur_id", "annee"], how="left")
    same = (m["avant"] == m["apres"]) | (m["avant"].isna() & m["apres"].isna())
    m = m[~same]
    info = plan.indicateurs[["indicateur_id", "action_id", "indicateur"]]
    m = m.merge(info, on="indicateur_id", how="left")
    m["avant"] = m["avant"].astype(object).where(m["avant"].notna(), None)
    return m[INDICATEUR_COLUMNS].sort_values(["indicateur_id", "annee"]).reset_index(drop=True)


def depuis(plan_avant: Plan, suivi_avant, plan: Plan, suivi, imports: pd.DataFrame,
           journal: list[tuple[int, str, object]], jour: date, au: date) -> Depuis:
    """What changed from the end of `jour` to the end of `au`: the plans and follow-ups (`Suivi`) as they
    stood on each day, the imports in force on `au` (`store.history` rows) and the journal of the plan's
    current versions (id, label, instant)."""
    return Depuis(
        jour, au,
        nouveaux_retards(plan_avant, getattr(suivi_avant, "statuts", None), plan, getattr(suivi, "statuts", None),
                         jour, au),
        imports_entre(imports, jour, au),
        revisions_entre(journal, jour, au),
        indicateurs_bouges(plan, getattr(suivi_avant, "indicateurs", None), getattr(suivi, "indicateurs", None)),
    )
