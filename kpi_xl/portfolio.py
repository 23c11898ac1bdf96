"""The portfolio overview: one row per client, the clients needing a call first.

``portefeuille.xlsx`` (``portfolio.xlsx`` in English) is written by every
batch from the batch's own results (:class:`kpi_xl.batch.ClientResult`
carries each report's figures), never by reopening the reports.  A client
skipped as up to date keeps the row the previous batch wrote, remembered in
``.kpi_xl_portfolio.json`` beside the overview.

Each row: company, the batch's status, fiscal year, last month with data,
each dashboard KPI's value and traffic light against the client's own
targets, the number of KPIs off track, the warnings and a link to the
report.  Cells hold values (no formula), so every viewer shows them; texts
are written as strings, so a company named ``=HYPERLINK(...)`` stays text.
"""

from __future__ import annotations

import datetime as dt
import io
import json
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from xlsxwriter.workbook import Workbook

from kpi_xl import catalog
from kpi_xl.batch import STATUS_TEXT, ClientResult
from kpi_xl.catalog import Status, Text
from kpi_xl.safe_text import printable
from kpi_xl.workbook.template import styles
from kpi_xl.workbook.write.xlsx_package import write_atomic

OVERVIEW_NAMES = {"fr": "portefeuille.xlsx", "en": "portfolio.xlsx"}
MEMORY_NAME = ".kpi_xl_portfolio.json"
_LIGHTS = {
    Status.ON_TRACK: (styles.GREEN_FILL, styles.GREEN_TEXT),
    Status.WATCH: (styles.AMBER_FILL, styles.AMBER_TEXT),
    Status.OFF_TRACK: (styles.RED_FILL, styles.RED_TEXT),
}
TITLE = Text("Portefeuille clients", "Client portfolio")
HEADS = {
    "company": Text("Client", "Client"),
    "status": Text("Traitement", "Batch run"),
    "exercise": Text("Exercice", "Fiscal year"),
    "month": Text("Dernier mois", "Last month"),
    "off_track": Text("KPI hors objectif", "KPIs off track"),
    "warnings": Text("Avertissements", "Warnings"),
    "report": Text("Rapport", "Report"),
}
LIGHT_HEAD = Text("Statut", "Status")


@dataclass(frozen=True)
class Row:
    """One client's line of the overview (plain data: it is remembered as JSON)."""

    client: str
    status: str  # a batch status ("ok", "ok, with warnings", "skipped", "failed")
    company: str = ""
    currency: str = "EUR"
    fy_start: str | None = None  # ISO dates
    fy_end: str | None = None
    month: str | None = None
    focus: tuple[str, ...] = ()
    values: dict[str, float | None] = field(default_factory=dict)
    lights: dict[str, str | None] = field(default_factory=dict)  # Status values
    off_track: int | None = None
    warnings: tuple[str, ...] = ()
    message: str = ""
    report: str | None = None  # the report's file name, beside the overview

    def attention(self) -> tuple[int, int, int, str]:
        """Sort key: failed first, then the most KPIs off track, then the most warnings."""
        return (self.status != "failed", -(self.off_track or 0), -len(self.warnings),
                self.company.casefold())  # fmt: skip


def _iso(day: dt.date | None) -> str | None:
    return None if day is None else day.isoformat()


def row_of(result: ClientResult) -> Row:
    """The overview row of a filled, refreshed or failed client."""
    report = None if result.output is None else result.output.name
    f = result.figures
    if f is None:
        return Row(result.client, result.status, company=result.client, message=result.message,
                   warnings=result.warnings, report=report)  # fmt: skip
    return Row(
        client=result.client,
        status=result.status,
        company=printable(f.company) or result.client,
        currency=f.currency,
        fy_start=_iso(f.fy_start),
        fy_end=_iso(f.fy_end),
        month=_iso(f.month),
        focus=tuple(k for k in f.focus if k),
        values={k: v.value for k, v in f.kpis.items()},
        lights={k: None if v.status is None else v.status.value for k, v in f.kpis.items()},
        off_track=f.off_track(),
        warnings=result.warnings,
        message=result.message,
        report=report,
    )


def overview_rows(results: Iterable[ClientResult], remembered: Mapping[str, Row]) -> list[Row]:
    """Rows for the batch's clients, needing attention first; skipped ones as last time."""
    rows = []
    for r in results:
        old = remembered.get(r.client) if r.status == "skipped" else None
        rows.append(_with_status(old, r.status) if old is not None else row_of(r))
    return sorted(rows, key=Row.attention)


def _with_status(row: Row, status: str) -> Row:
    data = asdict(row)
    data["status"] = status
    return _row(data)


def _row(data: Mapping[str, Any]) -> Row:
    known = {k: v for k, v in data.items() if k in Row.__dataclass_fields__}
    for key in ("focus", "warnings"):
        known[key] = tuple(known.get(key) or ())
    return Row(**known)


def read_memory(out_dir: Path) -> dict[str, Row]:
    """The rows the previous batch wrote (empty when none or unreadable)."""
    try:
        data = json.loads((Path(out_dir) / MEMORY_NAME).read_text(encoding="utf-8"))
        return {r["client"]: _row(r) for r in data["rows"]}
    except (OSError, ValueError, KeyError, TypeError):
        return {}  # a lost memory only costs the skipped clients' figures


