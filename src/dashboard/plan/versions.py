"""Versions of the plan kept in the store (the same database as the follow-up).

Each version keeps its workbook (bytes and sha256), a label ("Plan voté le 16/02/2023",
"Révision mi-parcours 2025"…), who uploaded it and when; exactly one is current. On first start the
shipped workbook becomes version 1. A revision is validated exactly like `validate-plan` (nothing is
stored when it has a problem), compared with the current version, then stored and made current.
Any earlier version can be made current again.

The only writes are `import_version` and `use_version` (both take the `auteur`); they run under the
store's write lock (`base.database.writing`), so two processes never make two versions current.
Every process reads the current version's id (one cheap query) and loads the workbook once per id.
How a revision compares with the current version is `revision`, above the plan and the metrics.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from dashboard import fmt
from dashboard.base import database
from dashboard.base.tables import plan_courantes, plan_versions
from dashboard.plan.load import DEFAULT_PLAN_PATH, load_plan_bytes
from dashboard.plan.schema import Plan, PlanError, Problem

log = logging.getLogger("dashboard")

# The shipped workbook is the plan voted by the conseil communautaire: délibération D2023_28 of
# 16 February 2023 (act 032-200066926-20230216-D2023_28-DE, sent to the préfecture on 21/02/2023).
SHIPPED_LABEL = "Plan voté le 16/02/2023"
SHIPPED_AUTHOR = "installation"

metadata = plan_versions.metadata  # the versions' table only, created beside the store's


class VersionError(Exception):
    """A refused operation on the plan's versions: a French message; `problems` for an invalid workbook."""

    def __init__(self, message: str, problems: list[Problem] | None = None):
        super().__init__(message)
        self.problems = problems or []


@dataclass(frozen=True)
class Version:
    """One stored version (without its workbook). Dates in Europe/Paris time."""

    id: int
    label: str
    file_name: str
    sha256: str
    size: int
    created_at: pd.Timestamp
    user_name: str
    current: bool
    made_current_at: pd.Timestamp | None
    made_current_by: str

    def as_dict(self) -> dict:
        """JSON-ready (plan history --json)."""
        return {"version": self.id, "libelle": self.label, "fichier": self.file_name, "sha256": self.sha256,
                "taille": self.size, "date": self.created_at.isoformat(), "auteur": self.user_name,
                "courante": self.current,
                "courante_depuis": self.made_current_at.isoformat() if self.made_current_at is not None else None,
                "rendue_courante_par": self.made_current_by}


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def _local(ts) -> pd.Timestamp | None:
    if ts is None or pd.isna(ts):
        return None
    return pd.Timestamp(ts).tz_localize("UTC").tz_convert("Europe/Paris")


def _version(r) -> Version:
    return Version(int(r.id), r.label, r.file_name, r.sha256, int(r.size), _local(r.created_at), r.user_name or "",
                   bool(r.is_current), _local(r.made_current_at), r.made_current_by or "")


_INFO = [c for c in plan_versions.c if c.name != "content"]


# --- schema and first start ------------------------------------------------------------------

def ensure_schema(engine: Engine) -> Engine:
    """The store's tables and the versions' table (idempotent)."""
    return database.ensure_schema(engine, metadata)


def open_engine(url: str | None = None) -> Engine:
    """database.open_engine, with the versions' table (raises database.StoreUnavailable, in French)."""
    engine = database.open_engine(url)
    url = url or database.default_url()
    try:
        return ensure_schema(engine)
    except Exception as exc:
        log.info("table des versions du plan impossible à créer : %s", database.shown_url(url), exc_info=True)
        raise database.open_problem(url, exc) from exc


