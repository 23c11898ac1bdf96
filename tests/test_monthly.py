"""compute_kpis: the Python twin of the template's KPI sheet."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kpi_xl import catalog, kpis
from kpi_xl.catalog import Status
from kpi_xl.monthly import compute_kpis, kpi_statuses


def table(**cols):
    return pd.DataFrame({k: pd.Series(v, dtype=float) for k, v in cols.items()})


def test_hand_checked_quarter():
    t = table(
        revenue=[50_000, 55_000, 0],
        net_profit=[4_000, 6_600, -1_000],
        visitors=[4_000, 5_000, 0],
        conversions=[80, 175, 0],
        investment_cost=[12_000, 0, 0],
        investment_gains=[800, 1_000, 1_200],
    )
    r = compute_kpis(t)
    m = r.months
    assert m["net_margin"].tolist()[:2] == [0.08, 0.12]
    assert math.isnan(m["net_margin"][2])  # no revenue: empty, not #DIV/0!
    assert m["conversion_rate"].tolist()[:2] == [0.02, 0.035]
    assert m["revenue_growth"][1] == pytest.approx(0.1)
    assert math.isnan(m["revenue_growth"][0])  # no previous month
    # Payback to date: 12,000 / average gains (800, 900, 1,000) -> 15, 13.33, 12.
    assert m["payback_period"].tolist() == pytest.approx([15.0, 12_000 / 900, 12.0])
    # ROI to date: (gains - cost) / cost, cumulative.
    assert m["roi"][2] == pytest.approx((3_000 - 12_000) / 12_000)
    assert r.ytd["net_margin"] == pytest.approx(9_600 / 105_000)
    assert r.ytd["conversion_rate"] == pytest.approx(255 / 9_000)
    assert math.isnan(r.ytd["nps"])  # no survey at all


def test_ytd_stocks_and_growth_against_last_year():
    t = table(
        customers_start=[np.nan, 200, 210, 215],
        customers_end=[np.nan, 210, 215, np.nan],
        new_customers=[5, 20, 15, 10],
        revenue=[100, 110, 120, 130],
        revenue_prev_year=[90, np.nan, 100, 100],
        processes_automated=[2, 3, np.nan, np.nan],
        processes_eligible=[10, 10, 10, np.nan],
    )
    r = compute_kpis(t)
    # first start (200), last end (215), all new customers (50)
    assert r.ytd["retention_rate"] == pytest.approx((215 - 50) / 200)
    # only months with both years: 100+120+130 vs 90+100+100
    assert r.ytd["revenue_growth"] == pytest.approx(350 / 290 - 1)
    # last automated (3) over last eligible (10)
    assert r.ytd["automation_rate"] == pytest.approx(0.3)
    assert r.latest("automation_rate") == (1, 0.3)
    assert r.change("automation_rate") == pytest.approx(0.1)


def test_optional_margin_defaults_to_one():
    t = table(average_order_value=[60, 60], purchase_frequency=[4, 4], customer_lifespan=[3, 3],
              gross_margin=[np.nan, 0.4])  # fmt: skip
    assert compute_kpis(t).months["clv"].tolist() == [720.0, 288.0]


def test_invalid_month_is_empty_not_an_error():
    t = table(conversions=[120, 10], visitors=[100, 100])  # 120 > 100: inconsistent
    r = compute_kpis(t)
    assert math.isnan(r.months["conversion_rate"][0])
    assert r.months["conversion_rate"][1] == 0.1


@pytest.mark.parametrize("seed", range(5))
def test_agrees_with_kpis_month_by_month(seed):
    rng = np.random.default_rng(seed)
    data = {i.id: rng.integers(0, 500, 12).astype(float) for i in catalog.INPUTS}
    data["gross_margin"] = rng.uniform(0, 1, 12)
    data["visitors"] = data["conversions"] + rng.integers(0, 500, 12)
    t = pd.DataFrame(data)
    m = compute_kpis(t).months

    def same(value, func, *args):
        try:
            expected = func(*args)
        except (ZeroDivisionError, ValueError):
            assert math.isnan(value)
        else:
            assert value == pytest.approx(expected, rel=1e-12)

    for i in range(12):
        same(m["conversion_rate"][i], kpis.conversion_rate, t.conversions[i], t.visitors[i])
        same(m["cac"][i], kpis.cac, t.sales_marketing_costs[i], t.new_customers[i])
        same(m["nps"][i], kpis.nps_from_counts, t.nps_promoters[i], t.nps_passives[i],
             t.nps_detractors[i])  # fmt: skip
        same(m["clv"][i], kpis.clv, t.average_order_value[i], t.purchase_frequency[i],
             t.customer_lifespan[i], t.gross_margin[i])  # fmt: skip


def test_statuses_use_the_catalog_basis():
    t = table(conversions=[20, 35], visitors=[1000, 1000], net_profit=[10, 20], revenue=[100, 100])
    statuses = kpi_statuses(compute_kpis(t), {k.id: k.target for k in catalog.KPIS})
    assert statuses["conversion_rate"] is Status.ON_TRACK  # latest month: 3.5 %
    assert statuses["net_margin"] is Status.ON_TRACK  # year to date: 15 %
    assert statuses["nps"] is None  # no data
    assert statuses["cac"] is None  # no target


@given(
    st.lists(
        st.lists(st.one_of(st.none(), st.integers(-5, 60), st.just(0)), min_size=12, max_size=12),
        min_size=len(catalog.INPUTS),
        max_size=len(catalog.INPUTS),
    )
)
def test_array_path_equals_month_by_month_calls(columns):
    """The fast array evaluation gives what one scalar call per month gives."""
    from kpi_xl.monthly import _evaluate, _Inputs, _month_series

    data = {
        i.id: [np.nan if v is None else float(v) for v in col]
        for i, col in zip(catalog.INPUTS, columns, strict=True)
    }
    data["gross_margin"] = [v if np.isnan(v) else v / 60 for v in data["gross_margin"]]
    t = pd.DataFrame(data)
    months = compute_kpis(t).months
    last = _Inputs(t).last_filled()
    for kpi in catalog.KPIS:
        args = [
            months[s.name.removeprefix("kpi_")].to_numpy()
            if s.is_kpi
            else _month_series(t[s.name.removeprefix("in_")].to_numpy(), s, last)
            for s in kpi.template.monthly_sources()
        ]
        for m in range(12):
            expected = _evaluate(kpi, [float(a[m]) for a in args])
            got = months[kpi.id][m]
            assert (math.isnan(expected) and math.isnan(got)) or got == expected, (kpi.id, m)


def test_cumulative_kpis_are_blank_after_the_latest_month_with_data():
    """ROI and payback add up the months so far: after the data stops, they stay empty."""
    n = 12
    table = pd.DataFrame(
        {
            "investment_cost": [12_000.0] + [np.nan] * (n - 1),
            "investment_gains": [1_000.0] * 9 + [np.nan] * 3,
            "revenue": [5_000.0] * 9 + [np.nan] * 3,
        }
    )
    months = compute_kpis(table).months
    for kpi_id in ("roi", "payback_period"):
        assert months[kpi_id].iloc[9:].isna().all(), kpi_id
    assert months["roi"].iloc[8] == pytest.approx((9_000 - 12_000) / 12_000)
