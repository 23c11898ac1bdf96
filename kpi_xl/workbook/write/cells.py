"""Reading and writing cells of a worksheet part by splicing its XML bytes.

Why splicing rather than an XML tree: a refresh must leave every byte the
writer does not own exactly as it was (the user's cells, their formulas,
conditional formats, sparkline extensions...), and a batch fill must be
fast.  So a worksheet part is indexed once (where each ``<row>`` and
``<c>`` element starts and ends), and a write replaces only the ``<c>``
elements of the owned cells, inserting missing cells and rows in column and
row order.  The part is first parsed with lxml (entities off) so malformed
or hostile XML is refused before any byte is trusted; parts whose layout
the index cannot follow (cells without an ``r`` address, comments or CDATA
inside ``sheetData``: no known spreadsheet writes them) are normalised
through lxml first.

Values are always written as values: a number as ``<v>``, text as an
inline string (or ``t="str"`` for a formula's cached result).  A ``<f>`` is
never created from data, so ``=HYPERLINK(...)`` from an export stays text.
"""

from __future__ import annotations

import datetime as dt
import html
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from kpi_xl.errors import WorkbookError
from kpi_xl.workbook.contract import ExcelError
from kpi_xl.workbook.write.names import Cell, cell_ref, column_letters, column_number
from kpi_xl.workbook.write.xlsx_package import parse_xml

CellValue = float | str | dt.date | ExcelError | None

_TOKEN = re.compile(rb"<(/?)((?:[A-Za-z_][\w.-]*:)?)(row|c)\b([^>]*?)(/?)>")
_ATTR = re.compile(rb"""([\w:.-]+)\s*=\s*("[^"]*"|'[^']*')""")
_SHEETDATA = re.compile(rb"<((?:[A-Za-z_][\w.-]*:)?)sheetData\b[^>]*?(/?)>")
_F_TEXT = re.compile(rb"^<[^>]*?(?:/>|>(.*)</[^>]*>)$", re.S)
_F = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?f\b[^>]*?(?:/>|>.*?</(?:[A-Za-z_][\w.-]*:)?f>)", re.S)
_V = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?v\b[^>]*?(?:/>|>(.*?)</(?:[A-Za-z_][\w.-]*:)?v>)", re.S)
_IS = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?is\b[^>]*?(?:/>|>.*?</(?:[A-Za-z_][\w.-]*:)?is>)", re.S)
_T_TEXT = re.compile(
    rb"<(?:[A-Za-z_][\w.-]*:)?t\b[^>]*?(?:/>|>(.*?)</(?:[A-Za-z_][\w.-]*:)?t>)", re.S
)
_CELL_REF = re.compile(rb"^\$?([A-Za-z]{1,3})\$?(\d+)$")
_BAD_XML_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_DROPPED_ATTRS = (b"t", b"cm", b"vm")
EXCEL_EPOCH = dt.date(1899, 12, 30)
EPOCH_1904 = dt.date(1904, 1, 1)


@dataclass(frozen=True)
class CellXml:
    """A ``<c>`` element in the part: its byte span, attributes and content."""

    start: int
    end: int
    attrs: bytes  # the attribute text, leading space included
    inner: bytes  # content between the tags (b"" when self-closed)

    def attr(self, name: bytes) -> bytes | None:
        for key, value in _ATTR.findall(self.attrs):
            if key == name:
                return html.unescape(value[1:-1].decode("utf-8")).encode("utf-8")
        return None

    @property
    def formula(self) -> bytes | None:
        """The ``<f>`` element, verbatim, if the cell holds a formula."""
        match = _F.search(self.inner)
        return match.group(0) if match else None


@dataclass(frozen=True)
class RowXml:
    """A ``<row>`` element: where it starts, where its cells may be inserted, where it ends."""

    number: int
    start: int
    open_end: int  # just after the opening tag
    close: int  # where "</row>" starts (== end for a self-closed row)
    end: int
    attrs: bytes
    cells: tuple[tuple[int, int], ...]  # (column, start offset) in order


def _xml_text(text: str) -> bytes:
    """Text escaped for element content, with characters XML 1.0 forbids removed."""
    clean = _BAD_XML_CHARS.sub("", text)
    return clean.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").encode("utf-8")


def number_text(value: float) -> bytes:
    """The shortest exact decimal of a float, as ``<v>`` holds it (``12`` not ``12.0``)."""
    text = repr(float(value))
    return (text[:-2] if text.endswith(".0") else text).encode("ascii")


def date_serial(day: dt.date, date1904: bool = False) -> float:
    """A date as an Excel serial number (1900 or 1904 date system)."""
    return float((day - (EPOCH_1904 if date1904 else EXCEL_EPOCH)).days)


