"""Column parsing shared by the small CSV readers (rows -> typed Series)."""

from __future__ import annotations

from typing import NoReturn

import numpy as np
import pandas as pd

from kpi_xl.config import Config
from kpi_xl.importers.amounts import parse_amounts, parse_counts
from kpi_xl.importers.base import month_index
from kpi_xl.importers.dates import month_starts, parse_dates
from kpi_xl.importers.loader import default_decimal
from kpi_xl.importers.table import Table


def dates_of(table: Table, column: str, config: Config, rows: pd.Index | None = None) -> pd.Series:
    """Each row's date (rows default to every row); an empty date is an error."""
    rows = table.data.index if rows is None else rows
    positions = table.data.index.get_indexer(rows)

    def fail(pos: int, value: str, expected: str) -> NoReturn:
        table.fail(column, "bad date")(int(positions[pos]), value, expected)

    dates = parse_dates(table.data.loc[rows, column], fail, config.csv.date_format)
    if dates.isna().any():
        fail(int(np.flatnonzero(dates.isna())[0]), "", "a date (the cell is empty)")
    return pd.Series(dates, index=rows)


def months_of(table: Table, column: str, config: Config, rows: pd.Index | None = None) -> pd.Series:
    """The month start of each row's date (rows default to every row)."""
    dates = dates_of(table, column, config, rows)
    return pd.Series(month_starts(pd.DatetimeIndex(dates)), index=dates.index)


def numbers_of(
    table: Table, column: str, config: Config, rows: pd.Index, counts: bool = False
) -> pd.Series:
    """Amounts (or whole counts >= 0) of a column; empty cells are NaN."""
    positions = table.data.index.get_indexer(rows)
    problem = "bad count" if counts else "bad amount"

    def fail(pos: int, value: str, expected: str) -> NoReturn:
        table.fail(column, problem)(int(positions[pos]), value, expected)

    values = table.data.loc[rows, column]
    decimal = default_decimal(table, config)
    if counts:
        return pd.Series(parse_counts(values, fail, decimal), index=rows)
    return pd.Series(parse_amounts(values, fail, config.csv.decimal, decimal), index=rows)


def monthly_sum(values: dict[str, pd.Series], months: pd.Series) -> pd.DataFrame:
    """Columns summed per month (NaN when a month has no value at all)."""
    frame = pd.DataFrame(values)
    summed = frame.groupby(months.to_numpy()).sum(min_count=1)
    full = pd.date_range(summed.index.min(), summed.index.max(), freq="MS")
    return summed.reindex(full).set_axis(month_index(full)).astype(np.float64)


def data_rows(table: Table, column: str) -> pd.Index:
    """Rows that carry data: not a total row, not an empty date."""
    cells = table.data[column].str.strip().str.lower()
    total = cells.str.startswith(("total", "grand total", "--")) | (cells == "")
    return table.data.index[~total.to_numpy()]
