"""``auditor extract|check PATH... --dask ADDRESS --out DIR``: the run on a Dask cluster, seen from the client.

The client plans the parts (:func:`auditor.io.parts.plan_parts`: it reads no document), sends one task per
part (:func:`auditor.cluster.tasks.run_part`) to the scheduler at ``ADDRESS`` (``tcp://host:8786``) or to a
``distributed.LocalCluster`` of ``N`` worker processes it starts for ``local:N``, and prints what each part
reports as it finishes: its bad documents (``error: FILE:LINE: reason``) and warnings. A part that fails (an
internal error, a worker lost more often than the scheduler allows) is reported with its place in the sources
and the other parts still complete. Workers must see the sources, the rules, the reference files and ``DIR`` at
the same paths (one machine, or a shared file system). The workers of ``local:N`` run without Dask's statistical
profiler, whose history grows a worker's memory with the run's length (for a scheduler of yours, set
``distributed.worker.profile.enabled: false`` in its workers' Dask configuration for the same).

Ids must be unique across parts, as across the files of a local run. As a local run keeps the first document
of an id and reports the others, a part that read an id an earlier part read too is run again without it
(the repeated documents are reported as ``error: FILE:LINE: duplicate document id ...``, exit status 2), so
the rows are those of a local run; only parts with such an id are run twice.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

import click

from auditor.checks.presentation import Coverage
from auditor.cluster.tasks import Job, PartResult, checking_data, run_part
from auditor.errors import EXIT_BAD_INPUT, EXIT_FINDINGS, EXIT_INTERNAL, EXIT_OK, DocumentError, UsageError
from auditor.history.methods import Fingerprint, fingerprint
from auditor.io import parquet_parts as parquet
from auditor.io.destinations import open_text
from auditor.io.parts import Part, plan_parts
from auditor.schemas import SEVERITIES

INSTALL: Final = "pip install 'auditor[dask]'"
_LOCAL: Final = re.compile(r"local:(\d+)")
_REMOTE: Final = re.compile(r"(tcp|tls|inproc|ucx|ws|wss)://\S+")


@dataclass(slots=True)
class DaskRun:
    """What a run did, part by part (``failed``: the parts that raised, with their message; ``unreadable``:
    sources found bad while planning the parts)."""

    parts: list[Part]
    results: dict[int, PartResult] = field(default_factory=dict)
    failed: dict[int, str] = field(default_factory=dict)
    unreadable: int = 0

    @property
    def bad(self) -> int:
        """Bad documents and sources, every part's included."""
        return self.unreadable + sum(len(r.errors) for r in self.results.values())

    @property
    def coverage(self) -> Coverage:
        """The coverage counts of every part (check)."""
        total = Coverage()
        for result in self.results.values():
            if result.coverage is not None:
                for name in ("found", "checked", "attention", "not_checkable"):
                    setattr(total, name, getattr(total, name) + getattr(result.coverage, name))
        return total

    @property
    def worst(self) -> int:
        """The worst finding severity of every part (an index of SEVERITIES, -1 for none)."""
        return max((r.worst for r in self.results.values()), default=-1)

    @property
    def undated(self) -> int:
        """Articles read without a date."""
        return sum(r.undated for r in self.results.values())

    def exit_code(self, fail_on: str = "never") -> int:
        """3 when a part failed, else 2 for bad documents, else 1 when a finding reaches ``fail_on``, else 0."""
        if self.failed:
            return EXIT_INTERNAL
        if self.bad:
            return EXIT_BAD_INPUT
        if fail_on != "never" and self.worst >= SEVERITIES.index(fail_on):
            return EXIT_FINDINGS
        return EXIT_OK

    def summary(self) -> str:
        """``dask: 12 parts · 4,000 documents · 9,120 rows · 1 part failed``."""
        docs = sum(r.documents for r in self.results.values())
        rows = sum(r.rows for r in self.results.values())
        line = f"dask: {len(self.parts):,} parts · {docs:,} documents · {rows:,} rows"
        return line + (f" · {len(self.failed):,} parts failed" if self.failed else "")


def check_address(address: str) -> str:
    """``address`` when it is ``local:N`` (N >= 1) or a scheduler URL; else a :class:`UsageError`."""
    local = _LOCAL.fullmatch(address)
    if (local and int(local.group(1)) >= 1) or _REMOTE.fullmatch(address):
        return address
    raise UsageError(
        "--dask", address, reason="allowed: a scheduler address such as tcp://host:8786, or local:N"
    )


@contextmanager
def dask_client(address: str) -> Iterator[Any]:
    """A ``distributed.Client`` on ``address`` (for ``local:N``, on a LocalCluster it starts and stops); a
    :class:`UsageError` saying how to install Dask when it is missing."""
    check_address(address)
    try:
        from distributed import Client
    except ImportError:
        raise UsageError(
            "--dask", address, reason=f"Dask is not installed; install it with: {INSTALL}"
        ) from None
    local = _LOCAL.fullmatch(address)
    if local is None:
        with Client(address, timeout="30s") as client:
            yield client
        return
    with local_cluster(int(local.group(1))) as cluster, Client(cluster) as client:
        yield client


