"""Fill and refresh KPI workbooks by defined name, losing nothing.

The workbook is never round-tripped through openpyxl's writer (which drops
cached formula values, text boxes, sparklines and Excel 2010 conditional
formats).  Instead:

* the xlsx is read as a zip (:mod:`~kpi_xl.workbook.write.xlsx_package`, with size
  limits and entity declarations refused);
* the contract names are resolved to cells (:mod:`~kpi_xl.workbook.write.names`);
* only the worksheet parts holding contract cells are edited, by splicing
  the ``<c>`` elements of those cells (:mod:`~kpi_xl.workbook.write.cells`), and
  ``workbook.xml`` gets ``fullCalcOnLoad="1"``;
* every other part is copied with its compressed bytes untouched;
* the result is written to a temporary file and renamed over the target.

Formula cells keep their formula and get a correct cached value, with the
settings read from the workbook itself, so every viewer shows the right
numbers even before a recalculation: the contract's formula cells by name
(:func:`kpi_xl.workbook.contract.formula_values`), and in a workbook made
from the bundled template every other formula the builder wrote (Dashboard
title, helper cells behind the sparklines and charts, month headers...),
wherever the cell still holds the builder's formula
(:meth:`Workbook.template_cells`).

The job is split by what each part does: :mod:`~kpi_xl.workbook.write.workbook`
reads (parts, names, settings, inputs), :mod:`~kpi_xl.workbook.write.edits`
plans the new cells, :mod:`~kpi_xl.workbook.write.save` writes them and
:mod:`~kpi_xl.workbook.write.locks` says whether the file may be written.
This module holds the public entry points: :class:`Template` parses a
workbook once and fills it many times (batch), :func:`fill` and
:func:`refresh`.
"""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path

import pandas as pd

from kpi_xl.workbook.write.cells import SplicePlan
from kpi_xl.workbook.write.charts import refresh_caches
from kpi_xl.workbook.write.edits import SettingsUpdate, WriteSummary, plan_edits
from kpi_xl.workbook.write.locks import backup_path, check_not_open, lock_files
from kpi_xl.workbook.write.names import Cell
from kpi_xl.workbook.write.save import full_calc_on_load, keep_backup, save, template_charts
from kpi_xl.workbook.write.workbook import Workbook
from kpi_xl.workbook.write.xlsx_package import decompress, replaced, write_atomic, zip_bytes

__all__ = [
    "SettingsUpdate",
    "Template",
    "Workbook",
    "WriteSummary",
    "backup_path",
    "check_not_open",
    "fill",
    "lock_files",
    "refresh",
]


class Template:
    """A workbook parsed once and filled many times (batch mode).

    The owned cells' positions are planned once; each fill only renders the
    new ``<c>`` elements, compresses the edited sheet parts and writes the
    zip, copying every other member's compressed bytes as they are.
    """

    def __init__(self, path: Path) -> None:
        self.workbook = Workbook(path)
        self.path = self.workbook.path
        wb = self.workbook
        self._plans: dict[str, SplicePlan] = {}
        self._original: dict[str, dict[Cell, bytes]] = {}
        template = wb.template_cells(wb.settings().lang)
        for part, sheet in wb.sheets.items():
            cells = [c for ref in wb.names.values() if ref.part == part for c in ref.cells]
            cells += list(template.get(part, {}))
            self._plans[part] = sheet.plan(cells)
            self._original[part] = {
                c: sheet.data[x.start : x.end] if (x := sheet.cells.get(c)) else b"" for c in cells
            }
        self._workbook_xml = full_calc_on_load(wb.workbook_xml)
        self._charts = {
            m.name: decompress(self.path, m)
            for m in wb.members
            if m.name.startswith("xl/charts/chart") and m.name.endswith(".xml")
        }
        self.mtime = os.stat(self.path).st_mtime

    def render(
        self,
        data: pd.DataFrame,
        update: SettingsUpdate | None = None,
        comments: pd.DataFrame | None = None,
    ) -> tuple[bytes, WriteSummary]:
        """The filled workbook's bytes, and what was written."""
        planned = plan_edits(self.workbook, data, update, comments=comments)
        edits, summary = planned.cells, planned.summary
        parts: dict[str, bytes] = {self.workbook.info.workbook_part: self._workbook_xml}
        for part, plan in self._plans.items():
            cells = {**self._original[part], **edits.get(part, {})}
            parts[part] = plan.render(cells)
        for part, xml in self._charts.items():
            chart = refresh_caches(xml, planned.lookup, self.workbook.info.date1904)
            if chart != xml:
                parts[part] = chart
        members = [
            replaced(m, parts[m.name], 1) if m.name in parts else m for m in self.workbook.members
        ]
        return zip_bytes(members), summary

    def fill(
        self,
        data: pd.DataFrame,
        dest: Path,
        update: SettingsUpdate | None = None,
        comments: pd.DataFrame | None = None,
    ) -> WriteSummary:
        """Write a new report at ``dest`` (atomically) from monthly ``data``; see :func:`fill`."""
        blob, summary = self.render(data, update, comments)
        write_atomic(Path(dest), blob)
        return dataclasses.replace(summary, path=Path(dest))


