"""NPS surveys (Typeform, Google Forms) -> promoters, passives, detractors per month.

The score column is the one named in ``[surveys] score_column``, else the
only column whose title speaks of recommending (recommend, recommand, NPS,
likely, probabilité).  Scores are whole numbers from 0 to 10: 9-10 promoters,
7-8 passives, 0-6 detractors; an empty score (question skipped) is left out.
The comments (``comment_column``, else a "why"/"pourquoi" column) are kept.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from kpi_xl import catalog
from kpi_xl.config import Config
from kpi_xl.errors import InputFileError
from kpi_xl.importers.base import SourceFile, span
from kpi_xl.importers.common import dates_of, monthly_sum
from kpi_xl.importers.dates import month_starts
from kpi_xl.importers.loader import load
from kpi_xl.importers.recognise import SURVEY_DATE
from kpi_xl.importers.table import Table, normalise

SCORE_WORDS = ("recommend", "recommand", "nps", "likely", "probabilite")
COMMENT_WORDS = ("why", "pourquoi", "comment", "raison", "reason", "remarque")
SCORE_EXPECTED = "a whole score from 0 to 10"


@dataclass
class SurveyResult:
    monthly: pd.DataFrame  # nps_promoters, nps_passives, nps_detractors
    comments: pd.DataFrame  # date, score, comment
    source: SourceFile
    warnings: list[str] = field(default_factory=list)


def _find(table: Table, words: tuple[str, ...], skip: str | None = None) -> list[str]:
    return [
        str(c)
        for c in table.data.columns
        if c != skip and any(w in normalise(str(c)) for w in words)
    ]


def score_column(table: Table, config: Config) -> str:
    if config.surveys.score_column:
        found = table.column(config.surveys.score_column)
        assert found is not None
        return found
    candidates = _find(table, SCORE_WORDS)
    if len(candidates) == 1:
        return candidates[0]
    raise InputFileError(
        table.path,
        "cannot tell which column holds the 0-10 score"
        + (f": several candidates ({', '.join(candidates)})" if candidates else ""),
        line=table.header_line,
        expected="one column about recommending (e.g. 'How likely are you to recommend us?')",
        hint='name it in kpi_xl.toml: [surveys] score_column = "..."',
    )


def _scores(table: Table, column: str) -> pd.Series:
    quick = _plain_scores(table, column)
    if quick is not None:
        return quick
    text = table.data[column].str.strip()
    valid = text.str.fullmatch(r"\d{1,2}") & (pd.to_numeric(text, errors="coerce") <= 10)
    bad = (text != "") & ~valid
    if bad.any():
        pos = int(np.flatnonzero(bad.to_numpy())[0])
        table.fail(column, "bad NPS score")(pos, str(table.data[column].iloc[pos]), SCORE_EXPECTED)
    return pd.to_numeric(text.where(text != ""), errors="coerce")


def _plain_scores(table: Table, column: str) -> pd.Series | None:
    """:func:`_scores` when every score is empty or 0 to 10 in ASCII digits, by a loop over
    the texts (pandas' text operations cost more on a survey's few hundred answers); None
    otherwise.  Like ``pd.to_numeric``: whole numbers when no score is empty, else floats."""
    texts = [t.strip() if type(t) is str else None for t in table.data[column].tolist()]
    if not all(t == "" or (t is not None and t in _SCORES) for t in texts):
        return None
    if all(texts):
        whole = [int(str(t)) for t in texts]
        return pd.Series(whole, index=table.data.index, dtype=np.int64, name=column)
    scores = [float(t) if t else np.nan for t in texts if t is not None]
    return pd.Series(scores, index=table.data.index, dtype=np.float64, name=column)


#: The texts of a valid score, as a survey writes them ("7", or "07").
_SCORES = frozenset({*map(str, range(11)), *(f"0{i}" for i in range(10))})


def read_survey(path: Path, config: Config | None = None) -> SurveyResult:
    config = config or Config()
    kind, table = load(path, config, "survey")
    date = table.column(config.surveys.date_column or SURVEY_DATE)
    assert date is not None
    score_name = score_column(table, config)
    scores = _scores(table, score_name)
    answered = table.data.index[scores.notna().to_numpy()]
    if len(answered) == 0:
        raise InputFileError(
            path, "no response has a score", column=score_name, expected="scores from 0 to 10"
        )
    dates = dates_of(table, date, config, answered)
    months = pd.Series(month_starts(pd.DatetimeIndex(dates)), index=answered)
    score = scores.loc[answered]
    groups = {
        "nps_promoters": (score >= catalog.NPS_PROMOTER_MIN).astype(float),
        "nps_passives": ((score >= 7) & (score <= 8)).astype(float),
        "nps_detractors": (score <= catalog.NPS_DETRACTOR_MAX).astype(float),
    }
    monthly = monthly_sum(groups, months).fillna(0.0)
    comments = _comments(table, config, score_name, dates, score)
    first, last = span(monthly)
    return SurveyResult(
        monthly,
        comments,
        SourceFile(Path(path), kind, len(table.data), first, last, table.encoding),
        list(table.warnings),
    )


def _comments(
    table: Table, config: Config, score_name: str, dates: pd.Series, scores: pd.Series
) -> pd.DataFrame:
    """Date, score and text of the answered responses that say something."""
    named = config.surveys.comment_column
    column = (
        table.column(named) if named else next(iter(_find(table, COMMENT_WORDS, score_name)), None)
    )
    if column is None:
        return pd.DataFrame(columns=["date", "score", "comment"])
    texts = table.data.loc[dates.index, column]
    with_text = dates.index[(texts != "").to_numpy()]
    return pd.DataFrame(
        {
            "date": dates.loc[with_text].to_numpy(),
            "score": scores.loc[with_text].to_numpy(dtype=np.float64),
            "comment": texts.loc[with_text].to_numpy(),
        }
    )
