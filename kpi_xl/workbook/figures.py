"""What a written report shows, as plain data: the portfolio overview is built from it.

The writer computes every KPI's value and traffic light while it plans the
cells (:func:`kpi_xl.workbook.write.edits.plan_edits`); :func:`report_figures`
keeps what a reader of many reports needs, so nothing has to reopen a
workbook to compare clients.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from kpi_xl import catalog
from kpi_xl.catalog import Status
from kpi_xl.workbook import contract


@dataclass(frozen=True)
class KpiFigure:
    """One KPI of a report: the value compared with the target, the target, the light."""

    kpi_id: str
    value: float | None
    target: float | None
    status: Status | None


@dataclass(frozen=True)
class ReportFigures:
    """A report's latest month, its dashboard KPIs and every KPI's figure."""

    company: str
    currency: str
    fy_start: dt.date
    fy_end: dt.date  # the first day of the fiscal year's last month
    month: dt.date | None  # the last month with any input
    focus: tuple[str, ...]  # KPI id per dashboard slot ("" for an empty slot)
    kpis: Mapping[str, KpiFigure]

    def off_track(self) -> int:
        """How many KPIs are off target."""
        return sum(f.status is Status.OFF_TRACK for f in self.kpis.values())


def _status(label: object, lang: str) -> Status | None:
    for status in Status:
        if label == status.label(lang):
            return status
    return None


def report_figures(values: Mapping[str, object], settings: contract.Settings) -> ReportFigures:
    """The figures of ``values`` (:func:`~kpi_xl.workbook.contract.formula_values`)."""
    kpis = {}
    for kpi in catalog.KPIS:
        value = values.get(contract.kpi_field(kpi.id, "value"))
        kpis[kpi.id] = KpiFigure(
            kpi.id,
            float(value) if isinstance(value, float | int) else None,
            settings.targets.get(kpi.id),
            _status(values.get(contract.kpi_field(kpi.id, "status")), settings.lang),
        )
    month = values.get(contract.DASH_MONTH)
    months = values.get(contract.MONTHS)
    last = months[-1] if isinstance(months, list) and months else None
    return ReportFigures(
        company=settings.company,
        currency=settings.currency,
        fy_start=settings.fy_start,
        fy_end=last if isinstance(last, dt.date) else settings.fy_start,
        month=month if isinstance(month, dt.date) else None,
        focus=tuple(settings.focus),
        kpis=kpis,
    )
