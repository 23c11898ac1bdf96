"""The hostile corpus (tests/hostile_corpus.py) through the real command line.

Every case: the exit code expected, a message naming the file (and line
and column where there is one), no traceback, no input changed (hash
before and after), no output but the expected ones, no temporary or lock
file left, and every output a valid workbook whose export texts stay text.
"""

from __future__ import annotations

import hashlib
import re
import zipfile
from pathlib import Path

import pytest
from hostile_corpus import CASES, INJECTIONS, Case

from kpi_xl.cli import main


def snapshot(root: Path) -> dict[str, str]:
    """Every file and folder under ``root`` (hidden ones too): its content hash or 'dir'."""
    out = {}
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root).as_posix()
        out[rel] = "dir" if path.is_dir() else hashlib.sha256(path.read_bytes()).hexdigest()
    return out


def formulas(path: Path) -> list[str]:
    """The text of every ``<f>`` formula element in a workbook's sheets."""
    with zipfile.ZipFile(path) as archive:
        assert archive.testzip() is None
        return [
            f.decode("utf-8")
            for name in archive.namelist()
            if name.startswith("xl/worksheets/sheet")
            for f in re.findall(rb"<f[^>]*>([^<]*)</f>", archive.read(name))
        ]


def check_outputs(root: Path, outputs: list[str]) -> None:
    for rel in outputs:
        found = formulas(root / rel)
        for text in INJECTIONS:
            assert not any(text[1:8] in f for f in found), (rel, text)


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_hostile_case(case: Case, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    setup = case.build(tmp_path)
    before = snapshot(tmp_path)
    code = main(setup.argv)
    stdout, stderr = capsys.readouterr()
    message = stdout + stderr
    assert code == setup.code, message
    assert "Traceback" not in message and "internal error" not in message, message
    for fragment in setup.says:
        assert fragment in message, (fragment, message)
    after = snapshot(tmp_path)
    changed = sorted(p for p in before if after.get(p) != before[p])
    assert not changed, f"inputs changed: {changed}"
    assert sorted(set(after) - set(before)) == sorted(setup.outputs), message
    check_outputs(tmp_path, setup.outputs)


def test_the_corpus_covers_every_kind_of_case() -> None:
    names = {c.name for c in CASES}
    assert len(names) == len(CASES)
    for kind in ("duplicate", "crc", "doctype", "inflating", "whole-sheet", "xlsm", "read-only",
                 "out-is", "config", "export"):  # fmt: skip
        assert any(kind in n for n in names), kind
