"""The fiscal year comes from the config, else the FEC's legal name, else the FEC's first month."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest
from samples import REAL_FEC

from kpi_xl.config import load_config
from kpi_xl.errors import InputFileError
from kpi_xl.importers import Exports, SourceFile, fiscal_year_table, read_exports

FEC = REAL_FEC


def exports_with(name: str, first: str | None) -> Exports:
    month = None if first is None else pd.Timestamp(first)
    src = SourceFile(Path(name), "fec", 10, month, month)
    return Exports(monthly=pd.DataFrame(), sources=[src])


@pytest.mark.parametrize(
    ("name", "first", "configured", "expected"),
    [
        ("123456789FEC20220831.txt", "2021-09-01", None, 9),
        ("123456789fec20231231.txt", "2023-03-01", None, 1),  # irregular first year
        ("export_compta.txt", "2023-04-01", None, 4),
        ("123456789FEC20220831.txt", "2021-09-01", 1, 1),  # the config wins
        ("commandes.csv", None, None, 1),
    ],
)
def test_fiscal_start_month(name, first, configured, expected):
    exports = exports_with(name, first)
    if name.endswith(".csv"):
        exports.sources.clear()
    assert exports.fiscal_start_month(configured) == expected


def test_real_fec_gives_its_own_fiscal_year(tmp_path):
    shutil.copy(FEC, tmp_path / FEC.name)
    exports = read_exports(tmp_path)
    table = fiscal_year_table(exports.monthly, None, exports.fiscal_start_month())
    assert f"{table.index[0]:%Y-%m}" == "2021-09"
    assert f"{table.index[-1]:%Y-%m}" == "2022-08"
    assert table["net_profit"].sum() == pytest.approx(173_208.48, abs=0.005)


def test_config_company_and_currency(tmp_path):
    path = tmp_path / "kpi_xl.toml"
    path.write_text('company = " Maison Lavande "\ncurrency = "CHF"\n', encoding="utf-8")
    config = load_config(path)
    assert (config.company, config.currency, config.fiscal_year_start_month) == (
        "Maison Lavande",
        "CHF",
        None,
    )
    path.write_text('currency = "12"\n', encoding="utf-8")
    with pytest.raises(InputFileError, match="currency"):
        load_config(path)
