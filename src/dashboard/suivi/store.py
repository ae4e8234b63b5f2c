"""Follow-up store on SQLAlchemy: import batches, values, history, rollback.

Read side used by every page: `load_suivi(engine) -> Suivi`.

Every import is a batch; every value references its batch. The current value of a field is the
one of the latest *active* batch that gave it (a blank cell gives nothing: the earlier value
stays). A rollback deactivates a batch: what was there before comes back, later batches stay.
`apply` writes a whole file in one transaction: all or nothing. Every write (import, rollback,
demo removal) runs in `writing(engine)`: one transaction holding the store's write lock, so the
diff, the counts and the write of an import see the same store and the counts recorded in the
history are the ones told to the user, even when two imports run at the same moment.
"""

from __future__ import annotations

import logging
import os
import tomllib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from dashboard.suivi import migrations

log = logging.getLogger("dashboard")

INDICATEUR_COLUMNS = ["indicateur_id", "annee", "resultat", "objectif", "commentaire", "source",
                      "date_resultat", "date_objectif"]
STATUT_COLUMNS = ["action_id", "annee", "statut", "debut_reel", "fin_reelle", "fin_revisee", "commentaire"]
REALISE_COLUMNS = ["action_id", "annee", "depenses", "etp"]


def _empty(columns: list[str]) -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype="object") for c in columns})


