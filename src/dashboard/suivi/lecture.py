"""The follow-up store read back: the values in force (those of the latest active import that gave
each one, a value removed by « effacer » hiding the earlier ones), the import each value came from
and who provided it. Read side of `store`, which re-exports what the rest of the app uses.

`at` (an instant, UTC) reads the store as it stood then: the imports made after it left out, an import
rolled back after it counted as it was then.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from dashboard.base.tables import (
    DATE_FIELDS,
    FLOAT_FIELDS,
    INDICATEUR_COLUMNS,
    KINDS,
    REALISE_COLUMNS,
    STATUT_COLUMNS,
    batches,
)
from dashboard.suivi.merge import CLEARED

ORIGIN_COLUMNS = ["objet", "cle", "annee", "champ", "batch_id", "porteur", "compte", "utilisateur", "importe_le",
                  "fichier"]


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
    # which import gave each current value: objet (indicateurs / statuts / realise), cle, annee, champ,
    # batch_id, porteur, compte, utilisateur, importe_le, fichier (statuts: the action's shown value)
    origines: pd.DataFrame = field(default_factory=lambda: _empty(ORIGIN_COLUMNS))

    @property
    def empty(self) -> bool:
        return self.indicateurs.empty and self.statuts.empty and self.realise.empty


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


def in_force(at: datetime | None = None) -> sa.ColumnElement:
    """SQL: the imports in force now, or at the instant `at` (UTC): made by then, not rolled back by then."""
    if at is None:
        return batches.c.active.is_(True)
    return sa.and_(batches.c.created_at <= at,
                   sa.or_(batches.c.active.is_(True), batches.c.rolled_back_at > at))


def values(conn, kind: str, *, batch_id: int | None = None, before: int | None = None,
           active_only: bool = True, real_only: bool = False, at: datetime | None = None) -> pd.DataFrame:
    """Raw value rows of one kind, with their batch id, ordered by batch (real_only: no demo batch;
    `at`: the imports in force at that instant instead of now).

    A field a row removes (« effacer ») holds CLEARED: it hides the earlier values of that field."""
    table, keys, fields, _ = KINDS[kind]
    q = sa.select(table.c.batch_id, *[table.c[k] for k in keys + fields], table.c.effaces).join(
        batches, batches.c.id == table.c.batch_id)
    if active_only:
        q = q.where(in_force(at))
    if real_only:
        q = q.where(batches.c.demo.is_(False))
    if batch_id is not None:
        q = q.where(table.c.batch_id == batch_id)
    if before is not None:
        q = q.where(table.c.batch_id < before)
    q = q.order_by(table.c.batch_id, table.c.id)
    raw = _frame(conn.execute(q).all(), ["batch_id", *keys, *fields, "effaces"])
    return _mark_cleared(raw, fields)


def _mark_cleared(raw: pd.DataFrame, fields: list[str]) -> pd.DataFrame:
    """The `effaces` column turned into CLEARED in the fields it names (then dropped)."""
    removed = raw.pop("effaces")
    if removed.notna().any():
        raw = raw.astype({f: object for f in fields})
        for i, text in removed.dropna().items():
            for f in str(text).split(","):
                if f in fields:
                    raw.at[i, f] = CLEARED
    return raw


def _uncleared(df: pd.DataFrame, fields: list[str]) -> pd.DataFrame:
    """CLEARED values read as blanks again, the fields typed back; rows left without any value dropped."""
    marked = [f for f in fields if df[f].dtype == object and any(v is CLEARED for v in df[f])]
    if not marked:
        return df
    df = df.copy()
    for f in marked:
        col = df[f].map(lambda v: None if v is CLEARED else v)
        df[f] = (col.astype(float) if f in FLOAT_FIELDS else pd.to_datetime(col) if f in DATE_FIELDS
                 else col)
    return df[df[fields].notna().any(axis=1)]


def _latest(raw: pd.DataFrame, kind: str) -> pd.DataFrame:
    """Current value of each field per key: that of the latest active batch which gave one."""
    _, keys, fields, _ = KINDS[kind]
    if raw.empty:
        return raw.drop(columns="batch_id")
    return _uncleared(raw.groupby(keys, sort=True, as_index=False)[fields].last(), fields)  # last non-null


def _origins(raw: pd.DataFrame, kind: str) -> pd.DataFrame:
    """Which import gave each current value: objet, cle, annee, champ, batch_id (statuts: per action)."""
    _, keys, fields, _ = KINDS[kind]
    cols = ["objet", "cle", "annee", "champ", "batch_id"]
    if raw.empty:
        return pd.DataFrame(columns=cols)
    if kind == "statuts":  # one row per action, each field its latest year's (as load_suivi)
        raw = raw.sort_values(["annee", "batch_id"], kind="stable")
    parts = []
    for f in fields:  # field by field (no melt: dates would all be turned into objects)
        col = raw[f]
        given = raw.loc[col.notna().to_numpy(), [*keys, "batch_id"]].assign(champ=f, removed=False)
        if col.dtype == object and len(given):
            given["removed"] = [v is CLEARED for v in col[given.index]]
        parts.append(given)
    long = pd.concat(parts, ignore_index=True)
    long = long.drop_duplicates(["action_id", "champ"] if kind == "statuts" else [*keys, "champ"], keep="last")
    long = long[~long["removed"].astype(bool)]  # a removed value has no origin
    return pd.DataFrame({"objet": kind, "cle": long[keys[0]].astype(str).to_numpy(),
                         "annee": long["annee"].astype(int).to_numpy(), "champ": long["champ"].to_numpy(),
                         "batch_id": long["batch_id"].astype(int).to_numpy()}, columns=cols)


def load_suivi(engine: Engine, *, real_only: bool = False, at: datetime | None = None) -> Suivi:
    """The current follow-up values (what every page shows), with the import each value came from;
    `at` (UTC): the values as they stood at that instant."""
    with engine.connect() as conn:
        return load(conn, real_only, at=at)


def demo_active(engine: Engine) -> bool:
    """The demonstration data is what the store holds (an active demo batch)."""
    with engine.connect() as conn:
        return _demo(conn)


def _demo(conn, at: datetime | None = None) -> bool:
    return bool(conn.execute(sa.select(sa.func.count()).select_from(batches).where(
        in_force(at), batches.c.demo.is_(True))).scalar())


def load(conn, real_only: bool = False, before: int | None = None, at: datetime | None = None) -> Suivi:
    raws = {kind: values(conn, kind, real_only=real_only, before=before, at=at) for kind in KINDS}
    demo = False if real_only else _demo(conn, at)
    origins = pd.concat([_origins(raw, kind) for kind, raw in raws.items()], ignore_index=True)
    if len(origins):
        info = _batch_info(conn, set(origins["batch_id"]))
        origins = origins.merge(info, on="batch_id", how="left")
    else:
        origins = origins.reindex(columns=[*origins.columns, *ORIGIN_INFO])

    ind, real = _latest(raws["indicateurs"], "indicateurs"), _latest(raws["realise"], "realise")
    st = raws["statuts"]
    if not ind.empty:
        reached = ind["resultat"].isna() & ind["date_resultat"].notna()
        ind.loc[reached, "resultat"] = 1.0
    ind = ind.reindex(columns=INDICATEUR_COLUMNS).reset_index(drop=True)
    if not ind.empty:
        ind["renseigne_par"], ind["renseigne_le"] = _who_gave_results(ind, origins)
    if not st.empty:  # one row per action: its latest status, each field the latest known
        fields = ["statut", "debut_reel", "fin_reelle", "fin_revisee", "commentaire"]
        st = _uncleared(st.sort_values(["annee", "batch_id"], kind="stable").groupby("action_id", as_index=False)[
            ["annee", *fields]].last(), fields)
    st = st.reindex(columns=STATUT_COLUMNS).reset_index(drop=True)
    real = real.reindex(columns=REALISE_COLUMNS).reset_index(drop=True)
    if ind.empty and st.empty and real.empty:
        return Suivi(demo=demo)
    return Suivi(indicateurs=ind, statuts=st, realise=real, demo=demo, origines=origins)


ORIGIN_INFO = ["porteur", "compte", "utilisateur", "importe_le", "fichier"]


def _who_gave_results(ind: pd.DataFrame, origins: pd.DataFrame) -> tuple[list, list]:
    """For each indicator row: who provided its result (« porteur (personne) ») and when it was imported."""
    res = origins[(origins["objet"] == "indicateurs") & origins["champ"].isin(["resultat", "date_resultat"])]
    res = res.assign(cle=res["cle"].astype(str).str.upper(), annee=res["annee"].astype(int)).drop_duplicates(
        ["cle", "annee"], keep="last")
    keys = pd.DataFrame({"cle": ind["indicateur_id"].astype(str).str.upper(), "annee": ind["annee"].astype(int)})
    m = keys.merge(res, on=["cle", "annee"], how="left")
    person = m["utilisateur"].where(m["utilisateur"].fillna("") != "", m["compte"]).fillna("")
    porteur = m["porteur"].fillna("")
    who = [(f"{p} ({x})" if p and x else p or x) or None for p, x in zip(porteur, person, strict=True)]
    return who, m["importe_le"].tolist()


def _batch_info(conn, ids: set[int]) -> pd.DataFrame:
    """Who provided and imported each batch of `ids`, and when (Europe/Paris): ORIGIN_INFO by batch_id."""
    rows = conn.execute(sa.select(batches.c.id, batches.c.porteur, batches.c.compte, batches.c.user_name,
                                  batches.c.created_at, batches.c.file_name).where(
        batches.c.id.in_(sorted(int(i) for i in ids)))).all() if ids else []
    return pd.DataFrame([(int(r.id), r.porteur or "", r.compte or "", r.user_name or "", local_time(r.created_at),
                          r.file_name) for r in rows], columns=["batch_id", *ORIGIN_INFO])


def imports_info(engine: Engine, ids) -> pd.DataFrame:
    """Who provided and imported each import of `ids`, and when: batch_id, ORIGIN_INFO."""
    with engine.connect() as conn:
        return _batch_info(conn, set(ids))


def local_time(ts) -> pd.Timestamp:
    if ts is None or pd.isna(ts):
        return pd.NaT
    return pd.Timestamp(ts).tz_localize("UTC").tz_convert("Europe/Paris")
