"""The template contract: the workbook-scoped defined names kpi_xl reads and writes.

Batch mode works by name, never by coordinates, so any workbook that defines
these names (the bundled templates, or one a user built from scratch) can
be filled and refreshed.

Inputs (values the writer fills; one cell per month, in order: 12 in the bundled
templates, N in a template built for an exercise of N months, 1 to 24):
    ``months``                 first day of each month, as dates
    ``in_<input id>``          one per :data:`kpi_xl.catalog.INPUTS` entry (optional:
                               a workbook may define any of them)
Settings (single cells the user edits; the writer only reads them):
    ``set_company``, ``set_fy_start`` (date of the first month), ``set_currency``,
    ``set_lang`` ("fr" or "en": the language of labels), ``target_<kpi id>``,
    ``set_focus_1`` .. ``set_focus_5`` (KPI names shown on the dashboard),
    ``set_client_id`` (optional: the SIREN or company the report belongs to; the
    writer fills it and a refresh with another company's exports is refused)
Formulas (the writer refreshes their cached values from :func:`formula_values`):
    ``kpi_<id>`` (one cell per month), ``kpi_<id>_ytd``, ``kpi_<id>_value`` (the value compared
    with the target), ``kpi_<id>_change`` (latest month minus the one before),
    ``kpi_<id>_status`` (traffic-light label), ``kpi_<id>_action`` (advice when not
    on track), ``dash_month`` (latest month with any input), and per dashboard slot
    ``dash_<n>_name``, ``dash_<n>_value``, ``dash_<n>_target``, ``dash_<n>_status``,
    ``dash_<n>_change`` (in points, x100, for a rate), ``dash_<n>_action``.
Customer comments (optional plain values the writer fills; 15 cells each, newest first):
    ``nps_detractors_date``, ``nps_detractors_score``, ``nps_detractors_comment`` and
    ``nps_promoters_date``, ``nps_promoters_score``, ``nps_promoters_comment``: the
    fiscal year's latest NPS survey comments of detractors (0-6) and promoters (9-10).

Only ``months`` and at least one ``in_*`` row are required to fill a workbook;
the other names are refreshed when present, and the figures of an input the
workbook does not define are left out (the fill says which).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable
from dataclasses import dataclass, field

import pandas as pd

from kpi_xl import catalog
from kpi_xl.catalog import Kpi
from kpi_xl.monthly import MonthlyKpis, kpi_statuses

#: Months of the bundled templates; a template of N months (an exercise of 1 to
#: ``MAX_MONTHS`` months) is one builder call, ``build_workbook(..., n_months=N)``.
N_MONTHS = 12
MAX_MONTHS = 24
FOCUS_SLOTS = 5
MONTHS = "months"
SET_COMPANY = "set_company"
SET_FY_START = "set_fy_start"
SET_CURRENCY = "set_currency"
SET_LANG = "set_lang"
#: Optional: whose report it is (the SIREN of the FEC's file name, else the company name).
SET_CLIENT_ID = "set_client_id"
DASH_MONTH = "dash_month"
#: The dashboard shows a change of a rate (0.035 -> 0.036) in points (+0.1 pt), hence x100.
POINTS = 100.0
KPI_FIELDS = ("ytd", "value", "change", "status", "action")
DASH_FIELDS = ("name", "value", "target", "status", "change", "action")
#: Rows of each customer-comment block, and its groups and columns.
COMMENT_ROWS = 15
COMMENT_GROUPS = ("detractors", "promoters")
COMMENT_FIELDS = ("date", "score", "comment")

CellValue = float | str | dt.date


@dataclass(frozen=True)
class ExcelError:
    """An error value a formula shows, such as ``#N/A`` (cached as ``t="e"``)."""

    code: str

    def __str__(self) -> str:
        return self.code


#: ``NA()``: the helper cells behind charts and sparklines show it for an empty month.
NA = ExcelError("#N/A")
#: Any value a formula cell can cache: a number, a text, a date or an error.
CachedValue = CellValue | ExcelError


def input_name(input_id: str) -> str:
    return f"in_{input_id}"


def kpi_field(kpi_id: str, field_name: str) -> str:
    return f"kpi_{kpi_id}_{field_name}"


def focus_name(slot: int) -> str:
    return f"set_focus_{slot}"


def dash_name(slot: int, field_name: str) -> str:
    return f"dash_{slot}_{field_name}"


def comment_name(group: str, field_name: str) -> str:
    return f"nps_{group}_{field_name}"


def comment_names() -> list[str]:
    """The optional customer-comment names, block by block."""
    return [comment_name(g, f) for g in COMMENT_GROUPS for f in COMMENT_FIELDS]


def input_names() -> list[str]:
    return [i.defined_name for i in catalog.INPUTS]


