"""Follow-up store on SQLAlchemy: import batches, values, history, rollback.

Read side used by every page: `load_suivi(engine) -> Suivi` (in `lecture`, re-exported here). Where the store lives and how it is
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
from dataclasses import dataclass
from datetime import UTC, datetime

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from dashboard.suivi import lecture, merge
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
from dashboard.suivi.lecture import ORIGIN_COLUMNS, Suivi, demo_active, imports_info, load_suivi
from dashboard.suivi.merge import CLEARED
from dashboard.suivi.tables import (
    DATE_FIELDS,
    FLOAT_FIELDS,
    INDICATEUR_COLUMNS,
    KINDS,
    PORTEUR_SEP,
    REALISE_COLUMNS,
    STATUT_COLUMNS,
    batches,
    ind_values,
    metadata,
    modeles,
    realise_values,
    statut_values,
)

# The store's public surface, the connection (`database`) and the tables (`tables`) included: the
# rest of the app reads and writes the follow-up through this one module.
__all__ = [
    "CHANGE_COLUMNS", "DATE_FIELDS", "DEFAULT_URL", "FLOAT_FIELDS", "HISTORY_COLUMNS", "INDICATEUR_COLUMNS",
    "KINDS", "REALISE_COLUMNS", "FIELD_LABELS", "TEMPLATE_COLUMNS", "apply_plan", "imports_info",
    "demo_active", "modeles", "ORIGIN_COLUMNS", "plan_import", "prepare", "record_template", "templates", "STATUT_COLUMNS", "apply", "apply_counted", "batch_changes", "batches", "configure",
    "Counts", "deactivate_demo", "default_url", "diff", "ensure_schema", "history",
    "ind_values", "load_suivi", "metadata", "open_engine", "open_problem", "prepare_url",
    "readonly_problem", "realise_values", "remove_demo_batches", "rollback", "shown_url", "sqlite_file",
    "state_key", "statut_values", "StoreError", "StoreUnavailable", "Suivi", "with_driver", "write_problem",
    "writing",
]

log = logging.getLogger("dashboard")


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
    removed: int = 0  # stored values the file removes (« effacer »)
    conflicts: int = 0  # conflicts not decided yet (nothing is written while there is one)
    kept: int = 0  # conflicts decided for the stored value

    @property
    def nothing_to_do(self) -> bool:
        return self.new == 0 and self.changed == 0 and self.removed == 0 and self.conflicts == 0

    @property
    def lines(self) -> int:
        """The lines the dry run lists: new, changed and removed values."""
        return self.new + self.changed + self.removed

    def as_dict(self) -> dict:
        return {"nouveaux": self.new, "modifies": self.changed, "inchanges": self.unchanged,
                "ignores": self.ignored}


# --- engine ----------------------------------------------------------------------------------


# The store's state (dashboard.etat reads it with the plan's version and the accounts).
LATEST_BATCH = sa.func.max(batches.c.id)
ACTIVE_BATCHES = sa.func.sum(sa.case((batches.c.active.is_(True), 1), else_=0))  # portable (no FILTER clause)


def state_key(engine: Engine) -> tuple[int, int]:
    """Changes after every import or rollback: (latest batch id, number of active batches)."""
    with engine.connect() as conn:
        return _state(conn)


def _state(conn) -> tuple[int, int]:
    row = conn.execute(sa.select(LATEST_BATCH, ACTIVE_BATCHES)).one()
    return int(row[0] or 0), int(row[1] or 0)


# --- diff --------------------------------------------------------------------------------------

def plan_import(conn, report, *, real_only: bool = False, decisions=None, suivi: Suivi | None = None
                ) -> merge.ImportPlan:
    """The dry run of `report` against the store as `conn` sees it (or as `suivi`, read from it just
    before): every line written, every conflict."""
    if suivi is None:
        suivi = lecture.load(conn, real_only)
    current: dict = {}
    for year in report.annees:
        current.update(merge.suivi_cells(suivi, int(year)))
    stamp = getattr(report, "stamp", None)
    return merge.plan(merge.report_cells(report), current, issued=None if stamp is None else stamp.valeurs,
                      covers=None if stamp is None else stamp.covers, decisions=decisions)


def _counts(conn, report, plan: merge.ImportPlan, real_only: bool) -> Counts:
    same = conn.execute(sa.select(sa.func.max(batches.c.id)).where(
        batches.c.sha256 == report.sha256, batches.c.active.is_(True),
        batches.c.demo.is_(False) if real_only else sa.true())).scalar() if report.sha256 else None
    return Counts(plan.new, plan.changed, plan.unchanged + plan.untouched, int(report.ignored), same,
                  removed=plan.removed, conflicts=len(plan.undecided), kept=len(plan.kept))


def prepare(engine: Engine, report, *, real_only: bool = False, decisions=None,
            suivi: Suivi | None = None) -> tuple[merge.ImportPlan, Counts]:
    """The dry run: the plan of the import and its counts (nothing written). `suivi`: the store as
    just read (real data only when `real_only`), not read again."""
    with engine.connect() as conn:
        plan = plan_import(conn, report, real_only=real_only, decisions=decisions, suivi=suivi)
        return plan, _counts(conn, report, plan, real_only)


def diff(engine: Engine, report, *, real_only: bool = False) -> Counts:
    """The dry run's counts: how many values of the report are new, changed, removed, unchanged; ignored.

    real_only: counted against the real data alone (the demo batches an import will remove)."""
    return prepare(engine, report, real_only=real_only)[1]


# --- writing -----------------------------------------------------------------------------------

def _stored(field: str, v):
    """A value as the store's column takes it (CLEARED never reaches here)."""
    if v is None:
        return None
    if field in DATE_FIELDS:
        return pd.Timestamp(v).date()
    if field in FLOAT_FIELDS:
        return float(v)
    return str(v)


