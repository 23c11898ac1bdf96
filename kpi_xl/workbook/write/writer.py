"""Fill and refresh KPI workbooks by defined name, losing nothing.

The workbook is never round-tripped through openpyxl's writer (which drops
cached formula values, text boxes, sparklines and Excel 2010 conditional
formats).  Instead:

* the xlsx is read as a zip (:mod:`~kpi_xl.workbook.write.xlsx_package`, with size
  limits and entity declarations refused);
* the contract names are resolved to cells (:mod:`~kpi_xl.workbook.write.names`);
* only the worksheet parts holding contract cells are edited, by splicing
  the ``<c>`` elements of those cells (:mod:`~kpi_xl.workbook.write.cells`), and
  ``workbook.xml`` gets ``fullCalcOnLoad="1"``;
* every other part is copied with its compressed bytes untouched;
* the result is written to a temporary file and renamed over the target.

Formula cells keep their formula and get a correct cached value, with the
settings read from the workbook itself, so every viewer shows the right
numbers even before a recalculation: the contract's formula cells by name
(:func:`kpi_xl.workbook.contract.formula_values`), and in a workbook made
from the bundled template every other formula the builder wrote (Dashboard
title, helper cells behind the sparklines and charts, month headers...),
wherever the cell still holds the builder's formula
(:meth:`Workbook.template_cells`).

:class:`Template` parses a workbook once and fills it many times (batch).
"""

from __future__ import annotations

import datetime as dt
import math
import os
import re
import shutil
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pandas as pd

from kpi_xl import catalog
from kpi_xl.errors import WorkbookError
from kpi_xl.workbook import contract
from kpi_xl.workbook.template.builder import cell_values, chart_ranges, formula_recipe
from kpi_xl.workbook.template.cached import FormulaSource, Values, canonical
from kpi_xl.workbook.write.cells import (
    CellValue,
    SheetXml,
    SplicePlan,
    formula_text,
    render_cell,
    serial_date,
)
from kpi_xl.workbook.write.charts import chart_ranges as ranges_of
from kpi_xl.workbook.write.charts import refresh_caches
from kpi_xl.workbook.write.comments import comment_values, fiscal_year_end
from kpi_xl.workbook.write.names import (
    Cell,
    NameRef,
    WorkbookInfo,
    read_workbook_info,
    shared_strings,
)
from kpi_xl.workbook.write.xlsx_package import (
    Member,
    decompress,
    read_members,
    replaced,
    write_atomic,
    write_package,
    zip_bytes,
)

DOCS_HINT = "a KPI workbook must define the names of the template contract (docs/templates.md)"
INPUT_IDS = tuple(i.id for i in catalog.INPUTS)
_CALCPR = re.compile(rb"<((?:[A-Za-z_][\w.-]*:)?)calcPr\b([^>]*?)(/?)>")
_FULL_CALC = re.compile(rb"""\sfullCalcOnLoad\s*=\s*("[^"]*"|'[^']*')""")
_AFTER_CALCPR = re.compile(
    rb"<(?:[A-Za-z_][\w.-]*:)?(?:oleSize|customWorkbookViews|pivotCaches|smartTagPr|"
    rb"smartTagTypes|webPublishing|fileRecoveryPr|webPublishObjects|extLst)\b"
)
_WORKBOOK_END = re.compile(rb"</((?:[A-Za-z_][\w.-]*:)?)workbook>")


