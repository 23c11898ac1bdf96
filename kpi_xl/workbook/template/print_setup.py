"""How every sheet of a template prints: A4, one page wide, headers repeated on each page.

One place for the whole workbook, applied after the sheets are written
(:func:`apply_print_setup`), so a sheet added to the template later gets
the default setup without a line of its own.  The Dashboard is one
landscape page whose print area stops before the chart-helper columns (the
raw values and ``#N/A`` behind the sparklines and charts never print).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from kpi_xl.workbook.template import layout
from kpi_xl.workbook.template.context import Context

A4 = 9  # XlsxWriter's paper code


@dataclass(frozen=True)
class PrintSetup:
    """A sheet's page setup: orientation, rows and columns repeated on every page, area."""

    landscape: bool = False
    repeat_rows: tuple[int, int] | None = None
    repeat_columns: tuple[int, int] | None = None
    one_page: bool = False  # the whole sheet on one page (else one page wide, any tall)
    area: tuple[int, int, int, int] | None = None  # first row, first col, last row, last col


def setups(ctx: Context) -> dict[str, PrintSetup]:
    """The setup of each bundled sheet, by sheet name."""
    s = ctx.sheets
    data_rows = (0, layout.HEADER_ROW)
    labels = (layout.IN_COL_LABEL, layout.IN_COL_HELP)
    return {
        s.howto: PrintSetup(),
        s.dashboard: PrintSetup(
            landscape=True,
            one_page=True,
            area=(0, 0, layout.DASH_LAST_PRINT_ROW, layout.DASH_LAST_PRINT_COL),
        ),
        s.settings: PrintSetup(landscape=True),
        s.inputs: PrintSetup(landscape=True, repeat_rows=data_rows, repeat_columns=labels),
        s.kpis: PrintSetup(
            landscape=True, repeat_rows=data_rows, repeat_columns=(0, layout.KPI_COL_NAME)
        ),
        s.accounts: PrintSetup(landscape=True),
        s.comments: PrintSetup(repeat_rows=(0, layout.COM_ROW_HINT)),
    }


def apply_print_setup(ctx: Context) -> None:
    """Give every sheet of the workbook its print setup (the default for unknown sheets)."""
    known = setups(ctx)
    for ws in ctx.workbook.worksheets():
        _apply(ws, known.get(ws.name, PrintSetup()))


def _apply(ws: Any, setup: PrintSetup) -> None:
    ws.set_paper(A4)
    if setup.landscape:
        ws.set_landscape()
    else:
        ws.set_portrait()
    ws.fit_to_pages(1, 1 if setup.one_page else 0)
    ws.set_margins(left=0.4, right=0.4, top=0.5, bottom=0.5)
    if setup.repeat_rows is not None:
        ws.repeat_rows(*setup.repeat_rows)
    if setup.repeat_columns is not None:
        ws.repeat_columns(*setup.repeat_columns)
    if setup.area is not None:
        ws.print_area(*setup.area)
        ws.center_horizontally()
