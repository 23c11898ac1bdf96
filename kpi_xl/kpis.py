"""The KPI calculations: pure functions, numpy only, no I/O, no Excel.

Patterned after spreadsheet computations, like numpy-financial: every
function takes scalars or array-likes and broadcasts them with numpy rules.

Conventions
-----------
* Rates are fractions, as in Excel (0.035 is a conversion rate of 3.5 %;
  the cell format shows the percentage).  NPS is in points (-100 to +100),
  payback in periods, CLV and CAC in currency, CLV/CAC as a multiple.
* Scalar inputs give a Python ``float``; array inputs give a float ndarray.
* With scalars, an undefined KPI raises: a zero denominator raises
  :class:`~kpi_xl.errors.KpiZeroDivisionError` (a ``ZeroDivisionError``),
  a missing value (NaN) raises :class:`~kpi_xl.errors.KpiValueError`.
* With arrays, undefined elements (zero denominator, NaN input) come out as
  NaN so that a column of months computes in one call.
* Invalid data raises :class:`~kpi_xl.errors.KpiValueError` (a
  ``ValueError``) in both cases, naming the argument: text or booleans,
  negative counts, more conversions than visitors, a gross margin above 1...

The typical target, tracking frequency and advice appended to each
docstring under "Catalog" are read from :mod:`kpi_xl.catalog`, the single
place where KPI facts are written.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar

import numpy as np
from numpy.typing import ArrayLike, NDArray

from kpi_xl import catalog
from kpi_xl.errors import KpiValueError, KpiZeroDivisionError, NotRecoveredError

__all__ = [
    "automation_rate",
    "cac",
    "clv",
    "clv_cac_ratio",
    "conversion_rate",
    "dpo",
    "dso",
    "ebe_margin",
    "engagement_rate",
    "net_margin",
    "nps",
    "nps_from_counts",
    "payback_period",
    "personnel_share",
    "retention_rate",
    "revenue_growth",
    "roi",
    "runway",
    "working_capital",
]

Result = float | NDArray[np.float64]
F = TypeVar("F", bound=Callable[..., Any])


# --------------------------------------------------------------------------- helpers


def _array(value: ArrayLike, name: str) -> NDArray[np.float64]:
    """``value`` as a float array; text and booleans are refused by name."""
    if isinstance(value, (bool, np.bool_)):
        raise KpiValueError(name, "is a boolean; give a number")
    if isinstance(value, (str, bytes)):
        raise KpiValueError(name, f"is text ({value!r}); give a number")
    if isinstance(value, (list, tuple)) and _has_bool(value):
        raise KpiValueError(name, "holds booleans; give numbers")
    arr = np.asarray(value)
    if arr.dtype.kind == "b":
        raise KpiValueError(name, "holds booleans; give numbers")
    if arr.dtype.kind not in "iuf":
        try:
            arr = arr.astype(np.float64)
        except (TypeError, ValueError):
            raise KpiValueError(name, "holds text or non-numbers; give numbers") from None
    return arr.astype(np.float64, copy=False)


def _has_bool(values: list[Any] | tuple[Any, ...]) -> bool:
    """Whether a (nested) list holds booleans, which numpy would turn into 0 and 1."""
    flat = np.asarray(values, dtype=object).ravel()
    return any(isinstance(x, (bool, np.bool_)) for x in flat)


def _inputs(**values: ArrayLike) -> tuple[bool, list[NDArray[np.float64]]]:
    """Convert the named arguments; a scalar call refuses NaN, an array call keeps it."""
    arrays = [_array(v, k) for k, v in values.items()]
    scalar = all(a.ndim == 0 for a in arrays)
    if scalar:
        for name, a in zip(values, arrays, strict=True):
            if np.isnan(a):
                raise KpiValueError(name, "is missing (NaN)")
    return scalar, arrays


def _non_negative(a: NDArray[np.float64], name: str) -> None:
    if np.any(a < 0):
        raise KpiValueError(name, f"is negative ({np.min(a):g}); a count or cost cannot be")


def _not_above(a: NDArray[np.float64], b: NDArray[np.float64], name: str, other: str) -> None:
    if np.any(a > b):
        raise KpiValueError(name, f"is larger than {other}; check both figures")


def _divide(
    num: NDArray[np.float64], den: NDArray[np.float64], den_name: str, scalar: bool
) -> Result:
    """num / den; a zero denominator raises for scalars and gives NaN in arrays."""
    zero = den == 0
    # Huge or infinite figures overflow to inf: that is the answer, not a warning.
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        if scalar:
            if zero:
                raise KpiZeroDivisionError(den_name)
            return float(num / den)
        out = np.asarray(num / den, dtype=np.float64)
    return np.where(zero, np.nan, out)


def _positive_denominator(den: NDArray[np.float64], name: str, scalar: bool) -> None:
    """A denominator may be zero (undefined) but never negative."""
    if np.any(den < 0):
        raise KpiValueError(name, f"is negative ({np.min(den):g}); it must be > 0")
    if scalar and den == 0:
        raise KpiZeroDivisionError(name)


def _share(part: ArrayLike, whole: ArrayLike, part_name: str, whole_name: str) -> Result:
    """part / whole for counts: both >= 0, part <= whole."""
    scalar, (p, w) = _inputs(**{part_name: part, whole_name: whole})
    _non_negative(w, whole_name)
    if scalar and w == 0:
        raise KpiZeroDivisionError(whole_name)
    _non_negative(p, part_name)
    _not_above(p, w, part_name, whole_name)
    return _divide(p, w, whole_name, scalar)


def _from_catalog(kpi_id: str) -> Callable[[F], F]:
    """Append the catalog's facts about ``kpi_id`` to the function's docstring."""

    def decorate(func: F) -> F:
        k = catalog.get(kpi_id)
        target = "" if k.target is None else f" (default target used by kpi_xl: {k.target:g})"
        func.__doc__ = (func.__doc__ or "") + (
            f"\n    Catalog\n    -------\n"
            f"    Typical target ({k.source}): {k.target_text.en}{target}.\n"
            f"    Direction: {k.direction.value} is better.  "
            f"Tracking: {k.frequency.en}.\n"
            f"    When off target: {k.action.en}\n"
        )
        return func

    return decorate


# --------------------------------------------------------------------------- KPIs


@_from_catalog("roi")
def roi(gain: ArrayLike, cost: ArrayLike) -> Result:
    """Return on investment: what an investment earned relative to its cost.

    ``ROI = (gain - cost) / cost``

    Parameters
    ----------
    gain : array_like
        Total gains from the investment, in currency (may be negative).
    cost : array_like
        Total cost of the investment, in currency; must be > 0.

    Returns
    -------
    float or ndarray
        ROI as a fraction: 1.0 is 100 %, 0 is break-even, -1 is a total loss.

    References
    ----------
    Source article A2 §1 "Return on Investment (ROI)".

    Examples
    --------
    A CRM costing 10,000 EUR that brought 25,000 EUR of gains:

    >>> roi(25_000, 10_000)
    1.5
    >>> roi([12_000, 8_000], 10_000)
    array([ 0.2, -0.2])
    """
    scalar, (g, c) = _inputs(gain=gain, cost=cost)
    _positive_denominator(c, "cost", scalar)
    return _divide(g - c, c, "cost", scalar)


@_from_catalog("conversion_rate")
def conversion_rate(conversions: ArrayLike, visitors: ArrayLike) -> Result:
    """Conversion rate: the share of visitors who complete the target action.

    ``conversion rate = conversions / visitors``

    Parameters
    ----------
    conversions : array_like
        Number of conversions (purchases, sign-ups); 0 <= conversions <= visitors.
    visitors : array_like
        Number of visitors (or sessions) over the same period; > 0.

    Returns
    -------
    float or ndarray
        A fraction: 0.035 is 3.5 %.

    References
    ----------
    Source articles A1 and A2 §2 "Taux de conversion".

    Examples
    --------
    The article's goal, from 2 % to 3.5 % of 4,000 visitors:

    >>> conversion_rate(80, 4_000)
    0.02
    >>> conversion_rate(140, 4_000)
    0.035
    """
    return _share(conversions, visitors, "conversions", "visitors")


@_from_catalog("cac")
def cac(costs: ArrayLike, new_customers: ArrayLike) -> Result:
    """Customer acquisition cost: total sales and marketing costs per new customer.

    ``CAC = costs / new_customers``

    Parameters
    ----------
    costs : array_like
        Total sales and marketing costs of the period (ads, salaries, tools), currency, >= 0.
    new_customers : array_like
        Number of new customers won in the same period; > 0.

    Returns
    -------
    float or ndarray
        Cost of one new customer, in currency.

    References
    ----------
    Source articles A1 and A2 §3 "Coût d'Acquisition Client".

    Examples
    --------
    The article's channels: 5,000 EUR of Google Ads for 100 customers, 2,000 EUR of
    content marketing for 100 customers:

    >>> cac([5_000, 2_000], 100)
    array([50., 20.])
    """
    scalar, (c, n) = _inputs(costs=costs, new_customers=new_customers)
    _non_negative(c, "costs")
    _positive_denominator(n, "new_customers", scalar)
    return _divide(c, n, "new_customers", scalar)


@_from_catalog("clv")
def clv(
    average_order_value: ArrayLike,
    purchase_frequency: ArrayLike,
    lifespan: ArrayLike,
    margin: ArrayLike = 1.0,
) -> Result:
    """Customer lifetime value: what one customer brings over the whole relationship.

    ``CLV = average_order_value x purchase_frequency x lifespan x margin``

    Parameters
    ----------
    average_order_value : array_like
        Average value of one purchase, currency, >= 0.
    purchase_frequency : array_like
        Purchases per customer per year, >= 0.
    lifespan : array_like
        Average length of the customer relationship, in years, >= 0.
    margin : array_like, optional
        Gross margin rate between 0 and 1; the default 1.0 gives the CLV in revenue
        (the article's formula), a margin gives it in gross profit.

    Returns
    -------
    float or ndarray
        Lifetime value of one customer, in currency.

    References
    ----------
    Source article A1 "La valeur vie client".

    Examples
    --------
    A 60 EUR basket bought 4 times a year for 3 years, then at a 40 % margin:

    >>> clv(60, 4, 3)
    720.0
    >>> clv(60, 4, 3, margin=0.4)
    288.0
    """
    scalar, (v, f, y, m) = _inputs(
        average_order_value=average_order_value,
        purchase_frequency=purchase_frequency,
        lifespan=lifespan,
        margin=margin,
    )
    for arr, name in ((v, "average_order_value"), (f, "purchase_frequency"), (y, "lifespan")):
        _non_negative(arr, name)
    if np.any((m < 0) | (m > 1)):
        raise KpiValueError("margin", "must be a fraction between 0 and 1 (0.4 for 40 %)")
    out = v * f * y * m
    return float(out) if scalar else np.asarray(out, dtype=np.float64)


@_from_catalog("clv_cac_ratio")
def clv_cac_ratio(clv: ArrayLike, cac: ArrayLike) -> Result:
    """How many times a customer pays back its acquisition cost.

    ``ratio = CLV / CAC``; the articles' rule of thumb is 3:1 or more (a CAC
    under 30 % of the CLV means a ratio above 3.33).

    Parameters
    ----------
    clv : array_like
        Customer lifetime value, currency, >= 0.
    cac : array_like
        Customer acquisition cost, currency, > 0.

    Returns
    -------
    float or ndarray
        A multiple: 3.0 reads "3 to 1".

    References
    ----------
    Source articles A1 and A2 §3 ("Point clé": ratio 1:3).

    Examples
    --------
    >>> clv_cac_ratio(720, 240)
    3.0
    """
    scalar, (v, c) = _inputs(clv=clv, cac=cac)
    _non_negative(v, "clv")
    _positive_denominator(c, "cac", scalar)
    return _divide(v, c, "cac", scalar)


@_from_catalog("revenue_growth")
def revenue_growth(current: ArrayLike, previous: ArrayLike) -> Result:
    """Revenue growth rate from one period to the next.

    ``growth = (current - previous) / previous``

    Parameters
    ----------
    current : array_like
        Revenue of the period, currency.
    previous : array_like
        Revenue of the period before (or of the same period last year), > 0.

    Returns
    -------
    float or ndarray
        A fraction: 0.2 is +20 %.

    References
    ----------
    Source article A2 §4 "Chiffre d'Affaires et Taux de Croissance".

    Examples
    --------
    >>> revenue_growth(120_000, 100_000)
    0.2
    >>> revenue_growth([110, 90], [100, 100])
    array([ 0.1, -0.1])
    """
    scalar, (cur, prev) = _inputs(current=current, previous=previous)
    _positive_denominator(prev, "previous", scalar)
    return _divide(cur - prev, prev, "previous", scalar)


@_from_catalog("retention_rate")
def retention_rate(
    customers_end: ArrayLike, new_customers: ArrayLike, customers_start: ArrayLike
) -> Result:
    """Customer retention rate: the share of the starting customers still there at the end.

    ``retention = (customers_end - new_customers) / customers_start``

    Parameters
    ----------
    customers_end : array_like
        Customers at the end of the period, >= new_customers.
    new_customers : array_like
        Customers won during the period, >= 0.
    customers_start : array_like
        Customers at the start of the period, > 0.

    Returns
    -------
    float or ndarray
        A fraction; at most 1 whenever customers_end <= customers_start + new_customers.

    References
    ----------
    Source articles A1 and A2 §5 "Taux de Rétention Client".

    Examples
    --------
    200 customers on 1 January, 60 won during the year, 160 at year end:

    >>> retention_rate(160, 60, 200)
    0.5
    """
    scalar, (end, new, start) = _inputs(
        customers_end=customers_end, new_customers=new_customers, customers_start=customers_start
    )
    _non_negative(end, "customers_end")
    _non_negative(new, "new_customers")
    _positive_denominator(start, "customers_start", scalar)
    _not_above(new, end, "new_customers", "customers_end")
    return _divide(end - new, start, "customers_start", scalar)


@_from_catalog("net_margin")
def net_margin(net_profit: ArrayLike, revenue: ArrayLike) -> Result:
    """Net profit margin: the share of revenue left as profit.

    ``net margin = net_profit / revenue``

    Parameters
    ----------
    net_profit : array_like
        Net profit (income minus every expense, taxes and interest included), currency.
    revenue : array_like
        Revenue of the same period, > 0.

    Returns
    -------
    float or ndarray
        A fraction: 0.12 is 12 %; negative for a loss.

    References
    ----------
    Source articles A1 and A2 §6 "Marge Bénéficiaire Nette".

    Examples
    --------
    From 8 % to 12 % on 500,000 EUR of revenue:

    >>> net_margin(40_000, 500_000)
    0.08
    >>> net_margin(60_000, 500_000)
    0.12
    """
    scalar, (p, r) = _inputs(net_profit=net_profit, revenue=revenue)
    _positive_denominator(r, "revenue", scalar)
    return _divide(p, r, "revenue", scalar)


@_from_catalog("engagement_rate")
def engagement_rate(engaged: ArrayLike, total: ArrayLike) -> Result:
    """Engagement rate: engaged sessions per session (or active users per user).

    ``engagement = engaged / total``

    Parameters
    ----------
    engaged : array_like
        Engaged sessions (GA4) or active users, 0 <= engaged <= total.
    total : array_like
        All sessions or all users, > 0.

    Returns
    -------
    float or ndarray
        A fraction.

    References
    ----------
    Source article A2 §7 "Taux d'Engagement Utilisateur".

    Examples
    --------
    >>> engagement_rate(1_260, 2_100)
    0.6
    """
    return _share(engaged, total, "engaged", "total")


def _discounted(flows: NDArray[np.float64], rate: float) -> NDArray[np.float64]:
    """Present value of each period's flow, the first flow one period away."""
    periods = np.arange(1, flows.size + 1, dtype=np.float64)
    out: NDArray[np.float64] = flows / (1.0 + rate) ** periods
    return out


