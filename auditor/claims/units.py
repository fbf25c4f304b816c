"""The one pint unit registry: pint's defaults plus the news units of ``rules/units.txt``.

Claims carry unit *strings*; this registry gives them meaning (dimensions, conversions) where a check needs it.
Building it costs a few hundred milliseconds, so it is built once, on first use.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from auditor.errors import DefinitionError
from auditor.resources import rules_dir


@cache
def registry(directory: Path | None = None) -> Any:
    """The unit registry with ``units.txt`` from ``directory`` (default: the shipped rules) loaded."""
    import pint

    path = (directory or rules_dir()) / "units.txt"
    ureg: Any = pint.UnitRegistry()
    try:
        ureg.load_definitions(str(path))
    except (OSError, ValueError, pint.errors.DefinitionSyntaxError, pint.errors.RedefinitionError) as exc:
        raise DefinitionError(f"{path}: cannot load unit definitions: {exc}") from exc
    return ureg


def is_unit(name: str) -> bool:
    """Whether ``name`` is a unit of the registry."""
    import pint

    try:
        registry().Unit(name)
    except (pint.errors.UndefinedUnitError, ValueError, AttributeError):
        return False
    return True


def convert(value: float, from_unit: str, to_unit: str) -> float:
    """``value`` in ``from_unit`` expressed in ``to_unit`` (raises pint's DimensionalityError if incompatible)."""
    ureg = registry()
    return float(ureg.Quantity(value, from_unit).to(to_unit).magnitude)
