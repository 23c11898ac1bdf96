"""The customer-comment blocks of a report: the fiscal year's latest NPS comments.

The importers keep every survey answer that says something
(:attr:`kpi_xl.importers.Exports.comments`: date, score, comment); the
report shows the newest detractor and promoter comments, because the
source article's advice for the NPS is to read them: the detractors' show
the weak points, the promoters' the strengths.

>>> import pandas as pd
>>> table = pd.DataFrame({"date": pd.to_datetime(["2026-02-03", "2026-03-04", "2025-12-31"]),
...                       "score": [3.0, 10.0, 2.0], "comment": ["late", "great", "old"]})
>>> values = comment_values(table, dt.date(2026, 1, 1), dt.date(2027, 1, 1), rows=2)
>>> values["nps_detractors_comment"], values["nps_promoters_score"]
(['late', None], [10.0, None])
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from kpi_xl import catalog
from kpi_xl.workbook.contract import COMMENT_FIELDS, COMMENT_ROWS, comment_name

#: A comment cell's value: a date, a score, a text, or None for an empty cell.
CommentCell = dt.date | float | str | None


def fiscal_year_end(months: list[dt.date]) -> dt.date:
    """The day after the last month of ``months`` (the end of the fiscal year, excluded)."""
    return (pd.Timestamp(months[-1]) + pd.DateOffset(months=1)).date()


def latest_comments(
    comments: pd.DataFrame, start: dt.date, end: dt.date
) -> dict[str, pd.DataFrame]:
    """The comments of ``start`` <= date < ``end`` by group (detractors, promoters), newest first.

    Each group keeps the columns of ``comments`` plus ``_date`` and ``_score`` parsed.
    """
    dates = pd.to_datetime(comments["date"], errors="coerce")
    scores = pd.to_numeric(comments["score"], errors="coerce")
    year = comments.assign(_date=dates, _score=scores)
    year = year[(dates >= pd.Timestamp(start)) & (dates < pd.Timestamp(end))]
    # A stable sort of the reversed table: an export lists answers oldest first, so of two
    # with the same date the later row is the newer one.
    year = year.iloc[::-1].sort_values("_date", ascending=False, kind="stable")
    return {
        "detractors": year[year["_score"] <= catalog.NPS_DETRACTOR_MAX],
        "promoters": year[year["_score"] >= catalog.NPS_PROMOTER_MIN],
    }


def comment_values(
    comments: pd.DataFrame, start: dt.date, end: dt.date, rows: int = COMMENT_ROWS
) -> dict[str, list[CommentCell]]:
    """The cells of every ``nps_*`` name: the latest comments of ``start`` <= date < ``end``.

    Parameters
    ----------
    comments
        Survey comments with columns ``date``, ``score`` and ``comment``.
    start, end
        The fiscal year: first day, and the day after its last day.
    rows
        Cells per name; the rows after the last comment are ``None`` (emptied).

    Returns
    -------
    dict
        ``nps_detractors_date`` ... ``nps_promoters_comment``: ``rows`` values
        each, newest comment first (of two with the same date, the later in the file).
    """
    out: dict[str, list[CommentCell]] = {}
    for group, columns in _latest_cells(comments, start, end, rows).items():
        for field in COMMENT_FIELDS:
            cells = columns[field]
            out[comment_name(group, field)] = cells + [None] * (rows - len(cells))
    return out


def _latest_cells(
    comments: pd.DataFrame, start: dt.date, end: dt.date, rows: int
) -> dict[str, dict[str, list[CommentCell]]]:
    """The first ``rows`` date, score and comment of each group of :func:`latest_comments`.

    A survey reader's table (dates as datetime64, scores as floats) is picked with numpy:
    the same rows in the same order, without pandas' fixed costs.
    """
    dates, scores = comments["date"], comments["score"]
    if dates.dtype != "datetime64[ns]" or scores.dtype != np.float64:
        return {
            group: {
                "date": [pd.Timestamp(d).date() for d in head["_date"]],
                "score": [float(s) for s in head["_score"]],
                "comment": [str(c) for c in head["comment"]],
            }
            for group, picked in latest_comments(comments, start, end).items()
            for head in (picked.head(rows),)
        }
    day = dates.to_numpy()
    score = scores.to_numpy()
    inside = np.flatnonzero((day >= np.datetime64(start)) & (day < np.datetime64(end)))
    # Newest first; of two on the same day, the later row (a stable sort of the reversed rows).
    newest = inside[::-1][np.argsort(-day[inside[::-1]].view(np.int64), kind="stable")]
    texts = comments["comment"].to_numpy()
    out = {}
    for group, member in (
        ("detractors", score[newest] <= catalog.NPS_DETRACTOR_MAX),
        ("promoters", score[newest] >= catalog.NPS_PROMOTER_MIN),
    ):
        picked = newest[member][:rows]
        out[group] = {
            "date": list(day[picked].astype("datetime64[D]").tolist()),
            "score": [float(s) for s in score[picked]],
            "comment": [str(c) for c in texts[picked]],
        }
    return out
