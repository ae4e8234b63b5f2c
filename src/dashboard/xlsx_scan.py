"""The door every workbook goes through before any cell is read: a follow-up workbook, a revision of
the plan, the plan at start and each stored version (pure, no store).

Why: a workbook is a zip of XML parts. Read naively, a 4 MB upload may decompress to gigabytes, one
far-away cell (even an empty one) makes the cell reader allocate a dense range of billions of cells,
and an XML part may carry DOCTYPE / entity declarations (never written by Excel). `scan` runs first
and refuses, in French, what no real workbook of the app needs:

1. the kind of file (empty, CSV, legacy .xls, password-protected, zip that is not a workbook,
   truncated), from its first bytes and its zip directory;
2. the zip directory: number of parts, each part's uncompressed size, the total, the
   compression ratio, part names differing only by letter case (the cell reader finds parts
   without regard to case, so the scan does too); each part read is decompressed by this module
   in chunks, never beyond the size the directory declares;
3. every XML part is parsed with expat in streaming mode, DTDs and entities refused (as
   defusedxml does); every sheet is parsed whole, which bounds the extent the cell reader will
   allocate (every cell element counts, empty or not, and every row and dimension), refuses
   numbers no spreadsheet program writes (infinite, NaN), and gives what the cell reader
   (calamine) does not: Excel error cells, percent-formatted cells, formulas without a cached
   value.

`read_rows` is the only way the follow-up reads cells, and the plan reads its sheets after `scan`
with the row counts it found: the cell reader is never given more than the scanned extent. The
two doors (`FOLLOWUP`, `PLAN`) share every limit and message; only the advice differs.

One module (about 600 lines) on purpose: the defences share the limits and the bounded chunk
reader, and they are reviewed together as one boundary; split, the bounded reader would be one
import away from code that could open the zip without it.
"""

from __future__ import annotations

import io
import re
import struct
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from xml.parsers import expat

from openpyxl.utils import get_column_letter

from dashboard import fmt

# What no real workbook of the app needs (the follow-up template of the plan is ~30 KB, 10 parts;
# a follow-up workbook back-filled with 10 000 indicator rows is 0,35 MB, its sheet 3,4 MB of XML;
# the plan is 37 KB, its largest sheet 71 rows; a plan 100 times larger, 7 100 rows).
MAX_UPLOAD_MB = 10  # also Streamlit's server.maxUploadSize (.streamlit/config.toml)
MAX_UPLOAD_BYTES = MAX_UPLOAD_MB * 1024 * 1024
MAX_MEMBERS = 200
MAX_MEMBER_BYTES = 50 * 1024 * 1024
MAX_TOTAL_BYTES = 200 * 1024 * 1024
MAX_RATIO = 100  # for parts above RATIO_FLOOR bytes (small parts may compress better)
RATIO_FLOOR = 1024 * 1024
MAX_ROWS = 20_000
MAX_COLS = 100
MAX_TEXT_CHARS = 20_000_000  # characters the cell reader would copy out of the shared strings
CHUNK = 64 * 1024

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
REDO = "téléchargez le modèle de l'année, saisissez-y les valeurs et enregistrez-le au format .xlsx"

# Excel stores error cells with their English code; French Excel shows these names.
EXCEL_ERRORS_FR = {"#VALUE!": "#VALEUR!", "#NAME?": "#NOM?", "#NUM!": "#NOMBRE!", "#NULL!": "#NUL!",
                   "#DIV/0!": "#DIV/0!", "#N/A": "#N/A", "#REF!": "#REF!", "#GETTING_DATA": "#GETTING_DATA",
                   "#SPILL!": "#PROPAGATION!", "#CALC!": "#CALC!"}


class Unreadable(ValueError):
    """The file is refused before any cell is read; the message says why and what to do (French)."""


@dataclass(frozen=True)
class Door:
    """Which workbook goes through the door: the limits are the same, the words and advice differ."""

    noun: str  # "classeur de suivi"
    start_over: str  # where to start again from, when the file is too big
    redo: str  # what to do to get a sound file


