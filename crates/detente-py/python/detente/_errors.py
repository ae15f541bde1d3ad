"""Errors raised by detente."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, List, Mapping, Sequence


@dataclass(frozen=True)
class Problem:
    """One located problem in a scenario file (line and column are 1-based; 0 = unknown)."""

    message: str
    file: str
    line: int
    column: int
    field: str
    severity: str = "error"

    def __str__(self) -> str:
        where = self.file
        if self.line:
            where += f":{self.line}"
            if self.column:
                where += f":{self.column}"
        field = f" `{self.field}`:" if self.field else ""
        return f"{where}:{field} {self.message}"


class DetenteError(Exception):
    """Base class of detente's own errors."""


class ScenarioError(DetenteError, ValueError):
    """A scenario (or an imported file, or a scenario after `with_set`/`overlay`) is invalid.

    ``problems`` lists every error (validation collects them all, it does not stop at the
    first); ``file``, ``line``, ``column``, ``field`` and ``message`` are those of the first.
    ``warnings`` lists the warnings found along the way.
    """

    problems: List[Problem]
    warnings: List[Problem]
    file: str
    line: int
    column: int
    field: str
    message: str

    def __init__(
        self,
        summary: str,
        problems: Sequence[Mapping[str, Any]] = (),
        warnings: Sequence[Mapping[str, Any]] = (),
    ) -> None:
        super().__init__(summary)
        self.problems = [p if isinstance(p, Problem) else Problem(**p) for p in problems]
        self.warnings = [p if isinstance(p, Problem) else Problem(**p) for p in warnings]
        first = self.problems[0] if self.problems else Problem(summary, "", 0, 0, "")
        self.file = first.file
        self.line = first.line
        self.column = first.column
        self.field = first.field
        self.message = first.message

    def __reduce__(self):  # picklable (multiprocessing, Ray)
        return (type(self), (self.args[0], self.problems, self.warnings))
