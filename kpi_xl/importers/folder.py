"""Which files of a client's folder are exports to read (the others get a note)."""

from __future__ import annotations

import fnmatch
import hashlib
from pathlib import Path

from kpi_xl.config import CONFIG_NAME, Config
from kpi_xl.errors import InputFileError
from kpi_xl.importers.recognise import UnknownLayoutError, sniff

TEXT_SUFFIXES = {".csv", ".txt", ".tsv", ".tab"}


def export_files(folder: Path, config: Config) -> tuple[list[Path], list[str]]:
    """The files of the folder to read, and a note for each one skipped.

    A file that is not an export (a note, a PDF, a header no reader knows)
    is skipped with a note saying how to leave it out silently, so one stray
    file does not stop the folder; when no file at all is an export, the
    first unknown layout is the error, with the layouts kpi_xl expects.
    Sub-folders are not read: a note says so.  What the config's ``ignore``
    patterns match is left out without a word.
    """
    if not folder.is_dir():
        raise InputFileError(folder, "not a folder", expected="a folder of exports")
    files, skipped, unknown = [], [], []
    for path in sorted(folder.iterdir()):
        if path.name.startswith((".", "~$")) or path.name == CONFIG_NAME:
            continue
        if any(fnmatch.fnmatch(path.name, pattern) for pattern in config.ignore):
            continue  # the user said so: no note
        if path.is_dir():
            skipped.append(
                f"{path.name}/: sub-folder not read (only the files directly in "
                f"{folder.name or folder} are); {_IGNORE_HINT.format(name=path.name)}"
            )
        elif not path.is_file():
            continue
        elif path.suffix.lower() not in TEXT_SUFFIXES:
            skipped.append(
                f"{path.name}: skipped, only .csv, .txt and .tsv exports are read; "
                + _IGNORE_HINT.format(name=_pattern(path))
            )
        else:
            try:
                sniff(path, config)
            except UnknownLayoutError as exc:
                unknown.append(exc)
                skipped.append(
                    f"{path.name}: skipped, its header matches no export kpi_xl reads (if it "
                    "is one, map its columns in kpi_xl.toml: see docs/importers.md); "
                    + _IGNORE_HINT.format(name=path.name)
                )
                continue
            files.append(path)
    if unknown and not files:
        raise unknown[0]
    return files, skipped


_IGNORE_HINT = 'to leave it out without this note, add ignore = ["{name}"] to kpi_xl.toml'


def _pattern(path: Path) -> str:
    """The ignore pattern of a file's kind: ``*.pdf``."""
    return f"*{path.suffix}" if path.suffix else path.name


def refuse_identical(files: list[Path]) -> None:
    """Two files with the same bytes (``FEC.txt`` and ``FEC (1).txt``) would count twice."""
    by_size: dict[int, list[Path]] = {}
    for path in files:
        by_size.setdefault(path.stat().st_size, []).append(path)
    seen: dict[str, Path] = {}
    for group in (g for g in by_size.values() if len(g) > 1):
        for path in group:
            digest = hashlib.sha256(path.read_bytes()).hexdigest()
            if digest in seen:
                raise InputFileError(
                    path,
                    f"the same file as {seen[digest].name}: its figures would count twice",
                    hint=f"remove one of {seen[digest].name} and {path.name} from the folder "
                    "(or list one under ignore in kpi_xl.toml)",
                )
            seen[digest] = path