@dataclass(frozen=True)
class Suivi:
    """The current follow-up values (those of the latest active batch).

    indicateurs: indicateur_id (str), annee (int), resultat (float), objectif (float),
                 commentaire (str), source (str) — one row per indicator and year;
                 date_resultat, date_objectif (Timestamp / NaT): the value of `date` indicators
                 (their resultat is then 1.0 = reached); `oui/non` indicators: 1.0 oui, 0.0 non;
                 `%` indicators in percent (45.0 = 45 %).
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


# ---------------------------------------------------------------------------------------------
# Write side: batches, values, history, rollback (SQLAlchemy 2, any URL; SQLite by default)
# ---------------------------------------------------------------------------------------------

DEFAULT_URL = "sqlite:///data/suivi.sqlite"

metadata = sa.MetaData()

batches = sa.Table(
    "suivi_imports", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("file_name", sa.String(255), nullable=False),
    sa.Column("sha256", sa.String(64), nullable=False, index=True),
    sa.Column("annees", sa.String(200), nullable=False, default=""),
    sa.Column("created_at", sa.DateTime, nullable=False),  # UTC
    sa.Column("user_name", sa.String(100), nullable=False, default=""),
    sa.Column("n_new", sa.Integer, nullable=False, default=0),
    sa.Column("n_changed", sa.Integer, nullable=False, default=0),
    sa.Column("n_unchanged", sa.Integer, nullable=False, default=0),
    sa.Column("n_ignored", sa.Integer, nullable=False, default=0),
    sa.Column("active", sa.Boolean, nullable=False, default=True),
    sa.Column("demo", sa.Boolean, nullable=False, default=False),
    sa.Column("rolled_back_at", sa.DateTime, nullable=True),  # UTC
    # the signed-in account (login) that imported / rolled back; NULL without accounts (added to older stores)
    sa.Column("compte", sa.String(60), nullable=True),
    sa.Column("annule_par", sa.String(60), nullable=True),
)


def _values_table(name: str, keys: list[sa.Column], fields: list[sa.Column]) -> sa.Table:
    return sa.Table(
        name, metadata,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("batch_id", sa.Integer, sa.ForeignKey("suivi_imports.id"), nullable=False, index=True),
        *keys, *fields,
        sa.Index(f"ix_{name}_key", *[k.name for k in keys]),
    )


ind_values = _values_table(
    "suivi_indicateurs",
    [sa.Column("indicateur_id", sa.String(40), nullable=False), sa.Column("annee", sa.Integer, nullable=False)],
    [sa.Column("resultat", sa.Float), sa.Column("objectif", sa.Float), sa.Column("date_resultat", sa.Date),
     sa.Column("date_objectif", sa.Date), sa.Column("commentaire", sa.Text), sa.Column("source", sa.Text)],
)
statut_values = _values_table(
    "suivi_statuts",
    [sa.Column("action_id", sa.Integer, nullable=False), sa.Column("annee", sa.Integer, nullable=False)],
    [sa.Column("statut", sa.String(40)), sa.Column("debut_reel", sa.Date), sa.Column("fin_reelle", sa.Date),
     sa.Column("fin_revisee", sa.Date), sa.Column("commentaire", sa.Text)],
)
realise_values = _values_table(
    "suivi_realise",
    [sa.Column("action_id", sa.Integer, nullable=False), sa.Column("annee", sa.Integer, nullable=False)],
    [sa.Column("depenses", sa.Float), sa.Column("etp", sa.Float)],
)

# kind -> (table, key columns, value fields, French label of the kind)
KINDS = {
    "indicateurs": (ind_values, ["indicateur_id", "annee"],
                    ["resultat", "objectif", "date_resultat", "date_objectif", "commentaire", "source"],
                    "Indicateur"),
    "statuts": (statut_values, ["action_id", "annee"],
                ["statut", "debut_reel", "fin_reelle", "fin_revisee", "commentaire"], "Avancement"),
    "realise": (realise_values, ["action_id", "annee"], ["depenses", "etp"], "Réalisé"),
}
DATE_FIELDS = {"date_resultat", "date_objectif", "debut_reel", "fin_reelle", "fin_revisee"}
FLOAT_FIELDS = {"resultat", "objectif", "depenses", "etp"}


class StoreError(Exception):
    """A store operation refused, with a French message saying why and what to do."""


@dataclass(frozen=True)
class Counts:
    """What importing a report would do, value by value (a value = one non-blank imported cell)."""

    new: int = 0
    changed: int = 0
    unchanged: int = 0
    ignored: int = 0
    same_file: int | None = None  # id of an active batch with the same sha256, if any

    @property
    def nothing_to_do(self) -> bool:
        return self.new == 0 and self.changed == 0

    def as_dict(self) -> dict:
        return {"nouveaux": self.new, "modifies": self.changed, "inchanges": self.unchanged,
                "ignores": self.ignored}


# --- engine ----------------------------------------------------------------------------------

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
                    for md in (metadata, *more):
                        md.create_all(conn)
                        migrations.add_missing_columns(conn, md)  # columns added since the store was created
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


# --- reading ---------------------------------------------------------------------------------

def _frame(rows, columns: list[str]) -> pd.DataFrame:
    df = pd.DataFrame([tuple(r) for r in rows], columns=columns)
    for c in columns:
        if c in DATE_FIELDS:
            df[c] = pd.to_datetime(df[c])
        elif c in FLOAT_FIELDS:
            df[c] = df[c].astype(float)
        elif c in ("annee", "action_id", "batch_id"):
            df[c] = df[c].astype("int64")
    return df


def _values(conn, kind: str, *, batch_id: int | None = None, before: int | None = None,
            active_only: bool = True, real_only: bool = False) -> pd.DataFrame:
    """Raw value rows of one kind, with their batch id, ordered by batch (real_only: no demo batch)."""
    table, keys, fields, _ = KINDS[kind]
    q = sa.select(table.c.batch_id, *[table.c[k] for k in keys + fields]).join(
        batches, batches.c.id == table.c.batch_id)
    if active_only:
        q = q.where(batches.c.active.is_(True))
    if real_only:
        q = q.where(batches.c.demo.is_(False))
    if batch_id is not None:
        q = q.where(table.c.batch_id == batch_id)
    if before is not None:
        q = q.where(table.c.batch_id < before)
    q = q.order_by(table.c.batch_id, table.c.id)
    return _frame(conn.execute(q).all(), ["batch_id", *keys, *fields])


def _current(conn, kind: str, *, before: int | None = None, real_only: bool = False) -> pd.DataFrame:
    """Current value of each field per key: that of the latest active batch which gave one."""
    _, keys, fields, _ = KINDS[kind]
    raw = _values(conn, kind, before=before, real_only=real_only)
    if raw.empty:
        return raw.drop(columns="batch_id")
    return raw.groupby(keys, sort=True, as_index=False)[fields].last()  # last non-null per field


def load_suivi(engine: Engine) -> Suivi:
    """The current follow-up values (what every page shows)."""
    with engine.connect() as conn:
        ind = _current(conn, "indicateurs")
        st = _values(conn, "statuts")
        real = _current(conn, "realise")
        demo = bool(conn.execute(sa.select(sa.func.count()).select_from(batches).where(
            batches.c.active.is_(True), batches.c.demo.is_(True))).scalar())
    if not ind.empty:
        reached = ind["resultat"].isna() & ind["date_resultat"].notna()
        ind.loc[reached, "resultat"] = 1.0
    ind = ind.reindex(columns=INDICATEUR_COLUMNS).reset_index(drop=True)
    if not st.empty:  # one row per action: its latest status, each field the latest known
        st = st.sort_values(["annee", "batch_id"], kind="stable").groupby("action_id", as_index=False)[
            ["annee", "statut", "debut_reel", "fin_reelle", "fin_revisee", "commentaire"]].last()
    st = st.reindex(columns=STATUT_COLUMNS).reset_index(drop=True)
    real = real.reindex(columns=REALISE_COLUMNS).reset_index(drop=True)
    if ind.empty and st.empty and real.empty:
        return Suivi(demo=demo)
    return Suivi(indicateurs=ind, statuts=st, realise=real, demo=demo)


def state_key(engine: Engine) -> tuple[int, int]:
    """Changes after every import or rollback: (latest batch id, number of active batches)."""
    with engine.connect() as conn:
        row = conn.execute(sa.select(sa.func.max(batches.c.id), sa.func.sum(
            sa.case((batches.c.active.is_(True), 1), else_=0)))).one()  # portable (no FILTER clause)
    return int(row[0] or 0), int(row[1] or 0)


# --- diff --------------------------------------------------------------------------------------

def _report_frame(report, kind: str) -> pd.DataFrame:
    _, keys, fields, _ = KINDS[kind]
    df = getattr(report, kind)
    return df.reindex(columns=keys + fields)


def _same(a, b) -> bool:
    if isinstance(a, int | float) and isinstance(b, int | float):
        return abs(float(a) - float(b)) <= 1e-9 * max(1.0, abs(float(a)), abs(float(b)))
    if isinstance(a, pd.Timestamp | datetime) or isinstance(b, pd.Timestamp | datetime):
        return pd.Timestamp(a) == pd.Timestamp(b)
    return a == b


def _long(df: pd.DataFrame, keys: list[str], fields: list[str]) -> pd.DataFrame:
    if df.empty:
        return pd.DataFrame(columns=[*keys, "champ", "valeur"])
    out = df.astype({f: object for f in fields}).melt(id_vars=keys, value_vars=fields, var_name="champ",
                                                      value_name="valeur")
    return out[out["valeur"].notna()]


def _compare(before: pd.DataFrame, after: pd.DataFrame, keys: list[str], fields: list[str]) -> pd.DataFrame:
    """Field by field: each non-blank value of `after` with the value it replaces (avant, NaN = none)."""
    a = _long(after, keys, fields).rename(columns={"valeur": "apres"})
    b = _long(before, keys, fields).rename(columns={"valeur": "avant"})
    a = a.astype({k: object for k in keys})
    b = b.astype({k: object for k in keys})
    m = a.merge(b, on=[*keys, "champ"], how="left")
    m["etat"] = [("nouveau" if pd.isna(av) else "inchangé" if _same(ap, av) else "modifié")
                 for ap, av in zip(m["apres"], m["avant"], strict=True)]
    return m


def _diff(conn, report, real_only: bool = False) -> Counts:
    counts = {"nouveau": 0, "modifié": 0, "inchangé": 0}
    for kind, (_, keys, fields, _) in KINDS.items():
        after = _report_frame(report, kind)
        if after.empty:
            continue
        m = _compare(_current(conn, kind, real_only=real_only), after, keys, fields)
        for etat, n in m["etat"].value_counts().items():
            counts[etat] += int(n)
    same = conn.execute(sa.select(sa.func.max(batches.c.id)).where(
        batches.c.sha256 == report.sha256, batches.c.active.is_(True),
        batches.c.demo.is_(False) if real_only else sa.true())).scalar() if report.sha256 else None
    return Counts(counts["nouveau"], counts["modifié"], counts["inchangé"], int(report.ignored), same)


def diff(engine: Engine, report, *, real_only: bool = False) -> Counts:
    """The dry run: how many values of the report are new, changed, unchanged; how many ignored.

    real_only: counted against the real data alone (the demo batches an import will remove)."""
    with engine.connect() as conn:
        return _diff(conn, report, real_only)


# --- writing -----------------------------------------------------------------------------------

def _records(df: pd.DataFrame, keys: list[str], fields: list[str], batch_id: int) -> list[dict]:
    """Rows to insert: plain Python values, None for blanks (column-wise, fast on big files)."""
    cols = {"batch_id": [batch_id] * len(df)}
    for k in keys + fields:
        s = df[k]
        if k in DATE_FIELDS:
            s = pd.to_datetime(s)
            cols[k] = [None if pd.isna(v) else v.date() for v in s]
        elif k in FLOAT_FIELDS:
            cols[k] = [None if v != v else float(v) for v in s.astype(float)]
        elif k in ("annee", "action_id"):
            cols[k] = [int(v) for v in s]
        else:
            cols[k] = [None if v is None or (not isinstance(v, str) and pd.isna(v)) else str(v) for v in s]
    names = list(cols)
    return [dict(zip(names, values, strict=True)) for values in zip(*cols.values(), strict=True)]


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def apply(engine: Engine, report, file_name: str | None = None, sha256: str | None = None,
          user: str | None = None, *, demo: bool = False, replace_demo: bool = False,
          compte: str | None = None) -> int | None:
    """Import a checked report as one batch, in ONE transaction (all or nothing).

    Returns the new batch id, or None when the file changes nothing (then no batch is created:
    it was already imported). Raises StoreError if the report has problems.
    replace_demo: real data; the demonstration batches are deleted in the same transaction and
    the counts are those against the real data alone.
    """
    return apply_counted(engine, report, file_name, sha256, user, demo=demo, replace_demo=replace_demo,
                         compte=compte)[0]


def apply_counted(engine: Engine, report, file_name: str | None = None, sha256: str | None = None,
                  user: str | None = None, *, demo: bool = False,
                  replace_demo: bool = False, compte: str | None = None) -> tuple[int | None, Counts]:
    """`apply`, and the counts it recorded: diffed, counted and written under the store's write lock."""
    if report.problems:
        raise StoreError(f"le fichier contient {len(report.problems)} problème(s) : rien n'a été importé. "
                         "Corrigez-les puis recommencez.")
    with writing(engine) as conn:
        counts = _diff(conn, report, replace_demo)
        if counts.nothing_to_do:
            return None, counts
        if replace_demo:
            remove_demo_batches(conn)
        batch_id = conn.execute(batches.insert().values(
            file_name=file_name or report.file_name, sha256=sha256 or report.sha256,
            annees=",".join(str(y) for y in report.annees), created_at=_now(), user_name=user or "",
            n_new=counts.new, n_changed=counts.changed, n_unchanged=counts.unchanged, n_ignored=counts.ignored,
            active=True, demo=demo, compte=compte or None,
        )).inserted_primary_key[0]
        for kind, (table, keys, fields, _) in KINDS.items():
            df = _report_frame(report, kind)
            if not df.empty:
                conn.execute(table.insert(), _records(df, keys, fields, batch_id))
    return int(batch_id), counts


