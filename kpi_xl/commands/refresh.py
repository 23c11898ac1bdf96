"""``kpi-xl refresh``: update an existing KPI report in place from new exports."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kpi_xl.commands import SUMMARIES, add_pdf, add_until

if TYPE_CHECKING:  # imported in run: 'refresh --help' must start fast
    from kpi_xl.workbook.write.writer import WriteSummary

HELP = SUMMARIES["refresh"]
DESCRIPTION = """\
Write the months the exports cover into the workbook's Inputs rows and
update the computed values of the KPI formulas.  Nothing else changes:
your own sheets, cells, notes, comments, charts, images, text boxes,
sparklines, conditional formats and colours stay exactly as they were.
A month the exports do not cover, and an input they do not give (a figure
you typed by hand), keep what the workbook has.

The previous file is kept as WORKBOOK.bak (rename it to .xlsx to open it).
The workbook must be closed: if Excel or LibreOffice has it open (a
~$name.xlsx or .~lock.name# file next to it), nothing is written.
Exports of another company than the report's (its SIREN, else its name,
on the Settings sheet) are refused unless --force.
"""
EPILOG = """\
examples:
  kpi-xl refresh rapport_kpi.xlsx --from exports/
  kpi-xl refresh rapport_kpi.xlsx --from exports/ --no-backup
"""


def register(sub: Any) -> None:
    p = sub.add_parser("refresh", help=HELP, description=DESCRIPTION, epilog=EPILOG,
                       formatter_class=argparse.RawDescriptionHelpFormatter)  # fmt: skip
    p.add_argument("workbook", type=Path, metavar="WORKBOOK", help="the report to update")
    p.add_argument("--from", dest="source", type=Path, required=True, metavar="DIR",
                   help="the folder of exports")  # fmt: skip
    p.add_argument("--config", type=Path, metavar="FILE",
                   help="config file (default: kpi_xl.toml in the exports folder)")  # fmt: skip
    p.add_argument("--no-backup", action="store_true", help="do not keep WORKBOOK.bak")
    add_until(p, "the last month to write")
    add_pdf(p)
    p.add_argument("--force", action="store_true",
                   help="refresh even with another company's exports (SIREN or name)")  # fmt: skip
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from kpi_xl.commands.fill import print_warnings, warned
    from kpi_xl.config import find_config, load_config
    from kpi_xl.pdf import soffice, write_pdf
    from kpi_xl.report import refresh_report  # here: 'refresh --help' must start fast

    if args.pdf:
        soffice()  # before any work: says how to install LibreOffice when it is missing

    result = refresh_report(args.workbook, args.source, config_path=args.config,
                            backup=not args.no_backup, until=args.until,
                            force=args.force)  # fmt: skip
    print_warnings(result.warnings)
    lang = args.lang or load_config(args.config or find_config(args.source)).language
    print(_done(args.workbook, result.summary, lang) + warned(result.warnings, lang))
    if result.summary.backup is not None:
        kept = "version précédente conservée :" if lang == "fr" else "previous version kept as"
        print(f"{kept} {result.summary.backup}")
    if args.pdf:
        print(f"PDF: {write_pdf(args.workbook, args.pdf)}")
    return 0


def _done(workbook: Path, s: WriteSummary, lang: str) -> str:
    """What the refresh did, in ``lang``."""
    months = ", ".join(f"{m:%Y-%m}" for m in s.months)
    if lang == "fr":
        changed = f"{s.cells} cellules modifiées" if s.cells else "déjà à jour, non réécrit"
        return f"{workbook} : {changed} (mois des exports : {months or 'aucun'})"
    changed = f"{s.cells} cells changed" if s.cells else "already up to date, not rewritten"
    return f"{workbook}: {changed} (months in the exports: {months or 'none'})"
