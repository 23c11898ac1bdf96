"""The portfolio runner: one report per client folder, clients in parallel processes.

A portfolio is a folder with one sub-folder per client holding its exports
and, optionally, its ``kpi_xl.toml``.  A client's report ``OUT/<client>.xlsx``
is refreshed in place when it exists (the ``refresh`` rules: only owned
cells change, the previous version is kept as ``.bak``, an open workbook is
left alone) and filled from the bundled template (in the client's
language) when it does not; ``rebuild`` starts again from the template and
keeps the old file as the backup.  A report newer than every input is
skipped.

Why processes: reading exports and computing KPIs is CPU-bound Python, so
threads would share one core.  Each worker process parses the template once
(:class:`~kpi_xl.workbook.write.writer.Template`) and reuses it for every client it
gets, so the per-client cost is the real work, not start-up.  A client's
error is caught in its worker and reported as ``failed`` with the message
the command line would print; the others go on.  Outputs are written
atomically, so an interrupted batch never leaves half a workbook.  Each
result carries the report's figures, from which :mod:`kpi_xl.portfolio`
writes the overview without reopening a report.
"""

from __future__ import annotations

import contextlib
import csv
import gc
import hashlib
import io
import os
import shutil
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from kpi_xl.catalog import Text
from kpi_xl.config import find_config, load_config
from kpi_xl.errors import KpiXlError
from kpi_xl.paths import check_output_folder
from kpi_xl.pdf import Pages, PdfError, remove_pdf_temporaries, write_pdf
from kpi_xl.report import ReportResult, fill_report, refresh_report
from kpi_xl.safe_text import escape_formula, printable, readable
from kpi_xl.workbook.figures import ReportFigures
from kpi_xl.workbook.template.templates import template_path
from kpi_xl.workbook.write.locks import backup_path
from kpi_xl.workbook.write.writer import Template
from kpi_xl.workbook.write.xlsx_package import write_atomic

Status = Literal["ok", "ok, with warnings", "skipped", "failed"]
WITH_WARNINGS: Status = "ok, with warnings"
STATUS_TEXT: dict[str, Text] = {
    "ok": Text("ok", "ok"),
    WITH_WARNINGS: Text("ok, avec avertissements", WITH_WARNINGS),
    "skipped": Text("à jour", "skipped"),
    "failed": Text("échec", "failed"),
}
SUMMARY_NAME = "batch_summary.csv"
SUMMARY_FIELDS = ("client", "status", "message", "warnings", "output")
SUMMARY_HEADER = {
    "fr": ("client", "statut", "message", "avertissements", "rapport"),
    "en": SUMMARY_FIELDS,
}

#: Templates parsed in this process, by path (one parse per worker, not per client).
_TEMPLATES: dict[Path, Template] = {}


@dataclass(frozen=True)
class Job:
    """One client to fill or refresh."""

    client: Path
    output: Path
    lang: str | None  # None: the client's config decides
    force: bool
    template: Path | None = None  # None: the bundled template of the language
    rebuild: bool = False  # start again from the template (the old report kept as .bak)
    pdf: Pages | None = None  # also write the report's PDF
    until: str | None = None  # "YYYY-MM": every report's last month (None: each client's)


@dataclass(frozen=True)
class ClientResult:
    """What happened to one client; every text is printable (see :func:`.safe_text.printable`)."""

    client: str
    status: Status
    message: str
    output: Path | None
    seconds: float = 0.0
    warnings: tuple[str, ...] = ()
    figures: ReportFigures | None = None  # what the report shows (None: skipped or failed)
    lang: str = "fr"  # the client's language (config or --lang)

    def status_text(self, lang: str) -> str:
        """The status in ``lang``: ``ok``, ``ok, avec avertissements``, ``à jour``, ``échec``."""
        return STATUS_TEXT[self.status](lang)


def report_warnings(result: ReportResult) -> list[str]:
    """The warnings of a written report (import, exercise and left-out inputs)."""
    return list(result.warnings)


