"""Targets and `until` in kpi_xl.toml: a rate is a fraction or a percentage, never 350 %."""

from __future__ import annotations

from pathlib import Path

import pytest

from kpi_xl.cli import main
from kpi_xl.config import load_config
from kpi_xl.errors import InputFileError


def config(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "kpi_xl.toml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("value", "expected"),
    [("0.035", 0.035), ('"3.5 %"', 0.035), ('"3,5 %"', 0.035), ('"3.5%"', 0.035), ("1", 1.0),
     ('"150 %"', 1.5), ("0", 0.0)],
)  # fmt: skip
def test_rates_as_fractions_or_percentages(tmp_path: Path, value: str, expected: float) -> None:
    loaded = load_config(config(tmp_path, f"[targets]\nconversion_rate = {value}\n"))
    assert loaded.targets["conversion_rate"] == pytest.approx(expected)


def test_a_rate_above_1_is_refused_with_a_hint(tmp_path: Path) -> None:
    path = config(tmp_path, "[targets]\nconversion_rate = 3.5\n")
    with pytest.raises(InputFileError) as error:
        load_config(path)
    message = str(error.value)
    assert str(path) in message and "targets.conversion_rate" in message
    assert '3.5 means 350 %; write 0.035 or "3.5 %"' in message


@pytest.mark.parametrize("value", ["nan", "inf", "-inf", '"beaucoup"', "true", '"3.5"'])
def test_non_numbers_are_refused(tmp_path: Path, value: str) -> None:
    path = config(tmp_path, f"[targets]\nnps = 40\nconversion_rate = {value}\n")
    with pytest.raises(InputFileError, match=r"targets\.conversion_rate"):
        load_config(path)


@pytest.mark.parametrize("value", ["nan", "inf"])
def test_nan_and_inf_are_refused_for_any_kpi(
    tmp_path: Path, value: str, capsys: pytest.CaptureFixture[str]
) -> None:
    path = config(tmp_path, f"[targets]\nnps = {value}\n")
    (tmp_path / "orders.csv").write_text("x\n", encoding="utf-8")
    assert main(["compute", "--from", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert str(path) in err and "targets.nps" in err


def test_counts_and_amounts_above_1_are_fine(tmp_path: Path) -> None:
    loaded = load_config(config(tmp_path, "[targets]\nnps = 40\ncac = 35.5\n"))
    assert loaded.targets == {"nps": 40.0, "cac": 35.5}


@pytest.mark.parametrize(("value", "ok"), [('"2025-10"', True), ('"2025-13"', False),
                                           ('"octobre"', False), ("202510", False)])  # fmt: skip
def test_until(tmp_path: Path, value: str, ok: bool) -> None:
    path = config(tmp_path, f"until = {value}\n")
    if ok:
        assert load_config(path).until == "2025-10"
    else:
        with pytest.raises(InputFileError, match="'until'"):
            load_config(path)
