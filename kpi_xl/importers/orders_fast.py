"""Big Shopify and WooCommerce exports: counted orders computed by one polars query.

The general reader (:mod:`kpi_xl.importers.table` and :mod:`orders`) turns
every cell of the file into a Python string with its line number: right for
the small files most users have, 20 s and 2 GB for a million lines.  For a
big file this module reads only the needed columns with polars and computes
the counted orders (first row of each order, statuses compared normalised,
amounts, dates, customers) in one multi-threaded query; statuses are
normalised once per distinct value, customers become a categorical.

It runs only when its result is certainly the general reader's: UTF-8, the
header on the first line, every record exactly as wide as the header (the
separators are counted), amounts such as ``56.00`` or ``-3,5``, dates
``YYYY-MM-DD`` (any time after them).  Anything else, a bad value above
all, returns None and the general reader reads the file and reports the
problem with its line and column.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from kpi_xl.config import Config
from kpi_xl.errors import InputFileError
from kpi_xl.importers import fastcsv
from kpi_xl.importers.amounts import LIMIT
from kpi_xl.importers.recognise import WOO_ORDER, WOO_SALES, Sniffed, head_text
from kpi_xl.importers.table import Table, normalise, unique_names

if TYPE_CHECKING:
    import polars as pl

_AMOUNT = r"^-?\d+(?:[.,]\d{1,2})?$"  # read the same whatever the column's decimal mark
_DATE = r"^\d{4}-\d{2}-\d{2}(?:[ T]|$)"


@dataclass
class _Plan:
    """Which columns (by position) hold what, and what the orders reader does with them."""

    order: int
    date: int
    amount: int
    status: int | None
    excluded: set[str]
    customers: tuple[int, ...]
    cancelled: int | None = None
    taxes: int | None = None
    refunded: int | None = None
    net_of_tax: bool = True

    def positions(self) -> list[int]:
        optional = (self.status, self.cancelled, self.taxes, self.refunded)
        wanted = {self.order, self.date, self.amount, *self.customers}
        return sorted(wanted | {p for p in optional if p is not None})


def prepare(path: Path, sniffed: Sniffed, config: Config) -> Table | None:
    """A table whose ``prepared`` orders are the general reader's, or None."""
    header = sniffed.header
    if (
        sniffed.kind not in ("orders:shopify", "orders:woocommerce")
        or header.index != 0
        or config.csv.date_format not in (None, "%Y-%m-%d")
        or not fastcsv.worth_it(path)
    ):
        return None
    encoding = head_text(path, config)[1]
    if encoding.replace("-sig", "") != "utf-8":
        return None
    table = Table(path, encoding, header, pd.DataFrame(), np.zeros(0, dtype=np.int64))
    plan = _plan(sniffed.kind, table, config)
    if plan is None:
        return None
    orders = _read(path, header.delimiter, plan, len(header.names))
    if orders is None:
        return None
    table.data = pd.DataFrame(index=pd.RangeIndex(orders.get_column("records").item(0)))
    table.prepared = _to_pandas(orders)
    return table


def _plan(kind: str, table: Table, config: Config) -> _Plan | None:
    """The columns of a Shopify or WooCommerce export (None: a column is missing)."""
    from kpi_xl.importers.orders import EXCLUDED

    names = list(table.header.names)
    try:

        def at(wanted: str | tuple[str, ...], required: bool = True) -> int | None:
            found = table.column(wanted, required)
            return None if found is None else _position(names, found)

        excluded = EXCLUDED[kind] | set(config.orders.excluded_statuses)
        if kind == "orders:shopify":
            return _Plan(
                order=_need(at("name")),
                date=_need(at("created at")),
                amount=_need(at("total")),
                status=at("financial status"),
                excluded=excluded,
                customers=_some(at("email", False), at("billing name", False)),
                cancelled=at("cancelled at", False),
                taxes=at("taxes", False),
                refunded=at("refunded amount", False),
                net_of_tax=config.orders.revenue == "net_of_tax",
            )
        return _Plan(
            order=_need(at(WOO_ORDER)),
            date=_need(at("date")),
            amount=_need(at(WOO_SALES)),
            status=at(("status", "statut"), False),
            excluded=excluded,
            customers=_some(at(("customer", "client"), False)),
        )
    except (InputFileError, AssertionError):  # the general reader reports what is wrong
        return None


def _position(names: list[str], unique_name: str) -> int:
    return unique_names(names).index(unique_name)


def _need(position: int | None) -> int:
    assert position is not None
    return position


def _some(*positions: int | None) -> tuple[int, ...]:
    return tuple(p for p in positions if p is not None)