def _payback_series(cost: float, flows: NDArray[np.float64]) -> float:
    """Periods until the cumulative flows first reach ``cost``, linear within a period."""
    if cost == 0:
        return 0.0
    cumulative = np.cumsum(flows)
    reached = np.flatnonzero(cumulative >= cost)
    if reached.size == 0:
        raise NotRecoveredError(
            "cash_flows",
            f"add up to {cumulative[-1]:g} at most over {flows.size} periods: "
            f"the cost of {cost:g} is never recovered",
        )
    k = int(reached[0])
    before = cumulative[k - 1] if k else 0.0
    return float(k + (cost - before) / flows[k])


def _payback_constant(cost: float, flow: float, rate: float) -> float:
    """Periods for a constant flow: cost / flow, or its discounted closed form."""
    if flow <= 0:
        raise NotRecoveredError(
            "cash_flows", f"average cash flow is {flow:g}: the cost is never recovered"
        )
    if rate == 0:
        return cost / flow
    ratio = rate * cost / flow
    if ratio >= 1:
        raise NotRecoveredError(
            "cash_flows", f"discounted at {rate:g}, {flow:g} per period never repays {cost:g}"
        )
    return float(-np.log1p(-ratio) / np.log1p(rate))


@_from_catalog("payback_period")
def payback_period(
    initial_cost: ArrayLike, cash_flows: ArrayLike | Sequence[float], rate: float = 0.0
) -> Result:
    """Payback period: how many periods the cash flows take to repay the cost.

    With a number, the article's formula ``initial_cost / cash_flows`` (the
    average cash flow per period).  With a sequence of per-period cash flows,
    the period where the cumulative flow reaches the cost, interpolated
    linearly inside that period.  With ``rate``, the flows are discounted
    (the first one period away), giving the discounted payback.

    Parameters
    ----------
    initial_cost : array_like
        Cost of the investment, currency, >= 0.
    cash_flows : float or sequence of float
        Average cash flow per period, or each period's cash flow in order.
    rate : float, optional
        Discount rate per period (0.01 for 1 % a month), >= 0; default 0.

    Returns
    -------
    float or ndarray
        Periods (months if the flows are monthly).

    Raises
    ------
    NotRecoveredError
        The flows never repay the cost (a ``ValueError``; Excel shows ``#N/A``).

    References
    ----------
    Source article A2 §8 "Délai de Retour sur Investissement".

    Examples
    --------
    >>> payback_period(10_000, [3_000, 4_000, 5_000])
    2.6
    >>> payback_period(12_000, 1_000)
    12.0
    >>> round(payback_period(12_000, 1_000, rate=0.01), 2)
    12.85
    """
    r = float(_array(rate, "rate"))
    if np.isnan(r) or r < 0:
        raise KpiValueError("rate", "must be a number >= 0")
    costs = _array(initial_cost, "initial_cost")
    if np.any(np.isnan(costs)):
        raise KpiValueError("initial_cost", "is missing (NaN)")
    _non_negative(costs, "initial_cost")
    flows = _array(cash_flows, "cash_flows")
    if flows.ndim == 0:
        scalar, (c, f) = _inputs(initial_cost=costs, cash_flows=flows)
        if scalar:
            return _payback_constant(float(c), float(f), r)
        out = [_payback_constant(ci, fi, r) for ci, fi in np.broadcast(c, f)]
        return np.asarray(out, dtype=np.float64).reshape(np.broadcast(c, f).shape)
    flows = flows.ravel()
    if flows.size == 0:
        raise KpiValueError("cash_flows", "is empty; give at least one period")
    if np.any(np.isnan(flows)):
        raise KpiValueError("cash_flows", "holds a missing value (NaN); use 0 for no flow")
    present = _discounted(flows, r) if r else flows
    if costs.ndim == 0:
        return float(_payback_series(float(costs), present))
    return np.array([_payback_series(float(c), present) for c in costs.ravel()]).reshape(
        costs.shape
    )


