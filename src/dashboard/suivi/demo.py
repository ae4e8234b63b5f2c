"""Demonstration data: the follow-up workbooks of `data/demo/`, imported on first start, removable.

The demo files go through the same code path as a staff upload (followup.read_followup, then
store.apply) and are flagged `demo` in the store. Removing them deletes the demo batches and
their values and leaves a marker, so that the next start does not import them again.
"""

from __future__ import annotations

import logging
import os
import re
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from dashboard.plan import Plan
from dashboard.suivi import store

log = logging.getLogger("dashboard")

DEMO_DIR = Path("data/demo")
DEMO_USER = "démonstration"
DEMO_REMOVED = "demo_retiree"

# Settings of the store (one row per key); kept apart from store.metadata's tables.
_meta = sa.MetaData()
reglages = sa.Table(
    "suivi_reglages", _meta,
    sa.Column("cle", sa.String(60), primary_key=True),
    sa.Column("valeur", sa.String(200), nullable=False, default=""),
)


class DemoError(Exception):
    """The demonstration files could not be imported (French message)."""


def enabled(environ=None) -> bool:
    """Demo import on first start, unless DASHBOARD_DEMO=0."""
    return (environ if environ is not None else os.environ).get("DASHBOARD_DEMO", "1").strip() != "0"


def demo_files(folder: Path = DEMO_DIR) -> list[Path]:
    return sorted(Path(folder).glob("suivi_*.xlsx"))


def demo_years(folder: Path = DEMO_DIR) -> list[int]:
    """The years of the demo workbooks (from their names, suivi_<année>.xlsx)."""
    return [int(m.group(1)) for f in demo_files(folder) if (m := re.search(r"(\d{4})", f.stem))]


def _ensure(engine: Engine) -> None:
    store.ensure_schema(engine, _meta)


def removed(engine: Engine) -> bool:
    """True once the demonstration data has been removed (it never comes back by itself)."""
    _ensure(engine)
    with engine.connect() as conn:
        return conn.execute(sa.select(reglages.c.cle).where(reglages.c.cle == DEMO_REMOVED)).first() is not None


def should_load(engine: Engine) -> bool:
    """First start: the store has never had an import and the demo was never removed."""
    _ensure(engine)
    with engine.connect() as conn:
        n = conn.execute(sa.select(sa.func.count()).select_from(store.batches)).scalar()
    return not n and not removed(engine)


def load(engine: Engine, plan: Plan, folder: Path = DEMO_DIR) -> list[int]:
    """Import every demo workbook as a demo batch (same path as an upload); the new batch ids.

    Checks every file first: if one has a problem, nothing is imported (DemoError)."""
    files = demo_files(folder)
    if not files:
        raise DemoError(f"aucun classeur de démonstration dans « {folder} » : lancez `make demo`.")
    from dashboard.suivi import followup  # noqa: PLC0415

    reports = [followup.read_followup(f, plan) for f in files]
    bad = [(f, r) for f, r in zip(files, reports, strict=True) if r.problems]
    if bad:
        f, r = bad[0]
        raise DemoError(f"le classeur de démonstration « {f.name} » ne correspond pas au plan "
                        f"({len(r.problems)} problème(s), ex. {r.problems[0].message()}) : régénérez-le avec `make demo`.")
    ids = []
    for f, r in zip(files, reports, strict=True):
        batch = store.apply(engine, r, file_name=f.name, user=DEMO_USER, demo=True)
        if batch is not None:
            ids.append(batch)
    return ids


def load_if_first_start(engine: Engine, plan: Plan, environ=None) -> list[int]:
    """The first-start rule: import the demo when enabled and the store is new; else nothing."""
    if not enabled(environ) or not should_load(engine):
        return []
    return load(engine, plan)


def remove(engine: Engine) -> int:
    """Delete every demo batch and its values, and remember it (one transaction); the number of batches."""
    _ensure(engine)
    with store.writing(engine) as conn:  # the store's write lock, like an import
        n = store.remove_demo_batches(conn)
        if conn.execute(sa.select(reglages.c.cle).where(reglages.c.cle == DEMO_REMOVED)).first() is None:
            conn.execute(reglages.insert().values(cle=DEMO_REMOVED, valeur=datetime.now(UTC).isoformat()))
    log.info("données de démonstration retirées (%d import(s))", n)
    return n
