"""The Excel functions, derived from the KPI catalog; no xlwings here.

Every ``(Kpi, Function)`` pair of :func:`kpi_xl.catalog.functions` becomes an
:class:`ExcelFunction` named after ``Function.excel_name`` (``KPI_ROI``),
with the catalog's argument names, defaults and help texts, calling the
:mod:`kpi_xl.kpis` function of the same name.  Four functions over the
catalog itself complete the set: ``KPI_STATUS``, ``KPI_TARGET``,
``KPI_ACTION`` and ``KPI_INFO``.  Adding a KPI to the catalog and its
function to :mod:`kpi_xl.kpis` therefore adds its Excel function in every
runtime, with no edit here.

:func:`build` turns a spec into a real Python function whose signature
(``inspect.Signature``, no ``exec``) carries the Excel argument names and
defaults, so that xlwings' decorators (classic and Office.js) read them as
they would from hand-written code.  The function never raises: it returns a
number, a text or a :class:`~udfs.convert.CellError`.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from typing import Any, Literal

import numpy as np

from kpi_xl import catalog, kpis
from kpi_xl.catalog import LANGS, Function, Kpi, Text
from kpi_xl.errors import KpiValueError
from udfs import convert
from udfs.convert import CellError, ErrorCode

#: Prefix of the classic names; the Office.js names drop it (under their namespace).
PREFIX = "KPI_"
#: Language of the labels and advice when ``lang`` is left out (the templates' default too).
DEFAULT_LANG = "fr"
#: Excel's limit on a function or argument description in the function wizard.
MAX_HELP = 255

Kind = Literal["number", "numbers", "text"]
CellValue = float | str
REQUIRED: Any = inspect.Parameter.empty


@dataclass(frozen=True)
class Param:
    """One argument of an Excel function.

    ``kind``: ``number`` (one cell), ``numbers`` (one cell or a range) or
    ``text``.  ``blank`` is what a blank cell means: :data:`REQUIRED` (an
    error) or a value (``None`` included).  ``optional`` arguments may also
    be left out of the formula, with the same meaning.
    """

    name: str
    help: Text
    kind: Kind = "number"
    blank: Any = REQUIRED
    optional: bool = False


@dataclass(frozen=True)
class ExcelFunction:
    """An Excel function: its name, help texts, arguments and the Python it runs."""

    name: str  # the classic name, KPI_ROI
    summary: Text
    params: tuple[Param, ...]
    run: Callable[..., object]  # takes the converted arguments, may raise
    kpi: Kpi | None = None  # the KPI it computes, None for the catalog helpers

    @property
    def short_name(self) -> str:
        """The name without ``KPI_``: ``ROI``, shown as ``KPI.ROI`` under the ``KPI`` namespace."""
        return self.name.removeprefix(PREFIX)

    def signature(self) -> inspect.Signature:
        """Positional parameters named as in Excel; optional ones default to their blank value."""
        return inspect.Signature(
            [
                inspect.Parameter(
                    p.name,
                    inspect.Parameter.POSITIONAL_OR_KEYWORD,
                    default=p.blank if p.optional else inspect.Parameter.empty,
                )
                for p in self.params
            ]
        )

    def usage(self, name: str | None = None) -> str:
        """``KPI_PAYBACK(initial_cost, cash_flows, [rate])``."""
        args = ", ".join(f"[{p.name}]" if p.optional else p.name for p in self.params)
        return f"{name or self.name}({args})"

    def call(self, arguments: dict[str, object]) -> CellValue:
        """Convert the cell values, run the function, map any failure to an Excel error."""
        try:
            values = [_convert(p, arguments.get(p.name)) for p in self.params]
            return convert.result(self.run(*values))
        except convert.EXPECTED as exc:
            error = convert.error_for(exc)
            convert.log_error(self.name, error)
            return error
        except Exception as exc:  # a bug must not put a traceback in a cell
            error = CellError(ErrorCode.VALUE, f"internal error: {exc!r}")
            convert.log_error(self.name, error, unexpected=exc)
            return error


def help_text(text: Text) -> str:
    """A bilingual wizard text, ``français / English``, cut to Excel's 255 characters."""
    both = text.fr if text.fr == text.en else f"{text.fr} / {text.en}"
    return both if len(both) <= MAX_HELP else text.fr[: MAX_HELP - 1] + "…"


def _convert(param: Param, value: object) -> object:
    """One argument from the cell(s) to what the Python function takes."""
    if value is None and param.optional:
        # Left out (xlwings passes the default or None) or a blank cell: the default.
        return param.blank
    if param.kind == "text":
        out: object = convert.text(value, param.name)
    elif param.kind == "numbers":
        out = convert.number_or_range(value, param.name)
        if isinstance(out, np.ndarray) and out.size == 0 and param.blank is not REQUIRED:
            out = None  # all blank: the optional argument's default
    else:
        out = convert.number(value, param.name)
    if out is None:
        if param.blank is REQUIRED:
            raise KpiValueError(param.name, "is empty; give a value")
        return param.blank
    return out


def build(
    spec: ExcelFunction,
    *,
    module: str,
    finish: Callable[[CellValue], object] | None = None,
) -> Callable[..., Any]:
    """The Python function xlwings registers for ``spec``.

    Parameters
    ----------
    spec : ExcelFunction
        What to build.
    module : str
        The module the function is attached to (xlwings Office.js reads the
        function's namespace from its module).
    finish : callable, optional
        Applied to the result, e.g. the classic add-in's COM error values.
    """
    signature = spec.signature()

    def excel_function(*args: object, **kwargs: object) -> object:
        bound = signature.bind(*args, **kwargs)
        bound.apply_defaults()
        value = spec.call(bound.arguments)
        return finish(value) if finish else value

    excel_function.__name__ = excel_function.__qualname__ = spec.name
    excel_function.__doc__ = help_text(spec.summary)
    excel_function.__signature__ = signature  # type: ignore[attr-defined]
    excel_function.__module__ = module
    # xlwings reads converters from type hints: the wrapper's own (object) must not count.
    excel_function.__annotations__ = {}
    return excel_function