def rollback(engine: Engine, batch_id: int, par: str | None = None) -> None:
    """Undo one import: its values stop counting, what was there before comes back; later imports stay."""
    with writing(engine) as conn:
        row = conn.execute(sa.select(batches.c.active).where(batches.c.id == batch_id)).first()
        if row is None:
            raise StoreError(f"l'import n° {batch_id} n'existe pas : consultez l'historique des imports.")
        if not row.active:
            raise StoreError(f"l'import n° {batch_id} est déjà annulé.")
        conn.execute(batches.update().where(batches.c.id == batch_id).values(active=False, rolled_back_at=_now(),
                                                                             annule_par=par or None))


def remove_demo_batches(conn) -> int:
    """Delete every demonstration batch and its values, inside the caller's transaction; how many.

    Real data never sits beside the demo: a real import calls this in its own transaction."""
    ids = list(conn.execute(sa.select(batches.c.id).where(batches.c.demo.is_(True))).scalars())
    if ids:
        for table, *_ in KINDS.values():
            conn.execute(table.delete().where(table.c.batch_id.in_(ids)))
        conn.execute(batches.delete().where(batches.c.id.in_(ids)))
    return len(ids)


def deactivate_demo(engine: Engine) -> list[int]:
    """Roll back every active demonstration batch; their ids."""
    with writing(engine) as conn:
        ids = list(conn.execute(sa.select(batches.c.id).where(batches.c.active.is_(True),
                                                              batches.c.demo.is_(True))).scalars())
        if ids:
            conn.execute(batches.update().where(batches.c.id.in_(ids)).values(active=False, rolled_back_at=_now()))
    return ids


