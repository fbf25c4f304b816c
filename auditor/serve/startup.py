"""What ``auditor serve`` loads once at start-up: the rules and the reference pack (validated, so a bad one fails
before the server listens, with the CLI's message), and what the methods footer and ``/healthz`` say of them."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Final

import pandas as pd

from auditor.checks.rules import RuleSet
from auditor.errors import UsageError
from auditor.io.documents import DEFAULT_MAX_DOC_BYTES
from auditor.report.run_info import RunInfo

#: Default request body limit (``--max-bytes``).
DEFAULT_MAX_BYTES: Final = 2 * 1024 * 1024
#: The environment variable that hands the settings to worker processes (``--workers`` above 1).
SETTINGS_VARIABLE: Final = "AUDITOR_SERVE_SETTINGS"


@dataclass(frozen=True, slots=True)
class ServeSettings:
    """The options of ``auditor serve`` that shape the application."""

    references: tuple[Path, ...] = ()
    #: check against the shipped pack as well as ``references`` (``--no-default-reference``: false)
    default_reference: bool = True
    rules_dir: Path | None = None
    max_bytes: int = DEFAULT_MAX_BYTES
    #: the largest article of a request (``--max-doc-bytes``, as on the other commands): 413 above it
    max_doc_bytes: int = DEFAULT_MAX_DOC_BYTES

    def __post_init__(self) -> None:
        if self.max_bytes < 1:
            raise UsageError("--max-bytes", self.max_bytes, reason="must be at least 1 byte")
        if self.max_doc_bytes < 1:
            raise UsageError("--max-doc-bytes", self.max_doc_bytes, reason="must be at least 1 byte")

    def to_environment(self) -> None:
        """Put the settings where worker processes read them (:meth:`from_environment`)."""
        os.environ[SETTINGS_VARIABLE] = json.dumps(
            {
                "references": [str(p) for p in self.references],
                "default_reference": self.default_reference,
                "rules_dir": None if self.rules_dir is None else str(self.rules_dir),
                "max_bytes": self.max_bytes,
                "max_doc_bytes": self.max_doc_bytes,
            }
        )

    @classmethod
    def from_environment(cls) -> ServeSettings:
        """The settings :meth:`to_environment` stored (the defaults when there are none)."""
        raw = os.environ.get(SETTINGS_VARIABLE)
        if not raw:
            return cls()
        data = json.loads(raw)
        rules = data.get("rules_dir")
        return cls(
            references=tuple(Path(p) for p in data.get("references", [])),
            default_reference=bool(data.get("default_reference", True)),
            rules_dir=None if rules is None else Path(rules),
            max_bytes=int(data.get("max_bytes", DEFAULT_MAX_BYTES)),
            max_doc_bytes=int(data.get("max_doc_bytes", DEFAULT_MAX_DOC_BYTES)),
        )


@dataclass(frozen=True, slots=True)
class Loaded:
    """Rules and references loaded once; read-only for every request."""

    settings: ServeSettings
    rules: RuleSet
    references: pd.DataFrame
    run: RunInfo
    started: datetime

    @property
    def version(self) -> str:
        """The auditor version serving."""
        return self.run.tool_version

    @property
    def reference_date(self) -> date | None:
        """The latest as-of date of the reference datasets loaded (the pack's date)."""
        dates = [d.as_of for d in self.run.reference_datasets if d.as_of is not None]
        return max(dates) if dates else None

    def run_for_request(self, run_id: str) -> RunInfo:
        """The methods footer of one request's page: the loaded rules and references, timed now."""
        now = datetime.now(UTC).replace(tzinfo=None)
        return replace(self.run, run_id=run_id, started=now, finished=now)


def load(settings: ServeSettings) -> Loaded:
    """Load and validate the rules and the reference pack of ``settings``; raises the CLI's
    :class:`~auditor.errors.RuleError` / :class:`~auditor.errors.ReferenceDataError`."""
    from auditor.checks import load_rules
    from auditor.history.methods import run_info
    from auditor.reference import load_reference_with_shipped

    rules = load_rules(settings.rules_dir)
    references = load_reference_with_shipped(settings.references, shipped=settings.default_reference)
    started = datetime.now(UTC)
    run = run_info(
        "serve",
        started,
        rules,
        rules_dir=settings.rules_dir,
        references=settings.references,
        default_reference=settings.default_reference,
    )
    return Loaded(settings=settings, rules=rules, references=references, run=run, started=started)