def _nps_scores(scores: ArrayLike | Sequence[object]) -> NDArray[np.float64]:
    """The answered scores as floats: blanks (None, '', NaN) skipped, the rest checked."""
    arr = (
        np.asarray(scores, dtype=object)
        if isinstance(scores, (list, tuple))
        else np.asarray(scores)
    )
    if arr.dtype.kind == "b":
        raise KpiValueError("scores", "holds booleans; give 0-10 answers")
    if arr.dtype.kind not in "iuf":
        items = arr.ravel().tolist()
        for i, item in enumerate(items):
            if isinstance(item, (bool, str, bytes)) and item != "":
                raise KpiValueError("scores", f"answer #{i + 1} is {item!r}, not a number 0-10")
        arr = np.array([np.nan if x is None or x == "" else x for x in items], dtype=np.float64)
    vals = arr.astype(np.float64, copy=False).ravel()
    vals = vals[~np.isnan(vals)]
    bad = (vals < 0) | (vals > 10) | (vals != np.floor(vals))
    if np.any(bad):
        i = int(np.flatnonzero(bad)[0])
        raise KpiValueError("scores", f"{vals[i]:g} is not a whole number from 0 to 10")
    return vals


@_from_catalog("nps")
def nps(scores: ArrayLike | Sequence[object]) -> float:
    """Net Promoter Score from raw 0-10 answers.

    ``NPS = 100 x (promoters - detractors) / answers`` where promoters answered
    9 or 10 and detractors 0 to 6.

    Parameters
    ----------
    scores : sequence of int
        The answers to "how likely are you to recommend us, from 0 to 10?",
        1-D or 2-D; blanks (None, '' or NaN) are skipped; any other value must
        be a whole number from 0 to 10.

    Returns
    -------
    float
        Points from -100 to +100.

    Raises
    ------
    KpiZeroDivisionError
        No answer at all.

    References
    ----------
    Source article A2 §9 "Net Promoter Score".

    Examples
    --------
    Five promoters and two detractors among nine answers (one blank):

    >>> round(nps([10, 9, 9, 8, 7, 3, None, 10, 6, 9]), 2)
    33.33
    """
    vals = _nps_scores(scores)
    if vals.size == 0:
        raise KpiZeroDivisionError("scores", "has no answers")
    promoters = np.count_nonzero(vals >= catalog.NPS_PROMOTER_MIN)
    detractors = np.count_nonzero(vals <= catalog.NPS_DETRACTOR_MAX)
    return float(100.0 * (promoters - detractors) / vals.size)