def serial_date(serial: float, date1904: bool = False) -> dt.date:
    return (EPOCH_1904 if date1904 else EXCEL_EPOCH) + dt.timedelta(days=int(serial))


class SheetXml:
    """An indexed worksheet part; see the module docstring."""

    def __init__(self, path: Path, part: str, data: bytes) -> None:
        self.path, self.part = path, part
        parse_xml(path, part, data)  # refuse hostile or malformed XML first
        if self._needs_normalising(data):
            data = _normalised(path, part, data)
        self.data = data
        self.rows: dict[int, RowXml] = {}
        self.cells: dict[Cell, CellXml] = {}
        self._shapes: dict[Cell, CellShape] = {}  # the part never changes: memoised
        self._index()

    @staticmethod
    def _needs_normalising(data: bytes) -> bool:
        match = _SHEETDATA.search(data)
        if match is None:
            return False
        body = data[match.end() : data.find(b"sheetData>", match.end())]
        if b"<!--" in body or b"<![CDATA[" in body:
            return True
        return any(b" r=" not in m.group(4) and not m.group(1) for m in _TOKEN.finditer(body))

    def _fail(self, problem: str) -> WorkbookError:
        return WorkbookError(self.path, f"sheet part {self.part!r}: {problem}",
                             hint="open it in Excel, save it, and try again")  # fmt: skip

    def _index(self) -> None:
        match = _SHEETDATA.search(self.data)
        if match is None:
            raise self._fail("no <sheetData> element")
        self.prefix = match.group(1)
        self.sheetdata_open = match
        self.sheetdata_self_closed = bool(match.group(2))
        if self.sheetdata_self_closed:
            self.sheetdata_close = match.start()
            return
        close = self.data.find(b"</" + self.prefix + b"sheetData>", match.end())
        if close < 0:
            raise self._fail("<sheetData> is not closed")
        self.sheetdata_close = close
        self._scan(match.end(), close)

    def _scan(self, begin: int, stop: int) -> None:
        row: tuple[int, int, int, bytes] | None = None  # number, start, open_end, attrs
        cells: list[tuple[int, int]] = []
        cell_open: tuple[Cell, re.Match[bytes]] | None = None
        for tok in _TOKEN.finditer(self.data, begin, stop):
            closing, name, self_closed = tok.group(1), tok.group(3), tok.group(5)
            if name == b"row" and not closing:
                number = int(_required(tok.group(4), b"r", self))
                row, cells = (number, tok.start(), tok.end(), tok.group(4)), []
                if self_closed:
                    self._add_row(row, tok.end(), tok.end(), cells)
                    row = None
            elif name == b"row":
                if row is None:
                    raise self._fail("unbalanced </row>")
                self._add_row(row, tok.start(), tok.end(), cells)
                row = None
            elif not closing:
                if row is None:
                    raise self._fail("a cell outside any row")
                cell = _parse_ref(_required(tok.group(4), b"r", self), self)
                cells.append((cell[1], tok.start()))
                if self_closed:
                    self.cells[cell] = CellXml(tok.start(), tok.end(), tok.group(4), b"")
                else:
                    cell_open = (cell, tok)
            else:
                if cell_open is None:
                    raise self._fail("unbalanced </c>")
                cell, opened = cell_open
                inner = self.data[opened.end() : tok.start()]
                self.cells[cell] = CellXml(opened.start(), tok.end(), opened.group(4), inner)
                cell_open = None

    def _add_row(
        self, row: tuple[int, int, int, bytes], close: int, end: int, cells: list[tuple[int, int]]
    ) -> None:
        number, start, open_end, attrs = row
        self.rows[number] = RowXml(number, start, open_end, close, end, attrs, tuple(cells))

    # ------------------------------------------------------------------ reading

    def value(self, cell: Cell, strings: Sequence[str]) -> CellValue:
        """The value a cell shows (a formula's cached value); None when empty."""
        xml = self.cells.get(cell)
        if xml is None:
            return None
        kind = xml.attr(b"t") or b"n"
        if kind == b"inlineStr":
            return "".join(
                html.unescape((m.group(1) or b"").decode("utf-8"))
                for m in _T_TEXT.finditer(xml.inner)
            )
        match = _V.search(xml.inner)
        text = html.unescape((match.group(1) or b"").decode("utf-8")) if match else None
        if text is None:
            return None
        if kind == b"s":
            index = int(text)
            return strings[index] if 0 <= index < len(strings) else None
        if kind in (b"str", b"e"):
            return text if kind == b"str" else None
        if kind == b"b":
            return float(text == "1")
        try:
            return float(text) if text.strip() else None
        except ValueError:
            return None

    def has_formula(self, cell: Cell) -> bool:
        return self.shape(cell).formula is not None

    # ------------------------------------------------------------------ writing

    def plan(self, cells: Iterable[Cell]) -> SplicePlan:
        """Where the ``<c>`` elements of ``cells`` go: a reusable :class:`SplicePlan`."""
        ops: list[tuple[int, int, int, list[bytes | Cell]]] = []
        new_rows: dict[int, list[Cell]] = {}
        row_inserts: dict[int, list[Cell]] = {}
        for cell in sorted(set(cells)):
            if cell in self.cells:
                xml = self.cells[cell]
                ops.append((xml.start, 1, xml.end, [cell]))
            elif cell[0] in self.rows:
                row_inserts.setdefault(cell[0], []).append(cell)
            else:
                new_rows.setdefault(cell[0], []).append(cell)
        for number, group in row_inserts.items():
            ops.extend(self._row_insert_ops(self.rows[number], group))
        ops.extend(self._new_row_ops(new_rows))
        ops.sort(key=lambda op: (op[0], op[1]))
        pieces: list[bytes | Cell] = []
        pos = 0
        for start, _, end, content in ops:
            pieces.append(self.data[pos:start])
            pieces.extend(content)
            pos = end
        pieces.append(self.data[pos:])
        return _merge_bytes(pieces)

    def _row_insert_ops(
        self, row: RowXml, group: list[Cell]
    ) -> list[tuple[int, int, int, list[bytes | Cell]]]:
        p = self.prefix
        if row.close == row.end:  # a self-closed row becomes an open one
            attrs = _widened_spans(row.attrs, group)
            content: list[bytes | Cell] = [b"<" + p + b"row" + attrs + b">", *group]
            return [(row.start, 1, row.end, [*content, b"</" + p + b"row>"])]
        ops: list[tuple[int, int, int, list[bytes | Cell]]] = []
        by_pos: dict[int, list[Cell]] = {}
        for cell in group:
            pos = next((s for c, s in row.cells if c > cell[1]), row.close)
            by_pos.setdefault(pos, []).append(cell)
        for pos, cells in by_pos.items():
            ops.append((pos, 0, pos, list(cells)))
        if b"spans=" in row.attrs:
            new_attrs = _widened_spans(row.attrs, group)
            if new_attrs != row.attrs:
                tag_start = row.start + 1 + len(p) + 3
                ops.append((tag_start, 0, tag_start + len(row.attrs), [new_attrs]))
        return ops

    def _new_row_ops(
        self, new_rows: Mapping[int, list[Cell]]
    ) -> list[tuple[int, int, int, list[bytes | Cell]]]:
        p = self.prefix
        ops: list[tuple[int, int, int, list[bytes | Cell]]] = []
        ordered = sorted(self.rows)
        by_pos: dict[int, list[bytes | Cell]] = {}
        for number in sorted(new_rows):
            after = next((self.rows[n].start for n in ordered if n > number), self.sheetdata_close)
            by_pos.setdefault(after, []).extend(
                [b"<" + p + b'row r="%d">' % number, *new_rows[number], b"</" + p + b"row>"]
            )
        for pos, content in by_pos.items():
            if self.sheetdata_self_closed:
                m = self.sheetdata_open
                head = self.data[m.start() : m.end() - 2].rstrip() + b">"
                content = [head, *content, b"</" + p + b"sheetData>"]
                ops.append((m.start(), 0, m.end(), content))
            else:
                ops.append((pos, 0, pos, content))
        return ops

    def shape(self, cell: Cell) -> CellShape:
        """What of a cell is kept when its value changes: style and formula."""
        shape = self._shapes.get(cell)
        if shape is None:
            shape = self._shapes[cell] = self._shape(cell)
        return shape

    def _shape(self, cell: Cell) -> CellShape:
        xml = self.cells.get(cell)
        ref = cell_ref(cell).encode("ascii")
        if xml is None:
            return CellShape(self.prefix, b' r="' + ref + b'"', None, b"")
        attrs = b"".join(
            b" " + k + b"=" + v for k, v in _ATTR.findall(xml.attrs) if k not in _DROPPED_ATTRS
        )
        kept = _IS.sub(b"", _V.sub(b"", xml.inner))
        formula = xml.formula
        if formula is not None:
            kept = kept.replace(formula, b"", 1)
        return CellShape(self.prefix, attrs, formula, kept)


