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
from kpi_xl.errors import KpiValueError, WorkbookError
from kpi_xl.workbook.contract import MAX_MONTHS, N_MONTHS
from kpi_xl.workbook.template.builder import build_workbook

#: The repository's template folder (exists in a checkout / editable install).
REPO_DIR = Path(__file__).resolve().parents[3] / "workbook_templates"


def default_out_dir() -> Path:
    """Where ``kpi-xl templates build`` writes: the repository's folder in a checkout,
    else ``workbook_templates`` in the current folder (never inside site-packages)."""
    if (REPO_DIR.parent / "pyproject.toml").is_file():
        return REPO_DIR
    return Path.cwd() / "workbook_templates"


def template_name(lang: str, n_months: int = N_MONTHS) -> str:
    """File name of the template in ``lang``: ``monthly_kpi_fr.xlsx`` (12 months),
    ``monthly_kpi_fr_13m.xlsx`` (an exercise of 13 months)."""
    if lang not in catalog.LANGS:
        raise KpiValueError("lang", f"must be one of {', '.join(catalog.LANGS)}, not {lang!r}")
    if not 1 <= n_months <= MAX_MONTHS:
        raise KpiValueError("n_months", f"must be 1 to {MAX_MONTHS}, not {n_months}")
    return (
        f"monthly_kpi_{lang}.xlsx"
        if n_months == N_MONTHS
        else f"monthly_kpi_{lang}_{n_months}m.xlsx"
    )


def cache_dir() -> Path:
    """Where templates are built when the repository folder is absent."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "kpi_xl" / __version__


def template_path(lang: str = "fr", n_months: int = N_MONTHS) -> Path:
    """The bundled template in ``lang`` (``"fr"`` or ``"en"``), built on first use if needed.

    The 12-month templates are committed; one of another length (an
    exercise of 13 to 24 months, or a short one) is built once into the
    cache folder, like the 12-month ones outside a checkout.

    >>> template_path("en").name
    'monthly_kpi_en.xlsx'
    """
    name = template_name(lang, n_months)
    bundled = REPO_DIR / name
    if bundled.is_file():
        return bundled
    cached = cache_dir() / name
    if not cached.is_file():
        try:
            _build_atomically(cached, lang, n_months)
        except OSError as exc:
            raise WorkbookError(
                cached.parent,
                f"cannot build the bundled template {name} here ({exc.strerror or exc})",
                hint="kpi_xl builds its templates once into this cache folder: set "
                "XDG_CACHE_HOME to a folder you can write to, or give your own --template",
            ) from exc
    return cached


def is_bundled(path: Path) -> bool:
    """Whether ``path`` is one of the bundled templates (any length), not a user's own."""
    path = Path(path).resolve()
    folders = {REPO_DIR.resolve(), cache_dir().resolve()}
    names = {template_name(lang, n) for lang in catalog.LANGS for n in range(1, MAX_MONTHS + 1)}
    return path.parent in folders and path.name in names


def _build_atomically(path: Path, lang: str, n_months: int = N_MONTHS) -> None:
    """Build next to ``path`` then rename, so a crash or a parallel run never leaves half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(suffix=".xlsx", dir=path.parent)
    os.close(fd)
    try:
        build_workbook(Path(tmp), lang, n_months=n_months)
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
