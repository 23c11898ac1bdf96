"""``kpi-xl compute``: a folder of exports -> the monthly inputs and KPIs of a year."""

from __future__ import annotations

import argparse
import csv
import json
import math
import sys
from pathlib import Path
from typing import Any

import pandas as pd
from rich.console import Console
from rich.table import Table
from rich.text import Text

from kpi_xl import catalog, fmt
from kpi_xl.config import Config, find_config, load_config
from kpi_xl.importers import INPUT_IDS, Exports, fiscal_year_table, ledger, read_exports
from kpi_xl.monthly import MonthlyKpis, compute_kpis, inputs_ytd
from kpi_xl.workbook.template import texts
from kpi_xl.workbook.write.comments import fiscal_year_end, latest_comments

HELP = "read a folder of exports and show the monthly inputs and KPIs of a fiscal year"
DESCRIPTION = """\
Read every export kpi_xl recognises in a folder, whatever the file names:
the FEC (accounting entries), Shopify or WooCommerce orders, GA4 traffic,
Google Ads or Meta Ads spend, Typeform or Google Forms NPS surveys, and a
small manual CSV (investments, automated processes).  Files are recognised
by their header line; stderr says which file was read as what.

The result is one row per month of the fiscal year: the inputs (revenue,
orders, visitors...) and every KPI of the catalog (conversion rate, CAC,
CLV, retention, net margin, NPS...), plus the year to date.  An empty cell
means the exports do not tell (no source, or a KPI undefined that month).

An optional kpi_xl.toml in the folder (or --config) maps the columns of any
other export, sets the FEC account lists, the fiscal year start month and
the targets: see docs/importers.md.
"""
EPILOG = """\
examples:
  kpi-xl compute --from exports/                 the latest fiscal year, as a table
  kpi-xl compute --from exports/ --year 2024     the fiscal year starting in 2024
  kpi-xl compute --from exports/ --format csv > kpis.csv
  kpi-xl compute --from exports/ --format csv-fr > kpis.csv   # ';' and 0,25: French Excel
  kpi-xl compute --from exports/ --format json --config company.toml

A bad file stops with its name, line, column, value and what was expected
(exit code 2); add --debug before 'compute' for the traceback.
"""


