"""The numpy paths of the monthly assembly give what the pandas formulations give.

A batch client's table is a few dozen months: pandas' fixed costs outweighed the
work, so cohorts, stacking, "one year earlier" and the report's months are computed
on arrays.  Each test keeps the pandas formulation they replaced as the reference
and asserts the same frames, bit for bit (``-0.0`` included; NaN is NaN).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kpi_xl.importers.base import month_index
from kpi_xl.importers.combine import _stack
from kpi_xl.importers.customers import cohorts
from kpi_xl.importers.exercise import Exercise
from kpi_xl.importers.years import year_before


def crosstab_cohorts(orders: pd.DataFrame) -> pd.DataFrame:
    """The cohorts as pandas computed them before (group transforms and a crosstab)."""
    pairs = orders[["customer", "month"]].drop_duplicates()
    month_number = pairs["month"].dt.year * 12 + pairs["month"].dt.month
    first = month_number.groupby(pairs["customer"]).transform("min")
    cohort = pairs.groupby("customer")["month"].transform("min")
    table = pd.crosstab(cohort.to_numpy(), (month_number - first).to_numpy())
    table = table.reindex(columns=range(int(table.columns.max()) + 1), fill_value=0)
    shares = table.div(table[0], axis=0).astype(np.float64)
    last = int(month_number.max())
    index = pd.DatetimeIndex(shares.index)
    cohort_number = index.year * 12 + index.month
    for offset in shares.columns:
        shares.loc[cohort_number + int(offset) > last, offset] = np.nan
    shares.index = pd.DatetimeIndex(shares.index, name="first_order_month")
    shares.columns = pd.Index([int(c) for c in shares.columns], name="months_since")
    return shares


def assert_same(got: pd.DataFrame | pd.Series, expected: pd.DataFrame | pd.Series) -> None:
    if isinstance(expected, pd.DataFrame):
        assert isinstance(got, pd.DataFrame)
        pd.testing.assert_frame_equal(got, expected, check_exact=True)
    else:
        assert isinstance(got, pd.Series)
        pd.testing.assert_series_equal(got, expected, check_exact=True)
    assert got.index.dtype == expected.index.dtype
    values = np.asarray(got.to_numpy(dtype=np.float64))
    numbers = ~np.isnan(values)  # zeros keep their sign; a NaN is a NaN, whatever its sign bit
    wanted = expected.to_numpy(dtype=np.float64)
    assert (np.signbit(values[numbers]) == np.signbit(wanted[numbers])).all()


@pytest.mark.parametrize("seed", range(40))
def test_cohorts_are_the_crosstab_ones(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n, span = int(rng.integers(1, 300)), int(rng.integers(1, 30))
    months = pd.date_range("2022-03-01", periods=span, freq="MS")
    customers = [f"c{i}" for i in rng.integers(0, int(rng.integers(1, 60)), n)]
    frame = pd.DataFrame({
        "customer": pd.Categorical(customers) if seed % 3 == 0 else customers,
        "month": months[rng.integers(0, span, n)],
    })  # fmt: skip
    if seed % 4 == 0:
        frame["month"] = frame["month"].astype("datetime64[us]")
    assert_same(cohorts(frame), crosstab_cohorts(frame))


def group_sum(frames: list[pd.DataFrame]) -> pd.DataFrame:
    combined = pd.concat(frames).groupby(level=0).sum(min_count=1)
    combined.index = month_index(pd.DatetimeIndex(combined.index))
    return combined


values = st.one_of(
    st.floats(allow_nan=True, allow_infinity=False, width=64),
    st.sampled_from([0.0, -0.0, np.nan, 1e-300, -2.5]),
)


@given(
    st.lists(
        st.lists(st.tuples(st.integers(0, 40), values, values), max_size=15),
        min_size=1,
        max_size=3,
    )
)
def test_stacking_is_the_group_sum(parts: list[list[tuple[int, float, float]]]) -> None:
    """Files of one family: months apart (the quick path) or shared (added up)."""
    frames = []
    for rows in parts:
        by_month = {m: (a, b) for m, a, b in rows}  # one row per month in a file
        index = month_index(
            [pd.Timestamp("2023-01-01") + pd.DateOffset(months=m) for m in sorted(by_month)]
        )
        data = [by_month[m] for m in sorted(by_month)]
        frames.append(pd.DataFrame(data, index=index, columns=["a", "b"], dtype=np.float64))
    got = _stack(frames, "analytics", [])
    assert got is not None
    assert_same(got, group_sum(frames))


def offset_year_before(values: pd.Series, exercises: list[Exercise]) -> pd.Series:
    earlier = values.copy()
    earlier.index = earlier.index + pd.DateOffset(years=1)
    earlier = earlier[~earlier.index.duplicated()].reindex(values.index)
    index = pd.DatetimeIndex(values.index)
    before = index - pd.DateOffset(years=1)
    same = np.zeros(len(index), dtype=bool)
    for e in exercises:
        same |= (index >= e.start) & (index <= e.end) & (before >= e.start)
    return earlier.mask(same)


@given(
    st.lists(st.integers(0, 60), min_size=1, max_size=40, unique=True),
    st.lists(st.tuples(st.integers(0, 60), st.integers(0, 23)), max_size=2),
    st.booleans(),
)
def test_year_before_is_the_offset_one(
    months: list[int], spans: list[tuple[int, int]], shuffled: bool
) -> None:
    """Month starts in any order, with or without gaps, with exercises of 1 to 24 months."""
    start = pd.Timestamp("2021-01-01")
    order = months if shuffled else sorted(months)
    index = pd.DatetimeIndex([start + pd.DateOffset(months=m) for m in order], name="month")
    series = pd.Series(np.arange(len(order), dtype=np.float64) - 3.0, index=index, name="x")
    exercises = [
        Exercise(
            "F",
            start + pd.DateOffset(months=first),
            start + pd.DateOffset(months=first + length),
            pd.DatetimeIndex([]),
        )
        for first, length in spans
    ]
    assert_same(year_before(series, exercises), offset_year_before(series, exercises))


def test_year_before_of_days_keeps_the_calendar_rule() -> None:
    """Not month starts (29 February): the general path, with its calendar offsets."""
    index = pd.DatetimeIndex(["2024-02-29", "2025-02-28", "2025-03-01"])
    series = pd.Series([1.0, 2.0, 3.0], index=index)
    assert_same(year_before(series), offset_year_before(series, []))
