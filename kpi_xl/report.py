"""The report pipeline: exports folder -> importers -> fiscal year -> KPIs -> workbook.

One function per command: :func:`fill_report` (a new report from a
template), :func:`refresh_report` (an existing report, in place).  The
importers read the folder (:func:`kpi_xl.importers.read_exports`), the
report's months (the FEC's exercise, see :mod:`kpi_xl.importers.period`) are cut from their monthly table, and the writer
fills the workbook, computing every formula's cached value with
:func:`kpi_xl.monthly.compute_kpis`, and writes the fiscal year's latest NPS
survey comments into the customer-comment blocks when the workbook has them.  Outputs are never written into the
exports folder.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from kpi_xl.config import Config, find_config, load_config
from kpi_xl.errors import InputFileError, WorkbookError
from kpi_xl.identity import check_owner, client_id
from kpi_xl.importers import INPUT_IDS, Exports, read_exports
from kpi_xl.importers.period import Period, report_period, until_month
from kpi_xl.paths import check_output
from kpi_xl.workbook.template.templates import is_bundled, template_path
from kpi_xl.workbook.write.locks import exclusive
from kpi_xl.workbook.write.writer import (
    SettingsUpdate,
    Template,
    Workbook,
    WriteSummary,
    fill,
    refresh,
)


@dataclass(frozen=True)
class ReportResult:
    """A written report and what went into it."""

    summary: WriteSummary
    exports: Exports
    table: pd.DataFrame  # the report's months of inputs (the exercise's, empty after `latest`)
    #: Every warning, for the person: the exports', the period's (months left out) and the
    #: workbook's (inputs it does not define).
    warnings: list[str] = field(default_factory=list)
    latest: pd.Timestamp | None = None  # the report's last month (the last closed one)


def load_inputs(folder: Path, config_path: Path | None = None) -> tuple[Config, Exports]:
    """The config (``--config``, else the folder's ``kpi_xl.toml``) and the folder's exports."""
    folder = Path(folder)
    config = load_config(config_path or find_config(folder))
    return config, read_exports(folder, config)


def period_of(
    exports: Exports,
    config: Config,
    folder: Path,
    *,
    year: int | None = None,
    until: str | None = None,
    months: list[pd.Timestamp] | None = None,
) -> Period:
    """The report's months and latest month: ``until`` (``--until``) else the config's.

    A period the exports of ``folder`` do not cover at all is an error (a wrong ``--year``
    or ``--until``), for every command alike.
    """
    if until is not None:
        last = until_month(until, "--until")
    else:
        last = until_month(config.until, f"{config.path or 'kpi_xl.toml'}, key 'until'")
    period = report_period(exports, year=year, start_month=config.fiscal_year_start_month,
                           until=last, months=months)  # fmt: skip
    _check_has_data(period.table, exports, folder)
    return period


def _check_has_data(table: pd.DataFrame, exports: Exports, folder: Path) -> None:
    """A fiscal year the exports do not cover at all is a mistake (a wrong --year or --until).

    Last year's figures shifted onto the year (``*_prev_year``) are not figures of it.
    """
    own = [i for i in INPUT_IDS if not i.endswith("_prev_year")]
    if not np.isnan(table.reindex(columns=own).to_numpy(dtype=np.float64)).all():
        return
    filled = exports.monthly.dropna(how="all").index
    covered = f"{filled.min():%Y-%m} to {filled.max():%Y-%m}" if len(filled) else "no month"
    raise InputFileError(
        folder,
        f"no figure for the fiscal year {table.index[0]:%Y-%m} to {table.index[-1]:%Y-%m}",
        expected=f"a year the exports cover ({covered})",
        hint="check --year (the calendar year the fiscal year starts in) and --until (the "
        "report's last month), or for a refresh the workbook's fiscal year start (Settings sheet)",
    )


def company_name(config: Config, given: str | None) -> str | None:
    """The company name to write: the one given, else the config's (None: keep the workbook's)."""
    return given if given is not None else config.company


def fill_report(
    exports_dir: Path,
    out: Path,
    template: Path | Template,
    *,
    year: int | None = None,
    config_path: Path | None = None,
    company: str | None = None,
    until: str | None = None,
) -> ReportResult:
    """Fill a new report at ``out`` from the exports of ``exports_dir``.

    Parameters
    ----------
    exports_dir : Path
        The folder of exports (never written).
    out : Path
        The report to write; refused inside ``exports_dir`` or over the template.
    template : Path or Template
        The bundled template or any workbook defining the contract names.
    year : int, optional
        Calendar year the fiscal year starts in; default the fiscal year of
        the latest month with data.
    config_path : Path, optional
        Config file; default the folder's ``kpi_xl.toml``.
    company : str, optional
        Company name; default the config's, else the template's.
    until : str, optional
        The report's last month, ``"YYYY-MM"``; default the config's ``until``,
        else the FEC's last month with P&L entries, else the last with data.

    Returns
    -------
    ReportResult
        What was written, the exports read and the fiscal year's table.

    Raises
    ------
    InputFileError
        A bad export or config, or a year the exports do not cover.
    WorkbookError
        A bad template, or an output that is open or misplaced.
    """
    tpl_path = template.path if isinstance(template, Template) else Path(template)
    check_output(out, (exports_dir, config_path, tpl_path), template=tpl_path)
    config, exports = load_inputs(exports_dir, config_path)
    period = period_of(exports, config, Path(exports_dir), year=year, until=until)
    table = period.table
    first = pd.Timestamp(table.index[0]).date()
    update = SettingsUpdate(
        company=company_name(config, company),
        currency=config.currency,
        fy_start=dt.date(first.year, first.month, 1),
        targets=dict(config.targets),
        client_id=client_id(exports, company_name(config, company)),
    )
    fitting = fitting_template(template, table)
    with exclusive(Path(out)):  # one writer per report (batch, two fills)
        summary = fill(fitting, table, Path(out), update, exports.comments)
    warnings = [*exports.warnings, *period.warnings, *_left_out(summary)]
    return ReportResult(summary, exports, table, warnings, period.latest)


#: The bundled templates of other lengths, parsed once per process (batch).
_BUNDLED: dict[Path, Template] = {}


def fitting_template(template: Path | Template, table: pd.DataFrame) -> Template:
    """A template with one month cell per month of ``table``.

    A bundled template is swapped for the bundled one of the table's length
    (built once into the cache); a user's own template with fewer month
    cells than the exercise has months is an error saying so.
    """
    tpl = template if isinstance(template, Template) else Template(Path(template))
    n, have = len(table), tpl.workbook.n_months
    if n == have:
        return tpl
    if is_bundled(tpl.path):
        path = template_path(tpl.workbook.settings().lang, n)
        if path not in _BUNDLED:
            _BUNDLED[path] = Template(path)
        return _BUNDLED[path]
    if n < have:
        return tpl  # the months after the table's stay empty
    raise WorkbookError(
        tpl.path,
        f"the template has {have} month cells but the exercise "
        f"{table.index[0]:%Y-%m} to {table.index[-1]:%Y-%m} has {n} months",
        hint=f"use a template with {n} month cells (the bundled template adapts: run "
        "without --template), or report fewer months with --year or --until",
    )


def _left_out(summary: WriteSummary) -> list[str]:
    if not summary.left_out:
        return []
    names = ", ".join(f"in_{i}" for i in summary.left_out)
    return [
        f"the workbook does not define {names}: those figures were left out "
        "(define the names over one cell per month to fill them)"
    ]


def refresh_report(
    workbook: Path,
    exports_dir: Path,
    *,
    config_path: Path | None = None,
    backup: bool = True,
    until: str | None = None,
    force: bool = False,
    company: str | None = None,
) -> ReportResult:
    """Refresh ``workbook`` in place from the exports of ``exports_dir``.

    The workbook's own months decide which months are read; a month the
    exports do not cover is left as it is, and so is a month after the
    latest one (``until``, see :func:`fill_report`).  Exports of another
    company than the report's (``set_client_id``: SIREN, else ``company`` or
    the config's) are refused unless ``force``.
    """
    if not Path(workbook).is_file():
        raise WorkbookError(
            workbook,
            "no such workbook",
            hint="give the path of a report made by kpi-xl fill (to start one, run kpi-xl fill)",
        )
    check_output(Path(workbook), (exports_dir, config_path), backup=backup)
    with exclusive(Path(workbook)):  # from reading to the backup and save: one refresh at a time
        opened = Workbook(Path(workbook))
        months = [pd.Timestamp(m) for m in opened.months()]
        config, exports = load_inputs(exports_dir, config_path)
        name = company_name(config, company)
        owner = check_owner(Path(workbook), opened.client_id(), client_id(exports, name), force,
                            name)  # fmt: skip
        period = period_of(exports, config, Path(exports_dir), until=until, months=months)
        table = period.table
        update = None if owner is None else SettingsUpdate(client_id=owner)
        summary = refresh(
            Path(workbook), table, backup=backup, workbook=opened, comments=exports.comments,
            update=update,
        )  # fmt: skip
    warnings = [*exports.warnings, *period.warnings, *_left_out(summary)]
    return ReportResult(summary, exports, table, warnings, period.latest)
