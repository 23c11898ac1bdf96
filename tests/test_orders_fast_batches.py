"""The polars path reads a big orders export in batches of bytes: the result is still the
general reader's, wherever the batches end.

The batches are made tiny here (a few bytes to a few lines) so that a small file
has boundaries everywhere: inside an order's rows, exactly at a line end, between
the CR and the LF of a line end, inside quoted text that holds a line break.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from test_importers_orders_fast import ITEM, ROWS, outcome, same, text

from kpi_xl.config import Config
from kpi_xl.importers import csvchunks, fastcsv, orders_fast
from kpi_xl.importers.loader import load

# Bytes a batch: 1 makes a batch of every line (each read grows until a line ends).
SIZES = [1, 40, 97, 256, 700, 2**23]


def item(name: str, product: str = "Cup") -> str:
    """A further line item of order ``name``: the order-level fields are empty."""
    return ITEM.replace("#1,", f"{name},", 1).replace(",Cup,", f",{product},")


FILES = {
    # An order's line items over many batches, the order seen again much later
    # (its first row still counts, once).
    "order-across-batches": lambda: text(
        [ROWS[0], *(item("#1") for _ in range(6)), *ROWS[1:4], item("#1"), *ROWS[4:], item("#2")]
    ),
    "crlf-line-items": lambda: text([ROWS[0], item("#1"), *ROWS[1:], item("#8")]).replace(
        "\n", "\r\n"
    ),
    # Orders without email or billing name are their own customers ("order:#6"), the
    # same customer as an email that reads so.
    "no-identity": lambda: text(
        [
            ROWS[0],
            ROWS[1].replace(",Jean Dupont,", ",,").replace("b@ex.fr", ""),
            *ROWS[2:5],
            ROWS[5].replace(",Jean Dupont,", ",,"),
            ROWS[6],
            ROWS[7].replace("e@ex.fr", "ORDER:#6"),
        ]
    ),
    # Semicolons between fields, decimal commas.
    "semicolons": lambda: (
        text(
            [
                ROWS[0].replace("120.00", "120X5"),
                item("#1"),
                *ROWS[1:3],
                ROWS[7].replace("-12.00", "-12X5"),
            ]
        )
        .replace(",", ";")
        .replace("X", ",")
    ),
    "no-line-end-at-the-end": lambda: text([ROWS[0], item("#1"), *ROWS[1:]], end=""),
    "crlf-blank-lines-at-end": lambda: text(ROWS, "\n\n\n").replace("\n", "\r\n"),
    # Quoted text holding a line break (and doubled quotes), no separator inside.
    "quoted-line-break": lambda: text(
        [
            ROWS[0],
            item("#1", '"Mug\nbleu ""XL"""'),
            *ROWS[1:3],
            item("#3", '"a\r\nb\nc"'),
            *ROWS[3:],
        ]
    ),
    "quoted-line-break-crlf": lambda: text([ROWS[0], item("#1", '"Mug\nbleu"'), *ROWS[1:]]).replace(
        "\n", "\r\n"
    ),
}


def write(tmp_path: Path, content: str) -> Path:
    path = tmp_path / "orders_export.csv"
    path.write_bytes(content.encode("utf-8"))
    return path