def ensure_first_version(engine: Engine, path: str | Path = DEFAULT_PLAN_PATH, label: str = SHIPPED_LABEL,
                         auteur: str = SHIPPED_AUTHOR) -> int | None:
    """On first start (no version stored), the shipped workbook becomes version 1, current; its id.

    None when versions already exist. Raises PlanError if the shipped workbook is missing or invalid."""
    with engine.connect() as conn:
        if conn.execute(sa.select(sa.func.count()).select_from(plan_versions)).scalar():
            return None
    path = Path(path)
    if not path.is_file():
        raise PlanError([Problem(str(path), None, None, "le classeur du plan livré est introuvable : il devait "
                                 "devenir la première version du plan.")])
    data = path.read_bytes()
    load_plan_bytes(data, path.name)  # never store a plan that does not load
    with database.writing(engine) as conn:  # another process may have done it meanwhile
        if conn.execute(sa.select(sa.func.count()).select_from(plan_versions)).scalar():
            return None
        return _insert(conn, data, path.name, label, auteur, current=True)


def _insert(conn, data: bytes, file_name: str, label: str, auteur: str, *, current: bool) -> int:
    now = _now()
    if current:
        conn.execute(plan_versions.update().where(plan_versions.c.is_current.is_(True)).values(is_current=False))
    vid = int(conn.execute(plan_versions.insert().values(
        label=label, file_name=file_name, sha256=hashlib.sha256(data).hexdigest(), size=len(data), content=data,
        created_at=now, user_name=auteur or "", is_current=current, made_current_at=now if current else None,
        made_current_by=(auteur or "") if current else "",
    )).inserted_primary_key[0])
    if current:
        conn.execute(plan_courantes.insert().values(version_id=vid, le=now, par=auteur or ""))
    return vid


# --- reading ---------------------------------------------------------------------------------

# The id of the current version (dashboard.etat reads it with the store's other states).
CURRENT_ID = sa.select(sa.func.max(plan_versions.c.id)).where(plan_versions.c.is_current.is_(True))


def current_id(engine: Engine) -> int | None:
    """The id of the current version (one cheap query; what caches key on), None when none is stored."""
    with engine.connect() as conn:
        return conn.execute(CURRENT_ID).scalar()


def history(engine: Engine) -> list[Version]:
    """Every version, the latest first."""
    with engine.connect() as conn:
        rows = conn.execute(sa.select(*_INFO).order_by(plan_versions.c.id.desc())).all()
    return [_version(r) for r in rows]


def get(engine: Engine, version_id: int) -> Version:
    """One version; VersionError (French) when there is no such version."""
    with engine.connect() as conn:
        row = conn.execute(sa.select(*_INFO).where(plan_versions.c.id == int(version_id))).first()
    if row is None:
        raise VersionError(f"la version n° {version_id} du plan n'existe pas : consultez l'historique "
                           "(python -m dashboard plan history).")
    return _version(row)


def workbook(engine: Engine, version_id: int) -> bytes:
    """The workbook of a version, as uploaded."""
    get(engine, version_id)
    with engine.connect() as conn:
        return bytes(conn.execute(sa.select(plan_versions.c.content).where(
            plan_versions.c.id == int(version_id))).scalar_one())


def version_key(version: Version) -> str:
    """A plan version's identity for caches and for Plan.version."""
    return f"version {version.id} · {version.sha256}"


def load_version(engine: Engine, version_id: int) -> Plan:
    """The Plan of a stored version (validated when it was stored; read again the same way)."""
    v = get(engine, version_id)
    return load_plan_bytes(workbook(engine, version_id), v.file_name, version=version_key(v))


@lru_cache(maxsize=8)
def _cached_plan(url: str, version_id: int, _engine) -> Plan:  # (url, id): a version never changes
    return load_version(_engine, version_id)


def current_plan(engine: Engine) -> Plan:
    """The current version's Plan (the shipped workbook stored first if the store has none yet), loaded
    once per process and version: a version imported by another process is seen at the next call."""
    ensure_first_version(engine)
    vid = current_id(engine)
    if vid is None:
        raise VersionError("aucune version du plan n'est courante : rendez-en une courante "
                           "(python -m dashboard plan use N).")
    return _cached_plan(engine.url.render_as_string(hide_password=False), int(vid), engine)


