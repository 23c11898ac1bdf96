"""The classic Windows add-in's module: set ``UDF Modules`` to ``udfs.classic``.

xlwings' classic add-in (open source, COM, Windows only) imports this module
and, on "Import Functions", writes one VBA function per decorated Python
function: ``=KPI_ROI(gain, cost)``, ``=KPI_NPS(B2:B500)``... with the
description and argument help of the catalog in Excel's function wizard
(category "kpi_xl").

Arguments are read with xlwings' standard converter and ``err_to_str=True``,
so that an error cell arrives as ``"#N/A"`` (not ``None``, which is a blank
cell here).

Errors go back as text.  xlwings' return path (``xlwings.udfs.call_udf``)
hands the Python value to the generated VBA wrapper, which assigns it to the
function (``KPI_ROI = XLPy.CallUDF(...)``) and, if the call fails, assigns
``Err.Description``: no step turns a value into an Excel error, and a
``VARIANT(VT_ERROR, ...)`` returned from Python does not arrive as one
(xlwings issue 776, confirmed by its maintainer).  So the cell shows the text
``#DIV/0!``: it reads like the error, ``ISTEXT`` is TRUE and ``ISERROR`` /
``IFERROR`` do not see it; test results with ``ISNUMBER``.  The reason is
printed to the add-in's console (xlwings tab > Show Console).

On Linux and macOS ``xw.func`` is a pass-through, so importing this module
there gives the plain functions; :func:`decorate` lets tests apply xlwings'
classic decorators explicitly.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import xlwings as xw

from udfs.convert import logger
from udfs.functions import CellValue, ExcelFunction, build, help_text, specs

#: The function wizard's category of every function.
CATEGORY = "kpi_xl"

Decorator = Callable[..., Any]


def as_cell(value: CellValue) -> float | str:
    """A result as the VBA wrapper takes it: an error is its plain text (``"#DIV/0!"``)."""
    return str(value) if isinstance(value, str) else value


def classic_function(
    spec: ExcelFunction, func: Decorator, arg: Decorator, module: str = __name__
) -> Callable[..., Any]:
    """``spec`` built and decorated with the given ``xw.func`` and ``xw.arg``."""
    f = build(spec, module=module, finish=as_cell)
    for param in spec.params:
        f = arg(param.name, doc=help_text(param.help), err_to_str=True)(f)
    decorated: Callable[..., Any] = func(category=CATEGORY)(f)
    return decorated


def decorate(
    func: Decorator, arg: Decorator, module: str = __name__
) -> dict[str, Callable[..., Any]]:
    """Every Excel function decorated for the classic add-in, by name."""
    return {spec.name: classic_function(spec, func, arg, module) for spec in specs()}


# The add-in's console (xlwings tab > Show Console) is the COM server's stderr: say why there.
logger.addHandler(logging.StreamHandler())
_FUNCTIONS = decorate(xw.func, xw.arg)
globals().update(_FUNCTIONS)
__all__ = sorted(_FUNCTIONS)  # built from the catalog
