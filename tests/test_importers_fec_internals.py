"""The FEC reader's vectorised helpers give what the row-by-row rules say."""

from __future__ import annotations

import numpy as np
import pandas as pd

from kpi_xl.importers.exercise import journal_labels
from kpi_xl.importers.fec_layout import month_numbers
from kpi_xl.importers.fec_lines import _strictly_increasing


def test_journal_labels_keep_the_last_distinct_pair_and_skip_missing_cells() -> None:
    codes = pd.Series(["AN", "VT", "AN", "VT", None, "OD"], dtype="category")
    labels = pd.Series(["Reprise", "Ventes", "Reprise", "Ventes 2", "X", None], dtype="category")
    assert journal_labels(codes, labels) == {"AN": "Reprise", "VT": "Ventes 2"}


def test_month_numbers_mark_every_impossible_date() -> None:
    ymd = np.array([20240229, 20230229, 20241301, 20240100, 18991231, 20251231], dtype=np.int64)
    assert month_numbers(ymd).tolist() == [2024 * 12 + 1, -1, -1, -1, -1, 2025 * 12 + 11]


def test_accounts_need_their_groupby_only_when_padding_merges_or_reorders_them() -> None:
    assert _strictly_increasing(np.array(["401000", "411000", "706000"], dtype=object))
    assert not _strictly_increasing(np.array(["706000", "706000"], dtype=object))
    assert not _strictly_increasing(np.array(["706", "512"], dtype=object))