def formula_text(formula: bytes) -> str:
    """The text of a verbatim ``<f>`` element, unescaped (no leading ``=``)."""
    match = _F_TEXT.match(formula)
    inner = (match.group(1) or b"") if match else b""
    return html.unescape(inner.decode("utf-8"))


@dataclass(frozen=True)
class CellShape:
    """A cell's fixed parts: tag prefix, attributes (no ``t``), formula, other children."""

    prefix: bytes
    attrs: bytes
    formula: bytes | None
    rest: bytes


def render_cell(shape: CellShape, value: CellValue, date1904: bool = False) -> bytes:
    """A ``<c>`` element: the formula (if any) kept, the value written as a value."""
    p = shape.prefix
    if isinstance(value, dt.date):
        value = date_serial(value, date1904)
    if isinstance(value, float | int) and not isinstance(value, bool):
        number = float(value)
        body = (
            b""
            if not math.isfinite(number)
            else b"<" + p + b"v>" + number_text(number) + b"</" + p + b"v>"
        )
        kind = b""
    elif value is None or (value == "" and shape.formula is None):
        body, kind = b"", b""
    elif isinstance(value, ExcelError):
        body = b"<" + p + b"v>" + _xml_text(value.code) + b"</" + p + b"v>"
        kind = b' t="e"'
    elif shape.formula is not None:
        body = b"<" + p + b"v>" + _xml_text(str(value)) + b"</" + p + b"v>"
        kind = b' t="str"'
    else:
        text = str(value)
        space = b' xml:space="preserve"' if text != text.strip() else b""
        body = (
            b"<"
            + p
            + b"is><"
            + p
            + b"t"
            + space
            + b">"
            + _xml_text(text)
            + b"</"
            + p
            + b"t></"
            + p
            + b"is>"
        )
        kind = b' t="inlineStr"'
    formula = shape.formula or b""
    return (
        b"<"
        + p
        + b"c"
        + shape.attrs
        + kind
        + b">"
        + formula
        + body
        + shape.rest
        + b"</"
        + p
        + b"c>"
    )


