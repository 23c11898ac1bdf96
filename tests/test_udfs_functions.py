"""The Excel functions called as plain Python: values, ranges, blanks, text, error cells."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kpi_xl import catalog, kpis
from udfs import convert
from udfs.convert import CellError, ErrorCode
from udfs.functions import build, by_name, help_text, plain_functions, specs

FUNCS = {f.__name__: f for f in plain_functions()}

#: Valid arguments of every KPI function, as cells would hold them.
EXAMPLES: dict[str, tuple[object, ...]] = {
    "KPI_ROI": (25_000, 10_000),
    "KPI_CONVERSION_RATE": (140, 4_000),
    "KPI_CAC": (5_000, 100),
    "KPI_CLV": (60, 4, 3, 0.4),
    "KPI_CLV_CAC_RATIO": (720, 240),
    "KPI_REVENUE_GROWTH": (120_000, 100_000),
    "KPI_RETENTION_RATE": (160, 60, 200),
    "KPI_NET_MARGIN": (60_000, 500_000),
    "KPI_ENGAGEMENT_RATE": (1_260, 2_100),
    "KPI_PAYBACK": (10_000, [3_000, 4_000, 5_000], 0.01),
    "KPI_NPS": ([[10, 9], [8, 3]],),
    "KPI_NPS_COUNTS": (60, 25, 15),
    "KPI_AUTOMATION_RATE": (16, 20),
}
#: The same with a zero denominator (first argument set, the KPI undefined).
ZERO = {
    "KPI_ROI": (1, 0),
    "KPI_CONVERSION_RATE": (0, 0),
    "KPI_CAC": (1, 0),
    "KPI_CLV_CAC_RATIO": (1, 0),
    "KPI_REVENUE_GROWTH": (1, 0),
    "KPI_RETENTION_RATE": (1, 0, 0),
    "KPI_NET_MARGIN": (1, 0),
    "KPI_ENGAGEMENT_RATE": (0, 0),
    "KPI_NPS": ([["", None]],),
    "KPI_NPS_COUNTS": (0, 0, 0),
    "KPI_AUTOMATION_RATE": (0, 0),
}
KPI_SPECS = [s for s in specs() if s.kpi is not None]


def test_every_catalog_function_has_its_excel_function():
    """Walks the catalog: a KPI function without its Excel function fails here."""
    names = by_name()
    for kpi, function in catalog.functions():
        spec = names.get(function.excel_name)
        assert spec is not None, f"{function.excel_name} ({kpi.id}) has no Excel function"
        assert spec.run is getattr(kpis, function.name)
        assert [p.name for p in spec.params] == [a.name for a in function.args]
        assert spec.summary == function.summary
    assert set(EXAMPLES) == {s.name for s in KPI_SPECS}, "add an example for the new KPI"


@pytest.mark.parametrize("spec", KPI_SPECS, ids=lambda s: s.name)
def test_each_kpi_function_matches_the_calculation(spec):
    args = EXAMPLES[spec.name]
    expected = spec.run(*(np.asarray(a, dtype=float) if isinstance(a, list) else a for a in args))
    got = FUNCS[spec.name](*args)
    assert isinstance(got, float)
    assert got == pytest.approx(expected)


@pytest.mark.parametrize("spec", KPI_SPECS, ids=lambda s: s.name)
def test_text_and_booleans_give_value_errors_naming_the_argument(spec):
    args = list(EXAMPLES[spec.name])
    for bad, word in (("abc", "text"), (True, "TRUE")):
        args[0] = bad if spec.params[0].kind == "number" else [1, bad]
        got = FUNCS[spec.name](*args)
        assert got == "#VALUE!" and isinstance(got, CellError)
        assert spec.params[0].name in got.message and word in got.message


@pytest.mark.parametrize("name", sorted(ZERO))
def test_zero_denominators_give_div0(name):
    got = FUNCS[name](*ZERO[name])
    assert got == "#DIV/0!" and got.code is ErrorCode.DIV0


def test_signatures_and_docs_come_from_the_catalog():
    for spec in specs():
        f = FUNCS[spec.name]
        assert list(f.__signature__.parameters) == [p.name for p in spec.params]
        assert f.__doc__ == help_text(spec.summary)
        assert len(f.__doc__) <= 255
    assert str(FUNCS["KPI_PAYBACK"].__signature__) == "(initial_cost, cash_flows, rate=0.0)"
    assert str(FUNCS["KPI_CLV"].__signature__).endswith("margin=1.0)")


def test_optional_arguments_blank_or_left_out_take_the_catalog_default():
    assert FUNCS["KPI_CLV"](60, 4, 3) == FUNCS["KPI_CLV"](60, 4, 3, "") == 720.0
    assert FUNCS["KPI_PAYBACK"](12_000, 1_000, None) == 12.0
    assert FUNCS["KPI_PAYBACK"](initial_cost=12_000, cash_flows=1_000) == 12.0


def test_required_blank_cell_is_a_value_error():
    got = FUNCS["KPI_ROI"]("", 100)
    assert got == "#VALUE!" and "gain" in got.message and "empty" in got.message


def test_ranges_1d_2d_blanks_skipped():
    nps = FUNCS["KPI_NPS"]
    answers = [10, 9, 9, 8, 7, 3, 10, 6, 9]
    expected = kpis.nps(answers)
    assert nps(answers) == pytest.approx(expected)
    assert nps([[a] for a in answers]) == pytest.approx(expected)  # a column
    block = [[10, 9, 9], [8, 7, 3], [10, 6, 9]]
    assert nps(block) == pytest.approx(expected)
    with_blanks = [[10, "", 9], [None, 9, 8], [7, 3, "  "], [10, 6, 9]]
    assert nps(with_blanks) == pytest.approx(expected)
    assert nps(np.array(answers)) == pytest.approx(expected)


def test_range_text_and_booleans_are_refused_with_their_position():
    got = FUNCS["KPI_NPS"]([[10, 9], ["yes", 3]])
    assert got == "#VALUE!" and "row 2, column 1" in got.message and "'yes'" in got.message
    got = FUNCS["KPI_NPS"]([10, 9, False])
    assert got == "#VALUE!" and "cell 3" in got.message and "FALSE" in got.message


def test_error_cells_propagate_their_error():
    """Classic xlwings reads error cells as '#N/A' strings (err_to_str=True)."""
    assert FUNCS["KPI_NPS"]([[10, "#N/A"], [9, 3]]) == "#N/A"
    assert FUNCS["KPI_ROI"]("#DIV/0!", 100) == "#DIV/0!"
    error_object = {"type": "Error", "errorType": "NotAvailable", "basicValue": "#N/A"}
    got = FUNCS["KPI_NPS"]([[10, 9], [error_object, 3]])  # Office.js error object
    assert got == "#N/A" and "row 2, column 1" in got.message
    assert FUNCS["KPI_NPS"]([[{"type": "Error", "errorType": "Div0"}]]) == "#DIV/0!"


def test_null_and_empty_text_are_blank_cells():
    """Office.js sends a blank cell as null (web, Mac) or "" (a formula giving "")."""
    want = pytest.approx(kpis.nps([10, 9, 3]))
    assert FUNCS["KPI_NPS"]([[10, None], [9, 3]]) == want
    assert FUNCS["KPI_NPS"]([[10, ""], [None, 9], [3, " "]]) == want
    assert FUNCS["KPI_STATUS"](None, None, "roi", "en") == ""


def test_payback_number_or_range_and_not_recovered():
    payback = FUNCS["KPI_PAYBACK"]
    assert payback(12_000, 1_000) == 12.0
    assert payback(10_000, [[3_000], [4_000], [5_000], [""]]) == pytest.approx(2.6)
    assert payback(12_000, [[1_000]]) == 12.0  # a one-cell range is a number
    got = payback(10_000, [1_000, 2_000])
    assert got == "#N/A" and "never recovered" in got.message
    assert payback(10_000, 1_000, -0.5) == "#VALUE!"


def test_a_range_where_one_cell_is_expected():
    got = FUNCS["KPI_ROI"]([1, 2], 100)
    assert got == "#VALUE!" and "range of 2 cells" in got.message


def test_dates_are_refused():
    import datetime as dt

    got = FUNCS["KPI_ROI"](dt.datetime(2024, 1, 1), 100)
    assert got == "#VALUE!" and "date" in got.message


@pytest.mark.parametrize("lang", catalog.LANGS)
def test_status_target_action_info_read_the_catalog(lang):
    for kpi in catalog.KPIS:
        if kpi.target is None:
            continue
        target = kpi.target
        assert FUNCS["KPI_TARGET"](kpi.id) == target
        assert FUNCS["KPI_TARGET"](kpi.function.excel_name) == target
        worse = target - 10 * abs(target) if kpi.direction == "higher" else target * 10 + 1
        off = catalog.status(worse, target, kpi.direction)
        assert FUNCS["KPI_STATUS"](worse, "", kpi.id, lang) == off.label(lang)
        on_track = catalog.Status.ON_TRACK.label(lang)
        assert FUNCS["KPI_STATUS"](target, target, kpi.name(lang), lang) == on_track
        assert FUNCS["KPI_ACTION"](kpi.id, worse, None, lang) == kpi.action(lang)
        assert FUNCS["KPI_ACTION"](kpi.id, target, target, lang) == ""
        info = FUNCS["KPI_INFO"](kpi.id, lang)
        assert kpi.name(lang) in info and kpi.formula(lang) in info


def test_helpers_default_to_french_and_blank_values():
    label = catalog.Status.WATCH.label("fr")
    assert FUNCS["KPI_STATUS"](0.032, None, "conversion_rate") == label
    assert FUNCS["KPI_STATUS"]("", None, "roi") == ""  # a blank KPI cell: no light
    assert FUNCS["KPI_ACTION"]("roi", "") == ""
    assert FUNCS["KPI_INFO"]("nps").startswith(catalog.get("nps").name("fr"))


def test_helpers_reject_unknown_kpi_and_language():
    got = FUNCS["KPI_INFO"]("ebitda")
    assert got == "#VALUE!" and "unknown KPI 'ebitda'" in got.message
    got = FUNCS["KPI_STATUS"](1, 1, "roi", "de")
    assert got == "#VALUE!" and "lang" in got.message
    assert FUNCS["KPI_TARGET"](12) == "#VALUE!"


def test_unexpected_exceptions_never_reach_the_cell(caplog):
    spec = by_name()["KPI_ROI"]
    broken = type(spec)(spec.name, spec.summary, spec.params, lambda *a: 1 / [])  # TypeError
    assert build(broken, module=__name__)(1, 2) == "#VALUE!"
    crashing = type(spec)(spec.name, spec.summary, spec.params, _raise_runtime)
    with caplog.at_level("ERROR", logger="udfs"):
        got = build(crashing, module=__name__)(1, 2)
    assert got == "#VALUE!" and "internal error" in got.message
    assert "Traceback" in caplog.text


def _raise_runtime(*args: object) -> float:
    raise RuntimeError("boom")


def test_nan_results_become_num_errors():
    assert convert.result(math.nan) == "#NUM!"
    assert convert.result(np.float64(2.0)) == 2.0


@given(st.lists(st.one_of(st.integers(0, 10), st.just(""), st.none()), min_size=1, max_size=40))
def test_nps_over_any_answers_with_blanks(cells):
    answers = [c for c in cells if c not in ("", None)]
    got = FUNCS["KPI_NPS"]([[c] for c in cells])
    if answers:
        assert got == pytest.approx(kpis.nps(answers))
    else:
        assert got == "#DIV/0!"
