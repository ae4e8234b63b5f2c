"""Columns added to a table that already exists in a store created by an earlier version.

`create_all` creates the missing tables only; a column added later to one of the store's tables
(say the account that made an import) is added here by `ALTER TABLE … ADD COLUMN`, so an existing
store keeps its data and gains the column. Only nullable columns can be added this way: the rows
already there get no value (NULL), which every reader treats as "not recorded".

A table added later whose rows can be derived from what the store already holds is filled once, in
the transaction that creates it (`fill_new_tables`): the journal of the plan's current versions gets,
for each stored version, the last time it became current (the earlier times were never recorded).
"""

from __future__ import annotations

import sqlalchemy as sa

from dashboard.base.tables import plan_courantes, plan_versions


def add_missing_columns(conn: sa.Connection, metadata: sa.MetaData) -> list[str]:
    """Add to each existing table of `metadata` its missing (nullable) columns; `table.column` added."""
    inspector = sa.inspect(conn)
    added = []
    for table in metadata.sorted_tables:
        if not inspector.has_table(table.name):
            continue
        present = {c["name"] for c in inspector.get_columns(table.name)}
        for column in table.columns:
            if column.name in present:
                continue
            if not column.nullable:
                raise RuntimeError(f"colonne {table.name}.{column.name} non nulle : une migration est nécessaire")
            definition = sa.schema.CreateColumn(column).compile(dialect=conn.dialect)
            conn.execute(sa.text(f"ALTER TABLE {conn.dialect.identifier_preparer.format_table(table)} "
                                 f"ADD COLUMN {definition}"))
            added.append(f"{table.name}.{column.name}")
    return added


def fill_new_tables(conn: sa.Connection, existed: set[str], created: set[str]) -> list[str]:
    """Fill the tables just `created` from those that `existed` before; the tables filled."""
    filled = []
    if plan_courantes.name in created and plan_versions.name in existed:
        rows = conn.execute(sa.select(plan_versions.c.id, plan_versions.c.made_current_at,
                                      plan_versions.c.made_current_by).where(
            plan_versions.c.made_current_at.is_not(None)).order_by(plan_versions.c.made_current_at)).all()
        if rows:
            conn.execute(plan_courantes.insert(), [{"version_id": r.id, "le": r.made_current_at,
                                                     "par": r.made_current_by or ""} for r in rows])
            filled.append(plan_courantes.name)
    return filled