HISTORY_COLUMNS = ["batch_id", "fichier", "annees", "date", "utilisateur", "nouveaux", "modifies", "inchanges",
                   "ignores", "actif", "demo", "annule_le", "sha256", "compte", "annule_par"]


def _local(ts) -> pd.Timestamp:
    if ts is None or pd.isna(ts):
        return pd.NaT
    return pd.Timestamp(ts).tz_localize("UTC").tz_convert("Europe/Paris")


def history(engine: Engine) -> pd.DataFrame:
    """Every import, latest first: HISTORY_COLUMNS (date / annule_le in Europe/Paris time)."""
    with engine.connect() as conn:
        rows = conn.execute(sa.select(batches).order_by(batches.c.id.desc())).all()
    return pd.DataFrame(
        [(r.id, r.file_name, r.annees.replace(",", ", "), _local(r.created_at), r.user_name, r.n_new, r.n_changed,
          r.n_unchanged, r.n_ignored, bool(r.active), bool(r.demo), _local(r.rolled_back_at), r.sha256,
          r.compte or "", r.annule_par or "")
         for r in rows], columns=HISTORY_COLUMNS)


CHANGE_COLUMNS = ["objet", "cle", "annee", "champ", "avant", "apres", "etat"]


def batch_changes(engine: Engine, batch_id: int) -> pd.DataFrame:
    """What one import changed, value by value: objet, cle, annee, champ (French), avant, apres, etat.

    `avant` is the value that was current just before the import (earlier active imports);
    unchanged values are left out.
    """
    out = []
    with engine.connect() as conn:
        if conn.execute(sa.select(batches.c.id).where(batches.c.id == batch_id)).first() is None:
            raise StoreError(f"l'import n° {batch_id} n'existe pas : consultez l'historique des imports.")
        for kind, (_, keys, fields, label) in KINDS.items():
            after = _values(conn, kind, batch_id=batch_id, active_only=False).drop(columns="batch_id")
            if after.empty:
                continue
            m = _compare(_current(conn, kind, before=batch_id), after, keys, fields)
            m = m[m["etat"] != "inchangé"]
            if m.empty:
                continue
            out.append(pd.DataFrame({"objet": label, "cle": m[keys[0]].astype(str), "annee": m["annee"].astype(int),
                                     "champ": m["champ"].map(lambda f: _FIELD_LABELS.get(f, f)),
                                     "avant": m["avant"], "apres": m["apres"], "etat": m["etat"]}))
    if not out:
        return pd.DataFrame(columns=CHANGE_COLUMNS)
    return pd.concat(out, ignore_index=True)[CHANGE_COLUMNS]


