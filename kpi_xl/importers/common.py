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

    def fail(pos: int, value: str, expected: str) -> NoReturn:
        position = int(table.data.index.get_indexer(rows)[pos])  # looked up only to report
        table.fail(column, "bad date")(position, value, expected)

    dates = parse_dates(cells(table, column, rows), fail, config.csv.date_format)
    missing = np.isnat(dates.to_numpy())
    if missing.any():
        fail(int(np.flatnonzero(missing)[0]), "", "a date (the cell is empty)")
    return pd.Series(dates, index=rows)


def months_of(table: Table, column: str, config: Config, rows: pd.Index | None = None) -> pd.Series:
    """The month start of each row's date (rows default to every row)."""
    dates = dates_of(table, column, config, rows)
    return pd.Series(month_starts(pd.DatetimeIndex(dates)), index=dates.index)


def numbers_of(
    table: Table, column: str, config: Config, rows: pd.Index, counts: bool = False
) -> pd.Series:
    """Amounts (or whole counts >= 0) of a column; empty cells are NaN."""
    problem = "bad count" if counts else "bad amount"

    def fail(pos: int, value: str, expected: str) -> NoReturn:
        position = int(table.data.index.get_indexer(rows)[pos])  # looked up only to report
        table.fail(column, problem)(position, value, expected)

    values = cells(table, column, rows)
    decimal = default_decimal(table, config)
    if counts:
        return pd.Series(parse_counts(values, fail, decimal), index=rows)
    return pd.Series(parse_amounts(values, fail, config.csv.decimal, decimal), index=rows)


def cells(table: Table, column: str, rows: pd.Index) -> pd.Series:
    """``table.data.loc[rows, column]``; the column itself when the rows are all of them
    (most files have no total row), else taken by position when the labels are positions
    (a table read from a file): no lookup of every label."""
    data = table.data
    if rows is data.index or (len(rows) == len(data) and rows.equals(data.index)):
        return data[column]
    labels = data.index
    if isinstance(labels, pd.RangeIndex) and labels.start == 0 and labels.step == 1:
        whole = data[column]
        taken = whole.to_numpy()[np.asarray(rows, dtype=np.intp)]
        return pd.Series(taken, index=rows, name=column, dtype=whole.dtype)
    picked: pd.Series = data.loc[rows, column]
    return picked


def monthly_sum(values: dict[str, pd.Series], months: pd.Series) -> pd.DataFrame:
    """Columns summed per month (NaN when a month has no value at all)."""
    frame = pd.DataFrame(values)
    summed = frame.groupby(months.to_numpy()).sum(min_count=1)
    quick = _every_month(summed)
    if quick is not None:
        return quick
    full = pd.date_range(summed.index.min(), summed.index.max(), freq="MS")
    return summed.reindex(full).set_axis(month_index(full)).astype(np.float64)


def _every_month(summed: pd.DataFrame) -> pd.DataFrame | None:
    """``summed`` (float sums on sorted month starts) with a row for every month from its
    first to its last, placed by month number; None for other frames."""
    keys = summed.index
    if not len(keys) or not isinstance(keys, pd.DatetimeIndex) or keys.tz is not None:
        return None
    values = keys.to_numpy()
    months = values.astype("datetime64[M]")
    if (months.astype(values.dtype) != values).any() or any(t != np.float64 for t in summed.dtypes):
        return None
    number = months.astype(np.int64)
    if not (np.diff(number) > 0).all():
        return None
    out = np.full((int(number[-1] - number[0]) + 1, summed.shape[1]), np.nan)
    out[number - number[0]] = summed.to_numpy(dtype=np.float64)
    full = np.arange(months[0], months[-1] + 1).astype("datetime64[ns]")
    index = pd.DatetimeIndex(full, freq="MS", name="month")  # as month_index(date_range)
    return pd.DataFrame(out, index=index, columns=summed.columns)


#: Rows that are no data: a report's totals, a separator line.
_TOTALS = ("total", "grand total", "--")


def data_rows(table: Table, column: str) -> pd.Index:
    """Rows that carry data: not a total row, not an empty date."""
    texts = table.data[column].tolist()
    if all(type(t) is str for t in texts):  # a list, not pandas' fixed costs per operation
        keep = [bool(c) and not c.startswith(_TOTALS) for c in (t.strip().lower() for t in texts)]
        return table.data.index[np.array(keep, dtype=bool)]
    stripped = table.data[column].str.strip().str.lower()
    total = stripped.str.startswith(_TOTALS) | (stripped == "")
    return table.data.index[~total.to_numpy()]
