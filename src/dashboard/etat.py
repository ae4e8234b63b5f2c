"""What every page's caches key on, read from the store in one query: the plan version in force (and
the latest stored one), the follow-up store's state (latest import, number of active imports) and the
number of accounts.

A page asks for these on each run (plan.versions.current_id, suivi.store.state_key,
acces.comptes.nombre_de_comptes: one query each). Read together they cost one round trip; each
value is the one its own function would return.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from dashboard.acces import comptes
from dashboard.plan import versions
from dashboard.suivi import store


@dataclass(frozen=True)
class Etat:
    plan_version: int | None   # versions.current_id: None while no version is stored
    suivi: tuple[int, int]     # store.state_key: (latest import id, number of active imports)
    comptes: int               # comptes.nombre_de_comptes
    derniere_version: int | None = None  # the latest stored version (a return to an older one keeps it)


# Built once from each module's own statement: the same query every run (building it each time cost
# more than running it).
_QUERY = sa.select(
    versions.CURRENT_ID.scalar_subquery(),
    sa.select(store.LATEST_BATCH).scalar_subquery(),
    sa.select(store.ACTIVE_BATCHES).scalar_subquery(),
    comptes.COUNT.scalar_subquery(),
    sa.select(sa.func.max(versions.plan_versions.c.id)).scalar_subquery(),
)


def lire(engine: Engine) -> Etat:
    """The three values in one query (scalar subqueries, portable to SQLite and PostgreSQL). Raises
    what the database raises, e.g. when the account table does not exist yet: the caller then asks
    each function on its own."""
    with engine.connect() as conn:
        version, dernier, actifs, n_comptes, derniere = conn.execute(_QUERY).one()
    return Etat(None if version is None else int(version), (int(dernier or 0), int(actifs or 0)),
                int(n_comptes or 0), None if derniere is None else int(derniere))
