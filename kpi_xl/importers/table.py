"""A CSV export as a table of texts that remembers each row's file line.

Exports put title lines (Google Ads), ``#`` comment lines (GA4) or nothing
above their header, quote fields that hold newlines (survey comments) and
sometimes end rows with a separator.  We parse with the ``csv`` module so
each row keeps the line number a text editor shows, for error messages; the
files are small (the FEC, the only big one, has its own reader).
"""

from __future__ import annotations

import csv
import functools
import io
import sys
import unicodedata
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import NoReturn

import numpy as np
import numpy.typing as npt
import pandas as pd

from kpi_xl.errors import InputFileError
from kpi_xl.importers.amounts import Fail

DELIMITERS = ("\t", ";", ",", "|")
HEADER_SEARCH_LINES = 60


@functools.lru_cache(maxsize=4096)
def normalise(name: str) -> str:
    """A header name compared without case, accents, BOM or extra spaces.

    Cached: the same few dozen header names are compared for every file.

    >>> normalise("  Montant dépensé (EUR) ")
    'montant depense (eur)'
    """
    text = unicodedata.normalize("NFKD", name.replace("\ufeff", ""))
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return " ".join(text.strip().strip('"').lower().split())


def split_line(line: str, delimiter: str) -> list[str]:
    """The fields of one line (quotes honoured)."""
    return next(csv.reader([line], delimiter=delimiter), [])


@dataclass
class Header:
    """Where the header is and how the file is cut into fields."""

    index: int  # 0-based position of the header among the file's lines
    delimiter: str
    names: list[str]


def find_header(
    lines: list[str], accept: Callable[[list[str]], bool], delimiter: str | None = None
) -> Header | None:
    """The first line (after title and ``#`` lines) whose fields ``accept`` recognises."""
    delimiters = (delimiter,) if delimiter else DELIMITERS
    for index, line in enumerate(lines[:HEADER_SEARCH_LINES]):
        if not line.strip():
            continue  # '#' lines are tried too: Typeform's header starts with '#'.
        for delim in delimiters:
            if delim not in line:
                continue
            names = [n.strip().replace("\ufeff", "") for n in split_line(line, delim)]
            if len(names) >= 2 and accept([normalise(n) for n in names]):
                return Header(index, delim, names)
    return None


@dataclass
class Table:
    """The data rows of a CSV as texts, with their file lines."""

    path: Path
    encoding: str
    header: Header
    data: pd.DataFrame  # one column per header name, str values ("" = empty)
    lines: npt.NDArray[np.int64]  # the 1-based file line of each row
    warnings: list[str] = field(default_factory=list)  # e.g. lines in another encoding
    #: Rows a fast reader already extracted (big orders exports); ``data`` then has
    #: one row per data line but no columns.
    prepared: pd.DataFrame | None = None

    @property
    def header_line(self) -> int:
        return self.header.index + 1

    def column(self, wanted: str | tuple[str, ...], required: bool = True) -> str | None:
        """The real name of a column given its normalised name(s), or None."""
        options = (wanted,) if isinstance(wanted, str) else wanted
        by_norm = {normalise(c): c for c in unique_names(self.header.names)}
        for option in options:
            if normalise(option) in by_norm:
                self.check_unique(normalise(option))
                return by_norm[normalise(option)]
        if required:
            self.missing(options)
        return None

    def check_unique(self, wanted: str) -> None:
        """Refuse a used column whose (normalised) name heads several columns."""
        same = [i for i, n in enumerate(self.header.names) if normalise(n) == wanted]
        if len(same) > 1:
            raise duplicate_columns(self.path, self.header_line, self.header.names, same)

    def missing(self, options: tuple[str, ...]) -> NoReturn:
        raise InputFileError(
            self.path,
            "a required column is missing",
            line=self.header_line,
            column=options[0],
            expected="a column named " + " or ".join(repr(o) for o in options),
            hint="columns found: " + ", ".join(unique_names(self.header.names)),
        )

    def fail(self, column: str, problem: str = "bad value") -> Fail:
        """A callback that reports a bad value of ``column`` at a row position."""

        def raise_at(pos: int, value: str, expected: str) -> NoReturn:
            raise InputFileError(
                self.path,
                problem,
                line=int(self.lines[pos]),
                column=column,
                value=value,
                expected=expected,
            )

        return raise_at

    def error_at(self, pos: int, column: str | None, problem: str, **kw: str) -> NoReturn:
        raise InputFileError(self.path, problem, line=int(self.lines[pos]), column=column, **kw)


