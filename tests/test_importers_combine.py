"""A whole folder: which source fills what, and the fiscal-year table."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from test_importers_fec import ENTRIES, HEADER
from test_importers_samples import (
    write_ga4,
    write_google_ads,
    write_google_forms,
    write_manual,
    write_meta,
    write_shopify,
    write_typeform,
)

from kpi_xl.config import Config
from kpi_xl.importers import INPUT_IDS, fiscal_year_table, read_exports


def month(text: str) -> pd.Timestamp:
    return pd.Timestamp(text + "-01")


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    (tmp_path / "FEC.txt").write_text(HEADER + "\n" + "\n".join(ENTRIES) + "\n")
    for write in (write_shopify, write_ga4, write_google_ads, write_meta, write_typeform,
                  write_google_forms, write_manual):  # fmt: skip
        write(tmp_path)
    (tmp_path / "notes.pdf").write_bytes(b"%PDF-1.4")
    return tmp_path


def test_every_source_in_one_table(folder: Path) -> None:
    exports = read_exports(folder)
    m = exports.monthly
    assert list(m.columns[: len(INPUT_IDS)]) == list(INPUT_IDS)
    assert m.index.name == "month" and m.index.is_monotonic_increasing
    assert all(dtype == np.float64 for dtype in m.dtypes)
    kinds = sorted(s.kind for s in exports.sources)
    assert kinds == ["ads:google", "ads:meta", "analytics:ga4", "fec", "manual",
                     "orders:shopify", "survey", "survey"]  # fmt: skip
    jan = m.loc[month("2024-01")]
    assert jan["revenue"] == 1000.0  # the FEC wins over the orders (150)
    assert jan["orders_revenue"] == 150.0
    assert jan["orders"] == 2 and jan["visitors"] == 2000 and jan["conversions"] == 50
    assert jan["ad_spend"] == 1025.0 + 30.5
    assert jan["sales_marketing_costs"] == 0.0  # auto: the FEC's 623 for its months
    assert jan["nps_promoters"] == 2 and jan["investment_cost"] == 12000
    feb = m.loc[month("2024-02")]
    assert feb["nps_passives"] == 1 and feb["nps_detractors"] == 2
    assert feb["sales_marketing_costs"] == 100.0
    assert m.loc[month("2025-01"), "revenue"] == 30.0  # orders only: no FEC that month
    assert m.loc[month("2025-01"), "revenue_prev_year"] == 1000.0
    assert any("notes.pdf: skipped" in w for w in exports.warnings)
    assert exports.comments is not None and len(exports.comments) == 5
    assert exports.cohorts is not None


@pytest.mark.parametrize(
    ("rule", "january", "march"),
    [("auto", 0.0, np.nan), ("add", 1055.5, np.nan), ("fec", 0.0, np.nan), ("ads", 1055.5, np.nan)],
)
def test_ad_spend_rules(folder: Path, rule: str, january: float, march: float) -> None:
    (folder / "kpi_xl.toml").write_text(f'[ads]\ncombine = "{rule}"\n')
    m = read_exports(folder).monthly
    assert m.loc[month("2024-01"), "sales_marketing_costs"] == january
    feb = {"auto": 100.0, "add": 140.0, "fec": 100.0, "ads": 40.0}[rule]
    assert m.loc[month("2024-02"), "sales_marketing_costs"] == feb


def test_ads_without_fec_give_the_marketing_costs(tmp_path: Path) -> None:
    write_google_ads(tmp_path)
    m = read_exports(tmp_path).monthly
    assert m["sales_marketing_costs"].tolist() == [1025.0, 20.0]


def test_conversions_from_orders_when_analytics_has_none(tmp_path: Path) -> None:
    write_shopify(tmp_path)
    (tmp_path / "ga.csv").write_text("Date,Total users\n20240101,100\n")
    m = read_exports(tmp_path).monthly
    assert m.loc[month("2024-01"), "conversions"] == 2
    assert m.loc[month("2024-01"), "visitors"] == 100


def test_fiscal_year_table(folder: Path) -> None:
    monthly = read_exports(folder).monthly
    table = fiscal_year_table(monthly, 2024, start_month=1)
    assert len(table) == 12 and table.index[0] == month("2024-01")
    assert list(table.columns) == list(monthly.columns)
    assert table.loc[month("2024-12"), "revenue"] == 0.0  # orders say: none that month
    assert np.isnan(table.loc[month("2024-12"), "visitors"])  # GA4 stops in February
    latest = fiscal_year_table(monthly, None, start_month=9)
    assert latest.index[0] == month("2024-09")  # holds 2025-02, the latest month
    assert latest.loc[month("2025-01"), "revenue_prev_year"] == 1000.0


def test_config_fiscal_start_is_separate_from_reading(folder: Path) -> None:
    assert read_exports(folder, Config()).monthly.index[0] == month("2024-01")
