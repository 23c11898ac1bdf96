"""Where the test data lives: inside the repository, never beside it.

A clone with nothing next to it must pass its tests, so every sample a test reads sits under
``tests/data/`` (see ``tests/data/README.md`` for each file's origin and licence).
"""

from __future__ import annotations

from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"
REAL_FEC_DIR = DATA / "fec"
REAL_FEC = REAL_FEC_DIR / "0000000001FEC20220831.txt"
REAL_FEC_EXPECTED = REAL_FEC_DIR / "0000000001FEC20220831-expected.csv"


def official_figures() -> dict[str, float]:
    """The real FEC's official (liasse) figures by line code; blank lines left out.

    The codes are shifted from the official form (see ``tests/data/README.md``).
    """
    figures = {}
    for row in REAL_FEC_EXPECTED.read_text(encoding="utf-8").splitlines():
        code, _, value = row.partition(",")
        value = value.strip().rstrip(",").strip()
        if value:
            figures[code.strip()] = float(value)
    return figures