FOLLOWUP = Door("classeur de suivi", "repartez du modèle de l'année, sans images ni feuilles ajoutées", REDO)
PLAN = Door("classeur du plan", "repartez de la version en vigueur (page Données → Plan, « Télécharger la version "
            "en vigueur »), sans images ni feuilles ajoutées",
            "repartez de la version en vigueur du plan (page Données → Plan), reportez-y vos modifications dans "
            "Excel et enregistrez-la au format .xlsx")


@dataclass
class SheetScan:
    """What the streaming pass learned about one sheet (0-based row, column)."""

    errors: dict[tuple[int, int], str] = field(default_factory=dict)  # French error name
    percent: set[tuple[int, int]] = field(default_factory=set)  # numbers formatted as percent
    uncalculated: set[tuple[int, int]] = field(default_factory=set)  # formula, no cached value
    n_rows: int = 0  # extent of the cells holding a value
    n_cols: int = 0
    extent_rows: int = 0  # extent of every cell, row and dimension element, empty ones included:
    extent_cols: int = 0  # what the cell reader may allocate is within it
    name: str = ""  # the sheet's name as the workbook spells it


def _mo(n: int) -> str:
    return f"{fmt.nombre(n / 1024 / 1024, 1)} Mo" if n < 1024 ** 3 else f"{fmt.nombre(n / 1024 ** 3, 1)} Go"


def _q(name: str) -> str:
    """A part or sheet name quoted in a message (both come from the file: capped)."""
    return f"« {fmt.cite(name)} »"


# ---------------------------------------------------------------------------------------------
# 1. The kind of file
# ---------------------------------------------------------------------------------------------

def _looks_like_text(head: bytes) -> bool:
    sample = head[:4096]
    if b"\x00" in sample:
        return False
    try:
        text = sample.decode("utf-8")
    except UnicodeDecodeError:
        try:
            text = sample.decode("cp1252")
        except UnicodeDecodeError:
            return False
    printable = sum(ch.isprintable() or ch in "\r\n\t" for ch in text)
    return printable >= 0.95 * max(len(text), 1)


def too_big(size: int, door: Door = FOLLOWUP) -> Unreadable | None:
    """The refusal of a file of `size` bytes, None when it is within the limit (checked before reading it)."""
    if size <= MAX_UPLOAD_BYTES:
        return None
    return Unreadable(f"le fichier pèse {_mo(size)}, au-delà de la limite de {MAX_UPLOAD_MB} Mo "
                      f"(un {door.noun} pèse quelques dizaines de Ko) : {door.start_over}")


def _refuse_by_kind(data: bytes, door: Door) -> None:
    if not data:
        raise Unreadable("le fichier est vide (0 octet) : enregistrez à nouveau le classeur depuis Excel, "
                         "puis déposez-le")
    big = too_big(len(data), door)
    if big is not None:
        raise big
    if data.startswith(OLE_MAGIC):
        if "EncryptedPackage".encode("utf-16-le") in data or "EncryptionInfo".encode("utf-16-le") in data:
            raise Unreadable("le classeur est protégé par un mot de passe : ouvrez-le dans Excel, retirez le "
                             "mot de passe (Fichier > Informations > Protéger le classeur > Chiffrer avec mot "
                             "de passe : videz le champ), enregistrez, puis déposez-le à nouveau")
        raise Unreadable("c'est un classeur Excel à l'ancien format (.xls) : ouvrez-le dans Excel, « Enregistrer "
                         "sous » au format « Classeur Excel (.xlsx) », puis déposez le fichier .xlsx")
    if not data.startswith(b"PK"):
        if _looks_like_text(data):
            raise Unreadable("c'est un fichier texte (CSV ou autre), pas un classeur Excel : " + door.redo
                             + " (ou ouvrez ce fichier dans Excel et « Enregistrer sous » au format .xlsx)")
        raise Unreadable("ce fichier n'est pas un classeur Excel : " + door.redo)


