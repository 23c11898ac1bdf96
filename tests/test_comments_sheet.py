"""The Customer comments sheet: the fiscal year's latest NPS comments in the report.

The demo report must hold the comments the importers read (newest first,
detractors 0-6 and promoters 9-10 apart), a comment that looks like a
formula must stay text, a refresh must rewrite the blocks, and a workbook
without the ``nps_*`` names must still fill.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from test_writer_workbooks import build_contract_workbook, defined_values, members, sample_table

from kpi_xl.commands.demo import make_demo
from kpi_xl.report import load_inputs
from kpi_xl.workbook import contract
from kpi_xl.workbook.template import texts
from kpi_xl.workbook.template.templates import template_path
from kpi_xl.workbook.write.names import read_workbook_info
from kpi_xl.workbook.write.writer import SettingsUpdate, Workbook, fill, refresh

pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")  # openpyxl: sparklines

FY_2026 = SettingsUpdate(fy_start=dt.date(2026, 1, 1))
INJECTIONS = ('=HYPERLINK("http://evil.example","clic")', "+1+1", "@SUM(A1)", "-2", " =1 ")


def _table() -> pd.DataFrame:
    months = pd.date_range("2026-01-01", periods=12, freq="MS", name="month")
    return pd.DataFrame({"revenue": [1000.0] * 12}, index=months)


def _comments(rows: list[tuple[str, float, str]]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["date", "score", "comment"])
    return frame.assign(date=pd.to_datetime(frame["date"]), file="nps.csv")


def _block(wb: openpyxl.Workbook, group: str) -> list[tuple[object, object, object]]:
    """The block's filled rows as (date, score, comment)."""
    columns = [defined_values(wb, contract.comment_name(group, f)) for f in contract.COMMENT_FIELDS]
    return [row for row in zip(*columns, strict=True) if row != (None, None, None)]


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    return make_demo(tmp_path_factory.mktemp("demo"), "fr")


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_template_has_the_sheet_after_the_dashboard_with_its_names(lang: str) -> None:
    wb = openpyxl.load_workbook(template_path(lang))
    assert wb.sheetnames.index(texts.SHEET_COMMENTS(lang)) == 2
    for name in contract.comment_names():
        sheet, _ = next(iter(wb.defined_names[name].destinations))
        assert sheet == texts.SHEET_COMMENTS(lang)
        assert defined_values(wb, name) == [None] * contract.COMMENT_ROWS
    assert set(contract.comment_names()).isdisjoint(contract.required_names())


@pytest.mark.parametrize("group", contract.COMMENT_GROUPS)
def test_demo_report_holds_the_latest_comments_of_the_year(
    demo: tuple[Path, Path], group: str
) -> None:
    exports, report = demo
    _, read = load_inputs(exports)
    assert read.comments is not None
    months = Workbook(report).months()
    start, end = pd.Timestamp(months[0]), pd.Timestamp(months[-1]) + pd.DateOffset(months=1)
    year = read.comments[(read.comments["date"] >= start) & (read.comments["date"] < end)]
    year = year[year["score"] <= 6] if group == "detractors" else year[year["score"] >= 9]
    assert len(year) > contract.COMMENT_ROWS  # the demo has more than a block holds
    want = {(pd.Timestamp(d).date(), float(s), c) for d, s, c in year[["date", "score", "comment"]].itertuples(index=False)}  # fmt: skip
    newest = sorted(year["date"], reverse=True)[: contract.COMMENT_ROWS]
    got = _block(openpyxl.load_workbook(report), group)
    assert len(got) == contract.COMMENT_ROWS
    assert [d for d, _, _ in got] == [pd.Timestamp(d).to_pydatetime() for d in newest]
    for d, s, c in got:
        assert isinstance(d, dt.datetime) and (d.date(), float(s), c) in want  # type: ignore[arg-type]


@pytest.mark.parametrize("text", INJECTIONS)
def test_a_comment_like_a_formula_stays_text(tmp_path: Path, text: str) -> None:
    out = tmp_path / "r.xlsx"
    fill(template_path("en"), _table(), out, FY_2026, _comments([("2026-03-02", 1.0, text)]))
    wb = openpyxl.load_workbook(out)
    assert _block(wb, "detractors") == [(dt.datetime(2026, 3, 2), 1, text)]
    info = read_workbook_info(out, members(out))
    ref = info.names[contract.comment_name("detractors", "comment")]
    xml = members(out)[ref.part]
    row, col = ref.cells[0]
    address = f"{chr(ord('A') + col - 1)}{row}"
    cell = re.search(rb'<c r="' + address.encode() + rb'"[^>]*>.*?</c>', xml, re.S)
    assert cell is not None and b't="inlineStr"' in cell.group(0) and b"<f>" not in cell.group(0)


def test_only_the_fiscal_year_and_the_right_scores_are_kept(tmp_path: Path) -> None:
    comments = _comments([
        ("2025-12-31", 0.0, "last year"), ("2026-01-01", 2.0, "first day"),
        ("2026-12-31", 10.0, "last day"), ("2027-01-01", 10.0, "next year"),
        ("2026-06-01", 7.0, "passive"), ("2026-06-01", 8.0, "passive too"),
        ("2026-06-02", 9.0, "promoter"), ("2026-06-03", 6.0, "detractor"),
    ])  # fmt: skip
    out = tmp_path / "r.xlsx"
    fill(template_path("fr"), _table(), out, FY_2026, comments)
    wb = openpyxl.load_workbook(out)
    assert [c for _, _, c in _block(wb, "detractors")] == ["detractor", "first day"]
    assert [c for _, _, c in _block(wb, "promoters")] == ["last day", "promoter"]


def test_refresh_rewrites_the_blocks_and_empties_the_rest(tmp_path: Path) -> None:
    path = tmp_path / "r.xlsx"
    first = _comments([(f"2026-02-{d:02d}", 3.0, f"old {d}") for d in range(1, 21)])
    fill(template_path("fr"), _table(), path, FY_2026, first)
    assert len(_block(openpyxl.load_workbook(path), "detractors")) == contract.COMMENT_ROWS
    second = _comments([("2026-04-01", 0.0, "new"), ("2026-03-01", 10.0, "bravo")])
    summary = refresh(path, _table(), comments=second)
    assert summary.cells > 0
    wb = openpyxl.load_workbook(path)
    assert _block(wb, "detractors") == [(dt.datetime(2026, 4, 1), 0, "new")]
    assert _block(wb, "promoters") == [(dt.datetime(2026, 3, 1), 10, "bravo")]
    assert refresh(path, _table(), comments=second).cells == 0  # same data: nothing changes
    assert refresh(path, _table()).cells == 0  # no survey given: the blocks are kept
    assert _block(openpyxl.load_workbook(path), "promoters") == [(dt.datetime(2026, 3, 1), 10, "bravo")]  # fmt: skip


def test_a_workbook_without_the_names_still_fills(tmp_path: Path) -> None:
    template = build_contract_workbook(tmp_path / "mine.xlsx")
    assert not set(contract.comment_names()) & set(Workbook(template).names)
    out = tmp_path / "r.xlsx"
    comments = _comments([("2025-02-01", 1.0, "slow")])
    summary = fill(template, sample_table(), out, comments=comments)
    assert summary.months and Workbook(out).values("in_revenue")[0] is not None
