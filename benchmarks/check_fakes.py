"""Check the FA-KES Syrian-war articles against the shipped reference pack and list what is flagged.

Runs ``auditor check ../shared/data/news/fakes_syria.jsonl --format jsonl`` (each article checked as of its own
date) with the shipped pack *minus* the published death tolls that were curated from FA-KES articles themselves
(their ``dataset`` says "quoted in the FA-KES corpus"), so the corpus is never compared with itself.  Prints how
many numbers were found and checked, the verdict counts, the reasons of the not-checkable ones, every claim judged
``outdated`` or ``likely_error`` with its sentence and the finding, the time taken, and FA-KES's own credibility
label (``meta.label``: 1 credible, 0 fake) of the articles with flagged claims.

Usage: ``python benchmarks/check_fakes.py [--news FILE] [--show N]``
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import pandas as pd

REPO = Path(__file__).resolve().parents[1]
DEFAULT_NEWS = REPO.parent / "shared" / "data" / "news" / "fakes_syria.jsonl"


def pack_without_fakes(out: Path) -> int:
    """Write the shipped pack without FA-KES-sourced rows into ``out``; return how many rows were dropped."""
    dropped = 0
    for csv in sorted((REPO / "reference").glob("*.csv")):
        table = pd.read_csv(csv, dtype=str, keep_default_na=False)
        keep = ~table["dataset"].str.contains("FA-KES", regex=False)
        dropped += int((~keep).sum())
        table[keep].to_csv(out / csv.name, index=False)
    return dropped


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--news", type=Path, default=DEFAULT_NEWS)
    ap.add_argument("--show", type=int, default=60, help="how many flagged claims to print")
    args = ap.parse_args()
    if not args.news.exists():
        print(f"skipped: {args.news} not found (the corpus lives in ../shared/data/news)")
        return 0
    labels = {}
    with args.news.open(encoding="utf-8") as fh:
        for line in fh:
            row = json.loads(line)
            labels[row["id"]] = (row.get("meta") or {}).get("label")
    with tempfile.TemporaryDirectory() as tmp:
        dropped = pack_without_fakes(Path(tmp))
        exe = Path(sys.executable).with_name("auditor")
        cmd = [
            str(exe),
            "check",
            str(args.news),
            "--format",
            "jsonl",
            "--no-default-reference",
            "--reference",
            tmp,
            "--fail-on",
            "never",
        ]
        start = time.perf_counter()
        res = subprocess.run(cmd, capture_output=True, text=True, check=False)
        secs = time.perf_counter() - start
    if res.returncode not in (0, 1):
        print(res.stderr, file=sys.stderr)
        return res.returncode
    claims = [json.loads(x) for x in res.stdout.splitlines() if x.startswith("{")]
    verdicts = Counter(c["verdict"] for c in claims)
    reasons = Counter(c.get("reason") for c in claims if c["verdict"] == "not_checkable")
    checked = sum(n for v, n in verdicts.items() if v != "not_checkable")
    print(f"articles: {len(labels)}; numbers found: {len(claims)}; checked: {checked}; time: {secs:.1f} s")
    print(f"reference rows left out (curated from FA-KES itself): {dropped}")
    print("verdicts: " + ", ".join(f"{v} {n}" for v, n in verdicts.most_common()))
    print("not checkable, by reason: " + ", ".join(f"{r} {n}" for r, n in reasons.most_common()))
    flagged = [c for c in claims if c["verdict"] in ("outdated", "likely_error")]
    by_label = Counter(labels.get(c["doc_id"]) for c in flagged)
    print(
        f"flagged (outdated or likely_error): {len(flagged)}; by FA-KES label (1 credible, 0 fake): {dict(by_label)}"
    )
    for c in flagged[: args.show]:
        message = c["findings"][0]["message"] if c["findings"] else ""
        sentence = " ".join(c["sentence"].split())[:200]
        print(
            f"\n- [{c['verdict']}] {c['doc_id']} ({c['as_of'][:10] if c['as_of'] else '?'}): {c['surface']!r}"
        )
        print(f"  sentence: {sentence}")
        print(f"  finding:  {message[:300]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
