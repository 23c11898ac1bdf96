"""The exceptions kpi_xl raises, so callers can catch them by meaning.

Calculation errors derive from the built-in classes a Python user already
catches (``ZeroDivisionError``, ``ValueError``); file errors carry the file,
line, column and value so the command line can tell the user what to fix
without a traceback.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


class KpiXlError(Exception):
    """Base class of every error kpi_xl raises on purpose."""


class KpiZeroDivisionError(KpiXlError, ZeroDivisionError):
    """A KPI's denominator is zero: the KPI is undefined (Excel shows ``#DIV/0!``)."""

    def __init__(self, argument: str, why: str = "is zero") -> None:
        self.argument = argument
        super().__init__(f"{argument} {why}: the KPI is undefined (division by zero)")


class KpiValueError(KpiXlError, ValueError):
    """An argument is invalid: negative count, text, NaN, inconsistent figures (``#VALUE!``)."""

    def __init__(self, argument: str, why: str) -> None:
        self.argument = argument
        super().__init__(f"{argument}: {why}")


class NotRecoveredError(KpiValueError):
    """The investment is never paid back by the cash flows given (Excel shows ``#N/A``)."""


@dataclass
class InputFileError(KpiXlError):
    """A user file (export, config, workbook) cannot be used as it is.

    The message names the file and, when known, the line (1-based, as a text
    editor counts), the column, the offending value, what was expected and
    what to do about it.
    """

    path: Path | str
    problem: str
    line: int | None = None
    column: str | None = None
    value: str | None = None
    expected: str | None = None
    hint: str | None = None

    def __post_init__(self) -> None:
        super().__init__(str(self))

    def __str__(self) -> str:
        where = str(self.path)
        if self.line is not None:
            where += f", line {self.line}"
        if self.column is not None:
            where += f", column {self.column!r}"
        parts = [f"{where}: {self.problem}"]
        if self.value is not None:
            parts.append(f"found {self.value!r}")
        if self.expected is not None:
            parts.append(f"expected {self.expected}")
        text = "; ".join(parts)
        if self.hint:
            text += f".\n  What to do: {self.hint}"
        return text


class WorkbookError(InputFileError):
    """A workbook cannot be read, filled or refreshed (locked, corrupt, not a template)."""
