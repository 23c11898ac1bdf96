"""Open a CSV export: recognise it, decode it, cut it into a table."""

from __future__ import annotations

from pathlib import Path

from kpi_xl.config import Config
from kpi_xl.errors import InputFileError
from kpi_xl.importers import orders_fast
from kpi_xl.importers.recognise import sniff
from kpi_xl.importers.table import Table, read_table
from kpi_xl.importers.textfile import mixed_warning, read_text_mixed

_LABELS = {
    "orders": "an orders export (Shopify, WooCommerce or mapped in [orders.columns])",
    "analytics": "a web analytics export (GA4, or mapped in [analytics.columns])",
    "ads": "an ad-spend report (Google Ads, Meta Ads, or mapped in [ads.columns])",
    "survey": "an NPS survey export (Typeform, Google Forms)",
    "manual": "a manual inputs CSV (month + input ids)",
    "fec": "a FEC",
}


def load(path: Path, config: Config, family: str) -> tuple[str, Table]:
    """The kind (``orders:shopify``...) and table of a CSV of the given family."""
    path = Path(path)
    sniffed = sniff(path, config)
    if sniffed.kind.split(":")[0] != family:
        raise InputFileError(
            path,
            f"this file looks like {_LABELS[sniffed.kind.split(':')[0]]}",
            line=sniffed.header.index + 1,
            expected=_LABELS[family],
        )
    if family == "orders":
        fast = orders_fast.prepare(path, sniffed, config)
        if fast is not None:
            return sniffed.kind, fast
    text, encoding, mixed = read_text_mixed(path, config.csv.encoding)
    table = read_table(path, text, encoding, sniffed.header, stop_at_blank=family == "analytics")
    if mixed:
        table.warnings.append(mixed_warning(path, mixed))
    if table.data.empty:
        raise InputFileError(
            path,
            "the file has a header but no data rows",
            line=table.header_line + 1,
            expected="at least one row below the header",
        )
    return sniffed.kind, table


def default_decimal(table: Table, config: Config) -> str:
    """A comma-separated file cannot use a bare decimal comma: '.' is its default."""
    if config.csv.decimal:
        return config.csv.decimal
    return "." if table.header.delimiter == "," else ","
