"""The classic Windows add-in's module: set ``UDF Modules`` to ``udfs.classic``.

xlwings' classic add-in (open source, COM, Windows only) imports this module
and, on "Import Functions", writes one VBA function per decorated Python
function: ``=KPI_ROI(gain, cost)``, ``=KPI_NPS(B2:B500)``... with the
description and argument help of the catalog in Excel's function wizard
(category "kpi_xl").

Arguments are read with xlwings' standard converter and ``err_to_str=True``,
so that an error cell arrives as ``"#N/A"`` (not ``None``, which is a blank
cell here).  Results that are Excel errors are returned as COM error values
(``VARIANT(VT_ERROR, 0x800A07D7)`` for ``#DIV/0!``...): the cell holds a
real error that ``IFERROR`` and ``ISERROR`` see, not a text.  Without pywin32
(Linux, macOS, tests) the error stays the :class:`~udfs.convert.CellError`
string.

On Linux and macOS ``xw.func`` is a pass-through, so importing this module
there gives the plain functions; :func:`decorate` lets tests apply xlwings'
classic decorators explicitly.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import xlwings as xw

from udfs import convert
from udfs.convert import CellError
from udfs.functions import CellValue, ExcelFunction, build, help_text, specs

#: The function wizard's category of every function.
CATEGORY = "kpi_xl"

Decorator = Callable[..., Any]


def _com_error_maker() -> Callable[[int], object] | None:
    """``VARIANT(VT_ERROR, scode)`` when pywin32 is there (classic Excel), else None."""
    try:
        import pythoncom  # type: ignore[import-not-found,import-untyped,unused-ignore]
        from win32com.client import VARIANT  # type: ignore[import-not-found,import-untyped,unused-ignore]
    except ImportError:
        return None
    vt_error = pythoncom.VT_ERROR

    def make(scode: int) -> object:
        return VARIANT(vt_error, scode)

    return make


def to_com(value: CellValue, make_error: Callable[[int], object] | None = None) -> object:
    """A result as classic Excel takes it: a :class:`CellError` becomes a COM error value."""
    if isinstance(value, CellError):
        maker = make_error if make_error is not None else _COM_ERROR
        return value if maker is None else maker(value.code.scode)
    return value


_COM_ERROR = _com_error_maker()


def classic_function(
    spec: ExcelFunction, func: Decorator, arg: Decorator, module: str = __name__
) -> Callable[..., Any]:
    """``spec`` built and decorated with the given ``xw.func`` and ``xw.arg``."""
    f = build(spec, module=module, cells=convert.CLASSIC, finish=to_com)
    for param in spec.params:
        f = arg(param.name, doc=help_text(param.help), err_to_str=True)(f)
    decorated: Callable[..., Any] = func(category=CATEGORY)(f)
    return decorated


def decorate(
    func: Decorator, arg: Decorator, module: str = __name__
) -> dict[str, Callable[..., Any]]:
    """Every Excel function decorated for the classic add-in, by name."""
    return {spec.name: classic_function(spec, func, arg, module) for spec in specs()}


_FUNCTIONS = decorate(xw.func, xw.arg)
globals().update(_FUNCTIONS)
__all__ = sorted(_FUNCTIONS)  # built from the catalog
