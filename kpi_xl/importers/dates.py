"""Dates as exports write them, parsed a column at a time.

Only the calendar date matters (figures are monthly), so a time of day and a
UTC offset (``2025-10-07 09:50:26 +0200``) are dropped: the date is the one
the shop or the accountant saw.  The format is the first of :data:`FORMATS`
that reads every value of the column, so ``03/04/2025`` is read the French
way (3 April) unless some value such as ``04/13/2025`` proves otherwise.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from kpi_xl.importers.amounts import Fail

FORMATS = (
    "%Y-%m-%d",
    "%Y%m%d",
    "%d/%m/%Y",
    "%m/%d/%Y",
    "%Y/%m/%d",
    "%d.%m.%Y",
    "%d-%m-%Y",
    "%d/%m/%y",
    "%Y%m",
    "%Y-%m",
    "%m/%Y",
)
DATE_EXPECTED = "a date such as 2025-01-31, 31/01/2025 or 20250131"
# Formats without separators: strptime lets "%m%d" take one digit each, so
# "202511" (GA4's "Year month") would read as 2025-01-01 under "%Y%m%d".
_DIGITS = {"%Y%m%d": 8, "%Y%m": 6}
_ISO = re.compile(r"(\d{4}-\d{2}-\d{2})(?:[ T]|\Z)")
_LOOP_MAX = 20_000


def date_part(values: pd.Series) -> pd.Series:
    """The date before any time of day: '2025-10-07 09:50:26 +0200' -> '2025-10-07'."""
    text = values.astype(object).where(values.notna(), "").astype(str).str.strip()
    return text.str.split(r"[ T]", n=1, regex=True).str[0]


def parse_dates(values: pd.Series, fail: Fail, date_format: str | None = None) -> pd.DatetimeIndex:
    """Parse a column of dates (empty cells give NaT); a bad one calls ``fail``.

    >>> parse_dates(pd.Series(["31/01/2025", "", "01/02/2025 10:00"]), None).strftime("%Y-%m-%d")
    Index(['2025-01-31', nan, '2025-02-01'], dtype='str')
    """
    if date_format in (None, "%Y-%m-%d"):
        quick = _iso_dates(values)
        if quick is not None:
            return quick
    if date_format in (None, *_MONTHS):
        months = _month_dates(values, date_format)
        if months is not None:
            return months
    text = date_part(values)
    filled = text != ""
    formats = (date_format,) if date_format else FORMATS
    best: pd.DatetimeIndex | None = None
    best_bad = -1
    for fmt in formats:
        parsed = _parse(text, fmt)
        missing = parsed.isna()
        bad = int((filled.to_numpy() & missing).sum())
        if bad == 0:
            return pd.DatetimeIndex(parsed.astype("datetime64[ns]"))
        if best is None or bad < best_bad:
            best, best_bad = parsed, bad
    assert best is not None
    # A column may mix formats (a FEC exported in parts): fill in with the others.
    for fmt in formats:
        left = filled.to_numpy() & best.isna()
        if not left.any():
            return pd.DatetimeIndex(best.astype("datetime64[ns]"))
        other = _parse(text, fmt)
        best = pd.DatetimeIndex(best.where(~left, other))
    pos = int(np.flatnonzero(filled.to_numpy() & best.isna())[0])
    expected = f"a date as {date_format}" if date_format else DATE_EXPECTED
    fail(pos, str(values.iloc[pos]), expected)


def _iso_dates(values: pd.Series) -> pd.DatetimeIndex | None:
    """The dates when every filled value starts with a valid ``YYYY-MM-DD``, else None.

    What the first format gives, without a dozen vectorised text operations
    and their fixed costs: most exports write ISO dates.  Small columns only.
    """
    if len(values) > _LOOP_MAX:
        return None
    items = values.tolist()
    if items and all(type(v) is str for v in items):
        joined = "\n".join(items)
        if joined.count("\n") == len(items) - 1:  # no text holds a line end
            return _iso_texts(items) if _ISO_LINES.fullmatch(joined) else None
    days: list[str] = []
    for value in items:
        if not isinstance(value, str) and not pd.isna(value):
            return None  # a number (20250131): the full parser
        text = value.strip() if isinstance(value, str) else ""
        match = _ISO.match(text)
        if match is None and text:
            return None
        days.append(match.group(1) if match else "NaT")
    try:
        parsed = np.array(days, dtype="datetime64[D]")
    except ValueError:  # 2025-02-30: the full parser says which value
        return None
    return pd.DatetimeIndex(parsed.astype("datetime64[ns]"))


def _iso_texts(items: list[str]) -> pd.DatetimeIndex | None:
    """The dates of texts that :data:`_ISO_LINES` accepted (None for a day that does not
    exist, 2025-02-30: the full parser says which value)."""
    days = [v.strip()[:10] or "NaT" for v in items]
    try:
        parsed = np.array(days, dtype="datetime64[D]")
    except ValueError:
        return None
    return pd.DatetimeIndex(parsed.astype("datetime64[ns]"))


#: Texts (one a line) that, stripped, are empty or start with a date ``YYYY-MM-DD`` followed
#: by a space, a ``T`` or nothing, as :data:`_ISO` reads them one at a time.  Each line is an
#: atomic group: a bad line is never retried against the lines before it (linear time).
_ISO_LINE = r"(?>[^\S\n]*(?:\d{4}-\d{2}-\d{2}(?:[ T][^\n]*)?)?[^\S\n]*)"
_ISO_LINES = re.compile(rf"{_ISO_LINE}(?:\n{_ISO_LINE})*")


#: Months written alone (GA4's "Year month" 202501, a manual CSV's 2025-01): the format and
#: what every value of a column must be for it to be the format read (years 1700 to 2199).
_MONTHS = {  # ASCII digits only ([0-9], not \d: "٢٠٢٥01" is for the full parser)
    "%Y%m": re.compile(r"(1[7-9][0-9][0-9]|2[01][0-9][0-9])(0[1-9]|1[0-2])"),
    "%Y-%m": re.compile(r"(1[7-9][0-9][0-9]|2[01][0-9][0-9])-(0[1-9]|1[0-2])"),
}


def _month_dates(values: pd.Series, date_format: str | None) -> pd.DatetimeIndex | None:
    """The first days of the months when every filled value (its date part) is a month in
    one of :data:`_MONTHS`' formats, else None.  Small columns of texts only.

    No format before it in :data:`FORMATS` reads such a value (``tests/test_small_readers.py``
    checks every one), so it is the format the full parser picks, at a fraction of the cost.
    """
    items = values.tolist()
    if len(items) > _LOOP_MAX or not all(type(v) is str for v in items):
        return None
    parts = [_DATE_PART.split(v.strip(), maxsplit=1)[0] for v in items]
    for fmt, pattern in _MONTHS.items():
        if date_format not in (None, fmt):
            continue
        found = [pattern.fullmatch(p) for p in parts]
        if all(m is not None or not p for m, p in zip(found, parts, strict=True)):
            days = [f"{m[1]}-{m[2]}-01" if m else "NaT" for m in found]
            dates = np.array(days, dtype="datetime64[D]").astype("datetime64[ns]")
            return pd.DatetimeIndex(dates, name=values.name)
        if any(found):
            return None  # some values in this format, others not: the full parser
    return None


_DATE_PART = re.compile(r"[ T]")


def _parse(text: pd.Series, fmt: str) -> pd.DatetimeIndex:
    """``text`` read with ``fmt`` (NaT where it does not fit)."""
    parsed = pd.DatetimeIndex(pd.to_datetime(text, format=fmt, errors="coerce"))
    digits = _DIGITS.get(fmt)
    if digits is None:
        return parsed
    return pd.DatetimeIndex(parsed.where((text.str.len() == digits).to_numpy()))


def month_starts(dates: pd.DatetimeIndex) -> pd.DatetimeIndex:
    """The first day of each date's month."""
    values = dates.to_numpy()
    if dates.tz is None and values.dtype.kind == "M":  # by numpy (pandas' periods cost more)
        months = values.astype("datetime64[M]")
        known = months[~np.isnat(months)]
        if not len(known) or (known.min() >= _FIRST_MONTH and known.max() <= _LAST_MONTH):
            return pd.DatetimeIndex(months.astype("datetime64[ns]"), name=dates.name)
    return pd.DatetimeIndex(
        pd.DatetimeIndex(dates.to_period("M").to_timestamp()).astype("datetime64[ns]")
    )


#: The months whose first day a nanosecond timestamp can hold.
_FIRST_MONTH, _LAST_MONTH = np.datetime64("1677-10", "M"), np.datetime64("2262-04", "M")
