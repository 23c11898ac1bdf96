"""Cell values in, cell values out: shared by every way into Excel.

Each runtime hands a function's arguments over in its own shape:

* classic xlwings (COM, Windows): one cell is a scalar, a row or a column a
  1-D list, a block a list of lists; blank cells are ``None``; error cells
  are ``"#N/A"``-like strings (the functions ask for ``err_to_str=True``);
* Office.js (xlwings Server and xlwings Lite), with the ``raw`` converter:
  one cell is a scalar (xlwings unwraps 1x1 matrices), a row a 1-D list,
  anything else a list of rows; a blank cell is JSON ``null`` (``None``) in
  Excel on the web and on the Mac, ``""`` for a formula giving ``""``, and
  ``0`` in desktop Excel on Windows (Office.js sends it so: OfficeDev/office-js
  issues 4702 and 5262; nothing tells it from a typed 0); an error cell is an
  object ``{"type": "Error", "errorType": "Div0", ...}`` (xlwings declares
  ``allowErrorForDataTypeAny``); under Pyodide JS ``null`` arrives as
  ``pyodide.ffi.JsNull``;
* plain Python: scalars, lists, tuples or numpy arrays, ``None`` for blank.

So ``None``, ``""`` and ``JsNull`` are blank cells in every runtime, an
error object or an error text (``"#N/A"``) is an error cell.
This module turns them into floats, float arrays or text, refusing booleans,
text and dates with a message that says which argument and which cell, and
maps what :mod:`kpi_xl.kpis` raises to Excel's error values: a zero
denominator is ``#DIV/0!``, invalid input ``#VALUE!``, a payback never
reached ``#N/A``.  Errors are returned as :class:`CellError`, a ``str`` that
reads ``"#DIV/0!"`` (xlwings' Office.js converter turns such strings into
real Excel errors) and carries the reason in :attr:`CellError.message`.

Ranges are converted in one pass without calling into xlwings per cell: on a
100,000-cell range xlwings' own per-cell cleaning costs seconds (see
``docs/excel_functions.md``), this costs milliseconds.
"""

from __future__ import annotations

import logging
import math
import sys
from collections.abc import Sequence
from enum import StrEnum
from itertools import chain
from typing import Any, Final, cast

import numpy as np
from numpy.typing import NDArray

from kpi_xl.errors import KpiValueError, KpiXlError, KpiZeroDivisionError, NotRecoveredError

logger = logging.getLogger("udfs")
# A library stays silent unless the application configures logging (the Lite main.py does).
logger.addHandler(logging.NullHandler())


class ErrorCode(StrEnum):
    """The Excel error values the functions return or read."""

    DIV0 = "#DIV/0!"
    VALUE = "#VALUE!"
    NA = "#N/A"
    NUM = "#NUM!"
    NAME = "#NAME?"
    NULL = "#NULL!"
    REF = "#REF!"


_ERROR_TEXTS: Final = frozenset(e.value for e in ErrorCode)


class CellError(str):
    """An Excel error value, e.g. ``#DIV/0!``, with the reason it was returned.

    A ``str`` so that every runtime can pass it on as it is: xlwings'
    Office.js converter turns a string starting with ``#`` into a real error;
    the classic add-in shows it as text (see :mod:`udfs.classic`).

    >>> err = CellError(ErrorCode.DIV0, "cost is zero")
    >>> err, err.message
    ('#DIV/0!', 'cost is zero')
    """

    __slots__ = ("code", "message")
    code: ErrorCode
    message: str

    def __new__(cls, code: ErrorCode | str, message: str = "") -> CellError:
        obj = super().__new__(cls, str(ErrorCode(code)))
        obj.code = ErrorCode(code)
        obj.message = message
        return obj

    def __repr__(self) -> str:
        return str.__repr__(self)

    def __reduce__(self) -> tuple[Any, ...]:
        return (CellError, (self.code, self.message))


class InputCellError(KpiXlError):
    """An argument holds an Excel error (``#N/A`` in a looked-up cell...): it propagates."""

    def __init__(self, argument: str, code: ErrorCode, where: str = "") -> None:
        self.argument = argument
        self.code = code
        super().__init__(f"{argument}: {where}holds {code.value}; fix that cell first")


class NotAvailableError(KpiValueError):
    """There is no value to give (a KPI without a default target): Excel's ``#N/A``."""


def _find_jsnull() -> type | None:
    """Pyodide's ``JsNull`` type when running under Pyodide (xlwings Lite), else None.

    Looked up once here: xlwings' own ``is_jsnull`` retries the failing
    ``pyodide`` import for every cell, which is what makes its per-cell
    conversion slow outside Pyodide.
    """
    if sys.platform != "emscripten":
        return None
    try:
        from pyodide.ffi import JsNull  # type: ignore[import-not-found]
    except ImportError:
        return None
    return JsNull  # type: ignore[no-any-return]


_JSNULL: Final = _find_jsnull()
_NUMBER_TYPES: Final = frozenset({int, float, np.float64, np.int64})


class _Blank:
    """Marker for a blank cell."""


BLANK: Final = _Blank()


