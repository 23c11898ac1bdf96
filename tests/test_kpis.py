"""kpi_xl.kpis against hand-worked values from the source articles, properties and errors."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kpi_xl import kpis
from kpi_xl.errors import KpiValueError, KpiZeroDivisionError, NotRecoveredError

# (function, args, expected), each worked by hand from an example of the articles.
KNOWN_VALUES = [
    # A2 §1: a CRM costing 10,000 that brings 20,000 doubles the money: ROI 100 %.
    (kpis.roi, (20_000, 10_000), 1.0),
    (kpis.roi, (7_500, 10_000), -0.25),
    # A2 §2: conversion from 2 % to 3.5 % (80 then 140 orders for 4,000 visitors).
    (kpis.conversion_rate, (80, 4_000), 0.02),
    (kpis.conversion_rate, (140, 4_000), 0.035),
    # A2 §3: CAC of 50 EUR on Google Ads vs 20 EUR through content.
    (kpis.cac, (5_000, 100), 50.0),
    (kpis.cac, (1_200, 60), 20.0),
    # A1: CLV = average purchase x purchases per year x years.
    (kpis.clv, (80, 3, 4), 960.0),
    (kpis.clv, (80, 3, 4, 0.5), 480.0),
    # A2 §3: the 3:1 rule; CAC at 30 % of CLV is a ratio of 3.33.
    (kpis.clv_cac_ratio, (960, 320), 3.0),
    (kpis.clv_cac_ratio, (1_000, 300), 1_000 / 300),
    # A2 §4: +20 % revenue over the year.
    (kpis.revenue_growth, (600_000, 500_000), 0.2),
    # A2 §5: yearly retention 35 % -> 50 %.
    (kpis.retention_rate, (135, 100, 100), 0.35),
    (kpis.retention_rate, (150, 100, 200), 0.25),
    (kpis.retention_rate, (200, 100, 200), 0.5),
    # A2 §6: net margin 8 % -> 12 %; the 18 % services company.
    (kpis.net_margin, (40_000, 500_000), 0.08),
    (kpis.net_margin, (60_000, 500_000), 0.12),
    (kpis.net_margin, (-9_000, 50_000), -0.18),
    # A2 §7: engaged sessions / sessions.
    (kpis.engagement_rate, (1_260, 2_100), 0.6),
    # A2 §8: an 8-month payback (8,000 over 1,000 a month) vs 3 years.
    (kpis.payback_period, (8_000, 1_000), 8.0),
    (kpis.payback_period, (36_000, 1_000), 36.0),
    (kpis.payback_period, (10_000, [3_000, 4_000, 5_000]), 2.6),
    (kpis.payback_period, (7_000, [3_000, 4_000, 5_000]), 2.0),
    (kpis.payback_period, (0, [3_000]), 0.0),
    # A2 §9: NPS 30 -> 45 on 100 answers.
    (kpis.nps_from_counts, (50, 30, 20), 30.0),
    (kpis.nps_from_counts, (60, 25, 15), 45.0),
    (kpis.nps, ([10] * 50 + [8] * 30 + [3] * 20,), 30.0),
    (kpis.nps, ([9, 10, 0, 6, 7, 8, None, ""],), 0.0),
    # A2 §10: 80 % of the invoicing cycle automated; 95 % of orders.
    (kpis.automation_rate, (8, 10), 0.8),
    (kpis.automation_rate, (950, 1_000), 0.95),
]


@pytest.mark.parametrize(("func", "args", "expected"), KNOWN_VALUES)
def test_known_values(func, args, expected):
    result = func(*args)
    assert isinstance(result, float)
    assert result == pytest.approx(expected, rel=1e-12)


def test_discounted_payback_series():
    # 1,000 now, 600 a period at 10 %: present values 545.45, 495.87 -> 1.9166 periods.
    pv1, pv2 = 600 / 1.1, 600 / 1.1**2
    expected = 1 + (1_000 - pv1) / pv2
    assert kpis.payback_period(1_000, [600, 600, 600], rate=0.1) == pytest.approx(expected)


def test_discounted_payback_constant_matches_series():
    flows = [1_000.0] * 40
    series = kpis.payback_period(12_000, flows, rate=0.01)
    closed = kpis.payback_period(12_000, 1_000, rate=0.01)
    # The closed form is the continuous-time crossing; the series interpolates linearly.
    assert closed == pytest.approx(series, abs=0.02)


def test_arrays_broadcast_like_scalars():
    conv = np.array([10, 20, 0, 35])
    vis = np.array([1_000, 1_000, 500, 1_000])
    out = kpis.conversion_rate(conv, vis)
    assert isinstance(out, np.ndarray)
    assert out.tolist() == [kpis.conversion_rate(c, v) for c, v in zip(conv, vis, strict=True)]
    assert kpis.roi([[200, 50]], [[100], [50]]).shape == (2, 2)


def test_arrays_give_nan_where_undefined():
    out = kpis.cac([100, 100, np.nan], [4, 0, 2])
    assert out[0] == 25.0
    assert math.isnan(out[1]) and math.isnan(out[2])
    assert math.isnan(kpis.nps_from_counts([0, 1], [0, 1], [0, 1])[0])


# ------------------------------------------------------------------ errors


@pytest.mark.parametrize(
    ("func", "args", "argument"),
    [
        (kpis.roi, (100, 0), "cost"),
        (kpis.conversion_rate, (0, 0), "visitors"),
        (kpis.cac, (100, 0), "new_customers"),
        (kpis.clv_cac_ratio, (100, 0), "cac"),
        (kpis.revenue_growth, (100, 0), "previous"),
        (kpis.retention_rate, (5, 0, 0), "customers_start"),
        (kpis.net_margin, (10, 0), "revenue"),
        (kpis.engagement_rate, (0, 0), "total"),
        (kpis.nps_from_counts, (0, 0, 0), "promoters + passives + detractors"),
        (kpis.nps, ([None, ""],), "scores"),
        (kpis.nps, ([],), "scores"),
        (kpis.automation_rate, (0, 0), "eligible"),
    ],
)
def test_zero_denominators(func, args, argument):
    with pytest.raises(KpiZeroDivisionError) as info:
        func(*args)
    assert isinstance(info.value, ZeroDivisionError)
    assert info.value.argument == argument
    assert argument in str(info.value)


@pytest.mark.parametrize(
    ("func", "args", "argument"),
    [
        (kpis.conversion_rate, (-1, 100), "conversions"),
        (kpis.conversion_rate, (120, 100), "conversions"),
        (kpis.conversion_rate, ("12", 100), "conversions"),
        (kpis.conversion_rate, (True, 100), "conversions"),
        (kpis.conversion_rate, (math.nan, 100), "conversions"),
        (kpis.conversion_rate, ([1, "x"], [2, 3]), "conversions"),
        (kpis.roi, (100, -5), "cost"),
        (kpis.cac, (-100, 5), "costs"),
        (kpis.clv, (80, 3, 4, 40), "margin"),
        (kpis.clv, (-80, 3, 4), "average_order_value"),
        (kpis.clv_cac_ratio, (-1, 3), "clv"),
        (kpis.revenue_growth, (100, -50), "previous"),
        (kpis.retention_rate, (50, 60, 100), "new_customers"),
        (kpis.retention_rate, (50, -1, 100), "new_customers"),
        (kpis.net_margin, (10, -100), "revenue"),
        (kpis.net_margin, (None, 100), "net_profit"),
        (kpis.engagement_rate, (11, 10), "engaged"),
        (kpis.payback_period, (-1, 100), "initial_cost"),
        (kpis.payback_period, (100, []), "cash_flows"),
        (kpis.payback_period, (100, [50, math.nan]), "cash_flows"),
        (kpis.payback_period, (100, 50, -0.1), "rate"),
        (kpis.nps, ([5, 11],), "scores"),
        (kpis.nps, ([5, 7.5],), "scores"),
        (kpis.nps, ([5, "nine"],), "scores"),
        (kpis.nps, ([5, True],), "scores"),
        (kpis.nps_from_counts, (-1, 0, 3), "promoters"),
        (kpis.automation_rate, (5, 4), "automated"),
    ],
)
def test_invalid_input(func, args, argument):
    with pytest.raises(KpiValueError) as info:
        func(*args)
    assert isinstance(info.value, ValueError)
    assert info.value.argument == argument
    assert str(info.value).startswith(argument)


@pytest.mark.parametrize(
    "args",
    [(10_000, [1_000, 2_000]), (10_000, 0), (10_000, -50), (10_000, 100, 0.02)],
)
def test_payback_not_recovered(args):
    with pytest.raises(NotRecoveredError, match="never"):
        kpis.payback_period(*args)


def test_docstrings_carry_the_catalog():
    assert "Typical target" in (kpis.conversion_rate.__doc__ or "")
    assert "3.5 %" in (kpis.conversion_rate.__doc__ or "")


# ------------------------------------------------------------------ properties

scores = st.lists(st.integers(0, 10), min_size=1, max_size=300)
counts = st.integers(0, 10**6)
money = st.floats(1e-3, 1e9, allow_nan=False)


@given(scores)
def test_nps_bounds_and_counts(answers):
    value = kpis.nps(answers)
    assert -100 <= value <= 100
    assert value == pytest.approx(kpis.nps_from_counts(*kpis.nps_counts(answers)), abs=1e-9)


@given(st.lists(st.one_of(st.integers(0, 10), st.none()), min_size=1, max_size=50))
def test_nps_skips_blanks(answers):
    answered = [a for a in answers if a is not None]
    if not answered:
        with pytest.raises(KpiZeroDivisionError):
            kpis.nps(answers)
    else:
        assert kpis.nps(answers) == kpis.nps(answered)


@given(counts, counts, st.integers(1, 10**6))
def test_retention_at_most_one(new, extra, start):
    end = new + min(extra, start)  # end <= start + new
    assert kpis.retention_rate(end, new, start) <= 1.0


@given(money)
def test_roi_of_cost_is_zero(cost):
    assert kpis.roi(cost, cost) == 0.0


@given(st.floats(0, 1e7), st.floats(1.0, 1e6), st.integers(1, 60))
def test_payback_constant_series_equals_average_form(cost, flow, periods):
    flows = [flow] * periods
    if cost > flow * periods:
        with pytest.raises(NotRecoveredError):
            kpis.payback_period(cost, flows)
    else:
        assert kpis.payback_period(cost, flows) == pytest.approx(
            kpis.payback_period(cost, flow), rel=1e-9, abs=1e-9
        )


@given(st.lists(st.tuples(counts, st.integers(1, 10**6)), min_size=1, max_size=20))
def test_array_and_scalar_agree(pairs):
    part = [min(a, b) for a, b in pairs]
    whole = [b for _, b in pairs]
    arr = kpis.engagement_rate(part, whole)
    assert arr.tolist() == [kpis.engagement_rate(p, w) for p, w in zip(part, whole, strict=True)]
