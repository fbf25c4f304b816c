"""Shared fixtures: the one home for paths to ``../shared`` and to the repository's own data."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


def shared_root() -> Path | None:
    """``../shared`` beside the checkout (or ``$AUDITOR_SHARED``), when it exists."""
    env = os.environ.get("AUDITOR_SHARED")
    candidate = Path(env) if env else REPO.parent / "shared"
    return candidate if candidate.is_dir() else None


@pytest.fixture
def shared() -> Path:
    """The shared data folder; skips the test with a clear reason when it is absent."""
    root = shared_root()
    if root is None:
        pytest.skip("../shared is not present beside the checkout (set AUDITOR_SHARED to point at it)")
    return root


@pytest.fixture
def repo() -> Path:
    """The repository root."""
    return REPO
