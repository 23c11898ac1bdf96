"""Ad-spend reports (Google Ads, Meta Ads, or a mapped CSV) -> monthly ad spend.

Google Ads puts a report title and a date range above the header and
"Total: ..." rows below the data; Meta Ads writes ``Amount spent (EUR)`` /
``Montant dépensé (EUR)`` per ``Day`` / ``Jour`` (or per reporting period,
which is then counted in the month the period starts).  How ad spend and the
FEC's marketing accounts combine is decided in :mod:`kpi_xl.importers.combine`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from kpi_xl.config import Config
from kpi_xl.importers.base import SourceFile, span
from kpi_xl.importers.common import data_rows, monthly_sum, months_of, numbers_of
from kpi_xl.importers.loader import load
from kpi_xl.importers.recognise import ADS_DAY, GOOGLE_COST, META_DAY, META_SPEND
from kpi_xl.importers.table import Table, normalise


@dataclass
class AdsResult:
    monthly: pd.DataFrame  # ad_spend
    source: SourceFile
    warnings: list[str] = field(default_factory=list)


def _prefixed_column(table: Table, prefixes: tuple[str, ...]) -> str:
    for column in table.data.columns:
        name = normalise(column)
        if any(name == p or name.startswith(p + " (") for p in prefixes):
            table.check_unique(name)
            return str(column)
    table.missing(prefixes)


def read_ads(path: Path, config: Config | None = None) -> AdsResult:
    config = config or Config()
    kind, table = load(path, config, "ads")
    mapping = dict(config.ads.columns)
    if kind == "ads:mapped":
        day, spend = table.column(mapping["date"]), table.column(mapping["spend"])
    elif kind == "ads:meta":
        day, spend = table.column(META_DAY), _prefixed_column(table, META_SPEND)
    else:
        day, spend = table.column(ADS_DAY), _prefixed_column(table, GOOGLE_COST)
    assert day is not None and spend is not None
    rows = data_rows(table, day)
    amounts = numbers_of(table, spend, config, rows)
    if (amounts < 0).any():
        row = int(amounts[amounts < 0].index[0])  # the table's index is its row position
        table.fail(spend, "negative ad spend")(
            row,
            str(table.data[spend].iloc[row]),
            "an amount of 0 or more",
        )
    monthly = monthly_sum({"ad_spend": amounts}, months_of(table, day, config, rows))
    first, last = span(monthly)
    source = SourceFile(Path(path), kind, len(rows), first, last, table.encoding)
    return AdsResult(monthly, source, list(table.warnings))
