"""The quick paths of the small readers give what the general paths give.

A batch client's exports are small: splitting lines beats the ``csv`` module when
a body has no quote, one regular expression over a joined column beats one match
per value, a list beats pandas' fixed costs.  Each quick path is checked here
against the general path it skips (switched off with ``monkeypatch``): the same
values, or the same error message, on generated columns and on small files with
a BOM, ``;`` separators, decimal commas, blank lines and quoted fields.
"""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Callable
from pathlib import Path
from typing import NoReturn

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_importers_samples import (
    write_ga4,
    write_google_ads,
    write_manual,
    write_meta,
    write_shopify,
    write_typeform,
    write_woocommerce,
)

from kpi_xl.config import load_config
from kpi_xl.errors import InputFileError
from kpi_xl.importers import amounts, dates, orders, read_exports, surveys, table
from kpi_xl.importers.base import month_index
from kpi_xl.importers.common import data_rows, monthly_sum
from kpi_xl.workbook.write.comments import comment_values

FUNCTION = settings(suppress_health_check=[HealthCheck.function_scoped_fixture])


class Failed(Exception):
    """What a reader's ``fail`` callback was given."""


def fail(pos: int, value: str, expected: str) -> NoReturn:
    raise Failed(pos, value, expected)


def outcome(call: Callable[[], object]) -> object:
    """The result of ``call``, or the error it raised (as comparable data)."""
    try:
        return call()
    except (Failed, InputFileError) as exc:
        return (type(exc).__name__, str(exc), exc.args)


def general(monkeypatch: pytest.MonkeyPatch) -> None:
    """Switch every small-file quick path off: the general paths run."""
    monkeypatch.setattr(table, "_plain_rows", lambda *a: None)
    monkeypatch.setattr(table, "_quoted_rows", lambda *a: None)
    monkeypatch.setattr(amounts, "_plain_lines", lambda items: None)
    monkeypatch.setattr(dates, "_LOOP_MAX", -1)
    monkeypatch.setattr(orders, "_LOOP_MAX", -1)
    monkeypatch.setattr(surveys, "_plain_scores", lambda *a: None)


# --- rows of a CSV body --------------------------------------------------------------

PIECES = [*'ab1,;\t| "\n\r\x00\xa0\u2003\x0c\x1f#é', "  ", "\n\n", "x y", '""', "1,5"]


@given(
    st.lists(st.sampled_from(PIECES), max_size=50),
    st.sampled_from([",", ";", "\t", "|"]),
    st.integers(2, 4),
    st.integers(0, 2),
)
def test_quick_rows_are_the_csv_rows(
    pieces: list[str], delimiter: str, width: int, above: int
) -> None:
    body = "".join(pieces)
    header = table.Header(above, delimiter, [f"c{i}" for i in range(width)])
    expected = outcome(lambda: table._rows(Path("f.csv"), body, header, False))
    for quick in (table._plain_rows, table._quoted_rows):
        got = outcome(lambda quick=quick: quick(Path("f.csv"), body, header))
        if got is not None:  # None: the quick path declines, the general one reads it
            assert got == expected


def test_the_spaces_are_what_strip_removes() -> None:
    spaces = {chr(c) for c in range(sys.maxunicode + 1) if chr(c).isspace()}
    assert set(table.SPACES) == spaces - {"\n"}


# --- columns of amounts and dates ----------------------------------------------------

AMOUNTS = st.sampled_from(
    ["", "12", "-3,5", "56.00", "0", "1.234", "1 234,56", "12,50 €", "(2.5)", "123,45-",
     "007", "1e308", "1000000000000000", "٣", "1\n2", " 7", "abc", "-", "10.999"]
)  # fmt: skip


@FUNCTION
@given(st.lists(AMOUNTS, max_size=12), st.booleans())
def test_small_amount_columns_read_as_the_general_parser(
    monkeypatch: pytest.MonkeyPatch, values: list[str], counts: bool
) -> None:
    column = pd.Series(values, dtype=object)

    def parse() -> object:
        if counts:
            return amounts.parse_counts(column, fail).tolist()
        return amounts.parse_amounts(column, fail).tolist()

    quick = outcome(parse)
    with monkeypatch.context() as m:  # one match per value, then the full parser
        m.setattr(amounts, "_plain_lines", lambda items: None)
        assert repr(outcome(parse)) == repr(quick)  # repr: NaN equals NaN


