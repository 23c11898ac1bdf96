"""The catalog is complete, consistent with kpi_xl.kpis, and true to the articles."""

from __future__ import annotations

import inspect
import re

import pytest

from kpi_xl import catalog, kpis
from kpi_xl.catalog import Direction, Status

IDS = [k.id for k in catalog.KPIS]


def test_every_kpi_of_both_articles_is_there():
    # A1: conversion, CAC, CLV, retention, profit margin; A2: ten KPIs (conversion, CAC,
    # retention and margin shared) plus the CLV/CAC rule of A2 §3.
    articles = {k.id for k in catalog.KPIS if k.source.startswith(("A1", "A2"))}
    assert articles == {
        "roi", "conversion_rate", "cac", "clv", "clv_cac_ratio", "revenue_growth",
        "retention_rate", "net_margin", "engagement_rate", "payback_period", "nps",
        "automation_rate",
    }  # fmt: skip
    # The rest read a FEC's accounts (tests/test_accounts_kpis.py).
    assert set(IDS) - articles == {
        "ebe_margin", "dso", "dpo", "runway", "working_capital", "personnel_share",
    }  # fmt: skip


@pytest.mark.parametrize("kpi", catalog.KPIS, ids=IDS)
def test_every_text_exists_in_both_languages(kpi):
    for text in (
        kpi.name,
        kpi.description,
        kpi.formula,
        kpi.frequency,
        kpi.target_text,
        kpi.action,
    ):
        assert text.fr.strip() and text.en.strip()
    for text in (kpi.description, kpi.action, kpi.target_text):
        assert text.fr != text.en  # really translated
    for func in kpi.functions:
        assert func.summary.fr and func.summary.en
        for arg in func.args:
            assert arg.text.fr and arg.text.en


@pytest.mark.parametrize(
    ("kpi", "func"), list(catalog.functions()), ids=lambda x: getattr(x, "name", "")
)
def test_functions_match_kpis_module(kpi, func):
    impl = getattr(kpis, func.name)
    params = inspect.signature(impl).parameters
    assert [a.name for a in func.args] == list(params)
    for arg in func.args:
        default = params[arg.name].default
        assert (arg.default is None) == (default is inspect.Parameter.empty)
        if arg.default is not None:
            assert arg.default == default
    assert re.fullmatch(r"KPI_[A-Z_]+", func.excel_name)
    assert func.name in kpis.__all__


def test_excel_names_are_unique():
    names = [f.excel_name for _, f in catalog.functions()]
    assert len(names) == len(set(names))


@pytest.mark.parametrize(
    ("kpi_id", "target", "direction"),
    [
        ("conversion_rate", 0.035, Direction.HIGHER),
        ("nps", 45, Direction.HIGHER),
        ("net_margin", 0.12, Direction.HIGHER),
        ("revenue_growth", 0.20, Direction.HIGHER),
        ("payback_period", 24, Direction.LOWER),
        ("automation_rate", 0.80, Direction.HIGHER),
        ("clv_cac_ratio", 3, Direction.HIGHER),
        ("retention_rate", 0.50, Direction.HIGHER),
        ("roi", 1.0, Direction.HIGHER),
        ("cac", None, Direction.LOWER),
    ],
)
def test_targets_from_the_articles(kpi_id, target, direction):
    kpi = catalog.get(kpi_id)
    assert kpi.target == target
    assert kpi.direction is direction


def test_focus_is_three_to_five():
    assert 3 <= len(catalog.focus_kpis()) <= 5


@pytest.mark.parametrize(
    "key", ["roi", "KPI_ROI", "kpi.roi", "Return on investment (ROI)", " ROI "]
)
def test_get_by_any_name(key):
    assert catalog.get(key).id == "roi"


def test_get_unknown_lists_known_ids():
    with pytest.raises(KeyError, match="conversion_rate"):
        catalog.get("ebitda")


@pytest.mark.parametrize(
    ("value", "target", "direction", "expected"),
    [
        (0.035, 0.035, "higher", Status.ON_TRACK),
        (0.0316, 0.035, "higher", Status.WATCH),  # inside 10 % below
        (0.0314, 0.035, "higher", Status.OFF_TRACK),
        (24, 24, "lower", Status.ON_TRACK),
        (26, 24, "lower", Status.WATCH),
        (27, 24, "lower", Status.OFF_TRACK),
        (-10, -20, "higher", Status.ON_TRACK),
        (-21, -20, "higher", Status.WATCH),
        (0, 0, "higher", Status.ON_TRACK),
        (-0.001, 0, "higher", Status.OFF_TRACK),
    ],
)
def test_status_band(value, target, direction, expected):
    assert catalog.status(value, target, direction) is expected


def test_status_refuses_missing_values():
    with pytest.raises(ValueError, match="value"):
        catalog.status(float("nan"), 1, "higher")
    with pytest.raises(ValueError, match="no default target"):
        catalog.kpi_status("cac", 30)
    assert catalog.kpi_status("cac", 30, target=50) is Status.ON_TRACK


@pytest.mark.parametrize("kpi", catalog.KPIS, ids=IDS)
def test_template_formula_is_consistent(kpi):
    spec = kpi.template
    func = next(f for f in kpi.functions if f.name == spec.function)
    required = [a for a in func.args if a.default is None]
    assert len(required) <= len(spec.sources) <= len(func.args)
    earlier = {k.defined_name for k in catalog.KPIS[: IDS.index(kpi.id)]}
    inputs = {i.defined_name for i in catalog.INPUTS}
    for src in (*spec.monthly_sources(), *spec.ytd_sources()):
        assert src.name in (earlier if src.is_kpi else inputs), src
        if src.where:
            assert src.where in inputs
    placeholders = set(re.findall(r"\{(\w+)\}", spec.excel + spec.guard))
    assert placeholders <= {a.name for a in func.args}
    assert set(re.findall(r"\{(\w+)\}", spec.excel)) >= {a.name for a in required}