# --------------------------------------------------------------------------- KPI functions


def _kpi_param(arg: catalog.Arg) -> Param:
    kind: Kind = "numbers" if arg.is_range else "number"
    if arg.default is None:
        return Param(arg.name, arg.text, kind)
    return Param(arg.name, arg.text, kind, arg.default, optional=True)


def kpi_function(kpi: Kpi, function: Function) -> ExcelFunction:
    """The Excel function over one calculation function of the catalog."""
    return ExcelFunction(
        name=function.excel_name,
        summary=function.summary,
        params=tuple(_kpi_param(a) for a in function.args),
        run=getattr(kpis, function.name),
        kpi=kpi,
    )


# --------------------------------------------------------------------------- catalog helpers


def _lang(lang: str) -> str:
    low = lang.lower()
    if low not in LANGS:
        raise KpiValueError("lang", f"is {lang!r}; give one of {', '.join(LANGS)}")
    return low


def _target(entry: Kpi, target: float | None) -> float:
    if target is not None:
        return target
    if entry.target is None:
        raise KpiValueError("target", f"{entry.id} has no default target; give one")
    return entry.target


def kpi_status(value: float | None, target: float | None, kpi: str, lang: str) -> str:
    """The traffic-light label, as the templates show it; empty for a blank value."""
    entry = catalog.get(kpi)
    label_lang = _lang(lang)
    if value is None:
        return ""
    status = catalog.status(value, _target(entry, target), entry.direction)
    return status.label(label_lang)


def kpi_target(kpi: str) -> float:
    """The catalog's typical target (a fraction for rates); ``#N/A`` if it has none."""
    entry = catalog.get(kpi)
    if entry.target is None:
        raise convert.NotAvailableError("kpi", f"{entry.id} has no default target")
    return entry.target


def kpi_action(kpi: str, value: float | None, target: float | None, lang: str) -> str:
    """The catalog's advice when the value is not on track; empty when it is (or blank)."""
    entry = catalog.get(kpi)
    text_lang = _lang(lang)
    if value is None:
        return ""
    status = catalog.status(value, _target(entry, target), entry.direction)
    return "" if status is catalog.Status.ON_TRACK else entry.action(text_lang)


_INFO_LABELS = {"fr": ("Formule", "Objectif type"), "en": ("Formula", "Typical goal")}


def kpi_info(kpi: str, lang: str) -> str:
    """What a KPI is: name, description, formula, typical goal and source, in one text."""
    entry = catalog.get(kpi)
    code = _lang(lang)
    formula, goal = _INFO_LABELS[code]
    colon = " :" if code == "fr" else ":"  # French typography: a space before the colon
    return (
        f"{entry.name(code)}. {entry.description(code)} {formula}{colon} {entry.formula(code)}. "
        f"{goal}{colon} {entry.target_text(code)} ({entry.source})."
    )


def _helper_params() -> dict[str, Param]:
    t = Text
    return {
        "value": Param("value", t("Valeur du KPI", "Value of the KPI"), blank=None),
        "target": Param(
            "target",
            t("Objectif ; vide = objectif type du catalogue", "Target; blank = catalog target"),
            blank=None,
        ),
        "kpi": Param(
            "kpi",
            t("KPI : id (roi), nom Excel (KPI_ROI) ou nom", "KPI: id (roi), Excel name (KPI_ROI) or name"),
            kind="text",
        ),
        "lang": Param("lang", t("Langue : fr ou en", "Language: fr or en"), "text", DEFAULT_LANG, True),
    }  # fmt: skip


def helper_functions() -> tuple[ExcelFunction, ...]:
    """``KPI_STATUS``, ``KPI_TARGET``, ``KPI_ACTION`` and ``KPI_INFO``."""
    p = _helper_params()
    t = Text
    return (
        ExcelFunction(
            "KPI_STATUS",
            t("Feu tricolore d'un KPI par rapport à son objectif",
              "Traffic light of a KPI against its target"),
            (p["value"], p["target"], p["kpi"], p["lang"]),
            kpi_status,
        ),
        ExcelFunction(
            "KPI_TARGET",
            t("Objectif type d'un KPI (catalogue kpi_xl)", "Typical target of a KPI (kpi_xl catalog)"),
            (p["kpi"],),
            kpi_target,
        ),
        ExcelFunction(
            "KPI_ACTION",
            t("Action conseillée quand le KPI n'est pas dans l'objectif",
              "Advice when the KPI is not on target"),
            (p["kpi"], p["value"], replace(p["target"], optional=True), p["lang"]),
            kpi_action,
        ),
        ExcelFunction(
            "KPI_INFO",
            t("Définition, formule et objectif type d'un KPI",
              "Definition, formula and typical goal of a KPI"),
            (p["kpi"], p["lang"]),
            kpi_info,
        ),
    )  # fmt: skip


def specs() -> tuple[ExcelFunction, ...]:
    """Every Excel function: one per catalog function, in catalog order, then the helpers."""
    return tuple(kpi_function(k, f) for k, f in catalog.functions()) + helper_functions()


def by_name() -> dict[str, ExcelFunction]:
    """The specs by classic name."""
    return {s.name: s for s in specs()}


def plain_functions() -> Iterator[Callable[..., Any]]:
    """Every Excel function as a plain Python callable (``None`` means a blank cell)."""
    for spec in specs():
        yield build(spec, module=__name__)
