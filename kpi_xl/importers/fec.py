"""The FEC (Fichier des Écritures Comptables, LPF art. A47 A-1) -> monthly figures.

Speed matters (a FEC can hold millions of lines), so the file is parsed once
by pandas' C reader, keeping only the five columns we need: journals and
accounts become categoricals (a few hundred distinct texts instead of a
million Python strings), dates and amounts are parsed as numbers by the C
reader itself when they are clean.  Every tolerance has a slower, still
vectorised path that runs only when the clean parse did not apply: dates as
``YYYY-MM-DD`` or ``DD/MM/YYYY``, amounts with a trailing minus, spaces or a
decimal point.  Lines are then summed per (month, account, journal kind) with
``numpy.bincount``; accounts are classified on that small table.
"""

from __future__ import annotations

import csv
import io
import itertools
import re
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NoReturn

import numpy as np
import numpy.typing as npt
import pandas as pd

from kpi_xl.config import Config, FecConfig
from kpi_xl.errors import InputFileError
from kpi_xl.importers import fastcsv, fec_sums, ledger, textfile
from kpi_xl.importers.amounts import AMOUNT_EXPECTED, check_numbers, parse_amounts
from kpi_xl.importers.base import SourceFile
from kpi_xl.importers.dates import DATE_EXPECTED, parse_dates
from kpi_xl.importers.exercise import Exercise, decide, journal_labels, opening_codes
from kpi_xl.importers.recognise import FEC_DEBIT_CREDIT, FEC_MONTANT_SENS, head_text
from kpi_xl.importers.table import duplicate_columns, normalise

Ints = npt.NDArray[np.int64]
Floats = npt.NDArray[np.float64]
Bools = npt.NDArray[np.bool_]

#: The monthly columns the FEC gives (input ids and extra columns).
FEC_COLUMNS = (
    "revenue",
    "products",
    "charges",
    "net_profit",
    "sales_marketing_costs",
    "personnel_costs",
    "cost_of_goods",
    "gross_margin",
    *ledger.ACCOUNT_COLUMNS,
)
_SENS_DEBIT = {"D", "+1", "1", "+", "DEBIT"}
_SENS_CREDIT = {"C", "-1", "-", "CREDIT"}
_DAYS = np.array([31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31])


@dataclass
class FecResult:
    """Monthly figures of a FEC, its totals and the warnings it raised."""

    monthly: pd.DataFrame  # FEC_COLUMNS, month-start index
    totals: dict[str, float]  # debit, credit (all lines); products, charges, net_profit
    source: SourceFile
    by_account: pd.DataFrame  # month, account, opening, debit, credit (small)
    warnings: list[str] = field(default_factory=list)
    exercise: Exercise | None = None  # None only for a result built by hand


@dataclass
class _Layout:
    delimiter: str
    positions: dict[str, int]  # role -> column position
    names: list[str]
    encoding: str  # what the start of the file decodes as: tried first


@dataclass
class _Summed:
    """The lines of a FEC summed per (month, account, opening journal or not)."""

    by_account: pd.DataFrame  # month, account, opening, debit, credit
    rows: int
    debit: float  # every line's, opening journals included
    credit: float
    encoding: str = "utf-8"
    mixed: list[int] = field(default_factory=list)  # lines decoded as cp1252


def read_fec(path: Path, config: Config | None = None) -> FecResult:
    """Read a FEC file into monthly figures (see the module docstring)."""
    config = config or Config()
    path = Path(path)
    layout = _layout(path, config)
    summed = _from_sums(path, layout, config) or _from_lines(path, layout, config)
    exercise, notes = decide(path, summed.by_account)
    monthly = _monthly(summed.by_account, config.fec)
    totals = _totals(summed)
    warnings = [*notes, *_check_balance(path, totals)]
    if summed.mixed:
        warnings.insert(0, textfile.mixed_warning(path, summed.mixed))
    last = monthly.index.max() if len(monthly) else None
    source = SourceFile(path, "fec", summed.rows, exercise.start, last, summed.encoding)
    return FecResult(monthly, totals, source, summed.by_account, warnings, exercise)