def _open_zip(data: bytes, door: Door) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError) as exc:
        if data.startswith(b"PK\x03\x04"):
            raise Unreadable("le fichier est incomplet (tronqué : téléchargement ou copie interrompus) : "
                             "enregistrez à nouveau le classeur depuis Excel, puis déposez-le") from exc
        raise Unreadable("ce fichier n'est pas un classeur Excel : " + door.redo) from exc


# ---------------------------------------------------------------------------------------------
# 2. The zip directory, and bounded decompression of one part
# ---------------------------------------------------------------------------------------------

def _check_directory(z: zipfile.ZipFile, data: bytes, door: Door) -> dict[str, zipfile.ZipInfo]:
    """Each part by its name in lower case (the cell reader finds parts without regard to case)."""
    infos = z.infolist()
    if len(infos) > MAX_MEMBERS:
        raise Unreadable(f"le classeur contient {fmt.nombre(len(infos))} parties internes (au plus "
                         f"{MAX_MEMBERS}) : aucun {door.noun} n'en a besoin ; " + door.redo)
    by_name: dict[str, zipfile.ZipInfo] = {}
    for i in infos:
        key = i.filename.lower()
        if key in by_name:  # two parts one reader would tell apart and the other not
            raise Unreadable(f"le classeur contient deux parties du même nom à la casse près ({_q(by_name[key].filename)}"
                             f" et {_q(i.filename)}), ce qu'Excel n'écrit jamais : ce fichier n'a pas été "
                             "enregistré par Excel ; " + door.redo)
        by_name[key] = i
    if "xl/workbook.xml" not in by_name:
        if "xl/workbook.bin" in by_name:
            raise Unreadable("c'est un classeur Excel binaire (.xlsb) : ouvrez-le dans Excel, « Enregistrer sous » "
                             "au format « Classeur Excel (.xlsx) », puis déposez le fichier .xlsx")
        if "mimetype" in by_name and b"opendocument.spreadsheet" in data[:200]:
            raise Unreadable("c'est un classeur LibreOffice (.ods) : Fichier > Enregistrer sous > « Excel "
                             "2007-365 (.xlsx) », puis déposez le fichier .xlsx")
        raise Unreadable(f"c'est une archive zip mais pas un classeur Excel (.xlsx) : déposez le {door.noun} "
                         "lui-même (s'il est dans l'archive, extrayez-le d'abord)")
    total = 0
    for i in infos:
        if i.flag_bits & 0x1:
            raise Unreadable("le classeur est protégé par un mot de passe : ouvrez-le dans Excel, retirez le mot "
                             "de passe, enregistrez, puis déposez-le à nouveau")
        if i.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise Unreadable(f"une partie du classeur ({_q(i.filename)}) est compressée d'une façon qu'Excel "
                             "n'emploie pas : ouvrez le fichier dans Excel, enregistrez-le au format .xlsx, puis "
                             "déposez-le à nouveau")
        if i.file_size > MAX_MEMBER_BYTES:
            raise Unreadable(f"une partie du classeur ({_q(i.filename)}) occupe {_mo(i.file_size)} une fois "
                             f"décompressée (au plus {_mo(MAX_MEMBER_BYTES)}) : aucun {door.noun} n'en a "
                             "besoin ; " + door.redo)
        if i.file_size > RATIO_FLOOR and i.file_size > MAX_RATIO * max(i.compress_size, 1):
            ratio = i.file_size / max(i.compress_size, 1)
            raise Unreadable(f"une partie du classeur ({_q(i.filename)}) est compressée de façon anormale "
                             f"(×{fmt.nombre(ratio)} ; un classeur ordinaire reste sous ×{MAX_RATIO}) : ce "
                             f"fichier n'est pas un {door.noun} ordinaire ; " + door.redo)
        total += i.file_size
    if total > MAX_TOTAL_BYTES:
        raise Unreadable(f"le classeur occupe {_mo(total)} une fois décompressé (au plus {_mo(MAX_TOTAL_BYTES)}) : "
                         f"aucun {door.noun} n'en a besoin ; " + door.redo)
    return by_name