def journal(engine: Engine) -> list[tuple[int, datetime]]:
    """(version id, when it became current, UTC) for every time a version became current, oldest first."""
    with engine.connect() as conn:
        rows = conn.execute(sa.select(plan_courantes.c.version_id, plan_courantes.c.le).order_by(
            plan_courantes.c.le, plan_courantes.c.id)).all()
    return [(int(r.version_id), r.le) for r in rows]


def in_force(entries: list[tuple[int, datetime]], instant: datetime, first: int | None) -> int | None:
    """The version in force at `instant` (UTC) from the journal of `entries`: the last one made current
    at or before it. Before any entry, `first` (the voted plan, stored first): it was the plan until a
    revision replaced it, even before the store recorded it."""
    before = [vid for vid, le in entries if le <= instant]
    return before[-1] if before else first


def version_at(engine: Engine, instant: datetime) -> int | None:
    """The id of the version in force at `instant` (UTC); None when no version is stored."""
    ensure_first_version(engine)
    return in_force(journal(engine), instant, reference_id(engine))


def plan_at(engine: Engine, instant: datetime) -> Plan:
    """The Plan in force at `instant` (UTC), loaded once per process and version like `current_plan`."""
    vid = version_at(engine, instant)
    if vid is None:
        raise VersionError("aucune version du plan n'est enregistrée.")
    return _cached_plan(engine.url.render_as_string(hide_password=False), int(vid), engine)


def reference_id(engine: Engine) -> int | None:
    """The voted plan: the first version stored (None when none)."""
    with engine.connect() as conn:
        return conn.execute(sa.select(sa.func.min(plan_versions.c.id))).scalar()


# --- import of a revision and rollback ---------------------------------------------------------

def check_workbook(data: bytes, file_name: str) -> tuple[Plan | None, list[Problem]]:
    """The validation of `validate-plan` on an uploaded workbook: (plan, []) or (None, every problem)."""
    try:
        return load_plan_bytes(data, file_name), []
    except PlanError as err:
        return None, list(err.problems)


def import_version(engine: Engine, data: bytes, *, file_name: str, label: str, auteur: str) -> int:
    """Store a revised workbook as a new version and make it current; its id.

    Validated again here (VersionError with every problem: nothing stored); the label is required."""
    label = " ".join(str(label or "").split())
    if not label:
        raise VersionError("donnez un libellé à cette version (par exemple « Révision mi-parcours 2025 ») : "
                           "rien n'a été enregistré.")
    if len(label) > 200:
        raise VersionError("le libellé dépasse 200 caractères : raccourcissez-le. Rien n'a été enregistré.")
    _, problems = check_workbook(data, file_name)
    if problems:
        raise VersionError(f"le classeur « {fmt.cite(file_name)} » a {len(problems)} problème(s) : rien n'a été "
                           "enregistré.",
                           problems)
    ensure_first_version(engine)
    with database.writing(engine) as conn:
        return _insert(conn, data, file_name, label, auteur, current=True)


def use_version(engine: Engine, version_id: int, *, auteur: str) -> Version:
    """Make an earlier (or later) version current again; the version. VersionError if it does not exist."""
    with database.writing(engine) as conn:
        row = conn.execute(sa.select(plan_versions.c.id, plan_versions.c.is_current).where(
            plan_versions.c.id == int(version_id))).first()
        if row is None:
            raise VersionError(f"la version n° {version_id} du plan n'existe pas : consultez l'historique "
                               "(python -m dashboard plan history).")
        if not row.is_current:
            now = _now()
            conn.execute(plan_versions.update().where(plan_versions.c.is_current.is_(True)).values(is_current=False))
            conn.execute(plan_versions.update().where(plan_versions.c.id == int(version_id)).values(
                is_current=True, made_current_at=now, made_current_by=auteur or ""))
            conn.execute(plan_courantes.insert().values(version_id=int(version_id), le=now, par=auteur or ""))
    return get(engine, version_id)
