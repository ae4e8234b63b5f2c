"""Reading the plan workbook: the door (`xlsx_scan`, the same one as the follow-up's), raw
sheets (calamine, each read up to the extent the door scanned), then validation, then the frozen Plan.

It never formats nor computes a figure: it hands a validated Plan to metrics.
"""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd

from dashboard import xlsx_scan
from dashboard.plan.schema import ATTRS, README_SHEET, Plan, PlanError, Problem
from dashboard.plan.validate import validate_sheets

DEFAULT_PLAN_PATH = Path("data/plan_2023_2028.xlsx")


def read_sheets(workbook) -> dict[str, pd.DataFrame]:
    """Every sheet of the workbook (bytes, a path or a binary file) as raw DataFrames, header on row 1.

    The workbook goes through the door first (xlsx_scan.Unreadable, in French, when it is refused);
    each sheet is then read (calamine) up to the rows the door scanned, never further."""
    if isinstance(workbook, bytes | bytearray):
        data = bytes(workbook)
    elif isinstance(workbook, str | Path):
        path = Path(workbook)
        refused = xlsx_scan.too_big(path.stat().st_size, xlsx_scan.PLAN)
        if refused is not None:  # not even read into memory
            raise refused
        data = path.read_bytes()
    else:
        data = workbook.read(xlsx_scan.MAX_UPLOAD_BYTES + 1)
    scans = xlsx_scan.scan(data, None, door=xlsx_scan.PLAN)
    # Each cell as typed: only an empty cell is blank (pandas would also blank « nan », « NA » or « null »)
    # and no text becomes a number (« 1e309 » stays what was typed): the validation sees and quotes it.
    with pd.ExcelFile(io.BytesIO(data), engine="calamine") as book:
        return {name: pd.read_excel(book, sheet_name=name, nrows=max(scans[name].extent_rows - 1, 0),
                                    keep_default_na=False, na_values=[""], dtype=object)
                for name in book.sheet_names}


def load_plan(path: str | Path = DEFAULT_PLAN_PATH) -> Plan:
    """Read, normalise and validate the plan workbook; raise PlanError listing every problem."""
    path = Path(path)
    if not path.exists():
        raise PlanError([Problem(str(path), None, None, "le fichier du plan est introuvable : vérifiez le chemin (variable DASHBOARD_PLAN).")])
    return _validated(path, path.name, source=str(path))


def load_plan_bytes(data: bytes, file_name: str, *, version: str = "") -> Plan:
    """The same reading and validation as load_plan, for a workbook held in memory (an upload, a stored
    version); `version` names a stored version (the plan's identity for caches)."""
    return _validated(data, file_name, source=file_name, version=version)


def _validated(workbook, name: str, *, source: str, version: str = "") -> Plan:
    try:
        raw = read_sheets(workbook)
    except xlsx_scan.Unreadable as err:  # refused by the door: its French message says why and what to do
        raise PlanError([Problem(name, None, None, str(err))]) from err
    except Exception as exc:  # not a workbook, corrupt zip, locked file
        raise PlanError([Problem(name, None, None, f"ce fichier n'est pas un classeur Excel lisible ({exc.__class__.__name__}) : enregistrez-le au format .xlsx.")]) from exc
    frames, periode, problems = validate_sheets(raw)
    if problems:
        raise PlanError(problems)
    return Plan(**{ATTRS[s]: frames[s] for s in ATTRS}, periode=periode, source=source,
                lisez_moi=raw.get(README_SHEET, pd.DataFrame()), version=version)
