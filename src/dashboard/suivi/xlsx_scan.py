"""Bounded, hardened look at an uploaded workbook before any cell is read (pure, no store).

Why: a follow-up workbook is a zip of XML parts. Read naively, a 4 MB upload may decompress to
gigabytes, one far-away cell makes the cell reader allocate a dense range of billions of cells,
and an XML part may carry DOCTYPE / entity declarations (never written by Excel). `scan` runs
first and refuses, in French, what no real follow-up workbook needs:

1. the kind of file (empty, CSV, legacy .xls, password-protected, zip that is not a workbook,
   truncated), from its first bytes and its zip directory;
2. the zip directory: number of parts, each part's uncompressed size, the total, the
   compression ratio; each part read is decompressed by this module in chunks, never beyond
   the size the directory declares;
3. every XML part is parsed with expat in streaming mode, DTDs and entities refused (as
   defusedxml does); the two imported sheets are parsed whole, which gives what the cell
   reader (calamine) does not: Excel error cells, percent-formatted cells, formulas without a
   cached value, and the extent of the cells holding a value.

One module (about 500 lines) on purpose: the three defences share the limits and the bounded
chunk reader, and they are reviewed together as one boundary; split, the bounded reader would be
one import away from code that could open the zip without it.
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

# What no real follow-up workbook needs (the template of the plan is ~30 KB, 10 parts; a
# workbook back-filled with 10 000 indicator rows is 0,35 MB, its sheet 3,4 MB of XML).
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


@dataclass
class SheetScan:
    """What the streaming pass learned about one sheet (0-based row, column)."""

    errors: dict[tuple[int, int], str] = field(default_factory=dict)  # French error name
    percent: set[tuple[int, int]] = field(default_factory=set)  # numbers formatted as percent
    uncalculated: set[tuple[int, int]] = field(default_factory=set)  # formula, no cached value
    n_rows: int = 0
    n_cols: int = 0


def _mo(n: int) -> str:
    return f"{fmt.nombre(n / 1024 / 1024, 1)} Mo" if n < 1024 ** 3 else f"{fmt.nombre(n / 1024 ** 3, 1)} Go"




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


def _refuse_by_kind(data: bytes) -> None:
    if not data:
        raise Unreadable("le fichier est vide (0 octet) : enregistrez à nouveau le classeur depuis Excel, "
                         "puis déposez-le")
    if len(data) > MAX_UPLOAD_BYTES:
        raise Unreadable(f"le fichier pèse {_mo(len(data))}, au-delà de la limite de {MAX_UPLOAD_MB} Mo "
                         "(un classeur de suivi pèse quelques dizaines de Ko) : repartez du modèle de l'année, "
                         "sans images ni feuilles ajoutées")
    if data.startswith(OLE_MAGIC):
        if "EncryptedPackage".encode("utf-16-le") in data or "EncryptionInfo".encode("utf-16-le") in data:
            raise Unreadable("le classeur est protégé par un mot de passe : ouvrez-le dans Excel, retirez le "
                             "mot de passe (Fichier > Informations > Protéger le classeur > Chiffrer avec mot "
                             "de passe : videz le champ), enregistrez, puis déposez-le à nouveau")
        raise Unreadable("c'est un classeur Excel à l'ancien format (.xls) : ouvrez-le dans Excel, « Enregistrer "
                         "sous » au format « Classeur Excel (.xlsx) », puis déposez le fichier .xlsx")
    if not data.startswith(b"PK"):
        if _looks_like_text(data):
            raise Unreadable("c'est un fichier texte (CSV ou autre), pas un classeur Excel : " + REDO
                             + " (ou ouvrez ce fichier dans Excel et « Enregistrer sous » au format .xlsx)")
        raise Unreadable("ce fichier n'est pas un classeur Excel : " + REDO)


def _open_zip(data: bytes) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError) as exc:
        if data.startswith(b"PK\x03\x04"):
            raise Unreadable("le fichier est incomplet (tronqué : téléchargement ou copie interrompus) : "
                             "enregistrez à nouveau le classeur depuis Excel, puis déposez-le") from exc
        raise Unreadable("ce fichier n'est pas un classeur Excel : " + REDO) from exc


# ---------------------------------------------------------------------------------------------
# 2. The zip directory, and bounded decompression of one part
# ---------------------------------------------------------------------------------------------

def _check_directory(z: zipfile.ZipFile, data: bytes) -> dict[str, zipfile.ZipInfo]:
    infos = z.infolist()
    if len(infos) > MAX_MEMBERS:
        raise Unreadable(f"le classeur contient {fmt.nombre(len(infos))} parties internes (au plus "
                         f"{MAX_MEMBERS}) : aucun classeur de suivi n'en a besoin ; " + REDO)
    by_name = {i.filename: i for i in infos}
    if "xl/workbook.xml" not in by_name:
        if "xl/workbook.bin" in by_name:
            raise Unreadable("c'est un classeur Excel binaire (.xlsb) : ouvrez-le dans Excel, « Enregistrer sous » "
                             "au format « Classeur Excel (.xlsx) », puis déposez le fichier .xlsx")
        if "mimetype" in by_name and b"opendocument.spreadsheet" in data[:200]:
            raise Unreadable("c'est un classeur LibreOffice (.ods) : Fichier > Enregistrer sous > « Excel "
                             "2007-365 (.xlsx) », puis déposez le fichier .xlsx")
        raise Unreadable("c'est une archive zip mais pas un classeur Excel (.xlsx) : déposez le classeur de "
                         "suivi lui-même (s'il est dans l'archive, extrayez-le d'abord)")
    total = 0
    for i in infos:
        if i.flag_bits & 0x1:
            raise Unreadable("le classeur est protégé par un mot de passe : ouvrez-le dans Excel, retirez le mot "
                             "de passe, enregistrez, puis déposez-le à nouveau")
        if i.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise Unreadable(f"une partie du classeur (« {i.filename} ») est compressée d'une façon qu'Excel "
                             "n'emploie pas : ouvrez le fichier dans Excel, enregistrez-le au format .xlsx, puis "
                             "déposez-le à nouveau")
        if i.file_size > MAX_MEMBER_BYTES:
            raise Unreadable(f"une partie du classeur (« {i.filename} ») occupe {_mo(i.file_size)} une fois "
                             f"décompressée (au plus {_mo(MAX_MEMBER_BYTES)}) : aucun classeur de suivi n'en a "
                             "besoin ; " + REDO)
        if i.file_size > RATIO_FLOOR and i.file_size > MAX_RATIO * max(i.compress_size, 1):
            ratio = i.file_size / max(i.compress_size, 1)
            raise Unreadable(f"une partie du classeur (« {i.filename} ») est compressée de façon anormale "
                             f"(×{fmt.nombre(ratio)} ; un classeur ordinaire reste sous ×{MAX_RATIO}) : ce "
                             "fichier n'est pas un classeur de suivi ordinaire ; " + REDO)
        total += i.file_size
    if total > MAX_TOTAL_BYTES:
        raise Unreadable(f"le classeur occupe {_mo(total)} une fois décompressé (au plus {_mo(MAX_TOTAL_BYTES)}) : "
                         "aucun classeur de suivi n'en a besoin ; " + REDO)
    return by_name


def _corrupt(name: str) -> Unreadable:
    return Unreadable(f"le classeur est endommagé (partie « {name} » illisible) : ouvrez-le dans Excel, "
                      "enregistrez-le à nouveau, puis déposez-le ; sinon " + REDO)


def _chunks(data: bytes, info: zipfile.ZipInfo) -> Iterator[bytes]:
    """The part's bytes, decompressed in chunks; never more than the size the directory declares."""
    off = info.header_offset
    head = data[off:off + 30]
    if len(head) < 30 or head[:4] != b"PK\x03\x04":
        raise _corrupt(info.filename)
    n_name, n_extra = struct.unpack("<HH", head[26:30])
    start = off + 30 + n_name + n_extra
    comp = memoryview(data)[start:start + info.compress_size]
    if len(comp) < info.compress_size:
        raise Unreadable("le fichier est incomplet (tronqué : téléchargement ou copie interrompus) : "
                         "enregistrez à nouveau le classeur depuis Excel, puis déposez-le")
    left = info.file_size
    if info.compress_type == zipfile.ZIP_STORED:
        if info.compress_size != info.file_size:
            raise _corrupt(info.filename)
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
                raise Unreadable(f"une partie du classeur (« {info.filename} ») contient plus de données "
                                 "qu'annoncé : ce fichier n'est pas un classeur ordinaire ; " + REDO)
            if out:
                yield out
            if d.eof:
                break
    except zlib.error as exc:
        raise _corrupt(info.filename) from exc
    if left != 0 or not d.eof:
        raise _corrupt(info.filename)


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


