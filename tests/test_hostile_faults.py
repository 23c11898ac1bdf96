"""Faults around the hostile corpus: concurrent refreshes, a held lock, a full disk.

Each test checks what the user sees (exit code, a message naming the file,
no traceback) and what stays on disk (the workbook and its backup as they
should be, no temporary or lock file).
"""

from __future__ import annotations

import errno
import os
import resource
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

import pytest
from hostile_corpus import WHOLE_SHEET, template_members, with_name, write_exports, write_zip

from kpi_xl.cli import main
from kpi_xl.errors import WorkbookError
from kpi_xl.workbook.write import locks, xlsx_package
from kpi_xl.workbook.write.names import MAX_NAME_CELLS, REF, range_cells, range_size

ROOT = Path(__file__).resolve().parents[1]


def leftovers(folder: Path) -> list[str]:
    """Temporary and lock files under ``folder``."""
    return sorted(p.name for p in folder.rglob("*") if p.name.endswith((".tmp", ".kpi-xl-lock")))


@pytest.fixture
def report(tmp_path: Path) -> tuple[Path, Path]:
    """A filled report (2025-01..09) and a copy of its exports with one month more of traffic."""
    exports = write_exports(tmp_path / "exp")
    book = tmp_path / "w.xlsx"
    assert main(["fill", "--from", str(exports), "--out", str(book)]) == 0
    ga4 = exports / "ga4_trafic.csv"
    ga4.write_text(ga4.read_text(encoding="utf-8") + "202510,1,2,1,1\n", encoding="utf-8")
    return book, exports