def report_name(client: Path) -> str:
    """The report's file name: the client folder's name, ``.xlsx``.

    A name that is not valid UTF-8 gets the replacement character and a
    short digest of its bytes, so two such clients never share a report.
    """
    name = printable(client.name)
    if name != client.name:
        name += "_" + hashlib.sha1(os.fsencode(client.name)).hexdigest()[:6]
    return name + ".xlsx"


def check_out_dir(out_dir: Path, clients: list[Path]) -> None:
    """Refuse an output folder inside a client's folder (the next batch would read it)."""
    out = Path(out_dir).resolve()
    for client in clients:
        if out.is_relative_to(client.resolve()):
            raise KpiXlError(
                f"{printable(str(out_dir))}: the reports would go inside the client folder "
                f"{printable(str(client))}, which holds that client's exports.\n"
                "  What to do: choose --out outside every client folder (for example "
                "beside the portfolio, or a folder of its own inside it)"
            )


def find_clients(portfolio: Path, out_dir: Path | None = None) -> list[Path]:
    """The client folders of a portfolio, sorted by name.

    Hidden folders are left out, and so is ``out_dir`` when the reports go
    inside the portfolio (``--out clients/reports``): it holds reports, not
    a client's exports.
    """
    portfolio = Path(portfolio)
    if not portfolio.is_dir():
        raise KpiXlError(f"{portfolio}: not a folder (a portfolio has one sub-folder per client)")
    out = Path(out_dir).resolve() if out_dir is not None else None
    return sorted(
        p
        for p in portfolio.iterdir()
        if p.is_dir() and not p.name.startswith(".") and p.resolve() != out
    )


def _files(folder: Path) -> Iterator[Path]:
    for root, _, names in os.walk(folder):
        for name in names:
            yield Path(root) / name


def newest_input(client: Path, template: Path, config: Path | None) -> float:
    """The latest modification time of a client's files, its config and the template."""
    times = [p.stat().st_mtime for p in _files(client)]
    times.append(template.stat().st_mtime)
    if config is not None:
        times.append(config.stat().st_mtime)
    return max(times)


def _up_to_date(output: Path, client: Path, template: Path, config: Path | None) -> bool:
    return output.exists() and output.stat().st_mtime > newest_input(client, template, config)


def _template(path: Path) -> Template:
    if path not in _TEMPLATES:
        _TEMPLATES[path] = Template(path)
    return _TEMPLATES[path]


def init_worker(templates: list[Path]) -> None:
    """Parse the templates once in each worker process."""
    for path in templates:
        with contextlib.suppress(KpiXlError, OSError):
            _template(path)


def run_client(job: Job) -> ClientResult:
    """Fill or refresh one client's report; never raises for a client's own problem."""
    start = time.perf_counter()
    name = printable(job.client.name)
    lang = job.lang or "fr"
    try:
        config_path = find_config(job.client)
        config = load_config(config_path)
        lang = job.lang or config.language
        tpl_path = job.template or template_path(lang)
        skip = not (job.force or job.rebuild or job.until)  # --until is news to every report
        if skip and _up_to_date(job.output, job.client, tpl_path, config_path):
            return ClientResult(name, "skipped", _text(lang, "à jour", "up to date"), job.output,
                                lang=lang)  # fmt: skip
        company = config.company or readable(job.client.name)
        refreshed = job.output.exists() and not job.rebuild
        result = _write_report(job, tpl_path, company)
        if job.until is not None:  # cut by --until: the next run without it must not skip it
            newest = newest_input(job.client, tpl_path, config_path)
            os.utime(job.output, (newest - 1, newest - 1))
        warnings = [printable(w) for w in report_warnings(result)]
        if refreshed:  # a new report names the later months itself (importers.period)
            warnings += _new_year(result, lang)
        if job.pdf:
            warnings += _pdf(job, lang)
        status: Status = WITH_WARNINGS if warnings else "ok"
        return ClientResult(name, status, _done(result, lang), job.output,
                            time.perf_counter() - start, tuple(warnings),
                            result.summary.figures, lang)  # fmt: skip
    except (KpiXlError, OSError) as exc:
        where = exc.filename if isinstance(exc, OSError) and exc.filename else job.output
        message = str(exc) if isinstance(exc, KpiXlError) else f"{where}: {exc.strerror or exc}"
        return ClientResult(name, "failed", printable(message), None,
                            time.perf_counter() - start, lang=lang)  # fmt: skip
    except Exception as exc:  # a bug must not stop the other clients either
        return ClientResult(name, "failed", printable(f"internal error: {exc!r} (please report it)"),
                            None, time.perf_counter() - start, lang=lang)  # fmt: skip