def nps_counts(scores: ArrayLike | Sequence[object]) -> tuple[int, int, int]:
    """(promoters, passives, detractors) among the answered scores.

    >>> nps_counts([10, 9, 8, 3])
    (2, 1, 1)
    """
    vals = _nps_scores(scores)
    promoters = int(np.count_nonzero(vals >= catalog.NPS_PROMOTER_MIN))
    detractors = int(np.count_nonzero(vals <= catalog.NPS_DETRACTOR_MAX))
    return promoters, int(vals.size) - promoters - detractors, detractors


@_from_catalog("nps")
def nps_from_counts(promoters: ArrayLike, passives: ArrayLike, detractors: ArrayLike) -> Result:
    """Net Promoter Score from the number of promoters, passives and detractors.

    ``NPS = 100 x (promoters - detractors) / (promoters + passives + detractors)``

    Parameters
    ----------
    promoters, passives, detractors : array_like
        Numbers of answers 9-10, 7-8 and 0-6; >= 0, not all zero.

    Returns
    -------
    float or ndarray
        Points from -100 to +100.

    References
    ----------
    Source article A2 §9 "Net Promoter Score".

    Examples
    --------
    From 30 to 45 on 100 answers:

    >>> nps_from_counts(50, 30, 20)
    30.0
    >>> nps_from_counts(60, 25, 15)
    45.0
    """
    scalar, (p, n, d) = _inputs(promoters=promoters, passives=passives, detractors=detractors)
    for arr, name in ((p, "promoters"), (n, "passives"), (d, "detractors")):
        _non_negative(arr, name)
    total = p + n + d
    if scalar and total == 0:
        raise KpiZeroDivisionError("promoters + passives + detractors", "is zero (no answers)")
    return _divide(100.0 * (p - d), total, "promoters + passives + detractors", scalar)


