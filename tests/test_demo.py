"""``kpi-xl demo``: the README's first command must give a report worth opening."""

from __future__ import annotations

import math
from pathlib import Path

import openpyxl
import pytest
from test_writer_workbooks import defined_values

from kpi_xl import catalog, sample_data
from kpi_xl.cli import main
from kpi_xl.config import load_config
from kpi_xl.importers import read_exports

pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("demo") / "kpi_xl_demo"
    assert main(["demo", "--lang", "fr", "--out", str(out)]) == 0
    return out


def _numbers(wb: openpyxl.Workbook, name: str) -> list[float]:
    return [float(v) for v in defined_values(wb, name) if isinstance(v, int | float)]


def test_demo_writes_exports_and_report(demo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    names = sorted(p.name for p in (demo / "exports").iterdir())
    assert names == sorted(
        ["912345678FEC20241231.txt", "912345678FEC20251231.txt", "commandes_shopify.csv",
         "ga4_trafic_mensuel.csv", "google_ads_campagnes.csv", "typeform_nps.csv",
         "saisie_manuelle.csv", "kpi_xl.toml"]
    )  # fmt: skip
    assert (demo / "rapport_kpi_demo.xlsx").is_file()


def test_every_sample_export_is_read_by_the_importers(demo: Path) -> None:
    exports = read_exports(demo / "exports")
    kinds = sorted(s.kind for s in exports.sources)
    assert kinds == ["ads:google", "analytics:ga4", "fec", "fec", "manual",
                     "orders:shopify", "survey"]  # fmt: skip
    assert exports.comments is not None and len(exports.comments) > 100


def test_demo_figures_are_realistic(demo: Path) -> None:
    wb = openpyxl.load_workbook(demo / "rapport_kpi_demo.xlsx", data_only=True)
    revenue = _numbers(wb, "in_revenue")
    assert len(revenue) == 9 and all(40_000 <= r <= 80_000 for r in revenue)
    assert len(_numbers(wb, "in_revenue_prev_year")) == 9
    assert all(0.02 <= c <= 0.035 for c in _numbers(wb, "kpi_conversion_rate"))
    assert 25 <= _numbers(wb, "kpi_nps_ytd")[0] <= 50
    assert 13 <= _numbers(wb, "kpi_payback_period_ytd")[0] <= 15
    assert sum(_numbers(wb, "in_investment_cost")) == 12_000
    for kpi in catalog.KPIS:  # every KPI of the articles has a value
        assert not math.isnan(_numbers(wb, f"kpi_{kpi.id}_ytd")[0]), kpi.id
    assert defined_values(wb, "set_company") == ["Maison Lavande"]


def test_dashboard_shows_actions_for_off_target_kpis(demo: Path) -> None:
    wb = openpyxl.load_workbook(demo / "rapport_kpi_demo.xlsx", data_only=True)
    statuses = [defined_values(wb, f"dash_{n}_status")[0] for n in range(1, 6)]
    actions = [defined_values(wb, f"dash_{n}_action")[0] for n in range(1, 6)]
    off = catalog.Status.OFF_TRACK.label("fr")
    assert statuses.count(off) >= 2
    assert sum(bool(a) for a in actions) >= 2
    assert catalog.Status.ON_TRACK.label("fr") in statuses


def test_sample_exports_are_reproducible(tmp_path: Path) -> None:
    company = sample_data.Company(scale=0.05)
    a = sample_data.write_sample_exports(tmp_path / "a", company)
    b = sample_data.write_sample_exports(tmp_path / "b", company)
    assert [p.read_bytes() for p in a] == [p.read_bytes() for p in b]


def test_english_demo(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["demo", "--lang", "en", "--out", str(tmp_path)]) == 0
    printed = capsys.readouterr().out
    assert "kpi_report_demo.xlsx" in printed and "Dashboard" in printed
    wb = openpyxl.load_workbook(tmp_path / "kpi_report_demo.xlsx", data_only=True)
    assert defined_values(wb, "dash_1_name")[0] == catalog.focus_kpis()[0].name("en")


def test_sample_config_names_the_company(tmp_path: Path) -> None:
    name = 'Les "Délices" d\'Anne\\Co'
    path = sample_data.write_sample_config(tmp_path, sample_data.Company(name=name), "en")
    config = load_config(path)
    assert (config.company, config.language) == (name, "en")
