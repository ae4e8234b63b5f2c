"""The stamp of a follow-up template: which template a returned file comes from, and what it held.

Every template carries, in a hidden and protected sheet (`Tampon`), its id, its year, the porteur(s)
it was issued to, when and by whom, the rows it covers and the value of every input cell as issued.
Read back with the file, it lets the import tell the porteur's own changes from the values it was
sent (`merge`). The sheet holds one JSON document in a few text cells (numbers exact, dates as ISO
days): Excel, LibreOffice and openpyxl keep text cells as written, and a few cells cost the
workbook's hardened scan almost nothing. A fingerprint of the document shows a stamp edited by hand,
which is then ignored (the file is compared with the store, with warnings).
"""

from __future__ import annotations

import hashlib
import json
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime

import pandas as pd

from dashboard.base.tables import DATE_FIELDS, FLOAT_FIELDS
from dashboard.suivi.contract import SHEET_STAMP
from dashboard.suivi.merge import FIELDS, Cell

FORMAT = 2
CHUNK = 30_000  # characters per cell (Excel keeps at most 32 767 in one cell)
_ACTION_FIELDS = (*FIELDS["statuts"][1], *FIELDS["realise"][1])
_ACTION_KINDS = tuple(kind for kind in ("statuts", "realise") for _ in FIELDS[kind][1])
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


def _json(f: str, v):
    if v is None:
        return None
    if f in FLOAT_FIELDS:
        return float(v)  # JSON keeps a float exactly (shortest repr)
    if f in DATE_FIELDS:
        return pd.Timestamp(v).strftime("%Y-%m-%d")
    return str(v)


def _parse(f: str, v):
    if v is None:
        return None
    if f in FLOAT_FIELDS:
        if isinstance(v, bool) or not isinstance(v, int | float):
            raise StampError("le tampon du modèle est illisible")
        return float(v)
    if f in DATE_FIELDS:
        return pd.Timestamp(datetime.strptime(v, "%Y-%m-%d"))
    return str(v)


def _document(s: Stamp) -> str:
    """The stamp as one JSON text (the fingerprint's input): per row of the template, its issued values."""
    ind_fields = FIELDS["indicateurs"][1]
    doc = {
        "format": FORMAT, "identifiant": s.id, "annee": s.annee, "porteurs": list(s.porteurs),
        "emis_le": s.emis_le.strftime("%Y-%m-%dT%H:%M:%S"), "emis_par": s.emis_par,
        "indicateurs": {i: [_json(f, s.valeurs.get(("indicateurs", i, s.annee, f))) for f in ind_fields]
                        for i in sorted(s.indicateurs)},
        "actions": {str(a): [_json(f, s.valeurs.get((k, a, s.annee, f)))
                             for k, f in zip(_ACTION_KINDS, _ACTION_FIELDS, strict=True)]
                    for a in sorted(s.actions)},
    }
    return json.dumps(doc, ensure_ascii=False, separators=(",", ":"))


def _fingerprint(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def write_sheet(wb, s: Stamp) -> None:
    """Add the stamp to an openpyxl workbook: a hidden, protected sheet of a few text cells (the JSON document,
    in pieces of CHUNK characters, under a title and its fingerprint)."""
    from dashboard import xlsx

    text = _document(s)
    ws = wb.create_sheet(SHEET_STAMP)
    xlsx.put(ws, 1, 1, _TITLE)
    xlsx.put(ws, 2, 1, "empreinte")
    xlsx.put(ws, 2, 2, _fingerprint(text))
    for i in range(0, len(text), CHUNK):
        xlsx.put(ws, 3 + i // CHUNK, 1, text[i:i + CHUNK])
    ws.sheet_state = "hidden"
    ws.protection.sheet = True


def read_rows(rows: list[list]) -> Stamp:
    """The stamp from its sheet's cell values (as the cell reader returns them); StampError if unsound."""
    try:
        kept = str(rows[1][1])
        text = "".join(str(r[0]) for r in rows[2:] if r and isinstance(r[0], str) and r[0])
    except (IndexError, TypeError) as err:
        raise StampError("le tampon du modèle est illisible") from err
    if _fingerprint(text) != kept:
        raise StampError("le tampon du modèle a été modifié")
    try:
        doc = json.loads(text)
        if doc.get("format") != FORMAT:
            raise StampError("le tampon du modèle est d'un format inconnu")
        annee = int(doc["annee"])
        valeurs = {}
        ind_fields = FIELDS["indicateurs"][1]
        for ident, values in doc["indicateurs"].items():
            for f, v in zip(ind_fields, values, strict=True):
                if v is not None:
                    valeurs[("indicateurs", ident, annee, f)] = _parse(f, v)
        for aid, values in doc["actions"].items():
            for k, f, v in zip(_ACTION_KINDS, _ACTION_FIELDS, values, strict=True):
                if v is not None:
                    valeurs[(k, int(aid), annee, f)] = _parse(f, v)
        return Stamp(str(doc["identifiant"]), annee, tuple(str(p) for p in doc["porteurs"]),
                     datetime.strptime(doc["emis_le"], "%Y-%m-%dT%H:%M:%S"), str(doc["emis_par"]),
                     frozenset(str(i) for i in doc["indicateurs"]), frozenset(int(a) for a in doc["actions"]),
                     valeurs)
    except StampError:
        raise
    except (ValueError, KeyError, IndexError, TypeError, AttributeError) as err:
        raise StampError("le tampon du modèle est illisible") from err