def _parse(data: bytes, info: zipfile.ZipInfo, p: expat.XMLParserType, *, prolog_only: bool = False) -> None:
    """Feed one part to `p`, chunk by chunk; French Unreadable on a DTD or broken XML."""
    chunks = _chunks(data, info)
    try:
        for chunk in chunks:
            p.Parse(chunk, False)
        p.Parse(b"", True)
    except _Stop:
        for _ in chunks:  # not parsed, only decompressed: its size must be the declared one
            pass
        return
    except _Forbidden as exc:
        raise Unreadable(f"le classeur contient une déclaration DOCTYPE ou d'entités XML (partie « {info.filename} »), "
                         "qu'Excel n'écrit jamais : ce fichier n'a pas été enregistré par Excel et n'est pas "
                         "importé ; " + REDO) from exc
    except expat.ExpatError as exc:
        if prolog_only and exc.code == expat.errors.codes.get(expat.errors.XML_ERROR_NO_ELEMENTS):
            return
        raise _corrupt(info.filename) from exc


def _local(name: str) -> str:
    return name.rpartition(":")[2]


def _check_prolog(data: bytes, info: zipfile.ZipInfo) -> None:
    """A DOCTYPE can only come before the root element: parse up to it (legacy VML need not be well formed)."""
    def start(name, attrs):
        raise _Stop

    _parse(data, info, _parser(start=start), prolog_only=True)  # the rest is decompressed, size checked


