"""Importers: the exports accountants already have -> one tidy monthly table.

Usage::

    from kpi_xl.importers import read_exports, report_period
    exports = read_exports(Path("exports/"))
    period = report_period(exports)  # the latest exercise, up to the last closed month
    table, warnings = period.table, period.warnings

Each source also has its own reader: :func:`fec.read_fec`,
:func:`orders.read_orders`, :func:`analytics.read_analytics`,
:func:`ads.read_ads`, :func:`surveys.read_survey`, :func:`manual.read_manual`.
See docs/importers.md for the formats and the rules.
"""

from kpi_xl.importers.base import INPUT_IDS, SourceFile
from kpi_xl.importers.combine import EXTRA_COLUMNS, Exports, read_exports
from kpi_xl.importers.exercise import Exercise
from kpi_xl.importers.period import Period, report_period
from kpi_xl.importers.years import fiscal_year_table

__all__ = [
    "EXTRA_COLUMNS",
    "INPUT_IDS",
    "Exercise",
    "Exports",
    "Period",
    "SourceFile",
    "fiscal_year_table",
    "read_exports",
    "report_period",
]
