"""What every sheet writer of the builder shares: the workbook, language, formats, cached values."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
from xlsxwriter.utility import xl_rowcol_to_cell
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from kpi_xl.workbook.contract import N_MONTHS, CachedValue, ExcelError, Settings
from kpi_xl.workbook.template import styles
from kpi_xl.workbook.template.cached import FormulaSource, Values
from kpi_xl.workbook.template.layout import KpiColumns, Sheets, kpi_columns, last_month_col

_EXCEL_EPOCH = dt.date(1899, 12, 30)


def excel_serial(day: dt.date) -> float:
    """The number Excel stores for a date (what a formula returning a date caches)."""
    return float((day - _EXCEL_EPOCH).days)


def ref(sheet: str, row: int, col: int, row_abs: bool = True, col_abs: bool = True) -> str:
    """A cell address on another sheet, quoted: ``'Saisies'!$D$5``."""
    quoted = "'" + sheet.replace("'", "''") + "'"
    return f"{quoted}!{xl_rowcol_to_cell(row, col, row_abs, col_abs)}"


def span(sheet: str, row: int, first_col: int, last_row: int, last_col: int) -> str:
    """An absolute range on a sheet, quoted: ``'Saisies'!$D$5:$O$5``."""
    a = xl_rowcol_to_cell(row, first_col, True, True)
    b = xl_rowcol_to_cell(last_row, last_col, True, True)
    quoted = "'" + sheet.replace("'", "''") + "'"
    return f"{quoted}!{a}:{b}"


@dataclass
class Context:
    """The state of one template build.

    ``values`` are the Python values of every formula cell (the contract's,
    :func:`kpi_xl.workbook.contract.formula_values`, and the sheets' helper
    cells): they become the cached results XlsxWriter writes, so a previewer
    that does not recalculate shows what Excel would.  ``recipe`` records
    every formula written (:meth:`formula`), for the writer.
    """

    workbook: Workbook
    lang: str
    settings: Settings
    inputs: pd.DataFrame
    values: Values
    sheets: Sheets
    n_months: int = N_MONTHS
    recipe: list[FormulaSource] = field(default_factory=list)
    _formats: dict[tuple[tuple[str, Any], ...], Any] = field(default_factory=dict)

    @property
    def cols(self) -> KpiColumns:
        """The KPIs sheet's columns after the months."""
        return kpi_columns(self.n_months)

    @property
    def last_month_col(self) -> int:
        return last_month_col(self.n_months)

    def fmt(self, **props: Any) -> Any:
        """A cell format with the default font, created once per distinct set of properties."""
        full = styles.props(**props)
        key = tuple(sorted(full.items()))
        if key not in self._formats:
            self._formats[key] = self.workbook.add_format(full)
        return self._formats[key]

    def cached(self, name: str, month: int | None = None) -> float | str:
        """The cached value of a formula cell, in the form XlsxWriter writes."""
        return cell_cache(FormulaSource("", 0, 0, "", name, month).value(self.values))

    def formula(
        self, ws: Worksheet, row: int, col: int, formula: str, fmt: Any, key: str,
        month: int | None = None,
    ) -> None:  # fmt: skip
        """Write a formula showing the value ``values[key]`` (its ``month`` for a row).

        Every formula of the builder goes through here, so the recipe the
        writer uses to refresh cached values lists them all.
        """
        self.recipe.append(FormulaSource(ws.name, row, col, formula, key, month))
        ws.write_formula(row, col, formula, fmt, self.cached(key, month))

    def define(
        self, name: str, sheet: str, row: int, col: int, last_col: int | None = None
    ) -> None:
        """A workbook-scoped defined name over one cell or one row of cells."""
        target = ref(sheet, row, col) if last_col is None else span(sheet, row, col, row, last_col)
        self.workbook.define_name(name, "=" + target)

    def define_column(self, name: str, sheet: str, first_row: int, last_row: int, col: int) -> None:
        """A workbook-scoped defined name over one column of cells."""
        self.workbook.define_name(name, "=" + span(sheet, first_row, col, last_row, col))

    def sheet(self, name: str) -> Worksheet:
        found: Worksheet = self.workbook.get_worksheet_by_name(name)
        return found


def cell_cache(value: CachedValue) -> float | str:
    """A Python value as a formula's cached result: dates as serials, NaN as ''.

    XlsxWriter writes an error code such as ``"#N/A"`` as an error (``t="e"``).
    """
    if isinstance(value, ExcelError):
        return value.code
    if isinstance(value, dt.date):
        return excel_serial(value)
    if isinstance(value, float) and math.isnan(value):
        return ""
    return value