def _read_small(data: bytes, info: zipfile.ZipInfo, start=None, end=None, text=None) -> None:
    _parse(data, info, _parser(start, end, text))


def _sheet_paths(data: bytes, by_name: dict[str, zipfile.ZipInfo]) -> dict[str, str]:
    """Sheet name (stripped) -> part name, from workbook.xml and its relationships."""
    rid_of: dict[str, str] = {}

    def wb_start(name, attrs):
        if _local(name) == "sheet":
            rid = next((v for k, v in attrs.items() if ":" in k and _local(k) == "id"), None)
            if rid and "name" in attrs:
                rid_of.setdefault(attrs["name"].strip(), rid)

    _read_small(data, by_name["xl/workbook.xml"], start=wb_start)
    target_of: dict[str, str] = {}

    def rel_start(name, attrs):
        if _local(name) == "Relationship" and "Id" in attrs and "Target" in attrs:
            target_of[attrs["Id"]] = attrs["Target"]

    rels = by_name.get("xl/_rels/workbook.xml.rels")
    if rels is not None:
        _read_small(data, rels, start=rel_start)
    out = {}
    for sheet, rid in rid_of.items():
        t = target_of.get(rid)
        if t:
            out[sheet] = t.lstrip("/") if t.startswith("/") else "xl/" + t
    return out


_QUOTED = re.compile(r'"[^"]*"|\\.')


