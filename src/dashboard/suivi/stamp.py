"""The stamp of a follow-up template: which template a returned file comes from, and what it held.

Every template carries, in a hidden and protected sheet (`Tampon`), its id, its year, the porteur(s)
it was issued to, when and by whom, the rows it covers and the value of every input cell as issued.
Read back with the file, it lets the import tell the porteur's own changes from the values it was
sent (`merge`). The sheet holds text cells only (numbers written with `repr`, dates as ISO days), so
Excel, LibreOffice and openpyxl keep it as it was written; a fingerprint of its content shows a
stamp edited by hand, which is then ignored (the file is compared with the store, with warnings).
"""

from __future__ import annotations

import hashlib
import json
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime

import pandas as pd

from dashboard.suivi.contract import SHEET_STAMP
from dashboard.suivi.merge import FIELDS, Cell
from dashboard.suivi.tables import DATE_FIELDS, FLOAT_FIELDS

FORMAT = "1"
_ROW_KINDS = {"indicateurs": ("indicateurs",), "actions": ("statuts", "realise")}
_ACTION_FIELDS = (*FIELDS["statuts"][1], *FIELDS["realise"][1])
_TITLE = ("Tampon du modèle de suivi : ne pas modifier. Il permet à l'application de savoir quelles valeurs "
          "ce fichier change par rapport au modèle envoyé.")


class StampError(ValueError):
    """A stamp that cannot be trusted (French message: why, and what the import does instead)."""


@dataclass(frozen=True)
class Stamp:
    """One issued template: id, year, porteurs, issued when (UTC) and by whom, rows and values issued."""

    id: str
    annee: int
    porteurs: tuple[str, ...] = ()
    emis_le: datetime = field(default_factory=lambda: datetime.now(UTC).replace(tzinfo=None, microsecond=0))
    emis_par: str = ""
    indicateurs: frozenset = frozenset()  # indicator ids (upper case) of the template's rows
    actions: frozenset = frozenset()  # action numbers of the template's rows
    valeurs: dict = field(default_factory=dict)  # cell -> value as issued (blank cells absent)

    def covers(self, cell: Cell) -> bool:
        """The template had this cell (its year, one of its rows)."""
        kind, key, annee, _ = cell
        if annee != self.annee:
            return False
        return key in self.indicateurs if kind == "indicateurs" else key in self.actions

    @property
    def porteur_text(self) -> str:
        return " ; ".join(self.porteurs)


def new(annee: int, *, porteurs=(), emis_par: str = "", indicateurs=(), actions=(), valeurs=None) -> Stamp:
    """A stamp for a template about to be written (a new random id, issued now)."""
    return Stamp(uuid.uuid4().hex, int(annee), tuple(porteurs), emis_par=emis_par or "",
                 indicateurs=frozenset(str(i).upper() for i in indicateurs),
                 actions=frozenset(int(a) for a in actions), valeurs=dict(valeurs or {}))


def _text(f: str, v) -> str:
    if v is None:
        return ""
    if f in FLOAT_FIELDS:
        return repr(float(v))
    if f in DATE_FIELDS:
        return pd.Timestamp(v).strftime("%Y-%m-%d")
    return str(v)


def _parse(f: str, text: str):
    if text == "":
        return None
    if f in FLOAT_FIELDS:
        return float(text)
    if f in DATE_FIELDS:
        return pd.Timestamp(datetime.strptime(text, "%Y-%m-%d"))
    return text


def _table(s: Stamp) -> tuple[list[list[str]], list[list[str]]]:
    """The stamp as text rows: (meta rows, value rows), in a fixed order (the fingerprint's input)."""
    meta = [["format", FORMAT], ["identifiant", s.id], ["annee", str(s.annee)],
            ["porteurs", json.dumps(list(s.porteurs), ensure_ascii=False)],
            ["emis_le", s.emis_le.strftime("%Y-%m-%dT%H:%M:%S")], ["emis_par", s.emis_par]]
    rows = []
    for ident in sorted(s.indicateurs):
        rows.append(["indicateurs", ident, *(_text(f, s.valeurs.get(("indicateurs", ident, s.annee, f)))
                                             for f in FIELDS["indicateurs"][1])])
    for aid in sorted(s.actions):
        rows.append(["actions", str(aid), *(_text(f, s.valeurs.get((kind, aid, s.annee, f)))
                                            for kind in _ROW_KINDS["actions"] for f in FIELDS[kind][1])])
    return meta, rows


