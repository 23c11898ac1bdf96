"""Whatever a cell holds, an Excel function returns a value or an Excel error, never raises."""

from __future__ import annotations

import inspect
import math

from hypothesis import given, settings
from hypothesis import strategies as st

from udfs.convert import CellError
from udfs.functions import plain_functions

FUNCS = list(plain_functions())
SCALARS = st.one_of(
    st.none(),
    st.just(""),
    st.booleans(),
    st.integers(-(10**12), 10**12),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=8),
    st.sampled_from(["#N/A", "#DIV/0!", "roi", "KPI_NPS", "Net profit margin", "fr", "en"]),
)
CELLS = st.one_of(
    SCALARS, st.lists(st.lists(SCALARS, min_size=1, max_size=4), min_size=1, max_size=4)
)


@settings(max_examples=300)
@given(st.data())
def test_any_arguments_give_a_value_or_an_excel_error(data):
    func = data.draw(st.sampled_from(FUNCS))
    n = len(inspect.signature(func).parameters)
    args = [data.draw(CELLS) for _ in range(n)]
    result = func(*args)
    if isinstance(result, CellError):
        assert result.startswith("#") and result.message
    elif isinstance(result, float):
        assert not math.isnan(result)  # NaN is no Excel value: undefined must be an error
    else:
        assert isinstance(result, (int, str)), (func.__name__, args, result)
