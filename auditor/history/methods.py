"""What a run's verdicts were computed with: the installed version, the rules' hash and the reference files
(:class:`Fingerprint`, recorded with each run so ``--recheck`` can tell stale verdicts), and the methods footer
of its report (:func:`run_info`)."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import pandas as pd

from auditor import reference as reference_data
from auditor.checks.rules import RuleSet
from auditor.reference import pack
from auditor.report.run_info import ReferenceDataset, RunInfo, sha256_file
from auditor.resources import reference_dir


def tool_version() -> str:
    """The installed auditor version, or ``unknown`` from a bare checkout."""
    try:
        return version("auditor")
    except PackageNotFoundError:
        return "unknown"


@dataclass(frozen=True, slots=True)
class Fingerprint:
    """The inputs a verdict depends on besides its article: the rules (hash of every rule file, by name and
    bytes) and the reference files loaded (name and sha256 of each)."""

    rules_hash: str
    datasets: tuple[ReferenceDataset, ...]

    @property
    def reference_files(self) -> Mapping[str, str]:
        """Reference file name -> sha256 of its bytes."""
        return {d.name: d.sha256 for d in self.datasets}

    @property
    def reference_hash(self) -> str:
        """One hash of every reference file loaded (names and contents, in name order)."""
        digest = hashlib.sha256()
        for name, sha in sorted((d.name, d.sha256) for d in self.datasets):
            digest.update(f"{name}\x00{sha}\n".encode())
        return digest.hexdigest()


def fingerprint(rules: RuleSet, *, references: Sequence[Path], default_reference: bool = True) -> Fingerprint:
    """The fingerprint of checking with ``rules`` against ``references`` (added to the shipped pack unless not
    ``default_reference``)."""
    digest = hashlib.sha256()
    for path in sorted(rules.files):
        digest.update(path.name.encode("utf-8") + b"\x00" + path.read_bytes())
    return Fingerprint(
        rules_hash=digest.hexdigest(),
        datasets=_reference_datasets(references, default_reference=default_reference),
    )


def run_info(
    run_id: str,
    started: datetime,
    rules: RuleSet,
    *,
    rules_dir: Path | None,
    references: Sequence[Path],
    default_reference: bool = True,
    finished: datetime | None = None,
    prints: Fingerprint | None = None,
) -> RunInfo:
    """What the methods footer says of a run on ``rules`` (loaded from ``rules_dir``, None for the shipped ones)
    and the reference files ``references`` (added to the shipped pack unless not ``default_reference``);
    ``finished`` defaults to now; ``prints`` (their :func:`fingerprint`) is computed when not given."""
    prints = prints or fingerprint(rules, references=references, default_reference=default_reference)
    where = "shipped rules" if rules_dir is None else f"rules from {rules_dir}"
    return RunInfo(
        run_id=run_id,
        started=started.replace(tzinfo=None),
        finished=(finished or datetime.now(UTC)).replace(tzinfo=None),
        tool_version=tool_version(),
        rules_version=f"{where}, {len(rules.rules)} rules ({prints.rules_hash[:12]})",
        rules_hash=prints.rules_hash,
        reference_datasets=prints.datasets,
        tolerance_policy=_tolerance_policy(rules),
    )


def _reference_datasets(
    references: Sequence[Path], *, default_reference: bool
) -> tuple[ReferenceDataset, ...]:
    """One entry per reference file loaded: its publishers, latest as-of date and sha256."""
    shipped = (reference_dir(),) if default_reference else ()
    files = reference_data.reference_files((*shipped, *references))
    datasets = []
    for path in files:
        table = pack.read_pack_csv(path)
        dates = pd.to_datetime(table["date"], errors="coerce").dropna()
        urls = table["url"].dropna() if "url" in table else pd.Series(dtype="str")
        datasets.append(
            ReferenceDataset(
                name=path.stem,
                publisher=", ".join(sorted(set(table["publisher"].dropna().astype(str)))),
                as_of=dates.max().date() if not dates.empty else None,
                sha256=sha256_file(path),
                url=str(urls.iloc[0]) if not urls.empty else None,
            )
        )
    return tuple(datasets)


def _tolerance_policy(rules: RuleSet) -> str:
    tolerances = sorted({spec.tolerance for spec in rules.references})
    days = sorted({spec.max_days for spec in rules.references})
    if not tolerances:
        return "No reference series are configured: claims are only checked against each other."
    span = f"{tolerances[0]:.0%}" if len(tolerances) == 1 else f"{tolerances[0]:.0%} to {tolerances[-1]:.0%}"
    gap = f"{days[0]}" if len(days) == 1 else f"{days[0]} to {days[-1]}"
    return (
        "A stated number is read as the interval its hedge and rounding allow, widened by the series' "
        f"tolerance ({span}), and compared with the latest reference observation at most {gap} days before "
        "the claim's date."
    )
