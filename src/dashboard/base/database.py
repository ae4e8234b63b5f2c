"""Where the store (the follow-up, the plan's versions, the accounts) lives and how to open it: the URL (DASHBOARD_DB, the secrets file, else a
SQLite file beside the app), the engine set up for concurrent writers (SQLite's immediate
transactions and busy timeout, PostgreSQL's advisory lock), the tables created on first start, and
the French message a user reads when the store cannot be opened, read or written.

Every write of any module runs in `writing(engine)`: one transaction holding the store's write lock.
"""

from __future__ import annotations

import logging
import os
import tomllib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from dashboard.base import migrations
from dashboard.base.tables import batches, metadata

log = logging.getLogger("dashboard")


class StoreError(Exception):
    """A store operation refused, with a French message saying why and what to do."""

DEFAULT_URL = "sqlite:///data/suivi.sqlite"


def default_url(secrets_path: str | Path = ".streamlit/secrets.toml") -> str:
    """DASHBOARD_DB, else [connections.suivi] of .streamlit/secrets.toml, else data/suivi.sqlite."""
    url = os.environ.get("DASHBOARD_DB")
    if url:
        return url
    try:
        section = tomllib.loads(Path(secrets_path).read_text("utf-8")).get("connections", {}).get("suivi", {})
    except (OSError, tomllib.TOMLDecodeError):
        section = {}
    if section.get("url"):
        return str(section["url"])
    if section.get("dialect"):
        driver = section["dialect"] + (f"+{section['driver']}" if section.get("driver") else "")
        return sa.URL.create(driver, username=section.get("username"), password=section.get("password"),
                             host=section.get("host"), port=section.get("port"),
                             database=section.get("database")).render_as_string(hide_password=False)
    return DEFAULT_URL


def sqlite_file(url: str) -> Path | None:
    """The file of a SQLite store (also written as a `file:…?mode=ro&uri=true` URI); None otherwise."""
    try:
        u = sa.make_url(url)
    except sa.exc.ArgumentError:
        return None
    if u.get_backend_name() != "sqlite" or not u.database or u.database == ":memory:":
        return None
    db = u.database
    if db.startswith("file:"):  # SQLite URI filename: file:/path/suivi.sqlite (query kept in the URL)
        db = db[len("file:"):].split("?", 1)[0]
        if not db or db == ":memory:" or "mode=memory" in url:
            return None
    return Path(db)


def with_driver(url: str) -> str:
    """`postgresql://…` means psycopg 3 (the driver we install), not SQLAlchemy's default psycopg2."""
    if url.startswith(("postgresql://", "postgres://")):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


def prepare_url(url: str) -> str:
    """For a SQLite file, create its folder (the store is created on first start); PostgreSQL: psycopg 3."""
    url = with_driver(url)
    path = sqlite_file(url)
    if path is not None and "mode=ro" not in url:
        path.parent.mkdir(parents=True, exist_ok=True)
    return url


class StoreUnavailable(StoreError):
    """The store cannot be opened, or cannot be written: one plain French message saying which store,
    what is wrong and what to check. `usage`: the address itself is malformed."""

    def __init__(self, message: str, *, usage: bool = False, readable: bool = False):
        super().__init__(message)
        self.usage = usage
        self.readable = readable  # opened and read, only writing is impossible


def shown_url(url) -> str:
    """The store's address as shown to people: never its password (a SQLite address as written)."""
    text = url.render_as_string(hide_password=False) if isinstance(url, sa.URL) else str(url)
    if text.startswith("sqlite"):
        return text.replace("file%3A", "file:")
    try:
        return sa.make_url(text).render_as_string(hide_password=True)
    except sa.exc.ArgumentError:
        return text


def _where_to_look(url) -> str:
    path = sqlite_file(str(url) if not isinstance(url, sa.URL) else url.render_as_string(hide_password=False))
    if path is not None:
        return (f"vérifiez que le dossier « {path.parent} » existe (ou peut être créé) et que l'application a le "
                f"droit d'écrire dans ce dossier et dans le fichier « {path.name} », ou changez l'adresse "
                "DASHBOARD_DB")
    return ("vérifiez l'adresse DASHBOARD_DB (ou [connections.suivi] de .streamlit/secrets.toml), que le serveur "
            "de base de données répond et que son utilisateur a le droit d'écrire dans les tables du suivi")


def open_problem(url, exc: BaseException) -> StoreUnavailable:
    """Why the store at `url` cannot be opened, in French (the exception itself goes to the log)."""
    if isinstance(exc, sa.exc.ArgumentError) and not isinstance(exc, sa.exc.NoSuchModuleError):
        return StoreUnavailable(f"L'adresse de la base du suivi « {shown_url(url)} » n'est pas reconnue : écrivez-la "
                                "comme sqlite:///data/suivi.sqlite ou postgresql://utilisateur@serveur/base "
                                "(option --db ou variable DASHBOARD_DB).", usage=True)
    if isinstance(exc, sa.exc.NoSuchModuleError | ModuleNotFoundError):
        return StoreUnavailable(f"La base du suivi « {shown_url(url)} » ne peut pas être ouverte : ce type de base "
                                "n'est pas pris en charge ici (pilote absent). Vérifiez l'adresse DASHBOARD_DB "
                                "ou l'option --db.", usage=False)
    what = "son dossier ne peut pas être créé" if isinstance(exc, OSError) else "elle est introuvable ou inaccessible"
    return StoreUnavailable(f"La base du suivi « {shown_url(url)} » ne peut pas être ouverte ({what}) : "
                            f"{_where_to_look(url)}. Si besoin, demandez-le à la personne qui a installé le "
                            "tableau de bord.")


