"""``kpi-xl compute``: a folder of exports -> the monthly inputs and KPIs of a year."""

from __future__ import annotations

import argparse
import csv
import json
import math
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kpi_xl.commands import LANGS, SUMMARIES, add_until

if TYPE_CHECKING:  # imported where used: 'compute --help' must not load pandas
    import pandas as pd

    from kpi_xl import catalog
    from kpi_xl.config import Config
    from kpi_xl.importers import Exports
    from kpi_xl.importers.period import Period
    from kpi_xl.monthly import MonthlyKpis

HELP = SUMMARIES["compute"]
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
  kpi-xl compute --from exports/               the latest fiscal year
  kpi-xl compute --from exports/ --year 2024   the fiscal year starting in 2024
  kpi-xl compute --from exports/ --format csv > kpis.csv
  kpi-xl compute --from exports/ --format csv-fr > kpis.csv  # ';', 0,25: French
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
    add_until(p, "the last month to show")
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
        choices=LANGS,
        help="language of the table's labels (default: the config's, else the system's)",
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
    import pandas as pd

    from kpi_xl.config import find_config, load_config
    from kpi_xl.importers import read_exports
    from kpi_xl.monthly import compute_kpis, prev_year_columns
    from kpi_xl.report import period_of  # fill's rules: the period, a year without data

    folder: Path = args.folder
    config = load_config(args.config or find_config(folder))
    exports = read_exports(folder, config)
    period = period_of(exports, config, folder, year=args.year, until=args.until)
    _report(exports, period)
    inputs = period.inputs
    result = compute_kpis(inputs)
    previous = prev_year_columns(exports.monthly, pd.DatetimeIndex(inputs.index))
    if args.format in ("csv", "csv-fr"):
        _write_csv(inputs, result, french=args.format == "csv-fr", extra=previous)
    elif args.format == "json":
        _write_json(inputs, result, exports, period, extra=previous)
    else:
        lang = args.lang or config.language
        _print_table(inputs, result, lang, config)
        _print_prev_year(previous, lang)
        if args.cohorts:
            _print_cohorts(exports, pd.DatetimeIndex(inputs.index), lang)
        if args.comments:
            _print_comments(exports, pd.DatetimeIndex(inputs.index), lang)
    return 0


def _report(exports: Exports, period: Period) -> None:
    """Say on stderr which file was read as what, and every warning."""
    for source in exports.sources:
        print(f"kpi-xl: {source.describe()}", file=sys.stderr)
    for warning in [*exports.warnings, *period.warnings]:
        print(f"kpi-xl: warning: {warning}", file=sys.stderr)
    sys.stderr.flush()