@pytest.mark.parametrize("size", [3, 25_000])  # the loop, and pandas' text methods
def test_digits_of_other_scripts_are_bad_amounts_as_in_the_full_parser(
    monkeypatch: pytest.MonkeyPatch, size: int
) -> None:
    """``float("٣")`` is 3.0, but the full parser refuses ``٣``: so do the quick paths
    (a small column read it as 3, a big one crashed)."""
    column = pd.Series(["1,00"] * (size - 1) + ["٣"], dtype=object)
    quick = outcome(lambda: amounts.parse_amounts(column, fail))
    assert quick == ("Failed", str(Failed(size - 1, "٣", amounts.AMOUNT_EXPECTED)),
                     (size - 1, "٣", amounts.AMOUNT_EXPECTED))  # fmt: skip
    with monkeypatch.context() as m:
        m.setattr(amounts, "_plain_numbers", lambda text: None)
        assert outcome(lambda: amounts.parse_amounts(column, fail)) == quick


DATES = st.sampled_from(
    ["", "  ", "2025-01-31", "2025-01-31 09:50:26 +0200", " 2025-02-01T10:00", "2025-02-30",
     "202501", "202513", "202500", "2025-01", "2025-00", "1699-01", "2200-12", "31/01/2025", "2025-01-31x",
     "2025-01-31\tx", "20250131", "2025-1", "٢٠٢٥-٠١-٠٥", "x"]
)  # fmt: skip


def assert_dates_as_general(
    monkeypatch: pytest.MonkeyPatch, values: list[str], date_format: str | None
) -> None:
    column = pd.Series(values, dtype=object, name="Date")

    def parse() -> object:
        return [str(d) for d in dates.parse_dates(column, fail, date_format)]

    quick = outcome(parse)
    with monkeypatch.context() as m:
        m.setattr(dates, "_LOOP_MAX", -1)
        assert outcome(parse) == quick


@FUNCTION
@given(st.lists(DATES, max_size=10), st.sampled_from([None, "%Y-%m-%d", "%Y%m", "%Y-%m"]))
def test_small_date_columns_read_as_the_general_parser(
    monkeypatch: pytest.MonkeyPatch, values: list[str], date_format: str | None
) -> None:
    assert_dates_as_general(monkeypatch, values, date_format)


@pytest.mark.parametrize(
    "values",
    [["202500"], ["2025-00"], ["202501", "", " 202502 "], ["2025-01", "2025-13"],
     ["202501", "2025-02"], ["2025-01-31", "2025-02-30"], ["1699-12"], ["2199-12", "220001"],
     ["2025-01 x"], ["2025-01T3"], ["  "], ["20٢٥01"], ["20٢٥-01"]],
)  # fmt: skip
@pytest.mark.parametrize("date_format", [None, "%Y%m", "%Y-%m"])
def test_month_columns_read_as_the_general_parser(
    monkeypatch: pytest.MonkeyPatch, values: list[str], date_format: str | None
) -> None:
    assert_dates_as_general(monkeypatch, values, date_format)


@pytest.mark.parametrize("fmt", ["%Y%m", "%Y-%m"])
def test_every_month_alone_is_read_in_its_format_by_the_general_parser(
    monkeypatch: pytest.MonkeyPatch, fmt: str
) -> None:
    """No format before it in ``FORMATS`` reads any month of 1700 to 2199 (the whole
    range the quick path accepts), so the general parser picks the same one."""
    months = pd.date_range("1700-01-01", "2199-12-01", freq="MS")
    column = pd.Series(months.strftime(fmt), dtype=object)
    quick = dates.parse_dates(column, fail)
    monkeypatch.setattr(dates, "_LOOP_MAX", -1)
    assert quick.equals(dates.parse_dates(column, fail))
    assert quick.equals(pd.DatetimeIndex(months))
    for earlier in dates.FORMATS[: dates.FORMATS.index(fmt)]:
        assert dates._parse(column.astype(str), earlier).isna().all(), earlier


def test_month_starts_are_the_periods_ones() -> None:
    days = pd.DatetimeIndex(["2025-01-31", None, "2024-02-29 23:59", "1677-10-01"], name="d")
    expected = pd.DatetimeIndex(days.to_period("M").to_timestamp()).astype("datetime64[ns]")
    got = dates.month_starts(days)
    assert got.equals(expected) and got.name == expected.name and got.dtype == expected.dtype


# --- whole readers -------------------------------------------------------------------


@FUNCTION
@given(st.lists(st.sampled_from(["", " 7", "07", "10", "11", "x", "5 ", "٣", "00"]), max_size=8))
def test_survey_scores_read_as_the_general_path(
    monkeypatch: pytest.MonkeyPatch, scores: list[str]
) -> None:
    header = table.Header(0, ",", ["Score"])
    data = pd.DataFrame({"Score": pd.Series(scores, dtype=object)})
    survey = table.Table(Path("s.csv"), "utf-8", header, data, np.arange(2, 2 + len(scores)))
    quick = outcome(lambda: surveys._scores(survey, "Score"))
    with monkeypatch.context() as m:
        m.setattr(surveys, "_plain_scores", lambda *a: None)
        expected = outcome(lambda: surveys._scores(survey, "Score"))
    if isinstance(expected, pd.Series):
        assert isinstance(quick, pd.Series)
        pd.testing.assert_series_equal(quick, expected, check_exact=True)
    else:
        assert quick == expected