@dataclass(frozen=True)
class SplicePlan:
    """A part cut around its owned cells: constant bytes and cell slots, in order."""

    pieces: tuple[bytes | Cell, ...]

    def render(self, cells: Mapping[Cell, bytes]) -> bytes:
        """The part with each slot replaced by the new ``<c>`` element of its cell."""
        return b"".join(p if isinstance(p, bytes) else cells[p] for p in self.pieces)


def _merge_bytes(pieces: list[bytes | Cell]) -> SplicePlan:
    out: list[bytes | Cell] = []
    for piece in pieces:
        if isinstance(piece, bytes) and out and isinstance(out[-1], bytes):
            out[-1] = out[-1] + piece
        elif not (isinstance(piece, bytes) and not piece):
            out.append(piece)
    return SplicePlan(tuple(out))


def _required(attrs: bytes, name: bytes, sheet: SheetXml) -> bytes:
    for key, value in _ATTR.findall(attrs):
        if key == name:
            return bytes(value[1:-1])
    raise sheet._fail(f"an element without its {name.decode()!r} attribute")


def _parse_ref(ref: bytes, sheet: SheetXml) -> Cell:
    match = _CELL_REF.match(ref)
    if match is None:
        raise sheet._fail(f"bad cell address {ref.decode(errors='replace')!r}")
    return int(match.group(2)), column_number(match.group(1).decode("ascii"))


def _widened_spans(attrs: bytes, cells: list[Cell]) -> bytes:
    """A row's ``spans="1:13"`` hint widened to cover inserted cells."""
    match = re.search(rb'spans="(\d+):(\d+)"', attrs)
    if match is None:
        return attrs
    low = min(int(match.group(1)), *(c[1] for c in cells))
    high = max(int(match.group(2)), *(c[1] for c in cells))
    return attrs[: match.start()] + b'spans="%d:%d"' % (low, high) + attrs[match.end() :]


def _normalised(path: Path, part: str, data: bytes) -> bytes:
    """The part re-serialised by lxml with every row and cell given its address."""
    root = parse_xml(path, part, data)
    for node in list(root.iter(etree.Comment)):
        parent = node.getparent()
        if parent is not None:
            parent.remove(node)
    row_number = 0
    for row in root.iter("{*}row"):
        row_number = int(row.get("r") or row_number + 1)
        row.set("r", str(row_number))
        col = 0
        for c in row.iterchildren("{*}c"):
            ref = c.get("r")
            col = column_number(re.sub(r"\d", "", ref).lstrip("$")) if ref else col + 1
            c.set("r", f"{column_letters(col)}{row_number}")
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True))
