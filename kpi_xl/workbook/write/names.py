"""The structure of a workbook: sheets, their parts, defined names, calc settings.

The writer works by defined name, never by coordinates: ``in_revenue`` is
resolved here to the sheet part (``xl/worksheets/sheet2.xml``) and the
cells (row, column; 1-based) it covers.  Only workbook-scoped names count
(a sheet-scoped name of the same spelling is a user's own).
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from kpi_xl.errors import WorkbookError
from kpi_xl.workbook.write.xlsx_package import parse_xml

REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
OFFICE_DOC = "/officeDocument"
SHARED_STRINGS = "/sharedStrings"

REF = re.compile(
    r"^(?:'(?P<quoted>(?:[^']|'')+)'|(?P<plain>[^'!\s]+))!"
    r"\$?(?P<c1>[A-Za-z]{1,3})\$?(?P<r1>\d+)(?::\$?(?P<c2>[A-Za-z]{1,3})\$?(?P<r2>\d+))?$"
)

Cell = tuple[int, int]  # (row, column), 1-based

#: The most cells a name is expanded to.  The contract's largest names hold 15
#: cells; a user's name may cover a whole sheet (17 billion cells), which is
#: only ever sized, never listed.
MAX_NAME_CELLS = 10_000


def column_number(letters: str) -> int:
    """``"A"`` -> 1, ``"AB"`` -> 28."""
    n = 0
    for ch in letters.upper():
        n = n * 26 + ord(ch) - 64
    return n


def column_letters(n: int) -> str:
    """1 -> ``"A"``, 28 -> ``"AB"``."""
    out = ""
    while n:
        n, rem = divmod(n - 1, 26)
        out = chr(65 + rem) + out
    return out


def cell_ref(cell: Cell) -> str:
    return f"{column_letters(cell[1])}{cell[0]}"


@dataclass(frozen=True)
class NameRef:
    """A defined name resolved: its sheet, the sheet's part and its cells in order.

    ``cells`` is empty for a range over :data:`MAX_NAME_CELLS`; ``size``
    always counts the cells the range covers.
    """

    name: str
    sheet: str
    part: str
    cells: tuple[Cell, ...]
    size: int = -1

    def __post_init__(self) -> None:
        if self.size < 0:
            object.__setattr__(self, "size", len(self.cells))


@dataclass
class WorkbookInfo:
    """What the writer needs from workbook.xml and its relationships."""

    workbook_part: str
    sheets: dict[str, str]  # sheet name -> part name
    names: dict[str, NameRef]
    shared_strings_part: str | None
    date1904: bool
    unresolved: dict[str, str] = field(default_factory=dict)  # name -> formula text


def _local(tag: object) -> str:
    return etree.QName(tag).localname if isinstance(tag, str) else ""


def _rels(path: Path, members: Mapping[str, bytes], part: str) -> dict[str, tuple[str, str]]:
    """Relationships of ``part``: id -> (type suffix, target part name)."""
    folder, base = posixpath.split(part)
    rels_name = posixpath.join(folder, "_rels", base + ".rels")
    if rels_name not in members:
        return {}
    root = parse_xml(path, rels_name, members[rels_name])
    out: dict[str, tuple[str, str]] = {}
    for rel in root:
        if _local(rel.tag) != "Relationship" or rel.get("TargetMode") == "External":
            continue
        target = rel.get("Target", "")
        full = target.lstrip("/") if target.startswith("/") else posixpath.join(folder, target)
        kind = rel.get("Type", "")
        out[rel.get("Id", "")] = (kind[kind.rfind("/") :], posixpath.normpath(full))
    return out


def _bounds(match: re.Match[str]) -> tuple[int, int, int, int]:
    c1, r1 = column_number(match["c1"]), int(match["r1"])
    c2 = column_number(match["c2"]) if match["c2"] else c1
    r2 = int(match["r2"]) if match["r2"] else r1
    return r1, c1, r2, c2


def range_size(match: re.Match[str]) -> int:
    """How many cells a reference covers, counted without listing them."""
    r1, c1, r2, c2 = _bounds(match)
    return (abs(r2 - r1) + 1) * (abs(c2 - c1) + 1)


def range_cells(match: re.Match[str], limit: int = MAX_NAME_CELLS) -> tuple[Cell, ...] | None:
    """The cells of a reference row by row, or None when it covers more than ``limit``."""
    if range_size(match) > limit:
        return None
    r1, c1, r2, c2 = _bounds(match)
    return tuple(
        (r, c)
        for r in range(min(r1, r2), max(r1, r2) + 1)
        for c in range(min(c1, c2), max(c1, c2) + 1)
    )


def read_workbook_info(path: Path, members: Mapping[str, bytes]) -> WorkbookInfo:
    """Sheets, defined names and settings of a workbook from its (decompressed) parts.

    ``members`` maps part names to content; only the small parts needed here
    are read (root rels, workbook.xml and its rels).
    """
    root_rels = _rels(path, members, "")
    workbook_part = next((t for k, t in root_rels.values() if k == OFFICE_DOC), "xl/workbook.xml")
    if workbook_part not in members:
        raise WorkbookError(path, "no workbook part in the file: not an xlsx workbook",
                            hint="save it from Excel as 'Excel Workbook (*.xlsx)'")  # fmt: skip
    root = parse_xml(path, workbook_part, members[workbook_part])
    rels = _rels(path, members, workbook_part)
    sheets: dict[str, str] = {}
    order: list[str] = []
    date1904 = False
    names: dict[str, NameRef] = {}
    unresolved: dict[str, str] = {}
    for el in root.iter():
        tag = _local(el.tag)
        if tag == "sheet":
            rid = el.get(f"{{{REL_NS}}}id") or el.get(
                "{http://purl.oclc.org/ooxml/officeDocument/relationships}id", ""
            )
            if rid in rels:
                sheets[el.get("name", "")] = rels[rid][1]
            order.append(el.get("name", ""))
        elif tag == "workbookPr":
            date1904 = el.get("date1904", "0").lower() in ("1", "true")
        elif tag == "definedName" and el.get("localSheetId") is None:
            text = (el.text or "").strip()
            match = REF.match(text)
            name = el.get("name", "")
            sheet = (match["quoted"] or "").replace("''", "'") or match["plain"] if match else ""
            if match and sheet in sheets:
                cells = range_cells(match) or ()
                names[name] = NameRef(name, sheet, sheets[sheet], cells, range_size(match))
            else:
                unresolved[name] = text
    shared = next((t for k, t in rels.values() if k == SHARED_STRINGS), None)
    return WorkbookInfo(workbook_part, sheets, names, shared, date1904, unresolved)


def shared_strings(path: Path, part: str, data: bytes) -> list[str]:
    """The shared string table (rich text runs joined, phonetic hints left out)."""
    root = parse_xml(path, part, data)
    out: list[str] = []
    for si in root:
        if _local(si.tag) != "si":
            continue
        texts = [
            t.text or ""
            for t in si.iter()
            if _local(t.tag) == "t" and _local(t.getparent().tag) != "rPh"  # type: ignore[union-attr]
        ]
        out.append("".join(texts))
    return out