def _from_sums(path: Path, layout: _Layout, config: Config) -> _Summed | None:
    """A big clean UTF-8 FEC summed by polars (:mod:`fec_sums`); None: read its lines."""
    encoding = (config.csv.encoding or layout.encoding).replace("-sig", "")
    if encoding != "utf-8" or not fastcsv.worth_it(path):
        return None
    sums = fec_sums.read(path, layout.delimiter, layout.positions)
    if sums is None:
        return None
    table = sums.table
    yyyymm = table["yyyymm"].to_numpy(dtype=np.int64) * 100
    months = _month_numbers(yyyymm + table["first_day"].to_numpy(dtype=np.int64))
    last = _month_numbers(yyyymm + table["last_day"].to_numpy(dtype=np.int64))
    if (months < 0).any() or (last < 0).any():
        return None  # a day that is no date: the line reader names its line
    if "sens" in table:
        sign = _per_row(table["sens"], _sign_of([str(s) for s in table["sens"].cat.categories]))
        if (sign == 0).any():
            return None
        amount = table["montant"].to_numpy(dtype=np.float64)
        debit, credit = np.where(sign > 0, amount, 0.0), np.where(sign < 0, amount, 0.0)
    else:
        debit = table["debit"].to_numpy(dtype=np.float64)
        credit = table["credit"].to_numpy(dtype=np.float64)
    journals = [str(j) for j in table["journalcode"].cat.categories]
    found = _opening(journals, sums.labels, config.fec)
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
    return _Summed(by_account, sums.rows, float(debit.sum()), float(credit.sum()))


def _per_row(column: pd.Series, of_category: npt.NDArray[Any]) -> npt.NDArray[Any]:
    """A value per row of a categorical, from one per category (the missing get the
    value's zero: 0, False or an empty text)."""
    missing = np.zeros(1, dtype=of_category.dtype) if len(of_category) else np.zeros(1)
    return np.concatenate([of_category, missing])[column.cat.codes.to_numpy()]


def _from_lines(path: Path, layout: _Layout, config: Config) -> _Summed:
    """The needed columns of every line parsed, checked and summed (any file)."""
    frame, encoding, mixed = _parse(path, layout, config.csv.encoding)
    if frame.empty:
        raise _no_entries(path)
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
    by_account = _by_account(frame, months, debit, credit, _opening(codes, labels, config.fec))
    total_debit, total_credit = float(debit.sum()), float(credit.sum())
    return _Summed(by_account, len(frame), total_debit, total_credit, encoding, mixed)


def _opening(
    codes: list[str], labels: Callable[[], dict[str, str]] | None, fec: FecConfig
) -> set[str]:
    """The opening journals' codes: by code, else by their label (``labels()``, if any)."""
    found = opening_codes(codes, fec.opening_journals)
    if not found and labels is not None:
        found = opening_codes(codes, (), labels())
    return found


def _no_entries(path: Path) -> InputFileError:
    return InputFileError(
        path, "the FEC has a header but no entries", line=2, expected="one line per entry"
    )


def _layout(path: Path, config: Config) -> _Layout:
    """Find the separator and the position of each needed column in the header."""
    text, encoding = head_text(path, config)
    line = next((ln for ln in text.split("\n") if ln.strip()), "")
    delimiter = config.csv.delimiter or max(("\t", "|", ";"), key=line.count)
    names = [normalise(n) for n in line.split(delimiter)]
    for roles in (FEC_DEBIT_CREDIT, FEC_MONTANT_SENS):
        if all(r in names for r in roles):
            for role in roles:
                same = [i for i, n in enumerate(names) if n == role]
                if len(same) > 1:
                    raw = [n.strip() for n in line.split(delimiter)]
                    raise duplicate_columns(path, 1, raw, same)
            positions = {r: names.index(r) for r in roles}
            if "journallib" in names:  # the labels tell opening journals with other codes
                positions["journallib"] = names.index("journallib")
            return _Layout(delimiter, positions, names, encoding)
    missing = [r for r in FEC_DEBIT_CREDIT if r not in names]
    raise InputFileError(
        path,
        "not a FEC header: required columns are missing",
        line=1,
        column=", ".join(missing),
        value=line[:150],
        expected="the FEC columns JournalCode, EcritureDate, CompteNum and Debit/Credit "
        "(or Montant/Sens), separated by tabs or |",
    )


def _parse(path: Path, layout: _Layout, forced: str | None) -> tuple[pd.DataFrame, str, list[int]]:
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
            raise _no_entries(path) from None
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


def _short_first_entry(path: Path, layout: _Layout) -> InputFileError:
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
    layout: _Layout,
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
            months = _month_numbers(np.arange(low, high + 1, dtype=np.int64))[ymd - low]
        else:
            months = _month_numbers(ymd)
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


