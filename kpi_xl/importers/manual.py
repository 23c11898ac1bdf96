"""A small hand-kept CSV: one row per month, one column per input id.

Typically ``month;investment_cost;investment_gains;processes_automated;
processes_eligible``.  ``investment_cash_flow`` may replace cost and gains:
a negative flow is a cost, a positive one a gain (added to the
``investment_cost`` and ``investment_gains`` columns if the file has them
too).  Any other input id may be given too: a manual value wins over what
the exports say for that month.
Counts must be whole numbers of 0 or more; amounts follow the catalog's
bounds (a cost is never negative).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from kpi_xl import catalog
from kpi_xl.config import Config
from kpi_xl.importers.base import INPUT_IDS, SourceFile, span
from kpi_xl.importers.common import monthly_sum, months_of, numbers_of
from kpi_xl.importers.loader import load
from kpi_xl.importers.recognise import MANUAL_MONTH
from kpi_xl.importers.table import Table, normalise

CASH_FLOW = "investment_cash_flow"


@dataclass
class ManualResult:
    monthly: pd.DataFrame
    source: SourceFile
    warnings: list[str] = field(default_factory=list)


def read_manual(path: Path, config: Config | None = None) -> ManualResult:
    config = config or Config()
    kind, table = load(path, config, "manual")
    month = table.column(MANUAL_MONTH)
    assert month is not None
    rows = table.data.index[(table.data[month] != "").to_numpy()]
    values: dict[str, pd.Series] = {}
    flow: pd.Series | None = None
    for column in table.data.columns:
        name = normalise(str(column))
        if name in (*INPUT_IDS, CASH_FLOW):
            table.check_unique(name)
        if name in INPUT_IDS:
            values[name] = _checked(table, str(column), name, config, rows)
        elif name == CASH_FLOW:
            flow = numbers_of(table, str(column), config, rows)
    if flow is not None:  # added to the cost and gains columns, wherever they are
        for input_id, part in (
            ("investment_cost", -flow.clip(upper=0)),
            ("investment_gains", flow.clip(lower=0)),
        ):
            given = values.get(input_id)
            values[input_id] = part if given is None else part.add(given, fill_value=0)
    monthly = monthly_sum(values, months_of(table, month, config, rows))
    first, last = span(monthly)
    return ManualResult(
        monthly,
        SourceFile(Path(path), kind, len(rows), first, last, table.encoding),
        list(table.warnings),
    )


def _checked(table: Table, column: str, input_id: str, config: Config, rows: pd.Index) -> pd.Series:
    spec = catalog.get_input(input_id)
    counts = spec.unit == catalog.Unit.COUNT
    values = numbers_of(table, column, config, rows, counts=counts)
    low, high = spec.minimum, spec.maximum
    bad = np.zeros(len(values), dtype=bool)
    if low is not None:
        bad |= (values < low).to_numpy()
    if high is not None:
        bad |= (values > high).to_numpy()
    if bad.any():
        pos = int(values.index[np.flatnonzero(bad)[0]])  # the table's index is its row position
        bounds = f"from {low:g} to {high:g}" if high is not None else f"of {low:g} or more"
        table.fail(column, "value out of range")(
            pos, str(table.data[column].iloc[pos]), f"a value {bounds}"
        )
    return values
