"""``kpi-xl excel``: the function table of the docs and the setup of each way in."""

from __future__ import annotations

from pathlib import Path

import pytest

from kpi_xl.cli import main
from kpi_xl.commands.excel import classic_config, install_command, markdown
from udfs import server
from udfs.functions import specs

ROOT = Path(__file__).resolve().parents[1]


def test_docs_function_table_is_generated_from_the_catalog():
    doc = (ROOT / "docs" / "excel_functions.md").read_text(encoding="utf-8")
    assert markdown("en") in doc, "stale: paste `kpi-xl excel --list --format markdown`"


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_list_shows_every_function_both_names(lang, capsys):
    assert main(["excel", "--list", "--format", "markdown", "--lang", lang]) == 0
    out = capsys.readouterr().out
    for spec in specs():
        assert f"`{spec.usage()}`" in out
        assert f"`{spec.usage('KPI.' + spec.short_name)}`" in out
        assert spec.summary(lang) in out


def test_overview_and_terminal_table(capsys):
    assert main(["excel"]) == 0
    out = capsys.readouterr().out
    assert "kpi-xl excel classic" in out and "=KPI.ROI" in out
    assert main(["excel", "--list"]) == 0
    assert "KPI_PAYBACK" in capsys.readouterr().out


@pytest.mark.parametrize("way", ["classic", "lite", "server"])
def test_each_way_has_its_own_help_with_an_example(way, capsys):
    with pytest.raises(SystemExit) as info:
        main(["excel", way, "--help"])
    assert info.value.code == 0
    out = capsys.readouterr().out
    assert f"kpi-xl excel {way} --out" in out and "--out DIR" in out


def test_steps_install_the_way_kpi_xl_was_installed(capsys):
    assert install_command() == f'python -m pip install "{ROOT}"'  # tests run from the clone
    assert main(["excel", "classic"]) == 0
    out = capsys.readouterr().out
    assert install_command() in out and "pip install kpi-xl" not in out


def test_classic_prints_and_writes_the_addin_settings(tmp_path, capsys):
    assert main(["excel", "classic", "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "UDF Modules:  udfs.classic" in out and "Import Functions" in out
    assert "Tools >" in out and "References" in out and "xlwings quickstart" in out
    assert "the text #DIV/0!" in out and "ISNUMBER" in out  # what an error looks like
    assert f"Wrote {tmp_path / 'xlwings.conf'}" in out
    conf = (tmp_path / "xlwings.conf").read_text(encoding="utf-8")
    assert '"UDF MODULES","udfs.classic"\n' in conf
    package_root = Path(classic_config()["PYTHONPATH"])
    assert (package_root / "udfs" / "classic.py").is_file()


def test_classic_without_out_writes_nothing(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main(["excel", "classic"]) == 0
    assert "Nothing written" in capsys.readouterr().out and not list(tmp_path.iterdir())


def test_lite_writes_a_personal_module_beside_the_users_code(tmp_path, capsys):
    assert main(["excel", "lite", "--out", str(tmp_path / "lite")]) == 0
    out = capsys.readouterr().out
    module = tmp_path / "lite" / "personal" / "kpi_xl_functions.py"
    assert f"Wrote {module}" in out and "Import/Export" in out and "Restart" in out
    assert "main.py" in out and "replace" not in out.lower()
    assert sorted(p.name for p in (tmp_path / "lite").rglob("*") if p.is_file()) == [module.name]
    text = module.read_text(encoding="utf-8")
    compile(text, module.name, "exec")
    assert "from udfs.custom_functions import *" in text


def test_lite_to_an_unwritable_place_is_a_clear_error(tmp_path, capsys):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    assert main(["excel", "lite", "--out", str(blocker / "lite")]) == 2
    err = capsys.readouterr().err
    assert "kpi-xl: error:" in err and "--out" in err and "Traceback" not in err


def test_server_names_version_and_licence_and_says_what_it_wrote(tmp_path, capsys):
    assert main(["excel", "server"]) == 0
    out = capsys.readouterr().out
    assert f"xlwings-server=={server.XLWINGS_SERVER_VERSION}" in out
    assert "PolyForm Noncommercial" in out and "paid licence key" in out
    assert "Nothing written" in out
    project = tmp_path / "srv"
    assert main(["excel", "server", "--out", str(project)]) == 0
    out = capsys.readouterr().out
    written = sorted(p.relative_to(project).as_posix() for p in project.rglob("*") if p.is_file())
    assert written == [
        ".env",
        "custom_functions/__init__.py",
        "custom_functions/kpi_xl_functions.py",
        "custom_scripts/__init__.py",
        "lifespan.py",
    ]
    for name in written:
        assert f"Wrote {project / name}" in out
    assert main(["excel", "server", "--out", str(project)]) == 0  # again: nothing to add
    assert "Add to" not in capsys.readouterr().out
