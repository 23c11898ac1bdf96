"""``kpi-xl templates build``: regenerate (or check) the bundled template workbooks."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from kpi_xl.commands import SUMMARIES, sentence

HELP = SUMMARIES["templates"]
EPILOG = """\
examples:
  kpi-xl templates build             rewrite workbook_templates/*.xlsx
  kpi-xl templates build --out DIR   write them elsewhere
  kpi-xl templates build --check     exit 1 if the committed files are stale

Builds are reproducible: the same code gives byte-identical files.
"""
BUILD_HELP = "write the French and English templates (or check them with --check)"
BUILD_DESCRIPTION = """\
Build monthly_kpi_fr.xlsx and monthly_kpi_en.xlsx (12 months) from the KPI
catalog: the How-to, Dashboard, Customer comments, Accounts, Settings,
Inputs and KPIs sheets, their formulas and charts.  The same code always
gives byte-identical files, so --check can tell whether the committed
templates are stale.  Templates for an exercise of another length are
built when a report needs one.
"""


def register(sub: Any) -> None:
    p = sub.add_parser(
        "templates",
        help=HELP,
        description=sentence(HELP),
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    actions = p.add_subparsers(title="actions", metavar="ACTION", dest="action")
    build = actions.add_parser("build", help=BUILD_HELP, description=BUILD_DESCRIPTION,
                               epilog=EPILOG,
                               formatter_class=argparse.RawDescriptionHelpFormatter)  # fmt: skip
    build.add_argument(
        "--out",
        type=Path,
        metavar="DIR",
        help="output folder (default: workbook_templates/ of the repository in a checkout, "
        "else of the current folder)",
    )
    build.add_argument(
        "--check",
        action="store_true",
        help="write nothing; exit 1 if the files in --out differ from a fresh build",
    )
    p.set_defaults(func=run, parser=p)


def run(args: argparse.Namespace) -> int:
    if args.action != "build":
        args.parser.print_help()
        return 0
    from kpi_xl import catalog
    from kpi_xl.paths import check_output, check_output_folder
    from kpi_xl.workbook.template import templates  # here: the builder loads pandas and XlsxWriter

    out: Path = args.out or templates.default_out_dir()
    if args.check:
        stale = templates.stale_templates(out)
        for path in stale:
            print(f"stale: {path} (run 'kpi-xl templates build')", file=sys.stderr)
        if not stale:
            print(f"up to date: {out}")
        return 1 if stale else 0
    check_output_folder(out)
    for lang in catalog.LANGS:  # never replace a read-only or open template, nor a folder
        check_output(out / templates.template_name(lang), missing_folder_ok=True)
    for path in templates.build_templates(out):
        print(f"wrote {path}")
    return 0
