"""What range of true values a stated number allows, from its hedge (comparator, low/high) and its rounding.

Three nested intervals per claim, all vectorised over a claims table:

``strict``
    what the words say, read as a reader would: an exact "11 million" is [11M, 11M]; "about 4 million" is 4M ±
    ``approx_margin``; "more than 250,000" is [250,000, 250,000 × (1 + ``open_slack``)] (a reader who sees "more
    than 250,000" does not picture 400,000); "nearly 4 million" is [4M × (1 − ``open_slack``), 4M].
``rounded``
    ``strict`` widened by half the stated ``precision`` ("11 million" with precision 1e6 is [10.5M, 11.5M]) on the
    sides where the number is a rounded value (not on the bound side of "more than X").
``hard``
    what is logically allowed: the rounded interval for exact, approximate and range claims; [X, ∞) for "more than
    X" and [0, X] for "fewer than X" (−∞ for negative X). A reference outside ``rounded`` but inside ``hard`` makes
    the claim technically true but misleading.
"""

from __future__ import annotations

from typing import Final

import numpy as np
import pandas as pd

INTERVAL_COLUMNS: Final = ("strict_low", "strict_high", "round_low", "round_high", "hard_low", "hard_high")
_LOWER: Final = ("gt", "ge")
_UPPER: Final = ("lt", "le")


def claim_intervals(claims: pd.DataFrame, *, approx_margin: float, open_slack: float) -> pd.DataFrame:
    """The strict, rounded and hard intervals of every claim (index aligned with ``claims``)."""
    cmp = claims["comparator"].astype("object").to_numpy()
    value = claims["value"].to_numpy(dtype="float64")
    low = claims["low"].to_numpy(dtype="float64")
    high = claims["high"].to_numpy(dtype="float64")
    half = np.nan_to_num(claims["precision"].to_numpy(dtype="float64"), nan=0.0) / 2.0
    approx = claims["approx"].fillna(False).to_numpy(dtype=bool) | (cmp == "approx")

    is_lower = np.isin(cmp, _LOWER)
    is_upper = np.isin(cmp, _UPPER)
    is_range = cmp == "range"
    point = np.where(np.isnan(value), np.where(is_lower, low, high), value)
    base_low = np.where(is_lower & ~np.isnan(low), low, point)
    base_high = np.where(is_upper & ~np.isnan(high), high, point)

    margin = np.where(approx & ~is_lower & ~is_upper & ~is_range, approx_margin * np.abs(point), 0.0)
    strict_low = np.select(
        [is_range, is_lower, is_upper], [low, base_low, _shrink(base_high, open_slack)], point
    )
    strict_high = np.select(
        [is_range, is_lower, is_upper], [high, _grow(base_low, open_slack), base_high], point
    )
    strict_low = strict_low - margin
    strict_high = strict_high + margin

    round_low = np.where(is_lower, strict_low, strict_low - half)
    round_high = np.where(is_upper, strict_high, strict_high + half)
    hard_low = np.where(is_upper, np.where(base_high < 0, -np.inf, 0.0), round_low)
    hard_high = np.where(is_lower, np.inf, round_high)
    return pd.DataFrame(
        dict(
            zip(
                INTERVAL_COLUMNS,
                (strict_low, strict_high, round_low, round_high, hard_low, hard_high),
                strict=True,
            )
        ),
        index=claims.index,
    )


def _grow(x: np.ndarray, slack: float) -> np.ndarray:
    return np.where(x >= 0, x * (1 + slack), x * (1 - slack))


def _shrink(x: np.ndarray, slack: float) -> np.ndarray:
    return np.where(x >= 0, x * (1 - slack), x * (1 + slack))


def overlaps(low_a: pd.Series, high_a: pd.Series, low_b: pd.Series, high_b: pd.Series) -> pd.Series:
    """Element-wise: do the closed intervals [low_a, high_a] and [low_b, high_b] intersect?"""
    return (low_a <= high_b) & (low_b <= high_a)


def gap_ratio(low_a: pd.Series, high_a: pd.Series, low_b: pd.Series, high_b: pd.Series) -> pd.Series:
    """How far apart two positive intervals are, as a ratio >= 1 (1 when they touch or overlap)."""
    ratio = gap_ratios(*(np.asarray(x, dtype="float64") for x in (low_a, high_a, low_b, high_b)))
    return pd.Series(ratio, index=low_a.index)


def gap_ratios(low_a: np.ndarray, high_a: np.ndarray, low_b: np.ndarray, high_b: np.ndarray) -> np.ndarray:
    """:func:`gap_ratio` over float arrays."""
    with np.errstate(divide="ignore", invalid="ignore"):
        above = low_a / high_b
        below = low_b / high_a
    ratio = np.fmax(np.fmax(above, below), 1.0)
    return np.where(np.isfinite(ratio), ratio, np.inf)