def _rows(
    inputs: pd.DataFrame, result: MonthlyKpis, extra: pd.DataFrame | None = None
) -> pd.DataFrame:
    """One row per month: ``month`` (YYYY-MM), the input ids, the KPI ids, then ``extra``."""
    import pandas as pd

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
    inputs: pd.DataFrame,
    result: MonthlyKpis,
    exports: Exports,
    period: Period,
    extra: pd.DataFrame | None = None,
) -> None:
    frame = _rows(inputs, result, extra)
    months = [{k: _clean(v) for k, v in row.items()} for row in frame.to_dict("records")]
    origins = period.origins
    for i, record in enumerate(months):
        row = {} if origins is None else origins.iloc[i].dropna().to_dict()
        record["origins"] = {str(k): str(v) for k, v in row.items()}
    document = {
        "latest_month": None if period.latest is None else f"{period.latest:%Y-%m}",
        "exercise": _exercise(period),
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
        "warnings": [*exports.warnings, *period.warnings],
    }
    json.dump(document, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")


def _exercise(period: Period) -> dict[str, Any] | None:
    """The FEC exercise shown: its file, first and last month, length."""
    e = period.exercise
    if e is None:
        return None
    months = {"first_month": f"{e.start:%Y-%m}", "last_month": f"{e.end:%Y-%m}"}
    return {"file": e.file, **months, "months": e.n_months}


def _input_cell(value: float, unit: catalog.Unit, lang: str) -> str:
    """Amounts without decimals nor currency, so that twelve months fit a terminal."""
    from kpi_xl import catalog, fmt

    if unit is catalog.Unit.CURRENCY and not math.isnan(value):
        return fmt.number(value, 0, lang)
    return fmt.value(value, unit, lang)


def _print_table(inputs: pd.DataFrame, result: MonthlyKpis, lang: str, config: Config) -> None:
    """The inputs then the KPIs, a column per month and the year to date, fitting the width."""
    import pandas as pd

    from kpi_xl import catalog, fmt
    from kpi_xl.commands.tables import Column, console, month_blocks
    from kpi_xl.monthly import inputs_ytd

    months = pd.DatetimeIndex(inputs.index)
    totals = inputs_ytd(inputs)
    labels = [s.name(lang) for s in catalog.INPUTS] + [k.name(lang) for k in catalog.KPIS]

    def cells(i: int | None) -> list[str]:  # one month (i), or the year to date (None)
        out = []
        for spec in catalog.INPUTS:
            value = totals[spec.id] if i is None else inputs[spec.id].iloc[i]
            out.append(_input_cell(float(value), spec.unit, lang))
        for kpi in catalog.KPIS:
            value = result.ytd[kpi.id] if i is None else result.months[kpi.id].iloc[i]
            out.append(fmt.value(float(value), kpi.unit, lang))
        return out

    columns = [Column(f"{m:%m/%y}", cells(i)) for i, m in enumerate(months)]
    columns.append(Column("Cumul" if lang == "fr" else "YTD", cells(None), style="bold"))
    out = console()
    title = f"{months[0]:%Y-%m} → {months[-1]:%Y-%m}"
    label = "Indicateur" if lang == "fr" else "Item"
    for table in month_blocks(title, label, labels, columns, [len(catalog.INPUTS)], out):
        out.print(table)


def _print_prev_year(previous: pd.DataFrame, lang: str) -> None:
    """The FEC's figures of the same months one exercise earlier, when the exports hold them."""
    import pandas as pd

    from kpi_xl import catalog, fmt
    from kpi_xl.commands.tables import Column, console, month_blocks
    from kpi_xl.monthly import PREV_YEAR_KPIS

    if previous.empty or not len(previous.columns):
        return
    months = pd.DatetimeIndex(previous.index)
    labels, rows = [], []
    for column in previous.columns:
        item = column.removesuffix("_prev_year")
        if item in PREV_YEAR_KPIS:
            kpi = catalog.get(item)
            labels.append(f"{kpi.name(lang)} N-1")
            rows.append([fmt.value(float(v), kpi.unit, lang) for v in previous[column]])
        else:
            spec = catalog.get_input(item)
            labels.append(f"{spec.name(lang)} N-1")
            rows.append([_input_cell(float(v), spec.unit, lang) for v in previous[column]])
    columns = [Column(f"{m:%m/%y}", [r[i] for r in rows]) for i, m in enumerate(months)]
    title = "Même période N-1" if lang == "fr" else "Same months last year"
    out = console()
    for table in month_blocks(
        title, "Indicateur" if lang == "fr" else "Item", labels, columns, (), out
    ):
        out.print(table)


def _print_cohorts(exports: Exports, months: pd.DatetimeIndex, lang: str) -> None:
    """Share of each first-order month's customers who ordered again k months later."""
    import pandas as pd

    from kpi_xl import catalog, fmt
    from kpi_xl.commands.tables import Column, console, month_blocks

    fr = lang == "fr"
    cohorts = exports.cohorts
    if cohorts is None or cohorts.empty:
        print("Pas de cohortes : il faut un export de commandes." if fr else
              "No cohorts: they need an orders export.")  # fmt: skip
        return
    rows = cohorts.loc[cohorts.index.isin(months)].iloc[:, :12]
    title = ("Rétention par cohorte (mois du 1er achat × mois écoulés)" if fr else
             "Retention by cohort (first-order month × months since)")  # fmt: skip
    labels = [f"{month:%Y-%m}" for month in pd.DatetimeIndex(rows.index)]
    columns = [
        Column(f"+{k}", [fmt.value(float(v), catalog.Unit.RATIO, lang) for v in rows[k]])
        for k in rows.columns
    ]
    out = console()
    for table in month_blocks(title, "Cohorte" if fr else "Cohort", labels, columns, (), out):
        out.print(table)


def _print_comments(exports: Exports, months: pd.DatetimeIndex, lang: str, most: int = 10) -> None:
    """The year's survey comments: what detractors and promoters said, newest first."""
    from rich.table import Table
    from rich.text import Text

    from kpi_xl.commands.tables import console
    from kpi_xl.workbook.template import texts
    from kpi_xl.workbook.write.comments import fiscal_year_end, latest_comments

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
        table.add_column(columns["comment"](lang), overflow="fold")  # wraps, never cut
        for row in rows.head(most).itertuples(index=False):
            table.add_row(f"{row.date:%d/%m/%Y}", f"{row.score:g}", Text(str(row.comment)))
        console().print(table)
