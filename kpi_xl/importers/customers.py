"""Customer figures from a list of orders: monthly counts, retention, cohorts.

Definitions (documented in docs/importers.md):

* a customer is **active** at the end of a month when they ordered within the
  trailing ``window`` months (default 12) ending with that month;
  ``customers_end`` = active at the end of the month, ``customers_start`` =
  active at the end of the previous month (unknown for the first month);
* a **new customer** places their first order (first in the data) that month;
* ``purchase_frequency`` = orders / distinct customers over the trailing 12
  months (purchases per customer per year);
* ``customer_lifespan`` = 1 / annual churn, the churn being the share of the
  customers who ordered in months m-23..m-12 and not in m-11..m (so it needs
  24 months of orders).
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pandas as pd

from kpi_xl.importers.base import month_index

Ints = npt.NDArray[np.int64]

ORDER_FIELDS = ("order_id", "date", "month", "customer", "amount")


def _pairs(orders: pd.DataFrame, months: pd.DatetimeIndex) -> tuple[Ints, Ints, Ints]:
    """Distinct (customer, month) pairs sorted by customer then month, and each pair's
    next month with an order of the same customer (``len(months) + 24`` if none).

    A million orders have a few hundred thousand customers over a few dozen months: the
    figures below are counted from these pairs, never from a customers x months matrix.
    """
    codes, _ = pd.factorize(orders["customer"])
    month = months.get_indexer(pd.DatetimeIndex(orders["month"])).astype(np.int64)
    key = np.sort(codes.astype(np.int64) * len(months) + month)
    key = key[np.concatenate(([True], key[1:] != key[:-1]))]  # distinct (sort, not hash)
    customer, month = key // len(months), key % len(months)
    following = np.full(len(key), len(months) + 24, dtype=np.int64)
    same = customer[1:] == customer[:-1]
    following[:-1][same] = month[1:][same]
    return customer, month, following


def _covered(starts: Ints, ends: Ints, size: int) -> Ints:
    """How many of the intervals [start, end) hold each of ``size`` months."""
    diff = np.zeros(size + 50, dtype=np.int64)
    np.add.at(diff, starts, 1)
    np.add.at(diff, ends, -1)
    return np.cumsum(diff)[:size]


def _active(month: Ints, following: Ints, size: int, width: int) -> Ints:
    """Customers who ordered in the ``width`` months ending with each month.

    A pair (customer, month t) keeps its customer active from t to t + width - 1,
    or until the customer's next order month (which takes over).
    """
    return _covered(month, np.minimum(month + width, following), size)


def customer_monthly(orders: pd.DataFrame, window: int = 12) -> pd.DataFrame:
    """Monthly orders, revenue and customer figures from counted orders."""
    months = month_index(pd.date_range(orders["month"].min(), orders["month"].max(), freq="MS"))
    per_month = orders.groupby("month")["amount"].agg(["size", "sum"]).reindex(months)
    customer, month, following = _pairs(orders, months)
    order_counts = per_month["size"].fillna(0).to_numpy(dtype=np.float64)
    first = np.ones(len(customer), dtype=bool)
    first[1:] = customer[1:] != customer[:-1]  # each customer's first month
    revenue = per_month["sum"].fillna(0).to_numpy(dtype=np.float64)
    customers_end = _active(month, following, len(months), window).astype(np.float64)
    active_12 = _active(month, following, len(months), 12)
    with np.errstate(divide="ignore", invalid="ignore"):
        average = revenue / np.where(order_counts > 0, order_counts, np.nan)
    columns = {  # one frame built from arrays (a column assignment each cost more)
        "orders": order_counts,
        "orders_revenue": revenue,
        "average_order_value": average,
        "new_customers": np.bincount(month[first], minlength=len(months)).astype(np.float64),
        "customers_end": customers_end,
        "active_customers": customers_end.copy(),
        "customers_start": np.concatenate(([np.nan], customers_end[:-1])),
        "purchase_frequency": _frequency(active_12, order_counts),
        "customer_lifespan": _lifespan(month, following, active_12),
    }
    return pd.DataFrame(columns, index=months)


def _frequency(
    customers_12: Ints, order_counts: npt.NDArray[np.float64]
) -> npt.NDArray[np.float64]:
    orders_12 = pd.Series(order_counts).rolling(12, min_periods=1).sum().to_numpy()
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(customers_12 > 0, orders_12 / customers_12, np.nan)


def _lifespan(month: Ints, following: Ints, active_12: Ints) -> npt.NDArray[np.float64]:
    """1 / churn, churn at m being the share of the customers active in m-23..m-12 who
    did not order in m-11..m.

    Such a customer's last order up to m is some pair (t) with t + 12 <= m <= t + 23
    and no later order before m: the pair counts for m in [t + 12, min(t + 24, next)).
    """
    size = len(active_12)
    out = np.full(size, np.nan)
    lapsed = _covered(month + 12, np.maximum(month + 12, np.minimum(month + 24, following)), size)
    for m in range(23, size):
        before = active_12[m - 12]
        if before == 0:
            continue
        churn = lapsed[m] / before
        out[m] = 1.0 / churn if churn > 0 else np.nan
    return out


def _distinct(values: Ints) -> Ints:
    """The distinct values, sorted (numpy 2.4's ``np.unique`` hashes first: 13x slower on
    a million keys than this sort)."""
    ordered: Ints = np.sort(values)
    new = np.ones(len(ordered), dtype=bool)
    new[1:] = ordered[1:] != ordered[:-1]
    return ordered[new]


def cohorts(orders: pd.DataFrame) -> pd.DataFrame:
    """Share of each first-order month's customers who ordered k months later.

    Counted from the distinct (customer, month) pairs with numpy: the pandas
    crosstab and group transforms cost more than the work on a small shop's orders.
    """
    codes, _ = pd.factorize(orders["customer"])
    month_values = orders["month"].to_numpy()
    month = month_values.astype("datetime64[M]").astype(np.int64)
    base = int(month.min())
    span = int(month.max()) - base + 1
    key = _distinct(codes.astype(np.int64) * span + (month - base))  # (customer, month) pairs
    customer, number = key // span, key % span
    starts = np.concatenate(([True], customer[1:] != customer[:-1]))
    first = number[starts][np.cumsum(starts) - 1]  # each pair's customer's first month
    offset = number - first
    present = np.bincount(first, minlength=span) > 0
    cohort_months = np.flatnonzero(present)
    row = (np.cumsum(present) - 1)[first]  # each pair's cohort
    counts = np.zeros((len(cohort_months), int(offset.max()) + 1), dtype=np.int64)
    np.add.at(counts, (row, offset), 1)
    shares = counts / counts[:, :1]
    shares[cohort_months[:, None] + np.arange(counts.shape[1]) > int(number.max())] = np.nan
    index = (cohort_months + base).astype("datetime64[M]").astype(month_values.dtype)
    return pd.DataFrame(
        shares,
        index=pd.DatetimeIndex(index, name="first_order_month"),
        columns=pd.Index(range(counts.shape[1]), dtype=np.int64, name="months_since"),
    )
