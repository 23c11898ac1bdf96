"""``kpi-xl batch``: a report per client of a portfolio, in parallel, with a summary."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text

from kpi_xl import catalog
from kpi_xl.batch import ClientResult, batch_language, find_clients, run_batch, write_summary
from kpi_xl.pdf import PAGES, soffice
from kpi_xl.portfolio import write_overview
from kpi_xl.safe_text import printable

HELP = "fill one KPI workbook per client folder of a portfolio, in parallel"
DESCRIPTION = """\
PORTFOLIO holds one sub-folder per client with its exports and, optionally,
its kpi_xl.toml.  Each client's report DIR/<client>.xlsx is refreshed in
place when it exists (only kpi-xl's cells change: your sheets, charts and
notes stay; the previous version is kept as .bak) and filled from the
bundled template in the client's language (or --lang) when it does not;
--rebuild starts every report again from the template (the old one kept as
.bak).  Clients run in parallel processes; a client whose files are bad is
reported as failed and the others go on.  A report newer than every file of
its client folder, its config and the template is skipped unless --force.

At the end a summary is printed and written to DIR/batch_summary.csv
(client, status, message, warnings, output), and the portfolio overview to
DIR/portefeuille.xlsx (portfolio.xlsx in English): one row per client, the
ones needing attention first.  Exit code: 0 when no client failed, 1 when
at least one did, 2 when the batch could not start.
"""
EPILOG = """\
examples:
  kpi-xl batch clients/ --out reports/
  kpi-xl batch clients/ --out reports/ --jobs 4 --force
  kpi-xl batch clients/ --out reports/ --pdf
"""
STYLES = {"ok": "green", "ok, with warnings": "yellow", "skipped": "dim", "failed": "bold red"}


def register(sub: Any) -> None:
    p = sub.add_parser("batch", help=HELP, description=DESCRIPTION, epilog=EPILOG,
                       formatter_class=argparse.RawDescriptionHelpFormatter)  # fmt: skip
    p.add_argument("portfolio", type=Path, metavar="PORTFOLIO", help="one sub-folder per client")
    p.add_argument("--out", type=Path, required=True, metavar="DIR", help="where reports go")
    p.add_argument("--jobs", type=int, metavar="N",
                   help=f"parallel processes (default: the CPU count, {os.cpu_count()})")  # fmt: skip
    p.add_argument("--force", action="store_true", help="refresh up-to-date reports too")
    p.add_argument("--lang", choices=catalog.LANGS,
                   help="language of every report (default: each client's config, else fr)")  # fmt: skip
    p.add_argument("--rebuild", action="store_true",
                   help="start every report again from the template (the old one kept as .bak)")  # fmt: skip
    p.add_argument("--pdf", nargs="?", const="dashboard", choices=PAGES, metavar="all",
                   help="also write each report's PDF: the dashboard (--pdf all: every sheet)")  # fmt: skip
    p.set_defaults(func=run)


def _table(results: list[ClientResult], lang: str = "en") -> Table:
    table = Table("Client", "Status", "Message", "Warnings", "Output", title="kpi-xl batch")
    for r in results:
        table.add_row(Text(r.client), Text(r.status_text(lang), style=STYLES[r.status]),
                      Text(r.message.split(".\n")[0]), Text(" | ".join(r.warnings)),
                      Text("" if r.output is None else printable(str(r.output))))  # fmt: skip
    return table


def run(args: argparse.Namespace) -> int:
    if args.jobs is not None and args.jobs < 1:
        print("kpi-xl batch: --jobs must be 1 or more", file=sys.stderr)
        return 2
    console = Console(stderr=True)
    total = len(find_clients(args.portfolio, args.out))
    progress = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                        TimeElapsedColumn(), console=console,
                        disable=not console.is_terminal)  # fmt: skip
    if args.pdf:
        soffice()  # before any client: says how to install LibreOffice when it is missing
    with progress:
        task = progress.add_task("clients", total=total)
        results = run_batch(
            args.portfolio, args.out, args.jobs, args.force, args.lang,
            on_done=lambda r: progress.update(task, advance=1, description=r.client),
            rebuild=args.rebuild, pdf=args.pdf,
        )  # fmt: skip
    lang = batch_language(results, args.lang)
    summary = write_summary(results, args.out, lang)
    overview = write_overview(results, args.out, lang)
    Console().print(_table(results, lang))
    counts = {s: sum(r.status == s for r in results) for s in STYLES}
    done = counts["ok"] + counts["ok, with warnings"]
    print(f"{done} written ({counts['ok, with warnings']} with warnings), {counts['skipped']} up "
          f"to date, {counts['failed']} failed; summary: {printable(str(summary))}; overview: "
          f"{printable(str(overview))}")  # fmt: skip
    return 1 if counts["failed"] else 0
