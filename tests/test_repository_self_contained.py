"""A clone with nothing beside it passes its tests: nothing reads above the repository root."""

from __future__ import annotations

import re
from pathlib import Path

from samples import REAL_FEC, REAL_FEC_EXPECTED

ROOT = Path(__file__).resolve().parents[1]
# Ways a file can reach outside the repository: a parent beyond the root, or "..".
OUTSIDE = [re.compile(r"parents\[(\d+)\]"), re.compile(r"\.\./")]


def _outside_references(path: Path, root: Path = ROOT) -> list[str]:
    depth = len(path.relative_to(root).parents) - 1  # parents from the file to the root
    found = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        for pattern in OUTSIDE:
            for match in pattern.finditer(line):
                if pattern.groups and int(match.group(1)) <= depth:
                    continue  # parents[k] that stays inside the repository
                found.append(f"{path.relative_to(root)}:{number}: {line.strip()}")
    return found


def test_no_test_script_or_bench_reads_above_the_repository() -> None:
    me = Path(__file__).resolve()
    files = [
        p
        for folder in ("tests", "bench", "scripts", ".ci")
        for p in sorted((ROOT / folder).rglob("*"))
        if p.suffix in {".py", ".sh", ""} and p.is_file() and p != me and "data" not in p.parts
    ]
    assert files
    problems = [line for path in files for line in _outside_references(path)]
    assert problems == []


def test_the_check_sees_a_path_above_the_root(tmp_path: Path) -> None:
    """The check itself can fail: a bench climbing above its clone is caught."""
    probe = tmp_path / "bench" / "probe.py"  # a clone at tmp_path, never the real one
    probe.parent.mkdir()
    probe.write_text(
        'INSIDE = Path(__file__).resolve().parents[1] / "tests"\n'
        'ABOVE = Path(__file__).resolve().parents[2] / "samples"\n'
        'RELATIVE = Path("../samples")\n'
    )
    found = _outside_references(probe, tmp_path)
    assert [line.split(":")[1] for line in found] == ["2", "3"]


def test_the_real_fec_sample_is_in_the_repository() -> None:
    assert REAL_FEC.stat().st_size == 685_338
    assert REAL_FEC_EXPECTED.is_file()
    assert (REAL_FEC.parent / "LICENSE").read_text(encoding="utf-8").startswith("MIT")


def test_no_text_file_keeps_merge_conflict_markers() -> None:
    folders = ("kpi_xl", "udfs", "tests", "docs", "scripts", "bench")
    files = [*ROOT.glob("*.md"), *ROOT.glob("*.toml")]
    files += [
        f for d in folders for f in (ROOT / d).rglob("*") if f.suffix in {".py", ".md", ".sh"}
    ]
    marker = re.compile(r"^(<{7} |>{7} |={7}$)", re.MULTILINE)
    found = [f for f in files if marker.search(f.read_text(encoding="utf-8"))]
    assert len(files) > 50 and found == []
