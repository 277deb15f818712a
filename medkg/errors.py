"""Errors medkg raises.

    MedkgError(Exception)
    ├── SourceError(MedkgError, ValueError)   one problem in a curated source file
    ├── ValidationError(MedkgError, ValueError)  every problem found, reported together
    └── ExportError(MedkgError, RuntimeError) an export could not be written

The CLI prints these without a traceback and exits with status 1.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


class MedkgError(Exception):
    """Base class of every error medkg raises on purpose."""


@dataclass(frozen=True)
class Problem:
    """One thing wrong in one place: file, line (0 when unknown), entry, what, and how to fix it."""

    file: str
    line: int
    entry: str
    what: str
    fix: str = ""

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        entry = f" {self.entry}:" if self.entry else ""
        fix = f" ({self.fix})" if self.fix else ""
        return f"{where}:{entry} {self.what}{fix}"


class SourceError(MedkgError, ValueError):
    """A single problem in a curated source file."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(str(problem))
        self.problem = problem


class ValidationError(MedkgError, ValueError):
    """All the problems found in the sources or the graph, sorted by place."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = sorted(problems, key=lambda p: (p.file, p.line, p.entry, p.what))
        count = len(self.problems)
        lines = "\n".join(f"error: {p}" for p in self.problems)
        super().__init__(f"{count} problem{'s' if count != 1 else ''} found:\n{lines}")


class ExportError(MedkgError, RuntimeError):
    """An export could not be written."""
