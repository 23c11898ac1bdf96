"""Every line of a FEC parsed, checked and summed: the general path of the FEC reader.

Speed matters (a FEC can hold millions of lines), so the file is parsed once
by pandas' C reader, keeping only the five columns we need: journals and
accounts become categoricals (a few hundred distinct texts instead of a
million Python strings), dates and amounts are parsed as numbers by the C
reader itself when they are clean.  Every tolerance has a slower, still
vectorised path that runs only when the clean parse did not apply: dates as
``YYYY-MM-DD`` or ``DD/MM/YYYY``, amounts with a trailing minus, spaces or a
decimal point.  Lines are then summed per (month, account, journal kind) with
``numpy.bincount``; accounts are classified on that small table.

This path reads any FEC (any size and encoding, every tolerance) and reports
errors with their line and column; a big clean UTF-8 FEC is summed by
:mod:`kpi_xl.importers.fec_sums` instead, and a big UTF-8 one whose sums
cannot be trusted is parsed here by polars (:mod:`kpi_xl.importers.fastcsv`)
into the same columns the C reader gives.
"""

from __future__ import annotations

import csv
import io
import itertools
import re
import warnings
from pathlib import Path
from typing import Any, NoReturn

import numpy as np
import numpy.typing as npt
import pandas as pd

from kpi_xl.config import Config
from kpi_xl.errors import InputFileError
from kpi_xl.importers import fastcsv, textfile
from kpi_xl.importers.amounts import AMOUNT_EXPECTED, check_numbers, parse_amounts
from kpi_xl.importers.dates import DATE_EXPECTED, parse_dates
from kpi_xl.importers.exercise import journal_labels
from kpi_xl.importers.fec_layout import (
    Layout,
    Summed,
    month_numbers,
    no_entries,
    opening,
    sign_of,
)

Ints = npt.NDArray[np.int64]
Floats = npt.NDArray[np.float64]


def read(path: Path, layout: Layout, config: Config) -> Summed:
    """The needed columns of every line parsed, checked and summed (any file)."""
    frame, encoding, mixed = _parse(path, layout, config.csv.encoding)
    if frame.empty:
        raise no_entries(path)
    amount_columns = ("debit", "credit", "montant")
    columns = {n.capitalize(): layout.positions[n] for n in amount_columns if n in layout.positions}
    lines = _Lines(path, len(frame), layout.delimiter, columns)
    months = _months(frame["date"], lines)
    missing = frame["account"].isna().to_numpy()
    if missing.any():
        lines.fail(
            int(np.flatnonzero(missing)[0]),
            "CompteNum",
            "the account number is missing",
            "",
            "an account number such as 706000",
        )
    debit, credit = _amounts(frame, lines)
    codes = [str(j) for j in frame["journal"].cat.categories]
    labels = None
    if "journallib" in frame:
        labels = lambda: journal_labels(frame["journal"], frame["journallib"])  # noqa: E731
    by_account = _by_account(frame, months, debit, credit, opening(codes, labels, config.fec))
    total_debit, total_credit = float(debit.sum()), float(credit.sum())
    return Summed(by_account, len(frame), total_debit, total_credit, encoding, mixed)


