"""Every KPI, month by month and year to date, from a table of monthly inputs.

This is the Python twin of the template's KPI sheet: it reads each KPI's
:class:`~kpi_xl.catalog.TemplateFormula` the way
:mod:`kpi_xl.workbook.template.formulas` writes it as native Excel formulas, and
calls the functions of :mod:`kpi_xl.kpis`.  A month whose inputs are missing,
or where the KPI is undefined (zero denominator, inconsistent figures), gives
NaN here and an empty cell in the workbook.  The LibreOffice tests check that
both agree on every cell.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from kpi_xl import catalog, kpis
from kpi_xl.catalog import Kpi, Source, Status
from kpi_xl.errors import KpiXlError
from kpi_xl.importers import INPUT_IDS, ledger

Values = NDArray[np.float64]


@dataclass(frozen=True)
class MonthlyKpis:
    """KPI values of a period: ``months`` (DataFrame: month x KPI id) and ``ytd`` (Series)."""

    months: pd.DataFrame
    ytd: pd.Series

    def latest(self, kpi_id: str) -> tuple[int, float]:
        """Index and value of the last month where ``kpi_id`` is defined; (-1, nan) if none."""
        col = self.months[kpi_id].to_numpy(dtype=np.float64)
        filled = np.flatnonzero(~np.isnan(col))
        if filled.size == 0:
            return -1, math.nan
        i = int(filled[-1])
        return i, float(col[i])

    def change(self, kpi_id: str) -> float:
        """Latest month's value minus the month before it (NaN if either is missing)."""
        i, value = self.latest(kpi_id)
        if i < 1:
            return math.nan
        return value - float(self.months[kpi_id].iloc[i - 1])

    def basis_value(self, kpi: Kpi) -> float:
        """The value the target is compared with: the latest month or the year to date."""
        return float(self.ytd[kpi.id]) if kpi.basis == "ytd" else self.latest(kpi.id)[1]


def _function(name: str) -> Callable[..., Any]:
    func: Callable[..., Any] = getattr(kpis, name)
    return func


class _Inputs:
    """The input columns as float arrays, converted once; a missing column is all NaN."""

    def __init__(self, inputs: pd.DataFrame) -> None:
        self.n = len(inputs)
        if len(inputs.columns) and (inputs.dtypes == np.float64).all():  # numbers already
            values = inputs.to_numpy(dtype=np.float64, copy=True)  # one array, not ~60 parses
            self.cols = {str(c): values[:, j] for j, c in enumerate(inputs.columns)}
            return
        self.cols = {
            str(c): pd.to_numeric(inputs[c], errors="coerce").to_numpy(dtype=np.float64)
            for c in inputs.columns
        }

    def __call__(self, name: str) -> Values:
        found = self.cols.get(name.removeprefix("in_"))
        return np.full(self.n, np.nan) if found is None else found

    def last_filled(self) -> int:
        """Index of the latest month where any catalog input is filled (-1: none)."""
        filled = np.zeros(self.n, dtype=bool)
        for item in catalog.INPUTS:
            if item.id in self.cols:
                filled |= ~np.isnan(self.cols[item.id])
        found = np.flatnonzero(filled)
        return int(found[-1]) if found.size else -1


def _ytd_value(values: Values, src: Source, other: Values | None) -> float:
    """What the year-to-date cell reads for ``src`` (``other``: the sum_where companion)."""
    filled = ~np.isnan(values)
    if src.agg == "sum_where":
        assert other is not None
        both = filled & ~np.isnan(other)
        return float(np.sum(values[both])) if both.any() else math.nan
    if not filled.any():
        return math.nan
    if src.agg == "sum":
        return float(np.nansum(values))
    if src.agg == "mean":
        return float(np.nanmean(values))
    idx = np.flatnonzero(filled)
    return float(values[idx[0] if src.agg == "first" else idx[-1]])


def _evaluate(kpi: Kpi, args: list[float]) -> float:
    """The KPI from one set of arguments; NaN where the template cell is empty."""
    spec = kpi.template
    params = next(f for f in kpi.functions if f.name == spec.function).args
    call: list[float] = []
    for value, arg in zip(args, params, strict=False):
        if math.isnan(value):
            if arg.default is None:
                return math.nan
            value = arg.default
        call.append(value)
    try:
        return float(_function(spec.function)(*call))
    except (KpiXlError, ZeroDivisionError, ValueError):
        return math.nan


def _month_series(values: Values, src: Source, last: int | None = None) -> Values:
    """What each month cell reads for ``src``: NaN where Excel's presence check fails.

    ``prev`` is the month before (none for the first month); ``cum`` and ``avg``
    add up or average the months so far, skipping blanks like SUM and AVERAGE,
    up to ``last``, the latest month with any input: a running total in the
    empty months after it would show a KPI (ROI, payback) where there is no data.
    """
    if src.mode == "month":
        return values
    if src.mode == "prev":
        return np.concatenate(([np.nan], values[:-1]))[: len(values)]
    count = np.cumsum(~np.isnan(values))
    total = np.nancumsum(values)
    with np.errstate(invalid="ignore", divide="ignore"):
        out = total if src.mode == "cum" else total / count
    within = np.arange(len(values)) <= (len(values) if last is None else last)
    return np.where((count > 0) & within, out, np.nan)


