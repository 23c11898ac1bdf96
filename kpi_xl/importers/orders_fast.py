"""Big Shopify and WooCommerce exports: counted orders computed by polars, a batch at a time.

The general reader (:mod:`kpi_xl.importers.table` and :mod:`orders`) turns
every cell of the file into a Python string with its line number: right for
the small files most users have, 20 s and 2 GB for a million lines.  For a
big file this module reads only the needed columns with polars and computes
the counted orders (first row of each order, statuses compared normalised,
amounts, dates, customers) in multi-threaded queries; statuses are
normalised once per distinct value, customers become a categorical.

The file is read in batches of about 8 MB cut at line ends (never inside
quoted text): each batch becomes a few compact columns per order row, so the
text of the whole file is never in memory at once; the first row of each
order is then found over the whole file.

It runs only when its result is certainly the general reader's: UTF-8, the
header on the first line, every record exactly as wide as the header (the
separators are counted), amounts such as ``56.00`` or ``-3,5``, dates
``YYYY-MM-DD`` (any time after them).  Anything else, a bad value above
all, returns None and the general reader reads the file and reports the
problem with its line and column.
"""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from kpi_xl.config import Config
from kpi_xl.errors import InputFileError
from kpi_xl.importers import csvchunks, fastcsv
from kpi_xl.importers.recognise import WOO_ORDER, WOO_SALES, Sniffed, head_text
from kpi_xl.importers.table import Table, normalise, unique_names

if TYPE_CHECKING:
    import polars as pl

