"""The package layout: stages import only downwards, no import cycles, small modules and functions.

The imports are read from the source (``ast``), every ``import`` and ``from ... import`` anywhere in a module,
including the ones inside functions, so a lazy import cannot hide a loop.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

PACKAGE = Path(__file__).resolve().parents[1] / "auditor"
CASES = yaml.safe_load((Path(__file__).parent / "cases" / "layout.yaml").read_text(encoding="utf-8"))


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _modules() -> dict[str, Path]:
    return {_module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def _imports(name: str, path: Path, known: set[str]) -> set[str]:
    """The package modules ``name`` imports; ``from pkg import sub`` counts as importing ``pkg.sub`` only."""
    is_package = path.name == "__init__.py"
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name in known)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = name.split(".") if is_package else name.split(".")[:-1]
                anchor = anchor[: len(anchor) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            subs = {f"{base}.{a.name}" for a in node.names} & known
            if subs:
                found |= subs
            elif base in known:
                found.add(base)
    found.discard(name)
    return found


def _graph() -> dict[str, set[str]]:
    modules = _modules()
    known = set(modules)
    return {name: _imports(name, path, known) for name, path in modules.items()}


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph[node]):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def _layer(module: str) -> int:
    """The position of ``module``'s stage in ``layout.yaml``'s ``layers`` (lower layers never import higher)."""
    for position, members in enumerate(CASES["layers"]):
        for member in members:
            if module == member or module.startswith(member + "."):
                return int(position)
    raise AssertionError(f"{module} belongs to no layer of tests/cases/layout.yaml; add it there")


def test_no_import_cycles_in_the_package() -> None:
    assert _cycles(_graph()) == []


def test_cycle_finder_reports_a_loop() -> None:
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_stages_import_only_lower_stages() -> None:
    upward = [
        f"{module} (layer {_layer(module)}) imports {target} (layer {_layer(target)})"
        for module, targets in sorted(_graph().items())
        for target in sorted(targets)
        if _layer(target) > _layer(module)
    ]
    assert upward == []


def test_top_level_holds_only_entry_points_and_stage_packages() -> None:
    top = sorted(p.name for p in PACKAGE.iterdir() if p.suffix == ".py" or (p / "__init__.py").exists())
    assert top == sorted(CASES["top_level"])


def _functions(tree: ast.AST) -> Iterator[ast.FunctionDef | ast.AsyncFunctionDef]:
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            yield node


@pytest.mark.parametrize("path", sorted(PACKAGE.rglob("*.py")), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_module_and_function_size(path: Path) -> None:
    source = path.read_text(encoding="utf-8")
    lines = source.count("\n")
    assert lines <= CASES["max_module_lines"], f"{path.name} has {lines} lines"
    allowed = {(e["module"], e["function"]) for e in CASES["long_functions"]}
    long = [
        f"{f.name} ({(f.end_lineno or f.lineno) - f.lineno + 1} lines)"
        for f in _functions(ast.parse(source))
        if (f.end_lineno or f.lineno) - f.lineno + 1 > CASES["max_function_lines"]
        and (_module_name(path), f.name) not in allowed
    ]
    assert long == []


def test_long_function_exceptions_exist_and_say_why() -> None:
    modules = _modules()
    for entry in CASES["long_functions"]:
        assert entry["why"].strip(), entry
        tree = ast.parse(modules[entry["module"]].read_text(encoding="utf-8"))
        assert entry["function"] in {f.name for f in _functions(tree)}, entry
