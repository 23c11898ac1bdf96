"""The kpi-xl command: help that teaches, the catalog table, errors without tracebacks."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from kpi_xl import catalog
from kpi_xl.cli import COMMANDS, main
from kpi_xl.commands.kpis import markdown

ROOT = Path(__file__).resolve().parents[1]


def test_help_lists_every_command(capsys):
    with pytest.raises(SystemExit) as info:
        main(["--help"])
    assert info.value.code == 0
    out = capsys.readouterr().out
    for name in COMMANDS:
        assert name in out
    assert "kpi-xl demo" in out


@pytest.mark.parametrize("name", COMMANDS)
def test_each_command_has_help_with_examples(name, capsys):
    with pytest.raises(SystemExit):
        main([name, "--help"])
    assert "kpi-xl " + name in capsys.readouterr().out


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_kpis_table_lists_every_kpi(lang, capsys):
    assert main(["kpis", "--lang", lang, "--format", "csv"]) == 0
    out = capsys.readouterr().out
    for kpi in catalog.KPIS:
        assert kpi.name(lang) in out
        assert kpi.action(lang) in out
    assert "KPI_CLV(average_order_value, purchase_frequency, lifespan, [margin])" in out


def test_kpis_detail_and_unknown(capsys):
    assert main(["kpis", "--kpi", "KPI_NPS", "--lang", "fr"]) == 0
    assert "détracteurs" in capsys.readouterr().out
    assert main(["kpis", "--kpi", "ebitda"]) == 2
    assert "unknown KPI" in capsys.readouterr().err


def test_readme_kpi_table_is_generated_from_the_catalog():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert markdown("en") in readme, "README is stale: paste `kpi-xl kpis --format markdown`"


def test_module_entry_point_runs():
    done = subprocess.run(
        [sys.executable, "-m", "kpi_xl", "kpis", "--format", "markdown"],
        capture_output=True, text=True, check=False, cwd=ROOT,
    )  # fmt: skip
    assert done.returncode == 0
    assert "KPI_ROI" in done.stdout


def test_unexpected_errors_are_reported_without_traceback(monkeypatch, capsys):
    from kpi_xl.commands import kpis as kpis_command

    def boom(args):
        raise RuntimeError("something broke")

    monkeypatch.setattr(kpis_command, "run", boom)
    assert main(["kpis"]) == 3
    err = capsys.readouterr().err
    assert "internal error (RuntimeError: something broke)" in err
    assert "--debug" in err and "Traceback" not in err
    with pytest.raises(RuntimeError):
        main(["--debug", "kpis"])


def test_missing_file_is_a_clear_error(tmp_path, capsys):
    assert main(["refresh", str(tmp_path / "nope.xlsx"), "--from", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "nope.xlsx" in err and "Traceback" not in err
