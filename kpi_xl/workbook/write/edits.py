"""Planning a write: the new ``<c>`` elements of every owned cell, and what each cell will show.

:func:`plan_edits` turns monthly data (and settings, comments) into the
bytes of each changed cell, without touching the file; the writer then
saves them.  The plan also knows the value every formula cell will show,
for the chart caches (:meth:`Edits.lookup`).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from kpi_xl import catalog
from kpi_xl.monthly import MonthlyKpis, compute_kpis
from kpi_xl.workbook import contract
from kpi_xl.workbook.figures import ReportFigures, report_figures
from kpi_xl.workbook.template.builder import cell_values
from kpi_xl.workbook.template.cached import FormulaSource, Values
from kpi_xl.workbook.write.cells import CellValue, render_cell
from kpi_xl.workbook.write.comments import comment_values, fiscal_year_end
from kpi_xl.workbook.write.focus import focus_with_data
from kpi_xl.workbook.write.names import Cell
from kpi_xl.workbook.write.workbook import INPUT_IDS, Workbook


@dataclass(frozen=True)
class SettingsUpdate:
    """Settings a new report writes into the workbook (None: keep the template's)."""

    company: str | None = None
    fy_start: dt.date | None = None
    currency: str | None = None
    targets: Mapping[str, float] = field(default_factory=dict)
    client_id: str | None = None  # whose report it is (``set_client_id``)


@dataclass(frozen=True)
class WriteSummary:
    """What a fill or refresh did.

    ``cells`` is the number of cells written by a fill, or changed by a refresh.
    """

    path: Path
    months: tuple[dt.date, ...]  # months whose inputs were written
    cells: int  # cells written (inputs, settings and cached values)
    settings: contract.Settings
    backup: Path | None = None
    figures: ReportFigures | None = None  # what the report shows (the portfolio overview)
    #: Input ids with figures that the workbook does not define (``in_<id>``): left out.
    left_out: tuple[str, ...] = ()


@dataclass(frozen=True)
class Edits:
    """The cells a write changes (bytes per sheet part) and what every formula will show."""

    cells: dict[str, dict[Cell, bytes]]
    summary: WriteSummary
    known: dict[tuple[str, Cell], CellValue]
    sheets: Mapping[str, str]  # sheet name -> part

    def lookup(self, sheet: str, cells: tuple[Cell, ...]) -> list[CellValue] | None:
        """Values of ``cells`` of ``sheet`` after the write; None if any is unknown."""
        part = self.sheets.get(sheet)
        if part is None or any((part, c) not in self.known for c in cells):
            return None
        return [self.known[(part, c)] for c in cells]


def plan_edits(
    wb: Workbook,
    data: pd.DataFrame,
    update: SettingsUpdate | None = None,
    only_changes: bool = False,
    comments: pd.DataFrame | None = None,
) -> Edits:
    """The new ``<c>`` elements per sheet part for ``data`` (rows = month starts).

    Inputs are written for the workbook's months found in ``data``, where
    ``data`` has a number; an input the data leaves empty keeps what the
    workbook holds.  ``comments`` (survey comments: date, score, comment)
    rewrite the ``nps_*`` blocks; None leaves them as they are.
    ``only_changes`` leaves cells whose value is already right untouched
    (a refresh changes as few bytes as possible).
    """
    out: dict[str, dict[Cell, bytes]] = {}
    settings = wb.settings()
    if update is not None:
        settings = _apply_settings(wb, update, settings, out)
    months = (
        contract.month_starts(update.fy_start, len(wb.names[contract.MONTHS].cells))
        if update is not None and update.fy_start is not None
        else wb.months()
    )
    settings.fy_start = months[0]
    if update is not None and update.fy_start is not None:
        _write_name(wb, contract.MONTHS, list(months), out, formulas=None)
    table, written = _input_edits(wb, data, months, out, only_changes)
    if comments is not None:
        _comment_edits(wb, comments, months, out)
    result = compute_kpis(table.reset_index(drop=True))
    _focus_edits(wb, settings, result, out)
    values = cell_values(settings, table, result)
    template = wb.template_cells(settings.lang)
    for part, sources in template.items():
        sheet = wb.sheets[part]
        for cell, source in sources.items():
            out.setdefault(part, {})[cell] = render_cell(
                sheet.shape(cell), source.value(values), wb.info.date1904
            )
    for name in wb.names:
        if name in values and (name != contract.MONTHS or wb.is_formula(name)):
            value = values[name]
            cells: list[CellValue] = list(value) if isinstance(value, list) else [value]
            _write_name(wb, name, cells, out, True)
    if only_changes:
        out = _changed_only(wb, out)
    count = sum(len(cells) for cells in out.values())
    known = _known(wb, table, months, values, template)
    figures = report_figures(values, settings)
    summary = WriteSummary(wb.path, tuple(written), count, settings, figures=figures,
                           left_out=_left_out(wb, data, months))  # fmt: skip
    return Edits(out, summary, known, wb.info.sheets)


def _left_out(wb: Workbook, data: pd.DataFrame, months: list[dt.date]) -> tuple[str, ...]:
    """The inputs with figures in ``data`` over the workbook's months that it cannot hold."""
    if not wb.missing_inputs:  # the bundled templates hold every input
        return ()
    index = pd.DatetimeIndex([pd.Timestamp(m) for m in months])
    rows = data.reindex(index=index, columns=list(wb.missing_inputs))
    return tuple(str(c) for c in rows.columns[rows.notna().any().to_numpy()])


def _focus_edits(
    wb: Workbook,
    settings: contract.Settings,
    result: MonthlyKpis,
    out: dict[str, dict[Cell, bytes]],
) -> None:
    """Give a default dashboard slot without data the next KPI that has some (see :mod:`.focus`)."""
    focus = focus_with_data(settings.focus, result, wb.focus_slots())
    for slot, (old, new) in enumerate(zip(settings.focus, focus, strict=True), start=1):
        if new != old:
            name = catalog.get(new).name(settings.lang)
            _write_name(wb, contract.focus_name(slot), [name], out, formulas=False)
    settings.focus = focus


def _known(
    wb: Workbook,
    table: pd.DataFrame,
    months: list[dt.date],
    values: Values,
    template: Mapping[str, Mapping[Cell, FormulaSource]],
) -> dict[tuple[str, Cell], CellValue]:
    """The value every contract and template formula cell shows after the write."""
    known: dict[tuple[str, Cell], CellValue] = {
        (part, cell): source.value(values)
        for part, sources in template.items()
        for cell, source in sources.items()
    }
    for ref in (wb.names[contract.MONTHS],):
        known.update(((ref.part, c), m) for c, m in zip(ref.cells, months, strict=False))
    for input_id in wb.input_ids:
        ref = wb.names[contract.input_name(input_id)]
        column = table[input_id].to_numpy(dtype=np.float64)
        for cell, number in zip(ref.cells, column, strict=False):
            known[(ref.part, cell)] = None if math.isnan(number) else float(number)
    for name, ref in wb.names.items():
        value = values.get(name)
        if value is None or name == contract.MONTHS:
            continue
        cells: list[contract.CachedValue] = list(value) if isinstance(value, list) else [value]
        sheet = wb.sheets[ref.part]
        for cell, item in zip(ref.cells, cells, strict=False):
            if sheet.has_formula(cell):
                known[(ref.part, cell)] = item
    return known


def _changed_only(wb: Workbook, out: dict[str, dict[Cell, bytes]]) -> dict[str, dict[Cell, bytes]]:
    """The edits whose bytes differ from the cell as it is (a same-data refresh is a no-op)."""
    kept: dict[str, dict[Cell, bytes]] = {}
    for part, cells in out.items():
        sheet = wb.sheets[part]
        for cell, data in cells.items():
            old = sheet.cells.get(cell)
            if old is None or sheet.data[old.start : old.end] != data:
                kept.setdefault(part, {})[cell] = data
    return kept


def _apply_settings(
    wb: Workbook,
    update: SettingsUpdate,
    settings: contract.Settings,
    out: dict[str, dict[Cell, bytes]],
) -> contract.Settings:
    given: dict[str, CellValue] = {
        contract.SET_COMPANY: update.company,
        contract.SET_FY_START: update.fy_start,
        contract.SET_CURRENCY: update.currency,
        contract.SET_CLIENT_ID: update.client_id,
    }
    targets = dict(settings.targets)
    for kpi_id, target in update.targets.items():
        given[catalog.get(kpi_id).target_name] = float(target)
        targets[catalog.get(kpi_id).id] = float(target)
    for name, value in given.items():
        if value is not None and name in wb.names and not wb.is_formula(name):
            _write_name(wb, name, [value], out, formulas=False)
    return contract.Settings(
        lang=settings.lang,
        company=update.company if update.company is not None else settings.company,
        fy_start=update.fy_start or settings.fy_start,
        currency=update.currency or settings.currency,
        targets=targets,
        focus=settings.focus,
    )


def _input_edits(
    wb: Workbook,
    data: pd.DataFrame,
    months: list[dt.date],
    out: dict[str, dict[Cell, bytes]],
    only_changes: bool,
) -> tuple[pd.DataFrame, list[dt.date]]:
    table = wb.inputs(months)
    index = pd.DatetimeIndex([pd.Timestamp(m) for m in months])
    new = data.reindex(index=index, columns=list(INPUT_IDS))
    new_values = new.to_numpy(dtype=np.float64, na_value=np.nan)
    old_values = table.to_numpy(dtype=np.float64)
    write = ~np.isnan(new_values) & ~wb.formula_mask(len(months))
    if only_changes:
        write &= new_values != old_values
    merged = np.where(write, new_values, old_values)
    for j, input_id in enumerate(INPUT_IDS):
        if input_id not in wb.input_ids:
            continue
        ref = wb.names[contract.input_name(input_id)]
        sheet = wb.sheets[ref.part]
        for i in np.flatnonzero(write[: len(ref.cells), j]):
            cell = ref.cells[i]
            out.setdefault(ref.part, {})[cell] = render_cell(
                sheet.shape(cell), float(merged[i, j]), wb.info.date1904
            )
    defined = np.array([i in wb.input_ids for i in INPUT_IDS], dtype=bool)
    filled = ~np.isnan(new_values[:, defined]).all(axis=1)
    result = pd.DataFrame(merged, index=table.index, columns=list(INPUT_IDS))
    return result, [m for m, f in zip(months, filled, strict=True) if f]


def _comment_edits(
    wb: Workbook, comments: pd.DataFrame, months: list[dt.date], out: dict[str, dict[Cell, bytes]]
) -> None:
    """The fiscal year's latest comments into the ``nps_*`` names the workbook defines.

    Texts become inline strings (a comment such as ``=HYPERLINK(...)``
    stays text); a cell holding the user's formula is left alone.
    """
    present = [n for n in contract.comment_names() if n in wb.names]
    if not present:
        return
    rows = max(len(wb.names[n].cells) for n in present)
    values = comment_values(comments, months[0], fiscal_year_end(months), rows)
    for name in present:
        _write_name(wb, name, list(values[name]), out, formulas=False)


def _write_name(
    wb: Workbook,
    name: str,
    values: list[CellValue],
    out: dict[str, dict[Cell, bytes]],
    formulas: bool | None,
) -> None:
    """Write ``values`` into a name's cells: formulas=True only cached values of
    formula cells, False only non-formula cells, None both."""
    ref = wb.names[name]
    sheet = wb.sheets[ref.part]
    for cell, value in zip(ref.cells, values, strict=False):
        is_formula = sheet.has_formula(cell)
        if formulas is None or formulas == is_formula:
            out.setdefault(ref.part, {})[cell] = render_cell(
                sheet.shape(cell), value, wb.info.date1904
            )
