"""Terminal tables that fit the terminal's width without cutting a value.

A table of months is wider than an 80-column terminal: rather than letting
rich clip cells ("1 23…"), the month columns are split into consecutive
blocks, each printed as its own table with the row labels, in as few blocks
as the width allows.  Rich is imported here, so only by a command that runs.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rich.console import Console
from rich.measure import Measurement
from rich.table import Table
from rich.text import Text


@dataclass(frozen=True)
class Column:
    """A value column: its header, one cell per row label, and its style."""

    header: str
    cells: Sequence[str]
    style: str = ""


def console(stderr: bool = False) -> Console:
    """A console as wide as the terminal (or ``COLUMNS``; 80 when not a terminal)."""
    return Console(stderr=stderr)


def width_of(out: Console, table: Table) -> int:
    """The width a table takes when no cell is wrapped."""
    unbounded = out.options.update_width(100_000)  # else the measure is clamped to the width
    return Measurement.get(out, unbounded, table).maximum


def split(items: Sequence[Column], parts: int) -> list[Sequence[Column]]:
    """``items`` cut into ``parts`` consecutive runs of sizes differing by one at most.

    >>> [len(p) for p in split([Column(str(i), []) for i in range(13)], 3)]
    [5, 4, 4]
    """
    size, extra = divmod(len(items), parts)
    out, start = [], 0
    for k in range(parts):
        end = start + size + (k < extra)
        out.append(items[start:end])
        start = end
    return out


def month_blocks(
    title: str,
    label_header: str,
    labels: Sequence[str],
    columns: Sequence[Column],
    sections: Sequence[int] = (),
    out: Console | None = None,
) -> list[Table]:
    """The tables to print: the fewest blocks of ``columns`` that fit the width.

    ``sections``: row indices before which a separating line is drawn.
    """
    out = out or console()
    tables: list[Table] = []
    for parts in range(1, len(columns) + 1):
        blocks = split(columns, parts)
        tables = [
            _table(_title(title, k, parts), label_header, labels, block, sections)
            for k, block in enumerate(blocks, 1)
        ]
        if all(width_of(out, t) <= out.width for t in tables):
            break
    return tables


def _title(title: str, k: int, parts: int) -> str:
    return f"{title} ({k}/{parts})" if parts > 1 and title else title


def _table(
    title: str,
    label_header: str,
    labels: Sequence[str],
    columns: Sequence[Column],
    sections: Sequence[int],
) -> Table:
    table = Table(title=title or None)
    # The labels may wrap (on words) when even one month does not fit beside them.
    table.add_column(label_header, overflow="fold")
    for column in columns:
        table.add_column(column.header, justify="right", no_wrap=True, style=column.style)
    for row, label in enumerate(labels):
        if row in sections:
            table.add_section()
        table.add_row(Text(label), *(Text(c.cells[row]) for c in columns))
    return table