@_from_catalog("automation_rate")
def automation_rate(automated: ArrayLike, eligible: ArrayLike) -> Result:
    """Automation rate: the share of eligible processes that run without a person.

    ``automation rate = automated / eligible``

    Parameters
    ----------
    automated : array_like
        Processes (or tasks, orders, invoices) handled automatically, 0 <= automated <= eligible.
    eligible : array_like
        Processes eligible for automation, > 0.

    Returns
    -------
    float or ndarray
        A fraction.

    References
    ----------
    Source article A2 §10 "Efficacité Opérationnelle et Taux d'Automatisation".

    Examples
    --------
    >>> automation_rate(16, 20)
    0.8
    """
    return _share(automated, eligible, "automated", "eligible")


# --------------------------------------------------------------------------- accounts (FEC)


@_from_catalog("ebe_margin")
def ebe_margin(ebe: ArrayLike, revenue: ArrayLike) -> Result:
    """EBITDA margin (taux d'EBE): the share of revenue the trade itself earns.

    ``EBE margin = ebe / revenue``, where the EBE (excédent brut d'exploitation) is the
    value added plus operating subsidies minus taxes and personnel costs (PCG).

    Parameters
    ----------
    ebe : array_like
        Excédent brut d'exploitation of the period, currency (may be negative).
    revenue : array_like
        Revenue excl. VAT of the same period, > 0.

    Returns
    -------
    float or ndarray
        A fraction: 0.10 is 10 %.

    References
    ----------
    Plan comptable général, soldes intermédiaires de gestion.

    Examples
    --------
    The sample FEC of the tests: an EBE of 269,161.07 on 1,049,934.32 of revenue:

    >>> round(ebe_margin(269_161.07, 1_049_934.32), 4)
    0.2564
    """
    scalar, (e, r) = _inputs(ebe=ebe, revenue=revenue)
    _positive_denominator(r, "revenue", scalar)
    return _divide(e, r, "revenue", scalar)


