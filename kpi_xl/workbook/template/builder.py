"""Build the monthly KPI template workbooks with XlsxWriter.

XlsxWriter is the writer because it stores what openpyxl cannot: chart data
caches (so charts draw in viewers that do not recalculate), sparklines,
cached formula results and reproducible files.  Every KPI fact comes from
:mod:`kpi_xl.catalog`, every formula from :mod:`kpi_xl.workbook.template.formulas`,
and every defined name from :mod:`kpi_xl.workbook.contract`.

>>> import tempfile, zipfile
>>> with tempfile.TemporaryDirectory() as tmp:
...     path = build_workbook(Path(tmp) / "t.xlsx", "en")
...     zipfile.ZipFile(path).testzip() is None
True
"""

from __future__ import annotations

import datetime as dt
import functools
import io
from pathlib import Path

import numpy as np
import pandas as pd
from xlsxwriter.workbook import Workbook

from kpi_xl import catalog
from kpi_xl.errors import KpiValueError
from kpi_xl.monthly import MonthlyKpis, compute_kpis
from kpi_xl.workbook.contract import (
    MAX_MONTHS,
    N_MONTHS,
    CachedValue,
    Settings,
    formula_values,
)
from kpi_xl.workbook.template import texts
from kpi_xl.workbook.template.cached import FormulaCell, FormulaSource, canonical
from kpi_xl.workbook.template.context import Context
from kpi_xl.workbook.template.layout import Sheets
from kpi_xl.workbook.template.print_setup import apply_print_setup
from kpi_xl.workbook.template.sheets_accounts import accounts_values, write_accounts
from kpi_xl.workbook.template.sheets_comments import write_comments
from kpi_xl.workbook.template.sheets_dashboard import dashboard_values, write_dashboard
from kpi_xl.workbook.template.sheets_data import kpis_sheet_values, write_inputs, write_kpis
from kpi_xl.workbook.template.sheets_settings import write_howto, write_settings

#: The fiscal year the bundled templates start with.  A fixed date (not
#: today's) keeps builds byte-identical from one day or year to the next;
#: users change ``set_fy_start`` and every month column follows.
TEMPLATE_FY_START = dt.date(2026, 1, 1)
#: Creation date written in the file properties (fixed for reproducible builds).
TEMPLATE_CREATED = dt.datetime(2026, 1, 1, 0, 0, 0)


def default_settings(lang: str) -> Settings:
    """The settings a bundled template starts with: catalog targets and focus KPIs."""
    return Settings(lang=lang, fy_start=TEMPLATE_FY_START)


def empty_inputs(n_months: int = N_MONTHS) -> pd.DataFrame:
    """A table of monthly inputs with every cell empty (NaN)."""
    return pd.DataFrame(
        np.full((n_months, len(catalog.INPUTS)), np.nan),
        columns=[i.id for i in catalog.INPUTS],
    )


def build_workbook(
    path: Path,
    lang: str = "fr",
    *,
    settings: Settings | None = None,
    inputs: pd.DataFrame | None = None,
    n_months: int | None = None,
) -> Path:
    """Write a monthly KPI workbook to ``path`` and return the path.

    Parameters
    ----------
    path
        Where to write the ``.xlsx`` file (overwritten).
    lang
        ``"fr"`` or ``"en"``: sheet names, labels, status texts and advice.
    settings
        Company, fiscal year start, currency, targets and focus KPIs; by default
        :func:`default_settings`.
    inputs
        Optional monthly inputs (one row per month, one column per input id)
        written into the Inputs sheet, with every formula's cached value
        computed to match (demo files; the bundled templates are empty).
    n_months
        The number of months (1 to 24; an exercise may last up to 24 months);
        default the rows of ``inputs``, else 12 (the bundled templates).

    Returns
    -------
    Path
        ``path``.
    """
    if lang not in catalog.LANGS:
        raise KpiValueError("lang", f"must be one of {', '.join(catalog.LANGS)}, not {lang!r}")
    settings = settings or default_settings(lang)
    settings.lang = lang
    n = n_months or (N_MONTHS if inputs is None else len(inputs))
    if not 1 <= n <= MAX_MONTHS:
        raise KpiValueError("n_months", f"must be 1 to {MAX_MONTHS}, not {n}")
    table = empty_inputs(n) if inputs is None else _checked_inputs(inputs, n)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    workbook = Workbook(str(path), {"constant_memory": False})
    _write(workbook, lang, settings, table)
    workbook.close()
    return path


def _write(workbook: Workbook, lang: str, settings: Settings, table: pd.DataFrame) -> Context:
    """Every sheet of the template into ``workbook``; the context holds the formula recipe."""
    values = cell_values(settings, table)
    ctx = Context(workbook, lang, settings, table, values, Sheets.for_lang(lang), len(table))
    _add_sheets(ctx)
    write_howto(ctx)
    write_settings(ctx)
    write_inputs(ctx)
    write_kpis(ctx)
    write_dashboard(ctx)
    write_accounts(ctx)
    write_comments(ctx)
    apply_print_setup(ctx)
    workbook.set_properties(
        {
            "title": texts.TITLE(lang),
            "author": "kpi_xl",
            "company": settings.company,
            "created": TEMPLATE_CREATED,
        }
    )
    workbook.set_calc_mode("auto")
    return ctx