def _fingerprint(meta: list[list[str]], rows: list[list[str]]) -> str:
    return hashlib.sha256(json.dumps([meta, rows], ensure_ascii=False).encode("utf-8")).hexdigest()


def write_sheet(wb, s: Stamp) -> None:
    """Add the stamp to an openpyxl workbook: a hidden, protected sheet of text cells."""
    from dashboard import xlsx

    meta, rows = _table(s)
    ws = wb.create_sheet(SHEET_STAMP)
    ws.append(xlsx.row_cells(ws, [_TITLE]))
    for r in meta:
        ws.append(xlsx.row_cells(ws, r))
    ws.append(xlsx.row_cells(ws, ["empreinte", _fingerprint(meta, rows)]))
    ws.append(xlsx.row_cells(ws, ["ligne", "cle", *FIELDS["indicateurs"][1]]))
    for r in rows:
        ws.append(xlsx.row_cells(ws, r))
    ws.sheet_state = "hidden"
    ws.protection.sheet = True


def _cell_text(v) -> str:
    """A stamp cell as text, whatever a spreadsheet program made of it on saving."""
    if v is None or (isinstance(v, float) and v != v):
        return ""
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


def read_rows(rows: list[list]) -> Stamp:
    """The stamp from its sheet's cell values (as the cell reader returns them); StampError if unsound."""
    text = [[_cell_text(v) for v in r] for r in rows]
    try:
        meta_rows = {r[0]: (r[1] if len(r) > 1 else "") for r in text[1:8] if r}
        if meta_rows.get("format") != FORMAT:
            raise StampError("le tampon du modèle est d'un format inconnu")
        meta = [[k, meta_rows.get(k, "")] for k in ("format", "identifiant", "annee", "porteurs", "emis_le",
                                                      "emis_par")]
        kept = meta_rows.get("empreinte", "")
        body = [(r + [""] * 9)[:9] for r in text[9:] if any(r)]
        ind_len = 2 + len(FIELDS["indicateurs"][1])
        act_len = 2 + len(_ACTION_FIELDS)
        values_rows = [r[:ind_len] if r[0] == "indicateurs" else r[:act_len] for r in body]
        if _fingerprint(meta, values_rows) != kept:
            raise StampError("le tampon du modèle a été modifié")
        annee = int(meta_rows["annee"])
        valeurs, indicateurs, actions = {}, set(), set()
        for r in values_rows:
            if r[0] == "indicateurs":
                key = r[1].upper()
                indicateurs.add(key)
                pairs = [("indicateurs", f) for f in FIELDS["indicateurs"][1]]
            elif r[0] == "actions":
                key = int(r[1])
                actions.add(key)
                pairs = [(kind, f) for kind in _ROW_KINDS["actions"] for f in FIELDS[kind][1]]
            else:
                raise StampError("le tampon du modèle a une ligne inconnue")
            for (kind, f), t in zip(pairs, r[2:], strict=True):
                v = _parse(f, t)
                if v is not None:
                    valeurs[(kind, key, annee, f)] = v
        return Stamp(meta_rows["identifiant"], annee, tuple(json.loads(meta_rows["porteurs"])),
                     datetime.strptime(meta_rows["emis_le"], "%Y-%m-%dT%H:%M:%S"), meta_rows["emis_par"],
                     frozenset(indicateurs), frozenset(actions), valeurs)
    except StampError:
        raise
    except (ValueError, KeyError, IndexError, TypeError) as err:
        raise StampError("le tampon du modèle est illisible") from err