_FIELD_LABELS = {
    "resultat": "Résultat", "objectif": "Objectif", "date_resultat": "Résultat (date)",
    "date_objectif": "Objectif (date)", "commentaire": "Commentaire", "source": "Source",
    "statut": "Statut", "debut_reel": "Début réel", "fin_reelle": "Fin réelle", "fin_revisee": "Fin révisée",
    "depenses": "Dépenses (€)", "etp": "ETP",
}


# --- the import flow shared by the page and the command line -----------------------------------

@dataclass(frozen=True)
class ImportOutcome:
    """One pass of the import flow: the checked report, the dry-run counts, the batch (if written).

    demo: demonstration batches were active; the import removes them (dry run) or removed them.
    warnings_accepted: the user said the report's warnings were checked (else nothing is written).
    """

    report: object  # followup.ImportReport
    counts: Counts | None = None
    batch_id: int | None = None
    dry_run: bool = True
    demo: bool = False
    warnings_accepted: bool = False

    @property
    def ok(self) -> bool:
        return not self.report.problems

    @property
    def needs_acknowledgement(self) -> bool:
        """Warnings the user has not acknowledged: the import would not be written."""
        return bool(self.report.warnings) and not self.warnings_accepted

    def message(self) -> str:
        """What happened, in French (one or two sentences)."""
        r, c = self.report, self.counts
        if r.problems:
            n = len(r.problems)
            return (f"« {r.file_name} » : {n} problème{'s' if n > 1 else ''} à corriger dans le classeur ; "
                    "rien n'a été importé.")
        years = ", ".join(str(y) for y in r.annees)
        figures = (f"{c.new} valeur(s) nouvelle(s), {c.changed} modifiée(s), {c.unchanged} inchangée(s), "
                   f"{c.ignored} ignorée(s)")
        if c.nothing_to_do:
            already = f" (import n° {c.same_file})" if c.same_file else ""
            return (f"« {r.file_name} » ne change rien ({figures}) : il a déjà été importé{already}. "
                    "Aucun nouvel import n'est créé.")
        n_w = len(r.warnings)
        warned = f" ; {n_w} avertissement{'s' if n_w > 1 else ''} à vérifier" if n_w else ""
        if self.batch_id is None and not self.dry_run and self.needs_acknowledgement:
            return (f"« {r.file_name} » : {n_w} avertissement{'s' if n_w > 1 else ''} à vérifier ; rien n'a été "
                    "importé. Vérifiez chaque valeur signalée, corrigez le classeur si besoin, puis confirmez "
                    "que les valeurs sont justes.")
        if self.batch_id is None:
            demo = (" Les données de démonstration seront retirées au moment de l'import, dans la même opération."
                    if self.demo else "")
            return f"Vérification de « {r.file_name} » ({years}) : aucune erreur{warned} ; {figures}.{demo}"
        demo = " Les données de démonstration ont été retirées." if self.demo else ""
        return f"Import n° {self.batch_id} enregistré ({r.file_name}, {years}) : {figures}.{demo}"


