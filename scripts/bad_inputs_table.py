"""Write the table of bad inputs in benchmarks/README.md from tests/cases/bad_inputs.yaml (issue 9).

Usage: ``.venv/bin/python scripts/bad_inputs_table.py`` rewrites the table between its two marker comments;
``--check`` only says whether it is up to date (exit status 1 when not). tests/test_bad_inputs.py runs every case
and checks that the README holds exactly this table.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any, Final

import yaml

from auditor.io.destinations import write_bytes

ROOT: Final = Path(__file__).resolve().parents[1]
CASES: Final = ROOT / "tests" / "cases" / "bad_inputs.yaml"
README: Final = ROOT / "benchmarks" / "README.md"
START: Final = (
    "<!-- bad-inputs table: written by scripts/bad_inputs_table.py from tests/cases/bad_inputs.yaml -->"
)
END: Final = "<!-- end of bad-inputs table -->"
COMMANDS: Final = ("extract", "check", "audit")


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _row(case: dict[str, Any]) -> str:
    commands = case.get("commands", COMMANDS)
    message = f"`{_cell(case['message'])}`" if case["message"] else "(none)"
    read = ", ".join(f"`{doc}`" for doc in case["read"]) or "refused"
    sibling = "yes" if case["sibling"] else "no (nothing is read)"
    return f"| {case['name']} | {', '.join(commands)} | {case['exit']} | {message} | {read} | {sibling} |"


def table(cases: list[dict[str, Any]]) -> str:
    """The Markdown table of ``cases``, one row each, in their order."""
    head = [
        "| bad input | commands | exit | message (start of it) | its documents read | good file read |",
        "|---|---|---|---|---|---|",
    ]
    return "\n".join([*head, *(_row(case) for case in cases)])


def with_table(readme: str, cases: list[dict[str, Any]]) -> str:
    """``readme`` with the text between the markers replaced by the table of ``cases``."""
    before, found, rest = readme.partition(START)
    if not found or END not in rest:
        raise SystemExit(f"{README}: the markers {START!r} and {END!r} are missing")
    _old, _, after = rest.partition(END)
    return f"{before}{START}\n{table(cases)}\n{END}{after}"


def main(argv: list[str]) -> int:
    cases = yaml.safe_load(CASES.read_text(encoding="utf-8"))
    readme = README.read_text(encoding="utf-8")
    updated = with_table(readme, cases)
    if "--check" in argv:
        print("up to date" if updated == readme else f"{README} is stale: run {Path(__file__).name}")
        return 0 if updated == readme else 1
    write_bytes(README, updated.encode("utf-8"))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