def duplicate_columns(path: Path, line: int, names: list[str], same: list[int]) -> InputFileError:
    """Two columns of the same name: which one holds the figures cannot be guessed."""
    found = " and ".join(f"column {i + 1} {names[i]!r}" for i in same)
    return InputFileError(
        path,
        "several columns have the same name",
        line=line,
        column=names[same[0]],
        value=found,
        expected="one column of that name",
        hint="rename the column that is not the one to read (e.g. back to 'Subtotal')",
    )


def read_table(
    path: Path, text: str, encoding: str, header: Header, stop_at_blank: bool = False
) -> Table:
    """Parse the rows below ``header``; blank rows are skipped.

    ``stop_at_blank`` ends the table at the first blank or ``#`` line (GA4
    puts several tables one after the other).
    """
    body = text.split("\n", header.index + 1)[-1] if text.count("\n") > header.index else ""
    quick = None if stop_at_blank else _plain_rows(path, body, header)
    if quick is None and not stop_at_blank:
        quick = _quoted_rows(path, body, header)
    rows, lines = quick if quick is not None else _rows(path, body, header, stop_at_blank)
    names = unique_names(header.names)
    data = (
        pd.DataFrame(rows, columns=names, dtype=object)
        if rows
        else pd.DataFrame({n: pd.Series(dtype=object) for n in names})
    )
    return Table(path, encoding, header, data, np.asarray(lines, dtype=np.int64))


def _rows(
    path: Path, body: str, header: Header, stop_at_blank: bool
) -> tuple[list[list[str]], list[int]]:
    """The data rows (fields stripped, blank rows skipped) and their first file lines."""
    width = len(header.names)
    rows: list[list[str]] = []
    lines: list[int] = []
    for line, raw in _records(path, body, header):
        fields = [f.strip() for f in raw]
        if not any(fields):
            if stop_at_blank and rows:
                break
            continue
        if stop_at_blank and fields[0].startswith("#"):
            break
        rows.append(_fit(path, fields, width, line))
        lines.append(line)
    return rows, lines


def _plain_rows(path: Path, body: str, header: Header) -> tuple[list[list[str]], list[int]] | None:
    """What :func:`_rows` gives for a body without quotes, by splitting its lines; None for
    a body the ``csv`` module must read (quotes, NUL, a line over its field size limit).

    Without a quote a record is one line and its fields are the texts between
    separators, so the per-record work of the ``csv`` reader (and of stripping
    fields that have no spaces around them) is skipped.
    """
    if '"' in body or "\x00" in body or "\r" in body:
        return None
    texts = body.split("\n")
    if len(body) > csv.field_size_limit() and max(map(len, texts)) > csv.field_size_limit():
        return None
    delimiter = header.delimiter
    records = [t.split(delimiter) for t in texts]
    if _spaces_at_edges(body, delimiter):
        records = [[f.strip() for f in r] for r in records]
    return _kept(path, records, range(len(records)), header)


def _quoted_rows(path: Path, body: str, header: Header) -> tuple[list[list[str]], list[int]] | None:
    """What :func:`_rows` gives, read by the ``csv`` module in one loop without a generator;
    None when the reader raises (the general path reports it, with its line)."""
    reader = csv.reader(io.StringIO(body, newline=""), delimiter=header.delimiter)
    records: list[list[str]] = []
    firsts: list[int] = []  # the body line each record starts on (0-based)
    first = 0
    try:
        for fields in reader:
            records.append(fields)
            firsts.append(first)
            first = reader.line_num
    except csv.Error:
        return None
    records = [[f.strip() for f in r] for r in records]
    return _kept(path, records, firsts, header)


