"""Big exports read by polars' multi-threaded CSV reader, handed over as pandas columns.

The pandas C reader needs 1.4 s for the five columns of a 1M-line orders
export that polars reads in 0.3 s on two cores, and the issue's target is the
speed of a polars script doing the whole job.  So a big file is parsed by
polars, only the needed columns, all as text, then each column is turned into
what the pandas readers expect: categoricals built from the distinct values,
whole numbers, and amounts through a quick vectorised parse whose failures
alone go to the full (slow, tolerant) parser.

This path only runs when it gives the rows the slower readers would give:
a UTF-8 file whose lines are regular (blank lines only at its end, no lone
CR; any parse error of polars sends the file back to the pandas reader,
whose messages are the reference).  Small files never import polars: its
start-up costs more than their whole parse.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import numpy as np
import numpy.typing as npt
import pandas as pd

from kpi_xl.importers.amounts import LIMIT

if TYPE_CHECKING:
    import polars as pl

T = TypeVar("T")
U = TypeVar("U")
_BLOCK = 2**24
#: Files below this size are read by the pandas/csv readers (no polars start-up).
MIN_BYTES = 4 * 2**20
#: What pandas' readers take as missing by default: the same cells stay missing here.
PANDAS_NA = [
    "", "#N/A", "#N/A N/A", "#NA", "-1.#IND", "-1.#QNAN", "-NaN", "-nan", "1.#IND",
    "1.#QNAN", "<NA>", "N/A", "NA", "NULL", "NaN", "None", "n/a", "nan", "null",
]  # fmt: skip
#: The FEC columns holding amounts.
AMOUNT_ROLES = ("debit", "credit", "montant")
# A CR not followed by LF: a line end for pandas, a character inside a field for polars.
_LONE_CR = re.compile(rb"\r[^\n]")  # a CR ending a block is checked with the next one


# polars' thread pool does not survive a fork: a batch worker forked from a process that
# had loaded polars could deadlock in it, so such a worker reads with pandas instead.
_FORKED_WITH_POLARS = False


def _after_fork_in_child() -> None:
    global _FORKED_WITH_POLARS
    _FORKED_WITH_POLARS = _FORKED_WITH_POLARS or "polars" in sys.modules


os.register_at_fork(after_in_child=_after_fork_in_child)


def worth_it(path: Path) -> bool:
    """Whether ``path`` is big enough for the polars reader to pay off (and polars is safe
    to use in this process)."""
    if _FORKED_WITH_POLARS:
        return False
    try:
        return Path(path).stat().st_size >= MIN_BYTES
    except OSError:
        return False


def no_lone_cr(path: Path) -> bool:
    """Every CR is followed by LF (lines end the same for pandas and polars).

    Read in blocks (not mapped: the pages would count twice in memory while
    polars maps the file too), so that it can run while polars parses.
    """
    with open(path, "rb") as handle:
        previous = b""
        while block := handle.read(_BLOCK):
            if previous.endswith(b"\r") and not block.startswith(b"\n"):
                return False
            if b"\r" in block and _LONE_CR.search(block) is not None:
                return False
            previous = block
        return not previous.endswith(b"\r")


def while_parsing(parse: Callable[[], T], check: Callable[[], U]) -> tuple[T | None, U]:
    """``parse()`` (polars, which releases the GIL) in a thread while ``check()`` runs here.

    The parse result is None when polars refused the file.
    """
    import polars as pl

    with ThreadPoolExecutor(1) as pool:
        parsing = pool.submit(parse)
        ok = check()
        try:
            return parsing.result(), ok
        except (pl.exceptions.PolarsError, OSError, ValueError):
            return None, ok


def read(path: Path, delimiter: str, positions: list[int], roles: list[str]) -> pd.DataFrame | None:
    """The FEC columns at ``positions`` named ``roles``, typed like pandas' C reader does.

    One polars query reads and types the columns (multi-threaded, fused).
    None when the file must go through the pandas reader: irregular lines,
    invalid UTF-8, rows longer than the first one, dates that are not all
    ``AAAAMMJJ`` numbers (then pandas' tolerant date parser runs).
    """
    import polars as pl

    exprs: list[pl.Expr] = []
    amounts = [r for r in roles if r in AMOUNT_ROLES]
    for role, position in zip(roles, positions, strict=True):
        exprs.extend(_column_exprs(role, pl.nth(position)))
    query = quick_amounts(scan(path, delimiter).select(exprs), amounts, keep_texts=True)
    typed, regular = while_parsing(query.collect, lambda: no_lone_cr(path))
    if typed is None or not regular:
        return None
    if typed.height == 0 or bool(typed.get_column("ecrituredate_bad").any()):
        return None
    return _pandas(typed, roles, blank_lines_at_end(path))


def scan(path: Path, delimiter: str, types: dict[str, Any] | None = None) -> pl.LazyFrame:
    """The file's lines below the header, every field a text (``types``: these columns
    parsed as numbers instead, floats written with a decimal comma).

    pandas' missing texts (``NA``, ``NULL``...) are applied per column by the readers,
    never to amounts, so polars takes none.
    """
    import polars as pl

    return pl.scan_csv(
        path,
        has_header=False,
        skip_rows=1,
        separator=delimiter,
        quote_char=None,  # labels may hold a lone quote
        infer_schema=False,
        null_values=None,
        encoding="utf8",
        decimal_comma=types is not None,
        schema_overrides=types,
    )


def _column_exprs(role: str, text: pl.Expr) -> list[pl.Expr]:
    """The typed columns polars computes for one needed column."""
    import polars as pl

    if role not in AMOUNT_ROLES:
        text = pl.when(text.is_in(PANDAS_NA)).then(None).otherwise(text)
    if role in ("journalcode", "journallib", "comptenum", "sens"):
        # hashed once here, in parallel with the other columns; sorted afterwards
        return [text.cast(pl.Categorical).alias(role)]
    if role == "ecrituredate":
        stripped = text.str.strip_chars(" \t")
        number = stripped.cast(pl.Int64, strict=False)
        blank = stripped.fill_null("") == ""
        return [
            number.alias(role),
            (number.is_null() & ~blank).alias(f"{role}_bad"),
            blank.alias(f"{role}_blank"),
        ]
    return [text.alias(role)]  # read by quick_amounts


def blank_lines_at_end(path: Path) -> int:
    """How many empty lines end the file (after the last line's own line end)."""
    with open(path, "rb") as handle:
        handle.seek(max(0, handle.seek(0, 2) - 65536))
        tail = handle.read()
    return max(0, tail[len(tail.rstrip(b"\r\n")) :].count(b"\n") - 1)


def _pandas(typed: pl.DataFrame, roles: list[str], blank_at_end: int) -> pd.DataFrame | None:
    """The pandas frame pandas' C reader would give; None if a row is blank (pandas skips it).

    Empty lines at the end of the file, common in exports, are simply dropped.
    """
    if blank_at_end:
        typed = typed.head(max(0, typed.height - blank_at_end))
    out: dict[str, pd.Series] = {}
    blank = typed.get_column("ecrituredate_blank").to_numpy().copy()
    for role in roles:
        column = typed.get_column(role)
        if role in ("journalcode", "journallib", "comptenum", "sens"):
            out[role] = categorical(column)
            blank &= _blank_cells(out[role])
        elif role == "ecrituredate":
            numbers = column.to_numpy()  # floats with NaN when a date is missing
            out[role] = pd.Series(numbers if column.null_count() else numbers.astype(np.int64))
        else:
            blank &= ~typed.get_column(f"{role}_filled").to_numpy()
            out[role] = amounts_or_texts(column, typed.get_column(f"{role}_text"))
    if blank.any():
        return None
    return pd.DataFrame(out)


def _blank_cells(column: pd.Series) -> npt.NDArray[np.bool_]:
    """Missing or spaces-only cells of a categorical (tested once per distinct value)."""
    empty = np.array([not str(c).strip(" \t") for c in column.cat.categories] + [True])
    return np.asarray(empty[column.cat.codes.to_numpy()])


def categorical(column: pl.Series) -> pd.Series:
    """A pandas categorical of the column's texts, categories sorted (missing cells: code -1).

    A polars categorical column is only remapped: its distinct codes, sorted by
    text, index a lookup table (no second pass over the texts).
    """
    import polars as pl

    if column.dtype != pl.Categorical:
        column = column.cast(pl.Categorical)
    distinct = column.drop_nulls().unique()
    texts = distinct.cast(pl.String)
    order = texts.arg_sort().to_numpy()
    ids = distinct.to_physical().to_numpy()
    missing = int(ids.max()) + 1 if len(ids) else 0  # a code no text has
    lookup = np.full(missing + 1, -1, dtype=np.int32)
    lookup[ids[order]] = np.arange(len(ids), dtype=np.int32)
    codes = lookup[column.to_physical().fill_null(missing).to_numpy()]
    return pd.Series(pd.Categorical.from_codes(codes, pd.Index(texts.gather(order).to_list())))


def quick_amounts(frame: pl.LazyFrame, names: list[str], keep_texts: bool) -> pl.LazyFrame:
    """``frame`` with its text columns ``names`` read as amounts the quick way.

    A minus may come first or last (``123,45-``), spaces are dropped, the
    decimal mark is a comma or a point.  The value is null where the full
    parser is needed (thousands dots, currency, parentheses, two signs,
    no-break spaces, inf, NaN, 1e308...) or the cell is empty;
    ``<name>_filled`` tells the empty cells (or only spaces) from the others,
    and with ``keep_texts`` ``<name>_text`` keeps the text of the cells the
    full parser must read.  Each step is its own ``with_columns``: polars does
    not share the parts of one nested expression, which made this parse take
    twice as long.
    """
    import polars as pl

    if not names:
        return frame
    texts = [pl.col(n).alias(f"{n}_text") for n in names] if keep_texts else []
    frame = frame.with_columns(
        *texts, *(pl.col(n).str.replace_all(" ", "", literal=True) for n in names)
    )
    frame = frame.with_columns(
        step
        for n in names
        for step in (
            pl.col(n).str.ends_with("-").alias(f"{n}_last"),
            pl.col(n).str.starts_with("-").alias(f"{n}_first"),
            pl.col(n).str.strip_suffix("-").str.replace(",", ".", literal=True)
            .cast(pl.Float64, strict=False).alias(f"{n}_number"),
            (pl.col(n).str.len_bytes().fill_null(0) > 0).alias(f"{n}_filled"),
        )
    )  # fmt: skip
    values = []
    for n in names:
        last, number = pl.col(f"{n}_last"), pl.col(f"{n}_number")
        read = ~(last & pl.col(f"{n}_first")) & (number.abs() < LIMIT)
        values.append(pl.when(read).then(pl.when(last).then(-number).otherwise(number)).alias(n))
    frame = frame.with_columns(values)
    if keep_texts:
        frame = frame.with_columns(
            pl.when(pl.col(f"{n}_filled") & pl.col(n).is_null()).then(pl.col(f"{n}_text"))
            .alias(f"{n}_text")
            for n in names
        )  # fmt: skip
    return frame.drop(step for n in names for step in (f"{n}_last", f"{n}_first", f"{n}_number"))


def amounts_or_texts(quick: pl.Series, slow_texts: pl.Series) -> pd.Series:
    """Floats for the cells the quick parse reads; the texts it could not read stay texts.

    A cell that is only spaces is missing, as the full parser makes it.
    """
    values = quick.to_numpy()  # NaN where null
    failed = slow_texts.is_not_null().to_numpy()
    if not failed.any():
        return pd.Series(values)
    mixed = values.astype(object)
    mixed[failed] = np.array(slow_texts.drop_nulls().to_list(), dtype=object)
    return pd.Series(mixed, dtype=object)
