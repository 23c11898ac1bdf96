"""`fill` and `refresh` over an exercise of N months, and a user's workbook with some inputs."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pytest
import xlsxwriter
from test_exercise import monthly_sales, write_fec, write_woo

from kpi_xl.cli import main
from kpi_xl.errors import WorkbookError
from kpi_xl.report import fill_report, refresh_report
from kpi_xl.workbook.template import templates

pytestmark = pytest.mark.filterwarnings("ignore:Sparkline Group extension:UserWarning")


def names(path: Path, name: str) -> list[object]:
    wb = openpyxl.load_workbook(path, data_only=True)
    ((sheet, coords),) = list(wb.defined_names[name].destinations)
    found = wb[sheet][coords.replace("$", "")]
    cells = [c for row in found for c in row] if isinstance(found, tuple) else [found]
    return [c.value for c in cells]


def own_workbook(path: Path, n_months: int, inputs: tuple[str, ...]) -> Path:
    """A user's workbook from scratch: ``months`` and a few ``in_*`` rows, nothing else."""
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("Data")
    dates = wb.add_format({"num_format": "yyyy-mm"})
    for m in range(n_months):
        ws.write_datetime(0, 1 + m, dt.datetime(2020 + m // 12, m % 12 + 1, 1), dates)
    last = xlsxwriter.utility.xl_col_to_name(n_months)
    wb.define_name("months", f"=Data!$B$1:${last}$1")
    for row, input_id in enumerate(inputs, start=1):
        ws.write(row, 0, input_id)
        wb.define_name(f"in_{input_id}", f"=Data!$B${row + 1}:${last}${row + 1}")
    wb.close()
    return path


def test_fill_a_thirteen_month_exercise_with_the_bundled_template(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    lines, revenue = monthly_sales("2022-04", 13)
    write_fec(tmp_path / "in", "123456789FEC20230430.txt", lines)
    out = tmp_path / "report.xlsx"
    assert main(["fill", "--from", str(tmp_path / "in"), "--out", str(out)]) == 0
    assert "13 months filled (2022-04 to 2023-04)" in capsys.readouterr().out
    assert names(out, "in_revenue") == revenue
    months = names(out, "months")
    assert len(months) == 13 and months[-1] == dt.datetime(2023, 4, 1)
    assert names(out, "kpi_net_margin_ytd")[0] == pytest.approx(0.6)
    assert (tmp_path / "cache").exists()  # the 13-month template was built into the cache
    cached = templates.template_path("fr", 13)
    assert cached.is_relative_to(tmp_path / "cache") and templates.is_bundled(cached)


def test_a_user_template_too_short_for_the_exercise_is_an_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lines, _ = monthly_sales("2022-01", 18)
    write_fec(tmp_path / "in", "FEC.txt", lines)
    template = own_workbook(tmp_path / "mine.xlsx", 12, ("revenue",))
    with pytest.raises(WorkbookError, match="12 month cells but the exercise 2022-01 to 2023-06"):
        fill_report(tmp_path / "in", tmp_path / "r.xlsx", template)
    code = main(["fill", "--from", str(tmp_path / "in"), "--template", str(template),
                 "--out", str(tmp_path / "r.xlsx")])  # fmt: skip
    assert code == 2
    assert "18 months" in capsys.readouterr().err


def test_a_user_workbook_with_some_inputs_is_filled_and_says_what_it_left_out(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lines, revenue = monthly_sales("2023-01", 12)
    write_fec(tmp_path / "in", "FEC.txt", lines)
    template = own_workbook(tmp_path / "mine.xlsx", 12, ("revenue", "net_profit"))
    out = tmp_path / "r.xlsx"
    result = fill_report(tmp_path / "in", out, template)
    assert names(out, "in_revenue") == revenue
    assert names(out, "in_net_profit") == pytest.approx([r * 0.6 for r in revenue])
    # Every figure the FEC gives that the workbook has no name for: the P&L inputs, then
    # the accounts (the cascade, cash, receivables...).
    assert result.summary.left_out[:2] == ("sales_marketing_costs", "gross_margin")
    assert {"ebe", "cash", "receivables"} <= set(result.summary.left_out)
    assert "revenue" not in result.summary.left_out
    assert any("in_sales_marketing_costs, in_gross_margin" in w for w in result.warnings)
    assert main(["fill", "--from", str(tmp_path / "in"), "--template", str(template),
                 "--out", str(out)]) == 0  # fmt: skip
    captured = capsys.readouterr()
    assert "in_gross_margin" in captured.err and "1 warning above" in captured.out


def test_fill_and_refresh_stop_at_the_last_closed_month(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lines, revenue = monthly_sales("2023-01", 9)
    folder = tmp_path / "in"
    write_fec(folder, "FEC.txt", lines)
    write_woo(folder, {"2023-10": 2200.0})
    out = tmp_path / "r.xlsx"
    result = fill_report(folder, out, templates.template_path("fr"))
    assert result.latest is not None and f"{result.latest:%Y-%m}" == "2023-09"
    assert names(out, "in_revenue") == [*revenue, None, None, None]
    assert names(out, "kpi_roi")[9:] == [None, None, None]
    assert any("--until 2023-10" in w for w in result.warnings)
    refreshed = refresh_report(out, folder, until="2023-10")
    assert names(out, "in_revenue")[9] == 2200.0
    assert not any("left out" in w for w in refreshed.warnings)
    assert main(["refresh", str(out), "--from", str(folder)]) == 0
    assert "warnings above" in capsys.readouterr().out


@pytest.mark.parametrize(("lang", "label"), [("fr", "Tendance 13 mois"), ("en", "13-month trend")])
def test_the_dashboard_trend_header_says_the_exercise_length(
    tmp_path: Path, lang: str, label: str
) -> None:
    from kpi_xl.workbook.template.builder import build_workbook
    from kpi_xl.workbook.template.layout import DASH_COL_TREND, DASH_ROW_HEADER, Sheets

    path = build_workbook(tmp_path / "t.xlsx", lang, n_months=13)
    sheet = openpyxl.load_workbook(path)[Sheets.for_lang(lang).dashboard]
    assert sheet.cell(DASH_ROW_HEADER + 1, DASH_COL_TREND + 1).value == label


def test_until_past_every_export_is_an_error_not_an_empty_report(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lines, _ = monthly_sales("2022-04", 13)
    write_fec(tmp_path / "in", "123456789FEC20230430.txt", lines)
    out = tmp_path / "r.xlsx"
    code = main(["fill", "--from", str(tmp_path / "in"), "--out", str(out), "--until", "2025-06"])
    assert code == 2 and not out.exists()
    err = capsys.readouterr().err
    assert "no figure for the fiscal year 2023-05 to 2024-04" in err and "--until" in err


def test_months_left_out_name_the_exports_not_last_year_shifted_on(tmp_path: Path) -> None:
    from kpi_xl import sample_data

    sample_data.write_sample_exports(tmp_path / "in", sample_data.Company(scale=0.05))
    result = fill_report(tmp_path / "in", tmp_path / "r.xlsx", templates.template_path("en"),
                         until="2025-06")  # fmt: skip
    (cut,) = [w for w in result.warnings if "left out of the KPIs" in w]
    assert cut.startswith("2025-07, 2025-08, 2025-09 (analytics, fec, manual, orders, survey)")


def test_a_thirteen_month_exercise_after_a_twelve_month_one_compares_with_n_minus_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import json

    before, _ = monthly_sales("2021-04", 12)
    write_fec(tmp_path / "in", "123456789FEC20220331.txt", before)
    lines, _ = monthly_sales("2022-04", 13, base=2000.0)
    write_fec(tmp_path / "in", "123456789FEC20230430.txt", lines)
    assert main(["compute", "--from", str(tmp_path / "in"), "--format", "json"]) == 0
    months = json.loads(capsys.readouterr().out)["months"]
    assert [m["month"] for m in months][::12] == ["2022-04", "2023-04"]
    n_1 = [m["ebe_prev_year"] for m in months]
    assert n_1[0] == pytest.approx(0.6 * 1000.0) and n_1[11] == pytest.approx(0.6 * 2100.0)
    # April 2023's "last year" is April 2022, the exercise itself: no N-1
    assert n_1[12] is None and months[12]["ebe_margin_prev_year"] is None
    out = tmp_path / "r.xlsx"
    assert main(["fill", "--from", str(tmp_path / "in"), "--out", str(out)]) == 0
    cells = names(out, "in_ebe_prev_year")
    assert len(cells) == 13 and cells[0] == pytest.approx(600.0) and cells[12] is None
