"""Assemble README.md from its generated parts, or check that it is current.

README.md holds the whole user documentation. The parts that have a source
elsewhere are generated, never edited by hand:

* ``<!-- include: docs/NAME.md -->`` ... ``<!-- end include -->``: the
  section written next to the code it documents, headings shifted so that
  its top heading is a level-2 heading of the README;
* ``<!-- generated: kpis -->`` ... ``<!-- end generated -->``: the KPI table
  of the catalog (``kpi-xl kpis --format markdown``).

Usage: ``python scripts/readme.py`` rewrites README.md; ``--check`` exits 1
when it is stale (the test suite runs the check).
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BLOCK = re.compile(
    r"(?P<open><!-- (?P<kind>include|generated): (?P<arg>\S+) -->\n)"
    r"(?P<body>.*?)"
    r"(?P<close><!-- end (?P=kind) -->)",
    re.DOTALL,
)


def shift_headings(text: str, top: int = 2) -> str:
    """Shift Markdown headings (outside code fences) so the highest one is level ``top``."""
    lines = text.splitlines()
    fenced, levels = False, []
    for line in lines:
        if line.startswith("```"):
            fenced = not fenced
        elif not fenced and (m := re.match(r"(#+) ", line)):
            levels.append(len(m.group(1)))
    shift = top - min(levels) if levels else 0
    out, fenced = [], False
    for line in lines:
        if line.startswith("```"):
            fenced = not fenced
        elif not fenced and re.match(r"#+ ", line):
            line = "#" * shift + line if shift > 0 else line[-shift:]
        out.append(line)
    return "\n".join(out).strip() + "\n"


def relink(text: str, folder: Path) -> str:
    """Make a doc's relative links and images relative to the README."""

    def fix(m: re.Match[str]) -> str:
        target = m["target"]
        if re.match(r"[a-z]+:|#|/", target):
            return m[0]
        return f"]({(folder / target).relative_to(ROOT).as_posix()})"

    return re.sub(r"\]\((?P<target>[^)\s]+)\)", fix, text)


def generated(name: str) -> str:
    if name == "kpis":
        from kpi_xl.commands.kpis import markdown

        return markdown("en")
    raise SystemExit(f"unknown generated block {name!r}")


def assemble(readme: str) -> str:
    def fill(m: re.Match[str]) -> str:
        if m["kind"] == "include":
            source = ROOT / m["arg"]
            body = relink(shift_headings(source.read_text(encoding="utf-8")), source.parent)
        else:
            body = generated(m["arg"])
        return m["open"] + body + m["close"]

    return BLOCK.sub(fill, readme)


def main(argv: list[str]) -> int:
    path = ROOT / "README.md"
    current = path.read_text(encoding="utf-8")
    fresh = assemble(current)
    if "--check" in argv:
        if fresh != current:
            print("README.md is stale: run `python scripts/readme.py`", file=sys.stderr)
            return 1
        return 0
    path.write_text(fresh, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