def _corrupt(name: str, door: Door) -> Unreadable:
    return Unreadable(f"le classeur est endommagé (partie {_q(name)} illisible) : ouvrez-le dans Excel, "
                      "enregistrez-le à nouveau, puis déposez-le ; sinon " + door.redo)


def _chunks(data: bytes, info: zipfile.ZipInfo, door: Door) -> Iterator[bytes]:
    """The part's bytes, decompressed in chunks; never more than the size the directory declares."""
    off = info.header_offset
    head = data[off:off + 30]
    if len(head) < 30 or head[:4] != b"PK\x03\x04":
        raise _corrupt(info.filename, door)
    n_name, n_extra = struct.unpack("<HH", head[26:30])
    start = off + 30 + n_name + n_extra
    comp = memoryview(data)[start:start + info.compress_size]
    if len(comp) < info.compress_size:
        raise Unreadable("le fichier est incomplet (tronqué : téléchargement ou copie interrompus) : "
                         "enregistrez à nouveau le classeur depuis Excel, puis déposez-le")
    left = info.file_size
    if info.compress_type == zipfile.ZIP_STORED:
        if info.compress_size != info.file_size:
            raise _corrupt(info.filename, door)
        for k in range(0, len(comp), CHUNK):
            yield bytes(comp[k:k + CHUNK])
        return
    d = zlib.decompressobj(-15)
    pos = 0
    try:
        while True:
            if d.unconsumed_tail:
                out = d.decompress(d.unconsumed_tail, CHUNK)
            elif pos < len(comp):
                out = d.decompress(comp[pos:pos + CHUNK], CHUNK)
                pos += CHUNK
            else:
                break
            left -= len(out)
            if left < 0:  # the part holds more than declared: a decompression bomb in disguise
                raise Unreadable(f"une partie du classeur ({_q(info.filename)}) contient plus de données "
                                 "qu'annoncé : ce fichier n'est pas un classeur ordinaire ; " + door.redo)
            if out:
                yield out
            if d.eof:
                break
    except zlib.error as exc:
        raise _corrupt(info.filename, door) from exc
    if left != 0 or not d.eof:
        raise _corrupt(info.filename, door)


# ---------------------------------------------------------------------------------------------
# 3. Streaming XML (expat, DTDs and entities refused)
# ---------------------------------------------------------------------------------------------

class _Forbidden(Exception):
    pass


class _Stop(Exception):
    pass


def _forbid(*_args):
    raise _Forbidden


def _parser(start=None, end=None, text=None) -> expat.XMLParserType:
    p = expat.ParserCreate()
    p.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    p.StartDoctypeDeclHandler = _forbid
    p.EntityDeclHandler = _forbid
    p.UnparsedEntityDeclHandler = _forbid
    p.ExternalEntityRefHandler = _forbid
    p.buffer_text = True
    if start is not None:
        p.StartElementHandler = start
    if end is not None:
        p.EndElementHandler = end
    if text is not None:
        p.CharacterDataHandler = text
    return p


def _parse(data: bytes, info: zipfile.ZipInfo, p: expat.XMLParserType, door: Door, *,
           prolog_only: bool = False) -> None:
    """Feed one part to `p`, chunk by chunk; French Unreadable on a DTD or broken XML."""
    chunks = _chunks(data, info, door)
    try:
        for chunk in chunks:
            p.Parse(chunk, False)
        p.Parse(b"", True)
    except _Stop:
        for _ in chunks:  # not parsed, only decompressed: its size must be the declared one
            pass
        return
    except _Forbidden as exc:
        raise Unreadable(f"le classeur contient une déclaration DOCTYPE ou d'entités XML (partie {_q(info.filename)}), "
                         "qu'Excel n'écrit jamais : ce fichier n'a pas été enregistré par Excel et n'est pas "
                         "importé ; " + door.redo) from exc
    except expat.ExpatError as exc:
        if prolog_only and exc.code == expat.errors.codes.get(expat.errors.XML_ERROR_NO_ELEMENTS):
            return
        raise _corrupt(info.filename, door) from exc


def _local(name: str) -> str:
    return name.rpartition(":")[2]