def write_overview(results: list[ClientResult], out_dir: Path, lang: str = "fr") -> Path:
    """Write the overview (atomically) and remember its rows; return its path."""
    out_dir = Path(out_dir)
    rows = overview_rows(results, read_memory(out_dir))
    path = out_dir / OVERVIEW_NAMES.get(lang, OVERVIEW_NAMES["en"])
    write_atomic(path, overview_bytes(rows, lang))
    memory = json.dumps({"rows": [asdict(r) for r in rows]}, ensure_ascii=False, indent=0)
    write_atomic(out_dir / MEMORY_NAME, memory.encode("utf-8"))
    return path


def shown_kpis(rows: Iterable[Row]) -> list[catalog.Kpi]:
    """The KPIs any client's dashboard shows, in catalog order (one column pair each)."""
    used = {k for r in rows for k in r.focus}
    return [k for k in catalog.KPIS if k.id in used]


def overview_bytes(rows: list[Row], lang: str) -> bytes:
    """The overview workbook's bytes (XlsxWriter, in memory)."""
    buffer = io.BytesIO()
    workbook = Workbook(buffer, {"in_memory": True})
    _Sheet(workbook, lang, rows).write()
    workbook.set_properties({"title": TITLE(lang), "author": "kpi_xl"})
    workbook.close()
    return buffer.getvalue()


class _Sheet:
    """The one sheet of the overview: a header row, then one row per client."""

    def __init__(self, workbook: Workbook, lang: str, rows: list[Row]) -> None:
        self.workbook, self.lang, self.rows = workbook, lang, rows
        self.ws = workbook.add_worksheet(TITLE(lang)[:31])
        self.kpis = shown_kpis(rows)
        self._formats: dict[tuple[tuple[str, Any], ...], Any] = {}

    def fmt(self, **props: Any) -> Any:
        key = tuple(sorted(props.items()))
        if key not in self._formats:
            self._formats[key] = self.workbook.add_format(styles.props(**props))
        return self._formats[key]

    def heads(self) -> list[str]:
        lang = self.lang
        kpi_heads = [h for k in self.kpis for h in (k.name(lang), LIGHT_HEAD(lang))]
        return [HEADS["company"](lang), HEADS["status"](lang), HEADS["exercise"](lang),
                HEADS["month"](lang), *kpi_heads, HEADS["off_track"](lang),
                HEADS["warnings"](lang), HEADS["report"](lang)]  # fmt: skip

    def write(self) -> None:
        ws, heads = self.ws, self.heads()
        head = self.fmt(bold=True, font_color="#FFFFFF", bg_color=styles.NAVY, text_wrap=True,
                        align="center")  # fmt: skip
        ws.set_row(0, 62)  # four wrapped lines: 'Délai de paiement fournisseurs (DPO)'
        for col, text in enumerate(heads):
            ws.write_string(0, col, text, head)
        for i, row in enumerate(self.rows, start=1):
            self._row(i, row)
        self._layout(len(heads))

    def _row(self, i: int, row: Row) -> None:
        ws, lang, plain = self.ws, self.lang, self.fmt()
        ws.write_string(i, 0, row.company, self.fmt(bold=True))
        failed = row.status == "failed"
        status = STATUS_TEXT.get(row.status, Text(row.status, row.status))(lang)
        ws.write_string(i, 1, status, self.fmt(font_color=styles.RED_TEXT) if failed else plain)
        if row.fy_start and row.fy_end:
            ws.write_string(i, 2, f"{row.fy_start[:7]} → {row.fy_end[:7]}", plain)
        if row.month:
            month_fmt = self.fmt(num_format=styles.month_format(lang, "short"), align="left")
            ws.write_datetime(i, 3, dt.datetime.fromisoformat(row.month), month_fmt)
        col = 4
        for kpi in self.kpis:
            self._kpi(i, col, kpi, row)
            col += 2
        if row.off_track is not None:
            ws.write_number(i, col, row.off_track, self.fmt(align="center"))
        notes = list(row.warnings) + ([row.message] if failed else [])
        ws.write_string(i, col + 1, " | ".join(notes), self.fmt(font_size=9, text_wrap=False))
        if row.report:
            ws.write_url(i, col + 2, "external:" + row.report, self.fmt(font_color=styles.BLUE,
                         underline=1), string=row.report)  # fmt: skip

    def _kpi(self, i: int, col: int, kpi: catalog.Kpi, row: Row) -> None:
        value = row.values.get(kpi.id)
        if value is not None:
            decimals = 2 if kpi.unit is catalog.Unit.CURRENCY else 0
            code = styles.unit_format(kpi.unit, self.lang, row.currency, decimals)
            self.ws.write_number(i, col, value, self.fmt(num_format=code, align="center"))
        light = row.lights.get(kpi.id)
        if light is not None:
            status = Status(light)
            fill, text = _LIGHTS[status]
            self.ws.write_string(i, col + 1, status.label(self.lang),
                                 self.fmt(bg_color=fill, font_color=text, align="center"))  # fmt: skip

    def _layout(self, columns: int) -> None:
        ws, last = self.ws, max(len(self.rows), 1)
        ws.set_column(0, 0, 28)
        ws.set_column(1, 1, 22)  # "ok, avec avertissements"
        ws.set_column(2, 3, 16)
        ws.set_column(4, 3 + 2 * len(self.kpis), 13)
        ws.set_column(columns - 3, columns - 3, 10)
        ws.set_column(columns - 2, columns - 2, 50)
        ws.set_column(columns - 1, columns - 1, 26)
        ws.freeze_panes(1, 1)
        ws.autofilter(0, 0, last, columns - 1)
        ws.set_paper(9)  # A4
        ws.set_landscape()
        ws.fit_to_pages(1, 0)
        ws.repeat_rows(0)
        ws.set_margins(left=0.4, right=0.4, top=0.5, bottom=0.5)
