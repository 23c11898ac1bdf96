"""``kpi-xl templates build``: regenerate (or check) the bundled template workbooks."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from kpi_xl import catalog
from kpi_xl.paths import check_output, check_output_folder
from kpi_xl.workbook.template import templates

HELP = "build the monthly KPI template workbooks (French and English)"
EPILOG = """\
examples:
  kpi-xl templates build                   rewrite workbook_templates/monthly_kpi_{fr,en}.xlsx
  kpi-xl templates build --out my_dir      write them elsewhere
  kpi-xl templates build --check           exit 1 if the committed files are stale

Builds are reproducible: the same code gives byte-identical files.
"""


def register(sub: Any) -> None:
    p = sub.add_parser(
        "templates",
        help=HELP,
        description=HELP.capitalize() + ".",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    actions = p.add_subparsers(title="actions", metavar="ACTION", dest="action")
    build = actions.add_parser("build", help="write the templates", epilog=EPILOG,
                               formatter_class=argparse.RawDescriptionHelpFormatter)  # fmt: skip
    build.add_argument(
        "--out",
        type=Path,
        default=templates.default_out_dir(),
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
    if args.check:
        stale = templates.stale_templates(args.out)
        for path in stale:
            print(f"stale: {path} (run 'kpi-xl templates build')", file=sys.stderr)
        if not stale:
            print(f"up to date: {args.out}")
        return 1 if stale else 0
    check_output_folder(args.out)
    for lang in catalog.LANGS:  # never replace a read-only or open template, nor a folder
        check_output(args.out / templates.template_name(lang), missing_folder_ok=True)
    for path in templates.build_templates(args.out):
        print(f"wrote {path}")
    return 0
