"""Where the shipped data lives: ``rules/`` and ``reference/`` from a checkout, or inside an installed wheel."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from auditor.errors import DefinitionError

_PACKAGE = Path(__file__).resolve().parent


@cache
def shipped_dir(name: str) -> Path:
    """The shipped folder ``name`` (``"rules"`` or ``"reference"``), wherever the package was installed from."""
    for candidate in (_PACKAGE / "_shipped" / name, _PACKAGE.parent / name):
        if candidate.is_dir():
            return candidate
    raise DefinitionError(
        f"shipped folder {name!r} not found next to the package ({_PACKAGE}); reinstall auditor"
    )


def rules_dir() -> Path:
    """The default rules folder."""
    return shipped_dir("rules")


def reference_dir() -> Path:
    """The default reference pack folder."""
    return shipped_dir("reference")
