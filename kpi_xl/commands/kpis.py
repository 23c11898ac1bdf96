"""``kpi-xl kpis``: the KPI catalog as a table, a Markdown page, CSV or JSON."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, Any

from kpi_xl.commands import SUMMARIES, sentence

if TYPE_CHECKING:
    from rich.console import Console

    from kpi_xl.catalog import Kpi

HELP = SUMMARIES["kpis"]
EPILOG = """\
examples:
  kpi-xl kpis                     every KPI, in your language
  kpi-xl kpis --lang fr           en français
  kpi-xl kpis --kpi nps           one KPI in full, with what to do off target
  kpi-xl kpis --format markdown   the table of the README
  kpi-xl kpis --format csv > kpis.csv   in French: ';' and decimal commas
  kpi-xl kpis --format json       for a program: raw targets, every field

Rates are fractions, as in Excel: a target of 0.035 shows as 3.5 %.
"""

HEADERS = {
    "en": ("Excel function", "KPI", "Formula", "Better", "Tracking", "Default target", "Typical goal (source)"),
    "fr": ("Fonction Excel", "KPI", "Formule", "Mieux", "Suivi", "Objectif par défaut", "Objectif type (source)"),
}  # fmt: skip
#: What the target cells say for a KPI the catalog sets no default target for.
NO_TARGET = {"fr": "aucun objectif par défaut", "en": "no default target"}
#: The narrowest text column of the one-table catalog (else: one block per KPI).
TEXT_MIN_WIDTH = 20
NO_TARGET_HINT = {
    "fr": "aucun : fixez le vôtre dans kpi_xl.toml, section [targets]",
    "en": "none: set yours in kpi_xl.toml, section [targets]",
}


def register(sub: Any) -> None:
    p = sub.add_parser(
        "kpis",
        help=HELP,
        description=sentence(HELP),
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument(
        "--format",
        choices=("table", "markdown", "csv", "json"),
        default="table",
        help="table for the terminal (default), markdown for docs, csv for a spreadsheet "
        "(French: ';' and decimal commas) or json for a program",
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
    from kpi_xl import fmt

    return fmt.value(kpi.target, kpi.unit, lang) if kpi.target is not None else NO_TARGET[lang]


def _goal(kpi: Kpi, lang: str) -> str:
    return f"{kpi.target_text(lang)} ({kpi.source})"


def rows(lang: str) -> list[tuple[str, ...]]:
    """One row per KPI, in the column order of :data:`HEADERS`."""
    from kpi_xl import catalog

    return [
        (
            _signature(k),
            k.name(lang),
            k.formula(lang),
            k.direction.arrow,
            k.frequency(lang),
            _target(k, lang),
            _goal(k, lang),
        )
        for k in catalog.KPIS
    ]


def markdown(lang: str) -> str:
    """The catalog as a Markdown table (the README's KPI table is this output)."""
    lines = ["| " + " | ".join(HEADERS[lang]) + " |", "|" + "---|" * len(HEADERS[lang])]
    for row in rows(lang):
        cells = [c.replace("\n", "<br>").replace("|", "\\|") for c in row]
        cells[0] = "<br>".join(f"`{s}`" for s in row[0].split("\n"))
        cells[5] = cells[5] if cells[5] != NO_TARGET[lang] else "—"  # a table cell says less
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def _direction(kpi: Kpi, lang: str) -> str:
    from kpi_xl.catalog import Direction

    higher = kpi.direction is Direction.HIGHER
    words = {("fr", True): "plus haut", ("fr", False): "plus bas"}
    return f"{kpi.direction.arrow} " + words.get((lang, higher), "higher" if higher else "lower")


def _detail(kpi: Kpi, lang: str, console: Console) -> None:
    from rich.table import Table
    from rich.text import Text

    from kpi_xl import catalog, fmt

    fr = lang == "fr"
    target = (
        fmt.value(kpi.target, kpi.unit, lang) if kpi.target is not None else NO_TARGET_HINT[lang]
    )
    sources = "; ".join(text for key, text in catalog.SOURCES.items() if key in kpi.source)
    table = Table(show_header=False, title=kpi.name(lang), title_justify="left")
    table.add_column(style="bold", no_wrap=True)
    table.add_column(overflow="fold")
    for label, text in (
        ("Description", kpi.description(lang)),
        ("Formule" if fr else "Formula", kpi.formula(lang)),
        ("Excel", _signature(kpi)),
        ("Unité" if fr else "Unit", fmt.unit_name(kpi.unit, lang)),
        ("Mieux" if fr else "Better", _direction(kpi, lang)),
        ("Suivi" if fr else "Tracking", kpi.frequency(lang)),
        ("Objectif par défaut" if fr else "Default target", target),
        ("Objectif type" if fr else "Typical goal", kpi.target_text(lang)),
        ("Si hors objectif" if fr else "When off target", kpi.action(lang)),
        ("Source", f"{kpi.source}: {sources}"),
    ):
        table.add_row(label, Text(text))
    console.print(table)


def _grid_fits(lang: str, width: int) -> bool:
    """A very wide terminal shows the catalog as one table: whole function and KPI
    names, and at least :data:`TEXT_MIN_WIDTH` characters for each text column."""
    catalog_rows = rows(lang)
    signature = max(len(line) for row in catalog_rows for line in row[0].split("\n"))
    name = max(len(row[1]) for row in catalog_rows)
    texts = len(HEADERS[lang]) - 2
    return signature + name + 6 + texts * (TEXT_MIN_WIDTH + 3) + 1 <= width


def _grid(lang: str) -> Any:
    """The catalog as one wide table: a column per field (wide terminals)."""
    from rich.table import Table
    from rich.text import Text

    table = Table(show_lines=True)
    for header in HEADERS[lang][:2]:
        table.add_column(header, no_wrap=True)  # a function or KPI name is never split
    for header in HEADERS[lang][2:]:
        table.add_column(header, overflow="fold")  # wrap, never '…'
    for row in rows(lang):
        table.add_row(*(Text(c) for c in row))  # Text: '[margin]' is not markup
    return table


def _blocks(lang: str) -> Any:
    """The catalog as one block per KPI: fits 80 columns without cutting a word."""
    from rich.console import Group
    from rich.table import Table
    from rich.text import Text

    from kpi_xl import catalog

    labels = HEADERS[lang]
    parts: list[Any] = []
    for kpi, row in zip(catalog.KPIS, rows(lang), strict=True):
        signature, name, *fields = row
        fields[1] = _direction(kpi, lang)  # "↑ higher": the arrow alone fits a grid cell only
        parts.append(Text(name, style="bold"))
        parts.append(Text("  " + signature.replace("\n", "\n  "), style="cyan"))
        grid = Table.grid(padding=(0, 2))
        grid.add_column(no_wrap=True, style="dim")
        grid.add_column(overflow="fold")
        for label, text in zip(labels[2:], fields, strict=True):
            grid.add_row("  " + label, Text(text))
        parts.extend((grid, Text("")))
    return Group(*parts)


def _csv(lang: str) -> None:
    """French: ';' separators, as French Excel opens a CSV (the values hold decimal commas)."""
    import csv

    from kpi_xl import catalog

    writer = csv.writer(sys.stdout, delimiter=";" if lang == "fr" else ",", lineterminator="\n")
    writer.writerow(("id", *HEADERS[lang], "action"))
    for k, row in zip(catalog.KPIS, rows(lang), strict=True):
        writer.writerow((k.id, *row, k.action(lang)))


def _json(lang: str) -> None:
    import json

    from kpi_xl import catalog

    document = [
        {
            "id": k.id,
            "name": k.name(lang),
            "functions": _signature(k).split("\n"),
            "formula": k.formula(lang),
            "unit": k.unit.value,
            "better": k.direction.value,
            "tracking": k.frequency(lang),
            "target": k.target,
            "typical_goal": k.target_text(lang),
            "source": k.source,
            "action": k.action(lang),
        }
        for k in catalog.KPIS
    ]
    json.dump(document, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")


def run(args: argparse.Namespace) -> int:
    from pathlib import Path

    from kpi_xl import catalog
    from kpi_xl.config import find_config, load_config

    lang = args.lang or load_config(find_config(Path.cwd())).language
    if args.kpi:
        try:
            kpi = catalog.get(args.kpi)
        except KeyError as exc:
            print(f"kpi-xl kpis: {exc.args[0]}", file=sys.stderr)
            return 2
        from rich.console import Console

        _detail(kpi, lang, Console())
        return 0
    if args.format == "markdown":
        sys.stdout.write(markdown(lang))
    elif args.format == "csv":
        _csv(lang)
    elif args.format == "json":
        _json(lang)
    else:
        from kpi_xl.commands.tables import console

        out = console()
        out.print(_grid(lang) if _grid_fits(lang, out.width) else _blocks(lang))
    return 0
