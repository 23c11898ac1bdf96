"""One year earlier, and the 12 months of a fiscal year, on month-start tables."""

from __future__ import annotations

import numpy as np
import pandas as pd

from kpi_xl.errors import InputFileError
from kpi_xl.importers.base import month_index
from kpi_xl.importers.exercise import Exercise


def same_exercise(months: pd.Index, exercises: list[Exercise]) -> np.ndarray:
    """Months whose month one year earlier is in their own exercise (the 13th month on of a
    long first exercise): that month is not "N-1", whose figures come from the exercise before.

    >>> from kpi_xl.importers.exercise import Exercise
    >>> first = Exercise("F", pd.Timestamp("2022-04-01"), pd.Timestamp("2023-05-01"),
    ...                  pd.DatetimeIndex([]))
    >>> months = pd.date_range("2023-03-01", periods=4, freq="MS")
    >>> same_exercise(months, [first]).tolist()
    [False, True, True, False]
    """
    index = pd.DatetimeIndex(months)
    same = np.zeros(len(index), dtype=bool)
    if not exercises:
        return same
    before = _minus_a_year(index)
    for e in exercises:
        same |= (index >= e.start) & (index <= e.end) & (before >= e.start)
    return same


def _minus_a_year(index: pd.DatetimeIndex) -> pd.DatetimeIndex:
    """``index - DateOffset(years=1)``, by month arithmetic for month starts."""
    if not _month_starts(index):
        return index - pd.DateOffset(years=1)
    values = index.to_numpy()
    months = values.astype("datetime64[M]") - np.timedelta64(12, "M")
    return pd.DatetimeIndex(months.astype(values.dtype))


def _month_starts(index: pd.DatetimeIndex) -> bool:
    """Every date is the first day of its month, at midnight (and the index has no zone)."""
    if not len(index) or index.tz is not None:
        return False
    values = index.to_numpy()
    return bool((values.astype("datetime64[M]").astype(values.dtype) == values).all())


def _year_before_months(values: pd.Series, exercises: list[Exercise]) -> pd.Series | None:
    """:func:`year_before` of float figures on sorted month starts, by position; else None."""
    index = values.index
    if (
        values.dtype != np.float64
        or not isinstance(index, pd.DatetimeIndex)
        or not index.is_monotonic_increasing
        or not index.is_unique
        or not _month_starts(index)
    ):
        return None
    number = index.to_numpy().astype("datetime64[M]").astype(np.int64)
    pos = np.minimum(np.searchsorted(number, number - 12), len(number) - 1)
    found = number[pos] == number - 12
    earlier = np.where(found, values.to_numpy()[pos], np.nan)
    earlier[same_exercise(index, exercises)] = np.nan
    return pd.Series(earlier, index=index, name=values.name)


def year_before(values: pd.Series, exercises: list[Exercise] | None = None) -> pd.Series:
    """Each month's value of the same month one year earlier; none where that month is in
    the same FEC exercise (see :func:`same_exercise`)."""
    quick = _year_before_months(values, exercises or [])
    if quick is not None:
        return quick
    earlier = values.copy()
    earlier.index = earlier.index + pd.DateOffset(years=1)
    earlier = earlier[~earlier.index.duplicated()].reindex(values.index)
    return earlier.mask(same_exercise(values.index, exercises or []))


def fiscal_year_table(
    monthly: pd.DataFrame, year: int | None, start_month: int = 1
) -> pd.DataFrame:
    """The 12 months of the fiscal year starting in ``year`` at ``start_month``.

    ``year=None`` takes the fiscal year of the latest month with data.
    """
    if not 1 <= start_month <= 12:
        raise ValueError(f"start_month must be 1 to 12, not {start_month}")
    if year is None:
        filled = monthly.dropna(how="all")
        if filled.empty:
            raise InputFileError(
                "the exports",
                "no month has any figure",
                hint="check that the files hold data rows, not just their header",
            )
        latest = pd.Timestamp(filled.index.max())
        year = latest.year if latest.month >= start_month else latest.year - 1
    months = month_index(pd.date_range(pd.Timestamp(year, start_month, 1), periods=12, freq="MS"))
    table = monthly.reindex(months)
    if "revenue" in monthly and "revenue_prev_year" in table:
        table["revenue_prev_year"] = table["revenue_prev_year"].fillna(
            year_before(monthly["revenue"]).reindex(months)
        )
    return table.astype(np.float64)
