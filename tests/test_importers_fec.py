"""The FEC reader: the real sample's official result, and every tolerance."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from samples import REAL_FEC, official_figures

from kpi_xl.config import load_config
from kpi_xl.importers.fec import read_fec

HEADER = (
    "JournalCode\tJournalLib\tEcritureNum\tEcritureDate\tCompteNum\tCompteLib\tCompAuxNum\t"
    "CompAuxLib\tPieceRef\tPieceDate\tEcritureLib\tDebit\tCredit\tEcritureLet\tDateLet\t"
    "ValidDate\tMontantdevise\tIdevise"
)


def line(journal: str, date: str, account: str, debit: str, credit: str) -> str:
    return (f"{journal}\tJournal\t1\t{date}\t{account}\tLibellé é\t\t\tP1\t{date}\tÉcriture\t"
            f"{debit}\t{credit}\t\t\t{date}\t\t")  # fmt: skip


ENTRIES = [
    line("AN", "20240101", "101000", "0,00", "5000,00"),  # opening: left out
    line("AN", "20240101", "512000", "5000,00", "0,00"),
    line("VEN", "20240105", "411000", "1200,00", "0,00"),
    line("VEN", "20240105", "706000", "0,00", "1000,00"),
    line("VEN", "20240105", "445710", "0,00", "200,00"),
    line("VEN", "20240210", "709000", "50,00", "0,00"),  # rebate: negative revenue
    line("VEN", "20240210", "411000", "0,00", "50,00"),
    line("ACH", "20240215", "607000", "300,00", "0,00"),
    line("ACH", "20240215", "623100", "100,00", "0,00"),
    line("ACH", "20240215", "641000", "200,00", "0,00"),
    line("ACH", "20240215", "401000", "0,00", "600,00"),
]


def write(tmp_path: Path, text: str, encoding: str = "utf-8", name: str = "FEC.txt") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def month(text: str) -> pd.Timestamp:
    return pd.Timestamp(text + "-01")


def check_small(result_path: Path) -> None:
    result = read_fec(result_path)
    m = result.monthly
    assert m["revenue"].tolist() == [1000.0, -50.0]
    assert m["net_profit"].tolist() == [1000.0, -650.0]
    assert m["sales_marketing_costs"].tolist() == [0.0, 100.0]
    assert m["personnel_costs"].tolist() == [0.0, 200.0]
    assert m.loc[month("2024-01"), "gross_margin"] == 1.0
    assert np.isnan(m.loc[month("2024-02"), "gross_margin"])  # revenue <= 0
    assert result.totals["debit"] == result.totals["credit"]
    assert result.warnings == []


def test_real_fec_gives_the_official_result() -> None:
    result = read_fec(REAL_FEC)
    official = official_figures()
    # The published liasse rounds to the euro; its codes are shifted (tests/data/README.md).
    revenue = official["EA"] + official["EB"] + official["EC"] + official["EE"]
    assert result.monthly["revenue"].sum() == pytest.approx(revenue, abs=1)
    assert official["CE"] == official["FJ"] == official["FK"]
    assert result.totals["net_profit"] == pytest.approx(official["CE"], abs=1)
    assert result.totals["net_profit"] == pytest.approx(173_208.48, abs=0.005)
    assert result.monthly["net_profit"].sum() == pytest.approx(173_208.48, abs=0.005)
    assert result.totals["debit"] == pytest.approx(result.totals["credit"])
    assert result.source.rows == 5422
    assert len(result.monthly) == 12
    assert result.monthly.index[0] == month("2021-09")
    # The ANO (opening) journal only holds balance-sheet accounts (classes 1-5).
    opening = result.by_account[result.by_account["opening"]]
    assert set(opening["account"].str[0]) <= {"1", "2", "3", "4", "5"}


def test_small_fec_monthly_figures(tmp_path: Path) -> None:
    check_small(write(tmp_path, HEADER + "\n" + "\n".join(ENTRIES) + "\n"))


@pytest.mark.parametrize(
    "transform",
    [
        pytest.param(lambda t: "\ufeff" + t, id="bom"),
        pytest.param(lambda t: t.replace("\n", "\r\n"), id="crlf"),
        pytest.param(lambda t: t.replace("\n", "\r\r\n"), id="crcrlf"),
        pytest.param(lambda t: t.replace("\t", "|"), id="pipe"),
        pytest.param(lambda t: t.replace("\n", "\t\n"), id="trailing-separator"),
        pytest.param(
            lambda t: t.replace("JournalCode", "journalcode").replace(
                "Montantdevise", "MontantDevise"
            ),
            id="header-case",
        ),
        pytest.param(
            lambda t: (
                t.replace("\tVEN\t", "\tVEN \t")
                .replace("\n706000", "\n706000 ")
                .replace("1000,00", " 0000000001000,00")
            ),
            id="padding",
        ),
        pytest.param(
            lambda t: t.replace("50,00\t0,00", "50,00-\t0,00").replace(
                "709000\tLibellé é\t\t\tP1\t20240210\tÉcriture\t50,00-",
                "709000\tLibellé é\t\t\tP1\t20240210\tÉcriture\t50,00",
            ),
            id="trailing-sign-column",
        ),
        pytest.param(lambda t: t.replace("1200,00", "1200.00"), id="decimal-point"),
        pytest.param(lambda t: t.replace("20240105", "2024-01-05"), id="iso-dates"),
        pytest.param(lambda t: t.replace("20240105", "05/01/2024"), id="french-dates"),
        pytest.param(lambda t: t + "\n\n", id="blank-lines-at-end"),
    ],
)
def test_tolerances(tmp_path: Path, transform: object) -> None:
    text = transform(HEADER + "\n" + "\n".join(ENTRIES) + "\n")  # type: ignore[operator]
    check_small(write(tmp_path, text))


@pytest.mark.parametrize("encoding", ["cp1252", "iso-8859-15", "utf-8"])
def test_encodings(tmp_path: Path, encoding: str) -> None:
    result_path = write(tmp_path, HEADER + "\n" + "\n".join(ENTRIES) + "\n", encoding)
    check_small(result_path)
    assert read_fec(result_path).source.encoding in (encoding, "cp1252")


def test_trailing_minus_amounts(tmp_path: Path) -> None:
    entries = [line("VEN", "20240105", "706000", "0,00", "100,00-"),
               line("VEN", "20240105", "411000", "0,00", "100,00")]  # fmt: skip
    result = read_fec(write(tmp_path, HEADER + "\n" + "\n".join(entries) + "\n"))
    assert result.monthly["revenue"].tolist() == [-100.0]


def test_montant_sens_variant(tmp_path: Path) -> None:
    header = "JournalCode|EcritureDate|CompteNum|Montant|Sens|DateRglt|ModeRglt|NatOp|IdClient"
    rows = ["VEN|20240105|706000|1000,00|C||||", "VEN|20240105|411000|1000,00|D||||",
            "ACH|20240106|607000|400,00|+1||||", "ACH|20240106|401000|400,00|-1||||"]  # fmt: skip
    result = read_fec(write(tmp_path, header + "\n" + "\n".join(rows) + "\n"))
    assert result.monthly["revenue"].tolist() == [1000.0]
    assert result.monthly["gross_margin"].tolist() == [0.6]


def test_unbalanced_fec_warns_with_both_totals(tmp_path: Path) -> None:
    result = read_fec(write(tmp_path, HEADER + "\n" + "\n".join(ENTRIES[:-1]) + "\n"))
    assert len(result.warnings) == 1
    assert "6,850.00" in result.warnings[0] and "6,250.00" in result.warnings[0]


def test_configured_accounts_and_journals(tmp_path: Path) -> None:
    cfg = tmp_path / "kpi_xl.toml"
    cfg.write_text('[fec]\nmarketing_accounts = ["623", "641"]\nopening_journals = []\n')
    path = write(tmp_path, HEADER + "\n" + "\n".join(ENTRIES) + "\n")
    result = read_fec(path, load_config(cfg))
    assert result.monthly["sales_marketing_costs"].tolist() == [0.0, 300.0]