def taken(path: Path, monkeypatch: pytest.MonkeyPatch) -> bool:
    monkeypatch.setattr(fastcsv, "MIN_BYTES", 0)
    return load(path, Config(), "orders")[1].prepared is not None


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("name", sorted(FILES))
def test_batches_give_the_general_readers_result(
    tmp_path: Path, name: str, size: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write(tmp_path, FILES[name]())
    expected = outcome(path, False, monkeypatch)
    monkeypatch.setattr(orders_fast, "_BATCH", size)
    assert taken(path, monkeypatch)
    same(outcome(path, True, monkeypatch), expected)


def test_every_boundary_of_a_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Batches of sizes up to the file's, in steps prime to its lines' lengths: the
    boundaries fall at every kind of place."""
    rows = [ROWS[0], item("#1"), item("#1", '"x\r\ny"'), *ROWS[1:4], item("#2")]
    path = write(tmp_path, text(rows).replace("\n", "\r\n"))
    expected = outcome(path, False, monkeypatch)
    assert not isinstance(expected, str), expected
    for size in range(1, path.stat().st_size + 2, 17):
        monkeypatch.setattr(orders_fast, "_BATCH", size)
        same(outcome(path, True, monkeypatch), expected)


@pytest.mark.parametrize("size", [1, 64, 300, 2**23])
@pytest.mark.parametrize(
    "rows",
    [
        # a quote inside unquoted text: polars refuses the file, the general reader reads it
        [ROWS[0], item("#1", 'Mug 5" bleu'), *ROWS[1:]],
        # an unclosed quote: the rest of the file is one field
        [ROWS[0], item("#1", '"Mug'), *ROWS[1:]],
        # a bad amount far from the first batch: the general reader's message
        [
            *ROWS,
            *(item("#8") for _ in range(5)),
            ROWS[0].replace("#1,", "#9,").replace(",120.00,", ",12O.00,"),
        ],
        # a separator in quoted text and a short row elsewhere: the count of separators
        # is the header's, the short row is still reported
        [
            ROWS[0].replace(",Mug,", ',"Mug, bleu",'),
            *ROWS[1:5],
            ROWS[5].rsplit(",", 1)[0],
            *ROWS[6:],
        ],
        # spaces around an amount or a date: read by the general reader
        [
            ROWS[0].replace(",120.00,", ", 120.00 ,").replace(",2024-01-07 09", ", 2024-01-07 09"),
            *ROWS[1:],
        ],
        # digits a cast does not read as digits (Python's float does)
        [ROWS[0].replace(",120.00,", ",\u0661\u0662\u0660.00,"), *ROWS[1:]],
    ],
    ids=[
        "stray-quote",
        "unclosed-quote",
        "bad-amount-late",
        "quoted-separator-short-row",
        "padded-amount-and-date",
        "arabic-digits",
    ],
)
def test_broken_files_in_batches(
    tmp_path: Path, rows: list[str], size: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write(tmp_path, text(rows))
    expected = outcome(path, False, monkeypatch)
    monkeypatch.setattr(orders_fast, "_BATCH", size)
    same(outcome(path, True, monkeypatch), expected)


CONTENT = (
    b'Name,Note\r\n#1,"a\r\nb"\r\n#2,"say ""hi""\nthere"\r\n#3,plain\r\n#4,"x"\n"#5",y\r\n\r\n\n'
)


@pytest.mark.parametrize("size", range(1, len(CONTENT) + 2))
def test_batches_end_at_line_ends_outside_quotes(tmp_path: Path, size: int) -> None:
    path = tmp_path / "orders_export.csv"
    path.write_bytes(CONTENT)
    pieces = list(csvchunks.split(path, size))
    assert b"".join(piece for piece, _ in pieces) == CONTENT
    assert [last for _, last in pieces] == [False] * (len(pieces) - 1) + [True]
    for piece, last in pieces:
        assert piece.count(b'"') % 2 == 0
        assert last or piece.endswith(b"\n")
        assert piece.strip(b"\r\n")  # never a batch of blank lines alone
    assert pieces[-1][0].endswith(b"\r\n\r\n\n")


@pytest.mark.parametrize(
    ("block", "end"),
    [
        (b"a,b\nc,d", 4),
        (b"a,b\nc,d\n", 8),
        (b'a,"b\nc",d\ne', 10),
        (b'a,"b\nc', 0),
        (b'a,"b""\n",c\n', 11),
        (b'a\n"b\nc\nd', 2),
        (b"no line end", 0),
    ],
)
def test_line_end(block: bytes, end: int) -> None:
    assert csvchunks.line_end(block) == end


@pytest.mark.parametrize(
    ("batch", "quoted"),
    [(b"a,b\n", False), (b'"a",b\n', False), (b'"a,b"\n', True), (b'a,"b""c,"\n', True),
     (b'a,"b""",c\n"d"\n', False), (b'"x\n",y\n', False)],
)  # fmt: skip
def test_quoted_separator(batch: bytes, quoted: bool) -> None:
    assert csvchunks.quoted_separator(batch, b",") is quoted


@pytest.mark.parametrize("hashed", ["length", "constant"])
def test_names_with_the_same_hash_stay_apart(
    tmp_path: Path, hashed: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Orders and customers are told apart by a hash of their texts: texts sharing a
    hash (here made common) are still different orders and different customers."""
    import polars as pl

    path = write(tmp_path, FILES["order-across-batches"]())
    expected = outcome(path, False, monkeypatch)

    def fake(texts: pl.Expr, *_: object) -> pl.Expr:
        lengths = texts.str.len_bytes().cast(pl.UInt64)
        return lengths * 0 if hashed == "constant" else lengths

    monkeypatch.setattr(pl.Expr, "hash", fake)
    for size in (1, 97, 2**23):
        monkeypatch.setattr(orders_fast, "_BATCH", size)
        assert taken(path, monkeypatch)
        same(outcome(path, True, monkeypatch), expected)


def test_the_amount_pattern_stays_below_the_limit() -> None:
    """Every amount the quick pattern accepts is below the limit the general reader
    reports (the fast path then never accepts what the general reader refuses)."""
    import re

    from kpi_xl.importers.amounts import LIMIT

    largest = "-" + "9" * 14 + ",99"
    assert re.match(orders_fast._AMOUNT, largest)
    assert abs(float(largest.replace(",", "."))) < LIMIT
    for refused in ("9" * 15 + ".99", "1" + "0" * 15, "0" * 15 + "1"):
        assert not re.match(orders_fast._AMOUNT, refused)
