"""French and English number conventions, parsed a column at a time.

A value may carry spaces, no-break spaces or dots as thousands separators,
a decimal comma or point, a currency sign, a leading or trailing minus
(``123,45-``, from old accounting tools) or accounting parentheses.  When a
value has both a comma and a point, the rightmost one is the decimal mark;
with only one of them, the column's decimal mark decides (given, or detected
from the values that can only be read one way).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import NoReturn

import numpy as np
import numpy.typing as npt
import pandas as pd

#: Raise an InputFileError for the value at a row position: (position, value, expected).
Fail = Callable[[int, str, str], NoReturn]

_NOISE = r"[\s\u00a0\u202f€$£']|(?i:eur)"
AMOUNT_EXPECTED = "an amount such as 1234,56 or -1 234.56"
COUNT_EXPECTED = "a whole number of 0 or more"
#: No business amount or count reaches this: such a value is a broken export (``1e308``).
LIMIT = 1e15
NOT_A_NUMBER = " (not nan, inf nor a magnitude of 1e15 or more)"
# ASCII digits only ([0-9], not \d): float() would read "٣" as 3, the full parser refuses it.
_PLAIN = re.compile(r"-?[0-9]+(?:[.,][0-9]{1,2})?\Z")
_LOOP_MAX = 20_000


def detect_decimal(bodies: pd.Series, default: str) -> str:
    """The decimal mark that the unambiguous values of a column use.

    >>> detect_decimal(pd.Series(["1,234", "12,5"]), ".")
    ','
    >>> detect_decimal(pd.Series(["1,234", "1,000"]), ".")
    '.'
    """
    only_comma = bodies[bodies.str.count(",").eq(1) & ~bodies.str.contains(".", regex=False)]
    if only_comma.str.contains(r",(?:\d{1,2}|\d{4,})$", regex=True).any():
        return ","
    only_dot = bodies[bodies.str.count(r"\.").eq(1) & ~bodies.str.contains(",", regex=False)]
    if only_dot.str.contains(r"\.(?:\d{1,2}|\d{4,})$", regex=True).any():
        return "."
    return default


def _normalise(bodies: pd.Series, decimal: str, integers: bool) -> pd.Series:
    """Rewrite each value with '.' as the only decimal mark and no thousands mark."""
    last_comma = bodies.str.rfind(",")
    last_dot = bodies.str.rfind(".")
    both = (last_comma >= 0) & (last_dot >= 0)
    comma_decimal = both & (last_comma > last_dot)
    single_sep = ~both & ((last_comma >= 0) | (last_dot >= 0))
    one_sep = single_sep & (bodies.str.count(r"[,.]") == 1)
    three_after = bodies.str.contains(r"[,.]\d{3}$", regex=True)
    # A lone separator is a thousands mark when three digits follow it and it
    # is not the column's decimal mark (or the column holds counts).
    lone_sep = np.where(last_comma >= 0, ",", ".")
    lone_is_decimal = one_sep & ~(three_after & ((lone_sep != decimal) | integers))
    out = bodies.copy()
    out = out.where(~comma_decimal, bodies.str.replace(".", "", regex=False))
    out = out.where(~(both & ~comma_decimal), out.str.replace(",", "", regex=False))
    plain = single_sep & ~lone_is_decimal
    out = out.where(~plain, out.str.replace(r"[,.]", "", regex=True))
    return out.str.replace(",", ".", regex=False)


def parse_amounts(
    values: pd.Series,
    fail: Fail,
    decimal: str | None = None,
    default_decimal: str = ",",
    integers: bool = False,
) -> npt.NDArray[np.float64]:
    """Parse a column of amounts; empty cells give NaN; a bad one calls ``fail``.

    >>> fail = lambda i, v, e: 1 / 0
    >>> parse_amounts(pd.Series(["1 234,50", "123,45-", "(2.5)", "", "0000000069,60"]), fail).tolist()
    [1234.5, -123.45, -2.5, nan, 69.6]
    """
    plain: bool | None = None  # known plain or not, or not known yet
    if len(values) <= _LOOP_MAX:  # pandas' fixed costs outweigh a small column's work
        items = values.tolist()
        if all(type(v) is str for v in items):
            plain = _plain_lines(items)
            if plain:
                plain_values = _plain_floats(items)
                return check_numbers(plain_values, items.__getitem__, fail, integers)
    text = values.astype(object).where(values.notna(), "").astype(str)
    quick = _plain_numbers(text) if plain is None else None
    if quick is not None:
        return check_numbers(quick, text.iloc.__getitem__, fail, integers)
    clean = text.str.replace(_NOISE, "", regex=True)
    paren = clean.str.startswith("(") & clean.str.endswith(")")
    lead = clean.str.startswith("-")
    trail = clean.str.endswith("-") & ~lead
    bodies = clean.str.strip("()+-")
    mark = decimal or detect_decimal(bodies, default_decimal)
    numbers = pd.to_numeric(_normalise(bodies, mark, integers).replace("", np.nan), errors="coerce")
    result = numbers.to_numpy(dtype=np.float64, na_value=np.nan)
    sign = np.where(paren | lead | trail, -1.0, 1.0)
    bad = np.isnan(result) & (clean != "").to_numpy() | (
        clean.str.count(r"[-()]").to_numpy() > np.where(paren, 2, 1)
    )
    if bad.any():
        pos = int(np.flatnonzero(bad)[0])
        fail(pos, str(text.iloc[pos]), COUNT_EXPECTED if integers else AMOUNT_EXPECTED)
    return check_numbers(result * sign, text.iloc.__getitem__, fail, integers)


def check_numbers(
    numbers: npt.NDArray[np.float64],
    text_at: Callable[[int], object],
    fail: Fail,
    integers: bool = False,
) -> npt.NDArray[np.float64]:
    """``numbers`` (NaN = an empty cell); an infinite or absurdly big one calls ``fail``.

    The one rule every reader applies: ``inf``, ``1e999`` or ``1e308`` is no
    amount nor count (a cell that reads as NaN never comes here as a number:
    the parsers refuse its text).  ``text_at(pos)`` gives the cell's text,
    looked up only when reporting.

    >>> check_numbers(np.array([1.0, np.nan]), str, lambda i, v, e: 1 / 0).tolist()
    [1.0, nan]
    """
    with np.errstate(invalid="ignore"):
        bad = np.abs(numbers) >= LIMIT  # inf too; NaN compares False
    if bad.any():
        pos = int(np.flatnonzero(bad)[0])
        expected = COUNT_EXPECTED if integers else AMOUNT_EXPECTED
        fail(pos, str(text_at(pos)), expected + NOT_A_NUMBER)
    return numbers


def _plain_numbers(text: pd.Series) -> npt.NDArray[np.float64] | None:
    """The values when all are plain (``56.00``, ``-3,5``, ``12``, or empty), else None.

    Such a value reads the same whatever the column's decimal mark (one or two
    digits after the separator), so the full parser, a score of vectorised
    text operations with a fixed cost each, is not needed: most columns of
    most exports are plain.
    """
    if len(text) <= _LOOP_MAX:  # a Python loop beats pandas' fixed costs on small columns
        out = np.full(len(text), np.nan)
        for i, value in enumerate(text.tolist()):
            if value:
                if _PLAIN.match(value) is None:
                    return None
                out[i] = float(value.replace(",", "."))
        return out
    plain = text.str.fullmatch(_PLAIN.pattern) | (text == "")
    if not plain.all():
        return None
    numbers = pd.to_numeric(text.str.replace(",", ".", regex=False).where(text != ""))
    return np.asarray(numbers, dtype=np.float64)


def _plain_lines(items: list[str]) -> bool | None:
    """Whether every text is empty or plain (:data:`_PLAIN`): one regular expression over
    the joined column instead of one match per value; None when a text holds a line end
    (the join would cut it in two)."""
    joined = "\n".join(items)
    if joined.count("\n") != len(items) - 1:
        return None
    return _PLAIN_LINES.fullmatch(joined) is not None


def _plain_floats(items: list[str]) -> npt.NDArray[np.float64]:
    """The numbers of plain texts (NaN for an empty one), the decimal comma read as a point."""
    if any("," in v for v in items):
        items = [v.replace(",", ".") for v in items]
    if "" in items:
        return np.array([float(v) if v else np.nan for v in items], dtype=np.float64)
    return np.array(list(map(float, items)), dtype=np.float64)


#: Lines that are each empty or a plain number (:data:`_PLAIN`); atomic groups, so that a
#: bad line is never retried against the lines before it (linear time).
_PLAIN_LINE = r"(?>(?:-?[0-9]+(?:[.,][0-9]{1,2})?)?)"
_PLAIN_LINES = re.compile(rf"{_PLAIN_LINE}(?:\n{_PLAIN_LINE})*")


def parse_counts(
    values: pd.Series, fail: Fail, default_decimal: str = ","
) -> npt.NDArray[np.float64]:
    """Parse a column of counts (whole numbers >= 0); empty cells give NaN.

    >>> parse_counts(pd.Series(["1,234", "1 234", "7"]), lambda i, v, e: 1 / 0).tolist()
    [1234.0, 1234.0, 7.0]
    """
    result = parse_amounts(values, fail, default_decimal=default_decimal, integers=True)
    bad = (result < 0) | (np.round(result) != result)
    bad &= ~np.isnan(result)
    if bad.any():
        pos = int(np.flatnonzero(bad)[0])
        fail(pos, str(values.iloc[pos]), COUNT_EXPECTED)
    return result
