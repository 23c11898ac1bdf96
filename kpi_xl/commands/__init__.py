"""The kpi-xl subcommands: one module each, with ``register(subparsers)`` and ``run(args)``.

A command module must import quickly: ``kpi-xl CMD --help`` imports it to
build its parser, so pandas, numpy, rich and the workbook code are imported
inside ``run`` (or the functions it calls), never at the top of the module.
"""

from typing import Any

#: The languages of ``--lang`` (:data:`kpi_xl.catalog.LANGS`, not imported: it is slower).
LANGS = ("fr", "en")

#: The one-line summary of each command, in the order ``kpi-xl --help`` lists
#: them: the top-level help reads it from here without importing any command.
SUMMARIES = {
    "kpis": "show the KPI catalog: formulas, Excel functions, targets and advice",
    "compute": "read a folder of exports and show the monthly inputs and KPIs of a fiscal year",
    "templates": "build the monthly KPI template workbooks (French and English)",
    "excel": "set up the Excel functions (=KPI_ROI...): classic add-in, xlwings Lite or Server",
    "demo": "write sample exports of a fictional shop and the KPI report filled from them",
    "fill": "fill a new KPI workbook from a folder of exports",
    "refresh": "update an existing KPI workbook in place after new exports arrive",
    "batch": "fill one KPI workbook per client folder of a portfolio, in parallel",
}


def sentence(summary: str) -> str:
    """A summary as a description: capital first letter, final full stop, nothing else touched.

    (``str.capitalize`` would lower-case the rest: "Excel" -> "excel".)

    >>> sentence("build the templates (French and English)")
    'Build the templates (French and English).'
    """
    return summary[:1].upper() + summary[1:] + "."


def add_until(parser: Any, what: str = "the report's last month") -> None:
    """``--until YYYY-MM``, the same option in compute, fill, refresh and batch."""
    parser.add_argument(
        "--until",
        metavar="YYYY-MM",
        help=f"{what} (default: the FEC's last month with P&L entries, else the last month "
        "with data)",
    )


def add_pdf(parser: Any, what: str = "also write REPORT.pdf beside it") -> None:
    """``--pdf [all]``, the same option in fill, refresh and batch."""
    parser.add_argument(
        "--pdf",
        nargs="?",
        const="dashboard",
        choices=("dashboard", "all"),
        metavar="all",
        help=f"{what}: the dashboard (--pdf all: every sheet), with LibreOffice",
    )
