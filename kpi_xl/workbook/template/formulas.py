"""Native Excel formulas of the template, generated from the catalog.

Each KPI's :class:`~kpi_xl.catalog.TemplateFormula` becomes, for every month
column, ``IF(AND(<inputs present>),IF(<guard>,<expression>,""),"")``, so a
month without its inputs, or where the KPI is undefined, shows an empty cell
instead of ``#DIV/0!``.  :mod:`kpi_xl.monthly` evaluates the same spec in
Python; the LibreOffice tests check that both agree cell by cell.

Only Excel 2010 functions are used (IF, AND, OR, ISNUMBER, COUNT, SUM,
AVERAGE, INDEX, SUMPRODUCT, MAX, ABS): no dynamic arrays, no LET/XLOOKUP, no
add-in function, so the numbers show wherever the file is opened.  Whole
rows and single settings are referred to by their defined names (readable
in the formula bar); month cells by absolute address.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from xlsxwriter.utility import xl_rowcol_to_cell

from kpi_xl import catalog
from kpi_xl.catalog import Direction, Kpi, Source, Status


@dataclass(frozen=True)
class Grid:
    """Where the month cells of each named row are: ``rows[name] = (sheet, row)``, 0-based."""

    rows: Mapping[str, tuple[str, int]]
    first_col: int
    n_months: int = 12
    #: The block of every input row (sheet, first row, last row): a running total stops
    #: after its last month with any input.
    inputs: tuple[str, int, int] | None = None

    def month(self, name: str, m: int) -> str:
        """Absolute address of month ``m`` (0-based) of a named row."""
        sheet, row = self.rows[name]
        return f"{_quote(sheet)}!{xl_rowcol_to_cell(row, self.first_col + m, True, True)}"

    def inputs_from(self, m: int) -> str | None:
        """The input block from month ``m`` (0-based) to the last month; None without one."""
        if self.inputs is None:
            return None
        sheet, first, last = self.inputs
        a = xl_rowcol_to_cell(first, self.first_col + m, True, True)
        b = xl_rowcol_to_cell(last, self.first_col + self.n_months - 1, True, True)
        return f"{_quote(sheet)}!{a}:{b}"

    def span(self, name: str, last: int) -> str:
        """Months 0..last of a named row, e.g. for running totals."""
        sheet, row = self.rows[name]
        a = xl_rowcol_to_cell(row, self.first_col, True, True)
        b = xl_rowcol_to_cell(row, self.first_col + last, True, True)
        return f"{_quote(sheet)}!{a}:{b}"


def _quote(sheet: str) -> str:
    return "'" + sheet.replace("'", "''") + "'"


def _positions(n: int, reverse: bool = False) -> str:
    """An Excel row array constant {1,2,...,n} (or {n,...,1})."""
    nums = range(n, 0, -1) if reverse else range(1, n + 1)
    return "{" + ",".join(str(i) for i in nums) + "}"


def last_index(rng: str, n: int) -> str:
    """1-based position of the last number in a row range of ``n`` cells (0 if none)."""
    return f"SUMPRODUCT(MAX(ISNUMBER({rng})*{_positions(n)}))"


def first_index(rng: str, n: int) -> str:
    """1-based position of the first number in a row range of ``n`` cells."""
    return f"({n + 1}-SUMPRODUCT(MAX(ISNUMBER({rng})*{_positions(n, reverse=True)})))"


def _fill(template: str, subs: Mapping[str, str]) -> str:
    out = template
    for name, text in subs.items():
        out = out.replace("{" + name + "}", text)
    return out


def _wrap(presence: list[str], guard: str, expr: str) -> str:
    body = f'IF({guard},{expr},"")'
    if not presence:
        return body
    check = presence[0] if len(presence) == 1 else f"AND({','.join(presence)})"
    return f'IF({check},{body},"")'


def _formula(kpi: Kpi, parts: list[tuple[str, str | None]]) -> str:
    """Assemble a KPI formula from (expression, presence check) per argument."""
    spec = kpi.template
    params = next(f for f in kpi.functions if f.name == spec.function).args
    subs: dict[str, str] = {}
    presence: list[str] = []
    for (expr, check), arg in zip(parts, params, strict=False):
        if arg.default is not None:
            # An optional argument: its default stands in for an empty cell.
            subs[arg.name] = f"IF({check},{expr},{arg.default:g})"
            continue
        subs[arg.name] = expr if _is_ref(expr) else f"({expr})"
        if check:
            presence.append(check)
    for arg in params[len(parts) :]:
        subs[arg.name] = f"{arg.default:g}"
    return "=" + _wrap(presence, _fill(spec.guard, subs), _fill(spec.excel, subs))


def _is_ref(expr: str) -> bool:
    return expr.replace("$", "").replace("!", "").replace("'", "").replace("_", "").isalnum()


def month_formula(kpi: Kpi, grid: Grid, m: int) -> str | None:
    """The formula of month ``m`` (0-based) of a KPI row; None where it cannot exist."""
    parts: list[tuple[str, str | None]] = []
    for src in kpi.template.monthly_sources():
        part = _month_part(src, grid, m)
        if part is None:
            return None
        parts.append(part)
    return _formula(kpi, parts)


def _month_part(src: Source, grid: Grid, m: int) -> tuple[str, str] | None:
    if src.mode == "prev":
        if m == 0:
            return None
        ref = grid.month(src.name, m - 1)
        return ref, f"ISNUMBER({ref})"
    if src.mode in ("cum", "avg"):
        rng = grid.span(src.name, m)
        func = "SUM" if src.mode == "cum" else "AVERAGE"
        later = grid.inputs_from(m)
        if later is None:
            return f"{func}({rng})", f"COUNT({rng})>0"
        # blank after the latest month with any input, as kpi_xl.monthly does
        return f"{func}({rng})", f"AND(COUNT({rng})>0,COUNT({later})>0)"
    ref = grid.month(src.name, m)
    return ref, f"ISNUMBER({ref})"


def ytd_formula(kpi: Kpi, n_months: int = 12) -> str:
    """The formula of a KPI's year-to-date cell, from the whole named rows."""
    parts: list[tuple[str, str | None]] = []
    for src in kpi.template.ytd_sources():
        parts.append(_ytd_part(src, n_months))
    return _formula(kpi, parts)


