"""The templates checked by a real spreadsheet engine (LibreOffice headless).

Copies of both templates are filled with varied monthly inputs (zeros,
blanks, inconsistent figures such as more conversions than visitors,
losses), recalculated by LibreOffice in one batch, and every contract cell
is compared with :mod:`kpi_xl.monthly` / :func:`kpi_xl.workbook.contract.formula_values`
(relative 1e-9; an empty cell where Python gives NaN).  Locally these tests
skip when LibreOffice is missing; in CI (``CI`` set) they fail instead.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest
import xlsxwriter
from libreoffice import recalc, recalc_many, render_pdf, render_png, require_soffice
from openpyxl.workbook.workbook import Workbook as OpenpyxlWorkbook

from kpi_xl import catalog
from kpi_xl.catalog import Unit
from kpi_xl.monthly import compute_kpis
from kpi_xl.workbook import contract
from kpi_xl.workbook.template import templates, texts
from kpi_xl.workbook.template.builder import build_workbook, default_settings, empty_inputs

pytestmark = [
    pytest.mark.libreoffice,
    pytest.mark.filterwarnings("ignore:Sparkline Group extension:UserWarning"),
]

ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"
N_DATASETS = 4  # per language, all recalculated in one LibreOffice run


def random_inputs(seed: int, n_months: int = contract.N_MONTHS) -> pd.DataFrame:
    """Months of inputs with blanks, zeros, losses and inconsistent figures."""
    rng = np.random.default_rng(seed)
    table = empty_inputs(n_months)
    for item in catalog.INPUTS:
        table[item.id] = [_random_value(rng, item) for _ in range(n_months)]
    # Inconsistent on purpose in some months: more conversions than visitors,
    # more engaged sessions than sessions, more new customers than customers at end.
    table.loc[3, "conversions"] = 900.0
    table.loc[3, "visitors"] = 400.0
    table.loc[4, ["engaged_sessions", "sessions"]] = [50.0, 20.0]
    table.loc[5, ["new_customers", "customers_end"]] = [80.0, 60.0]
    if seed % 2:
        table.iloc[9:] = np.nan  # a fiscal year still under way
    return table


def _random_value(rng: np.random.Generator, item: catalog.Input) -> float:
    draw = rng.random()
    if draw < 0.15:
        return math.nan
    if draw < 0.25:
        return 0.0
    if item.unit is Unit.COUNT:
        return float(rng.integers(1, 3000))
    if item.unit is Unit.RATIO:
        return float(rng.uniform(0, 1))
    if item.unit in (Unit.YEARS, Unit.PER_YEAR):
        return float(np.round(rng.uniform(0.1, 8), 3))
    low = -20_000.0 if item.minimum is None else 0.0  # losses where the catalog allows them
    return float(np.round(rng.uniform(low, 90_000), 2))


@dataclass
class Case:
    """One filled copy of a template and the values Python expects in it."""

    lang: str
    seed: int
    inputs: pd.DataFrame
    settings: contract.Settings = field(default_factory=contract.Settings)
    edits: dict[str, float | str | dt.datetime | None] = field(
        default_factory=dict
    )  # settings cells to overwrite

    @property
    def stem(self) -> str:
        return f"filled_{self.lang}_{self.seed}_{len(self.inputs)}"


def make_case(lang: str, seed: int, n_months: int = contract.N_MONTHS) -> Case:
    """Odd seeds also edit the settings: fiscal year, targets, the dashboard focus."""
    settings = default_settings(lang)
    case = Case(lang, seed, random_inputs(seed, n_months), settings)
    if seed % 2:
        settings.fy_start = dt.date(2025, 4, 1)
        settings.targets = dict(settings.targets, cac=40.0, roi=None, nps=-5.0)
        settings.focus = ("nps", "cac", "roi", "payback_period")
        case.edits = {
            contract.SET_FY_START: dt.datetime(2025, 4, 1),
            "target_cac": 40.0,
            "target_roi": None,
            "target_nps": -5.0,
            **{
                contract.focus_name(s + 1): catalog.get(k).name(lang)
                for s, k in enumerate(settings.focus)
            },
            contract.focus_name(5): None,
        }
    return case


def named_cells(wb: OpenpyxlWorkbook, name: str) -> list[openpyxl.cell.cell.Cell]:
    ((sheet, coords),) = list(wb.defined_names[name].destinations)
    found = wb[sheet][coords.replace("$", "")]
    if isinstance(found, tuple):
        return [cell for row in found for cell in row]
    return [found]


def fill(template: Path, case: Case, out: Path) -> Path:
    """A copy of ``template`` with the case's inputs and settings, written by name."""
    wb = openpyxl.load_workbook(template)
    for item in catalog.INPUTS:
        for cell, value in zip(
            named_cells(wb, item.defined_name), case.inputs[item.id], strict=True
        ):
            cell.value = None if math.isnan(value) else float(value)
    for name, value in case.edits.items():
        named_cells(wb, name)[0].value = value
    path = out / f"{case.stem}.xlsx"
    wb.save(path)
    return path


