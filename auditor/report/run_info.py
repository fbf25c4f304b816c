"""What a report says about the run that produced it: versions, reference datasets, tolerance policy."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from auditor.errors import DataError


@dataclass(frozen=True, slots=True)
class ReferenceDataset:
    """One reference dataset the run checked against; ``sha256`` is the hash of the file that was loaded."""

    name: str
    publisher: str
    as_of: date | None
    sha256: str
    url: str | None = None

    @classmethod
    def for_file(
        cls, path: Path, *, name: str, publisher: str, as_of: date | None, url: str | None = None
    ) -> ReferenceDataset:
        """Describe the dataset in ``path``, hashing its bytes."""
        return cls(name=name, publisher=publisher, as_of=as_of, sha256=sha256_file(path), url=url)


@dataclass(frozen=True, slots=True)
class RunInfo:
    """One audit run, as described in its report's methods footer."""

    run_id: str
    started: datetime
    finished: datetime | None
    tool_version: str
    rules_version: str
    rules_hash: str
    reference_datasets: tuple[ReferenceDataset, ...] = field(default_factory=tuple)
    tolerance_policy: str = ""

    def __post_init__(self) -> None:
        if not self.run_id.strip():
            raise DataError(
                f"RunInfo: field 'run_id' is empty (got {self.run_id!r}); allowed: a non-empty id"
            )
        if self.finished is not None and self.finished < self.started:
            raise DataError(
                f"RunInfo {self.run_id!r}: field 'finished' ({self.finished.isoformat()}) is before "
                f"'started' ({self.started.isoformat()}); allowed: finished >= started"
            )


def sha256_file(path: Path) -> str:
    """Hex SHA-256 of a file's bytes, read in blocks."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