def _ytd_part(src: Source, n: int) -> tuple[str, str]:
    rng = src.name
    if src.agg == "kpi":
        cell = f"{src.name}_ytd"
        return cell, f"ISNUMBER({cell})"
    if src.agg == "sum_where":
        both = f"ISNUMBER({src.where})*ISNUMBER({rng})"
        return f"SUMPRODUCT({both},{rng})", f"SUMPRODUCT({both})>0"
    present = f"COUNT({rng})>0"
    if src.agg == "sum":
        return f"SUM({rng})", present
    if src.agg == "mean":
        return f"AVERAGE({rng})", present
    index = first_index(rng, n) if src.agg == "first" else last_index(rng, n)
    return f"INDEX({rng},{index})", present


def latest_formula(kpi: Kpi, n_months: int = 12) -> str:
    """The KPI's latest defined month value."""
    row = kpi.defined_name
    return f'=IF(COUNT({row})=0,"",INDEX({row},{last_index(row, n_months)}))'


def change_formula(kpi: Kpi, n_months: int = 12) -> str:
    """Latest month minus the month before it; empty unless both are defined."""
    row, i = kpi.defined_name, last_index(kpi.defined_name, n_months)
    prev = f"INDEX({row},{i}-1)"
    return f'=IF({i}<2,"",IF(ISNUMBER({prev}),INDEX({row},{i})-{prev},""))'


def value_formula(kpi: Kpi, n_months: int = 12) -> str:
    """The value compared with the target: year to date or latest month (catalog basis)."""
    if kpi.basis == "ytd":
        return f"={kpi.defined_name}_ytd"
    return latest_formula(kpi, n_months)


def status_formula(value: str, target: str, direction: Direction, lang: str) -> str:
    """Traffic-light label of ``value`` against ``target``, as :func:`catalog.status` decides."""
    on, watch, off = (f'"{s.label(lang)}"' for s in Status)
    band = f"{catalog.STATUS_TOLERANCE:g}*ABS({target})"
    if direction is Direction.HIGHER:
        test_on, test_watch = f"{value}>={target}", f"{value}>={target}-{band}"
    else:
        test_on, test_watch = f"{value}<={target}", f"{value}<={target}+{band}"
    return (
        f'=IF(OR(NOT(ISNUMBER({value})),NOT(ISNUMBER({target}))),"",'
        f"IF({test_on},{on},IF({test_watch},{watch},{off})))"
    )


def action_formula(kpi: Kpi, status_ref: str, lang: str) -> str:
    """The catalog's advice when the KPI is not on track, else empty."""
    text = kpi.action(lang).replace('"', '""')
    return f'=IF(OR({status_ref}="",{status_ref}="{Status.ON_TRACK.label(lang)}"),"","{text}")'


def months_formula(start_name: str, m: int) -> str:
    """First day of month ``m`` of the fiscal year starting at the named date."""
    return f"=DATE(YEAR({start_name}),MONTH({start_name})+{m},1)"
