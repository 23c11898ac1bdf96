"""Which months a report shows, and its latest month (the last closed one).

With a FEC the report shows an exercise, as its entries say (see
:mod:`kpi_xl.importers.exercise`): the one holding the latest month, or the
one starting in ``--year``.  An exercise still being booked (fewer than 12
months, no closing date in the file name) is shown over 12 months.  Without
a FEC, the fiscal year of ``--year`` / ``fiscal_year_start_month``.

The latest month is the last closed month of the books: the FECs' last
month with P&L entries; without a FEC, the last month with any figure;
``until`` (``--until YYYY-MM`` or ``until = "YYYY-MM"``) sets it.  Later
months are emptied and named in a warning, and so are the FEC figures a
report leaves out, with their amounts: nothing is dropped silently.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from kpi_xl.config import parse_month
from kpi_xl.errors import InputFileError
from kpi_xl.importers.base import INPUT_IDS, month_index
from kpi_xl.importers.combine import Exports
from kpi_xl.importers.exercise import Exercise
from kpi_xl.importers.years import fiscal_year_table, year_before


@dataclass(frozen=True)
class Period:
    """The report's months (inputs and extra columns; empty after ``latest``) and why."""

    table: pd.DataFrame
    latest: pd.Timestamp | None  # the last month whose figures are shown
    exercise: Exercise | None = None  # the FEC exercise shown, if any
    warnings: list[str] = field(default_factory=list)
    origins: pd.DataFrame | None = None  # Exports.origins over the table's months

    @property
    def inputs(self) -> pd.DataFrame:
        return self.table[list(INPUT_IDS)]


def until_month(text: str | None, where: str = "--until") -> pd.Timestamp | None:
    """``"2025-10"`` as a month start; a bad text is an error naming ``where``."""
    if text is None:
        return None
    found = parse_month(text)
    if found is None:
        raise InputFileError(where, "not a month", value=text, expected='"YYYY-MM", e.g. 2025-10')
    return pd.Timestamp(found[0], found[1], 1)


def report_period(
    exports: Exports,
    *,
    year: int | None = None,
    start_month: int | None = None,
    until: pd.Timestamp | None = None,
    months: list[pd.Timestamp] | None = None,
) -> Period:
    """The months a report shows and its latest month (see the module docstring).

    ``months`` (a refresh: the workbook's own months) fixes the months;
    ``year`` picks the exercise (or fiscal year) starting that year;
    ``start_month`` is the configured fiscal year start, used without a FEC.
    """
    notes: list[str] = []
    latest = until if until is not None else _closed_month(exports)
    exercise: Exercise | None = None
    if months is not None:
        index = month_index(list(months))
    elif exports.exercises:
        exercise, index = _exercise_months(exports, year, latest, start_month, notes)
    else:
        base = fiscal_year_table(exports.monthly, _year_of(latest, year, start_month or 1),
                                 start_month or 1)  # fmt: skip
        index = pd.DatetimeIndex(base.index)
    table = _table(exports.monthly, index, exports.exercises)
    if latest is not None:
        table, cut = _cut_after(table, exports, latest, until is not None)
        notes.extend(cut)
    if months is None and year is None and until is None:
        notes.extend(_after_the_exercise(exports, table))
    notes.extend(_fec_left_out(exports, table, latest))
    origins = None
    if exports.origins is not None:
        origins = exports.origins.reindex(table.index).where(table[list(INPUT_IDS)].notna())
    return Period(table, latest, exercise, notes, origins)


def _closed_month(exports: Exports) -> pd.Timestamp | None:
    """The FECs' last month with P&L entries; without a FEC the last month with a figure."""
    closed = [e.last_closed for e in exports.exercises if e.last_closed is not None]
    if closed:
        return max(closed)
    filled = exports.monthly.reindex(columns=list(INPUT_IDS)).dropna(how="all").index
    return pd.Timestamp(filled.max()) if len(filled) else None


def _year_of(latest: pd.Timestamp | None, year: int | None, start_month: int) -> int | None:
    if year is not None or latest is None:
        return year
    return latest.year if latest.month >= start_month else latest.year - 1


def _exercise_months(
    exports: Exports,
    year: int | None,
    latest: pd.Timestamp | None,
    start_month: int | None,
    notes: list[str],
) -> tuple[Exercise | None, pd.DatetimeIndex]:
    """The exercise starting in ``year``, else the one holding ``latest``, and its months."""
    exercises = exports.exercises
    shown = {id(e): _shown_months(e, exercises) for e in exercises}
    if year is not None:
        found = [e for e in exercises if e.start.year == year]
    else:
        found = [e for e in exercises if latest is not None and latest in shown[id(e)]]
    if found:
        chosen = found[-1]
        if start_month is not None and start_month != chosen.start.month:
            notes.append(
                f"fiscal_year_start_month = {start_month} in kpi_xl.toml, but the FEC "
                f"{chosen.file} holds the exercise {chosen.describe()}: the FEC's exercise "
                "is shown (the setting only applies to folders without a FEC)"
            )
        return chosen, shown[id(chosen)]
    # A year or latest month outside every exercise: the fiscal year the FECs follow.
    last = exercises[-1]
    start = start_month or last.start.month
    if year is None and latest is not None and latest > last.end:
        first = last.end + pd.DateOffset(months=1)
        return None, pd.date_range(first, periods=12, freq="MS", name="month")
    target = _year_of(latest, year, start) or last.start.year
    return None, pd.date_range(pd.Timestamp(target, start, 1), periods=12, freq="MS", name="month")