def _read(path: Path, delimiter: str, plan: _Plan, width: int) -> pl.DataFrame | None:
    """The counted orders; None if a record is not as wide as the header or a value
    needs the general reader (see the module docstring)."""
    import polars as pl

    positions = plan.positions()
    order = str(plan.order)
    blank_end = fastcsv.blank_lines_at_end(path)  # polars reads them as empty records
    scan = pl.scan_csv(path, separator=delimiter, infer_schema=False, encoding="utf8")
    query = (
        scan.select(pl.nth(p).str.strip_chars().fill_null("").alias(str(p)) for p in positions)
        .with_columns((pl.len() - blank_end).alias("records"))
        .filter(pl.int_range(pl.len()) < pl.col("records"))
        .filter(pl.col(order).is_first_distinct())  # the order-level row of each order
    )
    first, separators = fastcsv.while_parsing(query.collect, lambda: _separators(path, delimiter))
    if first is None or not first.height:
        return None
    records = int(first.get_column("records").item(0))
    if separators != (records + 1) * (width - 1):
        return None  # see _separators
    orders = first.lazy().filter(_kept(first, plan)).select(_orders(plan)).collect()
    del first
    if not orders.height or not bool(orders.get_column("ok").item(0)):
        return None
    return orders.with_columns(records=pl.lit(records))


def _separators(path: Path, delimiter: str) -> int:
    """How many separators the file holds.

    Every record has the header's width when there are exactly (records + 1) x
    (width - 1) of them: a separator inside a quoted text, a blank line or a
    short or long record breaks the count, and the general reader then reads
    the file (reporting a short record as a truncated line, as for small files).
    """
    separator, count = delimiter.encode(), 0
    with open(path, "rb") as handle:
        while block := handle.read(2**24):
            count += block.count(separator)
    return count


def _kept(first: pl.DataFrame, plan: _Plan) -> pl.Expr:
    """The orders that count: status not excluded (distinct statuses normalised once),
    not cancelled."""
    import polars as pl

    keep = pl.lit(True)
    if plan.status is not None:
        wanted = {normalise(s) for s in plan.excluded}
        values: Sequence[str] = first.get_column(str(plan.status)).unique().to_list()
        keep = ~pl.col(str(plan.status)).is_in([v for v in values if normalise(v) in wanted])
    if plan.cancelled is not None:
        keep &= pl.col(str(plan.cancelled)) == ""
    return keep


def _orders(plan: _Plan) -> list[pl.Expr]:
    """order_id, date, customer, amount, and ``ok``: every value was read the general
    reader's way (broadcast on every row)."""
    import polars as pl

    def col(position: int | None) -> pl.Expr:
        return pl.col(str(position)) if position is not None else pl.lit("")

    def number(position: int | None) -> pl.Expr:
        if position is None:
            return pl.lit(0.0)
        text = col(position).str.replace(",", ".", literal=True)
        return text.cast(pl.Float64, strict=False).fill_null(0.0)

    amounts = [p for p in (plan.amount, plan.taxes, plan.refunded) if p is not None]
    # The date part is what comes before a space or a T: with the ISO pattern checked,
    # it is the first ten characters.
    date = col(plan.date).str.slice(0, 10).str.to_date("%Y-%m-%d", strict=False)
    valid = [(col(p).str.contains(_AMOUNT) | (col(p) == "")).all() for p in amounts]
    # 1e15 and more is no amount: the general reader reports it (see amounts.LIMIT).
    valid += [(number(p).abs() < LIMIT).all() for p in amounts]
    valid.append(col(plan.date).str.contains(_DATE).all() & date.is_not_null().all())

    total, refunded = number(plan.amount), number(plan.refunded)
    taxes = number(plan.taxes if plan.net_of_tax else None)
    share = pl.when(total != 0).then(1 - refunded / total).otherwise(1.0).clip(lower_bound=0)
    customer = pl.lit("order:") + col(plan.order)
    for position in reversed(plan.customers):
        lower = col(position).str.to_lowercase()
        customer = pl.when(lower != "").then(lower).otherwise(customer)
    return [
        col(plan.order).alias("order_id"),
        date.alias("date"),
        customer.alias("customer"),
        ((total - taxes) * share).alias("amount"),
        pl.all_horizontal(valid).alias("ok"),
    ]


def _to_pandas(table: pl.DataFrame) -> pd.DataFrame:
    dates = table.get_column("date").to_numpy().astype("datetime64[ns]")
    return pd.DataFrame(
        {
            "order_id": pd.Series(table.get_column("order_id").to_list(), dtype=object),
            "date": dates,
            "customer": _categorical(table.get_column("customer")),
            "amount": table.get_column("amount").to_numpy(),
        }
    )


def _categorical(column: pl.Series) -> pd.Categorical:
    """Customers as a categorical: a few hundred thousand distinct texts, not a million."""
    import polars as pl

    physical = column.cast(pl.Categorical).to_physical().to_numpy()
    _, first, codes = np.unique(physical, return_index=True, return_inverse=True)
    names = column.gather(first).to_list()
    return pd.Categorical.from_codes(codes.astype(np.int32), pd.Index(names))