def _write_report(job: Job, tpl_path: Path, company: str) -> ReportResult:
    """Refresh the existing report, or fill a new one (``rebuild``: the old one kept as .bak)."""
    if job.output.exists() and not job.rebuild:
        result = refresh_report(job.output, job.client, company=company, until=job.until)
        if not result.summary.cells:
            os.utime(job.output)  # checked and already right: up to date until the next export
        return result
    if job.output.exists():
        saved = backup_path(job.output)
        tmp = saved.with_name(saved.name + ".tmp")
        shutil.copy2(job.output, tmp)
        os.replace(tmp, saved)
    return fill_report(job.client, job.output, _template(tpl_path), company=company,
                       until=job.until)  # fmt: skip


def _new_year(result: ReportResult, lang: str) -> list[str]:
    """A warning when the exports reach past the report's fiscal year (a refresh keeps its year)."""
    figures = result.summary.figures
    filled = result.exports.monthly.dropna(how="all").index
    if figures is None or not len(filled) or filled.max().date() <= figures.fy_end:
        return []
    return [
        _text(
            lang,
            f"les exports vont jusqu'à {filled.max():%Y-%m}, après l'exercice de ce rapport "
            f"(fin {figures.fy_end:%Y-%m}) : pour le nouvel exercice, kpi-xl batch --rebuild "
            "ou kpi-xl fill",
            f"the exports reach {filled.max():%Y-%m}, past this report's fiscal year (ending "
            f"{figures.fy_end:%Y-%m}): for the new year, kpi-xl batch --rebuild or kpi-xl fill",
        )
    ]


def _pdf(job: Job, lang: str) -> list[str]:
    """Write the report's PDF; a failure is the client's warning, not its failure."""
    assert job.pdf is not None
    try:
        write_pdf(job.output, job.pdf)
    except (PdfError, OSError) as exc:
        return [printable(_text(lang, "PDF non écrit : ", "PDF not written: ") + str(exc))]
    return []


def _text(lang: str, fr: str, en: str) -> str:
    return fr if lang == "fr" else en


def _done(result: ReportResult, lang: str) -> str:
    """What was written, in the client's language: ``9 months (2025-01 to 2025-09)``."""
    months = result.summary.months
    if not months:
        return _text(lang, "aucun mois avec des données", "no month with data")
    span = f"{months[0]:%Y-%m} {_text(lang, 'à', 'to')} {months[-1]:%Y-%m}"
    return f"{len(months)} {_text(lang, 'mois', 'months')} ({span})"


def remove_stale_temporaries(out_dir: Path) -> None:
    """Temporary files an interrupted run left behind (``.<name>.xlsx.<random>.tmp``)."""
    for path in (*out_dir.glob(".*.xlsx.*.tmp"), *out_dir.glob(f".{SUMMARY_NAME}.*.tmp"),
                 *out_dir.glob("..kpi_xl_portfolio.json.*.tmp")):  # fmt: skip
        with contextlib.suppress(OSError):
            path.unlink()
    remove_pdf_temporaries(out_dir)


