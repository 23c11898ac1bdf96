"""The competitor: polars scripts that compute the same monthly figures as kpi_xl.

What a data-savvy accountant would write in a few dozen lines: read only the
needed columns as text, parse amounts (French decimal comma, spaces as
thousands marks, a trailing minus), dates, and sum per month.  The benches
assert that these figures equal kpi_xl's, so both sides do the same job.
Needs polars (``pip install polars``; a bench-only dependency).
"""

from __future__ import annotations

import polars as pl

FEC_FIGURES = ("revenue", "products", "charges", "sales_marketing_costs", "personnel_costs",
               "cost_of_goods")  # fmt: skip
ORDER_FIGURES = ("orders", "orders_revenue", "new_customers", "customers_end")


def amount(column: str) -> pl.Expr:
    """``1 234,56`` / ``123,45-`` / ``0000000069,60`` -> float (null when empty)."""
    body = pl.col(column).str.replace_all(" ", "", literal=True)
    number = body.str.strip_suffix("-").str.replace(",", ".", literal=True).cast(pl.Float64)
    return pl.when(body.str.ends_with("-")).then(-number).otherwise(number)


def fec_monthly(path: str) -> dict[str, list[float]]:
    """Monthly products, charges, revenue (70), marketing (623), personnel (64), COGS."""
    frame = pl.read_csv(
        path, separator="\t", columns=[0, 3, 4, 11, 12], infer_schema=False, quote_char=None
    ).rename(lambda n: n.lstrip("\ufeff"))
    frame.columns = ["journal", "date", "account", "debit", "credit"]
    net = (amount("debit").fill_null(0) - amount("credit").fill_null(0)).alias("net")
    lines = frame.select(
        pl.col("journal").str.strip_chars().str.to_uppercase().is_in(["AN", "ANO", "RAN"])
        .alias("opening"),
        pl.col("date").str.strip_chars().str.to_date("%Y%m%d").dt.truncate("1mo").alias("month"),
        pl.col("account").str.strip_chars().alias("account"),
        net,
    ).filter(~pl.col("opening"))  # fmt: skip
    acc = pl.col("account")

    def part(prefixes: tuple[str, ...], sign: float) -> pl.Expr:
        match = pl.any_horizontal([acc.str.starts_with(p) for p in prefixes])
        return (pl.when(match).then(pl.col("net")).otherwise(0.0) * sign).sum()

    monthly = (
        lines.group_by("month")
        .agg(
            part(("70",), -1).alias("revenue"),
            part(("7",), -1).alias("products"),
            part(("6",), 1).alias("charges"),
            part(("623",), 1).alias("sales_marketing_costs"),
            part(("64",), 1).alias("personnel_costs"),
            part(("607", "6037", "6097"), 1).alias("cost_of_goods"),
        )
        .sort("month")
    )
    return {name: monthly.get_column(name).to_list() for name in FEC_FIGURES}


def orders_monthly(path: str, window: int = 12) -> dict[str, list[float]]:
    """Shopify orders: counted orders, revenue excl. VAT net of refunds, customers."""
    frame = pl.read_csv(path, infer_schema=False, columns=[
        "Name", "Email", "Financial Status", "Taxes", "Total", "Created at", "Billing Name",
        "Cancelled at", "Refunded Amount"])  # fmt: skip
    total = pl.col("Total").str.strip_chars().cast(pl.Float64).fill_null(0)
    taxes = pl.col("Taxes").str.strip_chars().cast(pl.Float64).fill_null(0)
    refunded = pl.col("Refunded Amount").str.strip_chars().cast(pl.Float64).fill_null(0)
    share = (1 - refunded / pl.when(total != 0).then(total)).fill_null(1).clip(lower_bound=0)
    email = pl.col("Email").str.strip_chars().str.to_lowercase()
    billing = pl.col("Billing Name").str.strip_chars().str.to_lowercase()
    orders = (
        frame.unique("Name", keep="first", maintain_order=True)
        .filter(
            ~pl.col("Financial Status").str.strip_chars().str.to_lowercase()
            .is_in(["voided", "expired", "refunded"]).fill_null(False)
            & (pl.col("Cancelled at").str.strip_chars().fill_null("") == "")
        )
        .select(
            pl.col("Created at").str.strip_chars().str.slice(0, 10).str.to_date("%Y-%m-%d")
            .dt.truncate("1mo").alias("month"),
            pl.coalesce(pl.when(email != "").then(email), pl.when(billing != "").then(billing),
                        pl.lit("order:") + pl.col("Name")).alias("customer"),
            ((total - taxes) * share).alias("amount"),
        )
    )  # fmt: skip
    months = pl.date_range(orders["month"].min(), orders["month"].max(), "1mo", eager=True)
    per_month = orders.group_by("month").agg(pl.len().alias("orders"), pl.col("amount").sum())
    first = orders.group_by("customer").agg(pl.col("month").min()).group_by("month").len("new")
    # Active at the end of month m: ordered in one of the months m-window+1..m.  Each
    # distinct (customer, month t) keeps its customer active until t + window or the
    # customer's next order month: +1 at t, -1 at that end, then a running sum.
    number = pl.col("month").dt.year() * 12 + pl.col("month").dt.month() - 1
    seen = orders.select("customer", number.alias("m")).unique().sort("customer", "m")
    same = pl.col("customer").shift(-1) == pl.col("customer")
    following = pl.when(same).then(pl.col("m").shift(-1)).otherwise(1 << 30)
    ends = seen.with_columns(pl.min_horizontal(pl.col("m") + window, following).alias("e"))
    events = pl.concat([ends.select(pl.col("m").alias("at"), pl.lit(1).alias("d")),
                        ends.select(pl.col("e").alias("at"), pl.lit(-1).alias("d"))])  # fmt: skip
    start = int(months[0].year * 12 + months[0].month - 1)
    active = (
        events.group_by("at").agg(pl.col("d").sum()).sort("at")
        .with_columns(pl.col("d").cum_sum().alias("active"))
        .filter(pl.col("at").is_between(start, start + len(months) - 1))
        .select(pl.date(pl.col("at") // 12, pl.col("at") % 12 + 1, 1).alias("month"), "active")
    )  # fmt: skip
    table = (
        pl.DataFrame({"month": months})
        .join(per_month, on="month", how="left")
        .join(first, on="month", how="left")
        .join(active, on="month", how="left")
        .with_columns(pl.col("active").forward_fill())
        .fill_null(0)
        .sort("month")
    )
    return {
        "orders": table["orders"].cast(pl.Float64).to_list(),
        "orders_revenue": table["amount"].to_list(),
        "new_customers": table["new"].cast(pl.Float64).to_list(),
        "customers_end": table["active"].cast(pl.Float64).to_list(),
    }
