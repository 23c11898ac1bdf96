"""The polars path of the orders reader (big Shopify/WooCommerce exports) gives what the
general reader gives: the same orders and figures, or the same error message.

Each export is read twice, with the polars path forced (any size) and with it
off; the polars path must also be the one taken on clean files.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from test_importers_samples import SHOPIFY_HEADER, shopify_row, write_shopify

from kpi_xl.config import Config, load_config
from kpi_xl.errors import InputFileError
from kpi_xl.importers import fastcsv, orders
from kpi_xl.importers.customers import cohorts, customer_monthly
from kpi_xl.importers.loader import load

ROWS = [
    shopify_row("#1", "A@ex.fr", "paid", "120.00", "20.00", "2024-01-07 09:50:26 +0100"),
    shopify_row("#2", "b@ex.fr", "Paid", "60.00", "10.00", "2024-01-20T10:00:00"),
    shopify_row("#3", "a@ex.fr", "partially_refunded", "120.5", "20", "2024-02-01",
                refunded="60.00"),
    shopify_row("#4", "c@ex.fr", "Voided", "50.00", "0.00", "2024-02-02 10:00:00 +0100"),
    shopify_row("#5", "d@ex.fr", "paid", "50.00", "0.00", "2024-02-03 10:00:00 +0100",
                cancelled="2024-02-04 10:00:00 +0100"),
    shopify_row("#6", "", "pending", "36.00", "6.00", "2025-01-15 18:00:00 +0100"),
    shopify_row("#7", "e@ex.fr", " REFUNDED ", "12.00", "2.00", "2025-02-15 18:00:00 +0100"),
    shopify_row("#8", "e@ex.fr", "paid", "-12.00", "", "2025-03-15 18:00:00 +0100"),
]  # fmt: skip
ITEM = "#1,a@ex.fr,,,,,,,,,,,,,,,1,Cup,10.00,,CUP-1,,,,"  # a second line item of #1


def text(rows: list[str], end: str = "\n") -> str:
    return SHOPIFY_HEADER + "\n" + "\n".join(rows) + end


VARIANTS: dict[str, Callable[[], str]] = {
    "clean": lambda: text(ROWS),
    "line-items": lambda: text([ROWS[0], ITEM, *ROWS[1:]]),
    "blank-lines-at-end": lambda: text(ROWS, "\n\n\n"),
    "crlf": lambda: text(ROWS).replace("\n", "\r\n"),
    "bom": lambda: "\ufeff" + text(ROWS),
    "blank-line-inside": lambda: text([*ROWS[:2], "", *ROWS[2:]]),
    "quoted-comma": lambda: text([ROWS[0].replace("Mug", '"Mug, blue"'), *ROWS[1:]]),
    "short-row": lambda: text([*ROWS, "#9,x@ex.fr,paid"]),
    "long-row": lambda: text([*ROWS, ROWS[0].replace("#1,", "#9,") + ",extra"]),
    "thousands-amount": lambda: text([ROWS[0].replace("120.00", "1,200.00"), *ROWS[1:]]),
    "euro-amount": lambda: text([ROWS[0].replace(",120.00,", ",120.00 €,"), *ROWS[1:]]),
    "bad-amount": lambda: text([ROWS[0].replace(",120.00,", ",12O.00,"), *ROWS[1:]]),
    "french-dates": lambda: text([r.replace("2024-01-07", "07/01/2024") for r in ROWS]),
    "bad-date": lambda: text([ROWS[0].replace("2024-01-07 09", "2024-02-30 09"), *ROWS[1:]]),
    "empty-date": lambda: text([ROWS[0].replace("2024-01-07 09:50:26 +0100", ""), *ROWS[1:]]),
    "all-excluded": lambda: text([ROWS[3]]),
    "duplicated-total": lambda: text(ROWS).replace("Subtotal", "Total", 1),
    "lone-cr-in-quoted-field": lambda: text(ROWS).replace(",Mug,", ',"ligne1\rligne2",'),
    "crlf-and-lone-cr-in-quoted-field": lambda: (
        text(ROWS).replace("\n", "\r\n").replace(",Mug,", ',"ligne1\rligne2",')
    ),
}


def outcome(
    path: Path, fast: bool, monkeypatch: pytest.MonkeyPatch, config: Config | None = None
) -> orders.OrdersResult | str:
    monkeypatch.setattr(fastcsv, "MIN_BYTES", 0 if fast else 2**62)
    try:
        return orders.read_orders(path, config)
    except InputFileError as exc:
        return str(exc)


def same(a: orders.OrdersResult | str, b: orders.OrdersResult | str) -> None:
    if isinstance(a, str) or isinstance(b, str):
        assert a == b
        return
    pd.testing.assert_frame_equal(a.monthly, b.monthly)
    pd.testing.assert_frame_equal(a.cohorts, b.cohorts)
    pd.testing.assert_frame_equal(
        a.orders.astype({"customer": str}), b.orders.astype({"customer": str})
    )
    assert a.warnings == b.warnings
    assert (a.source.kind, a.source.rows, a.source.encoding) == (
        b.source.kind,
        b.source.rows,
        b.source.encoding,
    )


@pytest.mark.parametrize("name", sorted(VARIANTS))
def test_polars_path_matches_the_general_reader(
    tmp_path: Path, name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "orders_export.csv"
    path.write_bytes(VARIANTS[name]().encode("utf-8"))
    same(outcome(path, True, monkeypatch), outcome(path, False, monkeypatch))


@pytest.mark.parametrize("config", ['[orders]\nrevenue = "total"\n',
                                    '[orders]\nexcluded_statuses = ["Pending"]\n'])  # fmt: skip
def test_polars_path_follows_the_config(
    tmp_path: Path, config: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "orders_export.csv"
    path.write_text(VARIANTS["line-items"](), encoding="utf-8")
    (tmp_path / "kpi_xl.toml").write_text(config, encoding="utf-8")
    loaded = load_config(tmp_path / "kpi_xl.toml")
    same(outcome(path, True, monkeypatch, loaded), outcome(path, False, monkeypatch, loaded))


def test_polars_path_on_the_sample_exports(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write_shopify(tmp_path)
    same(outcome(path, True, monkeypatch), outcome(path, False, monkeypatch))


@pytest.mark.parametrize("name", ["clean", "line-items", "blank-lines-at-end", "crlf", "bom"])
def test_the_polars_path_is_taken(
    tmp_path: Path, name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "orders_export.csv"
    path.write_bytes(VARIANTS[name]().encode("utf-8"))
    monkeypatch.setattr(fastcsv, "MIN_BYTES", 0)
    _, table = load(path, Config(), "orders")
    assert table.prepared is not None and len(table.data) == len(ROWS) + (name == "line-items")


def brute_force(orders_frame: pd.DataFrame, window: int) -> pd.DataFrame:
    """customers_end, new customers and lifespan straight from their definitions."""
    months = pd.date_range(orders_frame["month"].min(), orders_frame["month"].max(), freq="MS")
    seen = {(c, m) for c, m in zip(orders_frame["customer"], orders_frame["month"], strict=True)}
    index = {m: i for i, m in enumerate(months)}
    by_customer: dict[str, set[int]] = {}
    for customer, month in seen:
        by_customer.setdefault(customer, set()).add(index[month])

    def active(m: int, width: int) -> set[str]:
        return {c for c, ms in by_customer.items() if any(m - width < t <= m for t in ms)}

    rows = []
    for m in range(len(months)):
        before, now = active(m - 12, 12), active(m, 12)
        churn = len(before - now) / len(before) if m >= 23 and before else 0.0
        rows.append({
            "customers_end": float(len(active(m, window))),
            "new_customers": float(sum(min(ms) == m for ms in by_customer.values())),
            "customer_lifespan": 1.0 / churn if churn > 0 else np.nan,
        })  # fmt: skip
    return pd.DataFrame(rows)


@pytest.mark.parametrize("seed", range(4))
def test_customer_counts_match_their_definition(seed: int) -> None:
    rng = np.random.default_rng(seed)
    months = pd.date_range("2021-01-01", periods=40, freq="MS")
    n = 400
    frame = pd.DataFrame({
        "customer": [f"c{i}" for i in rng.integers(0, 60, n)],
        "month": months[np.sort(rng.integers(0, 40, n))],
        "amount": rng.random(n),
    })  # fmt: skip
    window = int(rng.integers(1, 15))
    got = customer_monthly(frame, window).reset_index(drop=True)
    expected = brute_force(frame, window)
    for column in expected.columns:
        np.testing.assert_allclose(got[column].to_numpy(), expected[column].to_numpy())


@pytest.mark.parametrize("seed", range(3))
def test_cohorts_match_their_definition(seed: int) -> None:
    rng = np.random.default_rng(seed)
    months = pd.date_range("2022-01-01", periods=20, freq="MS")
    frame = pd.DataFrame({
        "customer": [f"c{i}" for i in rng.integers(0, 40, 300)],
        "month": months[rng.integers(0, 20, 300)],
    })  # fmt: skip
    got = cohorts(frame)
    seen = frame.groupby("customer")["month"].agg(set)
    first = {c: min(ms) for c, ms in seen.items()}
    last = frame["month"].max()
    for cohort in got.index:
        members = [c for c, f in first.items() if f == cohort]
        for k in got.columns:
            when = cohort + pd.DateOffset(months=int(k))
            value = got.loc[cohort, k]
            if when > last:
                assert np.isnan(value)
            else:
                assert value == sum(when in seen[c] for c in members) / len(members)
    assert set(got.index) == set(first.values())


NOT_NUMBERS = {
    "nan": ("Total", "NaN"),
    "inf": ("Total", "inf"),
    "minus-infinity": ("Total", "-Infinity"),
    "overflow": ("Total", "1e999"),
    "huge": ("Total", "1e308"),
    "huge-digits": ("Total", "10000000000000000"),
    "huge-taxes": ("Taxes", "2000000000000000.00"),
}


@pytest.mark.parametrize("name", sorted(NOT_NUMBERS))
@pytest.mark.parametrize("fast", [True, False], ids=["polars", "general"])
def test_what_is_not_a_number_is_an_error(
    tmp_path: Path, name: str, fast: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """NaN, inf and magnitudes no shop has stop the reading at their line and column."""
    column, value = NOT_NUMBERS[name]
    row = shopify_row("#9", "z@ex.fr", "paid", "10.00", "1.00", "2025-03-20")
    row = row.replace(",10.00,0.00,1.00,10.00,", ",10.00,0.00,1.00,X,")
    if column == "Taxes":
        row = row.replace(",1.00,X,", f",{value},10.00,")
    else:
        row = row.replace(",1.00,X,", f",1.00,{value},")
    path = tmp_path / "orders_export.csv"
    path.write_bytes(text([*ROWS, row]).encode("utf-8"))
    message = outcome(path, fast, monkeypatch)
    assert isinstance(message, str), message
    assert f"line {len(ROWS) + 2}, column '{column}'" in message
    assert f"found '{value}'" in message


@pytest.mark.parametrize("end", ["\n", "\r\n"], ids=["lf", "crlf"])
@pytest.mark.parametrize("fast", [True, False], ids=["polars", "general"])
def test_a_lone_cr_inside_a_quoted_field_is_text(
    tmp_path: Path, fast: bool, end: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A valid CSV: the CR typed inside a quoted field (a Mac tool's line break) is no
    line end; the order is read and the field keeps its text."""
    rows = [ROWS[0], ROWS[5].replace(",Jean Dupont,", ',"Jean\rDupont",')]
    path = tmp_path / "orders_export.csv"
    path.write_bytes(text(rows).replace("\n", end).encode("utf-8"))
    found = outcome(path, fast, monkeypatch)
    assert not isinstance(found, str), found
    assert sorted(found.orders["customer"].astype(str)) == ["a@ex.fr", "jean\rdupont"]
    assert found.source.rows == 2
