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
