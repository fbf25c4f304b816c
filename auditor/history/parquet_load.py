"""``auditor audit --from-parquet DIR``: a ``check --dask`` result stored in the history like a local audit.

:class:`ParquetJob` is the audit job (:func:`~auditor.history.audit.run_audit`) with its reading and checking
replaced: it reads the parts of ``DIR`` (:mod:`auditor.io.parquet_parts`) one at a time, validates their
documents, claims, verdicts and findings against the models, skips the articles the history already holds (same
key: id and normalised text) and stores each new one in its own transaction. Re-running adds nothing; a load
killed at any moment leaves whole articles only, and the next load stores the rest. The run's report is
written as for a local audit.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import pandas as pd

from auditor.checks import engine
from auditor.errors import DocumentError, UsageError
from auditor.history.audit import AuditOptions, _batched, _Job
from auditor.history.store import document_key
from auditor.io import parquet_parts as parquet
from auditor.io.documents import Document
from auditor.schemas import (
    ClaimsSchema,
    DocumentsSchema,
    FindingsSchema,
    VerdictsSchema,
    columns,
    empty,
    validate,
)

_KEYS = ["doc_id", "claim_id"]
#: Problems of an incomplete result named in its error; the rest are counted.
_MAX_LISTED = 5


def read_manifest(folder: Path) -> dict[str, Any]:
    """``DIR/run.json`` of a ``check --dask`` run; a :class:`UsageError` when ``DIR`` holds none (or an
    extract result, which has no verdicts to store)."""
    path = folder / parquet.MANIFEST
    try:
        manifest: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise UsageError(
            "--from-parquet",
            str(folder),
            reason=f"no readable {parquet.MANIFEST} ({exc}); expected the --out folder of a finished "
            f"'auditor check --dask' (a run writes {parquet.MANIFEST} last: one still running or killed has none)",
        ) from None
    if manifest.get("command") != "check":
        raise UsageError(
            "--from-parquet",
            str(folder),
            reason=f"holds an {manifest.get('command')} result; only 'auditor check "
            "--dask' results have verdicts to store",
        )
    if problems := incomplete(folder, manifest):
        shown = "; ".join(problems[:_MAX_LISTED]) + (
            f"; and {len(problems) - _MAX_LISTED} more" if len(problems) > _MAX_LISTED else ""
        )
        raise UsageError(
            "--from-parquet",
            str(folder),
            reason=f"is not a complete result, nothing was stored: {shown}. Run 'auditor check --dask ... --out "
            f"{folder}' again and load its result",
        )
    return manifest


def incomplete(folder: Path, manifest: dict[str, Any]) -> list[str]:
    """What is missing from a ``check --dask`` result against its manifest: parts that failed, part files that
    are missing or hold another number of rows than the manifest says, part files it does not list."""
    parts = manifest.get("parts")
    if not isinstance(parts, list) or not all(isinstance(p, dict) and "file" in p for p in parts):
        return [f"{parquet.MANIFEST} lists no parts"]
    problems = [
        f"part {p['file']} ({p.get('source')}) failed: {p['failed']}" for p in parts if p.get("failed")
    ]
    if manifest.get("complete") is not True and not problems:
        problems.append(f"{parquet.MANIFEST} does not say the run completed")
    listed = {str(p["file"]) for p in parts}
    for table, count in ((parquet.DOCUMENTS, "documents"), (parquet.CLAIMS, "rows")):
        for part in parts:
            if part.get("failed"):
                continue
            path = folder / table / str(part["file"])
            if not path.is_file():
                problems.append(f"{table}/{part['file']} is missing")
            elif (rows := parquet.count_rows(path)) is None:
                problems.append(f"{table}/{part['file']} is not a readable Parquet file")
            elif rows != part.get(count):
                problems.append(
                    f"{table}/{part['file']} has {rows} rows, {parquet.MANIFEST} says {part.get(count)} "
                    "(written by another run, or still being written)"
                )
        problems += [
            f"{table}/{path.name} is not a part of this run ({parquet.MANIFEST} lists {len(parts)})"
            for path in parquet.part_files(folder / table)
            if path.name not in listed
        ]
    return problems


def parquet_options(folder: Path, options: AuditOptions) -> AuditOptions:
    """``options`` for loading ``folder``: its source is the folder, its rules and reference data those the
    check ran with (for the report's methods footer). Options that only apply to reading and checking
    articles (``--rules``, ``--reference``, ``--no-default-reference``, ``--date``, ``--date-order``) are
    refused: the loaded verdicts were computed without them."""
    given = [
        name
        for name, value in (
            ("--rules", options.rules),
            ("--reference", options.references),
            ("--no-default-reference", not options.default_reference),
            ("--date", options.as_of),
            ("--date-order", options.date_order),
        )
        if value
    ]
    if given:
        raise UsageError(
            "--from-parquet",
            str(folder),
            reason=f"loads verdicts the check already computed; {', '.join(given)} cannot change them "
            "(give them to 'auditor check --dask')",
        )
    manifest = read_manifest(folder)
    loading = replace(
        options,
        sources=(str(folder),),
        rules=Path(manifest["rules"]) if manifest.get("rules") else None,
        references=tuple(Path(r) for r in manifest.get("references", ())),
        default_reference=bool(manifest.get("shipped_reference", True)),
    )
    prints = loading.fingerprint(engine.load_rules(loading.rules))
    then = (manifest.get("rules_hash"), manifest.get("reference_hash"))
    if then != (prints.rules_hash, prints.reference_hash):
        raise UsageError(
            "--from-parquet",
            str(folder),
            reason="its verdicts were computed with rules or reference data that have changed since "
            f"(rules {_short(then[0])}, reference {_short(then[1])} then; rules {_short(prints.rules_hash)}, "
            f"reference {_short(prints.reference_hash)} now), so the history could not tell them stale; "
            "check the articles again",
        )
    return loading


def _short(digest: str | None) -> str:
    return digest[:12] if digest else "not recorded"


def _missing(value: Any) -> bool:
    return value is None or bool(pd.isna(value))


def _documents(frame: pd.DataFrame) -> list[Document]:
    table = validate(DocumentsSchema, frame[columns(DocumentsSchema)], "documents")
    return [
        Document(
            doc_id=str(row["doc_id"]),
            text=str(row["text"]),
            title=None if _missing(row["title"]) else str(row["title"]),
            date=None if _missing(row["date"]) else row["date"].date(),
            source=None if _missing(row["source"]) else str(row["source"]),
        )
        for row in table.to_dict("records")
    ]


def _findings(rows: pd.DataFrame) -> pd.DataFrame:
    """The findings lists of the rows as a findings table."""
    listed = rows[[*_KEYS, "findings"]].explode("findings").dropna(subset=["findings"])
    if listed.empty:
        return empty(FindingsSchema)
    details = pd.DataFrame(listed["findings"].tolist(), index=listed.index)
    table = pd.concat([listed[_KEYS], details], axis=1)[columns(FindingsSchema)]
    table["reference_date"] = pd.to_datetime(table["reference_date"])
    return validate(FindingsSchema, table.reset_index(drop=True), "findings")


class ParquetJob(_Job):
    """The audit job on the parts of a ``check --dask`` result instead of articles to check."""

    def run(self) -> None:
        """Store every new article of every part."""
        folder = Path(self.options.sources[0])
        for path in parquet.part_files(folder / parquet.DOCUMENTS):
            claims_path = folder / parquet.CLAIMS / path.name
            if not claims_path.is_file():
                self.bad(
                    DocumentError(claims_path, "missing: the part's documents are there but not its rows")
                )
                continue
            self.part(self._keyed(_documents(parquet.read_part(path))), parquet.read_part(claims_path))

    def _keyed(self, docs: Sequence[Document]) -> list[tuple[str, Document]]:
        self.tally.read += len(docs)
        keys = [document_key(d.doc_id, d.text) for d in docs]
        seen = self.store.seen_keys(keys)
        self.tally.seen += sum(k in seen for k in keys)
        return [(k, d) for k, d in zip(keys, docs, strict=True) if k not in seen]

    def part(self, pending: list[tuple[str, Document]], rows: pd.DataFrame) -> None:
        """Store the new articles of one part with their rows, ``batch_size`` articles at a time."""
        if not pending:
            return
        claims = validate(ClaimsSchema, rows[columns(ClaimsSchema)], "claims")
        verdicts = validate(VerdictsSchema, rows[columns(VerdictsSchema)], "verdicts")
        findings = _findings(rows)
        for chunk in _batched(pending, self.options.batch_size):
            ids = [d.doc_id for _, d in chunk]
            self.store_checked(chunk, *(t[t["doc_id"].isin(ids)] for t in (claims, verdicts, findings)))
