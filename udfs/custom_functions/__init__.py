"""The Office.js custom functions: the module xlwings Server (and xlwings Lite) imports.

Import it with ``XLWINGS_ON_SERVER=true`` set before xlwings is first
imported (xlwings Server and Lite do), so that ``xw.func``, ``xw.arg`` and
``xw.ret`` are xlwings' Office.js decorators.  Each function is registered
under its Python name ``KPI_ROI`` (the id the add-in calls it by) and shown
in Excel as ``ROI``, under the add-in's namespace: ``=KPI.ROI(...)`` when
xlwings Server's ``XLWINGS_FUNCTIONS_NAMESPACE`` is ``KPI``.  Set
``KPI_XL_FUNCTIONS_NAMESPACE`` (e.g. ``KPI``) to add a sub-namespace of our
own, as the xlwings Lite ``main.py`` does (``=KPI.ROI`` there too).

Every argument is declared with xlwings' ``raw`` converter: the cells reach
:mod:`udfs.convert` as Office.js sent them (2-D lists, ``null`` or ``""`` for
blank, ``{"type": "Error", ...}`` for an error cell), which converts a whole
range in one pass.
xlwings' default converter cleans each cell and, in xlwings 0.37.8, its
``is_jsnull`` check retries a failing ``pyodide`` import for every cell: 4 to
6 s for 100,000 cells against about 11 ms here (``bench/bench_udf_nps.py``).

xlwings Server and the ``xlwings.server`` module are licensed by xlwings
(PolyForm Noncommercial or a commercial key in ``XLWINGS_LICENSE_KEY``).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

import xlwings as xw

from udfs.functions import ExcelFunction, build, help_text, specs

#: Sub-namespace of our own, under the add-in's: "" for none (xlwings Server), "KPI" in Lite.
NAMESPACE = os.environ.get("KPI_XL_FUNCTIONS_NAMESPACE", "").strip()

Decorator = Callable[..., Any]


def officejs_function(
    spec: ExcelFunction, func: Decorator, arg: Decorator, module: str = __name__
) -> Callable[..., Any]:
    """``spec`` built and decorated with the given Office.js ``func`` and ``arg``."""
    f = build(spec, module=module)
    for param in spec.params:
        f = arg(param.name, "raw", doc=help_text(param.help))(f)
    options: dict[str, str] = {"name": spec.short_name}
    if NAMESPACE:
        options["namespace"] = NAMESPACE
    decorated: Callable[..., Any] = func(**options)(f)
    return decorated


def decorate(
    func: Decorator, arg: Decorator, module: str = __name__
) -> dict[str, Callable[..., Any]]:
    """Every Excel function decorated for Office.js, by Python name (``KPI_ROI``)."""
    return {spec.name: officejs_function(spec, func, arg, module) for spec in specs()}


_FUNCTIONS = decorate(xw.func, xw.arg)
globals().update(_FUNCTIONS)
__all__ = sorted(_FUNCTIONS)  # built from the catalog
