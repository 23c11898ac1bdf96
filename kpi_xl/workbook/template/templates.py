"""The bundled template workbooks: where they are, how they are (re)built and checked.

In a source checkout (or an editable install) the templates are the files
committed under ``workbook_templates/``.  A regular ``pip install .`` does not
ship that folder, so :func:`template_path` then builds the template once into
``~/.cache/kpi_xl/<version>/`` with the same builder: the files are
byte-identical either way.
"""

from __future__ import annotations

import os
import tempfile
import zipfile
from pathlib import Path

from kpi_xl import __version__, catalog
from kpi_xl.errors import KpiValueError
from kpi_xl.workbook.template.builder import build_workbook

#: The repository's template folder (exists in a checkout / editable install).
REPO_DIR = Path(__file__).resolve().parents[3] / "workbook_templates"


def default_out_dir() -> Path:
    """Where ``kpi-xl templates build`` writes: the repository's folder in a checkout,
    else ``workbook_templates`` in the current folder (never inside site-packages)."""
    if (REPO_DIR.parent / "pyproject.toml").is_file():
        return REPO_DIR
    return Path.cwd() / "workbook_templates"


def template_name(lang: str) -> str:
    """File name of the template in ``lang``: ``monthly_kpi_fr.xlsx``."""
    if lang not in catalog.LANGS:
        raise KpiValueError("lang", f"must be one of {', '.join(catalog.LANGS)}, not {lang!r}")
    return f"monthly_kpi_{lang}.xlsx"


def cache_dir() -> Path:
    """Where templates are built when the repository folder is absent."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "kpi_xl" / __version__


def template_path(lang: str = "fr") -> Path:
    """The bundled template in ``lang`` (``"fr"`` or ``"en"``), built on first use if needed.

    >>> template_path("en").name
    'monthly_kpi_en.xlsx'
    """
    name = template_name(lang)
    bundled = REPO_DIR / name
    if bundled.is_file():
        return bundled
    cached = cache_dir() / name
    if not cached.is_file():
        _build_atomically(cached, lang)
    return cached


def _build_atomically(path: Path, lang: str) -> None:
    """Build next to ``path`` then rename, so a crash or a parallel run never leaves half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(suffix=".xlsx", dir=path.parent)
    os.close(fd)
    try:
        build_workbook(Path(tmp), lang)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def build_templates(out_dir: Path = REPO_DIR) -> list[Path]:
    """Build every language's template into ``out_dir``; return their paths."""
    out = Path(out_dir)
    return [build_workbook(out / template_name(lang), lang) for lang in catalog.LANGS]


def stale_templates(folder: Path = REPO_DIR) -> list[Path]:
    """Templates in ``folder`` that differ from a fresh build (or are missing)."""
    stale = []
    with tempfile.TemporaryDirectory() as tmp:
        for fresh in build_templates(Path(tmp)):
            committed = Path(folder) / fresh.name
            if not committed.is_file() or _parts(committed) != _parts(fresh):
                stale.append(committed)
    return stale


def _parts(path: Path) -> list[tuple[str, bytes]] | None:
    """A workbook's zip members and their content (not the compressed bytes, which
    depend on the zlib build); None when it is not a zip."""
    try:
        with zipfile.ZipFile(path) as archive:
            return [(info.filename, archive.read(info)) for info in archive.infolist()]
    except zipfile.BadZipFile:
        return None
