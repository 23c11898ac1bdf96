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

A FEC fills only the months it covers (P&L entries outside the opening
journals, see :mod:`kpi_xl.importers.exercise`); two files with the same
content, or two FECs covering a same month, are refused.  ``Exports.origins``
says which source gave each figure.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pandas as pd

from kpi_xl.config import Config, find_config, load_config
from kpi_xl.errors import InputFileError
from kpi_xl.importers import ads, analytics, fec, ledger, manual, orders, surveys
from kpi_xl.importers.base import INPUT_IDS, SourceFile, month_index
from kpi_xl.importers.customers import cohorts as make_cohorts
from kpi_xl.importers.exercise import Exercise, name_closing, overlapping
from kpi_xl.importers.folder import export_files, refuse_identical
from kpi_xl.importers.loader import load
from kpi_xl.importers.recognise import one_read, sniff
from kpi_xl.importers.years import same_exercise

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
    #: The FECs' exercises, oldest first (see :mod:`kpi_xl.importers.exercise`).
    exercises: list[Exercise] = field(default_factory=list)
    #: The FECs' own figures (``fec.FEC_COLUMNS``) for the months they cover.
    fec: pd.DataFrame | None = None
    #: Which source gave each input figure ("fec", "orders", "analytics", "ads",
    #: "fec+ads", "survey", "manual", "revenue one year earlier"); None where empty.
    origins: pd.DataFrame | None = None

    def fiscal_start_month(self, configured: int | None = None) -> int:
        """First month of the fiscal year: the config's, else the latest FEC exercise's,
        else January.

        Without an exercise read from the entries (an ``Exports`` built by
        hand), a FEC's legal file name (``SirenFECAAAAMMJJ``) gives its closing
        month, so ``0000000001FEC20220831.txt`` starts its year in September.
        """
        if configured is not None:
            return configured
        if self.exercises:
            return self.exercises[-1].start.month
        fecs = [s for s in self.sources if s.kind == "fec"]
        for source in fecs:
            closing = name_closing(source.path.name)
            if closing is not None:
                return closing.month % 12 + 1
        firsts = [s.first_month for s in fecs if s.first_month is not None]
        return min(firsts).month if firsts else 1


@dataclass
class _Collected:
    frames: dict[str, list[pd.DataFrame]] = field(default_factory=dict)
    orders: list[pd.DataFrame] = field(default_factory=list)
    comments: list[pd.DataFrame] = field(default_factory=list)
    sources: list[SourceFile] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    exercises: list[tuple[Exercise, Path]] = field(default_factory=list)

    def add(
        self, family: str, frame: pd.DataFrame, source: SourceFile, notes: Iterable[str]
    ) -> None:
        self.frames.setdefault(family, []).append(frame)
        self.sources.append(source)
        self.warnings.extend(notes)


def read_exports(folder: Path, config: Config | None = None) -> Exports:
    """Read every recognised export of ``folder`` into the monthly table."""
    folder = Path(folder)
    config = config or load_config(find_config(folder))
    with one_read():  # each file recognised once, when listed
        files, skipped = export_files(folder, config)
        if not files:
            raise InputFileError(
                folder,
                "no export to read in this folder",
                expected="FEC, orders, analytics, ads, survey or manual CSV files",
            )
        refuse_identical(files)
        collected = _Collected(warnings=skipped)
        for path in files:
            _read_one(path, config, collected)
    return _assemble(collected, config)


def _read_one(path: Path, config: Config, into: _Collected) -> None:
    kind = sniff(path, config).kind
    family = kind.split(":")[0]
    if family == "fec":
        result = fec.read_fec(path, config)
        assert result.exercise is not None
        covered = result.monthly.reindex(result.exercise.covered)
        into.add("fec", covered, result.source, result.warnings)
        into.exercises.append((result.exercise, path))
    elif family == "orders":
        _, table = load(path, config, "orders")
        found = orders.extract_orders(kind, table, config)
        into.orders.append(found.assign(kind=kind))
        first, last = found["month"].min(), found["month"].max()
        into.sources.append(SourceFile(path, kind, len(table.data), first, last, table.encoding))
        into.warnings.extend(table.warnings)  # e.g. lines in another encoding
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
    quick = _stack_apart(frames)
    if quick is not None:
        return quick
    combined = pd.concat(frames).groupby(level=0).sum(min_count=1)
    combined.index = month_index(pd.DatetimeIndex(combined.index))
    return combined


