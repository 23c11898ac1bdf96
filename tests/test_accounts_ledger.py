"""What a FEC's accounts say, month by month: a hand-worked FEC and the real sample's liasse.

The small FEC below covers every account class the module reads: opening balances (journal
AN) on the bank, the cash box, a customer, a supplier and the stock; sales of goods and of
services with their VAT, a month without sales, a credit note, a supplier paid before its
invoice, depreciation, interest, exceptional items, a stock variation, a VAT return and the
income tax.  Every expected figure is worked out by hand in the comments.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from samples import REAL_FEC, official_figures

from kpi_xl.importers import ledger
from kpi_xl.importers.fec import read_fec
from kpi_xl.monthly import compute_kpis

HEADER = (
    "JournalCode\tJournalLib\tEcritureNum\tEcritureDate\tCompteNum\tCompteLib\tCompAuxNum\t"
    "CompAuxLib\tPieceRef\tPieceDate\tEcritureLib\tDebit\tCredit\tEcritureLet\tDateLet\t"
    "ValidDate\tMontantdevise\tIdevise"
)


def _amount(value: float) -> str:
    return f"{value:.2f}".replace(".", ",")


def entry(journal: str, date: str, *rows: tuple[str, float, float]) -> list[str]:
    return [
        f"{journal}\tJournal\t1\t{date}\t{account}\tCompte\t\t\tP1\t{date}\tLibellé\t"
        f"{_amount(debit)}\t{_amount(credit)}\t\t\t{date}\t\t"
        for account, debit, credit in rows
    ]


def opening(date: str = "20240101") -> list[str]:
    # Bank 10,000 + cash box 500 + customer 2,400 + stock 3,000 = supplier 1,200 + capital 14,700.
    return entry("AN", date, ("512000", 10_000, 0), ("530000", 500, 0), ("411000", 2_400, 0),
                 ("310000", 3_000, 0), ("401000", 0, 1_200), ("101000", 0, 14_700))  # fmt: skip


ENTRIES = [
    # January: goods 1,000 and services 1,000 sold (+ 20 % VAT), goods bought 500, rent 300,
    # the opening customer pays 2,400, payroll 800 + 300 (salaries paid), a tax of 50, a
    # subsidy of 200.
    *entry("VEN", "20240110", ("411000", 2_400, 0), ("707000", 0, 1_000), ("706000", 0, 1_000),
           ("445710", 0, 400)),
    *entry("ACH", "20240112", ("607000", 500, 0), ("445660", 100, 0), ("401000", 0, 600)),
    *entry("ACH", "20240115", ("613200", 300, 0), ("445660", 60, 0), ("401000", 0, 360)),
    *entry("BQ", "20240120", ("512000", 2_400, 0), ("411000", 0, 2_400)),
    *entry("OD", "20240125", ("441000", 200, 0), ("740000", 0, 200)),
    *entry("OD", "20240131", ("641000", 800, 0), ("421000", 0, 800), ("645000", 300, 0),
           ("431000", 0, 300), ("635110", 50, 0), ("447000", 0, 50)),
    *entry("BQ", "20240131", ("421000", 800, 0), ("512000", 0, 800)),
    # February, no sale: the supplier's 1,800 paid, then 1,000 paid before its next invoice;
    # depreciation 100, interest 20, social charges paid.
    *entry("BQ", "20240205", ("401000", 1_800, 0), ("512000", 0, 1_800)),
    *entry("BQ", "20240210", ("401000", 1_000, 0), ("512000", 0, 1_000)),
    *entry("OD", "20240228", ("681100", 100, 0), ("281000", 0, 100)),
    *entry("BQ", "20240228", ("661100", 20, 0), ("512000", 0, 20), ("431000", 300, 0),
           ("512000", 0, 300)),
    # March: a credit note of 200 on goods (7097), services sold 500, the prepaid supplier's
    # invoice 800 (604), exceptional income 150 and charge 50, stock down 500 (6037), the VAT
    # return (460 collected - 320 deductible = 140 paid) and an income tax of 30.
    *entry("VEN", "20240305", ("709700", 200, 0), ("445710", 40, 0), ("411000", 0, 240)),
    *entry("VEN", "20240320", ("411000", 600, 0), ("706000", 0, 500), ("445710", 0, 100)),
    *entry("ACH", "20240322", ("604000", 800, 0), ("445660", 160, 0), ("401000", 0, 960)),
    *entry("BQ", "20240325", ("512000", 150, 0), ("771000", 0, 150), ("671000", 50, 0),
           ("512000", 0, 50)),
    *entry("OD", "20240331", ("603700", 500, 0), ("310000", 0, 500), ("695000", 30, 0),
           ("444000", 0, 30)),
    *entry("OD", "20240331", ("445710", 460, 0), ("445660", 0, 320), ("445510", 0, 140)),
    *entry("BQ", "20240331", ("445510", 140, 0), ("512000", 0, 140)),
    # April: the customer pays its 2,760; a 100 + VAT sale paid into the cash box.
    *entry("BQ", "20240410", ("512000", 2_760, 0), ("411000", 0, 2_760)),
    *entry("CAI", "20240415", ("530000", 120, 0), ("706000", 0, 100), ("445710", 0, 20)),
]  # fmt: skip

EXPECTED = pd.DataFrame(
    {
        # Jan: 1,000 - 500; Mar: -200 (credit note) - 500 (stock down).
        "commercial_margin": [500, 0, -700, 0],
        "production": [1_000, 0, 500, 100],
        # Jan: 500 + 1,000 - 300 (rent); Mar: -700 + 500 - 800 (604).
        "value_added": [1_200, 0, -1_000, 100],
        "ebe": [250, 0, -1_000, 100],  # Jan: 1,200 + 200 - 50 - 1,100
        "operating_income": [250, -100, -1_000, 100],
        "current_income": [250, -120, -1_000, 100],
        "exceptional_income": [0, 0, 100, 0],
        "net_profit": [250, -120, -930, 100],  # Mar: -1,000 + 100 - 30
        "purchases": [500, 0, 1_300, 0],
        "external_charges": [300, 0, 0, 0],
        "taxes": [50, 0, 0, 0],
        "personnel_costs": [1_100, 0, 0, 0],
        "depreciation": [0, 100, 0, 0],
        "financial_charges": [0, 20, 0, 0],
        "exceptional_charges": [0, 0, 50, 0],
        # 10,500 + 2,400 - 800; - 1,800 - 1,000 - 20 - 300; + 150 - 50 - 140; + 2,760 + 120.
        "cash": [12_100, 8_980, 8_940, 11_820],
        "net_cash_flow": [1_600, -3_120, -40, 2_880],
        "receivables": [2_400, 2_400, 2_760, 0],
        "payables": [2_160, -640, 320, 320],  # the supplier paid in advance: negative
        "inventory": [3_000, 3_000, 2_500, 2_500],
        # Both effective rates are 20 %: 520 / 2,600 and 320 / 1,600.
        "revenue_incl_vat": [2_400, 0, 360, 120],
        "purchases_incl_vat": [960, 0, 960, 0],
    },
    dtype=np.float64,
)
#: Year to date, 30 days a month: DSO = receivables / average monthly sales incl. VAT x 30.
EXPECTED_KPIS = {
    "dso": [30.0, 60.0, 90.0, 0.0],  # 2,400/2,400; 2,400/1,200; 2,760/920; 0/720
    "dpo": [67.5, -40.0, 15.0, 20.0],  # 2,160/960; -640/480; 320/640; 320/480
    "working_capital": [3_240.0, 6_040.0, 4_940.0, 2_180.0],
    "runway": [np.nan, 8_980 / 760, 8_940 / 520, np.nan],  # average flow 1,600, -760, -520, 330
    "ebe_margin": [0.125, np.nan, -1_000 / 300, 1.0],  # no revenue in February
}


def write_fec(tmp_path: Path, lines: list[str]) -> Path:
    path = tmp_path / "FEC.txt"
    path.write_text(HEADER + "\n" + "\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def small(tmp_path: Path) -> pd.DataFrame:
    return read_fec(write_fec(tmp_path, opening() + ENTRIES)).monthly


def test_hand_worked_fec_month_by_month(small: pd.DataFrame) -> None:
    got = small[list(EXPECTED.columns)].reset_index(drop=True)
    pd.testing.assert_frame_equal(got, EXPECTED, check_exact=False, atol=1e-9)


def test_hand_worked_kpis(small: pd.DataFrame) -> None:
    result = compute_kpis(small)
    for kpi, values in EXPECTED_KPIS.items():
        np.testing.assert_allclose(result.months[kpi], values, rtol=1e-12, err_msg=kpi)
    assert result.ytd["dso"] == 0.0  # April's receivables over the average month


def test_effective_vat_rates(tmp_path: Path) -> None:
    result = read_fec(write_fec(tmp_path, opening() + ENTRIES))
    assert ledger.vat_rates(result.by_account) == pytest.approx((0.2, 0.2))


def test_opening_entries_dated_the_day_before_count_the_same(tmp_path: Path) -> None:
    """An opening journal dated on the last day of the previous year adds to the balances."""
    result = read_fec(write_fec(tmp_path, opening("20231231") + ENTRIES)).monthly
    assert result.index[0] == pd.Timestamp("2024-01-01")  # no month of opening lines only
    for column in ("cash", "receivables", "payables", "inventory"):
        assert result[column].tolist() == EXPECTED[column].tolist(), column


def test_without_opening_journal_balances_start_at_zero(tmp_path: Path) -> None:
    result = read_fec(write_fec(tmp_path, ENTRIES)).monthly
    assert result["cash"].tolist() == [1_600.0, -1_520.0, -1_560.0, 1_320.0]
    assert result["net_cash_flow"].tolist() == EXPECTED["net_cash_flow"].tolist()


def test_no_vat_lines_means_a_zero_rate(tmp_path: Path) -> None:
    lines = entry("VEN", "20240110", ("411000", 1_000, 0), ("706000", 0, 1_000))
    result = read_fec(write_fec(tmp_path, lines))
    assert ledger.vat_rates(result.by_account) == (0.0, 0.0)
    assert result.monthly["revenue_incl_vat"].tolist() == [1_000.0]


@pytest.mark.parametrize(
    ("account", "group"),
    [("707000", "goods_sales"), ("709700", "goods_sales"), ("709000", "production_sold"),
     ("603700", "goods_cost"), ("603100", "consumption"), ("755000", "joint_operations"),
     ("786000", "financial_income"), ("781000", "reversals"), ("687000", "exceptional_charges"),
     ("691000", "profit_sharing"), ("695000", "income_tax"), ("512000", None), ("6", None)],
)  # fmt: skip
def test_longest_prefix_wins(account: str, group: str | None) -> None:
    assert ledger.group_of(account) == group


def test_real_fec_matches_its_liasse() -> None:
    """The real sample against its tax return (codes shifted: tests/data/README.md).

    Matched, to the euro: FD operating income, FJ current income before tax, FK net result,
    EV taxes (63), EX salaries (641), EZ depreciation (681), FE financial income (76), FG
    financial charges (66), FC total operating charges, EP total operating income, BJ cash at
    year end (512), AY stocks (3).
    """
    result = read_fec(REAL_FEC)
    m, lines, off = result.monthly, result.by_account, official_figures()
    flows = lines[~lines["opening"]]
    net = (flows["debit"] - flows["credit"]).groupby(flows["account"].str[:3]).sum()
    assert m["revenue"].sum() == pytest.approx(1_049_934.32, abs=0.005)
    assert m["net_profit"].sum() == pytest.approx(173_208.48, abs=0.005)
    assert m["operating_income"].sum() == pytest.approx(off["FD"], abs=1)
    assert m["current_income"].sum() == pytest.approx(off["FJ"], abs=1)
    assert m["net_profit"].sum() == pytest.approx(off["FK"], abs=1)
    assert m["exceptional_income"].sum() == 0.0
    assert m["taxes"].sum() == pytest.approx(off["EV"], abs=1)
    assert net["641"] == pytest.approx(off["EX"], abs=1)
    assert m["depreciation"].sum() == pytest.approx(off["EZ"], abs=1)
    assert -net.filter(like="76").sum() == pytest.approx(off["FE"], abs=1)
    assert m["financial_charges"].sum() == pytest.approx(off["FG"], abs=1)
    operating_charges = m[["purchases", "external_charges", "taxes", "personnel_costs",
                           "depreciation"]].sum().sum() + net["658"]  # fmt: skip
    assert operating_charges == pytest.approx(off["FC"], abs=1)
    assert m["production"].sum() + 2_175.36 + 2_195.30 == pytest.approx(off["EP"], abs=1)
    assert m["cash"].iloc[-1] == pytest.approx(off["BJ"], abs=1)
    assert m["inventory"].iloc[-1] == pytest.approx(off["AY"], abs=1)
    # The cascade: EBE = operating income + depreciation - reversals (791) + other charges.
    assert m["ebe"].sum() == pytest.approx(164_864.10 + 105_283.35 - 2_195.30 + 1_208.92, abs=0.01)


def test_real_fec_cash_follows_its_flows() -> None:
    m = read_fec(REAL_FEC).monthly
    opening = m["cash"].iloc[0] - m["net_cash_flow"].iloc[0]
    assert opening == pytest.approx(230_583.87 + 17_064.64)  # the ANO lines of 512000, 512110
    np.testing.assert_allclose(m["cash"], opening + m["net_cash_flow"].cumsum())
    assert (m[list(ledger.ACCOUNT_COLUMNS)].notna()).all().all()
