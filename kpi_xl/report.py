"""The report pipeline: exports folder -> importers -> fiscal year -> KPIs -> workbook.

One function per command: :func:`fill_report` (a new report from a
template), :func:`refresh_report` (an existing report, in place).  The
importers read the folder (:func:`kpi_xl.importers.read_exports`), the
fiscal year's 12 months are cut from their monthly table, and the writer
fills the workbook, computing every formula's cached value with
:func:`kpi_xl.monthly.compute_kpis`, and writes the fiscal year's latest NPS
survey comments into the customer-comment blocks when the workbook has them.  Outputs are never written into the
exports folder.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from kpi_xl.config import Config, find_config, load_config
from kpi_xl.errors import InputFileError, WorkbookError
from kpi_xl.identity import check_owner, client_id
from kpi_xl.importers import INPUT_IDS, Exports, fiscal_year_table, read_exports
from kpi_xl.workbook.write.writer import (
    SettingsUpdate,
    Template,
    Workbook,
    WriteSummary,
    check_not_open,
    fill,
    refresh,
)


@dataclass(frozen=True)
class ReportResult:
    """A written report and what went into it."""

    summary: WriteSummary
    exports: Exports
    table: pd.DataFrame  # the fiscal year's 12 months of inputs


def load_inputs(folder: Path, config_path: Path | None = None) -> tuple[Config, Exports]:
    """The config (``--config``, else the folder's ``kpi_xl.toml``) and the folder's exports."""
    folder = Path(folder)
    config = load_config(config_path or find_config(folder))
    return config, read_exports(folder, config)


def _check_output(out: Path, exports: Path, template: Path | None) -> None:
    """Refuse to write into the exports folder, over the template or into a missing folder."""
    out, exports = Path(out).resolve(), Path(exports).resolve()
    if not out.parent.is_dir():
        raise WorkbookError(
            out,
            f"the folder {out.parent} does not exist",
            hint="create it first, or choose --out in an existing folder",
        )
    if out.is_relative_to(exports):
        raise WorkbookError(
            out,
            "the report would be written inside the exports folder",
            hint="choose --out outside the folder given to --from (exports are never written)",
        )
    if template is not None and out == Path(template).resolve():
        raise WorkbookError(out, "the report would overwrite its template",
                            hint="choose another --out")  # fmt: skip
    check_not_open(out)


def _check_has_data(table: pd.DataFrame, exports: Exports, folder: Path) -> None:
    """A fiscal year the exports do not cover at all is a mistake (a wrong --year)."""
    if table.reindex(columns=list(INPUT_IDS)).notna().any().any():
        return
    filled = exports.monthly.dropna(how="all").index
    covered = f"{filled.min():%Y-%m} to {filled.max():%Y-%m}" if len(filled) else "no month"
    raise InputFileError(
        folder,
        f"no figure for the fiscal year {table.index[0]:%Y-%m} to {table.index[-1]:%Y-%m}",
        expected=f"a year the exports cover ({covered})",
        hint="check --year (the calendar year the fiscal year starts in), or for a refresh "
        "the workbook's fiscal year start (Settings sheet)",
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
    _check_output(out, exports_dir, tpl_path)
    config, exports = load_inputs(exports_dir, config_path)
    table = fiscal_year_table(
        exports.monthly, year, exports.fiscal_start_month(config.fiscal_year_start_month)
    )
    _check_has_data(table, exports, Path(exports_dir))
    first = pd.Timestamp(table.index[0]).date()
    update = SettingsUpdate(
        company=company_name(config, company),
        currency=config.currency,
        fy_start=dt.date(first.year, first.month, 1),
        targets=dict(config.targets),
        client_id=client_id(exports, company_name(config, company)),
    )
    summary = fill(template, table, Path(out), update, exports.comments)
    return ReportResult(summary, exports, table)


def refresh_report(
    workbook: Path,
    exports_dir: Path,
    *,
    config_path: Path | None = None,
    backup: bool = True,
    force: bool = False,
    company: str | None = None,
) -> ReportResult:
    """Refresh ``workbook`` in place from the exports of ``exports_dir``.

    The workbook's own months decide which fiscal year is read; a month the
    exports do not cover is left as it is.  Exports of another company than
    the report's (``set_client_id``: SIREN, else ``company`` or the config's)
    are refused unless ``force``.
    """
    if not Path(workbook).is_file():
        raise WorkbookError(
            workbook,
            "no such workbook",
            hint="give the path of a report made by kpi-xl fill (to start one, run kpi-xl fill)",
        )
    _check_output(Path(workbook), exports_dir, None)
    opened = Workbook(Path(workbook))
    months = opened.months()
    config, exports = load_inputs(exports_dir, config_path)
    found = client_id(exports, company_name(config, company))
    owner = check_owner(Path(workbook), opened.client_id(), found, force)
    table = fiscal_year_table(exports.monthly, months[0].year, months[0].month)
    _check_has_data(table, exports, Path(exports_dir))
    update = None if owner is None else SettingsUpdate(client_id=owner)
    summary = refresh(
        Path(workbook), table, backup=backup, workbook=opened, comments=exports.comments,
        update=update,
    )  # fmt: skip
    return ReportResult(summary, exports, table)