def same(got: object, want: object) -> bool:
    """A LibreOffice result equals a Python value (empty, text, date or number)."""
    if want == "" or want is None:
        return got in (None, "")
    if isinstance(want, dt.date):
        return isinstance(got, dt.datetime) and got.date() == want
    if isinstance(want, float):
        if not isinstance(got, int | float) or isinstance(got, bool):
            return False
        return math.isclose(got, want, rel_tol=1e-9, abs_tol=1e-12)
    return got == want


def mismatches(path: Path, case: Case) -> list[str]:
    """Every contract cell where LibreOffice and Python disagree."""
    wb = openpyxl.load_workbook(path, data_only=True)
    expected = contract.formula_values(case.inputs, compute_kpis(case.inputs), case.settings)
    bad = []
    for name, want in expected.items():
        wants = want if isinstance(want, list) else [want]
        cells = named_cells(wb, name)
        assert len(cells) == len(wants), name
        for m, (cell, value) in enumerate(zip(cells, wants, strict=True)):
            if not same(cell.value, value):
                bad.append(f"{name}[{m}] {cell.coordinate}: LibreOffice {cell.value!r}, Python {value!r}")  # fmt: skip
    return bad


@pytest.fixture(scope="module")
def recalculated(tmp_path_factory: pytest.TempPathFactory) -> list[tuple[Case, Path]]:
    """Every case filled, then recalculated by LibreOffice in one run."""
    require_soffice()
    src = tmp_path_factory.mktemp("filled")
    cases = [make_case(lang, seed) for lang in catalog.LANGS for seed in range(N_DATASETS)]
    empty = [Case(lang, -1, empty_inputs(), default_settings(lang)) for lang in catalog.LANGS]
    paths = [fill(templates.template_path(c.lang), c, src) for c in cases]
    # A 13-month first exercise: a template of N months is one builder call.
    long = [make_case(lang, seed, 13) for lang, seed in (("fr", 1), ("en", 2))]
    for c in long:
        built = build_workbook(src / f"template_{c.lang}_13.xlsx", c.lang, n_months=13)
        paths.append(fill(built, c, src))
    cases += long
    # The untouched templates too: they must convert cleanly and match the empty table.
    for c in empty:
        shutil.copy(templates.template_path(c.lang), src / f"{c.stem}.xlsx")
        paths.append(src / f"{c.stem}.xlsx")
    outs = recalc_many(paths, tmp_path_factory.mktemp("recalculated"))
    return list(zip(cases + empty, outs, strict=True))


def test_every_kpi_cell_agrees_with_python(recalculated: list[tuple[Case, Path]]) -> None:
    for case, path in recalculated:
        bad = mismatches(path, case)
        assert not bad, f"{case.stem}: {len(bad)} cells differ:\n" + "\n".join(bad[:20])


def test_a_thirteen_month_template_is_checked(recalculated: list[tuple[Case, Path]]) -> None:
    long = [(c, p) for c, p in recalculated if len(c.inputs) == 13]
    assert len(long) == 2
    for _, path in long:
        wb = openpyxl.load_workbook(path, data_only=True)
        months = [c.value for c in named_cells(wb, contract.MONTHS)]
        assert len(months) == 13 and all(isinstance(m, dt.datetime) for m in months)


def test_cumulative_kpis_are_blank_after_the_latest_month(
    recalculated: list[tuple[Case, Path]],
) -> None:
    """Odd seeds stop after 9 months: ROI and payback show nothing in the months after."""
    checked = 0
    for case, path in recalculated:
        if case.seed % 2 == 0 or case.seed < 0:
            continue
        wb = openpyxl.load_workbook(path, data_only=True)
        for kpi_id in ("roi", "payback_period"):
            cells = named_cells(wb, f"kpi_{kpi_id}")
            assert all(c.value in (None, "") for c in cells[9:]), (case.stem, kpi_id)
        roi = compute_kpis(case.inputs).months["roi"]
        checked += int(roi.iloc[:9].notna().any())
    assert checked  # ROI has values before the data stops: the blank after is not vacuous


def test_datasets_exercise_every_branch(recalculated: list[tuple[Case, Path]]) -> None:
    """The comparison is not vacuous: numbers, empties and every status appear."""
    numbers = empties = 0
    labels: set[str] = set()
    for case, _ in recalculated:
        values = contract.formula_values(case.inputs, compute_kpis(case.inputs), case.settings)
        for kpi in catalog.KPIS:
            row = values[kpi.defined_name]
            assert isinstance(row, list)
            numbers += sum(isinstance(v, float) for v in row)
            empties += sum(v == "" for v in row)
            labels.add(str(values[contract.kpi_field(kpi.id, "status")]))
    assert numbers > 200 and empties > 50
    assert {s.label(lang) for s in catalog.Status for lang in catalog.LANGS} & labels


