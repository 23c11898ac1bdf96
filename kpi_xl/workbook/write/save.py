"""Saving a planned write: the edited sheet parts, fresh chart caches, a full recalculation on load.

Every part the write does not change is copied with its compressed bytes
untouched (:func:`~kpi_xl.workbook.write.xlsx_package.write_package`, atomic).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path

from kpi_xl.workbook.template.builder import chart_ranges
from kpi_xl.workbook.write.charts import chart_ranges as ranges_of
from kpi_xl.workbook.write.charts import refresh_caches
from kpi_xl.workbook.write.edits import Edits
from kpi_xl.workbook.write.locks import backup_path
from kpi_xl.workbook.write.names import Cell
from kpi_xl.workbook.write.workbook import Workbook
from kpi_xl.workbook.write.xlsx_package import copy_atomic, decompress, write_package

_CALCPR = re.compile(rb"<((?:[A-Za-z_][\w.-]*:)?)calcPr\b([^>]*?)(/?)>")
_FULL_CALC = re.compile(rb"""\sfullCalcOnLoad\s*=\s*("[^"]*"|'[^']*')""")
_AFTER_CALCPR = re.compile(
    rb"<(?:[A-Za-z_][\w.-]*:)?(?:oleSize|customWorkbookViews|pivotCaches|smartTagPr|"
    rb"smartTagTypes|webPublishing|fileRecoveryPr|webPublishObjects|extLst)\b"
)
_WORKBOOK_END = re.compile(rb"</((?:[A-Za-z_][\w.-]*:)?)workbook>")


def full_calc_on_load(data: bytes) -> bytes:
    """workbook.xml asking for a full recalculation on load (unchanged if it already does)."""
    match = _CALCPR.search(data)
    if match is not None:
        attrs = match.group(2)
        full = _FULL_CALC.search(attrs)
        if full is not None and full.group(1)[1:-1] in (b"1", b"true"):
            return data
        attrs = _FULL_CALC.sub(b"", attrs) + b' fullCalcOnLoad="1"'
        tag = b"<" + match.group(1) + b"calcPr" + attrs + (b"/>" if match.group(3) else b">")
        return data[: match.start()] + tag + data[match.end() :]
    end = _WORKBOOK_END.search(data)
    if end is None:
        return data
    after = _AFTER_CALCPR.search(data)
    pos = after.start() if after is not None else end.start()
    return data[:pos] + b"<" + end.group(1) + b'calcPr fullCalcOnLoad="1"/>' + data[pos:]


def template_charts(wb: Workbook, lang: str, edits: Edits) -> dict[str, bytes]:
    """The chart parts of the bundled template, rendered with the values of ``edits``.

    A chart is the template's when it plots exactly the ranges of one of
    the builder's charts; any other chart (the user's) is not returned.
    """
    owned = chart_ranges(lang, wb.n_months)
    out = {}
    for m in wb.members:
        if m.name.startswith("xl/charts/chart") and m.name.endswith(".xml"):
            xml = decompress(wb.path, m)
            if ranges_of(xml) in owned:
                chart = refresh_caches(xml, edits.lookup, wb.info.date1904)
                if chart != xml:
                    out[m.name] = chart
    return out


def save(
    wb: Workbook,
    dest: Path,
    edits: Mapping[str, Mapping[Cell, bytes]],
    extra: Mapping[str, bytes] | None = None,
) -> None:
    """Write the workbook with ``edits`` applied and ``extra`` parts replaced, atomically."""
    parts = {part: wb.sheets[part].plan(cells).render(cells) for part, cells in edits.items()}
    parts.update(extra or {})
    calc = full_calc_on_load(wb.workbook_xml)
    if calc != wb.workbook_xml:
        parts[wb.info.workbook_part] = calc
    write_package(dest, wb.members, parts)


def keep_backup(path: Path) -> Path:
    """Copy ``path`` to ``<name>.bak`` atomically; return the backup's path.

    Like every write, through a temporary file removed if anything fails
    (a full disk leaves neither a ``.tmp`` nor half a backup), and an
    error names the backup.
    """
    saved = backup_path(path)
    copy_atomic(Path(path), saved)
    return saved
