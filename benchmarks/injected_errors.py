"""Injected errors in real articles: are they caught, and how often does the clean text raise a flag? (issue 8 §6)

Takes the dated articles of ``../shared/data/news`` (FA-KES, Reported.ly, Wikipedia current events), checks them
as they are, then checks copies that each carry ONE error written into one claim, and reports per kind of error
the share of copies where the tool flags that claim (``needs_review``, ``likely_error`` or ``outdated``):

* ``slip_reference``: a claim the clean run confirmed against a reference series (``matches`` or
  ``matches_within_rounding``) with its number a thousand times larger ("250,000" -> "250,000,000", "4 million"
  -> "4 billion"): the slips a reference can catch;
* ``slip_restated``: a quantity the article states twice with the same number (same measure, not one event), the
  second time a thousand times larger: the slips the article itself betrays;
* ``restatement``: a total (a period or stock count of 1,000 or more, exact or "about", with no qualifier: no
  plan, threshold or part the sentence narrows; of a measure the
  ``conflicting_statements`` rules cover) whose sentence is repeated at the end of the article with the number
  1.8 times as large (beyond the rounding a round figure allows, within the ratio under which two figures are
  taken for one quantity): the same statement contradicting itself;
* ``parts``: a count of people (deaths, injured, refugees…) with an upper bound and no qualifier followed by ", including A children and B women," where A and B are
  each 0.9 times the total (plus one when that is a round number: "10" is read as anything from 5 to 15):
  parts larger than their whole, beyond the rounding of a round total.

The targets are drawn with a fixed seed among the claims that qualify; the edited texts exist only in memory
(nothing of the articles is written to the repository). False flags are reported two ways: flags of the clean
run per claim (an upper bound: most of them are real errors, see the labelled sets), and flags an injection
raised on another claim of its copy that the clean run did not flag (not counting the numbers the injection
wrote, such as the listed parts).

Usage: ``python benchmarks/injected_errors.py [--per-kind N] [--seed S]``. Skips (exit 0) when the shared
corpora are absent.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

import auditor
import auditor.checks

NEWS = Path(__file__).resolve().parents[2] / "shared" / "data" / "news"
CORPORA = ("fakes_syria", "reportedly_2015_09", "wikipedia_current_events_2015_09")
FLAGS = frozenset({"needs_review", "likely_error", "outdated"})
CONFIRMED = frozenset({"matches", "matches_within_rounding"})
_SCALE_UP = {"thousand": "million", "million": "billion", "billion": "trillion"}
_SCALE = re.compile(r"\b(thousand|million|billion)\b", re.IGNORECASE)
_DIGITS = re.compile(r"\d[\d,]*(?:\.\d+)?")
#: How much larger a restated figure is, and how large each listed part is, against the figure it contradicts.
RESTATED, PART = 1.8, 0.9
#: The measures whose counts "children" and "women" can be parts of (not troops, vehicles or money).
PEOPLE = (
    "deaths",
    "injured",
    "casualties",
    "missing",
    "dead_and_missing",
    "refugees",
    "migrants",
    "displaced",
    "internally_displaced",
    "arrivals",
    "people_in_need",
    "detained",
    "arrests",
)


@dataclass(frozen=True)
class Injection:
    """One edited copy of an article: its text, the claim starts that carry the error in the copy, and how the
    clean text's offsets move (offsets at or after ``at`` shift by ``shift``; the ``shift`` characters from ``at``
    are new). ``copied``: (where a repeated sentence starts in the copy, where it starts in the clean text)."""

    kind: str
    doc: auditor.Document
    targets: tuple[int, ...]
    at: int
    shift: int
    copied: tuple[int, int] | None = None

    def clean_offset(self, start: int) -> int | None:
        """Where a claim of the copy starts in the clean text; None for a number the injection wrote."""
        if self.copied is not None and start >= self.copied[0]:
            return self.copied[1] + start - self.copied[0]
        if self.at <= start < self.at + max(self.shift, 0):
            return None
        return start if start < self.at else start - self.shift


def _with_digits(surface: str, factor: float) -> str | None:
    """``surface`` with its last run of digits multiplied by ``factor`` (thousands separated as the article did,
    decimals kept only when the result needs them); None when it has no digits."""
    found = list(_DIGITS.finditer(surface))
    if not found:
        return None
    m = found[-1]
    value = float(m.group().replace(",", "")) * factor
    text = (
        f"{value:,.0f}" if value == round(value) or value >= 100 else f"{value:,.2f}".rstrip("0").rstrip(".")
    )
    if "," not in m.group() and value < 10_000:
        text = text.replace(",", "")
    return surface[: m.start()] + text + surface[m.end() :]


def slipped(surface: str) -> str | None:
    """The surface a thousand times larger: the scale word one step up, else the digits times 1,000."""
    scale = list(_SCALE.finditer(surface))
    if scale:
        m = scale[-1]
        word = _SCALE_UP[m.group().lower()]
        return (
            surface[: m.start()]
            + (word.capitalize() if m.group()[0].isupper() else word)
            + surface[m.end() :]
        )
    return _with_digits(surface, 1000)


def _replace(doc: auditor.Document, start: int, end: int, new: str) -> auditor.Document:
    return auditor.Document(
        doc_id=doc.doc_id, text=doc.text[:start] + new + doc.text[end:], title=doc.title, date=doc.date
    )


def _copy(doc: auditor.Document, kind: str, n: int, text: str) -> auditor.Document:
    return auditor.Document(doc_id=f"{doc.doc_id}~{kind}~{n}", text=text, title=doc.title, date=doc.date)


def inject_slip(doc: auditor.Document, claim: pd.Series, kind: str, n: int) -> Injection | None:
    new = slipped(str(claim["surface"]))
    if new is None:
        return None
    s, e = int(claim["start"]), int(claim["end"])
    edited = _replace(doc, s, e, new)
    return Injection(kind, _copy(doc, kind, n, edited.text), (s,), e, len(new) - (e - s))


def inject_restatement(doc: auditor.Document, claim: pd.Series, n: int) -> Injection | None:
    surface, sentence = str(claim["surface"]), str(claim["sentence"])
    new = _with_digits(surface, RESTATED)
    at = sentence.find(surface)
    if new is None or at < 0:
        return None
    copy = sentence[:at] + new + sentence[at + len(surface) :]
    text = doc.text.rstrip() + "\n\n" + copy
    begins = len(doc.text.rstrip()) + 2
    return Injection(
        "restatement",
        _copy(doc, "restatement", n, text),
        (int(claim["start"]), begins + at),
        len(text),
        0,
        copied=(begins, int(claim["start"]) - at),
    )


def inject_parts(doc: auditor.Document, claim: pd.Series, n: int) -> Injection | None:
    point = float(claim["value"]) if pd.notna(claim["value"]) else float(claim["high"])
    s, e = int(claim["start"]), int(claim["end"])
    at = e
    counted = claim["counted"]
    if isinstance(counted, str):
        found = doc.text.find(counted, e, e + len(counted) + 4)
        if found < 0:
            return None
        at = found + len(counted)
    if re.match(r"\s*[,;:.]?\s*(?:including|among|of whom|of which)\b", doc.text[at : at + 20]):
        return None  # parts are already listed: an injection would only add to them
    a = b = math.ceil(PART * point)
    if a % 10 == 0:
        a = b = a + 1  # a round part ("10") is read as anything from 5 to 15: write an exact one
    insert = f", including {a:,} children and {b:,} women,"
    text = doc.text[:at] + insert + doc.text[at:]
    return Injection("parts", _copy(doc, "parts", n, text), (s,), at, len(insert))


def load_documents() -> list[auditor.Document]:
    docs = []
    for corpus in CORPORA:
        for line in (NEWS / f"{corpus}.jsonl").read_text("utf-8").splitlines():
            row = json.loads(line)
            if row.get("date"):
                docs.append(
                    auditor.Document(
                        doc_id=row["id"], text=row["text"], title=row.get("title"), date=str(row["date"])[:10]
                    )
                )
    return docs


def checked(docs: list[auditor.Document]) -> pd.DataFrame:
    """The claims of ``docs`` with their verdicts."""
    result = auditor.check(docs)
    return result.claims.merge(result.verdicts[["doc_id", "claim_id", "verdict"]], on=["doc_id", "claim_id"])


def _rule_measures(check: str) -> set[str]:
    """The measures the shipped rules of ``check`` cover."""
    measures: set[str] = set()
    for rule in auditor.checks.load_rules(None).rules:
        if rule.check.name == check and rule.scope.measures is not None:
            measures |= rule.scope.measures
    return measures


def candidates(claims: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """The claims each kind of injection may target (see the module docstring)."""
    point = claims["value"].fillna(claims["low"]).fillna(claims["high"])
    total = claims["measure"].notna() & claims["scope"].isin(["period", "stock"])
    restatable = claims["measure"].isin(sorted(_rule_measures("conflicting_statements")))
    # a plan, a threshold or a part the sentence narrows is no total of its own
    total &= claims["qualifier"].isna()
    exact = claims["comparator"].isin(["eq", "approx"])
    restated = claims[total & exact & (point >= 1000)].assign(point=point)
    twice = restated[restated.duplicated(["doc_id", "measure", "point"], keep="first")]
    return {
        "slip_reference": claims[claims["verdict"].isin(list(CONFIRMED))],
        "slip_restated": twice,
        "restatement": claims[total & exact & restatable & (point >= 1000) & (claims["kind"] == "count")],
        "parts": claims[
            (claims["kind"] == "count")
            & claims["measure"].isin(list(PEOPLE))
            & claims["qualifier"].isna()
            & claims["comparator"].isin(["eq", "approx", "le", "lt"])
            & (point >= 10)
        ],
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--per-kind", type=int, default=2000, help="copies per kind of error (at most)")
    parser.add_argument("--seed", type=int, default=20261208)
    args = parser.parse_args()
    if not NEWS.is_dir():
        print(f"skipped: the shared corpora are not at {NEWS}")
        return 0
    docs = load_documents()
    by_id = {d.doc_id: d for d in docs}
    clean = checked(docs)
    clean_flags = clean[clean["verdict"].isin(list(FLAGS))]
    flagged_clean = set(zip(clean_flags["doc_id"], clean_flags["start"], strict=True))
    rng = random.Random(args.seed)
    makers: dict[str, Callable[[auditor.Document, pd.Series, int], Injection | None]] = {
        "slip_reference": lambda d, c, n: inject_slip(d, c, "slip_reference", n),
        "slip_restated": lambda d, c, n: inject_slip(d, c, "slip_restated", n),
        "restatement": inject_restatement,
        "parts": inject_parts,
    }
    injections: list[Injection] = []
    eligible: dict[str, int] = {}
    for kind, pool in candidates(clean).items():
        rows = [row for _, row in pool.iterrows()]
        rng.shuffle(rows)
        made = 0
        for row in rows:
            if made == args.per_kind:
                break
            injection = makers[kind](by_id[str(row["doc_id"])], row, made)
            if injection is not None:
                injections.append(injection)
                made += 1
        eligible[kind] = len(rows)
    copies = checked([i.doc for i in injections])
    flags = copies[copies["verdict"].isin(list(FLAGS))]
    flagged = {doc: set(group["start"]) for doc, group in flags.groupby("doc_id")}
    print(
        f"clean: {len(docs):,} articles, {len(clean):,} claims, {len(clean_flags)} flagged "
        f"= {len(clean_flags) / len(clean):.2%} of claims (upper bound of false flags)"
    )
    collateral = 0
    print("| injected error | eligible claims | copies | caught | rate |")
    print("|---|---|---|---|---|")
    for kind in makers:
        done = [i for i in injections if i.kind == kind]
        caught = 0
        for inj in done:
            starts = flagged.get(inj.doc.doc_id, set())
            caught += bool(starts & set(inj.targets))
            original = inj.doc.doc_id.split("~", 1)[0]
            for start in starts - set(inj.targets):
                before = inj.clean_offset(start)
                collateral += before is not None and (original, before) not in flagged_clean
        rate = caught / len(done) if done else float("nan")
        print(f"| {kind} | {eligible[kind]:,} | {len(done)} | {caught} | {rate:.1%} |")
    print(
        f"new flags on other claims of the copies: {collateral} over {len(copies):,} claims "
        f"= {collateral / len(copies):.2%}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
