"""Whether a workbook may be written now: lock files of an open workbook, and its backup name."""

from __future__ import annotations

from pathlib import Path

from kpi_xl.errors import WorkbookError


def lock_files(path: Path) -> list[Path]:
    """Lock files Excel (``~$name``) or LibreOffice (``.~lock.name#``) keep while it is open."""
    path = Path(path)
    candidates = [
        path.with_name("~$" + path.name),
        path.with_name("~$" + path.name[2:]),
        path.with_name(f".~lock.{path.name}#"),
    ]
    return [p for p in candidates if p.exists()]


def check_not_open(path: Path) -> None:
    """Refuse to write a workbook Excel or LibreOffice has open (its lock file exists)."""
    locks = lock_files(path)
    if locks:
        raise WorkbookError(
            path,
            f"the workbook is open (lock file {locks[0].name} next to it)",
            hint="close it in Excel or LibreOffice and run the command again "
            "(if it is not open, delete the lock file)",
        )


def backup_path(path: Path) -> Path:
    return Path(path).with_name(Path(path).name + ".bak")
