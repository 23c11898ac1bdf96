"""``kpi-xl excel``: the function table of the docs and the setup of each way in."""

from __future__ import annotations

from pathlib import Path

import pytest

from kpi_xl.cli import main
from kpi_xl.commands.excel import classic_config, markdown
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


def test_classic_prints_and_writes_the_addin_settings(tmp_path, capsys):
    assert main(["excel", "classic", "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "UDF Modules:  udfs.classic" in out and "Import Functions" in out
    conf = (tmp_path / "xlwings.conf").read_text(encoding="utf-8")
    assert '"UDF MODULES","udfs.classic"\n' in conf
    package_root = Path(classic_config()["PYTHONPATH"])
    assert (package_root / "udfs" / "classic.py").is_file()


def test_lite_writes_main_and_requirements(tmp_path, capsys):
    assert main(["excel", "lite", "--out", str(tmp_path / "lite")]) == 0
    assert "main.py" in capsys.readouterr().out
    main_py = (tmp_path / "lite" / "main.py").read_text(encoding="utf-8")
    compile(main_py, "main.py", "exec")  # pasted as is into Lite's editor
    assert "from udfs.custom_functions import *" in main_py
    assert "numpy" in (tmp_path / "lite" / "requirements.txt").read_text(encoding="utf-8")


def test_lite_to_an_unwritable_place_is_a_clear_error(tmp_path, capsys):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    assert main(["excel", "lite", "--out", str(blocker / "lite")]) == 2
    err = capsys.readouterr().err
    assert "kpi-xl: error:" in err and "--out" in err and "Traceback" not in err


def test_server_names_the_module_and_the_licence(capsys):
    assert main(["excel", "server"]) == 0
    out = capsys.readouterr().out
    assert "from udfs.custom_functions import *" in out
    assert 'XLWINGS_FUNCTIONS_NAMESPACE="KPI"' in out and "PolyForm Noncommercial" in out
