"""One table of Excel function calls, and how each runtime hands the same cells over.

A case names a function, its arguments as *cells* (numbers, text, booleans,
:data:`BLANK`, :class:`Err`, a range as a list of rows, or :data:`OMIT` for a
left-out optional argument) and the answer every runtime must give.  The
encoders turn the cells into what each runtime really passes:

* Python API: ``None`` for blank, ``"#N/A"`` for an error, fewer arguments;
* classic xlwings (COM, after its cleaning with ``err_to_str=True``): one cell
  a scalar, a row or column a 1-D list, a block a list of rows; ``None`` for
  blank, ``"#N/A"`` for an error; a left-out argument takes its default;
* Office.js (xlwings Server, Lite): every argument a 2-D matrix, JSON ``null``
  for blank (Excel on the web and Mac; ``""`` for a formula giving ``""``), an
  error object for an error, ``null`` for a left-out argument.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest


class _Marker:
    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return self.name


BLANK = _Marker("BLANK")
OMIT = _Marker("OMIT")


@dataclass(frozen=True)
class Err:
    """An error cell (``#N/A``...) or an error result."""

    code: str


#: Office.js errorType of each error value.
ERROR_TYPES = {"#DIV/0!": "Div0", "#VALUE!": "Value", "#N/A": "NotAvailable", "#NUM!": "Num"}


@dataclass(frozen=True)
class Case:
    func: str
    args: tuple[Any, ...]
    want: Any  # float, str or Err

    @property
    def id(self) -> str:
        return f"{self.func}{self.args}"


CASES = (
    Case("KPI_ROI", (150, 100), 0.5),
    Case("KPI_ROI", (150, 0), Err("#DIV/0!")),
    Case("KPI_ROI", ("abc", 100), Err("#VALUE!")),
    Case("KPI_ROI", (True, 100), Err("#VALUE!")),
    Case("KPI_ROI", (BLANK, 100), Err("#VALUE!")),  # a required cell left empty
    Case("KPI_ROI", (Err("#N/A"), 100), Err("#N/A")),  # an input's error propagates
    Case("KPI_NPS", ([[10], [BLANK], [9], [3]],), 100 / 3),
    Case("KPI_NPS", ([[10, 9, BLANK], [8, 3, 10]],), 40.0),
    Case("KPI_NPS", ([[10], [Err("#DIV/0!")], [9]],), Err("#DIV/0!")),
    Case("KPI_NPS", ([[10], ["oui"], [9]],), Err("#VALUE!")),
    Case("KPI_NPS", ([[10], [False]],), Err("#VALUE!")),
    Case("KPI_NPS", ([[BLANK], [BLANK]],), Err("#DIV/0!")),
    Case("KPI_NPS", (9,), 100.0),
    Case("KPI_NPS_COUNTS", (3, 1, 1), 40.0),
    Case("KPI_CLV", (60, 4, 3, OMIT), 720.0),
    Case("KPI_CLV", (60, 4, 3, BLANK), 720.0),
    Case("KPI_CLV", (60, 4, 3, 0.5), 360.0),
    Case("KPI_PAYBACK", (10_000, [[3_000], [4_000], [5_000]], OMIT), 2.6),
    Case("KPI_PAYBACK", (10_000, [[1_000], [2_000]], OMIT), Err("#N/A")),
    Case("KPI_STATUS", (0.032, BLANK, "conversion_rate", "en"), "Watch"),
    Case("KPI_STATUS", (BLANK, BLANK, "roi", OMIT), ""),  # blank value: empty, as documented
    Case("KPI_STATUS", (2.0, 1.0, "roi", OMIT), "Dans l'objectif"),
    Case("KPI_TARGET", ("KPI_NPS",), 45.0),
    Case("KPI_ACTION", ("roi", 2.0, OMIT, OMIT), ""),
    Case("KPI_INFO", ("nope", OMIT), Err("#VALUE!")),
)


# --------------------------------------------------------------------------- encoders


def _trim(args: tuple[Any, ...]) -> tuple[Any, ...]:
    """Left-out arguments are the trailing OMITs (a Python call just has fewer)."""
    out = list(args)
    while out and out[-1] is OMIT:
        out.pop()
    assert OMIT not in out, "only trailing arguments can be left out"
    return tuple(out)


def _python_cell(cell: Any) -> Any:
    if cell is BLANK:
        return None
    if isinstance(cell, Err):
        return cell.code
    return cell


def python_args(case: Case) -> list[Any]:
    """The arguments of a Python call: ranges stay lists of rows."""
    out: list[Any] = []
    for arg in _trim(case.args):
        rows = isinstance(arg, list)
        out.append([[_python_cell(c) for c in row] for row in arg] if rows else _python_cell(arg))
    return out


def classic_args(case: Case) -> list[Any]:
    """As classic xlwings passes them: a row or a column flattens to a 1-D list."""
    out: list[Any] = []
    for arg in python_args(case):
        if isinstance(arg, list) and (len(arg) == 1 or all(len(row) == 1 for row in arg)):
            arg = [c for row in arg for c in row]
        out.append(arg)
    return out


def _officejs_cell(cell: Any, blank: Any) -> Any:
    if cell is BLANK:
        return blank
    if isinstance(cell, Err):
        code = ERROR_TYPES[cell.code]
        return {"type": "Error", "basicType": "Error", "basicValue": cell.code, "errorType": code}
    return cell


def officejs_args(case: Case, blank: Any = None) -> list[Any]:
    """The ``args`` of the payload: 2-D matrices, ``null`` for a left-out argument."""
    out: list[Any] = []
    for arg in case.args:
        if arg is OMIT:
            out.append(None)
        elif isinstance(arg, list):
            out.append([[_officejs_cell(c, blank) for c in row] for row in arg])
        else:
            out.append([[_officejs_cell(arg, blank)]])
    return out


# --------------------------------------------------------------------------- answers


def from_python(value: Any) -> Any:
    """A Python or classic result: a ``#...`` text of an error value is that error."""
    if isinstance(value, str) and (value in ERROR_TYPES or value in ("#NAME?", "#NULL!", "#REF!")):
        return Err(value)
    return value


_CODES = {v: k for k, v in ERROR_TYPES.items()}


def from_officejs(result: Any, runtime: str = "1.4") -> Any:
    """A custom function's result matrix: one cell, an error object being an error."""
    assert isinstance(result, list) and len(result) == 1 and len(result[0]) == 1, result
    cell = result[0][0]
    if isinstance(cell, dict):
        assert cell.get("type") == "Error" and runtime >= "1.4", cell
        return Err(_CODES[cell["errorType"]])
    return from_python(cell)


def same(got: Any, want: Any) -> bool:
    """Numbers to 1e-12 relative, anything else equal."""
    if isinstance(want, float) and isinstance(got, float | int) and not isinstance(got, bool):
        return got == pytest.approx(want, rel=1e-12)
    return bool(got == want) and type(got) is type(want)
