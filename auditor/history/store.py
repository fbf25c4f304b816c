"""The audit history: an embedded DuckDB database of runs, documents, claims, verdicts and findings.

One :class:`AuditStore` is one writer. Opening it takes an exclusive ``fcntl.flock`` on ``<db>.lock``
(waiting up to ``wait`` seconds), so two audits on the same database never interleave: the second waits or
fails with a :class:`~auditor.errors.StoreError` naming the database and the process that holds it. The kernel
drops the lock when its holder dies, even by SIGKILL, so a killed run never blocks the next one.

A document is stored once, under its key (:func:`document_key`: sha256 of the doc id and the normalised text),
and all of its rows (document, claims, verdicts, findings) are written in one transaction by
:meth:`AuditStore.store_document`. A run killed at any moment thus leaves only whole documents behind, and the
next run skips exactly those and stores the rest.
"""

from __future__ import annotations

import json
import os
import socket
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import Self

import duckdb
import pandas as pd

from auditor.errors import StoreError
from auditor.history.lock import FileLock
from auditor.history.records import RunCounts, RunStart, RunTables, document_key, new_run_id, normalise_text
from auditor.history.tables import (
    DATA_TABLES,
    FLAGGED_VERDICTS,
    MIGRATIONS,
    RUN_KINDS,
    RUN_STATUSES,
    SCHEMA_VERSION,
)
from auditor.io.documents import Document
from auditor.schemas import (
    VERDICTS,
    ClaimsSchema,
    DocumentsSchema,
    FindingsSchema,
    VerdictsSchema,
    columns,
    validate,
)


def _connect(path: Path) -> duckdb.DuckDBPyConnection:
    try:
        return duckdb.connect(str(path))
    except duckdb.IOException as exc:
        text = str(exc)
        if "lock" in text.lower():
            raise StoreError(
                path, f"another process holds this database open, so the audit cannot write to it ({text})"
            ) from exc
        raise StoreError(path, f"cannot open the audit database ({text}); expected a DuckDB file") from exc
    except duckdb.Error as exc:
        raise StoreError(path, f"cannot open the audit database ({exc}); expected a DuckDB file") from exc


def _utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


