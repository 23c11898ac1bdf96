"""``kpi-xl kpis``: the KPI catalog as a table, a Markdown page or CSV."""

from __future__ import annotations

import argparse
import csv
import sys
from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from kpi_xl import catalog, fmt
from kpi_xl.catalog import Kpi

HELP = "show the KPI catalog: formulas, Excel functions, targets and advice"
EPILOG = """\
examples:
  kpi-xl kpis                        every KPI, in English
  kpi-xl kpis --lang fr              en français
  kpi-xl kpis --kpi nps              one KPI in full, with the advice when off target
  kpi-xl kpis --format markdown      the table of the README
  kpi-xl kpis --format csv > kpis.csv

Rates are fractions, as in Excel: a target of 0.035 shows as 3.5 %.
"""

HEADERS = {
    "en": ("Excel function", "KPI", "Formula", "Better", "Tracking", "Default target", "Typical goal (source)"),
    "fr": ("Fonction Excel", "KPI", "Formule", "Mieux", "Suivi", "Objectif par défaut", "Objectif type (source)"),
}  # fmt: skip


def register(sub: Any) -> None:
    p = sub.add_parser(
        "kpis",
        help=HELP,
        description=HELP.capitalize() + ".",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--lang", choices=catalog.LANGS, default="en", help="language (default: en)")
    p.add_argument(
        "--format",
        choices=("table", "markdown", "csv"),
        default="table",
        help="table for the terminal (default), markdown for docs, csv for a spreadsheet",
    )
    p.add_argument("--kpi", metavar="ID", help="show one KPI in full (id, Excel name or name)")
    p.set_defaults(func=run)


def _signature(kpi: Kpi) -> str:
    parts = []
    for f in kpi.functions:
        args = ", ".join(f"[{a.name}]" if a.default is not None else a.name for a in f.args)
        parts.append(f"{f.excel_name}({args})")
    return "\n".join(parts)


def _target(kpi: Kpi, lang: str) -> str:
    return fmt.value(kpi.target, kpi.unit, lang) if kpi.target is not None else "—"


def rows(lang: str) -> list[tuple[str, ...]]:
    """One row per KPI, in the column order of :data:`HEADERS`."""
    return [
        (
            _signature(k),
            k.name(lang),
            k.formula(lang),
            k.direction.arrow,
            k.frequency(lang),
            _target(k, lang),
            f"{k.target_text(lang)} ({k.source})",
        )
        for k in catalog.KPIS
    ]


def markdown(lang: str) -> str:
    """The catalog as a Markdown table (the README's KPI table is this output)."""
    lines = ["| " + " | ".join(HEADERS[lang]) + " |", "|" + "---|" * len(HEADERS[lang])]
    for row in rows(lang):
        cells = [c.replace("\n", "<br>").replace("|", "\\|") for c in row]
        cells[0] = "<br>".join(f"`{s}`" for s in row[0].split("\n"))
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def _detail(kpi: Kpi, lang: str, console: Console) -> None:
    fr = lang == "fr"
    table = Table(show_header=False, title=kpi.name(lang), title_justify="left")
    table.add_column(style="bold")
    table.add_column()
    for label, text in (
        ("Description", kpi.description(lang)),
        ("Formule" if fr else "Formula", kpi.formula(lang)),
        ("Excel", _signature(kpi)),
        ("Unité" if fr else "Unit", kpi.unit.value),
        ("Mieux" if fr else "Better", ("plus haut" if fr else "higher")
         if kpi.direction is catalog.Direction.HIGHER else ("plus bas" if fr else "lower")),
        ("Suivi" if fr else "Tracking", kpi.frequency(lang)),
        ("Objectif" if fr else "Target", f"{_target(kpi, lang)} — {kpi.target_text(lang)}"),
        ("Si hors objectif" if fr else "When off target", kpi.action(lang)),
        ("Source", f"{kpi.source}: " + "; ".join(catalog.SOURCES[s] for s in catalog.SOURCES
                                                  if s in kpi.source)),
    ):  # fmt: skip
        table.add_row(label, Text(text))
    console.print(table)


def run(args: argparse.Namespace) -> int:
    if args.kpi:
        try:
            kpi = catalog.get(args.kpi)
        except KeyError as exc:
            print(f"kpi-xl kpis: {exc.args[0]}", file=sys.stderr)
            return 2
        _detail(kpi, args.lang, Console())
        return 0
    if args.format == "markdown":
        sys.stdout.write(markdown(args.lang))
    elif args.format == "csv":
        writer = csv.writer(sys.stdout)
        writer.writerow(("id", *HEADERS[args.lang], "action"))
        for k, row in zip(catalog.KPIS, rows(args.lang), strict=True):
            writer.writerow((k.id, *row, k.action(args.lang)))
    else:
        table = Table(*HEADERS[args.lang], show_lines=True)
        for row in rows(args.lang):
            table.add_row(*(Text(c) for c in row))  # Text: '[margin]' is not markup
        Console().print(table)
    return 0
