"""What importing a follow-up file would change, cell by cell: a three-way merge of the file, the values
its template was issued with (its stamp) and the store as it is now. Pure: dictionaries in, a plan out.

A cell is `(kind, key, annee, champ)`: kind `indicateurs` (key: the indicator's id), `statuts` or
`realise` (key: the action's number), champ one of the store's fields. A value is a float, a
Timestamp, a text, or `CLEARED` (the file says « effacer »: the stored value goes).

The rules, for a stamped file (a cell its template covered):
- the file's value equals the issued one: not this file's change, never written (so a porteur's
  untouched pre-filled cells cannot undo another porteur's import);
- the file changed it and the store still holds the issued value: written;
- the file changed it and the store changed it too since the template was issued: a conflict,
  unless both made the same change; nothing is written while a conflict is undecided.
A file without a stamp (an older template, another tool's export), or a cell outside its template
(a year column added by hand), is compared with the store: a stored value it would replace that an
import set is listed as an overwrite, a warning the user confirms.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime

import pandas as pd


class _Cleared:
    """The value of a cell whose text is « effacer »: the stored value is removed."""

    def __repr__(self) -> str:
        return "CLEARED"

    def __reduce__(self):  # one object, also after a copy or a pickle (session state)
        return "CLEARED"


CLEARED = _Cleared()

NEW, CHANGED, REMOVED = "nouveau", "modifié", "valeur retirée"
FILE, STORE = "fichier", "base"  # how a conflict is decided: the file's value, or the stored one

Cell = tuple  # (kind, key, annee, champ)


def same(a, b) -> bool:
    """Two stored values are the same (numbers to 1e-9 relative, dates as days, texts exactly)."""
    if a is b or (a.__class__ is b.__class__ and a.__class__ in (float, str) and a == b):
        return True  # the common case, first
    if a is None or b is None or a is CLEARED or b is CLEARED:
        return (a is None or a is CLEARED) and (b is None or b is CLEARED)
    if isinstance(a, int | float) and isinstance(b, int | float):
        return abs(float(a) - float(b)) <= 1e-9 * max(1.0, abs(float(a)), abs(float(b)))
    if isinstance(a, pd.Timestamp | datetime | date) or isinstance(b, pd.Timestamp | datetime | date):
        try:
            return pd.Timestamp(a).normalize() == pd.Timestamp(b).normalize()
        except (TypeError, ValueError):
            return False
    return a == b


@dataclass(frozen=True)
class Line:
    """One change the import writes: the cell, the value it replaces (None: none), the new value."""

    cell: Cell
    avant: object
    apres: object  # CLEARED for a removed value
    etat: str  # NEW, CHANGED or REMOVED
    source: int | None = None  # the import that gave `avant`
    overwrite: bool = False  # a file without stamp replaces a value another import set


@dataclass(frozen=True)
class Conflict:
    """A cell changed by the file and, since its template was issued, by another import."""

    cell: Cell
    emis: object  # the value in the template when it was issued (None: blank)
    stocke: object  # the value stored now (None: none, or removed)
    fichier: object  # the file's value (CLEARED: « effacer »)
    source: int | None  # the import that stored `stocke`


@dataclass(frozen=True)
class ImportPlan:
    """The dry run of one file against the store: every line it writes, every conflict, the counts."""

    lines: tuple[Line, ...] = ()
    conflicts: tuple[Conflict, ...] = ()
    kept: tuple[Conflict, ...] = ()  # conflicts decided for the stored value: not written
    unchanged: int = 0  # file values equal to the stored ones
    untouched: int = 0  # stamped cells the file left as issued (not its change)
    decided: Mapping = field(default_factory=dict)
    # what the plan was made from (file cells, store cells, issued cells, covers): to decide its
    # conflicts again without reading the store again while it has not changed
    inputs: tuple = field(default=(), repr=False, compare=False)

    @property
    def new(self) -> int:
        return sum(1 for x in self.lines if x.etat == NEW)

    @property
    def changed(self) -> int:
        return sum(1 for x in self.lines if x.etat == CHANGED)

    @property
    def removed(self) -> int:
        return sum(1 for x in self.lines if x.etat == REMOVED)

    @property
    def overwrites(self) -> tuple[Line, ...]:
        return tuple(x for x in self.lines if x.overwrite)

    @property
    def undecided(self) -> tuple[Conflict, ...]:
        return tuple(c for c in self.conflicts if c.cell not in self.decided)

    def sources(self) -> set[int]:
        """The imports whose values this plan names (to say who stored them and when)."""
        return ({x.source for x in self.lines if x.source is not None}
                | {c.source for c in (*self.conflicts, *self.kept) if c.source is not None})


def decisions_for(conflicts, choice) -> dict:
    """A decision per conflict: `choice` is FILE or STORE for all, a mapping cell -> FILE / STORE, or None."""
    if choice is None:
        return {}
    if isinstance(choice, str):
        return {c.cell: choice for c in conflicts}
    return {cell: d for cell, d in dict(choice).items() if d in (FILE, STORE)}


def plan(file_cells: Mapping[Cell, object], current: Mapping[Cell, tuple[object, int | None]], *,
         issued: Mapping[Cell, object] | None = None, covers: Callable[[Cell], bool] | None = None,
         decisions=None) -> ImportPlan:
    """The import of `file_cells` into a store holding `current` (cell -> (value, import id)).

    `issued` / `covers`: the values of the file's template when it was issued, and which cells it
    covered (None: no stamp). `decisions`: see `decisions_for` (conflicts not decided stay listed).
    """
    lines: list[Line] = []
    conflicts: list[Conflict] = []
    unchanged = untouched = 0
    for cell, value in file_cells.items():
        stored, source = current.get(cell, (None, None))
        stamped = issued is not None and covers is not None and covers(cell)
        if stamped:
            base = issued.get(cell)
            if same(value, base):
                untouched += 1
                continue
            if not same(stored, base) and not same(stored, value):
                conflicts.append(Conflict(cell, base, stored, value, source))
                continue
        if same(value, stored):
            unchanged += 1
            continue
        lines.append(_line(cell, stored, value, source, overwrite=not stamped and source is not None))
    decided = decisions_for(conflicts, decisions)
    kept = []
    for c in conflicts:
        if decided.get(c.cell) == FILE:
            if same(c.fichier, c.stocke):
                unchanged += 1
            else:
                lines.append(_line(c.cell, c.stocke, c.fichier, c.source))
        elif decided.get(c.cell) == STORE:
            kept.append(c)
    lines.sort(key=lambda x: _order(x.cell))
    return ImportPlan(tuple(lines), tuple(conflicts), tuple(kept), unchanged, untouched, decided,
                      (file_cells, current, issued, covers))


def replan(previous: ImportPlan, decisions=None) -> ImportPlan:
    """`previous` made again from the same file and store, with `decisions` for its conflicts."""
    file_cells, current, issued, covers = previous.inputs
    return plan(file_cells, current, issued=issued, covers=covers, decisions=decisions)


def _line(cell: Cell, stored, value, source, overwrite: bool = False) -> Line:
    etat = REMOVED if value is CLEARED else NEW if stored is None else CHANGED
    return Line(cell, stored, value, etat, source, overwrite and etat != NEW)


_KIND_ORDER = {"indicateurs": 0, "statuts": 1, "realise": 2}


def _order(cell: Cell) -> tuple:
    kind, key, annee, champ = cell
    return (_KIND_ORDER.get(kind, 9), str(key), int(annee), champ)


# ---------------------------------------------------------------------------------------------
# Cells of a report (the file) and of a follow-up (the store, or what a template shows)
# ---------------------------------------------------------------------------------------------

FIELDS = {
    "indicateurs": ("indicateur_id", ("resultat", "objectif", "date_resultat", "date_objectif", "commentaire",
                                      "source")),
    "statuts": ("action_id", ("statut", "debut_reel", "fin_reelle", "fin_revisee", "commentaire")),
    "realise": ("action_id", ("depenses", "etp")),
}


def blank(v) -> bool:
    """No value: None, NaN, NaT or an empty text."""
    if v is None or v is CLEARED:
        return v is None
    if isinstance(v, str):
        return not v.strip()
    try:
        return bool(pd.isna(v))
    except (TypeError, ValueError):
        return False


def _key(kind: str, v):
    return str(v).strip().upper() if kind == "indicateurs" else int(v)


def _value(v):
    if isinstance(v, pd.Timestamp | datetime | date):
        return pd.Timestamp(v).normalize()
    if isinstance(v, int | float) and not isinstance(v, bool):
        return float(v)
    return v


def _items(frame: pd.DataFrame, kind: str, fields, annee: int | None = None):
    """(cell, value) of every non-blank value of a frame of `kind`, field by field (dates stay Timestamps)."""
    key = FIELDS[kind][0]
    if kind == "indicateurs":
        keys = frame[key].astype(str).str.strip().str.upper().to_numpy()
    else:
        keys = frame[key].astype(int).to_numpy()
    years = frame["annee"].astype(int).to_numpy()
    for f in fields:
        if f not in frame.columns:
            continue
        col = frame[f]
        given = col.notna().to_numpy()
        for k, y, v in zip(keys[given].tolist(), years[given].tolist(), col[given].tolist(), strict=True):
            if isinstance(v, str) and not v.strip():
                continue
            yield (kind, k, annee if annee is not None else y, f), v


def report_cells(report) -> dict[Cell, object]:
    """Every value a checked file gives (its `cleared` cells as CLEARED)."""
    cells: dict[Cell, object] = {}
    for kind, (_, fields) in FIELDS.items():
        frame = getattr(report, kind)
        if frame is None or frame.empty:
            continue
        cells.update((cell, _value(v)) for cell, v in _items(frame, kind, fields))
    for cell in getattr(report, "cleared", ()):
        cells[cell] = CLEARED
    return cells


def suivi_cells(suivi, year: int) -> dict[Cell, tuple[object, int | None]]:
    """The values a template of `year` shows (and a file of that year would replace), each with the import
    that gave it: indicators and spending of `year`; for each action its latest status, dates of
    that year or before, and the comment of `year` itself."""
    o = getattr(suivi, "origines", None)
    origins: dict = {}
    if o is not None and len(o):
        kinds, keys = o["objet"].tolist(), o["cle"].tolist()
        origins = {(kind, _key(kind, k), None if kind == "statuts" else int(a), f): int(b) for kind, k, a, f, b in zip(
            kinds, keys, o["annee"].tolist(), o["champ"].tolist(), o["batch_id"].tolist(), strict=True)}
    cells: dict[Cell, tuple[object, int | None]] = {}
    for kind, (_, fields) in FIELDS.items():
        frame = getattr(suivi, kind)
        if frame is None or not len(frame):
            continue
        years = frame["annee"].astype(int)
        if kind == "statuts":  # every action's latest status and dates up to `year`, the comment of `year`
            frame = frame[years <= year]
            current = frame.assign(commentaire=frame["commentaire"].where(frame["annee"].astype(int) == year))
        else:
            current = frame[years == year]
            if kind == "indicateurs":  # a dated milestone: its resultat 1.0 is read from the date, never typed
                current = current.assign(resultat=current["resultat"].where(current["date_resultat"].isna()))
        for cell, v in _items(current, kind, fields, year):
            origin = (kind, cell[1], None if kind == "statuts" else year, cell[3])
            cells[cell] = (_value(v), origins.get(origin))
    return cells
