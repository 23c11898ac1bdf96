"""Every KPI, month by month and year to date, from a table of monthly inputs.

This is the Python twin of the template's KPI sheet: it reads each KPI's
:class:`~kpi_xl.catalog.TemplateFormula` the way
:mod:`kpi_xl.workbook.formulas` writes it as native Excel formulas, and
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


def _input_values(inputs: pd.DataFrame, name: str) -> Values:
    input_id = name.removeprefix("in_")
    if input_id not in inputs.columns:
        return np.full(len(inputs), np.nan)
    return pd.to_numeric(inputs[input_id], errors="coerce").to_numpy(dtype=np.float64)


def _month_value(values: Values, src: Source, m: int) -> float:
    """What a month cell reads for ``src``: NaN when Excel's presence check fails."""
    if src.mode == "month":
        return float(values[m])
    if src.mode == "prev":
        return float(values[m - 1]) if m > 0 else math.nan
    upto = values[: m + 1]
    if np.all(np.isnan(upto)):
        return math.nan
    return float(np.nansum(upto) if src.mode == "cum" else np.nanmean(upto))


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
    n = len(inputs)
    month_cols: dict[str, Values] = {}
    ytd: dict[str, float] = {}
    for kpi in catalog.KPIS:
        spec = kpi.template
        month_srcs = spec.monthly_sources()
        series = [
            month_cols[s.name.removeprefix("kpi_")] if s.is_kpi else _input_values(inputs, s.name)
            for s in month_srcs
        ]
        month_cols[kpi.id] = np.array(
            [
                _evaluate(
                    kpi, [_month_value(v, s, m) for v, s in zip(series, month_srcs, strict=True)]
                )
                for m in range(n)
            ],
            dtype=np.float64,
        )
        ytd_args = []
        for src in spec.ytd_sources():
            if src.agg == "kpi":
                ytd_args.append(ytd[src.name.removeprefix("kpi_")])
                continue
            other = _input_values(inputs, src.where) if src.where else None
            ytd_args.append(_ytd_value(_input_values(inputs, src.name), src, other))
        ytd[kpi.id] = _evaluate(kpi, ytd_args)
    frame = pd.DataFrame(month_cols, index=inputs.index)
    return MonthlyKpis(frame, pd.Series(ytd, dtype=np.float64))


def inputs_ytd(inputs: pd.DataFrame) -> pd.Series:
    """Each input's year-to-date figure, added up as its catalog entry says.

    >>> t = pd.DataFrame({"revenue": [10.0, 20.0], "customers_end": [5.0, 7.0]})
    >>> inputs_ytd(t)[["revenue", "customers_end"]].tolist()
    [30.0, 7.0]
    """
    return pd.Series(
        {
            i.id: _ytd_value(_input_values(inputs, i.id), Source(i.id, agg=i.ytd), None)
            for i in catalog.INPUTS
        },
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
