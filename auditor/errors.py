"""One error hierarchy for the whole package.

Errors are raised for *bad input*: an unreadable article file, a broken rule file, a malformed reference CSV, a
locked audit database. A suspicious *claim* never raises; it becomes a finding row.

Each error keeps its facts as attributes and composes its message from them, so that the message always names the
file (and line, row, field or rule where there is one), the bad value and what is allowed. Each class also subclasses
the matching built-in so callers can catch ``ValueError``/``OSError`` as usual.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Final

#: Exit statuses of every command (the command line maps errors to them; jobs return them).
EXIT_OK: Final = 0
EXIT_FINDINGS: Final = 1
EXIT_BAD_INPUT: Final = 2
EXIT_INTERNAL: Final = 3
EXIT_INTERRUPTED: Final = 130


def _where(path: str | Path | None, line: int | None = None) -> str:
    if path is None:
        return "<input>"
    return f"{path}:{line}" if line is not None else str(path)


def _allowed(allowed: Iterable[str] | None) -> str:
    if allowed is None:
        return ""
    items = sorted(str(a) for a in allowed)
    return f"; allowed: {', '.join(items)}" if items else ""


class AuditorError(Exception):
    """Base class of every error the auditor raises on purpose."""

    exit_code: int = EXIT_BAD_INPUT


class DefinitionError(AuditorError, ValueError):
    """Something the user or the repository *declares* is wrong: a rule file, a unit file, a lexicon."""


class RuleError(DefinitionError):
    """A rule file cannot be loaded: names the file, rule id, field, bad value and allowed values."""

    def __init__(
        self,
        path: str | Path | None,
        reason: str,
        *,
        rule_id: str | None = None,
        field: str | None = None,
        value: object = None,
        allowed: Iterable[str] | None = None,
        line: int | None = None,
    ) -> None:
        self.path = str(path) if path is not None else None
        self.reason = reason
        self.rule_id = rule_id
        self.field = field
        self.value = value
        self.allowed = sorted(str(a) for a in allowed) if allowed is not None else None
        self.line = line
        parts = [_where(path, line)]
        if rule_id is not None:
            parts.append(f"rule {rule_id!r}")
        if field is not None:
            parts.append(f"field {field!r}")
        head = ", ".join(parts)
        got = f" (got {value!r})" if value is not None else ""
        super().__init__(f"{head}: {reason}{got}{_allowed(self.allowed)}")


class DataError(AuditorError, ValueError):
    """Data handed to the auditor is unusable (an article file, a reference dataset)."""


class DocumentError(DataError):
    """An input document cannot be read: names the file and, for JSONL, the line."""

    def __init__(self, path: str | Path | None, reason: str, *, line: int | None = None) -> None:
        self.path = str(path) if path is not None else None
        self.line = line
        self.reason = reason
        super().__init__(f"{_where(path, line)}: {reason}")


class DateError(DataError):
    """A value is not a date the reader accepts: names the value, why, and (in ``reason``) the forms allowed."""

    def __init__(self, value: object, reason: str) -> None:
        self.value = value
        self.reason = reason
        super().__init__(f"{value!r} is not a date: {reason}")


class ReferenceDataError(DataError):
    """A reference dataset is malformed: names the file, row and column, the bad value and what is allowed."""

    def __init__(
        self,
        path: str | Path | None,
        reason: str,
        *,
        row: int | None = None,
        column: str | None = None,
        value: object = None,
        allowed: Iterable[str] | None = None,
    ) -> None:
        self.path = str(path) if path is not None else None
        self.reason = reason
        self.row = row
        self.column = column
        self.value = value
        self.allowed = sorted(str(a) for a in allowed) if allowed is not None else None
        parts = [_where(path)]
        if row is not None:
            parts.append(f"row {row}")
        if column is not None:
            parts.append(f"column {column!r}")
        got = f" (got {value!r})" if value is not None else ""
        super().__init__(f"{', '.join(parts)}: {reason}{got}{_allowed(self.allowed)}")


class SchemaError(DataError):
    """A table does not satisfy its pandera model; wraps pandera's report and names the table."""

    def __init__(self, table: str, report: str) -> None:
        self.table = table
        self.report = report
        super().__init__(f"{table} table failed validation:\n{report}")


class UsageError(AuditorError, ValueError):
    """A command was called with options that do not fit together or values outside what is allowed."""

    def __init__(
        self, option: str, value: object, allowed: Iterable[str] | None = None, reason: str = ""
    ) -> None:
        self.option = option
        self.value = value
        self.reason = reason
        self.allowed = sorted(str(a) for a in allowed) if allowed is not None else None
        why = f": {reason}" if reason else ""
        super().__init__(f"option {option} got {value!r}{why}{_allowed(self.allowed)}")


class ArgumentTypeError(AuditorError, TypeError):
    """A Python function was given an argument of a type it does not take: names the argument, the type given and
    the types wanted."""

    def __init__(self, argument: str, value: object, wanted: str) -> None:
        self.argument = argument
        self.value = value
        self.wanted = wanted
        super().__init__(f"argument {argument!r} must be {wanted}, got {type(value).__name__} {value!r}")


class ArgumentValueError(AuditorError, ValueError):
    """A Python function was given an argument of the right type but a value it cannot use: names the argument,
    the value and what is allowed."""

    def __init__(self, argument: str, value: object, reason: str) -> None:
        self.argument = argument
        self.value = value
        self.reason = reason
        super().__init__(f"argument {argument!r} got {value!r}: {reason}")


class StoreError(AuditorError, OSError):
    """The audit history database cannot be used (locked by another run, unreadable)."""

    def __init__(self, path: str | Path, reason: str) -> None:
        self.path = str(path)
        self.reason = reason
        super().__init__(f"{path}: {reason}")


class OutputError(AuditorError, OSError):
    """An output (a report file or folder, a chart) cannot be written: names the path and the reason."""

    def __init__(self, path: str | Path, reason: str) -> None:
        self.path = str(path)
        self.reason = reason
        super().__init__(f"{path}: {reason}")
