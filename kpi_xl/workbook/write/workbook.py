"""A workbook opened for filling: its parts, contract names, owned sheets and what they hold.

Reading only: :mod:`~kpi_xl.workbook.write.edits` plans the new cells from
what this class reads, :mod:`~kpi_xl.workbook.write.save` writes them.
"""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pandas as pd

from kpi_xl import catalog
from kpi_xl.errors import WorkbookError
from kpi_xl.workbook import contract
from kpi_xl.workbook.template.builder import formula_recipe
from kpi_xl.workbook.template.cached import FormulaSource, canonical
from kpi_xl.workbook.write.cells import CellValue, SheetXml, formula_text, serial_date
from kpi_xl.workbook.write.names import (
    Cell,
    NameRef,
    WorkbookInfo,
    read_workbook_info,
    shared_strings,
)
from kpi_xl.workbook.write.xlsx_package import Member, decompress, read_members

DOCS_HINT = "a KPI workbook must define the names of the template contract (docs/templates.md)"
INPUT_IDS = tuple(i.id for i in catalog.INPUTS)
INPUT_NAMES = frozenset(contract.input_names())


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
        # an input name that does not point to cells (#REF!) is broken, not left out
        missing += sorted(n for n in INPUT_NAMES if n in self.info.unresolved)
        if missing:
            described = [
                f"{n} (points to {self.info.unresolved[n]!r}, not to cells of a sheet)"
                if n in self.info.unresolved
                else n
                for n in missing
            ]
            if not INPUT_NAMES & set(self.info.names):
                described.append("at least one input name such as in_revenue")
            raise WorkbookError(
                self.path,
                "not a KPI workbook: it lacks the names " + ", ".join(described),
                hint=DOCS_HINT
                + "; start from the bundled template (kpi-xl fill without --template)",
            )
        self.workbook_xml = small[self.info.workbook_part]
        self.names: dict[str, NameRef] = {
            n: ref
            for n, ref in self.info.names.items()
            if _is_contract(n) and (ref.cells or n in contract.required_names() or _is_input(n))
        }  # a name too large to list (a whole sheet) is the user's, unless the contract's
        #: The months of the workbook (12 in the bundled templates, 1 to 24).
        self.n_months = self.names[contract.MONTHS].size  # counted, never listed
        #: The input ids the workbook defines (``in_<id>``); the others are left out.
        self.input_ids = tuple(i for i in INPUT_IDS if contract.input_name(i) in self.names)
        self._check_sizes()
        self.sheets: dict[str, SheetXml] = {}
        for ref in self.names.values():
            if ref.part not in self._by_name:
                raise WorkbookError(self.path, f"the name {ref.name} points to a missing sheet")
            self._sheet(ref.part)
        part = self.info.shared_strings_part
        self.strings: list[str] = []
        self._values: dict[str, list[CellValue]] = {}  # the parts never change: memoised
        self._masks: dict[int, npt.NDArray[np.bool_]] = {}
        self._template: dict[str, dict[str, dict[Cell, FormulaSource]]] = {}  # by language
        if part is not None and part in self._by_name:
            self.strings = shared_strings(
                self.path, part, decompress(self.path, self._by_name[part])
            )

    def _check_sizes(self) -> None:
        if not 1 <= self.n_months <= contract.MAX_MONTHS:
            raise WorkbookError(
                self.path,
                f"the name {contract.MONTHS} covers {self.n_months:,} cells; the contract wants "
                f"one per month (1 to {contract.MAX_MONTHS})",
                hint=DOCS_HINT,
            )
        if not self.input_ids:
            raise WorkbookError(
                self.path,
                "not a KPI workbook: it defines none of the in_* input names",
                hint=DOCS_HINT + ", e.g. in_revenue over one cell per month",
            )
        for input_id in self.input_ids:
            name = contract.input_name(input_id)
            size = self.names[name].size
            if size != self.n_months:
                raise WorkbookError(
                    self.path,
                    f"the name {name} covers {size:,} cells but {contract.MONTHS} covers "
                    f"{self.n_months}: the contract wants one cell per month in each",
                    hint=DOCS_HINT,
                )

    @property
    def missing_inputs(self) -> tuple[str, ...]:
        """The catalog's input ids the workbook does not define (their figures are left out)."""
        return tuple(i for i in INPUT_IDS if i not in self.input_ids)

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
            for source in formula_recipe(lang, self.n_months):
                part = self.info.sheets.get(source.sheet)
                if part is None or part not in self._by_name:
                    continue
                sheet, cell = self._sheet(part), (source.row + 1, source.col + 1)
                formula = sheet.shape(cell).formula if cell in sheet.cells else None
                if formula is not None and _same_formula(formula, source.formula):
                    found.setdefault(part, {})[cell] = source
            self._template[lang] = found
        return self._template[lang]

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

    def client_id(self) -> str | None:
        """Whose report it is (``set_client_id``); None when the workbook has no such name."""
        if contract.SET_CLIENT_ID not in self.names:
            return None
        return str(self.value(contract.SET_CLIENT_ID) or "").strip()

    def focus_slots(self) -> set[int]:
        """The dashboard slots whose ``set_focus_<n>`` the writer may change (plain values)."""
        return {
            slot
            for slot in range(1, contract.FOCUS_SLOTS + 1)
            if contract.focus_name(slot) in self.names
            and not self.is_formula(contract.focus_name(slot))
        }

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

    def formula_mask(self, n: int) -> npt.NDArray[np.bool_]:
        """True where an input cell holds the user's own formula: it is never overwritten.

        Keeping it also keeps ``calcChain.xml`` valid (Excel reports a damaged
        file when a cell listed there no longer holds a formula).
        """
        if n in self._masks:
            return self._masks[n]
        mask = np.zeros((n, len(INPUT_IDS)), dtype=bool)
        for j, input_id in enumerate(INPUT_IDS):
            if input_id not in self.input_ids:
                mask[:, j] = True  # an input the workbook does not define: nothing to write
                continue
            ref = self.names[contract.input_name(input_id)]
            sheet = self.sheets[ref.part]
            for i, cell in enumerate(ref.cells[:n]):
                mask[i, j] = sheet.has_formula(cell)
        self._masks[n] = mask
        return mask


def _is_input(name: str) -> bool:
    return name in {contract.input_name(i) for i in INPUT_IDS}


def _is_contract(name: str) -> bool:
    return (
        name in contract.required_names()
        or name in contract.comment_names()
        or name in INPUT_NAMES
        or name.startswith(("set_", "target_", "kpi_", "dash_", "months"))
    )


def _same_formula(xml: bytes, formula: str) -> bool:
    """Whether a cell's ``<f>`` element holds ``formula`` (as any spreadsheet may store it)."""
    text = formula_text(xml)
    return text == formula[1:] or canonical(text) == canonical(formula)
