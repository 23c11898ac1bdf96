"""Which KPI each dashboard slot shows: the template's default gives way to a KPI with data.

Most clients of an accountant send only a FEC: the default focus KPIs that
need shop data (conversion, CAC, retention) would leave their tiles empty.
A slot that still holds the template's default KPI and has nothing to show
takes the next KPI, in catalog order, that has a value; a KPI the user chose
on the Settings sheet is never replaced.
"""

from __future__ import annotations

import math
from collections.abc import Collection

from kpi_xl import catalog
from kpi_xl.monthly import MonthlyKpis


def has_value(result: MonthlyKpis, kpi_id: str) -> bool:
    """Whether the dashboard would show a number for ``kpi_id`` (its basis value)."""
    return not math.isnan(result.basis_value(catalog.get(kpi_id)))


def focus_with_data(
    focus: tuple[str, ...], result: MonthlyKpis, replaceable: Collection[int]
) -> tuple[str, ...]:
    """``focus`` with each replaceable empty default slot given the next KPI that has data.

    ``replaceable`` holds the 1-based slots the writer may change (the
    workbook defines their ``set_focus_<n>`` cell as a plain value).  A slot
    is replaced only when it holds the template's default KPI for that slot.
    """
    defaults = tuple(k.id for k in catalog.focus_kpis())
    out = list(focus)
    order = [k.id for k in catalog.KPIS]
    for i, kpi_id in enumerate(focus):
        slot = i + 1
        default = defaults[i] if i < len(defaults) else None
        if slot not in replaceable or kpi_id != default or has_value(result, kpi_id):
            continue
        start = order.index(kpi_id)
        for candidate in order[start + 1 :] + order[:start]:
            if candidate not in out and has_value(result, candidate):
                out[i] = candidate
                break
    return tuple(out)
