"""The comité's meetings kept in the store (`base.tables.comites`): the day of each, entered on the comité
page or recorded when the deck is exported or presented, so that « depuis le dernier comité » knows
since when. Several records of one day are one meeting (a deck exported twice that morning).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from dashboard.base.database import writing
from dashboard.base.tables import comites

ORIGINES = ("saisie", "export", "présentation")


@dataclass(frozen=True)
class Comite:
    """A meeting: its day, how it was recorded (saisie / export / présentation), when and by whom (UTC)."""

    date: date
    origine: str
    enregistre_le: datetime
    par: str


def enregistrer(engine: Engine, jour: date, origine: str = "saisie", par: str = "") -> Comite:
    """Record that the comité met (or meets) on `jour`; the record. ValueError for an unknown origine."""
    if origine not in ORIGINES:
        raise ValueError(f"origine inconnue : {origine} ({', '.join(ORIGINES)})")
    now = datetime.now(UTC).replace(tzinfo=None)
    with writing(engine) as conn:
        conn.execute(comites.insert().values(date=jour, origine=origine, enregistre_le=now, par=(par or "")[:100]))
    return Comite(jour, origine, now, par or "")


def liste(engine: Engine) -> list[Comite]:
    """Every record, the latest meeting first."""
    with engine.connect() as conn:
        rows = conn.execute(sa.select(comites).order_by(comites.c.date.desc(), comites.c.id.desc())).all()
    return [Comite(r.date, r.origine, r.enregistre_le, r.par or "") for r in rows]


def dernier(engine: Engine, avant: date | None = None) -> date | None:
    """The day of the latest meeting (strictly before `avant` when given: the previous comité of a
    meeting held that day); None when none is recorded."""
    q = sa.select(sa.func.max(comites.c.date))
    if avant is not None:
        q = q.where(comites.c.date < avant)
    with engine.connect() as conn:
        return conn.execute(q).scalar()