def _delay(balance: ArrayLike, flow: ArrayLike, days: ArrayLike, names: tuple[str, str]) -> Result:
    """balance / flow x days, the flow > 0 and the days > 0."""
    scalar, (b, f, d) = _inputs(**{names[0]: balance, names[1]: flow, "days": days})
    if np.any(d <= 0):
        raise KpiValueError("days", "must be > 0")
    _positive_denominator(f, names[1], scalar)
    ratio = _divide(b, f, names[1], scalar)
    return float(ratio * d) if scalar else np.asarray(ratio * d, dtype=np.float64)


@_from_catalog("dso")
def dso(receivables: ArrayLike, sales: ArrayLike, days: ArrayLike = 30.0) -> Result:
    """Days sales outstanding: how many days of sales customers still owe.

    ``DSO = receivables / sales x days``: the balance of the customer accounts (411, incl.
    VAT) at the end of a period, over the sales incl. VAT of that period, times its length
    in days.  The templates take the year to date: the average monthly sales incl. VAT
    so far and ``days = 30`` (the 360-day year of French ratio analysis).

    Parameters
    ----------
    receivables : array_like
        Customer balances incl. VAT at the end of the period, currency (negative when
        customers paid in advance).
    sales : array_like
        Sales incl. VAT of the period, > 0.
    days : array_like, optional
        Length of the period in days, > 0; default 30 (one month).

    Returns
    -------
    float or ndarray
        Days.

    References
    ----------
    Plan comptable général (411); Code de commerce art. L441-10 (60-day ceiling).

    Examples
    --------
    36,000 owed at the end of a quarter that sold 54,000 incl. VAT (90 days):

    >>> dso(36_000, 54_000, 90)
    60.0
    >>> dso(18_000, 18_000)
    30.0
    """
    return _delay(receivables, sales, days, ("receivables", "sales"))


