"""``kpi-xl batch``: a report per client of a portfolio, in parallel, with a summary."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kpi_xl.commands import LANGS, SUMMARIES, add_pdf

if TYPE_CHECKING:  # imported in run: 'batch --help' must not load the workbook code
    from rich.table import Table

    from kpi_xl.batch import ClientResult

HELP = SUMMARIES["batch"]
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
  kpi-xl batch clients/ --out reports/ --format json > batch.json
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
    p.add_argument("--lang", choices=LANGS,
                   help="language of every report (default: each client's config, else the system's)")  # fmt: skip
    p.add_argument("--format", choices=("table", "csv", "json"), default="table",
                   help="what stdout gets: a table (default), the summary as csv, or json")  # fmt: skip
    p.add_argument("--until", metavar="YYYY-MM",
                   help="every report's last month (default: each client's last closed month)")  # fmt: skip
    p.add_argument("--rebuild", action="store_true",
                   help="start every report again from the template (the old one kept as .bak)")  # fmt: skip
    add_pdf(p, "also write each report's PDF")
    p.set_defaults(func=run)


def _table(results: list[ClientResult], lang: str) -> Table:
    """Client, status and outcome; a failure's full message is printed below the table."""
    from rich.table import Table
    from rich.text import Text

    fr = lang == "fr"
    headers = ("Client", "Statut", "Résultat") if fr else ("Client", "Status", "Result")
    table = Table(title="kpi-xl batch")
    table.add_column(headers[0], overflow="fold")  # a long name wraps, never '…'
    table.add_column(headers[1], no_wrap=True)
    table.add_column(headers[2], overflow="fold")
    table.add_column("Avert." if fr else "Warn.", no_wrap=True, justify="right")
    below = "voir ci-dessous" if fr else "see below"
    for r in results:
        result = below if r.status == "failed" else r.message
        if r.status == "skipped" and r.output is not None:  # the status says "up to date"
            result = f"{'inchangé' if fr else 'unchanged'} → {r.output.name}"
        elif r.output is not None and r.status in ("ok", "ok, with warnings"):
            result += f" → {r.output.name}"
        warned = str(len(r.warnings)) if r.warnings else ""
        table.add_row(Text(r.client), Text(r.status_text(lang), style=STYLES[r.status]),
                      Text(result), Text(warned))  # fmt: skip
    return table


def _failures(results: list[ClientResult], lang: str) -> str:
    """Each failed client's message in full: paths and lines are what the user must fix."""
    failed = [r for r in results if r.status == "failed"]
    if not failed:
        return ""
    title = "Clients en échec :" if lang == "fr" else "Failed clients:"
    return "\n".join([title, *(f"- {r.client}: {r.message}" for r in failed)])


def _notes(results: list[ClientResult], lang: str) -> str:
    """The clients' warnings (a stray file skipped, a month cut short...), in full."""
    noted = [(r.client, note) for r in results for note in r.warnings]
    if not noted:
        return ""
    title = "Avertissements :" if lang == "fr" else "Warnings:"
    return "\n".join([title, *(f"- {client}: {note}" for client, note in noted)])


def _done_line(results: list[ClientResult], lang: str, summary: str, overview: str) -> str:
    """The last line: how many reports were written, skipped, failed, and where the files are.

    >>> from kpi_xl.batch import ClientResult
    >>> r = [ClientResult("a", "ok", "", None), ClientResult("b", "failed", "", None)]
    >>> print(_done_line(r, "fr", "s.csv", "p.xlsx"))
    1 rapport écrit, 0 à jour, 1 en échec (0 avec avertissements) ; résumé : s.csv ; vue d'ensemble : p.xlsx
    """
    counts = {s: sum(r.status == s for r in results) for s in STYLES}
    warned = counts["ok, with warnings"]
    written, skipped, failed = counts["ok"] + warned, counts["skipped"], counts["failed"]
    if lang == "fr":
        plural = "s" if written > 1 else ""
        return (f"{written} rapport{plural} écrit{plural}, {skipped} à jour, {failed} en échec "
                f"({warned} avec avertissements) ; résumé : {summary} ; "
                f"vue d'ensemble : {overview}")  # fmt: skip
    return (f"{written} filled, {skipped} up to date, {failed} failed ({warned} with "
            f"warnings); summary: {summary}; overview: {overview}")  # fmt: skip


def _json(results: list[ClientResult]) -> str:
    import json

    return json.dumps(
        [
            {"client": r.client, "status": r.status, "message": r.message,
             "output": None if r.output is None else str(r.output),
             "seconds": round(r.seconds, 3), "warnings": list(r.warnings)}
            for r in results
        ],
        ensure_ascii=False, indent=2,
    )  # fmt: skip


def run(args: argparse.Namespace) -> int:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from kpi_xl.batch import batch_language, find_clients, run_batch, summary_csv, write_summary
    from kpi_xl.commands.tables import console as make_console
    from kpi_xl.language import system_language
    from kpi_xl.pdf import soffice
    from kpi_xl.portfolio import write_overview
    from kpi_xl.safe_text import printable

    if args.jobs is not None and args.jobs < 1:
        print("kpi-xl batch: --jobs must be 1 or more", file=sys.stderr)
        return 2
    if args.pdf:
        soffice()  # before any client: says how to install LibreOffice when it is missing
    console = make_console(stderr=True)
    total = len(find_clients(args.portfolio, args.out))
    progress = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                        TimeElapsedColumn(), console=console,
                        disable=not console.is_terminal)  # fmt: skip
    with progress:
        task = progress.add_task("clients", total=total)
        results = run_batch(
            args.portfolio, args.out, args.jobs, args.force, args.lang,
            on_done=lambda r: progress.update(task, advance=1, description=r.client),
            until=args.until, rebuild=args.rebuild, pdf=args.pdf,
        )  # fmt: skip
    lang = args.lang or system_language()
    files_lang = batch_language(results, args.lang)  # the clients' language (issue 16)
    summary = write_summary(results, args.out, files_lang)
    overview = write_overview(results, args.out, files_lang)
    done = _done_line(results, lang, printable(str(summary)), printable(str(overview)))
    if args.format == "csv":
        sys.stdout.write(summary_csv(results, lang))
    elif args.format == "json":
        print(_json(results))
    else:
        make_console().print(_table(results, lang))
        for text in (_notes(results, lang), _failures(results, lang)):
            if text:
                print(text)  # plain print: the terminal wraps it, no path is cut
    print(done, file=sys.stdout if args.format == "table" else sys.stderr)
    return 1 if any(r.status == "failed" for r in results) else 0