def _parse(path: Path, layout: Layout, forced: str | None) -> tuple[pd.DataFrame, str, list[int]]:
    """The needed columns, parsed by the C reader; retried in the fallback encodings.

    Also the lines decoded apart (cp1252 lines in a UTF-8 file), for the warning.

    A big UTF-8 file is read by polars' multi-threaded reader instead when its
    lines are regular (see :mod:`kpi_xl.importers.fastcsv`): the frame has the
    same rows and the same types, so line numbers and messages do not change.
    """
    roles = sorted(layout.positions, key=layout.positions.__getitem__)
    usecols = [layout.positions[r] for r in roles]
    if (forced or layout.encoding).replace("-sig", "") == "utf-8" and fastcsv.worth_it(path):
        fast = fastcsv.read(path, layout.delimiter, usecols, roles)
        if fast is not None:
            return _named(fast), "utf-8", []
    categorical = {
        layout.positions[r]: "category"
        for r in ("journalcode", "journallib", "comptenum", "sens")
        if r in layout.positions
    }
    order = dict.fromkeys((layout.encoding.replace("utf-8-sig", "utf-8"), *textfile.FALLBACKS))
    for encoding in (forced,) if forced else tuple(order):
        # Before falling back to cp1252: a UTF-8 FEC with a few cp1252 lines (a label pasted
        # from a Windows tool) is decoded line by line, like the CSV readers do.
        mixed = None if forced or encoding != "cp1252" else textfile.mixed_text(path.read_bytes())
        source: Path | io.StringIO = io.StringIO(mixed[0]) if mixed else path
        try:
            frame = _read_columns(source, layout, usecols, categorical, encoding)
        except UnicodeDecodeError:
            if forced:
                raw = path.read_bytes()
                try:
                    raw.decode(encoding)
                except UnicodeDecodeError as exc:
                    raise textfile.encoding_error(path, raw, exc, encoding) from None
            continue
        except pd.errors.EmptyDataError:
            raise no_entries(path) from None
        except (pd.errors.ParserError, ValueError) as exc:
            if str(exc).startswith("Usecols do not match columns"):
                raise _short_first_entry(path, layout) from None
            raise InputFileError(path, f"the FEC cannot be parsed ({exc})") from None
        if sorted(int(c) for c in frame.columns) != sorted(usecols):
            raise _short_first_entry(path, layout)
        frame.columns = pd.Index([roles[usecols.index(int(c))] for c in frame.columns])
        if mixed:
            return _named(frame), "utf-8", mixed[1]
        return _named(frame), encoding, []
    raise AssertionError("iso-8859-15 decodes every byte")  # pragma: no cover


def _short_first_entry(path: Path, layout: Layout) -> InputFileError:
    """The C reader sizes rows on the first one: a first row shorter than the needed
    columns gives other columns or a usecols error, never an error of its own."""
    return InputFileError(
        path,
        "the line has fewer fields than the header (truncated line?)",
        line=_first_entry_line(path),
        expected=f"{len(layout.names)} fields like the header",
    )


def _first_entry_line(path: Path) -> int:
    """The 1-based line of the first non-empty line below the header."""
    with open(path, "rb") as handle:
        for number, raw in enumerate(handle, start=1):
            if number > 1 and raw.strip(b"\r\n"):
                return number
    return 2


