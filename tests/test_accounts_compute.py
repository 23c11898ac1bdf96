"""``kpi-xl compute`` shows the FEC's accounts, and last year's when its FEC is in the folder."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from test_accounts_ledger import ENTRIES, EXPECTED, EXPECTED_KPIS, HEADER, opening

from kpi_xl.cli import main
from kpi_xl.importers import ledger

ACCOUNT_COLUMNS = (
    "ebe", "ebe_margin", "cash", "net_cash_flow", "receivables", "payables", "dso", "dpo",
    "working_capital", *ledger.SIG_COLUMNS, "net_profit",
)  # fmt: skip


def write_year(folder: Path, year: int) -> None:
    """The hand-worked FEC of tests/test_accounts_ledger.py, moved to ``year``."""
    lines = [line.replace("2024", str(year)) for line in opening() + ENTRIES]
    path = folder / f"000000001FEC{year}1231.txt"
    path.write_text(HEADER + "\n" + "\n".join(lines) + "\n", encoding="utf-8")


def csv_rows(folder: Path, capsys: pytest.CaptureFixture[str], fmt: str = "csv") -> list[dict]:
    assert main(["compute", "--from", str(folder), "--year", "2024", "--format", fmt]) == 0
    return list(csv.DictReader(io.StringIO(capsys.readouterr().out), delimiter=","))


def number(text: str) -> float | None:
    return float(text) if text else None


def test_one_fec_gives_its_accounts_without_last_year(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_year(tmp_path, 2024)
    rows = csv_rows(tmp_path, capsys)
    assert set(ACCOUNT_COLUMNS) <= set(rows[0])
    assert [number(r["cash"]) for r in rows[:4]] == EXPECTED["cash"].tolist()
    assert [number(r["dso"]) for r in rows[:4]] == EXPECTED_KPIS["dso"]
    assert [number(r["working_capital"]) for r in rows[:4]] == EXPECTED_KPIS["working_capital"]
    assert rows[4]["cash"] == ""  # May: the FEC stops in April
    assert not any(c.endswith("_prev_year") for c in rows[0] if c.startswith(("cash", "dso")))
    assert all(r["ebe_prev_year"] == "" for r in rows)


def test_last_years_fec_adds_prev_year_columns(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_year(tmp_path, 2023)
    write_year(tmp_path, 2024)
    rows = csv_rows(tmp_path, capsys)
    for column in ("cash", "receivables", "payables", "net_cash_flow"):
        got = [number(r[f"{column}_prev_year"]) for r in rows[:4]]
        assert got == EXPECTED[column].tolist(), column
    assert [number(r["dso_prev_year"]) for r in rows[:4]] == EXPECTED_KPIS["dso"]
    assert [number(r["ebe_prev_year"]) for r in rows[:4]] == EXPECTED["ebe"].tolist()
    assert rows[0]["ebe_margin_prev_year"] == "0.125"
    assert rows[5]["cash_prev_year"] == ""


def test_json_and_table_carry_the_same_columns(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_year(tmp_path, 2023)
    write_year(tmp_path, 2024)
    assert main(["compute", "--from", str(tmp_path), "--year", "2024", "--format", "json"]) == 0
    month = json.loads(capsys.readouterr().out)["months"][1]
    assert month["payables"] == -640.0 and month["payables_prev_year"] == -640.0
    assert month["dpo"] == -40.0
    assert main(["compute", "--from", str(tmp_path), "--year", "2024", "--lang", "en"]) == 0
    out = capsys.readouterr().out
    assert "EBITDA (EBE)" in out and "Same months last year" in out
    assert "Days sales outstanding (DSO) N-1" in out