def _stack_apart(frames: list[pd.DataFrame]) -> pd.DataFrame | None:
    """What the group sum gives when no month is in two frames (the usual case: one file,
    or FECs of consecutive exercises), without its fixed costs; None otherwise.

    The group sum of one value is that value (NaN included); a ``-0.0``, whose sign pandas
    keeps or not depending on the frame's shape, takes the general path.
    """
    columns = list(frames[0].columns)
    if any(list(f.columns) != columns or any(t != np.float64 for t in f.dtypes) for f in frames):
        return None
    index = np.concatenate([f.index.to_numpy() for f in frames])
    if index.dtype != np.dtype("datetime64[ns]"):
        return None
    order = np.argsort(index, kind="stable")
    if len(index) > 1 and not (np.diff(index[order]) > np.timedelta64(0)).all():
        return None  # a month in two frames: added up by the general path
    values = np.concatenate([f.to_numpy(dtype=np.float64) for f in frames])[order]
    if (np.signbit(values) & (values == 0)).any():
        return None
    return pd.DataFrame(values, index=month_index(index[order]), columns=columns)


def _assemble(got: _Collected, config: Config) -> Exports:
    _refuse_overlapping(got.exercises)
    parts = {
        f: _stack(got.frames.get(f, []), f, got.warnings)
        for f in ("fec", "analytics", "ads", "survey", "manual")
    }
    order_list, cohort_table = _orders(got, config)
    frames = [p for p in (*parts.values(), order_list) if p is not None and len(p)]
    if not frames:
        # e.g. a FEC holding only balance-sheet entries, or headers without rows
        raise InputFileError(
            ", ".join(s.path.name for s in got.sources) or "the exports",
            "no month has any figure (only headers, or only opening or balance-sheet entries)",
            hint="export the period's entries or orders, not just the opening balances",
        )
    months = month_index(
        pd.date_range(
            min(f.index.min() for f in frames), max(f.index.max() for f in frames), freq="MS"
        )
    )
    out = _Grid(months, [*INPUT_IDS, *EXTRA_COLUMNS])
    track = _Origins(out)
    _fill_fec(out, parts["fec"])
    track.mark("fec")
    _fill_orders(out, order_list)
    track.mark("orders")
    _fill_ads(out, parts["ads"], config)
    track.mark_marketing(config.ads.combine)
    conversions = _fill_analytics(out, parts["analytics"], order_list, config)
    track.mark("analytics", {"conversions": conversions})
    for name in ("survey", "manual"):
        part = parts[name]
        if part is not None:
            _overwrite(out, part)
            track.mark(name)
    exercises = [e for e, _ in got.exercises]
    same = same_exercise(months, exercises)
    _fill_year_before(out, "revenue", same)
    track.mark("revenue one year earlier")
    for column in ledger.PREV_YEAR_COLUMNS:  # the FEC's cascade, one exercise earlier
        _fill_year_before(out, column, same)
    track.mark("FEC one exercise earlier")
    comments = pd.concat(got.comments, ignore_index=True) if got.comments else None
    exercises = sorted((e for e, _ in got.exercises), key=lambda e: e.start)
    return Exports(out.frame(), got.sources, got.warnings, cohort_table, comments, exercises,
                   parts["fec"], track.origins)  # fmt: skip


def _refuse_overlapping(exercises: list[tuple[Exercise, Path]]) -> None:
    """Two FECs covering a same month: the same exercise twice (its figures would double)."""
    found = overlapping([e for e, _ in exercises])
    if found is None:
        return
    a, b = found
    paths = {e.file: p for e, p in exercises}
    shared = sorted(set(a.covered) & set(b.covered))
    raise InputFileError(
        paths[b.file],
        f"covers the same months as {a.file} ({shared[0]:%Y-%m} to {shared[-1]:%Y-%m}): "
        "the same exercise twice would count its figures twice",
        hint=f"keep one of {a.file} and {b.file} (the most recent export of the exercise); "
        "FECs of consecutive exercises (N and N-1) are read together",
    )