def test_data_rows_and_monthly_sums_are_the_pandas_ones() -> None:
    cells = ["2025-01-01", " Total: 3", "", "--", "2025-02-01", "Grand total", "x"]
    data = pd.DataFrame({"Day": pd.Series(cells, dtype=object)})
    ads = table.Table(Path("a.csv"), "utf-8", table.Header(0, ",", ["Day"]), data,
                      np.arange(len(cells)))  # fmt: skip
    texts = data["Day"].str.strip().str.lower()
    total = texts.str.startswith(("total", "grand total", "--")) | (texts == "")
    assert data_rows(ads, "Day").equals(data.index[~total.to_numpy()])
    days = ["2025-03-01", "2025-01-01", "2025-03-01", "2025-06-01"]
    months = pd.Series(pd.to_datetime(days)).astype("datetime64[ns]")
    values = {"a": pd.Series([1.5, np.nan, 2.25, -0.0]), "b": pd.Series([np.nan] * 4)}
    summed = pd.DataFrame(values).groupby(months.to_numpy()).sum(min_count=1)
    full = pd.date_range(summed.index.min(), summed.index.max(), freq="MS")
    expected = summed.reindex(full).set_axis(month_index(full)).astype(np.float64)
    pd.testing.assert_frame_equal(monthly_sum(values, months), expected, check_exact=True)


def test_comment_blocks_are_picked_as_the_general_path() -> None:
    rng = np.random.default_rng(3)
    days = pd.to_datetime("2025-11-01") + pd.to_timedelta(rng.integers(0, 90, 60), unit="D")
    comments = pd.DataFrame({
        "date": pd.Series(days).astype("datetime64[ns]"),
        "score": rng.integers(0, 11, 60).astype(np.float64),
        "comment": [f"c{i}" for i in range(60)],
    })  # fmt: skip
    comments.loc[3, "date"], comments.loc[4, "score"] = pd.NaT, np.nan
    general_path = comments.assign(date=comments["date"].astype(object))  # not datetime64
    for rows in (1, 15, 40):
        got = comment_values(comments, dt.date(2026, 1, 1), dt.date(2027, 1, 1), rows)
        assert got == comment_values(general_path, dt.date(2026, 1, 1), dt.date(2027, 1, 1), rows)


ODD_FILES = {
    "bom_semicolon_comma.csv": "\ufeffmonth;investment_cost;processes_automated\n"
    "2025-01;12 000,50;3\n\n2025-02;0,5;4\n",
    "quoted.csv": 'Day,Campaign,Cost\n2025-01-01,"Search, brand",12.50\n'
    '2025-01-02,"Line\none",3\n2025-02-01, x ,"1,5"\n',
    "crlf_blank.csv": "Day,Campaign,Cost\r\n2025-01-01,a,1.5\r\n\r\n2025-01-03,b, 2 \r\n",
    "ga4_months.csv": "# GA4\nYear month,Total users,Sessions\n202501,10,12\n202502,11,13\n\n# x\n",
    "typeform_scores.csv": "#,How likely are you to recommend us?,Why?,Submit Date (UTC)\n"
    'a,9,"Great, really",2025-01-05 10:00:00\nb,,,2025-01-06 10:00:00\nc,03,late,2025-02-01\n',
}


@pytest.mark.parametrize("name", [*ODD_FILES, "samples"])
def test_small_files_read_as_the_general_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    """Every reader on small files with odd formatting: the same monthly table, cohorts,
    comments and origins (or the same error) with the quick paths as without them."""
    if name == "samples":
        for write in (write_shopify, write_woocommerce, write_ga4, write_google_ads,
                      write_meta, write_typeform, write_manual):  # fmt: skip
            write(tmp_path)
    else:
        (tmp_path / name).write_text(ODD_FILES[name], encoding="utf-8", newline="")
    config = load_config(None)

    def read() -> object:
        exports = read_exports(tmp_path, config)
        return (exports.monthly, exports.cohorts, exports.comments, exports.origins,
                exports.warnings, [s.describe() for s in exports.sources])  # fmt: skip

    quick = outcome(read)
    general(monkeypatch)
    expected = outcome(read)
    if not isinstance(expected, tuple) or not isinstance(expected[0], pd.DataFrame):
        assert quick == expected
        return
    assert isinstance(quick, tuple)
    for got, wanted in zip(quick, expected, strict=True):
        if isinstance(wanted, pd.DataFrame):
            pd.testing.assert_frame_equal(got, wanted, check_exact=True)
        else:
            assert got == wanted
