"""Orders exports -> one row per counted order, then monthly customer figures.

* **Shopify** (one row per line item; the order's fields are on the first row
  of each ``Name``): an order counts unless it was cancelled (``Cancelled
  at``) or its ``Financial Status`` is voided, expired or refunded.  Its
  revenue is ``Total - Taxes`` (excl. VAT, shipping included) less the
  ``Refunded Amount`` in the same proportion; ``[orders] revenue = "total"``
  keeps the taxes in.  The customer is the ``Email`` (else the billing name,
  else the order itself).
* **WooCommerce Analytics** (one row per order): ``Net sales`` / ``Ventes
  nettes`` is the revenue; cancelled, failed, pending and refunded orders are
  left out (as WooCommerce's own analytics do); the customer is ``Customer``.
* **Any orders CSV** mapped in ``[orders.columns]`` (order_id, date, amount,
  customer, status): rows of the same order id add up.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pandas as pd

from kpi_xl.config import Config
from kpi_xl.errors import InputFileError
from kpi_xl.importers.base import SourceFile
from kpi_xl.importers.common import cells, dates_of, numbers_of
from kpi_xl.importers.customers import cohorts, customer_monthly
from kpi_xl.importers.dates import month_starts
from kpi_xl.importers.loader import load
from kpi_xl.importers.recognise import WOO_ORDER, WOO_SALES
from kpi_xl.importers.table import Table, normalise

#: Up to this many orders, plain Python on lists beats pandas' fixed costs.
_LOOP_MAX = 20_000

EXCLUDED = {
    "orders:shopify": {"voided", "expired", "refunded"},
    "orders:woocommerce": {
        "cancelled",
        "failed",
        "pending",
        "pending payment",
        "refunded",
        "annulee",
        "echouee",
        "attente paiement",
        "remboursee",
    },
    "orders:mapped": {
        "cancelled",
        "canceled",
        "failed",
        "refunded",
        "voided",
        "annulee",
        "annule",
        "echouee",
        "remboursee",
    },
}


@dataclass
class OrdersResult:
    """Counted orders of one or more files, with their monthly figures."""

    orders: pd.DataFrame  # order_id, date, month, customer, amount
    monthly: pd.DataFrame
    cohorts: pd.DataFrame
    source: SourceFile
    warnings: list[str] = field(default_factory=list)


def read_orders(path: Path, config: Config | None = None) -> OrdersResult:
    """Read one orders export; the monthly figures use ``config.trailing_months``."""
    config = config or Config()
    kind, table = load(path, config, "orders")
    orders = extract_orders(kind, table, config)
    monthly, notes = summarise(orders, config.trailing_months, Path(path).name)
    source = SourceFile(
        Path(path), kind, len(table.data), monthly.index.min(), monthly.index.max(), table.encoding
    )
    return OrdersResult(orders, monthly, cohorts(orders), source, [*table.warnings, *notes])


def extract_orders(kind: str, table: Table, config: Config) -> pd.DataFrame:
    """The counted orders of a table: order_id, date, month, customer, amount."""
    readers: dict[str, Callable[[Table, Config], pd.DataFrame]] = {
        "orders:shopify": _shopify,
        "orders:woocommerce": _woocommerce,
        "orders:mapped": _mapped,
    }
    orders = table.prepared.copy() if table.prepared is not None else readers[kind](table, config)
    if orders.empty:
        raise InputFileError(
            table.path,
            "no order counts: all are cancelled, refunded or failed",
            expected="at least one paid or pending order",
        )
    orders["month"] = month_starts(pd.DatetimeIndex(orders["date"]))
    return orders.reset_index(drop=True)


def summarise(orders: pd.DataFrame, window: int, name: str) -> tuple[pd.DataFrame, list[str]]:
    monthly = customer_monthly(orders, window)
    notes = []
    first = monthly.index.min()
    if len(monthly) < window + 1:
        notes.append(
            f"{name}: orders start in {first:%Y-%m}; customers at start/end and new customers of "
            f"the first {window} months only see orders since then"
        )
    if len(monthly) < 24:
        notes.append(f"{name}: customer_lifespan needs 24 months of orders; left empty")
    return monthly, notes


def _statuses(table: Table, column: str | None, excluded: set[str]) -> pd.Series:
    """True for the rows whose status counts."""
    if column is None:
        return pd.Series(True, index=table.data.index)
    status = table.data[column]
    # Users write statuses as they see them ("Remboursée"): compare them normalised too,
    # each distinct status once (a million orders have a handful of statuses).
    wanted = {normalise(s) for s in excluded}
    dropped = [v for v in status.unique() if normalise(str(v)) in wanted]
    return ~status.isin(dropped)


def _shopify(table: Table, config: Config) -> pd.DataFrame:
    data = table.data
    name = table.column("name")
    assert name is not None
    first = data.index[~data[name].duplicated()]  # the order-level row of each order
    status = table.column("financial status")
    cancelled = table.column("cancelled at", required=False)
    excluded = EXCLUDED["orders:shopify"] | set(config.orders.excluded_statuses)
    keep = _statuses(table, status, excluded).loc[first]
    if cancelled:
        keep &= data.loc[first, cancelled] == ""
    rows = first[keep.to_numpy()]
    total = _zero_if_empty(numbers_of(table, table.column("total") or "", config, rows))
    taxes = _zero_if_empty(_optional_amounts(table, "taxes", rows, config))
    refunded = _zero_if_empty(_optional_amounts(table, "refunded amount", rows, config))
    net = total - taxes if config.orders.revenue == "net_of_tax" else total
    # On arrays: each of pandas' where / fillna / clip costs more than a small shop's orders.
    share = 1 - refunded / np.where(total != 0, total, np.nan)
    share = np.where(np.isnan(share), 1.0, share)
    kept_share = np.where(share < 0, 0.0, share)
    email = table.column("email", required=False)
    billing = table.column("billing name", required=False)
    identities = [c for c in (email, billing) if c is not None]
    order_ids = cells(table, name, rows)
    customer = _customers(data.loc[rows, identities], (email, billing), order_ids)
    return pd.DataFrame(
        {
            "order_id": order_ids,
            "date": dates_of(table, table.column("created at") or "", config, rows),
            "customer": customer,
            "amount": pd.Series(net * kept_share, index=rows),
        }
    )


def _zero_if_empty(amounts: pd.Series) -> npt.NDArray[np.float64]:
    """The amounts as an array, 0 where the cell was empty (``fillna(0)``)."""
    values = amounts.to_numpy(dtype=np.float64)
    return np.where(np.isnan(values), 0.0, values)


def _optional_amounts(table: Table, name: str, rows: pd.Index, config: Config) -> pd.Series:
    column = table.column(name, required=False)
    if column is None:
        return pd.Series(0.0, index=rows)
    return numbers_of(table, column, config, rows).fillna(0)


def _customers(
    rows: pd.DataFrame, columns: tuple[str | None, ...], fallback: pd.Series
) -> pd.Series:
    """The first non-empty identity among ``columns``, else the order (a one-off customer)."""
    if len(rows) <= _LOOP_MAX:  # the same texts as below, without pandas' fixed costs
        texts = [fallback.tolist(), *(rows[c].tolist() for c in columns if c is not None)]
        if all(type(v) is str for values in texts for v in values):
            ids = [
                next((t.lower() for t in found if t), "") or "order:" + order
                for order, *found in zip(*texts, strict=True)
            ]
            return pd.Series(ids, index=rows.index, dtype="str")
    customer = pd.Series("", index=rows.index)
    for column in columns:
        if column is not None:
            customer = customer.where(customer != "", rows[column].str.lower())
    return customer.where(customer != "", "order:" + fallback.astype(str))


def _woocommerce(table: Table, config: Config) -> pd.DataFrame:
    data = table.data
    order = table.column(WOO_ORDER)
    assert order is not None
    rows = data.index[~data[order].duplicated()]
    excluded = EXCLUDED["orders:woocommerce"] | set(config.orders.excluded_statuses)
    keep = _statuses(table, table.column(("status", "statut"), required=False), excluded)
    rows = rows[keep.loc[rows].to_numpy()]
    customer = table.column(("customer", "client"), required=False)
    return pd.DataFrame(
        {
            "order_id": data.loc[rows, order],
            "date": dates_of(table, table.column("date") or "", config, rows),
            "customer": _customers(data.loc[rows], (customer,), data.loc[rows, order]),
            "amount": numbers_of(table, table.column(WOO_SALES) or "", config, rows).fillna(0),
        }
    )


def _mapped(table: Table, config: Config) -> pd.DataFrame:
    names = config.orders.columns
    data = table.data
    order = table.column(names["order_id"])
    assert order is not None
    status = table.column(names["status"]) if "status" in names else None
    excluded = EXCLUDED["orders:mapped"] | set(config.orders.excluded_statuses)
    rows = data.index[_statuses(table, status, excluded).to_numpy()]
    customer = table.column(names["customer"]) if "customer" in names else None
    lines = pd.DataFrame(
        {
            "order_id": data.loc[rows, order],
            "date": dates_of(table, table.column(names["date"]) or "", config, rows),
            "customer": _customers(data.loc[rows], (customer,), data.loc[rows, order]),
            "amount": numbers_of(table, table.column(names["amount"]) or "", config, rows).fillna(
                0
            ),
        }
    )
    # Several rows of one order (one per product) add up to the order.
    return lines.groupby("order_id", as_index=False, sort=False).agg(
        {"date": "first", "customer": "first", "amount": "sum"}
    )
