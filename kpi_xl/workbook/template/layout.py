"""Where everything sits in the bundled templates (0-based rows and columns).

Formulas never depend on these positions across sheets except through the
defined names of the contract; the positions only matter to the builder and
to :class:`~kpi_xl.workbook.template.formulas.Grid`, which needs the month cells of the
Inputs and KPIs sheets to start in the same column.
"""

from __future__ import annotations

from dataclasses import dataclass

from kpi_xl import catalog
from kpi_xl.workbook.contract import COMMENT_ROWS, FOCUS_SLOTS, N_MONTHS
from kpi_xl.workbook.template import texts
from kpi_xl.workbook.template.formulas import Grid

#: First month column on the Inputs and KPIs sheets (D): label, unit, help before it.
FIRST_MONTH_COL = 3
HEADER_ROW = 3
FIRST_DATA_ROW = 4

# KPIs sheet columns before the months; those after the months: :func:`kpi_columns`.
KPI_COL_NAME, KPI_COL_FORMULA, KPI_COL_BETTER = 0, 1, 2


@dataclass(frozen=True)
class KpiColumns:
    """The KPIs sheet's columns after the months (they move with the number of months)."""

    ytd: int
    target: int
    value: int
    change: int
    status: int
    action: int
    frequency: int
    basis: int
    unit: int  # the unit id, read by the dashboard's number formats


def kpi_columns(n_months: int = N_MONTHS) -> KpiColumns:
    """The columns after ``n_months`` month columns on the KPIs sheet."""
    return KpiColumns(*range(FIRST_MONTH_COL + n_months, FIRST_MONTH_COL + n_months + 9))


def last_month_col(n_months: int = N_MONTHS) -> int:
    """The last month column of the Inputs and KPIs sheets."""
    return FIRST_MONTH_COL + n_months - 1


# Inputs sheet columns.
IN_COL_LABEL, IN_COL_UNIT, IN_COL_HELP = 0, 1, 2

# Settings sheet: general block, then targets, then dashboard focus.
SET_COL_LABEL, SET_COL_VALUE, SET_COL_NOTE = 0, 1, 2
SET_ROW_GENERAL = 2
SET_ROW_COMPANY = 3
SET_ROW_FY_START = 4
SET_ROW_CURRENCY = 5
SET_ROW_LANG = 6
# Whose report it is (set_client_id), right of the company, filled by kpi-xl.
SET_COL_CLIENT_LABEL, SET_COL_CLIENT_ID = 4, 5
SET_ROW_TARGETS = 8  # section title; the table header follows, then one row per KPI
SET_ROW_FIRST_TARGET = SET_ROW_TARGETS + 2
SET_ROW_FOCUS = SET_ROW_FIRST_TARGET + len(catalog.KPIS) + 1
SET_ROW_FIRST_FOCUS = SET_ROW_FOCUS + 1

# Dashboard: a title, a header, one row per focus slot, then the charts.
DASH_ROW_TITLE = 0
DASH_ROW_SUBTITLE = 1
DASH_ROW_HEADER = 3
DASH_ROW_FIRST_TILE = 4
DASH_ROW_CHARTS = DASH_ROW_FIRST_TILE + FOCUS_SLOTS + 1
DASH_LAST_PRINT_ROW = DASH_ROW_CHARTS + 23
(
    DASH_COL_LIGHT,
    DASH_COL_NAME,
    DASH_COL_VALUE,
    DASH_COL_TARGET,
    DASH_COL_STATUS,
    DASH_COL_CHANGE,
    DASH_COL_TREND,
    DASH_COL_ACTION,
) = range(8)
DASH_LAST_PRINT_COL = DASH_COL_ACTION
# Helper block right of the printed page: match row, unit, 12 month values per slot.
DASH_COL_HELP_ROW = DASH_LAST_PRINT_COL + 2
DASH_COL_HELP_UNIT = DASH_COL_HELP_ROW + 1
DASH_COL_HELP_FIRST_MONTH = DASH_COL_HELP_UNIT + 1
DASH_ROW_HELP_MARGIN = DASH_ROW_FIRST_TILE + FOCUS_SLOTS + 1  # net margin, then its target

# Customer comments: a title, a one-line explanation, then one block per group
# (its title, a header, COMMENT_ROWS rows), the detractors' first.
COM_ROW_TITLE = 0
COM_ROW_HINT = 1
COM_ROW_FIRST_BLOCK = 3
COM_BLOCK_HEIGHT = COMMENT_ROWS + 3  # title, header, rows, a blank line
COM_COL_DATE, COM_COL_SCORE, COM_COL_COMMENT = range(3)


def comment_block_row(index: int) -> int:
    """The title row of the ``index``-th comment block; its header and rows follow."""
    return COM_ROW_FIRST_BLOCK + index * COM_BLOCK_HEIGHT


@dataclass(frozen=True)
class Sheets:
    """The sheet names of a template in one language."""

    howto: str
    dashboard: str
    settings: str
    inputs: str
    kpis: str
    comments: str
    accounts: str = ""

    @classmethod
    def for_lang(cls, lang: str) -> Sheets:
        return cls(
            texts.SHEET_HOWTO(lang),
            texts.SHEET_DASHBOARD(lang),
            texts.SHEET_SETTINGS(lang),
            texts.SHEET_INPUTS(lang),
            texts.SHEET_KPIS(lang),
            texts.SHEET_COMMENTS(lang),
            texts.SHEET_ACCOUNTS(lang),
        )


def input_row(index: int) -> int:
    return FIRST_DATA_ROW + index


def kpi_row(index: int) -> int:
    return FIRST_DATA_ROW + index


def grid(sheets: Sheets, n_months: int = N_MONTHS) -> Grid:
    """The month cells of every ``in_*`` and ``kpi_*`` row, for the formula generator."""
    rows: dict[str, tuple[str, int]] = {}
    for i, item in enumerate(catalog.INPUTS):
        rows[item.defined_name] = (sheets.inputs, input_row(i))
    for i, kpi in enumerate(catalog.KPIS):
        rows[kpi.defined_name] = (sheets.kpis, kpi_row(i))
    inputs = (sheets.inputs, input_row(0), input_row(len(catalog.INPUTS) - 1))
    return Grid(rows, FIRST_MONTH_COL, n_months, inputs)
