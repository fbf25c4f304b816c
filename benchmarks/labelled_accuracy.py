"""Score ``auditor check`` against the hand-labelled real claims in ``tests/cases/labelled/``.

The labels were written by reading the articles, before and independently of the tool's answers
(``claims_real.yaml``: what each number counts, where, scope, as-of; ``verdicts_real.yaml``: the verdict a
fact-checker gives using only the shipped reference data). The article texts come from ``../shared/data/news``;
the script skips when they are absent. Each article is checked as of the date its label gives.

Prints, per labelled set:

* measure accuracy: over labelled claims whose measure is a counted measure of the project (``other``/``none``
  labels count as right when the tool leaves the measure empty);
* scope accuracy: over labelled claims with a scope (event, period, stock), the tool's ``scope`` (a claim the tool
  missed or gave no scope counts as wrong); and how often an event is read as a period or stock (the confusion
  that compares one event with a national total);
* verdict accuracy: the tool's verdict against the label (``matches`` and ``matches_within_rounding`` are the
  label ``consistent``; a label's not-checkable reasons are compared as ``not_checkable``);
* flag precision: of the claims the tool flags (needs_review, likely_error, outdated), the share labelled so;
* error recall: of the claims labelled likely_error or outdated, the share the tool flags.
* recall per labelled verdict: of the claims labelled with each verdict, the share the tool gives that verdict.

Usage: ``python benchmarks/labelled_accuracy.py [--set real|heldout|heldout2] [--show N]``. ``--set heldout`` scores
the held-out batch (``heldout_claims.yaml``, ``heldout_verdicts.yaml``), labelled without running the tool and meant
to be scored once, not tuned on; ``--set heldout2`` the second, fresh one (``heldout2_claims.yaml``,
``heldout2_verdicts.yaml``), labelled the same way after the first had been scored and partly seen; the default ``real`` scores the set the
tool was developed against.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any

import yaml

REPO = Path(__file__).resolve().parents[1]
NEWS = REPO.parent / "shared" / "data" / "news"
LABELS = REPO / "tests" / "cases" / "labelled"
#: The corpus names the two label files use, and their files.
CORPORA: dict[str, str] = yaml.safe_load((LABELS / "corpora.yaml").read_text("utf-8"))
FLAGS = frozenset({"needs_review", "likely_error", "outdated"})
ERRORS = frozenset({"likely_error", "outdated"})
NO_MEASURE = frozenset({"other", "none"})
#: The labelled sets: the claims file and the verdicts file of each.
SETS = {
    "real": ("claims_real", "verdicts_real"),
    "heldout": ("heldout_claims", "heldout_verdicts"),
    "heldout2": ("heldout2_claims", "heldout2_verdicts"),
}


def load_articles(needed: set[tuple[str, str]]) -> dict[str, dict[str, Any]]:
    """The labelled articles by id, read from the shared corpora."""
    out: dict[str, dict[str, Any]] = {}
    for corpus in {c for c, _ in needed}:
        ids = {d for c, d in needed if c == corpus}
        with (NEWS / CORPORA[corpus]).open(encoding="utf-8") as fh:
            for line in fh:
                row = json.loads(line)
                if str(row["id"]) in ids:
                    out[str(row["id"])] = row
    return out


def run_check(articles: list[dict[str, Any]]) -> dict[tuple[str, int, int], dict[str, Any]]:
    """``auditor check`` over the articles; the claims rows by (doc, start, end)."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "labelled.jsonl"
        path.write_text("".join(json.dumps(a) + "\n" for a in articles), encoding="utf-8")
        exe = Path(sys.executable).with_name("auditor")
        cmd = [str(exe), "check", str(path), "--format", "jsonl", "--fail-on", "never"]
        res = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if res.returncode not in (0, 1):
        raise SystemExit(res.stderr)
    rows = [json.loads(x) for x in res.stdout.splitlines() if x.startswith("{")]
    return {(str(r["doc_id"]), int(r["start"]), int(r["end"])): r for r in rows}


def find(rows: dict[tuple[str, int, int], dict[str, Any]], label: dict[str, Any]) -> dict[str, Any] | None:
    """The tool's claim whose span overlaps the labelled span (the longest overlap)."""
    doc, start, end = str(label["doc"]), int(label["start"]), int(label["end"])
    best, overlap = None, 0
    for (d, s, e), row in rows.items():
        if d == doc and s < end and start < e and min(e, end) - max(s, start) > overlap:
            best, overlap = row, min(e, end) - max(s, start)
    return best


def tool_verdict(row: dict[str, Any] | None) -> str:
    if row is None:
        return "missed"
    verdict = str(row["verdict"])
    return "consistent" if verdict.startswith("matches") else verdict


