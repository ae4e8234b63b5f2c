"""Follow-up store on SQLAlchemy: import batches, values, history, rollback.

Read side used by every page: `load_suivi(engine) -> Suivi`. Where the store lives and how it is
opened is `database`, its tables `tables` (both reached through this module); the upload's whole
flow (read, check, count, write) is `importer`.

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
from dataclasses import dataclass, field
from datetime import UTC, datetime

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from dashboard.suivi.database import (
    DEFAULT_URL,
    StoreError,
    StoreUnavailable,
    configure,
    default_url,
    ensure_schema,
    open_engine,
    open_problem,
    prepare_url,
    readonly_problem,
    shown_url,
    sqlite_file,
    with_driver,
    write_problem,
    writing,
)
from dashboard.suivi.tables import (
    DATE_FIELDS,
    FLOAT_FIELDS,
    INDICATEUR_COLUMNS,
    KINDS,
    REALISE_COLUMNS,
    STATUT_COLUMNS,
    batches,
    ind_values,
    metadata,
    realise_values,
    statut_values,
)

# The store's public surface, the connection (`database`) and the tables (`tables`) included: the
# rest of the app reads and writes the follow-up through this one module.
__all__ = [
    "CHANGE_COLUMNS", "DATE_FIELDS", "DEFAULT_URL", "FLOAT_FIELDS", "HISTORY_COLUMNS", "INDICATEUR_COLUMNS",
    "KINDS", "REALISE_COLUMNS", "STATUT_COLUMNS", "apply", "apply_counted", "batch_changes", "batches", "configure",
    "Counts", "deactivate_demo", "default_url", "diff", "ensure_schema", "history",
    "ind_values", "load_suivi", "metadata", "open_engine", "open_problem", "prepare_url",
    "readonly_problem", "realise_values", "remove_demo_batches", "rollback", "shown_url", "sqlite_file",
    "state_key", "statut_values", "StoreError", "StoreUnavailable", "Suivi", "with_driver", "write_problem",
    "writing",
]

log = logging.getLogger("dashboard")


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


# The store's state (dashboard.etat reads it with the plan's version and the accounts).
LATEST_BATCH = sa.func.max(batches.c.id)
ACTIVE_BATCHES = sa.func.sum(sa.case((batches.c.active.is_(True), 1), else_=0))  # portable (no FILTER clause)


def state_key(engine: Engine) -> tuple[int, int]:
    """Changes after every import or rollback: (latest batch id, number of active batches)."""
    with engine.connect() as conn:
        row = conn.execute(sa.select(LATEST_BATCH, ACTIVE_BATCHES)).one()
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