def local_cluster(workers: int) -> Any:
    """A ``distributed.LocalCluster`` of ``workers`` processes, one thread each, without the workers'
    statistical profiler: it keeps a call tree of each second (about 140 kB here) for the last 1,000 s
    (``distributed.admin.low-level-log-length``), so a worker's memory grew with the length of the run."""
    import dask
    from distributed import LocalCluster

    with dask.config.set({"distributed.worker.profile.enabled": False}):  # read when the workers start
        return LocalCluster(
            n_workers=workers,
            threads_per_worker=1,
            processes=True,
            dashboard_address=":0",  # any free port: 8787 may be taken by another cluster
            memory_limit=0,
        )


def _to_stderr(message: str) -> None:
    click.echo(message, err=True)


def run_on_dask(
    job: Job,
    sources: Sequence[str],
    address: str,
    part_bytes: int,
    echo: Callable[[str], None] = _to_stderr,
) -> DaskRun:
    """Run ``job`` over ``sources`` on ``address``, writing its Parquet dataset under ``job.out``; ``echo``
    prints one message (an error, a warning, the summary line; default: to standard error)."""
    check_address(address)
    prints = None
    if job.command == "check":  # bad rules stop here, not per part; their hashes go to the manifest
        rules, _ = checking_data(job.rules_dir, job.references, job.shipped_reference)
        references = [Path(r) for r in job.references]
        prints = fingerprint(rules, references=references, default_reference=job.shipped_reference)
    out = Path(job.out)
    bad = 0

    def unreadable(error: DocumentError) -> None:
        nonlocal bad
        bad += 1
        echo(f"error: {error}")

    parts = plan_parts(sources, part_bytes, unreadable)
    _clear(out)
    run = DaskRun(parts, unreadable=bad)
    with dask_client(address) as client:
        _run_parts(client, job, run, dict.fromkeys(range(len(parts)), frozenset()), echo)
        _run_parts(client, job, run, _repeated_ids(run), echo)
    _write_manifest(out, job, sources, run, prints)
    echo(f"{run.summary()} · written to {out}")
    return run


def _run_parts(
    client: Any, job: Job, run: DaskRun, taken: dict[int, frozenset[str]], echo: Callable[[str], None]
) -> None:
    """Run the parts ``taken`` names, each skipping the ids it maps to, and print what each reports as it
    finishes (a part run again prints only what it did not say the first time)."""
    from distributed import as_completed

    futures = {client.submit(run_part, job, i, run.parts[i], ids, pure=False): i for i, ids in taken.items()}
    for future in as_completed(futures):
        # the part's result leaves the worker once read: a worker's memory stays that of one part
        index = futures.pop(future)
        try:
            result = future.result()
            future.release()
        except Exception as exc:
            run.failed[index] = f"{type(exc).__name__}: {exc}"
            if run.results.pop(index, None) is not None:  # its file holds rows it should not
                _remove_part(Path(job.out), index)
            echo(
                f"internal error: part {index} ({run.parts[index].name()}): {run.failed[index]}; its rows are "
                "missing, the other parts are complete. This is a bug, please report it."
            )
            continue
        earlier = run.results.get(index)
        said = {*earlier.warnings, *earlier.errors} if earlier else set()
        run.results[index] = result
        for message in result.warnings:
            if message not in said:
                echo(f"warning: {message}")
        for message in result.errors:
            if message not in said:
                echo(f"error: {message}")


def _repeated_ids(run: DaskRun) -> dict[int, frozenset[str]]:
    """Per part, the ids it read that an earlier part read too: a local run reads the parts in this order and
    skips a repeated id (reported as a duplicate), so these parts are run again without them."""
    first: dict[str, int] = {}
    repeated: dict[int, set[str]] = {}
    for index in sorted(run.results):
        for doc_id in run.results[index].ids:
            if first.setdefault(doc_id, index) != index:
                repeated.setdefault(index, set()).add(doc_id)
    return {index: frozenset(ids) for index, ids in repeated.items()}


def _clear(out: Path) -> None:
    """Remove the part files and manifest of an earlier run in ``out``, so the folder holds one run."""
    if out.exists() and not out.is_dir():
        raise UsageError("--out", str(out), reason="is a file; give a folder (created when missing)")
    for table in (parquet.CLAIMS, parquet.DOCUMENTS):
        for path in parquet.part_files(out / table):
            path.unlink()
    (out / parquet.MANIFEST).unlink(missing_ok=True)


def _remove_part(out: Path, index: int) -> None:
    for table in (parquet.CLAIMS, parquet.DOCUMENTS):
        (out / table / parquet.part_name(index)).unlink(missing_ok=True)


def _write_manifest(
    out: Path, job: Job, sources: Sequence[str], run: DaskRun, prints: Fingerprint | None
) -> None:
    parts = []
    for index, part in enumerate(run.parts):
        result = run.results.get(index)
        parts.append(
            {
                "file": parquet.part_name(index),
                "source": part.name(),
                "documents": result.documents if result else None,
                "rows": result.rows if result else None,
                "errors": len(result.errors) if result else None,
                "failed": run.failed.get(index),
            }
        )
    manifest = {
        "command": job.command,
        "sources": list(sources),
        "rules": job.rules_dir,
        "references": list(job.references),
        "shipped_reference": job.shipped_reference,
        "rules_hash": prints.rules_hash if prints else None,
        "reference_hash": prints.reference_hash if prints else None,
        "complete": not run.failed,
        "parts": parts,
    }
    with open_text(out / parquet.MANIFEST, make_parents=True) as stream:
        json.dump(manifest, stream, indent=1)
        stream.write("\n")