def readonly_problem(url) -> StoreUnavailable:
    """The store at `url` can be read but not written, in French."""
    return StoreUnavailable(f"La base du suivi « {shown_url(url)} » ne peut pas être modifiée (lecture seule) : "
                            "les pages affichent les données déjà importées, mais aucun import ni aucune annulation "
                            f"n'est possible. Pour importer, {_where_to_look(url)} ; sinon demandez-le à la personne "
                            "qui a installé le tableau de bord.", readable=True)


def write_problem(engine: Engine) -> StoreUnavailable | None:
    """None when the store can be written; else why not (French). A real write, rolled back.

    SQLite: a table created and dropped by ROLLBACK (it needs the journal beside the file, so a
    read-only file or folder shows up); a store busy with another import is writable. Other
    databases: an UPDATE of no row, which checks the rights and a read-only server."""
    try:
        if engine.dialect.name == "sqlite":
            raw = engine.raw_connection()
            try:
                dbapi = raw.driver_connection
                dbapi.execute("PRAGMA busy_timeout = 200")
                try:
                    dbapi.execute("BEGIN IMMEDIATE")
                    dbapi.execute("CREATE TABLE _ecriture_possible (x INTEGER)")
                except Exception as exc:
                    if "locked" in str(exc) or "busy" in str(exc):
                        return None  # another import is writing: the store is writable
                    raise
                finally:
                    if dbapi.in_transaction:
                        dbapi.execute("ROLLBACK")
                    dbapi.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_MS}")
            finally:
                raw.close()
        else:
            with engine.connect() as conn:
                with conn.begin() as trans:
                    conn.execute(batches.update().where(sa.false()).values(id=batches.c.id))
                    trans.rollback()
    except Exception:
        # the cause in the log only (INFO: never printed on the terminal of the command line)
        log.info("base du suivi non modifiable : %s", shown_url(engine.url), exc_info=True)
        return readonly_problem(engine.url)
    return None


SQLITE_BUSY_MS = 30_000  # how long a writer waits for another one before giving up


LOCK_KEY = 0x5D7A_2023  # PostgreSQL advisory lock of the store's writers (any constant, the same everywhere)


def _sqlite_begin(conn) -> None:
    """Emit SQLite's BEGIN ourselves: pysqlite's own implicit BEGIN comes only before the first write
    (the reads of a transaction would see another writer's commit) and cannot be IMMEDIATE."""
    dbapi = conn.connection.driver_connection
    if dbapi.isolation_level is not None:  # pysqlite: no implicit BEGIN / COMMIT of its own
        dbapi.isolation_level = None
        dbapi.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_MS}")
    mode = "IMMEDIATE" if conn.get_execution_options().get("store_write") else "DEFERRED"
    conn.exec_driver_sql(f"BEGIN {mode}")


def configure(engine: Engine) -> Engine:
    """Make `writing` lock on this engine (SQLite: transactions begun by us; idempotent)."""
    if engine.dialect.name == "sqlite" and engine.dialect.driver == "pysqlite" and not sa.event.contains(
            engine, "begin", _sqlite_begin):
        sa.event.listen(engine, "begin", _sqlite_begin)
    return engine


@contextmanager
def writing(engine: Engine) -> Iterator[sa.Connection]:
    """One write transaction holding the store's write lock until it commits (or rolls back).

    SQLite: BEGIN IMMEDIATE (a second writer waits, up to SQLITE_BUSY_MS); PostgreSQL: a
    transaction-level advisory lock. Readers are never blocked."""
    configure(engine)
    with engine.connect() as conn:
        conn.execution_options(store_write=True)
        with conn.begin():
            if engine.dialect.name == "postgresql":
                conn.execute(sa.text("SELECT pg_advisory_xact_lock(:k)"), {"k": LOCK_KEY})
            yield conn


SCHEMA_LOCK_KEY = 0x5D7A_0001  # PostgreSQL advisory lock held while creating tables (any constant)


def ensure_schema(engine: Engine, *more: sa.MetaData) -> Engine:
    """Create the store's tables (and those of `more`) when missing (idempotent).

    Several app processes may start at once on a new store and race to create the same tables:
    on PostgreSQL they take turns (an advisory lock for the transaction); on SQLite, whose DDL
    takes no lock before it writes, a process that lost the race to another one's CREATE TABLE
    checks again (each lost race means one more table exists: a bounded number of passes)."""
    configure(engine)
    tables = sum(len(md.tables) for md in (metadata, *more))
    for attempt in range(tables + 1):
        try:
            with engine.connect() as conn:
                conn.execution_options(store_write=True)  # a writer's transaction where the engine has one
                with conn.begin():
                    if engine.dialect.name == "postgresql":
                        conn.execute(sa.text("SELECT pg_advisory_xact_lock(:k)"), {"k": SCHEMA_LOCK_KEY})
                    existed = set(sa.inspect(conn).get_table_names())
                    for md in (metadata, *more):
                        md.create_all(conn)
                        migrations.add_missing_columns(conn, md)  # columns added since the store was created
                    created = {t for md in (metadata, *more) for t in md.tables} - existed
                    migrations.fill_new_tables(conn, existed, created)  # new tables derived from older ones
            return engine
        except sa.exc.OperationalError as err:
            if attempt == tables or ("already exists" not in str(err) and "duplicate column" not in str(err)):
                raise


def open_engine(url: str | None = None) -> Engine:
    """An engine on `url` (default: `default_url()`), tables created if needed.

    Raises StoreUnavailable (French message) when the store cannot be opened or created."""
    url = url or default_url()
    try:
        return ensure_schema(sa.create_engine(prepare_url(url)))
    except Exception as exc:
        log.info("base du suivi impossible à ouvrir : %s", shown_url(url), exc_info=True)
        raise open_problem(url, exc) from exc