def _kind(value: object) -> object:
    """``value`` as a float, :data:`BLANK`, an :class:`ErrorCode`, or itself if unusable."""
    kind = type(value)
    if kind in _NUMBER_TYPES:
        return float(value)  # type: ignore[arg-type]
    if value is None:
        return BLANK
    if isinstance(value, str):
        if value == "" or value.isspace():
            return BLANK
        if value in _ERROR_TEXTS:
            return ErrorCode(value)
        return value
    if _JSNULL is not None and kind is _JSNULL:
        return BLANK
    if isinstance(value, dict) and value.get("type") == "Error":
        return _error_object(value)
    if isinstance(value, (bool, np.bool_)):
        return value
    if isinstance(value, (np.integer, np.floating)):
        return float(value)
    if isinstance(value, float | int):
        return float(value)
    return value


#: Office.js ``errorType`` of each error value (Excel.ErrorCellValueType).
_ERROR_TYPES: Final = {"Div0": "#DIV/0!", "Value": "#VALUE!", "NotAvailable": "#N/A",
                       "Num": "#NUM!", "Name": "#NAME?", "Null": "#NULL!", "Ref": "#REF!"}  # fmt: skip


def _error_object(value: dict[str, Any]) -> ErrorCode:
    """The error of an Office.js error object, by ``basicValue`` or ``errorType``.

    Other errors (``#SPILL!``, ``#CALC!``...) propagate as ``#VALUE!``.

    >>> _error_object({"type": "Error", "basicValue": "#N/A", "errorType": "NotAvailable"})
    <ErrorCode.NA: '#N/A'>
    >>> _error_object({"type": "Error", "errorType": "Spill"})
    <ErrorCode.VALUE: '#VALUE!'>
    """
    text = value.get("basicValue")
    if text not in _ERROR_TEXTS:
        text = _ERROR_TYPES.get(str(value.get("errorType")))
    return ErrorCode(text) if text in _ERROR_TEXTS else ErrorCode.VALUE


def _refuse(argument: str, value: object, where: str, what: str) -> KpiValueError:
    """The message for a cell that is not a number."""
    if isinstance(value, (bool, np.bool_)):
        shown = "TRUE" if value else "FALSE"
        return KpiValueError(argument, f"{where}is {shown} (a boolean); give {what}")
    if isinstance(value, str):
        return KpiValueError(argument, f"{where}is text ({value!r}); give {what}")
    name = type(value).__name__
    if name in ("datetime", "date", "Timestamp"):
        return KpiValueError(argument, f"{where}is a date; give {what}")
    return KpiValueError(argument, f"{where}is {value!r} ({name}); give {what}")


def _is_sequence(value: object) -> bool:
    return isinstance(value, (list, tuple, np.ndarray))


def _rows(value: object) -> list[Sequence[object]]:
    """A range as a list of rows, whatever shape it came in."""
    if isinstance(value, np.ndarray):
        rows: list[Sequence[object]] = (
            np.atleast_2d(value).tolist() if value.ndim <= 2 else [value.ravel().tolist()]
        )
        return rows
    seq: list[object] = list(value)  # type: ignore[call-overload]
    # One set of the row types: a per-row isinstance() costs more on 100,000 rows.
    if seq and {type(row) for row in seq} <= {list, tuple}:
        return cast("list[Sequence[object]]", seq)
    return [seq]


def _flat(rows: list[Sequence[object]]) -> list[object]:
    return list(chain.from_iterable(rows))


def _position(rows: list[Sequence[object]], index: int) -> str:
    """``"cell 3 of the range "`` (one row or column) or ``"row 2, column 1 of the range "``."""
    width = len(rows[0]) if rows else 1
    if len(rows) == 1 or width == 1:
        return f"cell {index + 1} of the range "
    return f"row {index // width + 1}, column {index % width + 1} of the range "


def _single(value: Any, argument: str) -> Any:
    """The cell of a one-cell range (a range of several cells is refused by name)."""
    if not _is_sequence(value):
        return value
    flat = _flat(_rows(value))
    if len(flat) != 1:
        raise KpiValueError(argument, f"is a range of {len(flat)} cells; give one cell")
    return flat[0]


def number(value: object, argument: str) -> float | None:
    """One cell as a float; ``None`` when it is blank.

    A one-cell range is that cell.  Booleans, text, dates and ranges of
    several cells raise :class:`~kpi_xl.errors.KpiValueError`; an error
    cell raises :class:`InputCellError`.

    >>> number(150, "gain"), number("", "gain"), number([[2.5]], "gain")
    (150.0, None, 2.5)
    >>> number("abc", "gain")
    Traceback (most recent call last):
    ...
    kpi_xl.errors.KpiValueError: gain: is text ('abc'); give a number
    """
    value = _single(value, argument)
    kind = _kind(value)
    if isinstance(kind, float):
        return kind
    if kind is BLANK:
        return None
    if isinstance(kind, ErrorCode):
        raise InputCellError(argument, kind)
    raise _refuse(argument, value, "", "a number")