def _rows(plan: merge.ImportPlan, batch_id: int) -> dict[str, list[dict]]:
    """The plan's lines as the rows to insert, one per (kind, key, year): set fields, removed fields."""
    grouped: dict[tuple, dict] = {}
    for line in plan.lines:
        kind, key, annee, champ = line.cell
        row = grouped.setdefault((kind, key, annee), {"effaces": []})
        if line.apres is merge.CLEARED:
            row["effaces"].append(champ)
        else:
            row[champ] = _stored(champ, line.apres)
    out: dict[str, list[dict]] = {}
    for (kind, key, annee), values in grouped.items():
        _, keys, fields, _ = KINDS[kind]
        removed = values.pop("effaces")
        out.setdefault(kind, []).append({
            "batch_id": batch_id, keys[0]: str(key) if kind == "indicateurs" else int(key), "annee": int(annee),
            **{f: values.get(f) for f in fields}, "effaces": ",".join(removed) or None})
    return out


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
                  replace_demo: bool = False, compte: str | None = None, **kw) -> tuple[int | None, Counts]:
    """`apply`, and the counts it recorded: diffed, counted and written under the store's write lock."""
    batch_id, _, counts = apply_plan(engine, report, file_name, sha256, user, demo=demo, replace_demo=replace_demo,
                                     compte=compte, **kw)
    return batch_id, counts


def apply_plan(engine: Engine, report, file_name: str | None = None, sha256: str | None = None,
               user: str | None = None, *, demo: bool = False, replace_demo: bool = False,
               compte: str | None = None, porteur: str | None = None, decisions=None,
               accept_overwrites: bool = True, reuse: tuple | None = None) -> tuple[int | None, merge.ImportPlan, Counts]:
    """The import planned again under the store's write lock, then written unless it is blocked.

    Blocked (nothing written, batch None): a conflict without a decision in `decisions`, or values
    another import set that a file without stamp would replace while `accept_overwrites` is False.
    What another import wrote between the dry run and now is taken into account, and the counts
    recorded in the history are the lines written. `reuse`: (state_key, plan) of this report's dry run;
    while the store's state is still that one, the plan is decided again without reading the store."""
    if report.problems:
        raise StoreError(f"le fichier contient {len(report.problems)} problème(s) : rien n'a été importé. "
                         "Corrigez-les puis recommencez.")
    stamp = getattr(report, "stamp", None)
    with writing(engine) as conn:
        if reuse is not None and reuse[1].inputs and _state(conn) == reuse[0]:
            plan = merge.replan(reuse[1], decisions)
        else:
            plan = plan_import(conn, report, real_only=replace_demo, decisions=decisions)
        counts = _counts(conn, report, plan, replace_demo)
        if plan.undecided or (plan.overwrites and not accept_overwrites) or counts.nothing_to_do:
            return None, plan, counts
        if replace_demo:
            remove_demo_batches(conn)
        batch_id = conn.execute(batches.insert().values(
            file_name=file_name or report.file_name, sha256=sha256 or report.sha256,
            annees=",".join(str(y) for y in report.annees), created_at=_now(), user_name=user or "",
            n_new=counts.new, n_changed=counts.changed, n_unchanged=counts.unchanged, n_ignored=counts.ignored,
            n_effaces=counts.removed, active=True, demo=demo, compte=compte or None,
            porteur=(porteur if porteur is not None else PORTEUR_SEP.join(stamp.porteurs) if stamp else None) or None,
            modele_id=stamp.id if stamp else None,
        )).inserted_primary_key[0]
        for kind, rows in _rows(plan, batch_id).items():
            conn.execute(KINDS[kind][0].insert(), rows)
    return int(batch_id), plan, counts


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
                   "ignores", "actif", "demo", "annule_le", "sha256", "compte", "annule_par", "porteur", "modele_id",
                   "retires"]