def _check_prolog(data: bytes, info: zipfile.ZipInfo, door: Door) -> None:
    """A DOCTYPE can only come before the root element: parse up to it (legacy VML need not be well formed)."""
    def start(name, attrs):
        raise _Stop

    _parse(data, info, _parser(start=start), door, prolog_only=True)  # the rest is decompressed, size checked


def _read_small(data: bytes, info: zipfile.ZipInfo, door: Door, start=None, end=None, text=None) -> None:
    _parse(data, info, _parser(start, end, text), door)


def _sheet_paths(data: bytes, by_name: dict[str, zipfile.ZipInfo], door: Door) -> list[tuple[str, str | None]]:
    """Every sheet of workbook.xml, in its order: (name as written, part name in lower case, or None
    when its relationship names no target)."""
    sheets: list[tuple[str, str]] = []

    def wb_start(name, attrs):
        if _local(name) == "sheet":
            rid = next((v for k, v in attrs.items() if ":" in k and _local(k) == "id"), None)
            if rid and "name" in attrs:
                sheets.append((attrs["name"], rid))

    _read_small(data, by_name["xl/workbook.xml"], door, start=wb_start)
    target_of: dict[str, str] = {}

    def rel_start(name, attrs):
        if _local(name) == "Relationship" and "Id" in attrs and "Target" in attrs:
            target_of[attrs["Id"]] = attrs["Target"]  # the last one wins, as in the cell reader

    rels = by_name.get("xl/_rels/workbook.xml.rels")
    if rels is not None:
        _read_small(data, rels, door, start=rel_start)
    out = []
    for sheet, rid in sheets:
        t = target_of.get(rid)
        out.append((sheet, (t.lstrip("/") if t.startswith("/") else "xl/" + t).lower() if t else None))
    return out


_QUOTED = re.compile(r'"[^"]*"|\\.')


def _percent_styles(data: bytes, info: zipfile.ZipInfo | None, door: Door) -> set[int]:
    """Indexes of the cell styles (cellXfs) whose number format shows a percent (ids 9, 10, or custom)."""
    if info is None:
        return set()
    custom: dict[str, str] = {}
    xf_fmts: list[str] = []
    depth = {"cellXfs": 0}

    def start(name, attrs):
        tag = _local(name)
        if tag == "numFmt":
            custom[attrs.get("numFmtId", "")] = attrs.get("formatCode", "")
        elif tag == "cellXfs":
            depth["cellXfs"] += 1
        elif tag == "xf" and depth["cellXfs"]:
            xf_fmts.append(attrs.get("numFmtId", "0"))

    def end(name):
        if _local(name) == "cellXfs":
            depth["cellXfs"] -= 1

    _read_small(data, info, door, start=start, end=end)
    percent_ids = {"9", "10"} | {k for k, code in custom.items() if "%" in _QUOTED.sub("", code)}
    return {i for i, f in enumerate(xf_fmts) if f in percent_ids}


def _shared_string_lengths(data: bytes, info: zipfile.ZipInfo | None, door: Door) -> list[int]:
    """Length of each shared string (what the cell reader copies for each cell that uses it)."""
    lengths: list[int] = []
    if info is None:
        return lengths
    state = {"in_t": False}

    def start(name, attrs):
        tag = _local(name)
        if tag == "si":
            lengths.append(0)
        elif tag == "t":
            state["in_t"] = True

    def end(name):
        if _local(name) == "t":
            state["in_t"] = False

    def text(s):
        if state["in_t"] and lengths:
            lengths[-1] += len(s)

    _read_small(data, info, door, start, end, text)
    return lengths


_REF = re.compile(r"^\$?([A-Za-z]{1,3})\$?(\d+)$", re.ASCII)
_DIGITS = frozenset("0123456789")


def _col_index(letters: str) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + ord(ch) - 64
    return n - 1


def _where(sheet: str, row: int, col: int) -> str:
    letter = get_column_letter(col + 1)
    return f"la feuille {_q(sheet)}, ligne {fmt.nombre(row + 1)}, colonne {letter} (cellule {letter}{row + 1})"