class _Grid:
    """The monthly table being assembled, as one numpy array (months x columns).

    A small client's table is about 24 x 70 cells: a pandas assignment costs more than
    its work, so the sources are written into the array and the DataFrame built once.
    """

    def __init__(self, months: pd.DatetimeIndex, columns: list[str]) -> None:
        self.months = months
        self.columns = columns
        self.at = {c: i for i, c in enumerate(columns)}
        self.values = np.full((len(months), len(columns)), np.nan)

    def rows(self, index: pd.Index) -> npt.NDArray[np.intp]:
        """The rows of ``index``'s months (all of them are in the table)."""
        months = self.months.to_numpy()
        values = index.to_numpy()
        if len(months) and values.dtype == months.dtype == np.dtype("datetime64[ns]"):
            # The table's months follow each other: a month's row is its distance to the first.
            first = months[:1].astype("datetime64[M]").astype(np.int64)
            rows = (values.astype("datetime64[M]").astype(np.int64) - first).astype(np.intp)
            if ((rows >= 0) & (rows < len(months))).all() and (months[rows] == values).all():
                return rows
        rows = np.asarray(self.months.get_indexer(index), dtype=np.intp)
        assert (rows >= 0).all()
        return rows

    def col(self, name: str) -> npt.NDArray[np.float64]:
        """One column, as a view: writing into it writes into the table."""
        column: npt.NDArray[np.float64] = self.values[:, self.at[name]]
        return column

    def put(self, part: pd.DataFrame, into: list[str], source: list[str]) -> None:
        """``out.loc[part.index, into] = part[source]``."""
        cols = np.array([self.at[c] for c in into], dtype=np.intp)
        float_block = part.columns.is_unique and all(t == np.float64 for t in part.dtypes)
        at = part.columns.get_indexer(pd.Index(source)) if float_block else np.array([-1])
        if (at >= 0).all():  # numbers only: one array, then the columns wanted
            values = part.to_numpy(dtype=np.float64)[:, at]
        else:
            values = part[source].to_numpy(np.float64)
        self.values[np.ix_(self.rows(part.index), cols)] = values

    def frame(self) -> pd.DataFrame:
        return pd.DataFrame(self.values, index=self.months, columns=self.columns)


class _Origins:
    """Which source last wrote each input figure of the table being assembled.

    Kept as numpy arrays (a few pandas calls per mark cost more than the work
    on a small client's 24 x 40 cells).
    """

    def __init__(self, out: _Grid) -> None:
        self.out = out
        self.ids = list(INPUT_IDS)
        self.where = [out.at[i] for i in self.ids]
        self.names = np.full((len(out.months), len(self.ids)), None, dtype=object)
        self.before = self._snapshot()

    @property
    def origins(self) -> pd.DataFrame:
        return pd.DataFrame(self.names, index=self.out.months, columns=self.ids, dtype=object)

    def _snapshot(self) -> npt.NDArray[np.float64]:
        return self.out.values[:, self.where]

    def mark(self, name: str, instead: dict[str, str] | None = None) -> None:
        """``name`` gave every figure changed since the last mark (``instead``: by column)."""
        now = self._snapshot()
        changed = ~np.isnan(now) & (now != self.before)
        self.names[changed] = name
        for column, origin in (instead or {}).items():
            at = self.ids.index(column)
            self.names[changed[:, at], at] = origin
        self.before = now

    def mark_marketing(self, rule: str) -> None:
        fec_costs = np.isnan(self.out.col("fec_marketing_costs"))
        spend = np.isnan(self.out.col("ad_spend"))
        labels = {"fec": "fec", "ads": "ads"}
        origin = np.full(len(self.out.months), labels.get(rule, "ads"), dtype=object)
        if rule == "add":
            origin[:] = "fec+ads"
            origin[fec_costs] = "ads"
            origin[spend] = "fec"
        elif rule not in labels:
            origin[~fec_costs] = "fec"
        origin[np.isnan(self.out.col("sales_marketing_costs"))] = None
        self.names[:, self.ids.index("sales_marketing_costs")] = origin
        self.before = self._snapshot()