def history(engine: Engine) -> pd.DataFrame:
    """Every import, latest first: HISTORY_COLUMNS (date / annule_le in Europe/Paris time)."""
    with engine.connect() as conn:
        rows = conn.execute(sa.select(batches).order_by(batches.c.id.desc())).all()
    return pd.DataFrame(
        [(r.id, r.file_name, r.annees.replace(",", ", "), lecture.local_time(r.created_at), r.user_name, r.n_new, r.n_changed,
          r.n_unchanged, r.n_ignored, bool(r.active), bool(r.demo), lecture.local_time(r.rolled_back_at), r.sha256,
          r.compte or "", r.annule_par or "", r.porteur or "", r.modele_id or "", int(r.n_effaces or 0))
         for r in rows], columns=HISTORY_COLUMNS)


CHANGE_COLUMNS = ["objet", "cle", "annee", "champ", "avant", "apres", "etat"]


def _batch_cells(conn, batch_id: int) -> dict:
    """The values one import wrote, as cells (CLEARED for a value it removed)."""
    cells = {}
    for kind, (_, keys, fields, _) in KINDS.items():
        raw = lecture.values(conn, kind, batch_id=batch_id, active_only=False)
        for rec in raw.to_dict("records"):
            key = str(rec[keys[0]]) if kind == "indicateurs" else int(rec[keys[0]])
            for f in fields:
                v = rec[f]
                if v is CLEARED or not merge.blank(v):
                    cells[(kind, key, int(rec["annee"]), f)] = v
    return cells


def batch_changes(engine: Engine, batch_id: int) -> pd.DataFrame:
    """What one import changed, value by value: objet, cle, annee, champ (French), avant, apres, etat.

    `avant` is the value that was current just before the import (earlier active imports), as the
    pages showed it; unchanged values are left out; a removed value has `apres` None.
    """
    with engine.connect() as conn:
        if conn.execute(sa.select(batches.c.id).where(batches.c.id == batch_id)).first() is None:
            raise StoreError(f"l'import n° {batch_id} n'existe pas : consultez l'historique des imports.")
        after = _batch_cells(conn, batch_id)
        before = lecture.load(conn, before=batch_id)
    current: dict = {}
    for year in sorted({cell[2] for cell in after}):
        current.update(merge.suivi_cells(before, year))
    plan = merge.plan(after, current)
    labels = {kind: label for kind, (*_, label) in KINDS.items()}
    rows = [(labels[x.cell[0]], str(x.cell[1]), int(x.cell[2]), FIELD_LABELS.get(x.cell[3], x.cell[3]), x.avant,
             None if x.apres is CLEARED else x.apres, x.etat) for x in plan.lines]
    return pd.DataFrame(rows, columns=CHANGE_COLUMNS)


def record_template(engine: Engine, issued, compte: str | None = None) -> None:
    """Remember that a template was issued (its stamp): the collection status lists it."""
    with writing(engine) as conn:
        conn.execute(modeles.insert().values(
            id=issued.id, annee=issued.annee, porteur=PORTEUR_SEP.join(issued.porteurs) or None,
            emis_le=issued.emis_le, emis_par=issued.emis_par or "", compte=compte or None))


TEMPLATE_COLUMNS = ["modele_id", "annee", "porteur", "emis_le", "emis_par", "compte"]


def templates(engine: Engine) -> pd.DataFrame:
    """Every template issued, latest first: TEMPLATE_COLUMNS (emis_le in Europe/Paris time)."""
    with engine.connect() as conn:
        rows = conn.execute(sa.select(modeles).order_by(modeles.c.emis_le.desc())).all()
    return pd.DataFrame([(r.id, int(r.annee), r.porteur or "", lecture.local_time(r.emis_le), r.emis_par, r.compte or "")
                         for r in rows], columns=TEMPLATE_COLUMNS)


FIELD_LABELS = {
    "resultat": "Résultat", "objectif": "Objectif", "date_resultat": "Résultat (date)",
    "date_objectif": "Objectif (date)", "commentaire": "Commentaire", "source": "Source",
    "statut": "Statut", "debut_reel": "Début réel", "fin_reelle": "Fin réelle", "fin_revisee": "Fin révisée",
    "depenses": "Dépenses (€)", "etp": "ETP",
}
