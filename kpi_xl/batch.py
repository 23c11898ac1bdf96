"""The portfolio runner: one report per client folder, clients in parallel processes.

A portfolio is a folder with one sub-folder per client holding its exports
and, optionally, its ``kpi_xl.toml``.  Each client is filled from the
bundled template (in the client's language) into ``OUT/<client>.xlsx``.

Why processes: reading exports and computing KPIs is CPU-bound Python, so
threads would share one core.  Each worker process parses the template once
(:class:`~kpi_xl.workbook.write.writer.Template`) and reuses it for every client it
gets, so the per-client cost is the real work, not start-up.  A client's
error is caught in its worker and reported as ``failed`` with the message
the command line would print; the others go on.  Outputs are written
atomically, so an interrupted batch never leaves half a workbook.
"""

from __future__ import annotations

import contextlib
import csv
import gc
import io
import os
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from kpi_xl.config import find_config, load_config
from kpi_xl.errors import KpiXlError
from kpi_xl.paths import check_output_folder
from kpi_xl.report import fill_report
from kpi_xl.workbook.template.templates import template_path
from kpi_xl.workbook.write.writer import Template
from kpi_xl.workbook.write.xlsx_package import write_atomic

Status = Literal["ok", "skipped", "failed"]
SUMMARY_NAME = "batch_summary.csv"
SUMMARY_FIELDS = ("client", "status", "message", "output")

#: Templates parsed in this process, by path (one parse per worker, not per client).
_TEMPLATES: dict[Path, Template] = {}


@dataclass(frozen=True)
class Job:
    """One client to fill."""

    client: Path
    output: Path
    lang: str | None  # None: the client's config decides
    force: bool
    template: Path | None = None  # None: the bundled template of the language
    until: str | None = None  # "YYYY-MM": every report's last month (None: each client's)


@dataclass(frozen=True)
class ClientResult:
    client: str
    status: Status
    message: str
    output: Path | None
    seconds: float = 0.0
    notes: tuple[str, ...] = ()  # the exports' warnings (a file skipped...), for the terminal


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
    """Fill one client's report; never raises for a client's own problem."""
    start = time.perf_counter()
    name = job.client.name
    try:
        config_path = find_config(job.client)
        config = load_config(config_path)
        tpl_path = job.template or template_path(job.lang or config.language)
        if not job.force and _up_to_date(job.output, job.client, tpl_path, config_path):
            return ClientResult(name, "skipped", "up to date", job.output)
        company = config.company or name  # the config's company, else the folder's name
        result = fill_report(job.client, job.output, _template(tpl_path), company=company,
                             until=job.until)  # fmt: skip
        months = result.summary.months
        span = f"{months[0]:%Y-%m} to {months[-1]:%Y-%m}" if months else "no month with data"
        return ClientResult(name, "ok", f"{len(months)} months ({span})", job.output,
                            time.perf_counter() - start, tuple(result.exports.warnings))  # fmt: skip
    except (KpiXlError, OSError) as exc:
        where = exc.filename if isinstance(exc, OSError) and exc.filename else job.output
        message = str(exc) if isinstance(exc, KpiXlError) else f"{where}: {exc.strerror or exc}"
        return ClientResult(name, "failed", message, None, time.perf_counter() - start)
    except Exception as exc:  # a bug must not stop the other clients either
        return ClientResult(name, "failed", f"internal error: {exc!r} (please report it)", None,
                            time.perf_counter() - start)  # fmt: skip


def remove_stale_temporaries(out_dir: Path) -> None:
    """Temporary files an interrupted run left behind (``.<name>.xlsx.<random>.tmp``)."""
    for path in out_dir.glob(".*.xlsx.*.tmp"):
        with contextlib.suppress(OSError):
            path.unlink()


def run_batch(
    portfolio: Path,
    out_dir: Path,
    jobs: int | None = None,
    force: bool = False,
    lang: str | None = None,
    template: Path | None = None,
    on_done: Callable[[ClientResult], None] | None = None,
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
    out_dir.mkdir(parents=True, exist_ok=True)
    if not os.access(out_dir, os.W_OK):
        raise KpiXlError(f"{out_dir}: the output folder is read-only; choose another --out")
    remove_stale_temporaries(out_dir)
    work = [Job(c, out_dir / f"{c.name}.xlsx", lang, force, template, until) for c in clients]
    jobs = max(1, jobs or os.cpu_count() or 1)
    results: dict[str, ClientResult] = {}

    def done(result: ClientResult) -> None:
        results[result.client] = result
        if on_done is not None:
            on_done(result)

    if jobs == 1 or len(work) <= 1:
        for job in work:
            done(run_client(job))
    else:
        templates = [template] if template else [template_path(x) for x in ("fr", "en")]
        gc.freeze()  # forked workers then share the parent's objects without copying pages
        try:
            _run_pool(work, jobs, templates, done)
        finally:
            gc.unfreeze()
    return [results[c.name] for c in clients]


def _run_pool(
    work: list[Job], jobs: int, templates: list[Path], done: Callable[[ClientResult], None]
) -> None:
    """Run the jobs in worker processes; a dead worker fails its clients, not the batch."""
    pool = ProcessPoolExecutor(jobs, initializer=init_worker, initargs=(templates,))
    try:
        futures = {pool.submit(run_client, j): j for j in work}
        for future in as_completed(futures):
            try:
                done(future.result())
            except BrokenProcessPool as exc:
                job = futures[future]
                done(
                    ClientResult(
                        job.client.name, "failed", f"the worker process died ({exc})", None
                    )
                )
    except KeyboardInterrupt:
        pool.shutdown(wait=False, cancel_futures=True)  # outputs are atomic: nothing half-written
        raise
    pool.shutdown()


def summary_csv(results: list[ClientResult], lang: str = "fr") -> str:
    """The summary as CSV: ``;``-separated in French (what French Excel opens), else ``,``."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";" if lang == "fr" else ",", lineterminator="\n")
    writer.writerow(SUMMARY_FIELDS)
    for r in results:
        writer.writerow((r.client, r.status, r.message, "" if r.output is None else r.output))
    return out.getvalue()


def write_summary(results: list[ClientResult], out_dir: Path, lang: str = "fr") -> Path:
    """``batch_summary.csv`` (client, status, message, output), written atomically."""
    path = Path(out_dir) / SUMMARY_NAME
    write_atomic(path, summary_csv(results, lang).encode("utf-8-sig"))
    return path
