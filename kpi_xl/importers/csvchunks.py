"""A big CSV file cut into chunks at line ends outside quoted text.

Polars then parses each chunk as it would parse the whole file, and the
whole text is never in memory at once (see :mod:`kpi_xl.importers.orders_fast`).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO


def split(path: Path, size: int) -> Iterator[tuple[bytes, bool]]:
    """The file in chunks of about ``size`` bytes, each with whether it is the last.

    Each chunk ends at a line end outside quoted text (an even number of quotes
    before it), so polars reads the chunks one after the other as it reads the
    whole file; the last chunk also holds the blank lines that end the file.
    """
    with open(path, "rb") as handle:
        content_end = _content_end(handle)
        start, wanted = 0, size
        while True:
            handle.seek(start)
            block = handle.read(wanted)
            if start + len(block) >= content_end:
                yield block + handle.read(), True
                return
            cut = line_end(block)
            if not cut:  # a record longer than a batch (or quoted text over many lines)
                wanted *= 2
                continue
            chunk = block[:cut] if cut < len(block) else block
            del block
            yield chunk, False
            start, wanted = start + cut, size


def quoted_separator(batch: bytes, separator: bytes) -> bool:
    """Whether a separator lies inside quoted text (``batch`` starts outside quotes)."""
    return b'"' in batch and any(separator in text for text in batch.split(b'"')[1::2])


def _content_end(handle: BinaryIO) -> int:
    """Where the file's content ends: its last bytes that are not CR or LF."""
    size = handle.seek(0, 2)
    handle.seek(max(0, size - 65536))
    tail = handle.read()
    return size - (len(tail) - len(tail.rstrip(b"\r\n")))


def line_end(block: bytes) -> int:
    """Where the last line of ``block`` ending outside quoted text ends (0: none does).

    Quoted text is what lies between an odd quote and the next one (a doubled
    quote inside it counts twice), as polars counts records.
    """
    end = block.rfind(b"\n") + 1
    if b'"' not in block:
        return end
    quotes = block.count(b'"', 0, end)
    while end and quotes % 2:
        previous = block.rfind(b"\n", 0, end - 1) + 1
        quotes -= block.count(b'"', previous, end)
        end = previous
    return end