def _month_numbers(ymd: Ints) -> Ints:
    """year * 12 + month - 1 of each AAAAMMJJ number; -1 where it is not a valid date."""
    year, month, day = ymd // 10000, ymd // 100 % 100, ymd % 100
    leap = (year % 4 == 0) & ((year % 100 != 0) | (year % 400 == 0))
    limit = _DAYS[np.clip(month - 1, 0, 11)] - ((month == 2) & ~leap)
    bad = (year < 1900) | (year > 2200) | (month < 1) | (month > 12) | (day < 1)
    bad |= day > limit
    return np.where(bad, -1, year * 12 + month - 1)


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
    lookup = np.append(_sign_of([str(c) for c in sens.cat.categories]), np.int8(0))
    sign = lookup[sens.cat.codes.to_numpy()]  # code -1 (missing) reads the trailing 0
    if (sign == 0).any():
        row = int(np.flatnonzero(sign == 0)[0])
        lines.fail(
            row, "Sens", "bad debit/credit direction", str(sens.iloc[row]), "D or C (or +1 / -1)"
        )
    return sign


def _sign_of(texts: list[str | None]) -> npt.NDArray[np.int8]:
    """+1 for a debit direction, -1 for a credit one, 0 for anything else (missing too)."""
    upper = [(t or "").strip().upper() for t in texts]
    return np.array(
        [1 if t in _SENS_DEBIT else -1 if t in _SENS_CREDIT else 0 for t in upper], dtype=np.int8
    )


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


def _starting(accounts: pd.Series, prefixes: dict[str, tuple[str, ...]]) -> dict[str, Bools]:
    """For each name, which rows' accounts start with one of its prefixes (none: no row).

    Tested once per distinct account, not once per row.
    """
    codes, uniques = pd.factorize(accounts.astype(str))
    names = [str(u) for u in uniques]
    out = {}
    for name, starts in prefixes.items():
        of_account = np.array([bool(starts) and a.startswith(starts) for a in names] + [False])
        out[name] = of_account[codes]
    return out


def _monthly(by_account: pd.DataFrame, fec: FecConfig) -> pd.DataFrame:
    """The monthly figures from the per-account sums, opening journals left out."""
    rows = by_account[~by_account["opening"].to_numpy(dtype=bool)]
    net_debit = rows["debit"].to_numpy(dtype=np.float64) - rows["credit"].to_numpy(np.float64)
    of = _starting(rows["account"], {
        "revenue": tuple(fec.revenue_accounts), "products": ("7",), "charges": ("6",),
        "sales_marketing_costs": tuple(fec.marketing_accounts),
        "personnel_costs": tuple(fec.personnel_accounts),
        "cost_of_goods": tuple(fec.cost_of_goods_accounts),
    })  # fmt: skip
    sign = {"revenue": -1.0, "products": -1.0}
    # Every month of the span, with or without entries: one bincount per figure.
    number = rows["month"].to_numpy(dtype="datetime64[M]").astype(np.int64)
    first = int(number.min()) if len(number) else 0
    span = int(number.max()) - first + 1 if len(number) else 0
    months = (np.arange(span) + first).astype("datetime64[M]").astype("datetime64[ns]")
    parts: dict[str, Floats] = {
        n: np.asarray(
            np.bincount(number - first, np.where(of[n], net_debit * sign.get(n, 1.0), 0.0), span),
            dtype=np.float64,
        )
        for n in of
    }
    columns = dict(parts)
    columns["net_profit"] = parts["products"] - parts["charges"]
    revenue = parts["revenue"]
    columns["gross_margin"] = np.divide(
        revenue - parts["cost_of_goods"], revenue, out=np.full(span, np.nan), where=revenue > 0
    )
    index = pd.DatetimeIndex(months, name="month")
    columns.update(ledger.monthly_accounts(by_account, index, revenue))
    return pd.DataFrame({c: np.round(columns[c], 10) for c in FEC_COLUMNS}, index=index)


def _totals(summed: _Summed) -> dict[str, float]:
    by_account = summed.by_account
    rows = by_account[~by_account["opening"].to_numpy(dtype=bool)]
    net_credit = rows["credit"].to_numpy(np.float64) - rows["debit"].to_numpy(np.float64)
    of = _starting(rows["account"], {"products": ("7",), "charges": ("6",)})
    products = float(net_credit[of["products"]].sum())
    charges = -float(net_credit[of["charges"]].sum())
    return {
        "debit": round(summed.debit, 2),
        "credit": round(summed.credit, 2),
        "products": round(products, 2),
        "charges": round(charges, 2),
        "net_profit": round(products - charges, 2),
    }


def _check_balance(path: Path, totals: dict[str, float]) -> list[str]:
    """Debits must equal credits in a FEC; a gap means lines are missing."""
    gap = totals["debit"] - totals["credit"]
    if abs(gap) < 0.005:
        return []
    return [
        f"{path.name}: total debit {totals['debit']:,.2f} and total credit "
        f"{totals['credit']:,.2f} differ by {gap:,.2f}: the FEC is unbalanced "
        "(a missing or cut line?)"
    ]
