"""Every bad input against ``auditor extract``, ``check`` and ``audit`` (issue 9): each ends in a result or a
clear message naming it, with the exit status of the cases in tests/cases/bad_inputs.yaml, and the good file given
beside it is still processed; benchmarks/README.md lists the same cases (scripts/bad_inputs_table.py)."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import duckdb
import pytest
import yaml
from click.testing import CliRunner

from auditor.cli import main

CASES: list[dict[str, Any]] = yaml.safe_load(
    (Path(__file__).parent / "cases" / "bad_inputs.yaml").read_text(encoding="utf-8")
)
COMMANDS = ("extract", "check", "audit")
SIBLING = "good.txt"
#: After the paths: JSON lines out, and an exit status about the input only (never about findings).
EXTRA = {
    "extract": ["--format", "jsonl"],
    "check": ["--format", "jsonl", "--fail-on", "never"],
    "audit": ["--db", "audit.duckdb", "--out", "reports", "--fail-on", "never", "--quiet"],
}
RUNS = [(case, command) for case in CASES for command in case.get("commands", COMMANDS)]


def _locked(spec: dict[str, Any]) -> bool:
    inner = spec.get("folder", {}).values()
    return spec.get("mode") == 0 or any(_locked(s) for s in inner)


def _reads_anything(folder: Path) -> bool:
    """Whether this process can open a file its mode forbids (as root does)."""
    probe = folder / "probe"
    probe.write_text("x", encoding="utf-8")
    probe.chmod(0)
    try:
        with probe.open("rb"):
            return True
    except PermissionError:
        return False
    finally:
        probe.chmod(0o644)
        probe.unlink()


def _write(path: Path, spec: dict[str, Any]) -> None:
    if "link" in spec:
        path.symlink_to(spec["link"])
    elif "folder" in spec:
        path.mkdir()
        for name, inner in spec["folder"].items():
            _write(path / name, inner)
    elif "lines" in spec:
        lines = [line if isinstance(line, str) else json.dumps(line) for line in spec["lines"]]
        path.write_text("".join(f"{line}\n" for line in lines), encoding="utf-8")
    elif "bytes" in spec:
        path.write_bytes(spec["bytes"].encode("latin-1"))
    else:
        path.write_bytes(spec["text"].encode(spec.get("encoding", "utf-8")))
    if "mode" in spec:
        path.chmod(spec["mode"])


def _processed(command: str, stdout: str) -> set[str]:
    """The documents whose claims are in the output (stdout's JSON lines, or the audit database)."""
    if command == "audit":
        if not Path("audit.duckdb").exists():
            return set()
        with duckdb.connect("audit.duckdb", read_only=True) as con:
            return {row[0] for row in con.execute("select distinct doc_id from claims").fetchall()}
    return {json.loads(line)["doc_id"] for line in stdout.splitlines() if line.strip()}


@pytest.mark.parametrize(("case", "command"), RUNS, ids=[f"{c['name']}-{cmd}" for c, cmd in RUNS])
def test_bad_input(
    case: dict[str, Any], command: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    if any(_locked(spec) for spec in case["files"].values()) and _reads_anything(tmp_path):
        pytest.skip(
            "this user reads a chmod 000 file (root, or CAP_DAC_OVERRIDE); run as another user to test it"
        )
    monkeypatch.chdir(tmp_path)
    (tmp_path / SIBLING).write_text("The ferry carried 120 passengers to the island.\n", encoding="utf-8")
    for name, spec in case["files"].items():
        _write(tmp_path / name, spec)
    try:
        result = CliRunner().invoke(main, [command, *case["args"], SIBLING, *EXTRA[command]])
    finally:
        for name, spec in case["files"].items():  # let pytest clean up what was locked
            if _locked(spec) and (tmp_path / name).exists():
                for path in [tmp_path / name, *(tmp_path / name).rglob("*")]:
                    path.chmod(0o755)
    assert result.exit_code == case["exit"], (result.stderr, result.exception)
    assert "internal error" not in result.stderr, result.stderr
    assert "Traceback" not in result.stderr, result.stderr
    assert case["message"] in result.stderr, result.stderr
    if case["exit"]:
        assert result.stderr.startswith(case["message"]), "the bad input is named first"
    else:
        assert "error:" not in result.stderr, result.stderr
    expected = set(case["read"]) | ({SIBLING} if case["sibling"] else set())
    assert _processed(command, result.stdout) == expected


def _table_script() -> ModuleType:
    path = Path(__file__).resolve().parents[1] / "scripts" / "bad_inputs_table.py"
    spec = importlib.util.spec_from_file_location("bad_inputs_table", path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault(spec.name, module)
    spec.loader.exec_module(module)
    return module


def test_the_readme_table_lists_exactly_the_cases() -> None:
    script = _table_script()
    readme = script.README.read_text(encoding="utf-8")
    assert script.with_table(readme, CASES) == readme, (
        "benchmarks/README.md is stale: run scripts/bad_inputs_table.py"
    )
    rows = [line for line in script.table(CASES).splitlines() if line.startswith("| ")][1:]
    assert [row.split(" | ")[0].removeprefix("| ") for row in rows] == [c["name"] for c in CASES]
