"""Shared fixtures: the one home for paths to ``../shared`` and to the repository's own data."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from fastapi import FastAPI
    from fastapi.testclient import TestClient

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


@pytest.fixture(scope="session")
def serve_app() -> FastAPI:
    """``auditor serve``'s application on the shipped rules and reference pack (loaded once per session)."""
    from auditor.serve import create_app

    return create_app()


@pytest.fixture(scope="session")
def serve_client(serve_app: FastAPI) -> Iterator[TestClient]:
    """The framework's test client on :func:`serve_app`; an internal error comes back as its 500 response."""
    from fastapi.testclient import TestClient

    with TestClient(serve_app, raise_server_exceptions=False) as client:
        yield client


@pytest.fixture(scope="session")
def dask_cluster() -> Iterator[str]:
    """The scheduler address of a Dask LocalCluster with two worker processes (started once per session)."""
    pytest.importorskip("distributed", reason="Dask is not installed (pip install 'auditor[dask]')")
    from auditor.cluster.run import local_cluster

    with local_cluster(2) as local:  # the cluster ``--dask local:2`` starts
        yield str(local.scheduler_address)
