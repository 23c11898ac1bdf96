"""Chart data caches of a new report: charts drawn right before any recalculation.

A chart part keeps a copy of the numbers it plots (``<c:numCache>``), which
viewers that do not recalculate (Protected View, file previewers, mobile
apps) draw as they are.  When a new report is filled, every series whose
range is made only of cells the writer knows (the ``months`` row, the
``in_*`` rows, the ``kpi_*`` rows...) gets its cache rewritten from those
cells' new values.  Series over other cells are left as they are; Excel and
LibreOffice redraw every chart anyway when they open the file
(``fullCalcOnLoad``).  A refresh only updates the charts of the bundled
template (a chart plotting exactly the ranges of one of the builder's
charts); every other chart is the user's and stays byte for byte.
"""

from __future__ import annotations

import datetime as dt
import html
import math
import re
from collections.abc import Callable

from kpi_xl.workbook.template.cached import canonical
from kpi_xl.workbook.write.cells import CellValue, date_serial, number_text
from kpi_xl.workbook.write.names import REF, Cell, range_cells

_NUM_REF = re.compile(
    rb"(<c:numRef>\s*<c:f>)([^<]*)(</c:f>\s*)<c:numCache>(.*?)</c:numCache>", re.S
)
_RANGE = re.compile(rb"<c:f>([^<]*)</c:f>")
_FORMAT = re.compile(rb"<c:formatCode>.*?</c:formatCode>", re.S)

#: Values of a sheet's cells by sheet name, or None when any cell is unknown.
Lookup = Callable[[str, tuple[Cell, ...]], list[CellValue] | None]


def _points(values: list[CellValue], date1904: bool) -> bytes:
    out = [b'<c:ptCount val="%d"/>' % len(values)]
    for i, value in enumerate(values):
        if isinstance(value, dt.date):
            value = date_serial(value, date1904)
        if isinstance(value, float | int) and math.isfinite(value):
            out.append(b'<c:pt idx="%d"><c:v>%s</c:v></c:pt>' % (i, number_text(float(value))))
    return b"".join(out)


def chart_ranges(xml: bytes) -> frozenset[str]:
    """The ranges a chart part plots (series values, categories, names), canonical."""
    return frozenset(
        canonical(html.unescape(m.group(1).decode("utf-8")).strip()) for m in _RANGE.finditer(xml)
    )


def refresh_caches(xml: bytes, lookup: Lookup, date1904: bool = False) -> bytes:
    """``xml`` (a chart part) with the caches of fully known series rewritten."""

    def replace(match: re.Match[bytes]) -> bytes:
        ref = REF.match(html.unescape(match.group(2).decode("utf-8")).strip())
        if ref is None:
            return match.group(0)
        sheet = (ref["quoted"] or "").replace("''", "'") or ref["plain"]
        cells = range_cells(ref)  # None: too large to be one the writer knows
        values = lookup(sheet, cells) if cells is not None else None
        if values is None:
            return match.group(0)
        fmt = _FORMAT.search(match.group(4))
        cache = (fmt.group(0) if fmt else b"") + _points(values, date1904)
        return (
            match.group(1)
            + match.group(2)
            + match.group(3)
            + b"<c:numCache>"
            + cache
            + b"</c:numCache>"
        )

    return _NUM_REF.sub(replace, xml)
