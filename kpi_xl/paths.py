"""One check for every file kpi_xl writes: never an input, never a folder, a name Excel opens.

Every command that writes a workbook (``fill``, ``refresh``, ``demo``,
``batch``, ``templates build``) asks :func:`check_output` first, so the
rules hold everywhere at once:

* an output is never an input: not the exports folder nor anything inside
  it, not the config file, not the template (hard links and symbolic links
  included), and a refresh's backup (``<name>.bak``) is none of them either;
* an existing folder is not a file name (:func:`report_path` puts the report
  inside it when the command allows that);
* the extension says what the file holds: ``.xlsx``, or ``.xlsm`` for a
  workbook with macros (a macro template keeps its macros, so its reports
  are ``.xlsm``; an ``.xls`` name would hold xlsx content Excel refuses);
* a read-only file (``chmod 444``, Windows' Read-only box) is respected:
  refused, never replaced;
* a workbook Excel or LibreOffice has open is not written.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable
from pathlib import Path

from kpi_xl.errors import WorkbookError
from kpi_xl.workbook.write.locks import backup_path, check_not_open
from kpi_xl.workbook.write.xlsx_package import macro_enabled, package_kind

#: What each extension must hold: False an xlsx without macros, True one with macros.
SUFFIXES = {".xlsx": False, ".xlsm": True}


def check_output(
    out: Path,
    inputs: Iterable[Path | None] = (),
    *,
    template: Path | None = None,
    backup: bool = False,
    missing_folder_ok: bool = False,
) -> None:
    """Refuse to write ``out`` when it would break one of the module's rules.

    Parameters
    ----------
    out : Path
        The workbook about to be written.
    inputs : paths
        Files and folders read by the command (exports folder, config,
        template); ``None`` entries are skipped.
    template : Path, optional
        The template ``out`` is made from: its macros decide the extension.
    backup : bool
        ``out`` is refreshed in place and ``<out>.bak`` will be written too.
    missing_folder_ok : bool
        The command creates ``out``'s folder (``templates build``).

    Raises
    ------
    WorkbookError
        Naming ``out`` (or the backup), the rule broken and what to do.
    """
    out = Path(out)
    if out.is_dir():
        raise WorkbookError(out, "is a folder, not a workbook file",
                            hint="give a file name ending in .xlsx")  # fmt: skip
    given = [Path(p) for p in inputs if p is not None]
    targets = [out, backup_path(out)] if backup else [out]
    for target in targets:
        if target != out and target.is_dir():
            raise WorkbookError(target, "the backup of the workbook would replace this folder",
                                hint="rename or move the folder, or use --no-backup")  # fmt: skip
        _check_not_input(target, given)
    _check_suffix(out, template)
    if not missing_folder_ok and not out.parent.is_dir():
        raise WorkbookError(
            out,
            f"the folder {out.parent} does not exist",
            hint="create it first, or choose --out in an existing folder",
        )
    _check_writable(out)
    check_not_open(out)


def report_path(out: Path, name: str, template: Path | None = None) -> tuple[Path, str | None]:
    """Where ``--out`` asks a report to go, and a note when it is not ``out`` itself.

    An existing folder gets the report inside it, named ``<name>.xlsx``
    (what ``batch`` names a client's report: the exports folder's name); a
    name without an extension gets ``.xlsx`` (``.xlsm`` for a macro
    template).  Any other name is kept as it is, for :func:`check_output`.
    """
    out = Path(out)
    suffix = ".xlsm" if template is not None and macro_enabled(template) else ".xlsx"
    if out.is_dir():
        target = out / f"{name or 'rapport_kpi'}{suffix}"
        return target, f"{out} is a folder: the report is written inside it, as {target.name}"
    if not out.suffix:
        return out.with_name(out.name + suffix), None
    return out, None


def check_output_folder(folder: Path) -> None:
    """Refuse a folder to write into that is a file (``demo --out``, ``batch --out``...)."""
    folder = Path(folder)
    if folder.exists() and not folder.is_dir():
        raise WorkbookError(folder, "is a file, not a folder",
                            hint="give the name of a folder (it is created if needed)")  # fmt: skip


def _check_suffix(out: Path, template: Path | None) -> None:
    suffix = out.suffix.lower()
    if template is not None and package_kind(template).startswith(".xlt"):
        raise WorkbookError(
            template,
            "is an Excel template (.xltx/.xltm), whose content type Excel refuses in a workbook",
            hint="open it in Excel and save it as an Excel Workbook (.xlsx, or .xlsm with "
            "macros), then give that file to --template",
        )
    macros = template is not None and macro_enabled(template)
    wanted = ".xlsm" if macros else ".xlsx"
    if suffix not in SUFFIXES:
        raise WorkbookError(
            out,
            f"kpi-xl writes {wanted} workbooks; a file named {out.suffix or 'without extension'} "
            f"would hold {wanted} content that Excel refuses to open",
            hint=f"name it {out.stem}{wanted}",
        )
    if SUFFIXES[suffix] != macros:
        why = (
            "the template has macros (a VBA project): its reports keep them, and Excel opens "
            "a workbook with macros only as .xlsm"
            if macros
            else "the template has no macros, and Excel refuses an .xlsm without them"
        )
        raise WorkbookError(out, f"wrong extension: {why}", hint=f"name it {out.stem}{wanted}")


def _same(a: Path, b: Path) -> bool:
    """Whether two paths are one file or folder (links and other spellings included)."""
    try:
        return a.resolve() == b.resolve() or (a.exists() and b.exists() and a.samefile(b))
    except OSError:
        return False


def _check_not_input(out: Path, inputs: list[Path]) -> None:
    for given in inputs:
        if given.is_dir():
            inside = out.resolve().is_relative_to(given.resolve()) or _same(out.parent, given)
            if inside:
                raise WorkbookError(
                    out,
                    f"would be written inside the exports folder {given}",
                    hint="choose --out outside the folder given to --from "
                    "(exports are never written)",
                )
        elif _same(out, given):
            raise WorkbookError(
                out,
                "is an input of the command (the config or template): writing it would destroy it",
                hint="choose another --out; kpi-xl never writes over a file it reads",
            )


def _check_writable(out: Path) -> None:
    """A read-only file is the user's decision: refuse instead of replacing it."""
    try:
        mode = out.stat().st_mode
    except FileNotFoundError:
        return
    if not mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH) or not os.access(out, os.W_OK):
        raise WorkbookError(
            out,
            "the file is read-only: kpi-xl does not replace it",
            hint="make it writable (chmod u+w, or untick Read-only in its Properties) and "
            "run the command again, or write elsewhere",
        )