def _percent_styles(data: bytes, info: zipfile.ZipInfo | None) -> set[int]:
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

    _read_small(data, info, start=start, end=end)
    percent_ids = {"9", "10"} | {k for k, code in custom.items() if "%" in _QUOTED.sub("", code)}
    return {i for i, f in enumerate(xf_fmts) if f in percent_ids}


def _shared_string_lengths(data: bytes, info: zipfile.ZipInfo | None) -> list[int]:
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

    _read_small(data, info, start, end, text)
    return lengths


_REF = re.compile(r"^\$?([A-Za-z]{1,3})\$?(\d+)$")


def _col_index(letters: str) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + ord(ch) - 64
    return n - 1


def _scan_sheet(data: bytes, info: zipfile.ZipInfo, sheet: str, percent_xfs: set[int],
                ss_len: list[int]) -> SheetScan:
    out = SheetScan()
    errors, percent, uncalculated = out.errors, out.percent, out.uncalculated
    col_of: dict[str, int] = {}
    # The current position and cell, in closure variables: the handler runs once per XML element
    # (a start handler only: a cell is judged when the next one, the next row or the end comes).
    row = col = max_row = max_col = -1
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
        elif s is not None and percent_xfs and (t is None or t == "n"):
            try:
                if int(s) in percent_xfs:
                    percent.add((row, col))
            except ValueError:
                pass

    def start(name, attrs):
        nonlocal row, col, t, s, cur, has_f, has_is, in_v, vtext
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
                        raise _corrupt(info.filename)
                    c = col_of[letters] = _col_index(m.group(1))
                col = c
                digits = ref[len(letters):]
                if digits:  # the cell reader places a cell by its own reference, not by its row's
                    row = int(digits) - 1
            else:
                col += 1
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
            row = int(r) - 1 if r and r.isdigit() else row + 1
            col = -1
        else:
            in_v = False

    def text(chunk):
        nonlocal vtext
        if in_v:
            vtext += chunk

    _parse(data, info, _parser(start, None, text))
    if cur:
        flush()
    out.n_rows, out.n_cols = max_row + 1, max_col + 1
    if out.n_rows > MAX_ROWS or out.n_cols > MAX_COLS:
        raise Unreadable(f"la feuille « {sheet} » a des valeurs jusqu'à la ligne {fmt.nombre(out.n_rows)} et la "
                         f"colonne {get_column_letter(out.n_cols)} : un classeur de suivi n'en a pas besoin (au plus "
                         f"{fmt.nombre(MAX_ROWS)} lignes et {MAX_COLS} colonnes) ; supprimez les lignes et colonnes "
                         "en trop, ou repartez du modèle de l'année")
    if chars > MAX_TEXT_CHARS:
        raise Unreadable(f"la feuille « {sheet} » contient {fmt.nombre(chars)} caractères de texte (au plus "
                         f"{fmt.nombre(MAX_TEXT_CHARS)}) : aucun classeur de suivi n'en a besoin ; " + REDO)
    return out


def scan(data: bytes, sheets: tuple[str, ...]) -> dict[str, SheetScan]:
    """Check the file as a whole, then scan the named sheets (those present); raises Unreadable (French).

    After it returns, every part a cell reader needs has been decompressed here within its
    declared size, and the named sheets hold values within MAX_ROWS x MAX_COLS.
    """
    _refuse_by_kind(data)
    with _open_zip(data) as z:
        by_name = _check_directory(z, data)
    for name, info in by_name.items():
        if name.endswith((".xml", ".rels", ".vml")):
            _check_prolog(data, info)
    paths = _sheet_paths(data, by_name)
    percent_xfs = _percent_styles(data, by_name.get("xl/styles.xml"))
    ss_len = _shared_string_lengths(data, by_name.get("xl/sharedStrings.xml"))
    out = {}
    for sheet in sheets:
        path = paths.get(sheet)
        if path is None:
            continue
        info = by_name.get(path)
        if info is None:
            raise _corrupt(path)
        out[sheet] = _scan_sheet(data, info, sheet, percent_xfs, ss_len)
    return out