def cell_values(
    settings: Settings, inputs: pd.DataFrame, result: MonthlyKpis | None = None
) -> dict[str, CachedValue | list[CachedValue]]:
    """The value of every formula cell of a template, by recipe key (see :mod:`.cached`).

    Parameters
    ----------
    settings
        What the Settings sheet holds (a focus slot may be ``""``: empty).
    inputs
        One row per month of monthly inputs, one column per input id (NaN: empty).
    result
        ``compute_kpis(inputs)`` when the caller already has it.

    Returns
    -------
    dict
        :func:`~kpi_xl.workbook.contract.formula_values` plus the values of
        the helper cells (Dashboard title, sparkline and chart helpers,
        traffic-light markers, the KPIs sheet's target column).
    """
    table = inputs.reset_index(drop=True)
    values: dict[str, CachedValue | list[CachedValue]] = {}
    result = compute_kpis(table) if result is None else result
    for key, value in formula_values(table, result, settings).items():
        values[key] = list(value) if isinstance(value, list) else value
    values.update(kpis_sheet_values(settings))
    values.update(dashboard_values(settings, values))
    values.update(accounts_values(table, values))
    return values


@functools.cache
def _recorded(
    lang: str, n_months: int = N_MONTHS
) -> tuple[tuple[FormulaSource, ...], frozenset[frozenset[str]]]:
    """The formula recipe and the charts' ranges of a ``lang`` template, built in memory."""
    if lang not in catalog.LANGS:
        raise KpiValueError("lang", f"must be one of {', '.join(catalog.LANGS)}, not {lang!r}")
    workbook = Workbook(io.BytesIO(), {"in_memory": True})
    ctx = _write(workbook, lang, default_settings(lang), empty_inputs(n_months))
    charts = set()
    for chart in workbook.charts:
        series = chart.series + (chart.combined.series if chart.combined else [])
        ranges = {s.get(k) for s in series for k in ("values", "categories")}
        charts.add(frozenset(canonical(r) for r in ranges if isinstance(r, str)))
    return tuple(ctx.recipe), frozenset(charts)


def formula_recipe(lang: str, n_months: int = N_MONTHS) -> tuple[FormulaSource, ...]:
    """Every formula cell the builder writes for ``lang`` and ``n_months``, and the key
    of its value.

    The recipe is recorded by running the builder itself (without saving a
    file), so it can never drift from the templates; it depends on the
    language and the number of months only, and is computed once per process.
    """
    return _recorded(lang, n_months)[0]


def chart_ranges(lang: str, n_months: int = N_MONTHS) -> frozenset[frozenset[str]]:
    """The ranges each chart of a ``lang`` template plots (see :func:`.cached.canonical`)."""
    return _recorded(lang, n_months)[1]


def formula_cells(lang: str, settings: Settings, inputs: pd.DataFrame) -> list[FormulaCell]:
    """Every formula cell of a ``lang`` template and the value it shows.

    Parameters
    ----------
    lang
        ``"fr"`` or ``"en"``.
    settings
        The workbook's settings (company, fiscal year start, targets, focus KPIs).
    inputs
        One row per month of monthly inputs, one column per input id.

    Returns
    -------
    list of FormulaCell
        Sheet, 0-based row and column, formula and value (a number, text,
        date or :class:`~kpi_xl.workbook.contract.ExcelError`), in the order
        the builder writes them.
    """
    values = cell_values(settings, inputs)
    return [source.cell(values) for source in formula_recipe(lang, len(inputs))]


def _add_sheets(ctx: Context) -> None:
    """Sheets in reading order; the file opens on the Dashboard."""
    s = ctx.sheets
    for name in (s.howto, s.dashboard, s.comments, s.accounts, s.settings, s.inputs, s.kpis):
        ctx.workbook.add_worksheet(name)
    dashboard = ctx.sheet(s.dashboard)
    dashboard.activate()
    ctx.sheet(s.dashboard).set_tab_color("#1F3864")
    ctx.sheet(s.inputs).set_tab_color("#FFC000")
    ctx.sheet(s.settings).set_tab_color("#FFC000")


def _checked_inputs(inputs: pd.DataFrame, n_months: int = N_MONTHS) -> pd.DataFrame:
    """Inputs as ``n_months`` numeric rows over the catalog's input ids (unknown columns
    refused)."""
    known = {i.id for i in catalog.INPUTS}
    unknown = [c for c in inputs.columns if c not in known]
    if unknown:
        raise KpiValueError("inputs", f"unknown input columns {unknown}; known: {sorted(known)}")
    if len(inputs) != n_months:
        raise KpiValueError("inputs", f"needs {n_months} rows (one per month), got {len(inputs)}")
    table = inputs.reindex(columns=[i.id for i in catalog.INPUTS])
    numeric: pd.DataFrame = table.apply(pd.to_numeric, errors="coerce")
    return numeric.reset_index(drop=True).astype(float)