def _scan_sheet(data: bytes, info: zipfile.ZipInfo, sheet: str, percent_xfs: set[int],
                ss_len: list[int], door: Door) -> SheetScan:
    out = SheetScan(name=sheet)
    errors, percent, uncalculated = out.errors, out.percent, out.uncalculated
    col_of: dict[str, int] = {}
    # The current position and cell, in closure variables: the handler runs once per XML element
    # (a start handler only: a cell is judged when the next one, the next row or the end comes).
    row = col = max_row = max_col = -1
    far_row = far_col = -1  # every cell, row and dimension element, empty or not
    t = s = None
    cur = has_f = has_is = in_v = False
    vtext = ""
    chars = 0

    def flush():
        nonlocal max_row, max_col, chars
        v = vtext.strip()
        if not (v or has_is or has_f):
            return
        if row > max_row:
            max_row = row
        if col > max_col:
            max_col = col
        if t == "e":
            errors[(row, col)] = EXCEL_ERRORS_FR.get(v.upper(), v or "#ERREUR")
        elif has_f and not (v or has_is):
            uncalculated.add((row, col))
        elif t == "s":
            try:
                chars += ss_len[int(v)]
            except (ValueError, IndexError):
                pass
        elif t is None or t == "n":
            try:
                x = float(v)
            except ValueError:
                return
            if x - x != 0:  # inf - inf and nan - nan are nan: a number no spreadsheet program writes
                raise Unreadable(f"{_where(sheet, row, col)} contient le nombre {_q(v)}, infini ou indéfini, "
                                 "qu'Excel n'écrit jamais : ce fichier n'a pas été enregistré par Excel ; saisissez "
                                 "un nombre ordinaire dans cette cellule, ou " + door.redo)
            if s is not None and percent_xfs:
                try:
                    if int(s) in percent_xfs:
                        percent.add((row, col))
                except ValueError:
                    pass

    def start(name, attrs):
        nonlocal row, col, t, s, cur, has_f, has_is, in_v, vtext, far_row, far_col
        if ":" in name:
            name = _local(name)
        if name == "c":
            if cur:
                flush()
            cur, has_f, has_is, in_v, vtext = True, False, False, False, ""
            t, s = attrs.get("t"), attrs.get("s")
            ref = attrs.get("r")
            if ref:
                letters = ref.rstrip("0123456789$")
                c = col_of.get(letters)
                if c is None:
                    m = _REF.match(ref)
                    if m is None:
                        raise _corrupt(info.filename, door)
                    c = col_of[letters] = _col_index(m.group(1))
                col = c
                digits = ref[len(letters):]
                if digits:  # the cell reader places a cell by its own reference, not by its row's
                    row = int(digits) - 1
            else:
                col += 1
            if row > far_row:
                far_row = row
            if col > far_col:
                far_col = col
        elif name == "v":
            in_v = True
        elif name == "f":
            has_f, in_v = True, False
        elif name == "is":
            has_is, in_v = True, False
        elif name == "row":
            if cur:
                flush()
            cur = in_v = False
            r = attrs.get("r")
            row = int(r) - 1 if r and _DIGITS.issuperset(r) else row + 1
            col = -1
            if row > far_row:
                far_row = row
        elif name == "dimension":
            m = _REF.match(attrs.get("ref", "").rpartition(":")[2])
            if m is not None:
                far_row, far_col = max(far_row, int(m.group(2)) - 1), max(far_col, _col_index(m.group(1)))
        else:
            in_v = False

    def text(chunk):
        nonlocal vtext
        if in_v:
            vtext += chunk

    _parse(data, info, _parser(start, None, text), door)
    if cur:
        flush()
    out.n_rows, out.n_cols = max_row + 1, max_col + 1
    out.extent_rows, out.extent_cols = max(far_row, max_row) + 1, max(far_col, max_col) + 1
    limits = (f"au plus {fmt.nombre(MAX_ROWS)} lignes et {MAX_COLS} colonnes) ; supprimez les lignes et colonnes en "
              f"trop (sélectionnez-les, clic droit, Supprimer), ou {door.start_over}")
    if out.n_rows > MAX_ROWS or out.n_cols > MAX_COLS:
        raise Unreadable(f"la feuille {_q(sheet)} a des valeurs jusqu'à la ligne {fmt.nombre(out.n_rows)} et la "
                         f"colonne {get_column_letter(out.n_cols)} : un {door.noun} n'en a pas besoin ({limits}")
    if out.extent_rows > MAX_ROWS or out.extent_cols > MAX_COLS:
        raise Unreadable(f"la feuille {_q(sheet)} a des cellules, même vides ou seulement mises en forme, jusqu'à la "
                         f"ligne {fmt.nombre(out.extent_rows)} et la colonne {get_column_letter(out.extent_cols)} : "
                         f"un {door.noun} n'en a pas besoin ({limits}")
    if chars > MAX_TEXT_CHARS:
        raise Unreadable(f"la feuille {_q(sheet)} contient {fmt.nombre(chars)} caractères de texte (au plus "
                         f"{fmt.nombre(MAX_TEXT_CHARS)}) : aucun {door.noun} n'en a besoin ; " + door.redo)
    return out