def run_batch(
    portfolio: Path,
    out_dir: Path,
    jobs: int | None = None,
    force: bool = False,
    lang: str | None = None,
    template: Path | None = None,
    on_done: Callable[[ClientResult], None] | None = None,
    rebuild: bool = False,
    pdf: Pages | None = None,
    until: str | None = None,
) -> list[ClientResult]:
    """Fill every client of ``portfolio`` into ``out_dir``.

    Parameters
    ----------
    portfolio : Path
        One sub-folder per client: its exports and an optional ``kpi_xl.toml``.
    out_dir : Path
        Where ``<client>.xlsx`` reports go (created if needed).
    jobs : int, optional
        Worker processes; default the CPU count.  1 runs in this process.
    force : bool
        Rewrite reports that are newer than their inputs too.
    lang : str, optional
        Language of every report; default each client's config.
    template : Path, optional
        A template instead of the bundled ones.
    on_done : callable, optional
        Called with each :class:`ClientResult` as it completes (progress bar).
    rebuild : bool
        Start every report again from the template (the old one kept as ``.bak``).
    pdf : "dashboard" or "all", optional
        Also write each report's PDF (LibreOffice).
    until : str, optional
        Every report's last month, ``"YYYY-MM"`` (default: each client's).

    Returns
    -------
    list of ClientResult
        One per client, in client order.
    """
    out_dir = Path(out_dir)
    check_output_folder(out_dir)
    clients = find_clients(portfolio, out_dir)
    check_out_dir(out_dir, clients)
    out_dir.mkdir(parents=True, exist_ok=True)
    if not os.access(out_dir, os.W_OK):
        raise KpiXlError(f"{out_dir}: the output folder is read-only; choose another --out")
    remove_stale_temporaries(out_dir)
    work = [
        Job(c, out_dir / report_name(c), lang, force, template, rebuild, pdf, until)
        for c in clients
    ]
    jobs = max(1, jobs or os.cpu_count() or 1)
    results: dict[Path, ClientResult] = {}

    def done(job: Job, result: ClientResult) -> None:
        results[job.client] = result
        if on_done is not None:
            on_done(result)

    if jobs == 1 or len(work) <= 1:
        for job in work:
            done(job, run_client(job))
    else:
        templates = [template] if template else [template_path(x) for x in ("fr", "en")]
        gc.freeze()  # forked workers then share the parent's objects without copying pages
        try:
            _run_pool(work, jobs, templates, done)
        finally:
            gc.unfreeze()
    return [results[c] for c in clients]


def _run_pool(
    work: list[Job], jobs: int, templates: list[Path], done: Callable[[Job, ClientResult], None]
) -> None:
    """Run the jobs in worker processes; a dead worker fails its clients, not the batch."""
    pool = ProcessPoolExecutor(jobs, initializer=init_worker, initargs=(templates,))
    try:
        futures = {pool.submit(run_client, j): j for j in work}
        for future in as_completed(futures):
            try:
                done(futures[future], future.result())
            except BrokenProcessPool as exc:
                job = futures[future]
                done(
                    job,
                    ClientResult(
                        printable(job.client.name), "failed",
                        f"the worker process died ({exc})", None, lang=job.lang or "fr",
                    ),
                )  # fmt: skip
    except KeyboardInterrupt:
        pool.shutdown(wait=False, cancel_futures=True)  # outputs are atomic: nothing half-written
        raise
    pool.shutdown()


def batch_language(results: list[ClientResult], lang: str | None = None) -> str:
    """The language of the summary and overview: ``lang``, else most clients' language."""
    if lang is not None:
        return lang
    langs = [r.lang for r in results]
    return max(sorted(set(langs)), key=langs.count) if langs else "fr"


def summary_csv(results: list[ClientResult], lang: str = "fr") -> str:
    """The summary as CSV: ``;``-separated in French (what French Excel opens), else ``,``.

    Every cell is escaped against formula injection (a client folder named
    ``=HYPERLINK(...)`` stays text in Excel).
    """
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";" if lang == "fr" else ",", lineterminator="\n")
    writer.writerow(SUMMARY_HEADER.get(lang, SUMMARY_FIELDS))
    for r in results:
        row = (r.client, r.status_text(lang), r.message, " | ".join(r.warnings),
               "" if r.output is None else str(r.output))  # fmt: skip
        writer.writerow([escape_formula(printable(cell)) for cell in row])
    return out.getvalue()


def write_summary(results: list[ClientResult], out_dir: Path, lang: str = "fr") -> Path:
    """``batch_summary.csv`` (client, status, message, warnings, output), written atomically."""
    path = Path(out_dir) / SUMMARY_NAME
    write_atomic(path, summary_csv(results, lang).encode("utf-8-sig"))
    return path
