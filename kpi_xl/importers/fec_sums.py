"""A big, clean FEC summed by one polars query: debit and credit per (month, account, journal).

The FEC reader only needs sums per (month, account, opening journal or not),
so for a big file the lines never need to leave polars: its multi-threaded
reader parses the few needed columns and sums them per distinct key, and a
table of a few thousand rows comes back.  Everything that could make the
sums differ from what the line-by-line reader (:mod:`kpi_xl.importers.fec`)
would compute is counted in the same pass: amounts the quick parse cannot
read, lines with no amount, missing accounts, dates that are not AAAAMMJJ
numbers, and each month's first and last day (so every date is checked).
Any such count, or a month or day that is no date, returns None, and the
line reader reads the file again and reports the line and column (or
applies its tolerance).

When the first lines show plain amounts (``0000000069,60``) and dates,
polars parses them itself while reading, else they are read as text and
parsed the quick way (``1 234,56``, ``123,45-``); a plain parse that meets
another form is refused by polars and the file is read again as text.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from kpi_xl.config import Config
from kpi_xl.importers import fastcsv
from kpi_xl.importers.amounts import LIMIT
from kpi_xl.importers.fec_layout import Layout, Summed, month_numbers, opening, sign_of

if TYPE_CHECKING:
    import polars as pl

#: Keys of the sums read as text, in this order (besides the month, ``yyyymm``).
KEYS = ("comptenum", "journalcode", "journallib", "sens")
_AMOUNTS = ("debit", "credit", "montant")
# What polars' own parsers read as the text path would: amounts with a decimal comma, dates.
_PLAIN = re.compile(r"-?[0-9]+(?:,[0-9]+)?")
_DIGITS = re.compile(r"[0-9]+")
_PADDED_DATE = re.compile(r"[ \t]*[0-9]{8}[ \t]*")
_HEAD_LINES = 200


@dataclass
class Sums:
    """Per distinct key: the texts of the keys, the date as AAAAMMJJ, lines and sums."""

    table: pd.DataFrame  # yyyymm, first_day, last_day, KEYS present (categoricals of the
    # texts, sorted; missing: code -1), rows, debit and credit (or montant)
    rows: int  # lines summed (blank lines at the end of the file left out)
    labels: Callable[[], dict[str, str]] | None  # journal code -> its JournalLib, if read


def summed(path: Path, layout: Layout, config: Config) -> Summed | None:
    """The lines of a big, clean UTF-8 FEC summed per (month, account, opening journal or
    not); None when the file is small, in another encoding, or anything is doubtful (then
    :func:`kpi_xl.importers.fec_lines.read` reads it)."""
    encoding = (config.csv.encoding or layout.encoding).replace("-sig", "")
    if encoding != "utf-8" or not fastcsv.worth_it(path):
        return None
    sums = read(path, layout.delimiter, layout.positions)
    if sums is None:
        return None
    table = sums.table
    yyyymm = table["yyyymm"].to_numpy(dtype=np.int64) * 100
    months = month_numbers(yyyymm + table["first_day"].to_numpy(dtype=np.int64))
    last = month_numbers(yyyymm + table["last_day"].to_numpy(dtype=np.int64))
    if (months < 0).any() or (last < 0).any():
        return None  # a day that is no date: the line reader names its line
    if "sens" in table:
        sign = _per_row(table["sens"], sign_of([str(s) for s in table["sens"].cat.categories]))
        if (sign == 0).any():
            return None
        amount = table["montant"].to_numpy(dtype=np.float64)
        debit, credit = np.where(sign > 0, amount, 0.0), np.where(sign < 0, amount, 0.0)
    else:
        debit = table["debit"].to_numpy(dtype=np.float64)
        credit = table["credit"].to_numpy(dtype=np.float64)
    journals = [str(j) for j in table["journalcode"].cat.categories]
    found = opening(journals, sums.labels, config.fec)
    accounts = table["comptenum"].cat.categories
    by_account = pd.DataFrame(
        {
            "month": (months - 1970 * 12).astype("datetime64[M]").astype("datetime64[us]"),
            "account": _per_row(table["comptenum"], np.array([str(a).strip() for a in accounts])),
            "opening": _per_row(table["journalcode"], np.array([j in found for j in journals])),
            "debit": debit,
            "credit": credit,
        }
    )
    by_account = by_account.groupby(["month", "account", "opening"], as_index=False).sum()
    return Summed(by_account, sums.rows, float(debit.sum()), float(credit.sum()))


def read(path: Path, delimiter: str, positions: dict[str, int]) -> Sums | None:
    """The sums of the FEC at ``path`` (columns at ``positions`` by role); None when the
    line reader must read it (see the module docstring)."""
    import polars as pl

    regular: bool | None = None  # the line ends, checked during the first attempt only
    for plain in _attempts(path, delimiter, positions):
        try:
            query = _query(path, delimiter, positions, plain)
        except pl.exceptions.PolarsError:  # no line below the header
            return None
        check = (lambda: fastcsv.no_lone_cr(path)) if regular is None else (lambda: True)
        table, regular = fastcsv.while_parsing(query.collect, check)
        if not regular:
            return None
        if table is not None:
            return _checked(table, path, delimiter, positions)
    return None


def _attempts(path: Path, delimiter: str, positions: dict[str, int]) -> tuple[bool, ...]:
    """How to read the file, from its first lines: amounts and dates parsed by polars
    (True), or read as texts (False); none when its dates are not AAAAMMJJ."""
    with open(path, "rb") as handle:
        head = handle.read(65536).decode("utf-8", errors="replace").splitlines()[1:_HEAD_LINES]
    amounts = [positions[r] for r in _AMOUNTS if r in positions]
    date = positions["ecrituredate"]
    plain = True
    for line in head[:-1]:  # the last may be cut
        fields = line.split(delimiter)
        if date < len(fields):
            if _PADDED_DATE.fullmatch(fields[date]) is None:
                return ()  # ISO or French dates: the line reader's date parser
            plain = plain and _DIGITS.fullmatch(fields[date]) is not None
        for c in amounts:
            if c < len(fields) and fields[c] and _PLAIN.fullmatch(fields[c]) is None:
                plain = False
    return (True, False) if plain else (False,)


def _query(path: Path, delimiter: str, positions: dict[str, int], plain: bool) -> pl.LazyFrame:
    """The query summing the amounts per distinct key; counts of what it could not read."""
    import polars as pl

    amounts = [r for r in _AMOUNTS if r in positions]
    scan = fastcsv.scan(path, delimiter)
    if plain:  # amounts and dates parsed by the reader itself
        names = scan.collect_schema().names()  # reads the first line only
        types = {names[positions[r]]: pl.Float64 for r in amounts}
        scan = fastcsv.scan(path, delimiter, types | {names[positions["ecrituredate"]]: pl.Int64})
    keys = [k for k in KEYS if k in positions]
    read = ["ecrituredate", *keys, *amounts]
    frame = scan.select(pl.nth(positions[r]).alias(r) for r in read)
    date = pl.col("ecrituredate")
    if plain:
        filled_cells = [pl.col(r).is_not_null().alias(f"{r}_filled") for r in amounts]
        frame = frame.with_columns(date.is_not_null().alias("dated"), *filled_cells)
    else:  # (each step its own with_columns: see fastcsv.quick_amounts)
        frame = fastcsv.quick_amounts(frame, amounts, keep_texts=False)
        frame = frame.with_columns(date.str.strip_chars(" \t"))
        dated = date.str.len_bytes().fill_null(0) > 0
        frame = frame.with_columns(dated.alias("dated"), date.cast(pl.Int64, strict=False))
    frame = frame.with_columns(
        (date // 100).alias("yyyymm"),
        (date % 100).alias("day"),
        (pl.col("dated") & date.is_null()).alias("bad_date"),
        (~pl.col("dated")).alias("no_date"),
    )
    filled = [pl.col(f"{r}_filled") for r in amounts]
    bad = [pl.col(f"{r}_filled") & ~(pl.col(r).abs() < LIMIT).fill_null(False) for r in amounts]
    return frame.group_by("yyyymm", *keys).agg(
        pl.col("day").min().alias("first_day"),
        pl.col("day").max().alias("last_day"),
        pl.len().alias("rows"),
        *(pl.col(r).sum() for r in amounts),
        pl.any_horizontal(bad).sum().alias("bad"),  # inf, NaN, 1e308, unread texts
        (~pl.any_horizontal(filled)).sum().alias("empty"),
        pl.col("bad_date").sum(),
        pl.col("no_date").sum(),
    )


def _checked(
    table: pl.DataFrame, path: Path, delimiter: str, positions: dict[str, int]
) -> Sums | None:
    """The sums when every line was read as the line reader would read it, else None."""
    import polars as pl

    keys = [k for k in KEYS if k in positions]
    table = table.with_columns(
        pl.when(pl.col(k).is_in(fastcsv.PANDAS_NA)).then(None).otherwise(pl.col(k)).alias(k)
        for k in keys
    )
    blank_keys = pl.all_horizontal(
        pl.col(k).fill_null("").str.strip_chars(" \t") == "" for k in keys
    )
    rows = pl.col("rows")
    blank = blank_keys & (pl.col("no_date") == rows) & (pl.col("empty") == rows)
    if table.filter(blank).get_column("rows").sum() != fastcsv.blank_lines_at_end(path):
        return None  # blank lines inside the file: the line reader skips them
    table = table.filter(~blank)
    doubtful = pl.col("bad") + pl.col("empty") + pl.col("bad_date") + pl.col("no_date")
    if table.height == 0 or table.select(doubtful.sum()).item():
        return None
    if table.get_column("comptenum").null_count():
        return None  # no account: the line reader names the line
    table = table.drop("bad", "empty", "bad_date", "no_date")
    frame = pd.DataFrame(
        {
            name: fastcsv.categorical(table[name]) if name in KEYS else table[name].to_numpy()
            for name in table.columns
        }
    )
    labels = None
    if "journallib" in positions:
        labels = _labels(table, lambda: _ordered_pairs(path, delimiter, positions))
    return Sums(frame, int(frame["rows"].sum()), labels)


def _labels(
    table: pl.DataFrame, ordered: Callable[[], pl.DataFrame]
) -> Callable[[], dict[str, str]]:
    """Each journal code's label, as :func:`~kpi_xl.importers.exercise.journal_labels` gives
    it: a code written with several labels keeps its last pair in the order they first
    appear, which only a second (rare) pass over the file can tell."""
    pairs = table.select("journalcode", "journallib").drop_nulls().unique()
    if pairs.get_column("journalcode").is_duplicated().any():
        return lambda: dict(ordered().iter_rows())
    return lambda: dict(pairs.iter_rows())


def _ordered_pairs(path: Path, delimiter: str, positions: dict[str, int]) -> pl.DataFrame:
    """The distinct (journal code, label) pairs of the file, in the order they first appear."""
    import polars as pl

    scan = fastcsv.scan(path, delimiter)
    texts = [pl.nth(positions[k]).alias(k) for k in ("journalcode", "journallib")]
    missing = [pl.col(k).is_in(fastcsv.PANDAS_NA) for k in ("journalcode", "journallib")]
    pairs = scan.select(texts).unique(maintain_order=True).collect()
    return pairs.filter(~pl.any_horizontal(missing)).drop_nulls()


def _per_row(column: pd.Series, of_category: npt.NDArray[Any]) -> npt.NDArray[Any]:
    """A value per row of a categorical, from one per category (the missing get the
    value's zero: 0, False or an empty text)."""
    missing = np.zeros(1, dtype=of_category.dtype) if len(of_category) else np.zeros(1)
    return np.concatenate([of_category, missing])[column.cat.codes.to_numpy()]