def numbers(value: object, argument: str) -> NDArray[np.float64]:
    """A 1-D or 2-D range as a flat float array, row by row, blank cells skipped.

    >>> numbers([[10, ""], [9, 3]], "scores")
    array([10.,  9.,  3.])
    >>> numbers([10, True], "scores")
    Traceback (most recent call last):
    ...
    kpi_xl.errors.KpiValueError: scores: cell 2 of the range is TRUE (a boolean); give numbers
    """
    if not _is_sequence(value):
        single = number(value, argument)
        return np.array([] if single is None else [single], dtype=np.float64)
    return _numbers(_rows(value), argument)


def _numbers(rows: list[Sequence[object]], argument: str) -> NDArray[np.float64]:
    """The cells of ``rows`` as floats, blanks skipped; in bulk whenever possible."""
    flat = _flat(rows)
    types = set(map(type, flat))
    # Fast paths: plain numbers, or numbers and blanks (None, ""), convert in one
    # numpy call, without a Python call per cell.
    if types <= {int, float}:
        return np.array(flat, dtype=np.float64)
    if types <= {int, float, type(None)}:  # Office.js: null blanks
        return np.array([c for c in flat if c is not None], dtype=np.float64)
    if types <= {int, float, str, type(None)}:
        strings = {c for c in flat if type(c) is str}
        if all(c == "" or c.isspace() for c in strings):
            kept = [c for c in flat if c is not None and type(c) is not str]
            return np.array(kept, dtype=np.float64)
    out = np.empty(len(flat), dtype=np.float64)
    keep = 0
    for i, cell in enumerate(flat):
        kind = _kind(cell)
        if isinstance(kind, float):
            out[keep] = kind
            keep += 1
        elif isinstance(kind, ErrorCode):
            raise InputCellError(argument, kind, _position(rows, i))
        elif kind is not BLANK:
            raise _refuse(argument, cell, _position(rows, i), "numbers")
    return out[:keep]


def number_or_range(value: object, argument: str) -> float | NDArray[np.float64]:  # fmt: skip
    """A single cell as a float, a range of several cells as an array.

    A blank single cell is an empty range, as a range of blank cells is.
    """
    if _is_sequence(value):
        rows = _rows(value)
        if len(rows) > 1 or (rows and len(rows[0]) > 1):
            return _numbers(rows, argument)
    single = number(value, argument)
    return np.empty(0, dtype=np.float64) if single is None else single


def text(value: object, argument: str) -> str | None:
    """One cell as stripped text; ``None`` when it is blank; numbers are refused.

    >>> text(" roi ", "kpi"), text("", "kpi")
    ('roi', None)
    """
    value = _single(value, argument)
    kind = _kind(value)
    if kind is BLANK:
        return None
    if isinstance(kind, ErrorCode):
        raise InputCellError(argument, kind)
    if isinstance(value, str):
        return value.strip()
    raise _refuse(argument, value, "", "a text")


def error_for(exc: BaseException) -> CellError:
    """The Excel error value for an exception of :mod:`kpi_xl.kpis` or of the conversion.

    >>> error_for(KpiZeroDivisionError("cost"))
    '#DIV/0!'
    >>> error_for(NotRecoveredError("cash_flows", "never recovered")).message
    'cash_flows: never recovered'
    """
    message = str(exc)
    if isinstance(exc, InputCellError):
        return CellError(exc.code, message)
    if isinstance(exc, (NotRecoveredError, NotAvailableError)):  # KpiValueErrors, test first
        return CellError(ErrorCode.NA, message)
    if isinstance(exc, (KpiZeroDivisionError, ZeroDivisionError)):
        return CellError(ErrorCode.DIV0, message)
    if isinstance(exc, KeyError):  # unknown KPI name: KeyError's str() adds quotes
        return CellError(ErrorCode.VALUE, str(exc.args[0]) if exc.args else message)
    return CellError(ErrorCode.VALUE, message)


EXPECTED = (KpiXlError, ValueError, TypeError, ArithmeticError, KeyError)


def result(value: object) -> float | str:
    """A function's result as a cell value: NaN or infinity become ``#NUM!``."""
    if isinstance(value, (float, np.floating)):
        number_ = float(value)
        if math.isfinite(number_):
            return number_
        return CellError(ErrorCode.NUM, f"the result is {number_}")
    if isinstance(value, (int, np.integer)) and not isinstance(value, bool):
        return float(value)
    if isinstance(value, str):
        return value
    return CellError(ErrorCode.VALUE, f"unexpected result {value!r}")


def log_error(function: str, error: CellError, unexpected: BaseException | None = None) -> None:
    """Say why a cell shows an error: the only place the reason can go in Excel.

    Invalid input is a warning (the user can fix it); ``#DIV/0!`` and ``#N/A``
    are the normal "undefined" answers and stay at debug level; an unexpected
    exception is logged with its traceback, never shown in the cell.
    """
    if unexpected is not None:
        logger.error("%s: unexpected error, returned %s", function, error, exc_info=unexpected)
    elif error.code is ErrorCode.VALUE:
        logger.warning("%s returned %s: %s", function, error, error.message)
    else:
        logger.debug("%s returned %s: %s", function, error, error.message)