@_from_catalog("dpo")
def dpo(payables: ArrayLike, purchases: ArrayLike, days: ArrayLike = 30.0) -> Result:
    """Days payable outstanding: how many days of purchases are still owed to suppliers.

    ``DPO = payables / purchases x days``: the supplier balances (401, incl. VAT) at the
    end of a period, over the purchases and external charges incl. VAT of that period,
    times its length in days (30 per month in the templates).

    Parameters
    ----------
    payables : array_like
        Supplier balances incl. VAT at the end of the period, currency (negative when
        suppliers were paid in advance).
    purchases : array_like
        Purchases and external charges incl. VAT of the period, > 0.
    days : array_like, optional
        Length of the period in days, > 0; default 30 (one month).

    Returns
    -------
    float or ndarray
        Days.

    References
    ----------
    Plan comptable général (401); Code de commerce art. L441-10 (60-day ceiling).

    Examples
    --------
    >>> dpo(12_000, 24_000)
    15.0
    >>> dpo(30_000, 45_000, 90)
    60.0
    """
    return _delay(payables, purchases, days, ("payables", "purchases"))


@_from_catalog("runway")
def runway(cash: ArrayLike, net_cash_flow: ArrayLike) -> Result:
    """Cash runway: how many months the cash lasts at the current burn.

    ``runway = max(cash, 0) / -net_cash_flow`` when the average monthly net cash flow is
    negative; undefined (an error for scalars, NaN in arrays) while the cash grows.

    Parameters
    ----------
    cash : array_like
        Cash at hand (banks and cash box), currency; an overdraft counts as 0.
    net_cash_flow : array_like
        Average net cash flow per month, < 0.

    Returns
    -------
    float or ndarray
        Months.

    References
    ----------
    Plan comptable général (512, 53); the "burn rate" of cash dashboards.

    Examples
    --------
    60,000 in the bank, 10,000 burnt a month on average:

    >>> runway(60_000, -10_000)
    6.0
    >>> runway([60_000, 60_000], [-10_000, 5_000])
    array([ 6., nan])
    """
    scalar, (c, f) = _inputs(cash=cash, net_cash_flow=net_cash_flow)
    if scalar and f >= 0:
        raise KpiValueError("net_cash_flow", "is not negative: the cash is not running out")
    burning = f < 0
    out = _divide(np.maximum(c, 0.0), np.where(burning, -f, 0.0), "net_cash_flow", scalar)
    return out if scalar else np.where(burning, out, np.nan)


