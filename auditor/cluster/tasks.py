"""What a Dask worker does with one part: read it, extract (and check) it batch by batch, write its Parquet file.

:func:`run_part` is the task the scheduler sends; it uses the functions ``auditor extract`` and ``auditor check``
use per batch (:func:`~auditor.claims.extract.extract_batches`, :func:`~auditor.checks.engine.check_claims`,
:func:`~auditor.checks.presentation.per_claim`), so a part's rows are the rows a local run gives for its
documents. Rules and reference data are loaded once per worker process (:func:`checking_data`, cached by their
paths), not once per part. Bad documents do not fail the part: they are returned as messages, with the warnings
the part raised, for the client to print.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import date
from functools import lru_cache
from itertools import islice
from pathlib import Path
from typing import Literal

import pandas as pd

from auditor.checks import engine, presentation
from auditor.checks.rules import RuleSet
from auditor.claims.extract import extract_batches
from auditor.errors import DocumentError
from auditor.io import parquet_parts as parquet
from auditor.io.documents import Document, documents_frame
from auditor.io.parts import Part, read_part
from auditor.reference import load_reference_with_shipped
from auditor.schemas import SEVERITIES, ClaimsSchema, validate


@dataclass(frozen=True, slots=True)
class Job:
    """The options of one ``extract``/``check --dask`` run, sent with every part."""

    command: Literal["extract", "check"]
    out: str
    all_numbers: bool = False
    as_of: date | None = None
    date_order: str | None = None
    max_doc_bytes: int | None = None
    batch_size: int = 5000
    rules_dir: str | None = None
    references: tuple[str, ...] = ()
    shipped_reference: bool = True


@dataclass(frozen=True, slots=True)
class PartResult:
    """What one part did: its documents and rows, the ids it read (compared across parts by the client), the
    error and warning messages of its bad documents, and (check) its coverage and worst severity (an index
    of :data:`~auditor.schemas.SEVERITIES`, -1 for no finding)."""

    index: int
    documents: int
    rows: int
    ids: tuple[str, ...]
    errors: tuple[str, ...]
    warnings: tuple[str, ...]
    coverage: presentation.Coverage | None = None
    worst: int = -1
    undated: int = 0


@lru_cache(maxsize=4)
def checking_data(
    rules_dir: str | None, references: tuple[str, ...], shipped: bool
) -> tuple[RuleSet, pd.DataFrame]:
    """The rules and the reference table of a job, loaded once per worker process for the same paths."""
    rules = engine.load_rules(Path(rules_dir) if rules_dir else None)
    return rules, load_reference_with_shipped(references, shipped=shipped)


def run_part(job: Job, index: int, part: Part, taken: frozenset[str] = frozenset()) -> PartResult:
    """Process part ``index`` and write ``<out>/claims/part-<index>.parquet`` (and ``documents/`` for check);
    the documents of an id in ``taken`` (read by an earlier part) are skipped as duplicates."""
    errors: list[str] = []

    def report(error: DocumentError) -> None:
        errors.append(str(error))

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", UserWarning)
        docs = [
            replace(d, date=job.as_of) if job.as_of else d
            for d in read_part(
                part,
                on_error=report,
                date_order=job.date_order,
                max_doc_bytes=job.max_doc_bytes,
                taken=taken,
            )
        ]
        result = _check(job, index, docs) if job.command == "check" else _extract(job, index, docs)
    said = tuple(str(w.message) for w in caught if issubclass(w.category, UserWarning))
    return replace(result, errors=tuple(errors), warnings=said)


def _batches(docs: list[Document], size: int) -> Iterator[list[Document]]:
    it = iter(docs)
    while batch := list(islice(it, size)):
        yield batch


def _extract(job: Job, index: int, docs: list[Document]) -> PartResult:
    frames = extract_batches(docs, all_numbers=job.all_numbers, batch_size=job.batch_size)
    folder = Path(job.out, parquet.CLAIMS)
    rows = parquet.write_part(folder / parquet.part_name(index), frames, parquet.arrow_schema(parquet.CLAIMS))
    return PartResult(index, len(docs), rows, tuple(d.doc_id for d in docs), (), ())


def _check(job: Job, index: int, docs: list[Document]) -> PartResult:
    rules, references = checking_data(job.rules_dir, job.references, job.shipped_reference)
    coverage = presentation.Coverage()
    worst = -1

    def checked() -> Iterator[pd.DataFrame]:
        nonlocal worst
        for batch in _batches(docs, job.batch_size):
            frames = list(extract_batches(batch, all_numbers=job.all_numbers, batch_size=len(batch)))
            if not frames:
                continue
            claims = validate(ClaimsSchema, pd.concat(frames, ignore_index=True), "claims")
            result = engine.check_claims(claims, references=references, rules=rules)
            coverage.add(result.verdicts)
            if len(result.findings):
                worst = max(worst, int(result.findings["severity"].map(SEVERITIES.index).max()))
            yield presentation.per_claim(claims, result)

    name = parquet.part_name(index)
    parquet.write_part(
        Path(job.out, parquet.DOCUMENTS, name),
        (documents_frame(b) for b in _batches(docs, job.batch_size)),
        parquet.arrow_schema(parquet.DOCUMENTS),
    )
    rows = parquet.write_part(Path(job.out, parquet.CLAIMS, name), checked(), parquet.arrow_schema("check"))
    return PartResult(
        index,
        len(docs),
        rows,
        tuple(d.doc_id for d in docs),
        (),
        (),
        coverage=coverage,
        worst=worst,
        undated=sum(d.date is None for d in docs),
    )