def _orders(got: _Collected, config: Config) -> tuple[pd.DataFrame | None, pd.DataFrame | None]:
    if not got.orders:
        return None, None
    every = pd.concat(got.orders, ignore_index=True).drop_duplicates(["kind", "order_id"])
    monthly, notes = orders.summarise(every, config.trailing_months, "orders")
    got.warnings.extend(notes)
    return monthly, make_cohorts(every)


def _fill_fec(out: _Grid, part: pd.DataFrame | None) -> None:
    if part is None:
        return
    columns = [
        "revenue",
        "net_profit",
        "gross_margin",
        "products",
        "charges",
        "personnel_costs",
        "cost_of_goods",
        *ledger.ACCOUNT_COLUMNS,
    ]
    out.put(part, columns, columns)
    out.put(part, ["fec_marketing_costs"], ["sales_marketing_costs"])


def _overwrite(out: _Grid, part: pd.DataFrame) -> None:
    """``out.update(part)``: its filled cells win."""
    columns = [c for c in part.columns if c in out.at]
    other = part[columns].to_numpy(dtype=np.float64)
    cols = np.array([out.at[c] for c in columns], dtype=np.intp)
    rows, at = np.nonzero(~np.isnan(other))
    out.values[out.rows(part.index)[rows], cols[at]] = other[rows, at]


def _fill_orders(out: _Grid, part: pd.DataFrame | None) -> None:
    if part is None:
        return
    columns = [c for c in part.columns if c in out.at]
    out.put(part, columns, columns)
    # The FEC is the legal record: orders give revenue only where it is silent.
    rows = out.rows(part.index)
    revenue = out.col("revenue")
    silent = np.isnan(revenue[rows])
    revenue[rows[silent]] = part["orders_revenue"].to_numpy(np.float64)[silent]


def _fill_ads(out: _Grid, part: pd.DataFrame | None, config: Config) -> None:
    if part is not None:
        out.put(part, ["ad_spend"], ["ad_spend"])
    fec_costs, spend = out.col("fec_marketing_costs"), out.col("ad_spend")
    rule = config.ads.combine
    if rule == "fec":
        costs = fec_costs.copy()
    elif rule == "ads":
        costs = spend.copy()
    elif rule == "add":
        costs = np.nan_to_num(fec_costs, nan=0.0) + np.nan_to_num(spend, nan=0.0)
        costs[np.isnan(fec_costs) & np.isnan(spend)] = np.nan
    else:  # auto: the FEC already holds the ad invoices in its marketing accounts
        costs = np.where(np.isnan(fec_costs), spend, fec_costs)
    out.col("sales_marketing_costs")[:] = costs


def _fill_analytics(
    out: _Grid, part: pd.DataFrame | None, order_part: pd.DataFrame | None, config: Config
) -> str:
    """Traffic figures, and conversions: returns where they came from."""
    if part is not None:
        for column in ("visitors", "sessions", "engaged_sessions"):
            if column in part:
                out.put(part, [column], [column])
    choice = config.analytics.conversions
    has_events = part is not None and "conversions" in part
    if has_events and choice in ("auto", "analytics"):
        assert part is not None
        out.put(part, ["conversions"], ["conversions"])
        return "analytics"
    if order_part is not None and choice in ("auto", "orders"):
        out.put(order_part, ["conversions"], ["orders"])
        return "orders"
    return "analytics"


def _fill_year_before(out: _Grid, column: str, same: npt.NDArray[np.bool_]) -> None:
    """``<column>_prev_year`` where empty: the month one year earlier (the table's months
    follow each other), not within one exercise (see :func:`same_exercise`)."""
    target, values = out.col(f"{column}_prev_year"), out.col(column)
    earlier = np.full(len(values), np.nan)
    earlier[12:] = values[:-12]
    earlier[same] = np.nan
    empty = np.isnan(target)
    target[empty] = earlier[empty]
