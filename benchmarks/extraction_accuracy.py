"""Score the extractor on the peer test suites in ``../shared/suites/*.jsonl``.

A case passes when every expected item is matched by a distinct extracted claim: value equal (when the item has
one) and low/high equal (both null or equal); items with no number are matched by span overlap.  An empty
``expected`` passes only when nothing is extracted.  (Rules from ``../shared/suites/README.md``.)

Usage: ``python benchmarks/extraction_accuracy.py [--suites DIR] [--failures SUITE] [--json]``
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
DEFAULT_SUITES = REPO.parent / "shared" / "suites"

#: Floors from the extraction issue (share of cases passed); tests/test_extraction_accuracy.py asserts them.
FLOORS: dict[str, float] = {
    "news-seed": 0.95,
    "rt-numberrange": 0.85,
    "rt-number": 0.85,
    "rt-percent": 0.90,
    "rt-currency": 0.85,
    "rt-dimension": 0.80,
    "number-parser-en": 0.98,
}

Found = tuple[float | None, float | None, float | None, int, int]  # value, low, high, start, end


@dataclass(frozen=True)
class SuiteScore:
    """Result of one suite."""

    suite: str
    cases: int
    passed: int
    failures: list[dict[str, Any]]

    @property
    def rate(self) -> float:
        return self.passed / self.cases if self.cases else 0.0


def _close(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return math.isclose(a, b, rel_tol=1e-6, abs_tol=1e-9)


def _matches(item: dict[str, Any], claim: Found) -> bool:
    value, low, high, start, end = claim
    if item.get("value") is None and item.get("low") is None and item.get("high") is None:
        return start < item["end"] and item["start"] < end
    if item.get("value") is not None and not _close(item["value"], value):
        return False
    return _close(item.get("low"), low) and _close(item.get("high"), high)


def case_passes(expected: list[dict[str, Any]], found: list[Found]) -> bool:
    """Whether the extracted claims satisfy every expected item, each claim used once."""
    if not expected:
        return not found
    unused = list(found)
    for item in expected:
        for i, claim in enumerate(unused):
            if _matches(item, claim):
                del unused[i]
                break
        else:
            return False
    return True


def load_cases(path: Path) -> list[dict[str, Any]]:
    """Cases of one suite file."""
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def extract_found(cases: Sequence[dict[str, Any]]) -> dict[str, list[Found]]:
    """Run the real extractor (public API, one batch) over the case texts."""
    from auditor import Document, extract_claims

    docs = [Document(doc_id=c["id"], text=c["text"]) for c in cases]
    df = extract_claims(docs)
    out: dict[str, list[Found]] = {c["id"]: [] for c in cases}
    for row in df.itertuples(index=False):
        out[str(row.doc_id)].append(
            (_opt(row.value), _opt(row.low), _opt(row.high), int(row.start), int(row.end))
        )
    return out


def _opt(x: object) -> float | None:
    if x is None:
        return None
    f = float(x)  # type: ignore[arg-type]
    return None if math.isnan(f) else f


def score(
    suites_dir: Path,
    extract: Callable[[Sequence[dict[str, Any]]], dict[str, list[Found]]] = extract_found,
) -> list[SuiteScore]:
    """Score every suite in ``suites_dir`` that has a floor."""
    results = []
    for name in FLOORS:
        path = suites_dir / f"{name}.jsonl"
        if not path.exists():
            continue
        cases = load_cases(path)
        found = extract(cases)
        failures = []
        for c in cases:
            got = found.get(c["id"], [])
            if not case_passes(c["expected"], got):
                failures.append({"id": c["id"], "text": c["text"], "expected": c["expected"], "found": got})
        results.append(SuiteScore(name, len(cases), len(cases) - len(failures), failures))
    return results


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--suites", type=Path, default=DEFAULT_SUITES)
    parser.add_argument("--failures", metavar="SUITE", help="print the failing cases of SUITE")
    parser.add_argument("--json", action="store_true", help="print the scores as JSON")
    args = parser.parse_args(argv)
    if not args.suites.is_dir():
        print(f"skipped: {args.suites} not found (the suites live in ../shared/suites)", file=sys.stderr)
        return 0
    results = score(args.suites)
    if args.json:
        print(json.dumps({r.suite: round(r.rate, 4) for r in results}, indent=2))
    else:
        print(f"{'suite':<18} {'cases':>6} {'passed':>7} {'rate':>7} {'floor':>7}")
        for r in results:
            flag = "" if r.rate >= FLOORS[r.suite] else "  BELOW FLOOR"
            print(f"{r.suite:<18} {r.cases:>6} {r.passed:>7} {r.rate:>7.1%} {FLOORS[r.suite]:>7.0%}{flag}")
    if args.failures:
        for r in results:
            if r.suite == args.failures:
                for f in r.failures:
                    exp = [
                        (e.get("surface"), e.get("value"), e.get("low"), e.get("high")) for e in f["expected"]
                    ]
                    print(f"- {f['id']}: {f['text'][:140]!r}\n    expected {exp}\n    found    {f['found']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
