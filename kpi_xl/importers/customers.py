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

ORDER_FIELDS = ("order_id", "date", "month", "customer", "amount")


def _presence(orders: pd.DataFrame, months: pd.DatetimeIndex) -> npt.NDArray[np.int32]:
    """Customers x months: 1 where the customer ordered that month."""
    codes, _ = pd.factorize(orders["customer"])
    col = months.get_indexer(pd.DatetimeIndex(orders["month"]))
    matrix = np.zeros((codes.max() + 1, len(months)), dtype=np.int32)
    matrix[codes, col] = 1
    return matrix


def _window_active(
    cumulative: npt.NDArray[np.int32], end: int, width: int
) -> npt.NDArray[np.bool_]:
    """Which customers ordered in the ``width`` months ending at month ``end``."""
    before = cumulative[:, end - width] if end - width >= 0 else 0
    return np.asarray(cumulative[:, end] - before > 0)


def customer_monthly(orders: pd.DataFrame, window: int = 12) -> pd.DataFrame:
    """Monthly orders, revenue and customer figures from counted orders."""
    months = month_index(pd.date_range(orders["month"].min(), orders["month"].max(), freq="MS"))
    per_month = orders.groupby("month")["amount"].agg(["size", "sum"]).reindex(months)
    presence = _presence(orders, months)
    cumulative = np.cumsum(presence, axis=1)
    order_counts = per_month["size"].fillna(0).to_numpy(dtype=np.float64)
    first_month = presence.argmax(axis=1)
    active = np.array([_window_active(cumulative, m, window).sum() for m in range(len(months))])
    frame = pd.DataFrame(index=months)
    frame["orders"] = order_counts
    frame["orders_revenue"] = per_month["sum"].fillna(0).to_numpy(dtype=np.float64)
    frame["average_order_value"] = frame["orders_revenue"] / frame["orders"].where(
        frame["orders"] > 0
    )
    frame["new_customers"] = np.bincount(first_month, minlength=len(months)).astype(np.float64)
    frame["customers_end"] = active.astype(np.float64)
    frame["active_customers"] = frame["customers_end"]
    frame["customers_start"] = frame["customers_end"].shift(1)
    frame["purchase_frequency"] = _frequency(cumulative, order_counts)
    frame["customer_lifespan"] = _lifespan(cumulative)
    return frame


def _frequency(
    cumulative: npt.NDArray[np.int32], order_counts: npt.NDArray[np.float64]
) -> npt.NDArray[np.float64]:
    orders_12 = pd.Series(order_counts).rolling(12, min_periods=1).sum().to_numpy()
    customers_12 = np.array(
        [_window_active(cumulative, m, 12).sum() for m in range(cumulative.shape[1])]
    )
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(customers_12 > 0, orders_12 / customers_12, np.nan)


def _lifespan(cumulative: npt.NDArray[np.int32]) -> npt.NDArray[np.float64]:
    out = np.full(cumulative.shape[1], np.nan)
    for m in range(23, cumulative.shape[1]):
        before = _window_active(cumulative, m - 12, 12)
        now = _window_active(cumulative, m, 12)
        if before.sum() == 0:
            continue
        churn = (before & ~now).sum() / before.sum()
        out[m] = 1.0 / churn if churn > 0 else np.nan
    return out


def cohorts(orders: pd.DataFrame) -> pd.DataFrame:
    """Share of each first-order month's customers who ordered k months later."""
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