def fill(
    template: Path | Template,
    data: pd.DataFrame,
    dest: Path,
    update: SettingsUpdate | None = None,
    comments: pd.DataFrame | None = None,
) -> WriteSummary:
    """A new report at ``dest`` from ``template`` and monthly ``data``.

    Parameters
    ----------
    template : Path or Template
        A workbook defining the contract names, or one already parsed.
    data : DataFrame
        Monthly inputs: month-start index, input ids as columns (the
        importers' table).  The workbook's months decide which rows are used;
        a NaN leaves the cell as the template has it.
    dest : Path
        The report to write (replaced atomically if it exists).
    update : SettingsUpdate, optional
        Company, fiscal year start, currency and targets to write.
    comments : DataFrame, optional
        NPS survey comments (date, score, comment): the fiscal year's latest
        fill the ``nps_*`` blocks when the workbook defines them.

    Returns
    -------
    WriteSummary
        The months written, the number of cells written and the settings used.

    Raises
    ------
    WorkbookError
        The template is not a readable, safe xlsx or lacks contract names.
    """
    tpl = template if isinstance(template, Template) else Template(Path(template))
    return tpl.fill(data, dest, update, comments)


def refresh(
    path: Path,
    data: pd.DataFrame,
    backup: bool = True,
    workbook: Workbook | None = None,
    comments: pd.DataFrame | None = None,
    update: SettingsUpdate | None = None,
) -> WriteSummary:
    """Update a report in place with new monthly ``data``, changing only owned cells.

    Parameters
    ----------
    path : Path
        The report.  Refused while Excel or LibreOffice has it open.
    data : DataFrame
        Monthly inputs as for :func:`fill`; only the workbook's own months are
        read, and a NaN (a month or an input the exports do not give) keeps
        what the workbook holds.
    backup : bool
        Keep the previous file as ``<name>.bak`` (default True).
    workbook : Workbook, optional
        The same file already opened (to read its months first).
    comments : DataFrame, optional
        NPS survey comments, as for :func:`fill` (None keeps the ``nps_*`` cells).
    update : SettingsUpdate, optional
        Settings to write (a refresh writes only ``client_id``, into a report
        that does not know whose it is yet).

    Returns
    -------
    WriteSummary
        ``cells`` counts the cells that changed; when none did, nothing is
        written and no backup is made.

    Raises
    ------
    WorkbookError
        The workbook is open, unreadable, unsafe or not a KPI workbook.
    """
    path = Path(path)
    check_not_open(path)
    workbook = workbook or Workbook(path)
    plan = plan_edits(workbook, data, update, only_changes=True, comments=comments)
    edits, summary = plan.cells, plan.summary
    saved: Path | None = None
    if not edits and full_calc_on_load(workbook.workbook_xml) == workbook.workbook_xml:
        return summary  # already up to date: the file is not even rewritten
    if backup:
        saved = keep_backup(path)
    save(workbook, path, edits, template_charts(workbook, summary.settings.lang, plan))
    return dataclasses.replace(summary, path=path, backup=saved)
