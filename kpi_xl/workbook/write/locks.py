"""Whether a workbook may be written now: open in Excel, locked by another kpi-xl, its backup.

One locking rule for every write (:func:`exclusive`): a command that
writes a workbook (a whole refresh, from reading it to its backup and
save; a fill or a batch report over its output) holds an exclusive lock
on it.  A second command on the same file waits up to
:data:`LOCK_WAIT_SECONDS`, then refuses with a message naming the file.

Why ``fcntl.flock`` (``msvcrt.locking`` on Windows) on a hidden file next to
the workbook, and not the ``filelock`` package: the operating system drops
the lock when a process dies (``kill -9`` never leaves a stale lock), the
lock file is removed when the command ends, and no dependency is added.
The lock is not taken on the workbook itself because a refresh replaces
it with a new file (``os.replace``), and Windows cannot replace a file
another handle holds open.
"""

from __future__ import annotations

import contextlib
import os
import sys
import time
from collections.abc import Iterator
from pathlib import Path

from kpi_xl.errors import WorkbookError

#: How long a second command on the same workbook waits before refusing.
LOCK_WAIT_SECONDS = 10.0
_POLL_SECONDS = 0.05


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


def lock_path(path: Path) -> Path:
    """The hidden file whose lock guards ``path``: ``.<name>.kpi-xl-lock`` next to it."""
    path = Path(path).resolve()
    return path.with_name(f".{path.name}.kpi-xl-lock")


@contextlib.contextmanager
def exclusive(path: Path, wait: float | None = None) -> Iterator[None]:
    """Hold the exclusive kpi-xl lock of ``path`` for the ``with`` block.

    Waits up to ``wait`` seconds (default :data:`LOCK_WAIT_SECONDS`) for
    another kpi-xl command writing the same file, then raises
    :class:`~kpi_xl.errors.WorkbookError` naming it.  The lock file is
    deleted on the way out.
    """
    lock = lock_path(path)
    deadline = time.monotonic() + (LOCK_WAIT_SECONDS if wait is None else wait)
    while (fd := _try_lock(Path(path), lock)) is None:
        if time.monotonic() >= deadline:
            raise WorkbookError(
                path,
                "another kpi-xl command is writing this workbook "
                f"(still busy after {LOCK_WAIT_SECONDS if wait is None else wait:g} s)",
                hint="wait for it to finish, then run the command again (if none is "
                f"running, delete the hidden file {lock.name} next to it)",
            )
        time.sleep(_POLL_SECONDS)
    try:
        yield
    finally:
        _release(fd, lock)


def _try_lock(path: Path, lock: Path) -> int | None:
    """An open, locked descriptor of ``lock``, or None when another process holds it."""
    try:
        fd = os.open(lock, os.O_RDWR | os.O_CREAT, 0o600)
    except OSError as exc:
        raise WorkbookError(
            path,
            f"cannot create the lock file {lock.name} next to it ({exc.strerror})",
            hint=f"check that the folder {lock.parent} exists and is writable",
        ) from None
    try:
        _lock(fd)
    except OSError:
        os.close(fd)
        return None
    try:  # the previous holder may have deleted the file we locked: lock the current one
        current = os.stat(lock)
    except FileNotFoundError:
        current = None
    if current is None or not os.path.samestat(current, os.fstat(fd)):
        os.close(fd)
        return None
    return fd


def _release(fd: int, lock: Path) -> None:
    if sys.platform != "win32":
        with contextlib.suppress(OSError):
            os.unlink(lock)  # still locked: a waiter then sees the file changed, and retries
        os.close(fd)
    else:  # Windows cannot delete an open file: close first
        os.close(fd)
        with contextlib.suppress(OSError):
            os.unlink(lock)


if sys.platform == "win32":
    import msvcrt

    def _lock(fd: int) -> None:
        msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)

else:
    import fcntl

    def _lock(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
