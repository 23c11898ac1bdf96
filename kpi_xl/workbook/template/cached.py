"""Formula cells of the bundled templates, and the value each one caches.

The builder writes every formula through :meth:`Context.formula
<kpi_xl.workbook.template.context.Context.formula>`, which records a
:class:`FormulaSource`: where the cell is, its formula, and which computed
value it shows (a key of the values table, and a month for a 12-cell row).
The recipe depends only on the language (sheet names, labels); the values
depend on the settings and the inputs.  The builder uses them to write a
template's cached results, and the writer to rewrite those of a filled or
refreshed report, so both always agree.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from kpi_xl.workbook.contract import CachedValue

#: Every value a formula cell can show, by key: contract names (``kpi_roi``...)
#: and the builder's own helper keys (``_title``, ``_dash_1_trend``...).
Values = Mapping[str, CachedValue | list[CachedValue]]

_STRING = re.compile(r'("(?:[^"]|"")*")')
_QUOTED_SHEET = re.compile(r"'([^\W\d][\w.]*)'!")


@dataclass(frozen=True)
class FormulaCell:
    """A formula cell of a template and the value it shows (0-based row and column)."""

    sheet: str
    row: int
    col: int
    formula: str  # with its leading "="
    value: CachedValue


@dataclass(frozen=True)
class FormulaSource:
    """Where a formula cell is, its formula, and the key of the value it shows."""

    sheet: str
    row: int
    col: int
    formula: str
    key: str
    index: int | None = None  # the month, for a 12-cell row of values

    def value(self, values: Values) -> CachedValue:
        found = values[self.key]
        if isinstance(found, list):
            assert self.index is not None, self.key
            return found[self.index]
        return found

    def cell(self, values: Values) -> FormulaCell:
        return FormulaCell(self.sheet, self.row, self.col, self.formula, self.value(values))


def canonical(formula: str) -> str:
    """A formula as spreadsheet writers may store it, for comparison.

    The leading ``=`` goes, and so do the quotes around a sheet name that
    does not need them (``'Saisies'!$D$4`` is ``Saisies!$D$4`` once
    LibreOffice saved the file); text between double quotes is left as is.
    """
    body = formula[1:] if formula.startswith("=") else formula
    parts = _STRING.split(body)
    return "".join(
        part if i % 2 else _QUOTED_SHEET.sub(r"\1!", part) for i, part in enumerate(parts)
    )