# Read the same whatever the column's decimal mark; ASCII digits (a Unicode digit is
# no number for the cast), at most 14 before the mark, so
# surely below amounts.LIMIT (1e15: 15 nines and .99 round up to it), which the
# general reader reports (longer ones go to it).
_AMOUNT = r"^-?[0-9]{1,14}(?:[.,][0-9]{1,2})?$"
_DATE = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}(?:[ T]|$)"
#: Bytes of the file parsed at a time: a batch's texts take little memory, and polars'
#: fixed costs per batch stay small (2 to 32 MB measured the same).
_BATCH = 2**23
_SLICE = 2**17  # rows copied out of polars at a time (see _slices)
_SEED = 17  # of the hashes telling orders and customers apart (the same in every batch)


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
    delimiter: str = ","

    def positions(self) -> list[int]:
        optional = (self.status, self.cancelled, self.taxes, self.refunded)
        wanted = {self.order, self.date, self.amount, *self.customers}
        return sorted(wanted | {p for p in optional if p is not None})

    def texts(self) -> set[int]:
        """The columns used as texts, without their spaces as the general reader does;
        the others must match a pattern (amounts, dates) or are compared normalised
        (statuses), spaces included: a padded amount goes to the general reader."""
        cancelled = () if self.cancelled is None else (self.cancelled,)
        return {self.order, *self.customers, *cancelled}


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
    read = _read(path, plan, len(header.names))
    if read is None:
        return None
    table.prepared, records = read
    table.data = pd.DataFrame(index=pd.RangeIndex(records))
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
                delimiter=table.header.delimiter,
            )
        return _Plan(
            order=_need(at(WOO_ORDER)),
            date=_need(at("date")),
            amount=_need(at(WOO_SALES)),
            status=at(("status", "statut"), False),
            excluded=excluded,
            customers=_some(at(("customer", "client"), False)),
            delimiter=table.header.delimiter,
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


def _read(path: Path, plan: _Plan, width: int) -> tuple[pd.DataFrame, int] | None:
    """The counted orders (order_id, date, customer, amount) and the file's records;
    None if a record is not as wide as the header or a value needs the general reader
    (see the module docstring).

    What follows the batches works on numpy arrays (polars' allocator keeps what it
    freed for a while: less of it) and copies out of polars only the counted orders.
    """
    read = _rows(path, plan, width)
    if read is None:
        return None
    rows, records = read
    counted = _first_rows(rows) & _kept(rows, plan)
    if not counted.any() or not rows.get_column("ok").to_numpy()[counted].all():
        return None
    return _to_pandas(rows, np.flatnonzero(counted)), records


def _first_rows(rows: pl.DataFrame) -> npt.NDArray[np.bool_]:
    """True on the first row of each order (the rows hold each batch's first rows).

    Orders are told apart by a 64-bit hash of their names, much quicker than the
    names themselves: each name seen again is checked against the name that first
    gave its hash, and two names sharing a hash fall back to the names.
    """
    keys = pd.Series(rows.get_column("order_key").to_numpy())
    again = keys.duplicated().to_numpy()
    if again.any():  # an order already seen in an earlier batch (rare)
        later = np.flatnonzero(again)
        first = keys[~again & keys.isin(keys.iloc[later]).to_numpy()]
        position = pd.Series(first.index, index=first.to_numpy())
        names = rows.get_column("order_id")
        seen = position.loc[keys.iloc[later].to_numpy()].to_numpy()
        if not (names.gather(later) == names.gather(seen)).all():
            again = ~names.is_first_distinct().to_numpy()
    return ~again


def _kept(rows: pl.DataFrame, plan: _Plan) -> npt.NDArray[np.bool_]:
    """The rows whose status counts (distinct statuses normalised once), not cancelled."""
    import polars as pl

    keep = np.ones(rows.height, dtype=bool)
    if plan.status is not None:
        wanted = {normalise(s) for s in plan.excluded}
        status = rows.get_column("status")
        values = status.unique()
        texts: Sequence[str] = values.cast(pl.String).to_list()
        dropped = values.to_physical().to_numpy()[[normalise(t) in wanted for t in texts]]
        keep &= ~np.isin(status.to_physical().to_numpy(), dropped)
    if plan.cancelled is not None:
        keep &= ~rows.get_column("cancelled").to_numpy()
    return keep


def _rows(path: Path, plan: _Plan, width: int) -> tuple[pl.DataFrame, int] | None:
    """The compact rows of the whole file (:func:`_batch_rows`) and how many records it
    holds; None if polars refused a batch or a record is not as wide as the header.

    Only a few batches of the file's text are in memory at a time: polars parses
    two batches in threads while the next one is read and its separators counted.
    """
    import polars as pl

    statuses = pl.Categories.random()  # a few texts, kept apart from polars' global ones
    blank_end = fastcsv.blank_lines_at_end(path)  # polars reads them as empty records
    separator, separators = plan.delimiter.encode(), 0
    jobs: list[Future[pl.DataFrame]] = []
    try:
        with ThreadPoolExecutor(2) as pool:
            for number, (batch, last) in enumerate(csvchunks.split(path, _BATCH)):
                if csvchunks.quoted_separator(batch, separator):
                    return None  # see below
                separators += batch.count(separator)
                query = _batch_rows(batch, number == 0, blank_end if last else 0, plan, width,
                                    statuses)  # fmt: skip
                del batch
                jobs.append(pool.submit(query.collect))
                if len(jobs) > 2:
                    jobs[-3].result()  # two batches at a time: fills the cores' idle moments
            parts = [job.result() for job in jobs]
    except (pl.exceptions.PolarsError, OSError, ValueError):
        return None
    records = sum(int(part.get_column("rows").item(0)) for part in parts if part.height)
    # Every record has the header's width when no separator is inside quoted text and
    # the file holds exactly (records + 1) x (width - 1) of them: a blank line or a
    # short or long record breaks the count, and the general reader then reads the
    # file (reporting a short record as a truncated line, as for small files).  A
    # quoted separator would let a short record elsewhere balance the count.
    if separators != (records + 1) * (width - 1):
        return None
    return pl.concat(parts, rechunk=False).drop("rows"), records


def _batch_rows(
    batch: bytes, header: bool, blank_end: int, plan: _Plan, width: int, statuses: pl.Categories
) -> pl.LazyFrame:
    """The first row of each order in ``batch``, compact: order_id, status (categorical),
    cancelled, date, customer, amount, ``ok`` (every value was read the general
    reader's way), hashes of the order and customer texts (``order_key``,
    ``customer_key``) and ``rows``, the batch's records."""
    import polars as pl

    scan = pl.scan_csv(
        batch,
        has_header=False,
        skip_rows=int(header),
        separator=plan.delimiter,
        schema={f"c{i}": pl.String for i in range(width)},
        encoding="utf8",
    )
    texts = scan.select(
        (pl.nth(p).str.strip_chars() if p in plan.texts() else pl.nth(p))
        .fill_null("")
        .alias(str(p))
        for p in plan.positions()
    )
    if blank_end:
        texts = texts.filter(pl.int_range(pl.len()) < pl.len() - blank_end)
    return (
        texts.with_columns(rows=pl.len())
        .filter(pl.col(str(plan.order)).is_first_distinct())
        .select(*_columns(plan, statuses), "rows")
    )


def _columns(plan: _Plan, statuses: pl.Categories) -> list[pl.Expr]:
    """The compact columns of :func:`_batch_rows`."""
    import polars as pl

    def col(position: int | None) -> pl.Expr:
        return pl.col(str(position)) if position is not None else pl.lit("")

    def number(position: int | None) -> pl.Expr:
        if position is None:
            return pl.lit(0.0)
        text = col(position)
        if plan.delimiter != ",":  # with commas between fields, a decimal comma would be
            text = text.str.replace(",", ".", literal=True)  # quoted: no fast path
        return text.cast(pl.Float64, strict=False).fill_null(0.0)

    amounts = [p for p in (plan.amount, plan.taxes, plan.refunded) if p is not None]
    # The date part is what comes before a space or a T: with the ISO pattern checked,
    # it is the first ten characters.
    date = col(plan.date).str.slice(0, 10).str.to_date("%Y-%m-%d", strict=False)
    valid = [col(p).str.contains(_AMOUNT) | (col(p) == "") for p in amounts]
    valid.append(col(plan.date).str.contains(_DATE) & date.is_not_null())

    total, refunded = number(plan.amount), number(plan.refunded)
    taxes = number(plan.taxes if plan.net_of_tax else None)
    share = pl.when(total != 0).then(1 - refunded / total).otherwise(1.0).clip(lower_bound=0)
    # The first identity that is not empty, in lower case, else the order itself
    # (a one-off customer).
    customer: pl.Expr = pl.lit(None, dtype=pl.String)
    for position in reversed(plan.customers):
        customer = pl.when(col(position) != "").then(col(position)).otherwise(customer)
    customer = pl.coalesce(customer.str.to_lowercase(), pl.lit("order:") + col(plan.order))
    columns = [
        col(plan.order).alias("order_id"),
        col(plan.order).hash(_SEED).alias("order_key"),
        date.alias("date"),
        customer.alias("customer"),
        customer.hash(_SEED).alias("customer_key"),
        ((total - taxes) * share).alias("amount"),
        pl.all_horizontal(valid).alias("ok"),
    ]
    if plan.status is not None:
        columns.append(col(plan.status).cast(pl.Categorical(statuses)).alias("status"))
    if plan.cancelled is not None:
        columns.append((col(plan.cancelled) != "").alias("cancelled"))
    return columns


def _to_pandas(rows: pl.DataFrame, counted: npt.NDArray[np.intp]) -> pd.DataFrame:
    """The rows at ``counted`` as the general reader's orders."""
    names = rows.get_column("order_id")
    order_id = np.concatenate([names.gather(part).to_numpy() for part in _slices(counted)])
    return pd.DataFrame(
        {
            "order_id": pd.Series(order_id, dtype=object),
            "date": rows.get_column("date").to_numpy()[counted].astype("datetime64[ns]"),
            "customer": _categorical(rows, counted),
            "amount": rows.get_column("amount").to_numpy()[counted],
        }
    )


def _slices(positions: npt.NDArray[np.intp]) -> list[npt.NDArray[np.intp]]:
    """``positions`` in slices: texts copied out of polars a slice at a time (polars
    keeps the memory it freed for a while: less of it)."""
    return [positions[start : start + _SLICE] for start in range(0, len(positions), _SLICE)]


def _categorical(rows: pl.DataFrame, counted: npt.NDArray[np.intp]) -> pd.Categorical:
    """The customers at ``counted`` as a pandas categorical: a few hundred thousand
    distinct texts, not a million.

    The texts are told apart by their hashes (quicker than hashing them into a
    polars categorical), then every text is checked against its category's: two
    texts sharing a hash fall back to the texts themselves.
    """
    texts = rows.get_column("customer")
    codes, first = _factorize(rows.get_column("customer_key").to_numpy()[counted])
    names = texts.gather(counted[first])
    for part in _slices(np.arange(len(codes))):
        if not (names.gather(codes[part]) == texts.gather(counted[part])).all():
            codes, first = _factorize(texts.gather(counted).to_numpy())
            names = texts.gather(counted[first])
            break
    return pd.Categorical.from_codes(codes.astype(np.int32), pd.Index(names.to_list()))


def _factorize(values: npt.NDArray[Any]) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.intp]]:
    """Codes numbered in order of first appearance, and where each code first appears."""
    codes = pd.factorize(values)[0]
    return codes, np.flatnonzero(np.diff(np.maximum.accumulate(codes), prepend=-1) > 0)