def _evaluate_months(kpi: Kpi, args: list[Values]) -> Values:
    """The KPI for every month at once; month by month only where a month is invalid.

    Array calls give NaN where a month lacks an input or has a zero denominator,
    exactly as the scalar calls of :func:`_evaluate` do; invalid data (which the
    array call refuses for all months) falls back to one call per month.
    """
    spec = kpi.template
    params = next(f for f in kpi.functions if f.name == spec.function).args
    n = len(args[0]) if args else 0
    if not any(a.is_range for a in params):
        call = [
            np.where(np.isnan(v), arg.default, v) if arg.default is not None else v
            for v, arg in zip(args, params, strict=False)
        ]
        try:
            with np.errstate(invalid="ignore", divide="ignore"):
                return np.asarray(_function(spec.function)(*call), dtype=np.float64)
        except (KpiXlError, ZeroDivisionError, ValueError):
            pass
    return np.array([_evaluate(kpi, [float(v[m]) for v in args]) for m in range(n)])


def compute_kpis(inputs: pd.DataFrame) -> MonthlyKpis:
    """Every catalog KPI for each row (month) of ``inputs``, plus the year to date.

    ``inputs`` has one row per month in order and one column per input id
    (``revenue``, ``visitors``...); missing columns count as empty.

    >>> table = pd.DataFrame({"conversions": [80, 140], "visitors": [4000, 4000]})
    >>> result = compute_kpis(table)
    >>> result.months["conversion_rate"].tolist()
    [0.02, 0.035]
    >>> round(float(result.ytd["conversion_rate"]), 4)
    0.0275
    """
    values = _Inputs(inputs)
    last = values.last_filled()
    month_cols: dict[str, Values] = {}
    ytd: dict[str, float] = {}
    for kpi in catalog.KPIS:
        spec = kpi.template
        args = [
            month_cols[s.name.removeprefix("kpi_")]
            if s.is_kpi
            else _month_series(values(s.name), s, last)
            for s in spec.monthly_sources()
        ]
        month_cols[kpi.id] = _evaluate_months(kpi, args)
        ytd_args = []
        for src in spec.ytd_sources():
            if src.agg == "kpi":
                ytd_args.append(ytd[src.name.removeprefix("kpi_")])
                continue
            other = values(src.where) if src.where else None
            ytd_args.append(_ytd_value(values(src.name), src, other))
        ytd[kpi.id] = _evaluate(kpi, ytd_args)
    frame = pd.DataFrame(month_cols, index=inputs.index)
    return MonthlyKpis(frame, pd.Series(ytd, dtype=np.float64))


def inputs_ytd(inputs: pd.DataFrame) -> pd.Series:
    """Each input's year-to-date figure, added up as its catalog entry says.

    >>> t = pd.DataFrame({"revenue": [10.0, 20.0], "customers_end": [5.0, 7.0]})
    >>> inputs_ytd(t)[["revenue", "customers_end"]].tolist()
    [30.0, 7.0]
    """
    values = _Inputs(inputs)
    return pd.Series(
        {i.id: _ytd_value(values(i.id), Source(i.id, agg=i.ytd), None) for i in catalog.INPUTS},
        dtype=np.float64,
    )


def kpi_statuses(result: MonthlyKpis, targets: dict[str, float | None]) -> dict[str, Status | None]:
    """Traffic light of every KPI's basis value against ``targets`` (None when unknown)."""
    out: dict[str, Status | None] = {}
    for kpi in catalog.KPIS:
        value, target = result.basis_value(kpi), targets.get(kpi.id, kpi.target)
        if target is None or math.isnan(value) or math.isnan(target):
            out[kpi.id] = None
        else:
            out[kpi.id] = catalog.status(value, target, kpi.direction)
    return out


#: The FEC's figures shown again for the same months one exercise earlier (``<id>_prev_year``);
#: the cascade's are input rows of their own (``ebe_prev_year``...).
PREV_YEAR_INPUTS = tuple(
    c for c in ("personnel_costs", *ledger.ACCOUNT_COLUMNS) if c not in ledger.PREV_YEAR_COLUMNS
)
PREV_YEAR_KPIS = tuple(k.id for k in catalog.KPIS if "PCG" in k.source)


def prev_year_columns(monthly: pd.DataFrame, months: pd.DatetimeIndex) -> pd.DataFrame:
    """``<id>_prev_year`` for the FEC's figures and KPIs: the same months one exercise earlier.

    As many rows as ``months`` (an exercise of 1 to 24 months); a month whose
    month one year earlier is among ``months`` (the 13th month on of a long
    exercise) has none: that is the exercise itself, not N-1.  Empty (no
    columns) when the exports hold no FEC figure for those months.
    """
    before = pd.DatetimeIndex(months) - pd.DateOffset(years=1)
    earlier = monthly.reindex(before).astype(np.float64)
    earlier.loc[before >= months[0]] = np.nan
    present = [c for c in PREV_YEAR_INPUTS if c in earlier]
    if not present or earlier[present].isna().all().all():
        return pd.DataFrame(index=months)
    kpis = compute_kpis(earlier[list(INPUT_IDS)]).months
    frame = pd.concat([earlier[present], kpis[list(PREV_YEAR_KPIS)]], axis=1)
    frame.columns = pd.Index([f"{c}_prev_year" for c in frame.columns])
    return frame.set_axis(months)