@dataclass(frozen=True)
class SettingsUpdate:
    """Settings a new report writes into the workbook (None: keep the template's)."""

    company: str | None = None
    fy_start: dt.date | None = None
    currency: str | None = None
    targets: Mapping[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class WriteSummary:
    """What a fill or refresh did.

    ``cells`` is the number of cells written by a fill, or changed by a refresh.
    """

    path: Path
    months: tuple[dt.date, ...]  # months whose inputs were written
    cells: int  # cells written (inputs, settings and cached values)
    settings: contract.Settings
    backup: Path | None = None


def full_calc_on_load(data: bytes) -> bytes:
    """workbook.xml asking for a full recalculation on load (unchanged if it already does)."""
    match = _CALCPR.search(data)
    if match is not None:
        attrs = match.group(2)
        full = _FULL_CALC.search(attrs)
        if full is not None and full.group(1)[1:-1] in (b"1", b"true"):
            return data
        attrs = _FULL_CALC.sub(b"", attrs) + b' fullCalcOnLoad="1"'
        tag = b"<" + match.group(1) + b"calcPr" + attrs + (b"/>" if match.group(3) else b">")
        return data[: match.start()] + tag + data[match.end() :]
    end = _WORKBOOK_END.search(data)
    if end is None:
        return data
    after = _AFTER_CALCPR.search(data)
    pos = after.start() if after is not None else end.start()
    return data[:pos] + b"<" + end.group(1) + b'calcPr fullCalcOnLoad="1"/>' + data[pos:]


class Workbook:
    """A workbook read for filling: its members, names, owned sheet parts and settings."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.members: list[Member] = read_members(self.path)
        self._by_name = {m.name: m for m in self.members}
        small = {
            name: decompress(self.path, m)
            for name, m in self._by_name.items()
            if name.endswith(".rels") or name.endswith("workbook.xml")
        }
        self.info: WorkbookInfo = read_workbook_info(self.path, small)
        missing = contract.missing_names(self.info.names)
        if missing:
            described = [
                f"{n} (points to {self.info.unresolved[n]!r}, not to cells of a sheet)"
                if n in self.info.unresolved
                else n
                for n in missing
            ]
            raise WorkbookError(
                self.path,
                "not a KPI workbook: it lacks the names " + ", ".join(described),
                hint=DOCS_HINT
                + "; start from the bundled template (kpi-xl fill without --template)",
            )
        self.workbook_xml = small[self.info.workbook_part]
        self.names: dict[str, NameRef] = {
            n: ref for n, ref in self.info.names.items() if _is_contract(n)
        }
        for name in contract.required_names():
            size = len(self.names[name].cells)
            if size != contract.N_MONTHS:
                raise WorkbookError(
                    self.path,
                    f"the name {name} covers {size} cells; the contract wants one per month "
                    f"({contract.N_MONTHS})",
                    hint=DOCS_HINT,
                )
        self.sheets: dict[str, SheetXml] = {}
        for ref in self.names.values():
            if ref.part not in self._by_name:
                raise WorkbookError(self.path, f"the name {ref.name} points to a missing sheet")
            self._sheet(ref.part)
        part = self.info.shared_strings_part
        self.strings: list[str] = []
        self._values: dict[str, list[CellValue]] = {}  # the parts never change: memoised
        self._masks: dict[int, npt.NDArray[np.bool_]] = {}
        self.last_values: dict[tuple[str, Cell], CellValue] = {}  # of the last edits()
        self._template: dict[str, dict[str, dict[Cell, FormulaSource]]] = {}  # by language
        if part is not None and part in self._by_name:
            self.strings = shared_strings(
                self.path, part, decompress(self.path, self._by_name[part])
            )

    def _sheet(self, part: str) -> SheetXml:
        """A worksheet part, read and indexed on first use."""
        if part not in self.sheets:
            data = decompress(self.path, self._by_name[part])
            self.sheets[part] = SheetXml(self.path, part, data)
        return self.sheets[part]

    def template_cells(self, lang: str) -> dict[str, dict[Cell, FormulaSource]]:
        """The builder's formula cells this workbook still holds, by sheet part.

        A cell counts only where the workbook has, at the builder's address,
        the builder's formula (:func:`~kpi_xl.workbook.template.builder.formula_recipe`
        in the workbook's language).  A cell the user moved or edited is
        left out, so no value is ever written into the wrong cell; a
        workbook that is not a kpi_xl template has none.
        """
        if lang not in self._template:
            found: dict[str, dict[Cell, FormulaSource]] = {}
            for source in formula_recipe(lang):
                part = self.info.sheets.get(source.sheet)
                if part is None or part not in self._by_name:
                    continue
                sheet, cell = self._sheet(part), (source.row + 1, source.col + 1)
                formula = sheet.shape(cell).formula if cell in sheet.cells else None
                if formula is not None and _same_formula(formula, source.formula):
                    found.setdefault(part, {})[cell] = source
            self._template[lang] = found
        return self._template[lang]

    # ------------------------------------------------------------------ reading

    def values(self, name: str) -> list[CellValue]:
        """The values (cached for formulas) of a defined name's cells; [] if undefined."""
        if name not in self._values:
            ref = self.names.get(name)
            sheet = self.sheets[ref.part] if ref is not None else None
            self._values[name] = (
                [sheet.value(c, self.strings) for c in ref.cells] if ref and sheet else []
            )
        return list(self._values[name])

    def value(self, name: str) -> CellValue:
        values = self.values(name)
        return values[0] if values else None

    def is_formula(self, name: str) -> bool:
        ref = self.names.get(name)
        return ref is not None and self.sheets[ref.part].has_formula(ref.cells[0])

    def settings(self) -> contract.Settings:
        """The Settings sheet as the workbook has it now."""
        base = contract.Settings()
        lang = str(self.value(contract.SET_LANG) or base.lang).strip().lower()[:2]
        start = self.value(contract.SET_FY_START)
        targets: dict[str, float | None] = {}
        for k in catalog.KPIS:
            value = self.value(k.target_name) if k.target_name in self.names else k.target
            targets[k.id] = value if isinstance(value, float) and math.isfinite(value) else None
        return contract.Settings(
            lang=lang if lang in catalog.LANGS else base.lang,
            company=str(self.value(contract.SET_COMPANY) or ""),
            fy_start=self._as_date(start) or self._first_month() or base.fy_start,
            currency=str(self.value(contract.SET_CURRENCY) or base.currency),
            targets=targets,
            focus=self._focus(),
        )

    def _as_date(self, value: CellValue) -> dt.date | None:
        if isinstance(value, float) and value >= 1:
            return serial_date(value, self.info.date1904)
        return None

    def _first_month(self) -> dt.date | None:
        return self._as_date(self.value(contract.MONTHS))

    def _focus(self) -> tuple[str, ...]:
        """Focus KPI ids per slot; '' for an empty or unknown slot."""
        out = []
        for slot in range(1, contract.FOCUS_SLOTS + 1):
            name = contract.focus_name(slot)
            if name not in self.names:
                continue
            text = str(self.value(name) or "").strip()
            try:
                out.append(catalog.get(text).id if text else "")
            except KeyError:
                out.append("")
        if not out:
            return contract.Settings().focus
        return tuple(out)

    def months(self) -> list[dt.date]:
        """The workbook's months: its ``months`` cells, else from the fiscal year start."""
        found = [self._as_date(v) for v in self.values(contract.MONTHS)]
        if found and all(d is not None for d in found):
            return [d for d in found if d is not None]
        n = len(self.names[contract.MONTHS].cells)
        return contract.month_starts(self.settings().fy_start, n)

    def inputs(self, months: list[dt.date]) -> pd.DataFrame:
        """The ``in_*`` numbers the workbook holds now (text and blanks are NaN)."""
        table = {}
        for input_id in INPUT_IDS:
            values = self.values(contract.input_name(input_id))
            table[input_id] = [
                v if isinstance(v, float) else math.nan
                for v in (values + [None] * len(months))[: len(months)]
            ]
        return pd.DataFrame(table, index=pd.DatetimeIndex(months, name="month"))

    # ------------------------------------------------------------------ planning

    def edits(
        self,
        data: pd.DataFrame,
        update: SettingsUpdate | None = None,
        only_changes: bool = False,
        comments: pd.DataFrame | None = None,
    ) -> tuple[dict[str, dict[Cell, bytes]], WriteSummary]:
        """The new ``<c>`` elements per sheet part for ``data`` (rows = month starts).

        Inputs are written for the workbook's months found in ``data``, where
        ``data`` has a number; an input the data leaves empty keeps what the
        workbook holds.  ``comments`` (survey comments: date, score, comment)
        rewrite the ``nps_*`` blocks; None leaves them as they are.
        ``only_changes`` leaves cells whose value is already right untouched
        (a refresh changes as few bytes as possible).
        """
        out: dict[str, dict[Cell, bytes]] = {}
        settings = self.settings()
        if update is not None:
            settings = self._apply(update, settings, out)
        months = (
            contract.month_starts(update.fy_start, len(self.names[contract.MONTHS].cells))
            if update is not None and update.fy_start is not None
            else self.months()
        )
        settings.fy_start = months[0]
        if update is not None and update.fy_start is not None:
            self._write_name(contract.MONTHS, list(months), out, formulas=None)
        table, written = self._input_edits(data, months, out, only_changes)
        if comments is not None:
            self._comment_edits(comments, months, out)
        values = cell_values(settings, table)
        template = self.template_cells(settings.lang)
        for part, sources in template.items():
            sheet = self.sheets[part]
            for cell, source in sources.items():
                out.setdefault(part, {})[cell] = render_cell(
                    sheet.shape(cell), source.value(values), self.info.date1904
                )
        for name in self.names:
            if name in values and (name != contract.MONTHS or self.is_formula(name)):
                value = values[name]
                cells: list[CellValue] = list(value) if isinstance(value, list) else [value]
                self._write_name(name, cells, out, True)
        if only_changes:
            out = self._changed_only(out)
        count = sum(len(cells) for cells in out.values())
        self.last_values = self._known(table, months, values, template)
        return out, WriteSummary(self.path, tuple(written), count, settings)

    def _known(
        self,
        table: pd.DataFrame,
        months: list[dt.date],
        values: Values,
        template: Mapping[str, Mapping[Cell, FormulaSource]],
    ) -> dict[tuple[str, Cell], CellValue]:
        """The value every contract and template formula cell shows after the write."""
        known: dict[tuple[str, Cell], CellValue] = {
            (part, cell): source.value(values)
            for part, sources in template.items()
            for cell, source in sources.items()
        }
        for ref in (self.names[contract.MONTHS],):
            known.update(((ref.part, c), m) for c, m in zip(ref.cells, months, strict=False))
        for input_id in INPUT_IDS:
            ref = self.names[contract.input_name(input_id)]
            column = table[input_id].to_numpy(dtype=np.float64)
            for cell, number in zip(ref.cells, column, strict=False):
                known[(ref.part, cell)] = None if math.isnan(number) else float(number)
        for name, ref in self.names.items():
            value = values.get(name)
            if value is None or name == contract.MONTHS:
                continue
            cells: list[contract.CachedValue] = list(value) if isinstance(value, list) else [value]
            sheet = self.sheets[ref.part]
            for cell, item in zip(ref.cells, cells, strict=False):
                if sheet.has_formula(cell):
                    known[(ref.part, cell)] = item
        return known

    def lookup(self, sheet: str, cells: tuple[Cell, ...]) -> list[CellValue] | None:
        """Values of ``cells`` of ``sheet`` after the last :meth:`edits`; None if any is unknown."""
        part = self.info.sheets.get(sheet)
        if part is None or any((part, c) not in self.last_values for c in cells):
            return None
        return [self.last_values[(part, c)] for c in cells]

    def _changed_only(self, out: dict[str, dict[Cell, bytes]]) -> dict[str, dict[Cell, bytes]]:
        """The edits whose bytes differ from the cell as it is (a same-data refresh is a no-op)."""
        kept: dict[str, dict[Cell, bytes]] = {}
        for part, cells in out.items():
            sheet = self.sheets[part]
            for cell, data in cells.items():
                old = sheet.cells.get(cell)
                if old is None or sheet.data[old.start : old.end] != data:
                    kept.setdefault(part, {})[cell] = data
        return kept

    def _apply(
        self,
        update: SettingsUpdate,
        settings: contract.Settings,
        out: dict[str, dict[Cell, bytes]],
    ) -> contract.Settings:
        given: dict[str, CellValue] = {
            contract.SET_COMPANY: update.company,
            contract.SET_FY_START: update.fy_start,
            contract.SET_CURRENCY: update.currency,
        }
        targets = dict(settings.targets)
        for kpi_id, target in update.targets.items():
            given[catalog.get(kpi_id).target_name] = float(target)
            targets[catalog.get(kpi_id).id] = float(target)
        for name, value in given.items():
            if value is not None and name in self.names and not self.is_formula(name):
                self._write_name(name, [value], out, formulas=False)
        return contract.Settings(
            lang=settings.lang,
            company=update.company if update.company is not None else settings.company,
            fy_start=update.fy_start or settings.fy_start,
            currency=update.currency or settings.currency,
            targets=targets,
            focus=settings.focus,
        )

    def _input_edits(
        self,
        data: pd.DataFrame,
        months: list[dt.date],
        out: dict[str, dict[Cell, bytes]],
        only_changes: bool,
    ) -> tuple[pd.DataFrame, list[dt.date]]:
        table = self.inputs(months)
        index = pd.DatetimeIndex([pd.Timestamp(m) for m in months])
        new = data.reindex(index=index, columns=list(INPUT_IDS))
        new_values = new.to_numpy(dtype=np.float64, na_value=np.nan)
        old_values = table.to_numpy(dtype=np.float64)
        write = ~np.isnan(new_values) & ~self._formula_mask(len(months))
        if only_changes:
            write &= new_values != old_values
        merged = np.where(write, new_values, old_values)
        for j, input_id in enumerate(INPUT_IDS):
            ref = self.names[contract.input_name(input_id)]
            sheet = self.sheets[ref.part]
            for i in np.flatnonzero(write[: len(ref.cells), j]):
                cell = ref.cells[i]
                out.setdefault(ref.part, {})[cell] = render_cell(
                    sheet.shape(cell), float(merged[i, j]), self.info.date1904
                )
        filled = ~np.isnan(new_values).all(axis=1)
        result = pd.DataFrame(merged, index=table.index, columns=list(INPUT_IDS))
        return result, [m for m, f in zip(months, filled, strict=True) if f]

    def _comment_edits(
        self, comments: pd.DataFrame, months: list[dt.date], out: dict[str, dict[Cell, bytes]]
    ) -> None:
        """The fiscal year's latest comments into the ``nps_*`` names the workbook defines.

        Texts become inline strings (a comment such as ``=HYPERLINK(...)``
        stays text); a cell holding the user's formula is left alone.
        """
        present = [n for n in contract.comment_names() if n in self.names]
        if not present:
            return
        rows = max(len(self.names[n].cells) for n in present)
        values = comment_values(comments, months[0], fiscal_year_end(months), rows)
        for name in present:
            self._write_name(name, list(values[name]), out, formulas=False)

    def _formula_mask(self, n: int) -> npt.NDArray[np.bool_]:
        """True where an input cell holds the user's own formula: it is never overwritten.

        Keeping it also keeps ``calcChain.xml`` valid (Excel reports a damaged
        file when a cell listed there no longer holds a formula).
        """
        if n in self._masks:
            return self._masks[n]
        mask = np.zeros((n, len(INPUT_IDS)), dtype=bool)
        for j, input_id in enumerate(INPUT_IDS):
            ref = self.names[contract.input_name(input_id)]
            sheet = self.sheets[ref.part]
            for i, cell in enumerate(ref.cells[:n]):
                mask[i, j] = sheet.has_formula(cell)
        self._masks[n] = mask
        return mask

    def _write_name(
        self,
        name: str,
        values: list[CellValue],
        out: dict[str, dict[Cell, bytes]],
        formulas: bool | None,
    ) -> None:
        """Write ``values`` into a name's cells: formulas=True only cached values of
        formula cells, False only non-formula cells, None both."""
        ref = self.names[name]
        sheet = self.sheets[ref.part]
        for cell, value in zip(ref.cells, values, strict=False):
            is_formula = sheet.has_formula(cell)
            if formulas is None or formulas == is_formula:
                out.setdefault(ref.part, {})[cell] = render_cell(
                    sheet.shape(cell), value, self.info.date1904
                )

    # ------------------------------------------------------------------ writing

    def template_charts(self, lang: str) -> dict[str, bytes]:
        """The chart parts of the bundled template, rendered with the last :meth:`edits`.

        A chart is the template's when it plots exactly the ranges of one of
        the builder's charts; any other chart (the user's) is not returned.
        """
        owned = chart_ranges(lang)
        out = {}
        for m in self.members:
            if m.name.startswith("xl/charts/chart") and m.name.endswith(".xml"):
                xml = decompress(self.path, m)
                if ranges_of(xml) in owned:
                    chart = refresh_caches(xml, self.lookup, self.info.date1904)
                    if chart != xml:
                        out[m.name] = chart
        return out

    def save(
        self,
        dest: Path,
        edits: Mapping[str, Mapping[Cell, bytes]],
        extra: Mapping[str, bytes] | None = None,
    ) -> None:
        """Write the workbook with ``edits`` applied and ``extra`` parts replaced, atomically."""
        parts = {part: self.sheets[part].plan(cells).render(cells) for part, cells in edits.items()}
        parts.update(extra or {})
        calc = full_calc_on_load(self.workbook_xml)
        if calc != self.workbook_xml:
            parts[self.info.workbook_part] = calc
        write_package(dest, self.members, parts)


def _is_contract(name: str) -> bool:
    return (
        name in contract.required_names()
        or name in contract.comment_names()
        or name.startswith(("set_", "target_", "kpi_", "dash_", "months"))
    )


def _same_formula(xml: bytes, formula: str) -> bool:
    """Whether a cell's ``<f>`` element holds ``formula`` (as any spreadsheet may store it)."""
    text = formula_text(xml)
    return text == formula[1:] or canonical(text) == canonical(formula)


class Template:
    """A workbook parsed once and filled many times (batch mode).

    The owned cells' positions are planned once; each fill only renders the
    new ``<c>`` elements, compresses the edited sheet parts and writes the
    zip, copying every other member's compressed bytes as they are.
    """

    def __init__(self, path: Path) -> None:
        self.workbook = Workbook(path)
        self.path = self.workbook.path
        wb = self.workbook
        self._plans: dict[str, SplicePlan] = {}
        self._original: dict[str, dict[Cell, bytes]] = {}
        template = wb.template_cells(wb.settings().lang)
        for part, sheet in wb.sheets.items():
            cells = [c for ref in wb.names.values() if ref.part == part for c in ref.cells]
            cells += list(template.get(part, {}))
            self._plans[part] = sheet.plan(cells)
            self._original[part] = {
                c: sheet.data[x.start : x.end] if (x := sheet.cells.get(c)) else b"" for c in cells
            }
        self._workbook_xml = full_calc_on_load(wb.workbook_xml)
        self._charts = {
            m.name: decompress(self.path, m)
            for m in wb.members
            if m.name.startswith("xl/charts/chart") and m.name.endswith(".xml")
        }
        self.mtime = os.stat(self.path).st_mtime

    def render(
        self,
        data: pd.DataFrame,
        update: SettingsUpdate | None = None,
        comments: pd.DataFrame | None = None,
    ) -> tuple[bytes, WriteSummary]:
        """The filled workbook's bytes, and what was written."""
        edits, summary = self.workbook.edits(data, update, comments=comments)
        parts: dict[str, bytes] = {self.workbook.info.workbook_part: self._workbook_xml}
        for part, plan in self._plans.items():
            cells = {**self._original[part], **edits.get(part, {})}
            parts[part] = plan.render(cells)
        for part, xml in self._charts.items():
            chart = refresh_caches(xml, self.workbook.lookup, self.workbook.info.date1904)
            if chart != xml:
                parts[part] = chart
        members = [
            replaced(m, parts[m.name], 1) if m.name in parts else m for m in self.workbook.members
        ]
        return zip_bytes(members), summary

    def fill(
        self,
        data: pd.DataFrame,
        dest: Path,
        update: SettingsUpdate | None = None,
        comments: pd.DataFrame | None = None,
    ) -> WriteSummary:
        """Write a new report at ``dest`` (atomically) from monthly ``data``; see :func:`fill`."""
        blob, summary = self.render(data, update, comments)
        write_atomic(Path(dest), blob)
        return WriteSummary(Path(dest), summary.months, summary.cells, summary.settings)


def fill(
    template: Path | Template,
    data: pd.DataFrame,
    dest: Path,
    update: SettingsUpdate | None = None,
    comments: pd.DataFrame | None = None,
) -> WriteSummary:
    """A new report at ``dest`` from ``template`` and monthly ``data``.

    Parameters
    ----------
    template : Path or Template
        A workbook defining the contract names, or one already parsed.
    data : DataFrame
        Monthly inputs: month-start index, input ids as columns (the
        importers' table).  The workbook's months decide which rows are used;
        a NaN leaves the cell as the template has it.
    dest : Path
        The report to write (replaced atomically if it exists).
    update : SettingsUpdate, optional
        Company, fiscal year start, currency and targets to write.
    comments : DataFrame, optional
        NPS survey comments (date, score, comment): the fiscal year's latest
        fill the ``nps_*`` blocks when the workbook defines them.

    Returns
    -------
    WriteSummary
        The months written, the number of cells written and the settings used.

    Raises
    ------
    WorkbookError
        The template is not a readable, safe xlsx or lacks contract names.
    """
    tpl = template if isinstance(template, Template) else Template(Path(template))
    return tpl.fill(data, dest, update, comments)


def lock_files(path: Path) -> list[Path]:
    """Lock files Excel (``~$name``) or LibreOffice (``.~lock.name#``) keep while it is open."""
    path = Path(path)
    candidates = [
        path.with_name("~$" + path.name),
        path.with_name("~$" + path.name[2:]),
        path.with_name(f".~lock.{path.name}#"),
    ]
    return [p for p in candidates if p.exists()]


def check_not_open(path: Path) -> None:
    """Refuse to write a workbook Excel or LibreOffice has open (its lock file exists)."""
    locks = lock_files(path)
    if locks:
        raise WorkbookError(
            path,
            f"the workbook is open (lock file {locks[0].name} next to it)",
            hint="close it in Excel or LibreOffice and run the command again "
            "(if it is not open, delete the lock file)",
        )


def backup_path(path: Path) -> Path:
    return Path(path).with_name(Path(path).name + ".bak")


def refresh(
    path: Path,
    data: pd.DataFrame,
    backup: bool = True,
    workbook: Workbook | None = None,
    comments: pd.DataFrame | None = None,
) -> WriteSummary:
    """Update a report in place with new monthly ``data``, changing only owned cells.

    Parameters
    ----------
    path : Path
        The report.  Refused while Excel or LibreOffice has it open.
    data : DataFrame
        Monthly inputs as for :func:`fill`; only the workbook's own months are
        read, and a NaN (a month or an input the exports do not give) keeps
        what the workbook holds.
    backup : bool
        Keep the previous file as ``<name>.bak`` (default True).
    workbook : Workbook, optional
        The same file already opened (to read its months first).
    comments : DataFrame, optional
        NPS survey comments, as for :func:`fill` (None keeps the ``nps_*`` cells).

    Returns
    -------
    WriteSummary
        ``cells`` counts the cells that changed; when none did, nothing is
        written and no backup is made.

    Raises
    ------
    WorkbookError
        The workbook is open, unreadable, unsafe or not a KPI workbook.
    """
    path = Path(path)
    check_not_open(path)
    workbook = workbook or Workbook(path)
    edits, summary = workbook.edits(data, only_changes=True, comments=comments)
    saved: Path | None = None
    if not edits and full_calc_on_load(workbook.workbook_xml) == workbook.workbook_xml:
        return summary  # already up to date: the file is not even rewritten
    if backup:
        saved = backup_path(path)
        tmp = saved.with_name(saved.name + ".tmp")
        shutil.copy2(path, tmp)
        os.replace(tmp, saved)
    workbook.save(path, edits, workbook.template_charts(summary.settings.lang))
    return WriteSummary(path, summary.months, summary.cells, summary.settings, saved)
