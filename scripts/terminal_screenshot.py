"""Render ``auditor check --format table --only flagged`` on ``examples/`` as the SVG the README shows.

Runs the real pipeline (reader, extractor, checks, shipped rules and reference pack) into a recording rich
console of a fixed width with colour, so the picture is what an editor sees in a terminal::

    .venv/bin/python scripts/terminal_screenshot.py            # writes docs/check-table.svg
    .venv/bin/python scripts/terminal_screenshot.py --width 80 --out /tmp/narrow.svg --all
"""

from __future__ import annotations

import argparse
import io
from pathlib import Path

from rich.console import Console

from auditor.checks import check_claims, load_rules
from auditor.checks import presentation as present
from auditor.claims.extract import extract_batches
from auditor.io.documents import read_documents
from auditor.reference import load_reference
from auditor.report.terminal import TerminalReport

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    """Parse the arguments, render the report, save the SVG."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "check-table.svg")
    parser.add_argument("--width", type=int, default=100, help="terminal columns (default 100)")
    parser.add_argument("--all", action="store_true", help="every claim, not only --only flagged")
    args = parser.parse_args()

    console = Console(
        file=io.StringIO(), record=True, force_terminal=True, color_system="truecolor", width=args.width
    )
    coverage = present.Coverage()
    report = TerminalReport(console, coverage.line)
    rules, reference = load_rules(), load_reference()
    documents = read_documents([str(ROOT / "examples")], on_error=lambda error: print(f"error: {error}"))
    for claims in extract_batches(documents):
        result = check_claims(claims, references=reference, rules=rules)
        coverage.add(result.verdicts)
        report.write(present.editor_view(claims if args.all else present.flagged(claims, result), result))
    report.close()
    title = "auditor check examples/" + ("" if args.all else " --only flagged")
    console.save_svg(str(args.out), title=title)
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
