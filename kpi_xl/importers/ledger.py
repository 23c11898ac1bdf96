"""What a FEC's accounts say month by month: the P&L cascade, costs, cash, customers, suppliers.

Everything here works on the FEC reader's small ``by_account`` table (one row per month,
account and journal kind, a few thousand rows for a million entry lines), never on the
entry lines, so it costs next to nothing after the parse.

**The intermediate balances** (soldes intermédiaires de gestion, PCG art. 821-4 list of the
2014 chart) add up the class 6 and 7 accounts of the months' entries (opening journals left
out), each account going to exactly one line by its longest matching prefix (:data:`GROUPS`):

=====================  ===========================================================================
``commercial_margin``  sales of goods (707, 7097) - cost of goods sold (607, 6037, 6087, 6097)
``production``         production sold (70 except goods) + stocked (71) + capitalised (72, 73)
``value_added``        commercial margin + production - consumption from third parties
                       (601, 602, 603 except 6037, 604-606, 608, 609 except 6087/6097, 61, 62)
``ebe``                value added + operating subsidies (74) - taxes (63) - personnel (64)
``operating_income``   EBE + other operating income (75 except 755) + reversals (781, 791)
                       - other operating charges (65 except 655) - allowances (681)
``current_income``     operating income + joint operations (755 - 655) + financial income
                       (76, 786, 796) - financial charges (66, 686): before tax
``exceptional_income`` exceptional income (77, 787, 797) - exceptional charges (67, 687)
``net_profit``         current + exceptional income - employee profit-sharing (691) - income
                       tax (69 except 691): class 7 - class 6, the FEC reader's own figure
=====================  ===========================================================================

**Costs by nature** (net debit of the months' entries): ``purchases`` 60 (variations of stock
603 included: purchases consumed), ``external_charges`` 61 + 62, ``taxes`` 63,
``depreciation`` 68, ``financial_charges`` 66, ``exceptional_charges`` 67; personnel (64) is
the reader's ``personnel_costs``.

**Balances at month end** count every line up to the month's end, the opening journal's
included: ``cash`` = 512, 514, 517 and 53 (banks, postal cheques, other financial bodies, cash
box; debit balance), ``receivables`` = 411 (customers, debit balance), ``payables`` = 401
(suppliers, credit balance: a supplier paid before its invoice makes it smaller, possibly
negative), ``inventory`` = class 3 (stocks, net of their 39 write-downs).  ``net_cash_flow`` is
the month's movement on the cash accounts outside the opening journal, so that each month's
cash is the previous month's plus its net flow.

**Including VAT**, for the payment delays: customers and suppliers owe amounts including VAT,
revenue and purchases are booked without it.  The rates are derived from the FEC itself, never
assumed: ``sales VAT rate`` = credits of the collected-VAT accounts (44571, or 4457/44570 in
charts that do not split them) / credits of the revenue accounts (70), over the whole file, so
that exempt sales, exports and reduced rates weigh what they weigh; ``purchases VAT rate`` =
debits of the deductible-VAT accounts on goods and services (44566, or 4456/44560) / debits of
60 (603 excepted), 61 and 62.  ``revenue_incl_vat`` = revenue x (1 + sales rate) and
``purchases_incl_vat`` = those purchases x (1 + purchases rate); a FEC without VAT lines
(franchise en base) gives a rate of 0.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

#: The intermediate balances, in cascade order (``net_profit`` is the FEC reader's).
SIG_COLUMNS = (
    "commercial_margin",
    "production",
    "value_added",
    "ebe",
    "operating_income",
    "current_income",
    "exceptional_income",
)
#: Costs by nature (``personnel_costs`` is the FEC reader's).
NATURE_COLUMNS = (
    "purchases",
    "external_charges",
    "taxes",
    "depreciation",
    "financial_charges",
    "exceptional_charges",
)
#: Balances at month end, the month's cash flow and the amounts including VAT.
BALANCE_COLUMNS = (
    "cash",
    "net_cash_flow",
    "receivables",
    "payables",
    "inventory",
    "revenue_incl_vat",
    "purchases_incl_vat",
)
#: Every column this module adds to the FEC's monthly figures.
ACCOUNT_COLUMNS = (*SIG_COLUMNS, *NATURE_COLUMNS, *BALANCE_COLUMNS)
#: The cascade lines compared with the same months one year earlier (``<id>_prev_year``).
PREV_YEAR_COLUMNS = (*SIG_COLUMNS, "net_profit")

#: Each P&L account goes to the group of its longest matching prefix; the sign turns the
#: net debit (debit - credit) into the group's usual sign (income positive, charges positive).
GROUPS: dict[str, str] = {
    "70": "production_sold", "707": "goods_sales", "7097": "goods_sales",
    "71": "production_stocked", "72": "production_capitalised", "73": "production_capitalised",
    "74": "subsidies", "75": "other_income", "755": "joint_operations",
    "76": "financial_income", "77": "exceptional_income", "78": "reversals",
    "786": "financial_income", "787": "exceptional_income", "79": "reversals",
    "796": "financial_income", "797": "exceptional_income",
    "60": "consumption", "607": "goods_cost", "6037": "goods_cost", "6087": "goods_cost",
    "6097": "goods_cost", "61": "consumption", "62": "consumption", "63": "taxes",
    "64": "personnel", "65": "other_charges", "655": "joint_operations_charges",
    "66": "financial_charges", "67": "exceptional_charges", "68": "allowances",
    "686": "financial_charges", "687": "exceptional_charges", "69": "income_tax",
    "691": "profit_sharing",
}  # fmt: skip
#: Costs by nature: two-digit PCG classes (net debit).
NATURES: dict[str, tuple[str, ...]] = {
    "purchases": ("60",),
    "external_charges": ("61", "62"),
    "taxes": ("63",),
    "depreciation": ("68",),
    "financial_charges": ("66",),
    "exceptional_charges": ("67",),
}
CASH_ACCOUNTS = ("512", "514", "517", "53")
RECEIVABLE_ACCOUNTS = ("411",)
PAYABLE_ACCOUNTS = ("401",)
INVENTORY_ACCOUNTS = ("3",)
SALES_VAT_ACCOUNTS = ("44571", "44570")  # and 4457 itself
PURCHASES_VAT_ACCOUNTS = ("44566", "44560")  # and 4456 itself
VAT_PURCHASE_BASE = ("60", "61", "62")


def group_of(account: str) -> str | None:
    """The P&L group of an account by its longest prefix in :data:`GROUPS` (None: not P&L).

    >>> group_of("707100"), group_of("706000"), group_of("681120"), group_of("411000")
    ('goods_sales', 'production_sold', 'allowances', None)
    """
    for size in range(min(len(account), 4), 1, -1):
        found = GROUPS.get(account[:size])
        if found is not None:
            return found
    return None


def monthly_accounts(
    by_account: pd.DataFrame, months: pd.DatetimeIndex, revenue: Row
) -> dict[str, Row]:
    """The :data:`ACCOUNT_COLUMNS` of every month of ``months``.

    Parameters
    ----------
    by_account
        The FEC reader's sums: ``month``, ``account``, ``opening``, ``debit``, ``credit``.
    months
        Every month of the FEC's span (month starts).
    revenue
        The reader's revenue of each of these months.

    Returns
    -------
    dict
        One float array per :data:`ACCOUNT_COLUMNS`, a value per month, rounded to 10
        decimals (a FEC's amounts have 2: what is left is float noise).
    """
    if len(months) == 0:
        return {c: np.zeros(0) for c in ACCOUNT_COLUMNS}
    sums = _Sums(by_account, months)
    groups = sums.flows(group_of, _GROUP_NAMES)
    out = _sig({name: groups[i] for i, name in enumerate(_GROUP_NAMES)})
    natures = sums.flows(_nature_of, tuple(NATURES))
    for i, column in enumerate(NATURES):
        out[column] = natures[i]
    balances = sums.balances(_balance_of, _BALANCES)
    out["cash"], out["receivables"], out["inventory"] = balances[0], balances[1], balances[3]
    out["payables"] = -balances[2]
    out["net_cash_flow"] = sums.flows(_balance_of, _BALANCES)[0]
    sales_rate, purchases_rate = vat_rates(by_account)
    out["revenue_incl_vat"] = revenue * (1.0 + sales_rate)
    base = sums.flows(lambda a: "base" if _is_purchase_base(a) else None, ("base",))[0]
    out["purchases_incl_vat"] = base * (1.0 + purchases_rate)
    return {c: _rounded(out[c]) for c in ACCOUNT_COLUMNS}


def _rounded(values: Any) -> Row:
    """To 10 decimals (a FEC's amounts have 2: the rest is float noise), no -0.0."""
    return np.asarray(np.round(np.asarray(values, dtype=np.float64), 10) + 0.0, dtype=np.float64)


_GROUP_NAMES = tuple(dict.fromkeys(GROUPS.values()))
_BALANCES = ("cash", "receivables", "payables", "inventory")
Row = np.ndarray[Any, np.dtype[np.float64]]


def _nature_of(account: str) -> str | None:
    return next((n for n, prefixes in NATURES.items() if account.startswith(prefixes)), None)


def _balance_of(account: str) -> str | None:
    for name, prefixes in zip(_BALANCES, (CASH_ACCOUNTS, RECEIVABLE_ACCOUNTS, PAYABLE_ACCOUNTS,
                                           INVENTORY_ACCOUNTS), strict=True):  # fmt: skip
        if account.startswith(prefixes):
            return name
    return None


def _is_purchase_base(account: str) -> bool:
    return account.startswith(VAT_PURCHASE_BASE) and not account.startswith("603")


class _Sums:
    """Net debits of the per-account table summed by (label, month) with one ``bincount``.

    Accounts are labelled once per distinct account, not per row.
    """

    def __init__(self, by_account: pd.DataFrame, index: pd.DatetimeIndex) -> None:
        self.n = len(index)
        codes, uniques = pd.factorize(by_account["account"].astype(str))
        self.codes, self.uniques = np.asarray(codes), [str(u) for u in uniques]
        months = by_account["month"].to_numpy(dtype="datetime64[ns]").view(np.int64)
        # Lines dated before the first month (an opening journal dated the day before)
        # count from the first month on.
        position = (
            np.searchsorted(
                index.to_numpy(dtype="datetime64[ns]").view(np.int64), months, side="right"
            )
            - 1
        )
        self.position = np.clip(position, 0, self.n - 1)
        self.net = (by_account["debit"] - by_account["credit"]).to_numpy(dtype=np.float64)
        self.flow = ~by_account["opening"].to_numpy(dtype=bool)

    def _sum(self, label: Callable[[str], str | None], names: tuple[str, ...], rows: Any) -> Row:
        lookup = {name: i for i, name in enumerate(names)}
        of_account = np.array([lookup.get(label(a) or "", -1) for a in self.uniques] + [-1])
        labels = of_account[self.codes]
        keep = (labels >= 0) & rows
        flat = labels[keep] * self.n + self.position[keep]
        total = np.bincount(flat, weights=self.net[keep], minlength=len(names) * self.n)
        return np.asarray(total, dtype=np.float64).reshape(len(names), self.n)

    def flows(self, label: Callable[[str], str | None], names: tuple[str, ...]) -> Row:
        """Each label's net debit of the month's entries, opening journals left out."""
        return self._sum(label, names, self.flow)

    def balances(self, label: Callable[[str], str | None], names: tuple[str, ...]) -> Row:
        """Each label's debit balance at each month end, opening lines included."""
        out: Row = np.cumsum(self._sum(label, names, True), axis=1, dtype=np.float64)
        return out


def _sig(group: dict[str, Row]) -> dict[str, Row]:
    """The intermediate balances from the monthly net debit of each P&L group."""
    credit = {n: -group[n] for n in (
        "goods_sales", "production_sold", "production_stocked", "production_capitalised",
        "subsidies", "other_income", "joint_operations", "financial_income",
        "exceptional_income", "reversals",
    )}  # fmt: skip
    debit = {n: group[n] for n in (
        "goods_cost", "consumption", "taxes", "personnel", "other_charges",
        "joint_operations_charges", "financial_charges", "exceptional_charges", "allowances",
    )}  # fmt: skip
    margin = credit["goods_sales"] - debit["goods_cost"]
    production = (
        credit["production_sold"] + credit["production_stocked"] + credit["production_capitalised"]
    )
    value_added = margin + production - debit["consumption"]
    ebe = value_added + credit["subsidies"] - debit["taxes"] - debit["personnel"]
    operating = (
        ebe + credit["other_income"] + credit["reversals"]
        - debit["other_charges"] - debit["allowances"]
    )  # fmt: skip
    current = (
        operating + credit["joint_operations"] - debit["joint_operations_charges"]
        + credit["financial_income"] - debit["financial_charges"]
    )  # fmt: skip
    exceptional = credit["exceptional_income"] - debit["exceptional_charges"]
    return {
        "commercial_margin": margin,
        "production": production,
        "value_added": value_added,
        "ebe": ebe,
        "operating_income": operating,
        "current_income": current,
        "exceptional_income": exceptional,
    }


def vat_rates(by_account: pd.DataFrame) -> tuple[float, float]:
    """The FEC's effective VAT rates on sales and on purchases (see the module docstring).

    0 where the FEC has no sales (or purchases) to divide by.  Accounts are
    tested once per distinct account.
    """
    rows = by_account[~by_account["opening"].to_numpy(dtype=bool)]
    codes, uniques = pd.factorize(rows["account"].astype(str))
    names = [str(u) for u in uniques]

    def rows_where(test: Callable[[str], bool]) -> npt.NDArray[np.bool_]:
        return np.array([test(a) for a in names] + [False])[codes]

    def vat(prefixes: tuple[str, ...], parent: str) -> Callable[[str], bool]:
        return lambda a: a.startswith(prefixes) or a.rstrip("0") == parent

    credit = rows["credit"].to_numpy(dtype=np.float64)
    debit = rows["debit"].to_numpy(dtype=np.float64)
    collected = float(credit[rows_where(vat(SALES_VAT_ACCOUNTS, "4457"))].sum())
    sales = float(credit[rows_where(lambda a: a.startswith("70"))].sum())
    deductible = float(debit[rows_where(vat(PURCHASES_VAT_ACCOUNTS, "4456"))].sum())
    purchases = float(debit[rows_where(_is_purchase_base)].sum())
    return (
        collected / sales if sales > 0 else 0.0,
        deductible / purchases if purchases > 0 else 0.0,
    )