def _kept(
    path: Path, records: list[list[str]], firsts: Sequence[int], header: Header
) -> tuple[list[list[str]], list[int]]:
    """The records that are not blank, fitted to the header, and their file lines."""
    start, width = header.index + 2, len(header.names)
    kept = [i for i, r in enumerate(records) if any(r)]
    rows = [records[i] for i in kept]
    lines = [start + firsts[i] for i in kept]
    for pos, fields in enumerate(rows):
        if len(fields) != width:
            rows[pos] = _fit(path, fields, width, lines[pos])
    return rows, lines


#: The characters ``str.strip()`` removes (``str.isspace()``), but the line end ``\n``.
SPACES = (
    "\t\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005"
    "\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)


def _spaces_at_edges(body: str, delimiter: str) -> bool:
    """Whether some field may start or end with whitespace (only then are fields stripped).

    A space inside a field ("Bougie parfumée") is kept; one next to a separator or a
    line end is what ``strip`` would remove.  A character search per kind of space
    present: a regular expression over the body would cost more than stripping.
    """
    for space in (c for c in SPACES if c in body):
        if space == delimiter or body.startswith(space) or body.endswith(space):
            return True
        edges = (delimiter + space, space + delimiter, "\n" + space, space + "\n")
        if any(edge in body for edge in edges):
            return True
    return False


def _records(path: Path, body: str, header: Header) -> Iterator[tuple[int, list[str]]]:
    """Each record and its first file line; a field over csv's size limit is an error."""
    reader = csv.reader(io.StringIO(body, newline=""), delimiter=header.delimiter)
    start = header.index + 2  # 1-based line of the first data line
    line = start
    try:
        for fields in reader:
            yield line, fields
            line = start + reader.line_num
    except csv.Error as exc:
        if "field limit" not in str(exc):
            raise InputFileError(path, f"the line cannot be read ({exc})", line=line) from None
        _too_long(path, body, line - start, line, header)


def _too_long(path: Path, body: str, skip: int, line: int, header: Header) -> NoReturn:
    """Name the field of the record at ``line`` that is over csv's size limit."""
    rest = body.split("\n", skip)[-1]
    limit = csv.field_size_limit()
    csv.field_size_limit(sys.maxsize)
    try:
        fields = next(csv.reader(io.StringIO(rest, newline=""), delimiter=header.delimiter), [])
    finally:
        csv.field_size_limit(limit)
    long = next((i for i, f in enumerate(fields) if len(f) > limit), len(fields) - 1)
    raise InputFileError(
        path,
        f"a field is longer than {limit:,} characters",
        line=line,
        column=header.names[long] if 0 <= long < len(header.names) else None,
        value=f"{len(fields[long]):,} characters" if fields else None,
        expected=f"fields of at most {limit:,} characters (an unclosed quote?)",
        hint="shorten the text or check that every quote is closed",
    )


def _fit(path: Path, fields: list[str], width: int, line: int) -> list[str]:
    """The row cut to the header's width; a short or overlong row is an error."""
    if len(fields) > width and not any(fields[width:]):
        return fields[:width]  # trailing separators
    if len(fields) != width:
        problem = (
            "the line has fewer fields than the header (truncated line?)"
            if len(fields) < width
            else "the line has more fields than the header (a separator inside a value?)"
        )
        raise InputFileError(
            path,
            problem,
            line=line,
            value=f"{len(fields)} fields",
            expected=f"{width} fields like the header",
        )
    return fields


def unique_names(names: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for name in names:
        count = seen.get(name, 0)
        seen[name] = count + 1
        out.append(name if count == 0 else f"{name}.{count}")
    return out