def import_workbook(engine: Engine, data, plan, *, file_name: str | None = None, user: str | None = None,
                    dry_run: bool = True, progress=None, accept_warnings: bool = False,
                    compte: str | None = None) -> ImportOutcome:
    """Read, check, count and (unless dry_run, any problem, or unacknowledged warnings) import a workbook.

    The one code path of the page and of `python -m dashboard import`. Real data never sits beside
    the demonstration data: counts are against the real data alone, and the import deletes the
    demo batches in its own transaction.
    """
    from dashboard.suivi import followup  # noqa: PLC0415  (followup is pure; the store depends on it, not back)

    current = load_suivi(engine)
    report = followup.read_followup(data, plan, file_name=file_name, progress=progress,
                                    previous=None if current.demo else current)
    if report.problems:
        return ImportOutcome(report, None, None, dry_run, current.demo, accept_warnings)
    if dry_run or (report.warnings and not accept_warnings):
        return ImportOutcome(report, diff(engine, report, real_only=True), None, dry_run, current.demo,
                             accept_warnings)
    # counted again under the write lock: what another import did meanwhile is taken into account,
    # and the counts told are exactly those recorded in the history
    batch_id, counts = apply_counted(engine, report, file_name=report.file_name, sha256=report.sha256, user=user,
                                     replace_demo=True, compte=compte)
    return ImportOutcome(report, counts, batch_id, dry_run, current.demo, accept_warnings)
