"""Every export of a folder -> one monthly table of the template's input ids.

Which source fills what, when several could (see docs/importers.md):

* ``revenue``: the FEC (accounts 70) for the months it covers, else the
  orders' revenue; ``net_profit`` and ``gross_margin`` come from the FEC only;
* ``sales_marketing_costs`` (``[ads] combine``): ``auto`` (default) takes the
  FEC's marketing accounts (623*) for the months the FEC covers, because the
  Google/Meta invoices are booked there, and the ad spend for the other
  months; ``add`` adds both (ad invoices booked outside the marketing
  accounts); ``fec`` / ``ads`` take one source only;
* ``conversions`` (``[analytics] conversions``): ``auto`` takes the analytics
  key events if the export has them, else the number of orders;
* the manual CSV wins over everything for the months and ids it gives.
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from kpi_xl.config import CONFIG_NAME, Config, find_config, load_config
from kpi_xl.errors import InputFileError
from kpi_xl.importers import ads, analytics, fec, ledger, manual, orders, surveys
from kpi_xl.importers.base import INPUT_IDS, SourceFile, month_index
from kpi_xl.importers.customers import cohorts as make_cohorts
from kpi_xl.importers.loader import load
from kpi_xl.importers.recognise import sniff

TEXT_SUFFIXES = {".csv", ".txt", ".tsv", ".tab"}
EXTRA_COLUMNS = (
    "products",
    "charges",
    "cost_of_goods",
    "fec_marketing_costs",
    "ad_spend",
    "orders_revenue",
    "active_customers",
)


@dataclass
class Exports:
    """What a folder of exports says, month by month."""

    monthly: pd.DataFrame
    sources: list[SourceFile] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    cohorts: pd.DataFrame | None = None
    comments: pd.DataFrame | None = None

    def fiscal_start_month(self, configured: int | None = None) -> int:
        """First month of the fiscal year: the config's, else the FEC's, else January.

        A FEC's legal file name ends with its closing date (``SirenFECAAAAMMJJ``),
        so ``0000000001FEC20220831.txt`` closes in August and its year starts in
        September; a FEC without that name starts its year at its first month.
        """
        if configured is not None:
            return configured
        fecs = [s for s in self.sources if s.kind == "fec"]
        for source in fecs:
            closing = _FEC_NAME.search(source.path.name)
            if closing and 1 <= int(closing["month"]) <= 12:
                return int(closing["month"]) % 12 + 1
        firsts = [s.first_month for s in fecs if s.first_month is not None]
        return min(firsts).month if firsts else 1


_FEC_NAME = re.compile(r"FEC(?P<year>\d{4})(?P<month>\d{2})(?P<day>\d{2})", re.IGNORECASE)


@dataclass
class _Collected:
    frames: dict[str, list[pd.DataFrame]] = field(default_factory=dict)
    orders: list[pd.DataFrame] = field(default_factory=list)
    comments: list[pd.DataFrame] = field(default_factory=list)
    sources: list[SourceFile] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def add(
        self, family: str, frame: pd.DataFrame, source: SourceFile, notes: Iterable[str]
    ) -> None:
        self.frames.setdefault(family, []).append(frame)
        self.sources.append(source)
        self.warnings.extend(notes)


def export_files(folder: Path, config: Config) -> tuple[list[Path], list[str]]:
    """The files of the folder to read, and a note for each one skipped."""
    if not folder.is_dir():
        raise InputFileError(folder, "not a folder", expected="a folder of exports")
    files, skipped = [], []
    for path in sorted(folder.iterdir()):
        if not path.is_file() or path.name.startswith((".", "~$")) or path.name == CONFIG_NAME:
            continue
        if any(fnmatch.fnmatch(path.name, pattern) for pattern in config.ignore):
            skipped.append(f"{path.name}: skipped (ignore list of the config)")
        elif path.suffix.lower() not in TEXT_SUFFIXES:
            skipped.append(f"{path.name}: skipped (only .csv, .txt and .tsv exports are read)")
        else:
            files.append(path)
    return files, skipped


def read_exports(folder: Path, config: Config | None = None) -> Exports:
    """Read every recognised export of ``folder`` into the monthly table."""
    folder = Path(folder)
    config = config or load_config(find_config(folder))
    files, skipped = export_files(folder, config)
    if not files:
        raise InputFileError(
            folder,
            "no export to read in this folder",
            expected="FEC, orders, analytics, ads, survey or manual CSV files",
        )
    collected = _Collected(warnings=skipped)
    for path in files:
        _read_one(path, config, collected)
    return _assemble(collected, config)


def _read_one(path: Path, config: Config, into: _Collected) -> None:
    kind = sniff(path, config).kind
    family = kind.split(":")[0]
    if family == "fec":
        result = fec.read_fec(path, config)
        into.add("fec", result.monthly, result.source, result.warnings)
    elif family == "orders":
        _, table = load(path, config, "orders")
        found = orders.extract_orders(kind, table, config)
        into.orders.append(found.assign(kind=kind))
        first, last = found["month"].min(), found["month"].max()
        into.sources.append(SourceFile(path, kind, len(table.data), first, last, table.encoding))
    else:
        readers: dict[
            str,
            Callable[
                [Path, Config],
                analytics.AnalyticsResult
                | ads.AdsResult
                | surveys.SurveyResult
                | manual.ManualResult,
            ],
        ] = {
            "analytics": analytics.read_analytics,
            "ads": ads.read_ads,
            "survey": surveys.read_survey,
            "manual": manual.read_manual,
        }
        result2 = readers[family](path, config)
        into.add(family, result2.monthly, result2.source, result2.warnings)
        if isinstance(result2, surveys.SurveyResult):
            into.comments.append(result2.comments.assign(file=path.name))


def _stack(frames: list[pd.DataFrame], family: str, notes: list[str]) -> pd.DataFrame | None:
    """Files of one family added up month by month (overlaps are reported)."""
    if not frames:
        return None
    months = [set(f.index) for f in frames]
    if sum(len(m) for m in months) > len(set().union(*months)) and family not in ("ads",):
        notes.append(
            f"several {family} files cover the same months: their figures were added "
            "up; remove one if they hold the same data"
        )
    combined = pd.concat(frames).groupby(level=0).sum(min_count=1)
    combined.index = month_index(pd.DatetimeIndex(combined.index))
    return combined


def _assemble(got: _Collected, config: Config) -> Exports:
    parts = {
        f: _stack(got.frames.get(f, []), f, got.warnings)
        for f in ("fec", "analytics", "ads", "survey", "manual")
    }
    order_list, cohort_table = _orders(got, config)
    frames = [p for p in (*parts.values(), order_list) if p is not None and len(p)]
    if not frames:
        # e.g. a FEC holding only its opening entries, or headers without rows
        raise InputFileError(
            ", ".join(s.path.name for s in got.sources) or "the exports",
            "no month has any figure (only headers, or only opening-balance entries)",
            hint="export the period's entries or orders, not just the opening balances",
        )
    months = month_index(
        pd.date_range(
            min(f.index.min() for f in frames), max(f.index.max() for f in frames), freq="MS"
        )
    )
    out = pd.DataFrame(np.nan, index=months, columns=[*INPUT_IDS, *EXTRA_COLUMNS])
    _fill_fec(out, parts["fec"])
    _fill_orders(out, order_list)
    _fill_ads(out, parts["ads"], config)
    _fill_analytics(out, parts["analytics"], order_list, config)
    for part in (parts["survey"], parts["manual"]):
        if part is not None:
            out.update(part.reindex(out.index)[[c for c in part.columns if c in out.columns]])
    out["revenue_prev_year"] = out["revenue_prev_year"].fillna(_year_before(out["revenue"]))
    for column in ledger.PREV_YEAR_COLUMNS:  # the FEC's cascade, one year earlier
        out[f"{column}_prev_year"] = out[f"{column}_prev_year"].fillna(_year_before(out[column]))
    comments = pd.concat(got.comments, ignore_index=True) if got.comments else None
    return Exports(out.astype(np.float64), got.sources, got.warnings, cohort_table, comments)


def _orders(got: _Collected, config: Config) -> tuple[pd.DataFrame | None, pd.DataFrame | None]:
    if not got.orders:
        return None, None
    every = pd.concat(got.orders, ignore_index=True).drop_duplicates(["kind", "order_id"])
    monthly, notes = orders.summarise(every, config.trailing_months, "orders")
    got.warnings.extend(notes)
    return monthly, make_cohorts(every)


def _fill_fec(out: pd.DataFrame, part: pd.DataFrame | None) -> None:
    if part is None:
        return
    months = part.index
    for column in (
        "revenue",
        "net_profit",
        "gross_margin",
        "products",
        "charges",
        "personnel_costs",
        "cost_of_goods",
        *ledger.ACCOUNT_COLUMNS,
    ):
        out.loc[months, column] = part[column]
    out.loc[months, "fec_marketing_costs"] = part["sales_marketing_costs"]


def _fill_orders(out: pd.DataFrame, part: pd.DataFrame | None) -> None:
    if part is None:
        return
    months = part.index
    for column in part.columns:
        if column in out.columns:
            out.loc[months, column] = part[column]
    # The FEC is the legal record: orders give revenue only where it is silent.
    out.loc[months, "revenue"] = out.loc[months, "revenue"].fillna(part["orders_revenue"])


def _fill_ads(out: pd.DataFrame, part: pd.DataFrame | None, config: Config) -> None:
    if part is not None:
        out.loc[part.index, "ad_spend"] = part["ad_spend"]
    fec_costs, spend = out["fec_marketing_costs"], out["ad_spend"]
    rule = config.ads.combine
    if rule == "fec":
        out["sales_marketing_costs"] = fec_costs
    elif rule == "ads":
        out["sales_marketing_costs"] = spend
    elif rule == "add":
        both = fec_costs.isna() & spend.isna()
        out["sales_marketing_costs"] = fec_costs.fillna(0) + spend.fillna(0)
        out.loc[both, "sales_marketing_costs"] = np.nan
    else:  # auto: the FEC already holds the ad invoices in its marketing accounts
        out["sales_marketing_costs"] = fec_costs.fillna(spend)


def _fill_analytics(
    out: pd.DataFrame, part: pd.DataFrame | None, order_part: pd.DataFrame | None, config: Config
) -> None:
    if part is not None:
        for column in ("visitors", "sessions", "engaged_sessions"):
            if column in part:
                out.loc[part.index, column] = part[column]
    choice = config.analytics.conversions
    has_events = part is not None and "conversions" in part
    if has_events and choice in ("auto", "analytics"):
        assert part is not None
        out.loc[part.index, "conversions"] = part["conversions"]
    elif order_part is not None and choice in ("auto", "orders"):
        out.loc[order_part.index, "conversions"] = order_part["orders"]


def _year_before(revenue: pd.Series) -> pd.Series:
    """Each month's revenue of the same month one year earlier."""
    earlier = revenue.copy()
    earlier.index = earlier.index + pd.DateOffset(years=1)
    return earlier.reindex(revenue.index)


def fiscal_year_table(
    monthly: pd.DataFrame, year: int | None, start_month: int = 1
) -> pd.DataFrame:
    """The 12 months of the fiscal year starting in ``year`` at ``start_month``.

    ``year=None`` takes the fiscal year of the latest month with data.
    """
    if not 1 <= start_month <= 12:
        raise ValueError(f"start_month must be 1 to 12, not {start_month}")
    if year is None:
        filled = monthly.dropna(how="all")
        if filled.empty:
            raise InputFileError(
                "the exports",
                "no month has any figure",
                hint="check that the files hold data rows, not just their header",
            )
        latest = pd.Timestamp(filled.index.max())
        year = latest.year if latest.month >= start_month else latest.year - 1
    months = month_index(pd.date_range(pd.Timestamp(year, start_month, 1), periods=12, freq="MS"))
    table = monthly.reindex(months)
    if "revenue" in monthly and "revenue_prev_year" in table:
        table["revenue_prev_year"] = table["revenue_prev_year"].fillna(
            _year_before(monthly["revenue"]).reindex(months)
        )
    return table.astype(np.float64)
