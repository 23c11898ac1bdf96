"""The ``kpi-xl`` command: one entry point, one module per subcommand.

Each module of :mod:`kpi_xl.commands` named in :data:`COMMANDS` defines
``register(subparsers)``, which adds its parser and sets ``func`` to a
``run(args) -> int``.  Errors kpi_xl raises on purpose (bad files, bad
arguments) and system errors (a missing or read-only file) are printed as one
clear message, exit 2; an unexpected error is reported as an internal error,
exit 3.  A traceback only shows with ``--debug``.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from kpi_xl import __version__
from kpi_xl.errors import KpiXlError

COMMANDS = ("kpis", "compute", "templates", "excel", "demo", "fill", "refresh", "batch")

DESCRIPTION = """\
kpi-xl: the handful of KPIs that matter to a small business, inside Excel.

It reads the exports an accountant already has (FEC, e-commerce orders,
web analytics, ad spend, NPS surveys), works out the KPIs of the two source
articles month by month (conversion rate, CAC, CLV, retention, net margin,
NPS...) and fills a KPI workbook whose formulas are native Excel, so the
numbers show even where kpi_xl is not installed.
"""

EPILOG = """\
first steps:
  kpi-xl demo --out demo            a filled sample report and its exports
  kpi-xl kpis --lang fr             the KPI catalog: formulas, targets, advice
  kpi-xl compute --from exports/    monthly inputs and KPIs from your exports
  kpi-xl fill --from exports/ --out report.xlsx
  kpi-xl refresh report.xlsx --from exports/
  kpi-xl batch clients/ --out reports/

Run 'kpi-xl COMMAND --help' for the details of a command.
"""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="kpi-xl",
        description=DESCRIPTION,
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"kpi-xl {__version__}")
    parser.add_argument(
        "--debug", action="store_true", help="show the full traceback when something fails"
    )
    sub = parser.add_subparsers(title="commands", metavar="COMMAND")
    for name in COMMANDS:
        importlib.import_module(f"kpi_xl.commands.{name}").register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not hasattr(args, "func"):
        parser.print_help()
        return 0
    try:
        code: int = args.func(args)
    except KpiXlError as exc:
        if args.debug:
            raise
        print(f"kpi-xl: error: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:
        if args.debug:
            raise
        where = f"{exc.filename}: " if exc.filename else ""
        print(f"kpi-xl: error: {where}{exc.strerror or exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("kpi-xl: interrupted; no output was left half-written.", file=sys.stderr)
        return 130
    except Exception as exc:  # a bug of ours: say so plainly, details on demand
        if args.debug:
            raise
        print(
            f"kpi-xl: internal error ({type(exc).__name__}: {exc}).\n"
            "  Nothing was left half-written. Run the same command with --debug for the "
            "details and report them to the kpi_xl team.",
            file=sys.stderr,
        )
        return 3
    return code


if __name__ == "__main__":
    sys.exit(main())
