"""`kpi-xl templates build` writes into the checkout, or the current folder: never site-packages."""

from __future__ import annotations

from pathlib import Path

import pytest

from kpi_xl.workbook.template import templates


def test_checkout_builds_into_the_repository():
    assert templates.default_out_dir() == templates.REPO_DIR


def test_installed_package_builds_into_the_current_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = tmp_path / "site-packages"
    monkeypatch.setattr(templates, "REPO_DIR", site / "workbook_templates")
    monkeypatch.chdir(tmp_path)
    assert templates.default_out_dir() == tmp_path / "workbook_templates"
