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


_SQL: dict[tuple[str, str], str] = {}


def _sql(engine: Engine) -> str:
    """_QUERY in this database's SQL, written once per dialect (its only parameters are constants)."""
    dialect = (engine.dialect.name, engine.dialect.driver)
    if dialect not in _SQL:
        _SQL[dialect] = str(_QUERY.compile(dialect=engine.dialect, compile_kwargs={"literal_binds": True}))
    return _SQL[dialect]


def lire(engine: Engine) -> Etat:
    """The values in one query (scalar subqueries, portable to SQLite and PostgreSQL). Raises what the
    database raises, e.g. when the account table does not exist yet: the caller then asks each function
    on its own.

    The statement goes straight to a pooled connection: one SELECT reads one consistent state without
    the transaction SQLAlchemy would open and close around it (SQLite: one statement instead of three;
    PostgreSQL: psycopg's BEGIN and the pool's ROLLBACK remain; 0.6 ms less of the page's thread
    either way). The text goes as it is, without parameters: it has none."""
    conn = engine.raw_connection()
    try:
        cursor = conn.cursor()
        try:
            cursor.execute(_sql(engine))
            version, dernier, actifs, n_comptes, derniere = cursor.fetchone()
        finally:
            cursor.close()
    finally:
        conn.close()  # back to the pool
    return Etat(None if version is None else int(version), (int(dernier or 0), int(actifs or 0)),
                int(n_comptes or 0), None if derniere is None else int(derniere))