def register(sub: Any) -> None:
    p = sub.add_parser(
        "compute",
        help=HELP,
        description=DESCRIPTION,
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument(
        "--from",
        dest="folder",
        required=True,
        type=Path,
        metavar="DIR",
        help="the folder of exports",
    )
    p.add_argument(
        "--year",
        type=int,
        metavar="YYYY",
        help="the fiscal year starting in YYYY (default: the latest with data)",
    )
    p.add_argument(
        "--format",
        choices=("table", "csv", "csv-fr", "json"),
        default="table",
        help="table for the terminal (default), csv (one row per month; ',' and 0.25), "
        "csv-fr (the same with ';' and 0,25, as French Excel opens it) or json",
    )
    p.add_argument(
        "--config",
        type=Path,
        metavar="FILE",
        help="the kpi_xl.toml to use (default: the one in DIR, if any)",
    )
    p.add_argument(
        "--lang",
        choices=catalog.LANGS,
        help="language of the table's labels (default: the config's, else fr)",
    )
    p.add_argument(
        "--cohorts",
        action="store_true",
        help="also show the retention of each month's new customers (from the orders export)",
    )
    p.add_argument(
        "--comments",
        action="store_true",
        help="also show the NPS survey's comments of the year, detractors first",
    )
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    folder: Path = args.folder
    config = load_config(args.config or find_config(folder))
    exports = read_exports(folder, config)
    _report(exports)
    table = fiscal_year_table(
        exports.monthly, args.year, exports.fiscal_start_month(config.fiscal_year_start_month)
    )
    inputs = table[list(INPUT_IDS)]
    result = compute_kpis(inputs)
    start = exports.fiscal_start_month(config.fiscal_year_start_month)
    previous = prev_year_columns(exports.monthly, pd.DatetimeIndex(inputs.index), start)
    if args.format in ("csv", "csv-fr"):
        _write_csv(inputs, result, french=args.format == "csv-fr", extra=previous)
    elif args.format == "json":
        _write_json(inputs, result, exports, extra=previous)
    else:
        lang = args.lang or config.language
        _print_table(inputs, result, lang, config)
        _print_prev_year(previous, lang)
        if args.cohorts:
            _print_cohorts(exports, pd.DatetimeIndex(inputs.index), lang)
        if args.comments:
            _print_comments(exports, pd.DatetimeIndex(inputs.index), lang)
    return 0


def _report(exports: Exports) -> None:
    """Say on stderr which file was read as what, and every warning."""
    for source in exports.sources:
        print(f"kpi-xl: {source.describe()}", file=sys.stderr)
    for warning in exports.warnings:
        print(f"kpi-xl: warning: {warning}", file=sys.stderr)


#: The FEC's figures shown again for the same months one exercise earlier (``<id>_prev_year``);
#: the cascade's are input rows of their own (``ebe_prev_year``...).
PREV_YEAR_INPUTS = tuple(
    c for c in ("personnel_costs", *ledger.ACCOUNT_COLUMNS) if c not in ledger.PREV_YEAR_COLUMNS
)
PREV_YEAR_KPIS = tuple(k.id for k in catalog.KPIS if "PCG" in k.source)


def prev_year_columns(
    monthly: pd.DataFrame, months: pd.DatetimeIndex, start_month: int
) -> pd.DataFrame:
    """``<id>_prev_year`` for the FEC's figures and KPIs: the same months one exercise earlier.

    Empty (no columns) when the exports hold no FEC figure for those months.
    """
    earlier = fiscal_year_table(monthly, months[0].year - 1, start_month)
    present = [c for c in PREV_YEAR_INPUTS if c in earlier]
    if not present or earlier[present].isna().all().all():
        return pd.DataFrame(index=months)
    kpis = compute_kpis(earlier[list(INPUT_IDS)]).months
    frame = pd.concat([earlier[present], kpis[list(PREV_YEAR_KPIS)]], axis=1)
    frame.columns = pd.Index([f"{c}_prev_year" for c in frame.columns])
    return frame.set_axis(months)


def _rows(
    inputs: pd.DataFrame, result: MonthlyKpis, extra: pd.DataFrame | None = None
) -> pd.DataFrame:
    """One row per month: ``month`` (YYYY-MM), the input ids, the KPI ids, then ``extra``."""
    parts = [inputs, result.months.set_axis(inputs.index)]
    if extra is not None:
        parts.append(extra.set_axis(inputs.index))
    frame = pd.concat(parts, axis=1)
    frame.insert(0, "month", pd.DatetimeIndex(inputs.index).strftime("%Y-%m"))
    return frame.reset_index(drop=True)


def _clean(value: Any) -> Any:
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def _write_csv(
    inputs: pd.DataFrame,
    result: MonthlyKpis,
    french: bool = False,
    extra: pd.DataFrame | None = None,
) -> None:
    """Full-precision numbers; ``french``: ``;`` separators and decimal commas."""
    frame = _rows(inputs, result, extra)
    writer = csv.writer(sys.stdout, delimiter=";" if french else ",", lineterminator="\n")
    writer.writerow(frame.columns)
    for record in frame.itertuples(index=False):
        writer.writerow([_csv_cell(v, french) for v in record])


def _csv_cell(value: Any, french: bool) -> Any:
    if _clean(value) is None:
        return ""
    if isinstance(value, float):
        text = repr(value)
        return text.replace(".", ",") if french else text
    return value


def _write_json(
    inputs: pd.DataFrame, result: MonthlyKpis, exports: Exports, extra: pd.DataFrame | None = None
) -> None:
    frame = _rows(inputs, result, extra)
    months = [{k: _clean(v) for k, v in row.items()} for row in frame.to_dict("records")]
    document = {
        "months": months,
        "ytd": {k: _clean(float(v)) for k, v in result.ytd.items()},
        "sources": [
            {
                "file": str(s.path),
                "kind": s.kind,
                "rows": s.rows,
                "encoding": s.encoding,
                "first_month": None if s.first_month is None else f"{s.first_month:%Y-%m}",
                "last_month": None if s.last_month is None else f"{s.last_month:%Y-%m}",
            }
            for s in exports.sources
        ],
        "warnings": exports.warnings,
    }
    json.dump(document, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")


def _input_cell(value: float, unit: catalog.Unit, lang: str) -> str:
    """Amounts without decimals nor currency, so that twelve months fit a terminal."""
    if unit is catalog.Unit.CURRENCY and not math.isnan(value):
        return fmt.number(value, 0, lang)
    return fmt.value(value, unit, lang)


def _print_table(inputs: pd.DataFrame, result: MonthlyKpis, lang: str, config: Config) -> None:
    months = pd.DatetimeIndex(inputs.index)
    title = f"{months[0]:%Y-%m} → {months[-1]:%Y-%m}"
    table = Table(title=title, show_lines=False)
    table.add_column("Indicateur" if lang == "fr" else "Item", no_wrap=True)
    for month in months:
        table.add_column(f"{month:%m/%y}", justify="right", no_wrap=True)
    table.add_column(
        "Cumul" if lang == "fr" else "YTD", justify="right", style="bold", no_wrap=True
    )
    totals = inputs_ytd(inputs)
    for spec in catalog.INPUTS:
        cells = [_input_cell(v, spec.unit, lang) for v in [*inputs[spec.id], totals[spec.id]]]
        table.add_row(spec.name(lang), *cells)
    table.add_section()
    for kpi in catalog.KPIS:
        values = [*result.months[kpi.id], float(result.ytd[kpi.id])]
        table.add_row(kpi.name(lang), *(fmt.value(v, kpi.unit, lang) for v in values))
    Console(width=max(160, Console().width)).print(table)


def _print_prev_year(previous: pd.DataFrame, lang: str) -> None:
    """The FEC's figures of the same months one exercise earlier, when the exports hold them."""
    if previous.empty or not len(previous.columns):
        return
    months = pd.DatetimeIndex(previous.index)
    table = Table(title=("Même période N-1" if lang == "fr" else "Same months last year"))
    table.add_column("Indicateur" if lang == "fr" else "Item", no_wrap=True)
    for month in months:
        table.add_column(f"{month:%m/%y}", justify="right", no_wrap=True)
    for column in previous.columns:
        item = column.removesuffix("_prev_year")
        if item in PREV_YEAR_KPIS:
            kpi = catalog.get(item)
            cells = [fmt.value(v, kpi.unit, lang) for v in previous[column]]
            table.add_row(f"{kpi.name(lang)} N-1", *cells)
        else:
            spec = catalog.get_input(item)
            cells = [_input_cell(v, spec.unit, lang) for v in previous[column]]
            table.add_row(f"{spec.name(lang)} N-1", *cells)
    Console(width=max(160, Console().width)).print(table)


def _print_cohorts(exports: Exports, months: pd.DatetimeIndex, lang: str) -> None:
    """Share of each first-order month's customers who ordered again k months later."""
    fr = lang == "fr"
    cohorts = exports.cohorts
    if cohorts is None or cohorts.empty:
        print("Pas de cohortes : il faut un export de commandes." if fr else
              "No cohorts: they need an orders export.")  # fmt: skip
        return
    rows = cohorts.loc[cohorts.index.isin(months)].iloc[:, :12]
    title = ("Rétention par cohorte (mois du 1er achat × mois écoulés)" if fr else
             "Retention by cohort (first-order month × months since)")  # fmt: skip
    table = Table(title=title)
    table.add_column("Cohorte" if fr else "Cohort", no_wrap=True)
    for k in rows.columns:
        table.add_column(f"+{k}", justify="right", no_wrap=True)
    for month, shares in zip(pd.DatetimeIndex(rows.index), rows.to_numpy(), strict=True):
        cells = [fmt.value(float(v), catalog.Unit.RATIO, lang) for v in shares]
        table.add_row(f"{month:%Y-%m}", *cells)
    Console(width=max(160, Console().width)).print(table)


def _print_comments(exports: Exports, months: pd.DatetimeIndex, lang: str, most: int = 10) -> None:
    """The year's survey comments: what detractors and promoters said, newest first."""
    fr = lang == "fr"
    comments = exports.comments
    if comments is None or comments.empty:
        print("Pas de commentaires NPS." if fr else "No NPS comments.")
        return
    days = [m.date() for m in months]
    groups = latest_comments(comments, days[0], fiscal_year_end(days))
    for group, rows in groups.items():
        title = texts.COMMENTS_GROUPS[group](lang)
        table = Table(title=f"{title}: {len(rows)}", title_justify="left")
        columns = texts.COMMENTS_COLUMNS
        table.add_column(columns["date"](lang), no_wrap=True)
        table.add_column(columns["score"](lang), justify="right")
        table.add_column(columns["comment"](lang))
        for row in rows.head(most).itertuples(index=False):
            table.add_row(f"{row.date:%d/%m/%Y}", f"{row.score:g}", Text(str(row.comment)))
        Console().print(table)