def _shown_months(exercise: Exercise, exercises: list[Exercise]) -> pd.DatetimeIndex:
    """An exercise's months; one with no closing date (name) and under 12 months is
    still being booked: shown over 12 months, up to the next exercise."""
    months = exercise.months
    named = exercise.name_closing is not None and (
        pd.Timestamp(exercise.name_closing.year, exercise.name_closing.month, 1) == exercise.end
    )
    if named or len(months) >= 12:
        return months
    end = exercise.start + pd.DateOffset(months=11)
    later = [e.start for e in exercises if e.start > exercise.end]
    if later:
        end = min(end, min(later) - pd.DateOffset(months=1))
    return pd.date_range(exercise.start, end, freq="MS", name="month")


def _table(
    monthly: pd.DataFrame, index: pd.DatetimeIndex, exercises: list[Exercise]
) -> pd.DataFrame:
    months = month_index(index)
    if not monthly.index.is_unique or (monthly.dtypes != np.float64).any():
        table = monthly.reindex(months)
        if "revenue" in monthly and "revenue_prev_year" in table:
            earlier = year_before(monthly["revenue"], exercises)
            table["revenue_prev_year"] = table["revenue_prev_year"].fillna(earlier.reindex(months))
        return table.astype(np.float64)
    # The same as above by row positions: pandas' reindex and column assignment cost more
    # than the work on a small table.
    rows = monthly.index.get_indexer(months)
    found = rows >= 0
    values = np.full((len(months), monthly.shape[1]), np.nan)
    values[found] = monthly.to_numpy(dtype=np.float64)[rows[found]]
    if "revenue" in monthly and "revenue_prev_year" in monthly:
        shifted = np.full(len(months), np.nan)
        shifted[found] = year_before(monthly["revenue"], exercises).to_numpy()[rows[found]]
        at = monthly.columns.get_loc("revenue_prev_year")
        empty = np.isnan(values[:, at])
        values[empty, at] = shifted[empty]
    return pd.DataFrame(values, index=months, columns=monthly.columns)


def _cut_after(
    table: pd.DataFrame, exports: Exports, latest: pd.Timestamp, forced: bool
) -> tuple[pd.DataFrame, list[str]]:
    """The table emptied after ``latest``, and a note naming the months that had figures
    and their sources."""
    later = np.asarray(table.index > latest)
    # what the exports gave (last year's revenue shifted onto those months is not news)
    given = [i for i in INPUT_IDS if i != "revenue_prev_year"]
    had = exports.monthly.reindex(index=table.index[later], columns=given).notna().any(axis=1)
    if later.any():  # one array write, not one pandas assignment per column
        values = table.to_numpy(dtype=np.float64, copy=True)
        values[later] = np.nan
        table = pd.DataFrame(values, index=table.index, columns=table.columns)
    months = list(pd.DatetimeIndex(had[had].index))
    if not months:
        return table, []
    sources = _sources_of(exports, months)
    listed = ", ".join(f"{m:%Y-%m}" for m in months)
    why = (
        f"after the month set by until ({latest:%Y-%m})"
        if forced
        else f"the books (FEC) are closed up to {latest:%Y-%m}, the last month with P&L entries"
    )
    last = months[-1]
    return table, [
        f"{listed} ({sources}) left out of the KPIs: {why}; to include them, run with "
        f'--until {last:%Y-%m} or set until = "{last:%Y-%m}" in kpi_xl.toml'
    ]


def _after_the_exercise(exports: Exports, table: pd.DataFrame) -> list[str]:
    """Months of other sources after the exercise shown (no FEC for them yet): named, with
    the option that reports them, since the report silently stops at the exercise's end."""
    if not exports.exercises or table.empty:
        return []
    end = pd.Timestamp(table.index.max())
    if not (exports.monthly.index > end).any():
        return []
    given = [i for i in INPUT_IDS if not i.endswith("_prev_year")]
    later = exports.monthly.reindex(columns=given)
    later = later[later.index > end].dropna(how="all")
    if later.empty:
        return []
    months = list(pd.DatetimeIndex(later.index))
    first, last = months[0], months[-1]
    return [
        f"{first:%Y-%m} to {last:%Y-%m} ({_sources_of(exports, months)}) left out: they come "
        f"after the exercise shown, which ends {end:%Y-%m}, and no FEC covers them yet; for a "
        f'report of those months, run with --until {last:%Y-%m} or set until = "{last:%Y-%m}" '
        "in kpi_xl.toml"
    ]


def _sources_of(exports: Exports, months: list[pd.Timestamp]) -> str:
    """The sources of the exports' own figures in ``months`` (not last year's shifted on)."""
    if exports.origins is None:
        return "figures"
    own = [c for c in exports.origins.columns if not str(c).endswith("_prev_year")]
    cells = exports.origins.reindex(index=months, columns=own).to_numpy(dtype=object).ravel()
    found = {str(c) for c in cells if isinstance(c, str)}
    return ", ".join(sorted(found)) or "figures"


def _fec_left_out(exports: Exports, table: pd.DataFrame, latest: pd.Timestamp | None) -> list[str]:
    """The FEC figures of a shown exercise that the report leaves out, with their amounts."""
    if exports.fec is None:
        return []
    shown = table.index if latest is None else table.index[table.index <= latest]
    notes = []
    for exercise in exports.exercises:
        covered = exercise.covered
        if not covered.isin(table.index).any():
            continue  # another exercise (N-1 gives last year's figures)
        out = covered[~covered.isin(shown)]
        if len(out):
            figures = exports.fec.reindex(out)
            revenue = float(figures["revenue"].sum())
            profit = float(figures["net_profit"].sum())
            notes.append(
                f"{exercise.file}: {len(out)} months of the exercise {exercise.describe()} "
                f"are outside the report ({out[0]:%Y-%m} to {out[-1]:%Y-%m}): revenue "
                f"{revenue:,.2f} and net profit {profit:,.2f} left out"
            )
    return notes
