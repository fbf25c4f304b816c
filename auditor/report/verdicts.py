"""How each verdict looks and reads in a report, and the run's coverage counts.

One table of styles serves the HTML (word, icon, colour, underline) and the charts (colour, marker, hatch),
so a verdict looks the same everywhere. Colours are the Okabe-Ito colour-blind-safe palette, and every verdict
also has its own word, icon, marker shape and hatch: status is never shown by colour alone.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Final

import pandas as pd

from auditor.checks.messages import REASON_WORDS


@dataclass(frozen=True, slots=True)
class VerdictStyle:
    """The look of one verdict: ``rank`` orders verdicts worst first."""

    verdict: str
    word: str
    rank: int
    colour: str
    marker: str
    hatch: str
    icon: str
    passing: bool
    #: One sentence an editor reads under the finding: why the claim may still be right.
    still_fine: str


STYLES: Final[dict[str, VerdictStyle]] = {
    s.verdict: s
    for s in (
        VerdictStyle(
            "likely_error",
            "Likely error",
            0,
            "#D55E00",
            "X",
            "xx",
            "cross",
            False,
            "The article may count a different group, place or period than the reference, or quote a source "
            "that published a different figure; check the wording and the attribution before correcting.",
        ),
        VerdictStyle(
            "outdated",
            "Outdated",
            1,
            "#CC79A7",
            "D",
            "\\\\",
            "clock",
            False,
            "The older figure may be quoted on purpose (a dated statement or a historical comparison); "
            "if so, the sentence should say when it was true.",
        ),
        VerdictStyle(
            "needs_review",
            "Needs review",
            2,
            "#E69F00",
            "^",
            "//",
            "question",
            False,
            "The difference may come from rounding, a hedge, a different definition or a reference that is "
            "itself uncertain; a person should look at both figures.",
        ),
        VerdictStyle(
            "not_checkable",
            "Not checkable",
            3,
            "#8C8C8C",
            "P",
            "..",
            "dash",
            False,
            "Nothing was found to compare it with, which says nothing about whether it is right.",
        ),
        VerdictStyle(
            "matches_within_rounding",
            "Matches within rounding",
            4,
            "#56B4E9",
            "s",
            "--",
            "approx",
            True,
            "The stated figure is a rounded or hedged form of the reference value.",
        ),
        VerdictStyle(
            "matches",
            "Matches",
            5,
            "#009E73",
            "o",
            "",
            "tick",
            True,
            "The stated figure agrees with the reference.",
        ),
    )
}

#: Verdicts worst first.
ORDER: Final = tuple(sorted(STYLES, key=lambda v: STYLES[v].rank))
#: Verdicts that ask an editor to look at the claim (likely errors included).
ATTENTION: Final = ("likely_error", "outdated", "needs_review")

#: Why a claim could not be checked, in words (keys are the schema's ``NOT_CHECKABLE_REASONS``).
REASONS: Final = REASON_WORDS


def style(verdict: str) -> VerdictStyle:
    """The style of ``verdict`` (one of :data:`auditor.schemas.VERDICTS`)."""
    return STYLES[verdict]


@dataclass(frozen=True, slots=True)
class Coverage:
    """Counts behind the summary line; ``attention`` includes the likely errors."""

    found: int
    checked: int
    attention: int
    likely_errors: int
    not_checkable: int

    @classmethod
    def of(cls, verdicts: pd.DataFrame) -> Coverage:
        """Count a verdicts table (one row per claim)."""
        return cls.count(verdicts["verdict"])

    @classmethod
    def count(cls, verdicts: Iterable[str]) -> Coverage:
        """Count verdicts, one per claim."""
        counts = Counter(verdicts)
        found = sum(counts.values())
        not_checkable = int(counts.get("not_checkable", 0))
        return cls(
            found=found,
            checked=found - not_checkable,
            attention=int(sum(int(counts.get(v, 0)) for v in ATTENTION)),
            likely_errors=int(counts.get("likely_error", 0)),
            not_checkable=not_checkable,
        )

    def line(self) -> str:
        """The summary line, e.g.
        ``"312 numbers found · 240 checked · 9 need attention · 3 likely errors · 72 not checkable"``."""
        return " · ".join(
            (
                _count(self.found, "number found", "numbers found"),
                f"{self.checked:,} checked",
                _count(self.attention, "needs attention", "need attention"),
                _count(self.likely_errors, "likely error", "likely errors"),
                f"{self.not_checkable:,} not checkable",
            )
        )


def _count(n: int, one: str, many: str) -> str:
    return f"{n:,} {one if n == 1 else many}"


def worst(verdicts: pd.Series) -> str | None:
    """The worst verdict in ``verdicts`` (``None`` when empty)."""
    present = set(verdicts.dropna())
    return next((v for v in ORDER if v in present), None)
