"""The exercise comes from the FEC's entries: every month of it, nothing twice, nothing silent.

Each case is a small hand-made FEC (issue 11): a 13-month first exercise, a file name whose
closing date disagrees, an AD opening journal over earlier years, a month with only
balance-sheet lines, the same file twice, N and N-1 side by side, a FEC lagging the orders.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from samples import REAL_FEC
from test_importers_fec import HEADER, line

from kpi_xl.cli import main
from kpi_xl.errors import InputFileError
from kpi_xl.importers import read_exports
from kpi_xl.importers.fec import read_fec
from kpi_xl.importers.period import report_period


def month(text: str) -> pd.Timestamp:
    return pd.Timestamp(text + "-01")


def sale(day: str, amount: float, journal: str = "VEN") -> list[str]:
    """A sale of ``amount`` excl. VAT on ``day``: 411 / 706 / 44571."""
    vat = round(amount * 0.2, 2)
    return [
        line(journal, day, "411000", f"{amount + vat:.2f}".replace(".", ","), "0,00"),
        line(journal, day, "706000", "0,00", f"{amount:.2f}".replace(".", ",")),
        line(journal, day, "445710", "0,00", f"{vat:.2f}".replace(".", ",")),
    ]


def charge(day: str, amount: float, account: str = "606100") -> list[str]:
    text = f"{amount:.2f}".replace(".", ",")
    return [line("ACH", day, account, text, "0,00"), line("ACH", day, "401000", "0,00", text)]


def write_fec(folder: Path, name: str, lines: list[str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(HEADER + "\n" + "\n".join(lines) + "\n", encoding="utf-8")
    return path


def monthly_sales(first: str, months: int, base: float = 1000.0) -> tuple[list[str], list[float]]:
    """Sales of base, base + 100... and a charge of 40 % each month from ``first``."""
    lines, revenue = [], []
    for m, start in enumerate(pd.date_range(month(first), periods=months, freq="MS")):
        amount = base + 100.0 * m
        lines += sale(f"{start:%Y%m}15", amount) + charge(f"{start:%Y%m}28", amount * 0.4)
        revenue.append(amount)
    return lines, revenue


def write_woo(folder: Path, orders: dict[str, float]) -> Path:
    """A WooCommerce orders export: one order per month (``YYYY-MM`` -> net sales)."""
    rows = ["Date;Commande #;Statut;Client;Ventes nettes"]
    for i, (when, amount) in enumerate(orders.items()):
        rows.append(f"{when}-10 10:00:00;{3000 + i};Terminée;Client {i};{amount:.2f}")
    path = folder / "wc-orders.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


# ------------------------------------------------------------------ 13-month first exercise


def first_exercise(folder: Path) -> tuple[Path, list[float]]:
    lines, revenue = monthly_sales("2022-04", 13)
    return write_fec(folder, "123456789FEC20220930.txt", lines), revenue


def test_thirteen_month_first_exercise_every_month_and_the_name_warning(tmp_path: Path) -> None:
    path, revenue = first_exercise(tmp_path)
    result = read_fec(path)
    exercise = result.exercise
    assert exercise is not None
    assert (exercise.start, exercise.end, exercise.n_months) == (
        month("2022-04"),
        month("2023-04"),
        13,
    )
    assert any("2022-09-30" in w and "2022-04 to 2023-04" in w for w in result.warnings)
    period = report_period(read_exports(tmp_path))
    table = period.table
    assert list(table.index) == list(pd.date_range(month("2022-04"), periods=13, freq="MS"))
    assert table["revenue"].tolist() == revenue
    assert table["revenue"].sum() == pytest.approx(sum(revenue), abs=0.005)
    assert table["net_profit"].sum() == pytest.approx(result.totals["net_profit"], abs=0.005)
    assert result.totals["net_profit"] == round(sum(revenue) * 0.6, 2)
    assert period.latest == month("2023-04")
    assert period.warnings == []


def test_compute_shows_the_thirteen_months(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _, revenue = first_exercise(tmp_path / "in")
    assert main(["compute", "--from", str(tmp_path / "in"), "--format", "json"]) == 0
    captured = capsys.readouterr()
    document = json.loads(captured.out)
    assert (document["months"][0]["month"], document["months"][-1]["month"]) == (
        "2022-04",
        "2023-04",
    )
    assert len(document["months"]) == 13
    assert [m["revenue"] for m in document["months"]] == revenue
    assert document["months"][0]["origins"]["revenue"] == "fec"
    assert document["exercise"]["months"] == 13
    assert any("2022-09-30" in w for w in document["warnings"])
    assert "2022-09-30" in captured.err  # and on stderr, before the output
    # April 2023 against April 2022 is the exercise against itself: no N-1, no growth
    assert document["months"][-1]["revenue_prev_year"] is None
    assert document["ytd"]["revenue_growth"] is None


# ------------------------------------------------------------------ the file name disagrees


def test_a_name_closing_before_every_entry_is_a_warning(tmp_path: Path) -> None:
    lines, _ = monthly_sales("2023-01", 12)
    result = read_fec(write_fec(tmp_path, "123456789FEC20221231.txt", lines))
    assert result.exercise is not None
    assert (result.exercise.start, result.exercise.end) == (month("2023-01"), month("2023-12"))
    assert len(result.warnings) == 1
    assert "2022-12-31" in result.warnings[0] and "2023-01 to 2023-12" in result.warnings[0]


def test_a_name_closing_after_the_entries_is_an_exercise_in_progress(tmp_path: Path) -> None:
    lines, _ = monthly_sales("2023-01", 9)
    result = read_fec(write_fec(tmp_path, "123456789FEC20231231.txt", lines))
    assert result.warnings == []
    assert result.exercise is not None and result.exercise.n_months == 12
    assert result.exercise.last_closed == month("2023-09")


def test_more_than_24_months_is_refused(tmp_path: Path) -> None:
    lines = sale("20210115", 100.0) + sale("20230615", 100.0)
    with pytest.raises(InputFileError, match="30 months"):
        read_fec(write_fec(tmp_path, "FEC.txt", lines))


# ------------------------------------------------------------------ AD opening journal


def test_ad_opening_journal_over_earlier_years(tmp_path: Path) -> None:
    lines = [
        line("AD", "20210315", "411000", "500,00", "0,00"),  # an open invoice of 2021
        line("AD", "20220630", "401000", "0,00", "300,00"),
        line("AD", "20230101", "512000", "0,00", "200,00"),
    ]
    sales, revenue = monthly_sales("2023-01", 12)
    write_fec(tmp_path, "FEC.txt", lines + sales)
    orders = {"2021-03": 700.0, "2022-03": 800.0, "2022-06": 900.0}
    write_woo(tmp_path, orders)
    exports = read_exports(tmp_path)
    assert exports.exercises[0].start == month("2023-01")
    assert list(exports.exercises[0].covered) == list(
        pd.date_range(month("2023-01"), periods=12, freq="MS")
    )
    m = exports.monthly
    for when, amount in orders.items():  # the FEC covers none of these months
        assert m.loc[month(when), "revenue"] == amount
        assert (
            exports.origins is not None and exports.origins.loc[month(when), "revenue"] == "orders"
        )
    table = report_period(exports).table
    assert table.index[0] == month("2023-01") and len(table) == 12
    assert table.loc[month("2023-03"), "revenue_prev_year"] == 800.0
    assert table.loc[month("2023-06"), "revenue_prev_year"] == 900.0
    assert np.isnan(table.loc[month("2023-07"), "revenue_prev_year"])  # no source: not -0.0
    assert table["revenue"].tolist() == revenue


def test_a_journal_labelled_a_nouveaux_is_an_opening_journal(tmp_path: Path) -> None:
    opening = [line("XO", "20230101", "512000", "1000,00", "0,00").replace("\tJournal\t", "\tÀ nouveaux\t"),
               line("XO", "20230101", "706000", "0,00", "1000,00").replace("\tJournal\t", "\tÀ nouveaux\t")]  # fmt: skip
    result = read_fec(write_fec(tmp_path, "FEC.txt", opening + sale("20230210", 50.0)))
    assert result.monthly["revenue"].tolist() == [50.0]
    assert result.exercise is not None and result.exercise.start == month("2023-01")


# ------------------------------------------------------------------ balance-sheet-only month


def test_a_month_with_only_balance_sheet_lines_is_not_covered(tmp_path: Path) -> None:
    sales, _ = monthly_sales("2023-01", 3)
    vat = [line("OD", "20230430", "445660", "120,00", "0,00"),  # a VAT carry-forward
           line("OD", "20230430", "445670", "0,00", "120,00")]  # fmt: skip
    write_fec(tmp_path, "FEC.txt", sales + vat)
    write_woo(tmp_path, {"2023-04": 650.0})
    exports = read_exports(tmp_path)
    assert list(exports.exercises[0].covered) == [
        month("2023-01"),
        month("2023-02"),
        month("2023-03"),
    ]
    assert exports.monthly.loc[month("2023-04"), "revenue"] == 650.0  # not the FEC's 0
    period = report_period(exports)
    assert period.latest == month("2023-03")
    assert np.isnan(period.table.loc[month("2023-04"), "revenue"])
    assert len(period.warnings) == 1 and "2023-04 (" in period.warnings[0]
    assert "--until 2023-04" in period.warnings[0]


# ------------------------------------------------------------------ the same file twice


def test_the_same_file_twice_is_refused_naming_both(tmp_path: Path) -> None:
    lines, _ = monthly_sales("2023-01", 12)
    path = write_fec(tmp_path, "123456789FEC20231231.txt", lines)
    shutil.copy(path, tmp_path / "123456789FEC20231231 (1).txt")
    with pytest.raises(InputFileError) as error:
        read_exports(tmp_path)
    assert "123456789FEC20231231.txt" in str(error.value)
    assert "123456789FEC20231231 (1).txt" in str(error.value)


def test_the_same_exercise_twice_is_refused(tmp_path: Path) -> None:
    lines, _ = monthly_sales("2023-01", 12)
    write_fec(tmp_path, "FEC_sept.txt", lines[: 5 * 9])
    write_fec(tmp_path, "FEC_dec.txt", lines)
    with pytest.raises(InputFileError, match=r"FEC_dec\.txt.*FEC_sept\.txt|FEC_sept\.txt.*FEC_dec"):
        read_exports(tmp_path)


def test_the_cli_exits_2_on_a_duplicate(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    lines, _ = monthly_sales("2023-01", 2)
    path = write_fec(tmp_path, "FEC.txt", lines)
    shutil.copy(path, tmp_path / "FEC (1).txt")
    assert main(["compute", "--from", str(tmp_path)]) == 2
    assert "FEC (1).txt" in capsys.readouterr().err


# ------------------------------------------------------------------ N and N-1


def test_n_and_n_minus_1_side_by_side(tmp_path: Path) -> None:
    before, revenue_before = monthly_sales("2022-01", 12, base=500.0)
    now, revenue_now = monthly_sales("2023-01", 12)
    write_fec(tmp_path, "123456789FEC20221231.txt", before)
    write_fec(tmp_path, "123456789FEC20231231.txt", now)
    period = report_period(read_exports(tmp_path))
    assert period.table.index[0] == month("2023-01") and len(period.table) == 12
    assert period.table["revenue"].tolist() == revenue_now
    assert period.table["revenue_prev_year"].tolist() == revenue_before
    assert period.warnings == []
    older = report_period(read_exports(tmp_path), year=2022)
    assert older.table["revenue"].tolist() == revenue_before


# ------------------------------------------------------------------ a FEC lagging the orders


def lagging(folder: Path) -> list[float]:
    lines, revenue = monthly_sales("2023-01", 9)
    write_fec(folder, "FEC.txt", lines)
    write_woo(folder, {"2023-09": 111.0, "2023-10": 2200.0})
    return revenue


def test_a_fec_lagging_the_orders_stops_at_its_last_closed_month(tmp_path: Path) -> None:
    revenue = lagging(tmp_path)
    period = report_period(read_exports(tmp_path))
    table = period.table
    assert len(table) == 12 and table.index[0] == month("2023-01")
    assert period.latest == month("2023-09")
    assert table["revenue"].iloc[:9].tolist() == revenue
    assert table.iloc[9:].isna().all().all()  # October to December: empty
    assert len(period.warnings) == 1
    warning = period.warnings[0]
    assert "2023-10 (orders)" in warning and "--until 2023-10" in warning
    assert 'until = "2023-10"' in warning


def test_orders_after_a_closed_exercise_are_named_with_the_option_that_reports_them(
    tmp_path: Path,
) -> None:
    lines, revenue = monthly_sales("2023-01", 12)
    write_fec(tmp_path, "123456789FEC20231231.txt", lines)
    write_woo(tmp_path, {"2024-01": 500.0, "2024-03": 700.0})
    period = report_period(read_exports(tmp_path))
    assert period.table["revenue"].tolist() == revenue  # the FEC's exercise, 2023
    (warning,) = period.warnings
    assert warning.startswith("2024-01 to 2024-03 (orders) left out")
    assert "ends 2023-12" in warning and "--until 2024-03" in warning
    later = report_period(read_exports(tmp_path), until=month("2024-03"))
    assert later.table.loc[month("2024-03"), "revenue"] == 700.0 and later.warnings == []


def test_until_includes_the_later_months(tmp_path: Path) -> None:
    lagging(tmp_path)
    period = report_period(read_exports(tmp_path), until=month("2023-10"))
    assert period.latest == month("2023-10")
    assert period.table.loc[month("2023-10"), "revenue"] == 2200.0
    assert period.warnings == []


def test_until_from_the_config_and_the_cli(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lagging(tmp_path)
    (tmp_path / "kpi_xl.toml").write_text('until = "2023-10"\n', encoding="utf-8")
    assert main(["compute", "--from", str(tmp_path), "--format", "json"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert document["latest_month"] == "2023-10"
    assert document["months"][9]["revenue"] == 2200.0
    assert main(["compute", "--from", str(tmp_path), "--format", "json", "--until", "2023-08"]) == 0
    captured = capsys.readouterr()
    document = json.loads(captured.out)
    assert document["months"][8]["revenue"] is None
    assert any("2023-09" in w and "left out" in w for w in document["warnings"])
    assert main(["compute", "--from", str(tmp_path), "--until", "2023-13"]) == 2


def test_fec_figures_outside_the_table_are_a_warning_with_amounts(tmp_path: Path) -> None:
    lines, revenue = monthly_sales("2023-01", 12)
    write_fec(tmp_path, "FEC.txt", lines)
    period = report_period(read_exports(tmp_path), until=month("2023-10"))
    assert any("2 months" in w and f"{sum(revenue[10:]):,.2f}" in w for w in period.warnings), (
        period.warnings
    )


def test_without_a_fec_year_and_start_month_still_work(tmp_path: Path) -> None:
    write_woo(tmp_path, {"2023-03": 10.0, "2024-02": 20.0})
    exports = read_exports(tmp_path)
    period = report_period(exports, start_month=4)
    assert period.table.index[0] == month("2023-04")
    assert report_period(exports, year=2022, start_month=4).table.index[0] == month("2022-04")


# ------------------------------------------------------------------ the real sample


def test_the_real_fec_is_one_twelve_month_exercise(tmp_path: Path) -> None:
    shutil.copy(REAL_FEC, tmp_path / REAL_FEC.name)
    exports = read_exports(tmp_path)
    (exercise,) = exports.exercises
    assert (exercise.start, exercise.end) == (month("2021-09"), month("2022-08"))
    period = report_period(exports)
    assert period.warnings == [] and exports.warnings == []
    assert period.table["net_profit"].sum() == pytest.approx(173_208.48, abs=0.005)