def _named(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.rename(
        columns={"journalcode": "journal", "ecrituredate": "date", "comptenum": "account"}
    )


def _read_columns(
    path: Path | io.StringIO,
    layout: Layout,
    usecols: list[int],
    categorical: dict[int, str],
    encoding: str,
) -> pd.DataFrame:
    amounts = {layout.positions[r] for r in ("debit", "credit", "montant") if r in layout.positions}
    # The stubs want names; with header=None pandas keys the columns by position.
    missing: dict[Any, list[str]] = {
        c: [""] if c in amounts else fastcsv.PANDAS_NA for c in usecols
    }
    with warnings.catch_warnings():
        # Chunks typed differently (numbers, then a text) are handled later.
        warnings.simplefilter("ignore", pd.errors.DtypeWarning)
        return pd.read_csv(
            path,
            sep=layout.delimiter,
            header=None,
            skiprows=1,
            usecols=usecols,
            dtype=categorical,
            decimal=",",
            quoting=csv.QUOTE_NONE,  # labels may hold a lone quote
            index_col=False,  # a trailing separator must not become an index
            # Only an empty amount is missing: 'NaN' or 'NULL' is a bad amount, not a zero.
            keep_default_na=False,
            na_values=missing,
            encoding=encoding,
            engine="c",
        )


class _Lines:
    """Maps a data row to its file line; only computed when an error is reported."""

    def __init__(
        self, path: Path, rows: int, delimiter: str = "\t", columns: dict[str, int] | None = None
    ) -> None:
        self.path = path
        self.rows = rows
        self.delimiter = delimiter
        self.columns = columns or {}  # column name -> position, for :meth:`text`

    def line_of(self, row: int) -> int:
        """The 1-based line of data row ``row`` (blank lines skipped, like the C reader)."""
        return self._find(row)[0]

    def text(self, row: int, column: str) -> str:
        """The text of ``column`` on data row ``row``, as the file writes it (``1e308``, not
        the number the C reader made of it)."""
        fields = self._find(row)[1].decode("utf-8", errors="replace").split(self.delimiter)
        position = self.columns.get(column, len(fields))
        return fields[position].strip() if position < len(fields) else ""

    def _find(self, row: int) -> tuple[int, bytes]:
        count = -1
        with open(self.path, "rb") as handle:
            data = handle.read()
        for number, raw in enumerate(re.split(rb"\r\r\n|\r\n|\n|\r", data), start=1):
            if number == 1 or not raw.strip(b" \t"):
                continue
            count += 1
            if count == row:
                return number, raw
        return number, b""

    def fail(self, row: int, column: str, problem: str, value: str, expected: str) -> NoReturn:
        raise InputFileError(
            self.path,
            problem,
            line=self.line_of(row),
            column=column,
            value=value,
            expected=expected,
        )


def _months(dates: pd.Series, lines: _Lines) -> Ints:
    """Month number (year * 12 + month - 1) of each line's EcritureDate."""
    if dates.isna().any():
        lines.fail(
            int(np.flatnonzero(dates.isna().to_numpy())[0]),
            "EcritureDate",
            "the entry date is missing",
            "",
            DATE_EXPECTED,
        )
    if pd.api.types.is_numeric_dtype(dates.dtype):
        ymd = dates.to_numpy(dtype=np.int64)
        low, high = int(ymd.min()), int(ymd.max())
        if high - low < 4 * len(ymd) + 1000:  # a table of every value in the span, looked up
            months = month_numbers(np.arange(low, high + 1, dtype=np.int64))[ymd - low]
        else:
            months = month_numbers(ymd)
        if (months < 0).any():
            row = int(np.flatnonzero(months < 0)[0])
            lines.fail(
                row,
                "EcritureDate",
                "bad entry date",
                str(ymd[row]),
                "a date as AAAAMMJJ (e.g. 20250131)",
            )
        return np.asarray(months, dtype=np.int64)

    def fail(row: int, value: str, expected: str) -> NoReturn:
        lines.fail(row, "EcritureDate", "bad entry date", value, expected)

    texts = dates.map(lambda v: v if isinstance(v, str) else str(int(v)))  # mixed chunks
    parsed = parse_dates(texts, fail)
    blank = np.asarray(parsed.isna())  # only spaces (e.g. a no-break space): no date at all
    if blank.any():
        row = int(np.flatnonzero(blank)[0])
        lines.fail(row, "EcritureDate", "the entry date is missing", "", DATE_EXPECTED)
    return np.asarray(parsed.year.to_numpy() * 12 + parsed.month.to_numpy() - 1, dtype=np.int64)


def _amount(values: pd.Series, column: str, lines: _Lines) -> Floats:
    def fail(row: int, value: str, expected: str) -> NoReturn:
        lines.fail(row, column, "bad amount", value, expected)

    def text_at(row: int) -> str:
        return lines.text(row, column)

    if pd.api.types.is_numeric_dtype(values.dtype):
        numbers = values.to_numpy(dtype=np.float64, na_value=np.nan)
        return check_numbers(numbers, text_at, fail)

    # The C reader works in chunks: a column may mix numbers it parsed with
    # texts it could not; only the texts need our parser.
    texts = values.map(lambda v: isinstance(v, str)).to_numpy(dtype=bool)
    result = np.array(pd.to_numeric(values.where(~texts), errors="coerce"), dtype=np.float64)
    strings = values[texts].astype(str)
    # Most texts only need their spaces dropped and decimal comma swapped (as the
    # full parser does); the full parser (signs, thousands dots...) runs on the rest.
    # Old tools write the sign last (123,45-): a common enough case to keep fast.
    trailing = (strings.str.endswith("-") & ~strings.str.lstrip().str.startswith("-")).to_numpy()
    bodies = strings.str.removesuffix("-") if trailing.any() else strings
    if bodies.str.contains(" ", regex=False).any():
        bodies = bodies.str.replace(" ", "", regex=False)
    quick = pd.to_numeric(bodies.str.replace(",", ".", regex=False), errors="coerce")
    quick_values = np.array(quick, dtype=np.float64) * np.where(trailing, -1.0, 1.0)
    rest = np.isnan(quick_values) & (strings.str.strip() != "").to_numpy()
    if rest.any():
        rows = np.flatnonzero(texts)[rest]

        def fail_rest(pos: int, value: str, expected: str) -> NoReturn:
            fail(int(rows[pos]), value, expected)

        quick_values[rest] = parse_amounts(strings[rest], fail_rest, default_decimal=",")
    result[texts] = quick_values
    return check_numbers(result, text_at, fail)


def _amounts(frame: pd.DataFrame, lines: _Lines) -> tuple[Floats, Floats]:
    """Debit and credit of each line (0 where empty), from Debit/Credit or Montant/Sens."""
    if "debit" in frame:
        debit = _amount(frame["debit"], "Debit", lines)
        credit = _amount(frame["credit"], "Credit", lines)
        both_missing = np.isnan(debit) & np.isnan(credit)
        if both_missing.any():
            lines.fail(
                int(np.flatnonzero(both_missing)[0]),
                "Debit",
                "no debit nor credit amount (truncated line?)",
                "",
                AMOUNT_EXPECTED,
            )
        return np.nan_to_num(debit), np.nan_to_num(credit)
    amount = _amount(frame["montant"], "Montant", lines)
    if np.isnan(amount).any():
        lines.fail(
            int(np.flatnonzero(np.isnan(amount))[0]),
            "Montant",
            "the amount is missing (truncated line?)",
            "",
            AMOUNT_EXPECTED,
        )
    sign = _sens(frame["sens"], lines)
    return np.where(sign > 0, amount, 0.0), np.where(sign < 0, amount, 0.0)


def _sens(sens: pd.Series, lines: _Lines) -> npt.NDArray[np.int8]:
    """+1 for a debit line, -1 for a credit line (D/C, +1/-1, Debit/Credit)."""
    lookup = np.append(sign_of([str(c) for c in sens.cat.categories]), np.int8(0))
    sign = lookup[sens.cat.codes.to_numpy()]  # code -1 (missing) reads the trailing 0
    if (sign == 0).any():
        row = int(np.flatnonzero(sign == 0)[0])
        lines.fail(
            row, "Sens", "bad debit/credit direction", str(sens.iloc[row]), "D or C (or +1 / -1)"
        )
    return sign


def _by_account(
    frame: pd.DataFrame, months: Ints, debit: Floats, credit: Floats, opening_journals: set[str]
) -> pd.DataFrame:
    """Debit and credit summed per (month, account, opening journal or not)."""
    accounts = frame["account"]
    journals = frame["journal"].cat
    opening_of = np.array([str(j) in opening_journals for j in journals.categories] + [False])
    opening = opening_of[journals.codes.to_numpy()]
    account_names = np.array([str(a).strip() for a in accounts.cat.categories], dtype=object)
    n_accounts = len(account_names)
    base = int(months.min())
    key = ((months - base) * n_accounts + accounts.cat.codes.to_numpy()) * 2 + opening
    size = int(key.max()) + 1
    if size <= 4 * len(key) + 1000:  # keys index a small table: no hashing of a million keys
        uniques = np.flatnonzero(np.bincount(key, minlength=size))
        sums_debit = np.bincount(key, weights=debit, minlength=size)[uniques]
        sums_credit = np.bincount(key, weights=credit, minlength=size)[uniques]
    else:
        codes, found = pd.factorize(key, sort=True)
        sums_debit = np.bincount(codes, weights=debit, minlength=len(found))
        sums_credit = np.bincount(codes, weights=credit, minlength=len(found))
        uniques = np.asarray(found, dtype=np.int64)
    month_num = uniques // 2 // n_accounts + base
    table = pd.DataFrame(
        {
            "month": (month_num - 1970 * 12).astype("datetime64[M]").astype("datetime64[us]"),
            "account": account_names[uniques // 2 % n_accounts],
            "opening": (uniques % 2).astype(bool),
            "debit": sums_debit,
            "credit": sums_credit,
        }
    )
    if _strictly_increasing(account_names):
        return table  # already one row per (month, account, opening), in that order
    # Padded or differently written accounts ("706000 " and "706000") add up.
    return table.groupby(["month", "account", "opening"], as_index=False).sum()


def _strictly_increasing(names: npt.NDArray[np.object_]) -> bool:
    """The stripped account names are distinct and sorted like their categories."""
    return all(a < b for a, b in itertools.pairwise(names))