def test_libreoffice_recalculates_instead_of_trusting_cached_values(tmp_path: Path) -> None:
    """Without OOXMLRecalcMode=0 LibreOffice would keep the wrong cached 99."""
    path = tmp_path / "src" / "stale.xlsx"
    path.parent.mkdir()
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet()
    ws.write_number(0, 0, 20)
    ws.write_formula(0, 1, "=A1*2+1", None, 99)  # deliberately wrong cached value
    wb.close()
    assert openpyxl.load_workbook(path, data_only=True).worksheets[0]["B1"].value == 99
    out = recalc(path, tmp_path / "out")
    assert openpyxl.load_workbook(out, data_only=True).worksheets[0]["B1"].value == 41


def demo_workbook(lang: str, out: Path) -> Path:
    """A workbook filled by the builder itself (charts and sparklines intact) for rendering."""
    months = 9
    revenue = np.array([42, 45, 39, 50, 53, 49, 58, 61, 57], float) * 1000
    data = {
        "revenue": revenue,
        "revenue_prev_year": revenue * 0.85,
        "net_profit": revenue * np.array([6, 7, 5, 8, 9, 8.5, 10, 11, 10.5]) / 100,
        "visitors": [12000] * months,
        "conversions": [300, 330, 290, 380, 400, 390, 420, 430, 410],
        "sales_marketing_costs": [6000, 6200, 5800, 7000, 7100, 6900, 7200, 7400, 7300],
        "new_customers": [150, 160, 140, 190, 200, 195, 210, 215, 205],
        "customers_start": [1000, 1100, 1180, 1240, 1340, 1450, 1550, 1660, 1770],
        "customers_end": [1100, 1180, 1240, 1340, 1450, 1550, 1660, 1770, 1850],
        "average_order_value": [140] * months,
        "purchase_frequency": [2.5] * months,
        "customer_lifespan": [3] * months,
        "gross_margin": [0.4] * months,
    }
    table = empty_inputs()
    for key, values in data.items():
        table.loc[: months - 1, key] = np.asarray(values, dtype=float)
    settings = default_settings(lang)
    settings.company = "Boutique Exemple SARL" if lang == "fr" else "Example Shop Ltd"
    return build_workbook(out / f"dashboard_{lang}.xlsx", lang, settings=settings, inputs=table)


def _ppm_colours(pdf: Path, out: Path) -> set[tuple[int, int, int]]:
    """The distinct colours of the PDF's first page, rendered small as a raw PPM."""
    stem = out / "colours"
    subprocess.run(["pdftoppm", "-r", "30", "-f", "1", "-l", "1", "-singlefile", str(pdf), str(stem)],
                   check=True, timeout=120)  # fmt: skip
    data = stem.with_suffix(".ppm").read_bytes()
    header = data.split(maxsplit=4)  # P6, width, height, maxval, pixels
    pixels = header[4]
    return {tuple(pixels[i : i + 3]) for i in range(0, len(pixels) - 2, 3)}  # type: ignore[misc]


@pytest.mark.parametrize("lang", catalog.LANGS)
def test_dashboard_renders_on_one_page_with_charts_and_lights(lang: str, tmp_path: Path) -> None:
    require_soffice()
    if shutil.which("pdftoppm") is None or shutil.which("pdfinfo") is None:
        pytest.skip("poppler-utils is not installed")
    path = demo_workbook(lang, tmp_path)
    sheet = texts.SHEET_DASHBOARD(lang)
    pdf = render_pdf(path, tmp_path / "pdf", sheet)
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert re.search(r"^Pages:\s+1$", info, re.M), info
    assert re.search(r"^Page size:\s+841.89 x 595.30", info, re.M), "A4 landscape"
    colours = _ppm_colours(pdf, tmp_path)

    def near(rgb: tuple[int, int, int]) -> bool:
        return any(all(abs(a - b) <= 6 for a, b in zip(c, rgb, strict=True)) for c in colours)

    assert near((0xFF, 0xC7, 0xCE)), "a red traffic light (off-track fill)"
    assert near((0xFF, 0xEB, 0x9C)), "an amber traffic light (watch fill)"
    assert near((0x2F, 0x55, 0x97)), "the revenue bars"
    assert near((0xC5, 0x5A, 0x11)), "the net margin bars"
    png = render_png(path, tmp_path / "png", sheet, dpi=60)
    ARTIFACTS.mkdir(exist_ok=True)
    shutil.copy(png, ARTIFACTS / f"dashboard_{lang}.png")
    shutil.copy(pdf, ARTIFACTS / f"dashboard_{lang}.pdf")
    assert png.stat().st_size > 10_000
