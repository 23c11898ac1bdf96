"""The FEC (Fichier des Écritures Comptables, LPF art. A47 A-1) -> monthly figures.

The reader finds the header's layout (:mod:`fec_layout`), then has the lines
summed per (month, account, opening journal or not): by polars for a big
clean UTF-8 file (:mod:`fec_sums`), else line by line with every tolerance
and error message (:mod:`fec_lines`).  The monthly figures, the accounts'
columns (:mod:`ledger`), the exercise and the totals come from that small
table, the same whichever path summed it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pandas as pd

from kpi_xl.config import Config, FecConfig
from kpi_xl.importers import fec_layout, fec_lines, fec_sums, ledger, textfile
from kpi_xl.importers.base import SourceFile
from kpi_xl.importers.exercise import Exercise, decide
from kpi_xl.importers.fec_layout import Summed

Floats = npt.NDArray[np.float64]
Bools = npt.NDArray[np.bool_]

#: The monthly columns the FEC gives (input ids and extra columns).
FEC_COLUMNS = (
    "revenue",
    "products",
    "charges",
    "net_profit",
    "sales_marketing_costs",
    "personnel_costs",
    "cost_of_goods",
    "gross_margin",
    *ledger.ACCOUNT_COLUMNS,
)


@dataclass
class FecResult:
    """Monthly figures of a FEC, its totals and the warnings it raised."""

    monthly: pd.DataFrame  # FEC_COLUMNS, month-start index
    totals: dict[str, float]  # debit, credit (all lines); products, charges, net_profit
    source: SourceFile
    by_account: pd.DataFrame  # month, account, opening, debit, credit (small)
    warnings: list[str] = field(default_factory=list)
    exercise: Exercise | None = None  # None only for a result built by hand


def read_fec(path: Path, config: Config | None = None) -> FecResult:
    """Read a FEC file into monthly figures (see the module docstring)."""
    config = config or Config()
    path = Path(path)
    layout = fec_layout.find(path, config)
    summed = fec_sums.summed(path, layout, config) or fec_lines.read(path, layout, config)
    exercise, notes = decide(path, summed.by_account)
    monthly = _monthly(summed.by_account, config.fec)
    totals = _totals(summed)
    warnings = [*notes, *_check_balance(path, totals)]
    if summed.mixed:
        warnings.insert(0, textfile.mixed_warning(path, summed.mixed))
    last = monthly.index.max() if len(monthly) else None
    source = SourceFile(path, "fec", summed.rows, exercise.start, last, summed.encoding)
    return FecResult(monthly, totals, source, summed.by_account, warnings, exercise)


def _starting(accounts: pd.Series, prefixes: dict[str, tuple[str, ...]]) -> dict[str, Bools]:
    """For each name, which rows' accounts start with one of its prefixes (none: no row).

    Tested once per distinct account, not once per row.
    """
    codes, uniques = pd.factorize(accounts.astype(str))
    names = [str(u) for u in uniques]
    out = {}
    for name, starts in prefixes.items():
        of_account = np.array([bool(starts) and a.startswith(starts) for a in names] + [False])
        out[name] = of_account[codes]
    return out


def _monthly(by_account: pd.DataFrame, fec: FecConfig) -> pd.DataFrame:
    """The monthly figures from the per-account sums, opening journals left out."""
    rows = by_account[~by_account["opening"].to_numpy(dtype=bool)]
    net_debit = rows["debit"].to_numpy(dtype=np.float64) - rows["credit"].to_numpy(np.float64)
    of = _starting(rows["account"], {
        "revenue": tuple(fec.revenue_accounts), "products": ("7",), "charges": ("6",),
        "sales_marketing_costs": tuple(fec.marketing_accounts),
        "personnel_costs": tuple(fec.personnel_accounts),
        "cost_of_goods": tuple(fec.cost_of_goods_accounts),
    })  # fmt: skip
    sign = {"revenue": -1.0, "products": -1.0}
    # Every month of the span, with or without entries: one bincount per figure.
    number = rows["month"].to_numpy(dtype="datetime64[M]").astype(np.int64)
    first = int(number.min()) if len(number) else 0
    span = int(number.max()) - first + 1 if len(number) else 0
    months = (np.arange(span) + first).astype("datetime64[M]").astype("datetime64[ns]")
    parts: dict[str, Floats] = {
        n: np.asarray(
            np.bincount(number - first, np.where(of[n], net_debit * sign.get(n, 1.0), 0.0), span),
            dtype=np.float64,
        )
        for n in of
    }
    columns = dict(parts)
    columns["net_profit"] = parts["products"] - parts["charges"]
    revenue = parts["revenue"]
    columns["gross_margin"] = np.divide(
        revenue - parts["cost_of_goods"], revenue, out=np.full(span, np.nan), where=revenue > 0
    )
    index = pd.DatetimeIndex(months, name="month")
    columns.update(ledger.monthly_accounts(by_account, index, revenue))
    return pd.DataFrame({c: np.round(columns[c], 10) for c in FEC_COLUMNS}, index=index)


def _totals(summed: Summed) -> dict[str, float]:
    by_account = summed.by_account
    rows = by_account[~by_account["opening"].to_numpy(dtype=bool)]
    net_credit = rows["credit"].to_numpy(np.float64) - rows["debit"].to_numpy(np.float64)
    of = _starting(rows["account"], {"products": ("7",), "charges": ("6",)})
    products = float(net_credit[of["products"]].sum())
    charges = -float(net_credit[of["charges"]].sum())
    return {
        "debit": round(summed.debit, 2),
        "credit": round(summed.credit, 2),
        "products": round(products, 2),
        "charges": round(charges, 2),
        "net_profit": round(products - charges, 2),
    }


def _check_balance(path: Path, totals: dict[str, float]) -> list[str]:
    """Debits must equal credits in a FEC; a gap means lines are missing."""
    gap = totals["debit"] - totals["credit"]
    if abs(gap) < 0.005:
        return []
    return [
        f"{path.name}: total debit {totals['debit']:,.2f} and total credit "
        f"{totals['credit']:,.2f} differ by {gap:,.2f}: the FEC is unbalanced "
        "(a missing or cut line?)"
    ]