def required_names() -> list[str]:
    """Names a workbook must define to be filled (and at least one ``in_*`` name)."""
    return [MONTHS]


def formula_names() -> list[str]:
    """Every formula name of the contract, in a stable order."""
    names = []
    for k in catalog.KPIS:
        names.append(k.defined_name)
        names.extend(kpi_field(k.id, f) for f in KPI_FIELDS)
    names.append(DASH_MONTH)
    for slot in range(1, FOCUS_SLOTS + 1):
        names.extend(dash_name(slot, f) for f in DASH_FIELDS)
    return names


@dataclass
class Settings:
    """What the Settings sheet says; the writer reads it from the workbook."""

    lang: str = "fr"
    company: str = ""
    fy_start: dt.date = field(default_factory=lambda: dt.date(dt.date.today().year, 1, 1))
    currency: str = "EUR"
    targets: dict[str, float | None] = field(
        default_factory=lambda: {k.id: k.target for k in catalog.KPIS}
    )
    #: KPI id shown in each dashboard slot; "" for an empty or unknown slot.
    focus: tuple[str, ...] = field(
        default_factory=lambda: tuple(k.id for k in catalog.focus_kpis())
    )


def month_starts(fy_start: dt.date, n: int = N_MONTHS) -> list[dt.date]:
    """First day of each month of the fiscal year."""
    return [
        (pd.Timestamp(fy_start.replace(day=1)) + pd.DateOffset(months=m)).date() for m in range(n)
    ]


def _cell(value: float) -> CellValue:
    """A formula's value as its cell shows it: NaN is the empty string."""
    return "" if math.isnan(value) else float(value)


def _kpi_values(
    kpi: Kpi, result: MonthlyKpis, status: catalog.Status | None, lang: str
) -> dict[str, CellValue | list[CellValue]]:
    label = "" if status is None else status.label(lang)
    on_track = status is None or status is catalog.Status.ON_TRACK
    return {
        kpi.defined_name: [_cell(v) for v in result.months[kpi.id].to_numpy(dtype=float)],
        kpi_field(kpi.id, "ytd"): _cell(float(result.ytd[kpi.id])),
        kpi_field(kpi.id, "value"): _cell(result.basis_value(kpi)),
        kpi_field(kpi.id, "change"): _cell(result.change(kpi.id)),
        kpi_field(kpi.id, "status"): label,
        kpi_field(kpi.id, "action"): "" if on_track else kpi.action(lang),
    }


def latest_month(inputs: pd.DataFrame, months: list[dt.date]) -> CellValue:
    """The last month where any input is filled ('' when none is)."""
    filled = inputs.reindex(columns=[i.id for i in catalog.INPUTS]).notna().any(axis=1).to_numpy()
    return months[int(filled.nonzero()[0][-1])] if filled.any() else ""


def formula_values(
    inputs: pd.DataFrame, result: MonthlyKpis, settings: Settings
) -> dict[str, CellValue | list[CellValue]]:
    """The value every contract formula shows, computed in Python (cached values)."""
    months = month_starts(settings.fy_start, len(inputs))
    values: dict[str, CellValue | list[CellValue]] = {MONTHS: list(months)}
    statuses = kpi_statuses(result, settings.targets)
    for k in catalog.KPIS:
        values.update(_kpi_values(k, result, statuses[k.id], settings.lang))
    values[DASH_MONTH] = latest_month(inputs, months)
    for slot in range(1, FOCUS_SLOTS + 1):
        values.update(_dash_values(slot, settings, values))
    return values


def _dash_values(
    slot: int, settings: Settings, values: dict[str, CellValue | list[CellValue]]
) -> dict[str, CellValue | list[CellValue]]:
    if slot > len(settings.focus) or not settings.focus[slot - 1]:
        return {dash_name(slot, f): "" for f in DASH_FIELDS}  # an empty or unknown slot
    kpi = catalog.get(settings.focus[slot - 1])
    target = settings.targets.get(kpi.id)
    out: dict[str, CellValue | list[CellValue]] = {
        dash_name(slot, "name"): kpi.name(settings.lang),
        dash_name(slot, "target"): "" if target is None else float(target),
    }
    for f in ("value", "status", "change", "action"):
        out[dash_name(slot, f)] = values[kpi_field(kpi.id, f)]
    change = out[dash_name(slot, "change")]
    if kpi.unit is catalog.Unit.RATIO and isinstance(change, float):
        out[dash_name(slot, "change")] = change * POINTS  # a change of rates reads in points
    return out


def missing_names(defined: Iterable[str]) -> list[str]:
    """Required names absent from a workbook (empty when it can be filled)."""
    have = set(defined)
    return [n for n in required_names() if n not in have]