def _cli(*args: str, limit: int | None = None) -> subprocess.Popen[str]:
    def fsize() -> None:
        if limit is not None:
            resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen(
        [sys.executable, "-m", "kpi_xl", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        preexec_fn=fsize if limit is not None else None,
    )


def test_two_refreshes_at_once_keep_the_previous_version_in_the_backup(
    report: tuple[Path, Path],
) -> None:
    book, exports = report
    original = book.read_bytes()
    runs = [_cli("refresh", str(book), "--from", str(exports), "--lang", "en") for _ in range(2)]
    results = [(p.wait(60), *p.communicate()) for p in runs]
    for code, _, err in results:
        assert code == 0 and "Traceback" not in err, err
    said = "".join(out for _, out, _ in results)
    assert said.count("cells changed") == 1 and said.count("already up to date") == 1, said
    backup = book.with_name("w.xlsx.bak")
    assert backup.read_bytes() == original  # the previous version, not the refreshed one
    assert book.read_bytes() != original
    assert leftovers(book.parent) == []


def test_a_second_command_waits_then_refuses_naming_the_workbook(
    report: tuple[Path, Path],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    book, exports = report
    before = book.read_bytes()
    monkeypatch.setattr(locks, "LOCK_WAIT_SECONDS", 0.3)
    with locks.exclusive(book):  # another command holds it (flock: per open file)
        start = time.perf_counter()
        code = main(["refresh", str(book), "--from", str(exports)])
        waited = time.perf_counter() - start
    err = capsys.readouterr().err
    assert code == 2 and f"{book}: another kpi-xl command is writing this workbook" in err
    assert 0.3 <= waited < 5
    assert book.read_bytes() == before and not book.with_name("w.xlsx.bak").exists()
    assert leftovers(book.parent) == []


def test_the_lock_is_free_again_after_an_error(report: tuple[Path, Path]) -> None:
    book, _ = report
    with pytest.raises(RuntimeError), locks.exclusive(book):
        raise RuntimeError("boom")
    with locks.exclusive(book, wait=0):
        assert locks.lock_path(book).exists()
    assert not locks.lock_path(book).exists()


def _full_disk_on(monkeypatch: pytest.MonkeyPatch, suffix: str) -> None:
    """Writes of temporary files for ``*suffix`` fail as on a full disk (no file name)."""
    real = os.fsync

    def fsync(fd: int) -> None:
        if f"{suffix}." in Path(os.readlink(f"/proc/self/fd/{fd}")).name:  # .<name>.<rnd>.tmp
            raise OSError(errno.ENOSPC, "No space left on device")
        real(fd)

    monkeypatch.setattr(os, "fsync", fsync)


def test_a_full_disk_names_the_report_and_leaves_no_temporary(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    exports = write_exports(tmp_path / "exp")
    out = tmp_path / "r.xlsx"
    _full_disk_on(monkeypatch, ".xlsx")
    assert main(["fill", "--from", str(exports), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert f"{out}: could not be written (No space left on device)" in err
    assert "None" not in err and "free some space" in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["exp"]


def test_a_full_disk_during_the_backup_names_it_and_changes_nothing(
    report: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    book, exports = report
    before = book.read_bytes()
    _full_disk_on(monkeypatch, ".bak")
    assert main(["refresh", str(book), "--from", str(exports)]) == 2
    assert f"{book}.bak: could not be written (No space left on device)" in capsys.readouterr().err
    assert book.read_bytes() == before
    assert not book.with_name("w.xlsx.bak").exists() and leftovers(book.parent) == []


def test_a_full_disk_in_batch_names_the_report_in_the_summary(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    write_exports(tmp_path / "clients" / "acme")
    _full_disk_on(monkeypatch, "acme.xlsx")
    reports = tmp_path / "reports"
    argv = ["batch", str(tmp_path / "clients"), "--out", str(reports), "--jobs", "1"]
    assert main(argv) == 1
    summary = (reports / "batch_summary.csv").read_text(encoding="utf-8-sig")
    assert f"{reports / 'acme.xlsx'}: could not be written (No space left on device)" in summary
    assert "None:" not in summary + capsys.readouterr().out
    overview = {"portfolio.xlsx", "portefeuille.xlsx", ".kpi_xl_portfolio.json"}
    assert {p.name for p in reports.iterdir()} - overview == {"batch_summary.csv"}


def test_a_file_size_limit_in_a_real_process_leaves_no_backup_temporary(
    report: tuple[Path, Path],
) -> None:
    book, exports = report
    before = book.read_bytes()
    run = _cli("refresh", str(book), "--from", str(exports), limit=len(before) // 2)
    code, _, err = run.wait(60), *run.communicate()
    assert code == 2, err
    assert f"{book}.bak: could not be written (File too large)" in err and "Traceback" not in err
    assert book.read_bytes() == before and leftovers(book.parent) == []


def test_a_whole_sheet_name_is_sized_never_listed(tmp_path: Path) -> None:
    match = REF.match(WHOLE_SHEET)
    assert match is not None
    assert range_size(match) == 16_384 * 1_048_576
    assert range_cells(match) is None
    small = REF.match("'Saisies'!$B$2:$M$2")
    assert small is not None and range_cells(small) == tuple((2, c) for c in range(2, 14))
    assert range_size(small) <= MAX_NAME_CELLS
    template = write_zip(tmp_path / "t.xlsx", with_name(template_members(), "Tout", WHOLE_SHEET))
    exports = write_exports(tmp_path / "exp")
    tracemalloc.start()
    start = time.perf_counter()
    argv = ["fill", "--from", str(exports), "--template", str(template)]
    assert main([*argv, "--out", str(tmp_path / "r.xlsx")]) == 0
    seconds = time.perf_counter() - start
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert seconds < 10 and peak < 200 * 2**20  # was 25 s and 5.5 GB, then MemoryError


def test_a_member_inflating_past_its_size_is_stopped_after_one_chunk(tmp_path: Path) -> None:
    members = template_members()
    big = xlsx_package.replaced(members[-1], b"\0" * (64 * 2**20))
    lie = xlsx_package.Member(big.name, big.method, big.crc, 10, big.raw, big.date_time)
    path = write_zip(tmp_path / "t.xlsx", [*members[:-1], lie])
    tracemalloc.start()
    with pytest.raises(WorkbookError, match=r"app\.xml' inflates to more than it declares"):
        xlsx_package.read_members(path)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert peak < 16 * 2**20  # 64 MB never held whole: the check streams


def test_an_output_equal_to_an_input_is_refused_before_reading_anything(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    exports = write_exports(tmp_path / "exp")
    config = exports / "kpi_xl.toml"
    before = config.read_bytes()
    argv = ["fill", "--from", str(exports), "--config", str(config), "--out", str(config)]
    assert main(argv) == 2
    assert f"{config}: would be written inside the exports folder" in capsys.readouterr().err
    assert config.read_bytes() == before
