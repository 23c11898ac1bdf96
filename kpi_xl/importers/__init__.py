"""Importers: the exports accountants already have -> one tidy monthly table.

Usage::

    from kpi_xl.importers import read_exports, fiscal_year_table
    exports = read_exports(Path("exports/"))
    table = fiscal_year_table(exports.monthly, 2025, exports.fiscal_start_month())

Each source also has its own reader: :func:`fec.read_fec`,
:func:`orders.read_orders`, :func:`analytics.read_analytics`,
:func:`ads.read_ads`, :func:`surveys.read_survey`, :func:`manual.read_manual`.
See docs/importers.md for the formats and the rules.
"""

from kpi_xl.importers.base import INPUT_IDS, SourceFile
from kpi_xl.importers.combine import EXTRA_COLUMNS, Exports, fiscal_year_table, read_exports

__all__ = [
    "EXTRA_COLUMNS",
    "INPUT_IDS",
    "Exports",
    "SourceFile",
    "fiscal_year_table",
    "read_exports",
]
