"""The check engine's cost per call, warm, in this process: what ``auditor serve`` pays for one article and
``auditor check`` for a batch.

Loads the shipped rules and reference pack once, extracts the articles of each case once, runs one warm-up call
of :func:`auditor.checks.engine.check_claims`, then times ``--repeat`` calls with ``time.process_time`` (CPU
time of this process, so another session's load skews it little) and prints the median and the fastest. Cases:

``serve``
    the 2,920-byte article of ``benchmarks/serve_load.py`` (paragraphs of ``examples/articles.jsonl``), alone;
``fakes20``
    the first 20 FA-KES articles (``../shared/data/news/fakes_syria.jsonl``) that no reference figure was taken
    from, in one call;
``cited``
    every FA-KES article a reference figure was curated from, in one call (each is checked without its own
    figures, see :func:`auditor.checks.engine.may_be_cited`).

``--profile CASE`` prints the cProfile of ``--repeat`` calls of that case instead (top functions by own time and
by cumulative time). The FA-KES cases are skipped with a note when ``../shared`` is absent.

Usage: ``python benchmarks/engine_cost.py [--repeat N] [--cases serve,fakes20,cited] [--profile CASE]``
"""

from __future__ import annotations

import argparse
import cProfile
import json
import pstats
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from auditor.checks import load_rules
from auditor.checks.engine import check_claims, may_be_cited
from auditor.checks.pipeline import extract
from auditor.io.documents import Document, document_from_record
from auditor.reference import load_reference_with_shipped

REPO = Path(__file__).resolve().parents[1]
FAKES = REPO.parent / "shared" / "data" / "news" / "fakes_syria.jsonl"
sys.path.insert(0, str(REPO / "benchmarks"))

from serve_load import article  # noqa: E402 - the load benchmark's article, from its own script


def _fakes(references: pd.DataFrame) -> tuple[list[Document], list[Document]]:
    """The FA-KES articles: the first 20 no figure was taken from, and those a figure was taken from."""
    docs = [
        document_from_record(json.loads(line), str(FAKES), number)
        for number, line in enumerate(FAKES.read_text(encoding="utf-8").splitlines(), start=1)
    ]
    cited = [d for d in docs if may_be_cited(references, d.doc_id)]
    plain = [d for d in docs if not may_be_cited(references, d.doc_id)][:20]
    return plain, cited


def _cases(names: list[str], references: pd.DataFrame) -> dict[str, list[Document]]:
    serve = document_from_record({"id": "serve-load", **article(3000)}, "serve_load", 1)
    cases: dict[str, list[Document]] = {"serve": [serve]}
    if FAKES.exists():
        cases["fakes20"], cases["cited"] = _fakes(references)
    else:
        print(f"skipped fakes20 and cited: {FAKES} not found (the corpus lives in ../shared/data/news)")
    return {name: cases[name] for name in names if name in cases}


def _timed(call: Callable[[], object], repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        start = time.process_time()
        call()
        times.append(time.process_time() - start)
    return times


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=10, help="timed calls per case")
    ap.add_argument("--cases", default="serve,fakes20,cited")
    ap.add_argument("--profile", default=None, help="profile this case instead of timing the cases")
    args = ap.parse_args()
    rules, references = load_rules(), load_reference_with_shipped()
    names = [args.profile] if args.profile else args.cases.split(",")
    for name, docs in _cases(names, references).items():
        claims = extract(docs)

        def call(claims: pd.DataFrame = claims) -> object:
            return check_claims(claims, references=references, rules=rules)

        call()  # warm: derived reference tables, caches, imports
        if args.profile:
            profile = cProfile.Profile()
            profile.runcall(lambda: [call() for _ in range(args.repeat)])
            stats = pstats.Stats(profile).strip_dirs()
            stats.sort_stats("tottime").print_stats(30)
            stats.sort_stats("cumulative").print_stats(45)
            continue
        times = _timed(call, args.repeat)
        size = sum(len(d.text.encode("utf-8")) for d in docs)
        print(
            f"{name}: {len(docs)} articles, {size:,} bytes, {len(claims)} numbers: "
            f"median {statistics.median(times) * 1000:.0f} ms, fastest {min(times) * 1000:.0f} ms "
            f"of {args.repeat} calls (CPU)"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
