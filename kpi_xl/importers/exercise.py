"""The exercise a FEC holds, decided from its entries, not from its file name.

A FEC holds one exercise: from its opening entries (the "à nouveaux"
journal, dated on the exercise's first day) to its last entry; without
opening entries (a first exercise), from its first entry.  Detailed opening
journals (``AD``) may carry lines dated in earlier years (each open invoice
at its own date): the exercise starts at the latest opening month that is
not after the first ordinary entry.  The file name's closing date
(``SirenFECAAAAMMJJ``) is a convention: it extends an exercise still being
booked (its last entry before the closing date), and when it disagrees
with the entries a warning gives both dates and the entries win.

A month is *covered* by the FEC only when it holds profit-and-loss entries
(classes 6 and 7) outside the opening journals: a month with only a VAT
carry-forward or only opening lines tells nothing about the business.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from kpi_xl.errors import InputFileError
from kpi_xl.importers.table import normalise

#: Longest exercise kpi_xl accepts (a first exercise may last up to 24 months).
MAX_MONTHS = 24
#: Journal labels meaning "opening entries" (compared without case or accents).
OPENING_LABEL = re.compile(r"\ba[ -]?nouveaux?\b|^reprise\b|\bouverture\b|\bopening\b")
_NAME_CLOSING = re.compile(r"FEC(?P<year>\d{4})(?P<month>\d{2})(?P<day>\d{2})", re.IGNORECASE)


@dataclass(frozen=True)
class Exercise:
    """The exercise of one FEC: its months, and those its entries cover."""

    file: str
    start: pd.Timestamp  # first month
    end: pd.Timestamp  # closing month
    covered: pd.DatetimeIndex  # months with P&L entries outside the opening journals
    opening_journals: tuple[str, ...] = ()
    name_closing: dt.date | None = None  # the file name's closing date, when it has one
    closing_from_name: bool = False  # the end comes from the file name (exercise in progress)

    @property
    def months(self) -> pd.DatetimeIndex:
        return pd.date_range(self.start, self.end, freq="MS", name="month")

    @property
    def n_months(self) -> int:
        return len(self.months)

    @property
    def last_closed(self) -> pd.Timestamp | None:
        """The last month with P&L entries: the last closed month of the books."""
        return pd.Timestamp(self.covered.max()) if len(self.covered) else None

    def describe(self) -> str:
        return f"{self.start:%Y-%m} to {self.end:%Y-%m} ({self.n_months} months)"


def name_closing(name: str) -> dt.date | None:
    """The closing date of a FEC's legal file name (``...FEC20220831.txt``), if valid."""
    found = _NAME_CLOSING.search(name)
    if found is None:
        return None
    try:
        return dt.date(int(found["year"]), int(found["month"]), int(found["day"]))
    except ValueError:
        return None


def opening_codes(
    codes: list[str], configured: tuple[str, ...], labels: dict[str, str] | None = None
) -> set[str]:
    """The journal codes (as written) that are opening journals, by code or by label."""
    wanted = {c.strip().upper() for c in configured}
    found = {c for c in codes if c.strip().upper() in wanted}
    for code, label in (labels or {}).items():
        if OPENING_LABEL.search(normalise(label)):
            found.add(code)
    return found


def journal_labels(codes: pd.Series, labels: pd.Series) -> dict[str, str]:
    """Each journal code's label (``JournalLib``), from the two categorical columns.

    A code written with several labels keeps the one of its last distinct
    (code, label) pair in the order they first appear; missing cells are left out.
    """
    code_ids = codes.cat.codes.to_numpy().astype(np.int64)
    label_ids = labels.cat.codes.to_numpy().astype(np.int64)
    width = len(labels.cat.categories) + 1
    pairs = pd.unique((code_ids + 1) * width + label_ids + 1)  # first-appearance order
    pair_codes, pair_labels = pairs // width - 1, pairs % width - 1
    kept = (pair_codes >= 0) & (pair_labels >= 0)
    code_names = [str(c) for c in codes.cat.categories]
    label_names = [str(c) for c in labels.cat.categories]
    return {
        code_names[c]: label_names[lab]
        for c, lab in zip(pair_codes[kept], pair_labels[kept], strict=True)
    }


def decide(path: Path, by_account: pd.DataFrame) -> tuple[Exercise, list[str]]:
    """The exercise of a FEC from its per-account sums (``opening`` flags the opening lines)."""
    # On arrays: a FEC's per-account table is small, pandas' selections cost more than it.
    months = by_account["month"].to_numpy()
    opens = by_account["opening"].to_numpy(dtype=bool)
    ordinary = months[~opens]
    if not len(ordinary):
        raise InputFileError(
            path,
            "the FEC holds only opening entries (à nouveaux): no month has any figure",
            hint="export the exercise's entries, not just the opening balances",
        )
    first, last = pd.Timestamp(ordinary.min()), pd.Timestamp(ordinary.max())
    before = months[opens & (months <= ordinary.min())]
    start = pd.Timestamp(before.max()) if len(before) else first
    end = last
    notes: list[str] = []
    closing = name_closing(path.name)
    from_name = False
    if closing is not None:
        named = pd.Timestamp(closing.year, closing.month, 1)
        if end <= named < start + pd.DateOffset(months=MAX_MONTHS):
            from_name, end = named > end, named
        else:
            notes.append(
                f"{path.name}: the file name says the exercise closes on {closing:%Y-%m-%d}, "
                f"but the entries run from {start:%Y-%m} to {end:%Y-%m}: the entries were "
                "used (rename the file if its date is wrong)"
            )
    n_months = (end.year - start.year) * 12 + end.month - start.month + 1
    if n_months > MAX_MONTHS:
        raise InputFileError(
            path,
            f"the entries run from {start:%Y-%m} to {last:%Y-%m} ({n_months} months): a FEC "
            f"holds one exercise of at most {MAX_MONTHS} months",
            hint="export one FEC per exercise",
        )
    exercise = Exercise(
        path.name, start, end, covered_months(by_account), name_closing=closing,
        closing_from_name=from_name,
    )  # fmt: skip
    return exercise, notes


def covered_months(by_account: pd.DataFrame) -> pd.DatetimeIndex:
    """Months holding P&L entries (classes 6 and 7, non-zero) outside the opening journals."""
    rows = ~by_account["opening"].to_numpy(dtype=bool)
    codes, uniques = pd.factorize(by_account["account"].astype(str))
    pnl = np.array([str(a).startswith(("6", "7")) for a in uniques] + [False])[codes]
    moved = (by_account["debit"].to_numpy() != 0) | (by_account["credit"].to_numpy() != 0)
    months = pd.DatetimeIndex(np.unique(by_account["month"].to_numpy()[rows & pnl & moved]))
    return pd.DatetimeIndex(months.astype("datetime64[ns]"), name="month")


def overlapping(exercises: list[Exercise]) -> tuple[Exercise, Exercise] | None:
    """Two FECs covering a same month (the same file twice, or two exports of one exercise)."""
    for i, a in enumerate(exercises):
        for b in exercises[i + 1 :]:
            if set(a.covered) & set(b.covered):
                return a, b
    return None