def scan(data: bytes, sheets: tuple[str, ...] | None = None, *, door: Door = FOLLOWUP) -> dict[str, SheetScan]:
    """Check the file as a whole, then every sheet of the workbook; raises Unreadable (French).

    Returns the named sheets (names stripped; the first of a name, as the follow-up reads them) that
    are present, or with `sheets=None` every sheet, by the name the workbook gives it. After it
    returns, every part a cell reader needs has been decompressed here within its declared size, and
    every sheet's cells, empty ones included, lie within MAX_ROWS x MAX_COLS.
    """
    _refuse_by_kind(data, door)
    with _open_zip(data, door) as z:
        by_name = _check_directory(z, data, door)
    for name, info in by_name.items():
        if name.endswith((".xml", ".rels", ".vml")):
            _check_prolog(data, info, door)
    percent_xfs = _percent_styles(data, by_name.get("xl/styles.xml"), door)
    ss_len = _shared_string_lengths(data, by_name.get("xl/sharedstrings.xml"), door)
    every: dict[str, SheetScan] = {}
    by_part: dict[str, SheetScan] = {}
    out: dict[str, SheetScan] = {}
    for sheet, path in _sheet_paths(data, by_name, door):
        info = by_name.get(path) if path else None
        if info is None:  # a sheet the cell reader could not find either: the workbook is broken
            raise _corrupt(path or "xl/_rels/workbook.xml.rels", door)
        if path not in by_part:
            by_part[path] = _scan_sheet(data, info, sheet, percent_xfs, ss_len, door)
        found = by_part[path]
        every.setdefault(sheet, found)
        out.setdefault(sheet.strip(), found)
    if sheets is None:
        return every
    return {name: out[name] for name in sheets if name in out}


def read_rows(data: bytes, scans: dict[str, SheetScan]) -> dict[str, list[list]]:
    """The cell values of the scanned sheets (calamine), by the keys of `scans`; only after `scan`.

    Each sheet is read up to its scanned extent and no further (`nrows`); a sheet the cell reader
    sees larger than the scan did is refused (Unreadable), never converted."""
    from python_calamine import CalamineWorkbook  # noqa: PLC0415  (the only cell reader of the door)

    wb = CalamineWorkbook.from_filelike(io.BytesIO(data))
    out = {}
    for key, found in scans.items():
        sheet = wb.get_sheet_by_name(found.name or key)
        end = sheet.end
        if end is not None and (end[0] >= max(found.extent_rows, 1) or end[1] >= max(found.extent_cols, 1)):
            raise Unreadable(f"la feuille {_q(key)} n'est pas lue comme l'examen du classeur l'a vue (fichier "
                             "endommagé) : ouvrez-le dans Excel, enregistrez-le à nouveau, puis déposez-le")
        out[key] = sheet.to_python(skip_empty_area=False, nrows=max(found.extent_rows, 1))
    return out
