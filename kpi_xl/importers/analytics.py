"""Web analytics (GA4 CSV exports, or a mapped CSV) -> monthly traffic.

GA4 writes ``#`` comment lines, the header, the rows, maybe a "Grand total"
row, then possibly more tables: we read the first table only.  Users add up
per month: from a daily export, a visitor coming back on several days counts
several times, so export with the "Year month" dimension for unique users.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from kpi_xl.config import Config
from kpi_xl.errors import InputFileError
from kpi_xl.importers.base import SourceFile, span
from kpi_xl.importers.common import data_rows, monthly_sum, months_of, numbers_of
from kpi_xl.importers.loader import load
from kpi_xl.importers.recognise import GA4_DATE
from kpi_xl.importers.table import Table

METRICS: dict[str, tuple[str, ...]] = {
    "visitors": (
        "total users",
        "nombre total d'utilisateurs",
        "utilisateurs au total",
        "active users",
        "utilisateurs actifs",
        "users",
        "utilisateurs",
    ),
    "sessions": ("sessions",),
    "engaged_sessions": ("engaged sessions", "sessions avec engagement"),
    "conversions": ("key events", "evenements cles", "conversions"),
}


@dataclass
class AnalyticsResult:
    monthly: pd.DataFrame  # visitors, sessions, engaged_sessions, conversions (those present)
    source: SourceFile
    warnings: list[str] = field(default_factory=list)


def read_analytics(path: Path, config: Config | None = None) -> AnalyticsResult:
    config = config or Config()
    kind, table = load(path, config, "analytics")
    mapping = dict(config.analytics.columns)
    date = table.column(mapping.get("date") or GA4_DATE)
    assert date is not None
    rows = data_rows(table, date)
    values = {}
    for metric, names in METRICS.items():
        column = table.column(mapping[metric]) if metric in mapping else None
        column = column or table.column(names, required=False)
        if column is not None:
            values[metric] = numbers_of(table, column, config, rows, counts=True)
    if not values:
        _no_metric(table)
    months = months_of(table, date, config, rows)
    monthly = monthly_sum(values, months)
    notes = []
    if "visitors" in values and months.groupby(months).size().max() > 1:
        notes.append(
            f"{Path(path).name}: visitors are added up over the rows of each month "
            "(a returning visitor counts once per row); export by month for "
            "unique users"
        )
    first, last = span(monthly)
    source = SourceFile(Path(path), kind, len(rows), first, last, table.encoding)
    return AnalyticsResult(monthly, source, [*table.warnings, *notes])


def _no_metric(table: Table) -> None:
    raise InputFileError(
        table.path,
        "no traffic column found",
        line=table.header_line,
        expected="a column Sessions, Total users, Engaged sessions or Key events",
        hint="columns found: " + ", ".join(table.data.columns),
    )
