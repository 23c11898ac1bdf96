"""The command line as a new user meets it: fast help, 80-column tables, one language.

Every ``--help`` and every terminal table is rendered at 80 columns and
checked for clipping (rich's "…") and for the values it must show in full.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from samples import REAL_FEC
from test_importers_fec import ENTRIES, HEADER

from kpi_xl import catalog
from kpi_xl.cli import COMMANDS, build_parser, main
from kpi_xl.commands import SUMMARIES
from kpi_xl.config import load_config

ROOT = Path(__file__).resolve().parents[1]
#: Modules a '--help' must not import: they take most of a full run's start-up.
HEAVY = ("pandas", "numpy", "openpyxl", "xlsxwriter", "lxml", "kpi_xl.workbook", "kpi_xl.report")


@pytest.fixture(autouse=True)
def columns_80(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "80")


def _fits(text: str, width: int = 80) -> None:
    """Nothing clipped, no line wider than the terminal."""
    assert "…" not in text
    too_wide = [line for line in text.splitlines() if len(line) > width]
    assert not too_wide, too_wide[:3]


def _help(argv: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    with pytest.raises(SystemExit) as info:
        main([*argv, "--help"])
    assert info.value.code == 0
    return capsys.readouterr().out


def _command_lines() -> list[list[str]]:
    """Every command and sub-command the parser knows (``templates build``, ``excel ...``)."""
    lines: list[list[str]] = []

    def walk(parser: argparse.ArgumentParser, prefix: list[str]) -> None:
        lines.append(prefix)
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                for name, child in action.choices.items():
                    walk(child, [*prefix, name])

    for name in COMMANDS:
        parser = build_parser(name)  # the command's real parser; the others are placeholders
        commands = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
        walk(commands.choices[name], [name])
    return lines


@pytest.mark.parametrize("argv", _command_lines(), ids=" ".join)
def test_every_help_is_its_own_fits_80_columns_and_teaches(argv, capsys):
    out = _help(argv, capsys)
    assert "…" not in out
    if argv[0] != "excel":  # kpi-xl excel's help is its own module's
        _fits(out)
    assert out.startswith(f"usage: kpi-xl {' '.join(argv)} ")
    assert "--debug" in out and "--lang" in out  # the global options, after the command too
    if argv[0] != "excel":  # kpi-xl excel's help is its own module's
        assert "examples:" in out and f"  kpi-xl {argv[0]} " in out


def test_each_command_has_its_own_description(capsys):
    descriptions = {name: _help([name], capsys).split("\n\n")[1] for name in COMMANDS}
    assert len(set(descriptions.values())) == len(COMMANDS)
    top = _help([], capsys)
    _fits(top)
    top = " ".join(top.split())  # the summaries wrap at 80 columns
    assert "(French and English)" in top and "Excel functions" in top


def test_summaries_are_the_commands_own():
    import importlib

    for name, summary in SUMMARIES.items():
        assert summary == importlib.import_module(f"kpi_xl.commands.{name}").HELP, (
            f"copy kpi_xl.commands.{name}.HELP into kpi_xl.commands.SUMMARIES"
        )


@pytest.mark.parametrize(
    "argv", [["--help"], ["--version"], *([c, "--help"] for c in COMMANDS), ["kpis", "--kpi"]]
)
def test_help_imports_no_heavy_module(argv):
    code = (
        "import json, sys\nfrom kpi_xl.cli import main\n"
        f"try:\n    main({argv!r})\nexcept SystemExit:\n    pass\n"
        "print(json.dumps(sorted(sys.modules)))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=False
    )
    loaded = json.loads(done.stdout.strip().splitlines()[-1])
    heavy = [m for m in loaded if m.startswith(HEAVY)]
    assert not heavy, f"{argv} imported {heavy[:5]}"
    if argv[0] != "excel":  # rich is excel.py's own choice
        assert not [m for m in loaded if m.startswith("rich")]


def test_global_options_anywhere(monkeypatch, capsys):
    assert main(["--lang", "fr", "kpis", "--format", "csv"]) == 0
    before = capsys.readouterr().out
    assert main(["kpis", "--format", "csv", "--lang", "fr"]) == 0
    assert capsys.readouterr().out == before
    assert "Taux de conversion" in before

    from kpi_xl.commands import kpis

    def boom(args):
        raise RuntimeError("something broke")

    monkeypatch.setattr(kpis, "run", boom)
    for argv in (["--debug", "kpis"], ["kpis", "--debug"]):
        with pytest.raises(RuntimeError):
            main(argv)
    assert main(["kpis"]) == 3


# --------------------------------------------------------------------------- language


def test_system_language_is_the_default(monkeypatch, capsys):
    assert load_config(None).language == "en"
    monkeypatch.setenv("LANG", "fr_FR.UTF-8")
    assert load_config(None).language == "fr"
    assert main(["kpis", "--format", "csv"]) == 0
    assert "Taux de conversion" in capsys.readouterr().out
    assert main(["--lang", "en", "kpis", "--format", "csv"]) == 0
    assert "Conversion rate" in capsys.readouterr().out


def test_config_language_then_lang_override(tmp_path, capsys):
    shutil.copy(REAL_FEC, tmp_path / REAL_FEC.name)
    (tmp_path / "kpi_xl.toml").write_text('language = "fr"\n', encoding="utf-8")
    assert main(["compute", "--from", str(tmp_path)]) == 0
    assert "Chiffre d'affaires" in capsys.readouterr().out
    assert main(["compute", "--from", str(tmp_path), "--lang", "en"]) == 0
    assert "Revenue (excl. VAT)" in capsys.readouterr().out


def test_fill_and_refresh_report_in_the_configured_language(tmp_path, capsys):
    exports = tmp_path / "exports"
    exports.mkdir()
    shutil.copy(REAL_FEC, exports / REAL_FEC.name)
    (exports / "kpi_xl.toml").write_text('language = "fr"\n', encoding="utf-8")
    report = tmp_path / "r.xlsx"
    assert main(["fill", "--from", str(exports), "--out", str(report)]) == 0
    assert "r.xlsx : 12 mois remplis (2021-09 à 2022-08) depuis" in capsys.readouterr().out
    assert main(["refresh", str(report), "--from", str(exports)]) == 0
    assert "r.xlsx : déjà à jour, non réécrit (mois des exports : 2021-09," in (
        capsys.readouterr().out
    )
    assert main(["refresh", str(report), "--from", str(exports), "--lang", "en"]) == 0
    assert "r.xlsx: already up to date, not rewritten" in capsys.readouterr().out


def test_kpi_detail_in_french_translates_units_and_missing_targets(capsys):
    assert main(["kpis", "--kpi", "cac", "--lang", "fr"]) == 0
    out = capsys.readouterr().out
    _fits(out)
    assert "currency" not in out and "— —" not in out
    assert "montant (EUR)" in out and "aucun" in out and "[targets]" in out
    assert main(["kpis", "--kpi", "conversion_rate", "--lang", "fr"]) == 0
    assert "3,5 %" in capsys.readouterr().out


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_every_kpi_detail_shows_in_both_languages(lang, capsys):
    from kpi_xl import catalog

    for kpi in catalog.KPIS:  # every unit has its words (a new unit once crashed this)
        assert main(["kpis", "--kpi", kpi.id, "--lang", lang]) == 0, kpi.id
        _fits(capsys.readouterr().out)


@pytest.mark.parametrize(("lang", "sep", "target"), [("fr", ";", "3,5 %"), ("en", ",", "3.5 %")])
def test_kpis_csv_follows_the_language_conventions(lang, sep, target, capsys):
    assert main(["kpis", "--format", "csv", "--lang", lang]) == 0
    rows = list(csv.reader(io.StringIO(capsys.readouterr().out), delimiter=sep))
    assert len(rows) == len(catalog.KPIS) + 1
    assert {len(r) for r in rows} == {len(rows[0])}  # the separator never splits a value
    conversion = next(r for r in rows if r[0] == "conversion_rate")
    assert conversion[6] == target


def test_kpis_json_for_programs(capsys):
    assert main(["kpis", "--format", "json"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert [k["id"] for k in document] == [k.id for k in catalog.KPIS]
    assert next(k for k in document if k["id"] == "conversion_rate")["target"] == 0.035


# --------------------------------------------------------------------------- tables at 80 columns


@pytest.mark.parametrize(("lang", "width"), [("fr", 80), ("en", 80), ("en", 160), ("fr", 240)])
def test_kpis_table_fits_the_terminal(lang, width, monkeypatch, capsys):
    monkeypatch.setenv("COLUMNS", str(width))  # 240: one table, a column per field
    assert main(["kpis", "--lang", lang]) == 0
    out = capsys.readouterr().out
    _fits(out, width)
    assert ("┃ Fonction Excel" in out) is (width == 240)
    for kpi in catalog.KPIS:
        assert kpi.name(lang) in out
        for function in kpi.functions:
            assert function.excel_name + "(" in out
    assert "KPI_CLV(average_order_value, purchase_frequency, lifespan, [margin])" in out


def test_compute_table_fits_80_columns_with_its_year_to_date(tmp_path, capsys):
    shutil.copy(REAL_FEC, tmp_path / REAL_FEC.name)
    assert main(["compute", "--from", str(tmp_path), "--lang", "en"]) == 0
    out = capsys.readouterr().out
    _fits(out)
    for month in ("09/21", "12/21", "01/22", "08/22"):
        assert month in out
    assert "YTD" in out
    assert main(["compute", "--from", str(tmp_path), "--format", "json"]) == 0
    revenue = json.loads(capsys.readouterr().out)["months"][0]["revenue"]
    assert f"{revenue:,.0f}" in out  # September's revenue, in full


def test_compute_year_without_data_is_an_error(tmp_path, capsys):
    shutil.copy(REAL_FEC, tmp_path / REAL_FEC.name)
    assert main(["compute", "--from", str(tmp_path), "--year", "2019"]) == 2
    err = capsys.readouterr().err
    assert "no figure for the fiscal year 2019-09 to 2020-08" in err
    assert "2021-09 to 2022-08" in err and "Traceback" not in err


def test_batch_table_fits_80_columns_and_shows_failing_paths(tmp_path, capsys):
    portfolio = tmp_path / "a_portfolio_with_a_rather_long_name" / "clients"
    good, bad = portfolio / "good_client", portfolio / "client_with_a_broken_fec"
    for folder in (good, bad):
        folder.mkdir(parents=True)
    (good / "FEC.txt").write_text(HEADER + "\n" + "\n".join(ENTRIES) + "\n")
    (good / "notes.txt").write_text("relancer le client pour le FEC de décembre\n")
    (bad / "FEC.txt").write_text(HEADER + "\n" + ENTRIES[2].replace("20240105", "2024XX05"))
    out_dir = tmp_path / "reports"
    assert main(["batch", str(portfolio), "--out", str(out_dir), "--jobs", "1"]) == 1
    out = capsys.readouterr().out
    _fits(out.split("Warnings:")[0])  # the table; the warnings and messages below wrap
    assert f"{bad / 'FEC.txt'}, line 2, column 'EcritureDate'" in out
    assert "good_client.xlsx" in out and "1 filled, 0 up to date, 1 failed" in out
    assert "- good_client: notes.txt: skipped" in out  # the stray file did not stop the client
    assert main(["batch", str(portfolio), "--out", str(out_dir), "--format", "json"]) == 1
    statuses = {r["client"]: r["status"] for r in json.loads(capsys.readouterr().out)}
    assert statuses == {"client_with_a_broken_fec": "failed", "good_client": "skipped"}


# --------------------------------------------------------------------------- stray files


def test_stray_files_and_sub_folders_are_skipped_with_a_note(tmp_path, capsys):
    shutil.copy(REAL_FEC, tmp_path / REAL_FEC.name)
    (tmp_path / "notes.txt").write_text("appeler le comptable lundi\n", encoding="utf-8")
    (tmp_path / "bilan.pdf").write_bytes(b"%PDF-1.4")
    (tmp_path / "archive").mkdir()
    assert main(["compute", "--from", str(tmp_path), "--format", "json"]) == 0
    err = capsys.readouterr().err
    assert "notes.txt: skipped" in err and 'ignore = ["notes.txt"]' in err
    assert "bilan.pdf: skipped" in err and 'ignore = ["*.pdf"]' in err
    assert "archive/: sub-folder not read" in err
    (tmp_path / "kpi_xl.toml").write_text('ignore = ["notes.txt", "*.pdf", "archive"]\n')
    assert main(["compute", "--from", str(tmp_path), "--format", "json"]) == 0
    err = capsys.readouterr().err
    assert "read as fec" in err and "skipped" not in err and "sub-folder" not in err


def test_a_folder_with_no_export_still_fails_on_the_unknown_layout(tmp_path, capsys):
    (tmp_path / "notes.txt").write_text("appeler le comptable lundi\n", encoding="utf-8")
    assert main(["compute", "--from", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "notes.txt, line 1: unknown layout" in err and "Traceback" not in err


def test_kpis_reads_the_language_of_the_current_folders_config(tmp_path, monkeypatch, capsys):
    (tmp_path / "kpi_xl.toml").write_text('language = "fr"\n', encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert main(["kpis", "--format", "csv"]) == 0
    assert "Taux de conversion" in capsys.readouterr().out


def test_a_command_with_its_own_lang_default_gets_the_system_language(monkeypatch, capsys):
    monkeypatch.setenv("LANG", "fr_FR.UTF-8")
    assert main(["excel", "--list", "--format", "markdown"]) == 0
    assert "Complément classique" in capsys.readouterr().out
    assert main(["--lang", "en", "excel", "--list", "--format", "markdown"]) == 0
    assert "Classic add-in" in capsys.readouterr().out