def score_measures(labels: list[dict[str, Any]], rows: dict[Any, dict[str, Any]], show: int) -> None:
    right = total = 0
    wrong: Counter[tuple[str, str]] = Counter()
    for label in labels:
        row = find(rows, label)
        want = str(label["measure"])
        got = "missed" if row is None else str(row.get("measure") or "none")
        ok = got == want or (want in NO_MEASURE and got in ("none", "missed"))
        total += 1
        right += ok
        if not ok:
            wrong[(want, got)] += 1
    print(f"measure accuracy: {right}/{total} = {right / total:.3f}")
    print(
        "  most common confusions (label -> tool): "
        + ", ".join(f"{a}->{b} {n}" for (a, b), n in wrong.most_common(show))
    )


def score_scopes(labels: list[dict[str, Any]], rows: dict[Any, dict[str, Any]], show: int) -> None:
    right = total = events = events_as_totals = 0
    wrong: Counter[tuple[str, str]] = Counter()
    for label in labels:
        want = str(label.get("scope") or "none")
        if want not in ("event", "period", "stock"):
            continue
        row = find(rows, label)
        got = "missed" if row is None else str(row.get("scope") or "none")
        total += 1
        right += got == want
        if want == "event":
            events += 1
            events_as_totals += got in ("period", "stock")
        if got != want:
            wrong[(want, got)] += 1
    print(f"scope accuracy: {right}/{total} = {right / total:.3f}")
    print(f"  events read as a period or stock total: {events_as_totals}/{events}")
    print(
        "  most common confusions (label -> tool): "
        + ", ".join(f"{a}->{b} {n}" for (a, b), n in wrong.most_common(show))
    )


def score_verdicts(labels: list[dict[str, Any]], rows: dict[Any, dict[str, Any]], show: int) -> None:
    right = flagged = flagged_ok = errors = errors_caught = 0
    confusion: Counter[tuple[str, str]] = Counter()
    for label in labels:
        want, got = str(label["verdict"]), tool_verdict(find(rows, label))
        right += got == want
        confusion[(want, got)] += 1
        if got in FLAGS:
            flagged += 1
            flagged_ok += want in FLAGS
        if want in ERRORS:
            errors += 1
            errors_caught += got in FLAGS
    n = len(labels)
    print(f"verdict accuracy: {right}/{n} = {right / n:.3f}")
    precision = f"{flagged_ok / flagged:.3f}" if flagged else "n/a"
    print(f"flag precision: {flagged_ok}/{flagged} = {precision}")
    recall = f"{errors_caught / errors:.3f}" if errors else "n/a"
    print(f"error recall: {errors_caught}/{errors} = {recall}")
    print(
        "  confusion (label -> tool): "
        + ", ".join(f"{a}->{b} {k}" for (a, b), k in confusion.most_common(show))
    )
    # a tool that abstains scores well on accuracy when most labels are not_checkable: recall per label says
    # what share of each verdict it gives back
    per_label: Counter[str] = Counter(str(label["verdict"]) for label in labels)
    print(
        "  recall per labelled verdict: "
        + ", ".join(f"{v} {confusion[(v, v)]}/{k}" for v, k in sorted(per_label.items(), key=lambda x: -x[1]))
    )


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument(
        "--set", dest="which", choices=sorted(SETS), default="real", help="which labelled set to score"
    )
    ap.add_argument("--show", type=int, default=12, help="how many confusions to print")
    args = ap.parse_args()
    if not NEWS.exists():
        print(f"skipped: {NEWS} not found (the corpora live in ../shared/data/news)")
        return 0
    claims_name, verdicts_name = SETS[args.which]
    claims = yaml.safe_load((LABELS / f"{claims_name}.yaml").read_text(encoding="utf-8"))["claims"]
    verdicts = yaml.safe_load((LABELS / f"{verdicts_name}.yaml").read_text(encoding="utf-8"))["verdicts"]
    articles = load_articles({(c["corpus"], str(c["doc"])) for c in claims + verdicts})
    print(f"{claims_name}.yaml: {len(claims)} labelled claims")
    rows = run_check(list(articles.values()))
    score_measures(claims, rows, args.show)
    score_scopes(claims, rows, args.show)
    dates = {str(v["doc"]): v["date"] for v in verdicts}
    dated = [{**articles[d], "date": when} for d, when in dates.items() if d in articles]
    print(f"{verdicts_name}.yaml: {len(verdicts)} labelled verdicts in {len(dated)} articles")
    score_verdicts(verdicts, run_check(dated), args.show)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
