"""What every reader returns, and the monthly table's columns."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pandas as pd

from kpi_xl import catalog

#: The monthly table's columns, in catalog order (the workbook rows ``in_<id>``).
INPUT_IDS: tuple[str, ...] = tuple(i.id for i in catalog.INPUTS)


@dataclass
class SourceFile:
    """One file that was read, and as what."""

    path: Path
    kind: str  # "fec", "orders:shopify", "analytics:ga4", "ads:google", "survey", ...
    rows: int
    first_month: pd.Timestamp | None = None
    last_month: pd.Timestamp | None = None
    encoding: str = "utf-8"

    def describe(self) -> str:
        span = ""
        if self.first_month is not None and self.last_month is not None:
            span = f", {self.first_month:%Y-%m} to {self.last_month:%Y-%m}"
        return f"{self.path.name}: read as {self.kind} ({self.rows} rows{span}, {self.encoding})"


@dataclass
class SourceResult:
    """A reader's monthly figures (float64 columns, month-start index) and notes."""

    monthly: pd.DataFrame
    source: SourceFile
    warnings: list[str] = field(default_factory=list)


def month_index(
    months: pd.DatetimeIndex | list[pd.Timestamp] | npt.NDArray[np.datetime64],
) -> pd.DatetimeIndex:
    """A sorted month-start index named "month"."""
    if (
        isinstance(months, np.ndarray)
        and months.dtype == np.dtype("datetime64[ns]")
        and (len(months) < 2 or bool((np.diff(months.view(np.int64)) >= 0).all()))
    ):
        return pd.DatetimeIndex(months, name="month")  # already sorted: no copy nor sort
    index = pd.DatetimeIndex(months).astype("datetime64[ns]")
    return pd.DatetimeIndex(index.sort_values(), name="month")


def span(monthly: pd.DataFrame) -> tuple[pd.Timestamp | None, pd.Timestamp | None]:
    if monthly.empty:
        return None, None
    return pd.Timestamp(monthly.index.min()), pd.Timestamp(monthly.index.max())