@_from_catalog("working_capital")
def working_capital(receivables: ArrayLike, inventory: ArrayLike, payables: ArrayLike) -> Result:
    """Simplified working capital need (BFR): cash tied up in the operating cycle.

    ``BFR = receivables + inventory - payables``

    Parameters
    ----------
    receivables : array_like
        Customer balances (411) at the date, currency.
    inventory : array_like
        Stocks (class 3, net of write-downs) at the date, currency.
    payables : array_like
        Supplier balances (401) at the date, currency.

    Returns
    -------
    float or ndarray
        Currency; negative when suppliers finance the cycle.

    References
    ----------
    Plan comptable général (411, 3, 401).

    Examples
    --------
    >>> round(working_capital(52_517.24, 38_623.40, 43_813.92), 2)
    47326.72
    """
    scalar, (r, i, p) = _inputs(receivables=receivables, inventory=inventory, payables=payables)
    out = r + i - p
    return float(out) if scalar else np.asarray(out, dtype=np.float64)


@_from_catalog("personnel_share")
def personnel_share(personnel_costs: ArrayLike, revenue: ArrayLike) -> Result:
    """Personnel costs to revenue: the share of revenue spent on salaries and charges.

    ``share = personnel_costs / revenue``

    Parameters
    ----------
    personnel_costs : array_like
        Salaries and social charges (64) of the period, currency.
    revenue : array_like
        Revenue excl. VAT of the same period, > 0.

    Returns
    -------
    float or ndarray
        A fraction.

    References
    ----------
    Plan comptable général (64, 70).

    Examples
    --------
    >>> personnel_share(173_614.25, 1_049_934.32) < 0.17
    True
    >>> personnel_share(30_000, 100_000)
    0.3
    """
    scalar, (c, r) = _inputs(personnel_costs=personnel_costs, revenue=revenue)
    _positive_denominator(r, "revenue", scalar)
    return _divide(c, r, "revenue", scalar)
