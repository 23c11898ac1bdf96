"""``kpi-xl fill``: a new KPI report from a folder of exports."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kpi_xl.commands import LANGS, SUMMARIES, add_pdf, add_until

if TYPE_CHECKING:  # imported in run: 'fill --help' must not load the workbook code
    from kpi_xl.report import ReportResult

HELP = SUMMARIES["fill"]
DESCRIPTION = """\
Read the exports of a folder (FEC, orders, analytics, ad spend, NPS survey,
manual CSV), take the months of the exercise (the FEC's, 1 to 24 months;
else the fiscal year's 12), and write a new KPI workbook:
the Settings sheet gets the company, fiscal year start and targets of the
config (kpi_xl.toml in the folder, or --config), the Inputs sheet gets the
monthly figures, and every formula carries its computed value so the report
reads right in any viewer; Excel recalculates it on opening.

The template is the bundled one (--lang picks French or English) or any
workbook that defines the template contract's names (--template).
"""
EPILOG = """\
examples:
  kpi-xl fill --from exports/ --out rapport_kpi.xlsx
  kpi-xl fill --from exports/ --year 2024 --lang en --out kpi_2024.xlsx
  kpi-xl fill --from exports/ --template my_template.xlsx --out report.xlsx
"""


def register(sub: Any) -> None:
    p = sub.add_parser("fill", help=HELP, description=DESCRIPTION, epilog=EPILOG,
                       formatter_class=argparse.RawDescriptionHelpFormatter)  # fmt: skip
    p.add_argument("--from", dest="source", type=Path, required=True, metavar="DIR",
                   help="the folder of exports")  # fmt: skip
    p.add_argument("--out", type=Path, required=True, metavar="REPORT.xlsx",
                   help="the workbook to write (replaced atomically if it exists; "
                        "a folder: the report goes inside it)")  # fmt: skip
    p.add_argument("--template", type=Path, metavar="T",
                   help="a workbook defining the contract names (default: the bundled one)")  # fmt: skip
    p.add_argument("--year", type=int, metavar="YYYY",
                   help="calendar year the fiscal year starts in (default: the latest)")  # fmt: skip
    p.add_argument("--lang", choices=LANGS,
                   help="language of the bundled template (default: the config's, else the system's)")  # fmt: skip
    p.add_argument("--config", type=Path, metavar="FILE",
                   help="config file (default: kpi_xl.toml in the exports folder)")  # fmt: skip
    p.add_argument("--company", metavar="NAME", help="company name for the Settings sheet")
    add_until(p)
    add_pdf(p)
    p.set_defaults(func=run)


def describe(result: ReportResult, out: Path, lang: str = "en") -> str:
    """A short account of what was written, for the terminal, in ``lang``."""
    months = result.summary.months
    files = ", ".join(s.path.name for s in result.exports.sources)
    if lang == "fr":
        span = (
            f"{months[0]:%Y-%m} à {months[-1]:%Y-%m}" if months else "aucun mois avec des données"
        )
        return f"{out} : {len(months)} mois remplis ({span}) depuis {files}"
    span = f"{months[0]:%Y-%m} to {months[-1]:%Y-%m}" if months else "no month with data"
    return f"{out}: {len(months)} months filled ({span}) from {files}"


def print_warnings(warnings: list[str]) -> None:
    """Every warning on stderr, before the success line, so none scrolls by unseen."""
    for warning in warnings:
        print(f"kpi-xl: warning: {warning}", file=sys.stderr)
    sys.stderr.flush()


def warned(warnings: list[str], lang: str = "en") -> str:
    """The success line's reminder of the warnings printed above it.

    >>> warned(["a", "b"], "fr"), warned(["a"]), warned([])
    (' (2 avertissements ci-dessus)', ' (1 warning above)', '')
    """
    count, plural = len(warnings), "s" if len(warnings) > 1 else ""
    if not count:
        return ""
    if lang == "fr":
        return f" ({count} avertissement{plural} ci-dessus)"
    return f" ({count} warning{plural} above)"


def run(args: argparse.Namespace) -> int:
    from kpi_xl.config import find_config, load_config
    from kpi_xl.paths import report_path
    from kpi_xl.pdf import soffice, write_pdf
    from kpi_xl.report import fill_report
    from kpi_xl.workbook.template.templates import template_path

    config = load_config(args.config or find_config(args.source))
    lang = args.lang or config.language
    template = args.template or template_path(lang)
    out, note = report_path(Path(args.out), Path(args.source).resolve().name, template)
    if note is not None:  # --out names a folder: the report goes inside (docs/batch.md)
        print(f"note: {note}", file=sys.stderr)
    if args.pdf:
        soffice()  # before any work: says how to install LibreOffice when it is missing
    result = fill_report(args.source, out, template, year=args.year, config_path=args.config,
                         company=args.company, until=args.until)  # fmt: skip
    print_warnings(result.warnings)
    print(describe(result, out, lang) + warned(result.warnings, lang))
    if args.pdf:
        print(f"PDF: {write_pdf(out, args.pdf)}")
    return 0