class AuditStore:
    """The history database, opened for writing by one audit at a time (use as a context manager)."""

    def __init__(self, path: str | Path, *, wait: float = 0.0) -> None:
        self.path = Path(path)
        self._lock = FileLock(self.path, wait)
        self._con: duckdb.DuckDBPyConnection | None = None

    # --- lifecycle ------------------------------------------------------------------------------------------

    def open(self) -> Self:
        """Lock, connect, migrate the schema and mark runs that died unfinished as ``interrupted``."""
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(self.path, f"cannot create its folder: {exc.strerror}") from exc
        self._lock.acquire()
        try:
            self._con = _connect(self.path)
            self._migrate()
            self.con.execute("UPDATE runs SET status = 'interrupted' WHERE status = 'running'")
        except BaseException:
            self.close()
            raise
        return self

    def close(self) -> None:
        """Close the connection (DuckDB checkpoints its log) and release the lock."""
        try:
            if self._con is not None:
                self._con.close()
                self._con = None
        finally:
            self._lock.release()

    def __enter__(self) -> Self:
        return self.open()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    @property
    def con(self) -> duckdb.DuckDBPyConnection:
        """The open connection; raises :class:`StoreError` when the store is not open."""
        if self._con is None:
            raise StoreError(
                self.path, "the audit database is not open (use AuditStore as a context manager)"
            )
        return self._con

    def _migrate(self) -> None:
        con = self.con
        con.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")
        current = self.schema_version()
        if current > SCHEMA_VERSION:
            raise StoreError(
                self.path,
                f"written by a newer auditor (schema version {current}; this one knows up to "
                f"{SCHEMA_VERSION}); upgrade auditor or point --db at another file",
            )
        for version in range(current, SCHEMA_VERSION):
            with self._transaction(f"migration to schema version {version + 1} failed"):
                for statement in MIGRATIONS[version]:
                    con.execute(statement)
                con.execute("DELETE FROM schema_version")
                con.execute("INSERT INTO schema_version VALUES (?)", [version + 1])

    def schema_version(self) -> int:
        """The schema version of the open database."""
        value = self._scalar("SELECT max(version) FROM schema_version")
        return int(str(value)) if value is not None else 0

    def _scalar(self, sql: str, params: Sequence[object] = ()) -> object:
        """The first column of the first row (None without rows), reading the result to its end: DuckDB refuses
        other work on a connection while a result is only partly fetched."""
        rows = self.con.execute(sql, list(params)).fetchall()
        return rows[0][0] if rows else None

    # --- runs -----------------------------------------------------------------------------------------------

    def start_run(self, start: RunStart, *, now: datetime | None = None) -> str:
        """Record a new run as ``running``, started ``now`` (UTC, default the current time); return its id."""
        if start.kind not in RUN_KINDS:
            raise StoreError(self.path, f"run kind {start.kind!r} is not one of {', '.join(RUN_KINDS)}")
        moment = (now or datetime.now(UTC)).astimezone(UTC)
        rid = new_run_id(moment)
        self.con.execute(
            """INSERT INTO runs (run_id, started_at, status, pid, host, sources, as_of, rules, reference,
                                 fail_on, tool_version, kind, rules_hash, reference_hash, reference_files)
               VALUES (?, ?, 'running', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
            [
                rid,
                moment.replace(tzinfo=None),
                os.getpid(),
                socket.gethostname(),
                json.dumps(list(start.sources)),
                start.as_of,
                start.rules,
                json.dumps(list(start.reference)),
                start.fail_on,
                start.tool_version,
                start.kind,
                start.rules_hash,
                start.reference_hash,
                json.dumps(dict(sorted(start.reference_files.items()))),
            ],
        )
        return rid

    def finish_run(
        self,
        run_id: str,
        counts: RunCounts,
        *,
        status: str = "finished",
        exit_code: int | None = None,
        error: str | None = None,
    ) -> None:
        """Record how a run ended, with its counts."""
        if status not in RUN_STATUSES:
            raise StoreError(self.path, f"run status {status!r} is not one of {', '.join(RUN_STATUSES)}")
        self.con.execute(
            """UPDATE runs SET finished_at = ?, status = ?, exit_code = ?, error = ?, documents_read = ?,
                   documents_new = ?, documents_seen = ?, documents_bad = ?, documents_failed = ?, claims = ?,
                   findings = ?
               WHERE run_id = ?""",
            [
                _utcnow(),
                status,
                exit_code,
                error,
                counts.documents_read,
                counts.documents_new,
                counts.documents_seen,
                counts.documents_bad,
                counts.documents_failed,
                counts.claims,
                counts.findings,
                run_id,
            ],
        )

    def set_report(self, run_id: str, report: str | Path) -> None:
        """Record where the run's report was written."""
        self.con.execute("UPDATE runs SET report = ? WHERE run_id = ?", [str(report), run_id])

    def runs(self) -> pd.DataFrame:
        """Every run, oldest first, with its stored counts (one row per run)."""
        return self.con.execute("SELECT * FROM runs ORDER BY started_at, run_id").df()

    # --- documents ------------------------------------------------------------------------------------------

    def seen_keys(self, keys: Iterable[str]) -> set[str]:
        """Those of ``keys`` already stored."""
        wanted = pd.DataFrame({"doc_key": pd.Series(list(dict.fromkeys(keys)), dtype="str")})
        if wanted.empty:
            return set()
        self.con.register("_wanted", wanted)
        try:
            rows = self.con.execute(
                "SELECT d.doc_key FROM documents d JOIN _wanted w ON d.doc_key = w.doc_key"
            ).fetchall()
        finally:
            self.con.unregister("_wanted")
        return {str(r[0]) for r in rows}

    def store_document(
        self,
        run_id: str,
        document: Document,
        claims: pd.DataFrame,
        verdicts: pd.DataFrame,
        findings: pd.DataFrame,
        *,
        key: str | None = None,
    ) -> bool:
        """Write one document and its claims, verdicts and findings in one transaction (see :meth:`store_batch`).

        Returns False, writing nothing, when the document's key is already stored.
        """
        doc_key = key or document_key(document.doc_id, document.text)
        return self.store_batch(run_id, [(doc_key, document)], claims, verdicts, findings)[0]

    def store_batch(
        self,
        run_id: str,
        documents: Sequence[tuple[str, Document]],
        claims: pd.DataFrame,
        verdicts: pd.DataFrame,
        findings: pd.DataFrame,
    ) -> list[bool]:
        """Write each ``(key, document)`` with its rows of the three frames, one transaction per document.

        The frames have the columns of their pandera models and may hold rows of several documents (matched by
        ``doc_id``); they are copied into temporary tables once, so each document's transaction is a few
        ``INSERT ... SELECT``. Returns, per document, whether it was stored (False: its key was already there).
        A database error rolls back that document's rows and raises :class:`StoreError` naming it; documents
        before it stay stored.
        """
        frames = {"claims": claims, "verdicts": verdicts, "findings": findings}
        with self._staged(frames) as present:
            return [self._store_one(run_id, key, doc, present) for key, doc in documents]

    def store_checks(
        self,
        run_id: str,
        documents: Sequence[tuple[str, str]],
        verdicts: pd.DataFrame,
        findings: pd.DataFrame,
    ) -> None:
        """Add the verdicts and findings ``run_id`` computed for stored documents, given as ``(key, doc_id)``,
        one transaction per document; the rows of earlier runs stay (``auditor audit --recheck``)."""
        with self._staged({"verdicts": verdicts, "findings": findings}) as present:
            for doc_key, doc_id in documents:
                with self._transaction(f"could not store the re-check of {doc_id!r}"):
                    self._insert_staged(present, run_id=run_id, doc_key=doc_key, doc_id=doc_id)

    @contextmanager
    def _staged(self, frames: Mapping[str, pd.DataFrame]) -> Iterator[dict[str, set[str]]]:
        """Copy each frame into a temporary table ``_staged_<name>``; yield the doc ids each one holds."""
        con = self.con
        present: dict[str, set[str]] = {}
        try:
            for table, frame in frames.items():
                present[table] = set(frame["doc_id"].astype(str)) if not frame.empty else set()
                con.register("_frame", frame)
                try:
                    con.execute(f"CREATE OR REPLACE TEMP TABLE _staged_{table} AS SELECT * FROM _frame")
                except duckdb.Error as exc:
                    raise StoreError(self.path, f"cannot stage the {table} rows of a batch: {exc}") from exc
                finally:
                    con.unregister("_frame")
            yield present
        finally:
            for table in present:
                con.execute(f"DROP TABLE IF EXISTS _staged_{table}")

    @contextmanager
    def _transaction(self, failure: str) -> Iterator[None]:
        """One transaction: committed when the block ends, rolled back when it raises; a database error becomes
        a :class:`StoreError` whose message starts with ``failure`` (``could not store document 'a'``)."""
        con = self.con
        con.execute("BEGIN TRANSACTION")
        try:
            yield
            con.execute("COMMIT")
        except duckdb.Error as exc:
            con.execute("ROLLBACK")
            raise StoreError(self.path, f"{failure}: {exc}") from exc
        except BaseException:
            con.execute("ROLLBACK")
            raise

    def _store_one(self, run_id: str, doc_key: str, document: Document, present: dict[str, set[str]]) -> bool:
        with self._transaction(f"could not store document {document.doc_id!r}"):
            if self._scalar("SELECT count(*) FROM documents WHERE doc_key = ?", [doc_key]):
                return False  # committing a transaction that wrote nothing
            self.con.execute(
                "INSERT INTO documents VALUES (?, ?, ?, ?, ?, ?, ?)",
                [
                    doc_key,
                    run_id,
                    document.doc_id,
                    document.title,
                    document.date,
                    document.source,
                    document.text,
                ],
            )
            self._insert_staged(present, run_id=run_id, doc_key=doc_key, doc_id=document.doc_id)
        return True

    def _insert_staged(
        self, present: Mapping[str, set[str]], *, run_id: str, doc_key: str, doc_id: str
    ) -> None:
        """Copy one document's rows from each staged table that holds some (see :meth:`_staged`)."""
        for table, doc_ids in present.items():
            if doc_id in doc_ids:
                self._insert_rows(table, doc_key=doc_key, run_id=run_id, doc_id=doc_id)

    def _insert_rows(self, table: str, *, doc_key: str, run_id: str, doc_id: str) -> None:
        """Copy one document's staged rows into ``table``, tagged with its key and the run id."""
        self.con.execute(
            f"INSERT INTO {table} BY NAME SELECT ? AS doc_key, ? AS run_id, * FROM _staged_{table} WHERE doc_id = ?",
            [doc_key, run_id, doc_id],
        )

    # --- read-back ------------------------------------------------------------------------------------------

    def table(self, name: str, *, run_id: str | None = None) -> pd.DataFrame:
        """One of :data:`DATA_TABLES` as stored, for one run or for all."""
        if name not in DATA_TABLES:
            raise StoreError(self.path, f"no table {name!r}; allowed: {', '.join(DATA_TABLES)}")
        order = {"documents": "doc_key", "claims": "doc_key, claim_id", "verdicts": "doc_key, claim_id"}
        sql = f"SELECT * FROM {name}"
        params: list[object] = []
        if run_id is not None:
            sql += " WHERE run_id = ?"
            params.append(run_id)
        sql += f" ORDER BY {order.get(name, 'doc_key, finding_id')}"
        return self.con.execute(sql, params).df()

    def run_tables(self, run_id: str) -> RunTables:
        """What ``run_id`` checked: the documents it stored or re-checked, their claims, and its verdicts and
        findings, validated by their models."""
        checks = self.con.execute(
            "SELECT doc_key, run_id FROM documents WHERE run_id = ? "
            "UNION SELECT DISTINCT doc_key, run_id FROM verdicts WHERE run_id = ?",
            [run_id, run_id],
        ).df()
        return self.checked_tables(checks)

    def checked_tables(self, checks: pd.DataFrame) -> RunTables:
        """Per row ``(doc_key, run_id)`` of ``checks``: the stored document and its claims, and the verdicts and
        findings that run computed for it, each table validated by its model."""
        models = {
            "documents": (DocumentsSchema, "doc_key", "doc_key"),
            "claims": (ClaimsSchema, "doc_key", "doc_key, claim_id"),
            "verdicts": (VerdictsSchema, "doc_key, run_id", "doc_key, claim_id"),
            "findings": (FindingsSchema, "doc_key, run_id", "doc_key, finding_id"),
        }
        wanted = pd.DataFrame(
            {c: pd.Series(checks[c].astype(str).to_list(), dtype="str") for c in ("doc_key", "run_id")}
        )
        frames = {}
        self.con.register("_checks", wanted)
        try:
            for name, (model, key, order) in models.items():
                frame = self.con.execute(
                    f"SELECT t.* FROM {name} t JOIN _checks c USING ({key}) ORDER BY {order}"
                ).df()
                frames[name] = validate(model, frame[columns(model)].reset_index(drop=True), table=name)
        finally:
            self.con.unregister("_checks")
        return RunTables(**frames)

    def counts(self) -> Mapping[str, int]:
        """Rows per data table (and runs)."""
        result: dict[str, int] = {}
        for name in ("runs", *DATA_TABLES):
            result[name] = int(str(self._scalar(f"SELECT count(*) FROM {name}")))
        return result

    def history(self) -> pd.DataFrame:
        """Per run, oldest first, what it stored: the table behind the report's flag-rate chart.

        Columns: ``run_id, started, finished, status, kind, n_documents`` (stored or re-checked), ``n_claims``, one ``n_<verdict>`` per
        verdict, ``n_checked`` (verdict other than ``not_checkable``), ``n_attention`` (one of
        :data:`FLAGGED_VERDICTS`), ``n_likely_error``, and ``flag_rate`` = n_attention / n_checked (NaN when
        nothing was checked).
        """
        con = self.con
        runs = con.execute(
            "SELECT run_id, started_at AS started, finished_at AS finished, status, kind FROM runs "
            "ORDER BY started_at, run_id"
        ).df()
        docs = con.execute(
            "SELECT run_id, count(*) AS n_documents FROM (SELECT run_id, doc_key FROM documents "
            "UNION SELECT run_id, doc_key FROM verdicts) GROUP BY run_id"
        ).df()
        per_verdict = con.execute(
            "SELECT run_id, verdict, count(*) AS n FROM verdicts GROUP BY run_id, verdict"
        ).df()
        counts = (
            per_verdict.pivot_table(
                index="run_id", columns="verdict", values="n", aggfunc="sum", fill_value=0
            )
            .reindex(columns=list(VERDICTS), fill_value=0)
            .reindex(runs["run_id"], fill_value=0)
            .astype("int64")
        )
        frame = runs.merge(docs, on="run_id", how="left")
        frame["n_documents"] = frame["n_documents"].fillna(0).astype("int64")
        frame["n_claims"] = counts.sum(axis=1).to_numpy()
        for verdict in VERDICTS:
            frame[f"n_{verdict}"] = counts[verdict].to_numpy()
        frame["n_checked"] = frame["n_claims"] - frame["n_not_checkable"]
        frame["n_attention"] = frame[[f"n_{v}" for v in FLAGGED_VERDICTS]].sum(axis=1)
        frame["flag_rate"] = frame["n_attention"] / frame["n_checked"].where(frame["n_checked"] > 0)
        return frame


__all__ = [
    "DATA_TABLES",
    "FLAGGED_VERDICTS",
    "RUN_STATUSES",
    "SCHEMA_VERSION",
    "AuditStore",
    "RunCounts",
    "RunStart",
    "RunTables",
    "document_key",
    "new_run_id",
    "normalise_text",
]
