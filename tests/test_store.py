"""The audit history: document keys, per-document transactions, no duplicates, locks, migration, read-back."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import pytest
import yaml

from auditor.errors import StoreError
from auditor.history.store import (
    DATA_TABLES,
    SCHEMA_VERSION,
    AuditStore,
    RunCounts,
    RunStart,
    document_key,
)
from auditor.io.documents import Document
from auditor.schemas import (
    ClaimsSchema,
    DocumentsSchema,
    FindingsSchema,
    VerdictsSchema,
    columns,
    validate,
)

CASES = Path(__file__).parent / "cases"
REPO = Path(__file__).resolve().parents[1]


# --- fixtures built from tests/cases/store_documents.yaml ---------------------------------------------------


@dataclass(frozen=True)
class Case:
    document: Document
    claims: pd.DataFrame
    verdicts: pd.DataFrame
    findings: pd.DataFrame


def _claims(doc_id: str, text: str, items: list[dict[str, Any]]) -> pd.DataFrame:
    rows = []
    for item in items:
        start = text.index(item["surface"])
        row: dict[str, Any] = dict.fromkeys(columns(ClaimsSchema))
        row.update({"comparator": "eq", "kind": "count", "approx": False, "sentence": text})
        row.update(item)
        row.update({"doc_id": doc_id, "start": start, "end": start + len(item["surface"])})
        rows.append(row)
    frame = pd.DataFrame(rows, columns=columns(ClaimsSchema))
    return validate(ClaimsSchema, frame)


def _verdicts(doc_id: str, items: dict[str, Any]) -> pd.DataFrame:
    rows = []
    for claim_id, verdict in items.items():
        name, reason = (verdict, None) if isinstance(verdict, str) else verdict
        rows.append({"doc_id": doc_id, "claim_id": claim_id, "verdict": name, "reason": reason})
    return validate(VerdictsSchema, pd.DataFrame(rows, columns=columns(VerdictsSchema)))


def _findings(doc_id: str, items: list[dict[str, Any]]) -> pd.DataFrame:
    rows = []
    for item in items:
        row: dict[str, Any] = dict.fromkeys(columns(FindingsSchema))
        row.update({"severity": "warning", "message": f"Rule {item['rule_id']} fired."})
        row.update(item)
        row["doc_id"] = doc_id
        rows.append(row)
    return validate(FindingsSchema, pd.DataFrame(rows, columns=columns(FindingsSchema)))


def load_cases() -> list[Case]:
    data = yaml.safe_load((CASES / "store_documents.yaml").read_text(encoding="utf-8"))
    cases = []
    for item in data["documents"]:
        doc = Document(
            doc_id=item["doc_id"],
            text=item["text"],
            title=item["title"],
            date=item["date"],
            source=item["source"],
        )
        cases.append(
            Case(
                doc,
                _claims(doc.doc_id, doc.text, item["claims"]),
                _verdicts(doc.doc_id, item["verdicts"]),
                _findings(doc.doc_id, item["findings"]),
            )
        )
    return cases


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "history" / "audit.duckdb"


@pytest.fixture
def store(db: Path) -> Iterator[AuditStore]:
    with AuditStore(db) as opened:
        yield opened


def store_all(store: AuditStore, cases: list[Case]) -> str:
    run_id = store.start_run(RunStart(sources=["tests/cases/store_documents.yaml"]))
    for case in cases:
        assert store.store_document(run_id, case.document, case.claims, case.verdicts, case.findings)
    return run_id


def contents(store: AuditStore) -> dict[str, pd.DataFrame]:
    """Every data table without run ids, sorted: what must be equal between two histories."""
    return {
        name: store.table(name).drop(columns="run_id").sort_values(list(store.table(name).columns[:2]))
        for name in DATA_TABLES
    }


# --- document keys ------------------------------------------------------------------------------------------

KEY_CASES = yaml.safe_load((CASES / "document_keys.yaml").read_text(encoding="utf-8"))["cases"]


@pytest.mark.parametrize("case", KEY_CASES, ids=[c["name"] for c in KEY_CASES])
def test_document_key_normalises_text_but_keeps_id_and_wording(case: dict[str, Any]) -> None:
    a = document_key(case["a"]["doc_id"], case["a"]["text"])
    b = document_key(case["b"]["doc_id"], case["b"]["text"])
    assert len(a) == 64
    assert (a == b) is case["same"]


# --- storing and reading back -------------------------------------------------------------------------------


def test_round_trip_returns_the_rows_that_were_stored(store: AuditStore) -> None:
    cases = load_cases()
    run_id = store_all(store, cases)
    tables = store.run_tables(run_id)
    expected = {
        "documents": validate(
            DocumentsSchema,
            pd.DataFrame(
                [
                    {
                        "doc_id": c.document.doc_id,
                        "title": c.document.title,
                        "date": pd.Timestamp(c.document.date) if c.document.date else pd.NaT,
                        "source": c.document.source,
                        "text": c.document.text,
                    }
                    for c in cases
                ]
            ),
        ),
        "claims": pd.concat([c.claims for c in cases if not c.claims.empty], ignore_index=True),
        "verdicts": pd.concat([c.verdicts for c in cases if not c.verdicts.empty], ignore_index=True),
        "findings": pd.concat([c.findings for c in cases if not c.findings.empty], ignore_index=True),
    }
    keys = {"documents": ["doc_id"], "claims": ["doc_id", "claim_id"], "verdicts": ["doc_id", "claim_id"]}
    for name, want in expected.items():
        got = getattr(tables, name)
        by = keys.get(name, ["doc_id", "finding_id"])
        pd.testing.assert_frame_equal(
            got.sort_values(by).reset_index(drop=True),
            want.sort_values(by).reset_index(drop=True),
            check_dtype=False,
            check_index_type=False,
        )


def test_storing_the_same_documents_again_adds_no_rows(store: AuditStore) -> None:
    cases = load_cases()
    store_all(store, cases)
    before = store.counts()
    again = store.start_run(RunStart(sources=["again"]))
    for case in cases:
        reflowed = Document(case.document.doc_id, "  " + case.document.text.replace(" ", "\n") + "\n")
        assert not store.store_document(again, case.document, case.claims, case.verdicts, case.findings)
        assert not store.store_document(again, reflowed, case.claims, case.verdicts, case.findings)
    after = store.counts()
    assert {k: v for k, v in after.items() if k != "runs"} == {k: v for k, v in before.items() if k != "runs"}
    assert after["runs"] == before["runs"] + 1


def test_seen_keys_are_exactly_the_stored_documents(store: AuditStore) -> None:
    cases = load_cases()
    store_all(store, cases[:2])
    keys = [document_key(c.document.doc_id, c.document.text) for c in cases]
    assert store.seen_keys(keys) == set(keys[:2])
    assert store.seen_keys([]) == set()


@pytest.mark.parametrize("failing_table", ["claims", "verdicts", "findings"])
def test_each_document_is_written_in_one_transaction(
    store: AuditStore, monkeypatch: pytest.MonkeyPatch, failing_table: str
) -> None:
    cases = load_cases()
    run_id = store.start_run(RunStart(sources=["x"]))
    assert store.store_document(
        run_id, cases[0].document, cases[0].claims, cases[0].verdicts, cases[0].findings
    )
    before = store.counts()
    real_insert = AuditStore._insert_rows

    def failing(self: AuditStore, table: str, *, doc_key: str, run_id: str, doc_id: str) -> None:
        real_insert(self, table, doc_key=doc_key, run_id=run_id, doc_id=doc_id)
        if table == failing_table:
            raise duckdb.IOException("disk full (simulated)")

    monkeypatch.setattr(AuditStore, "_insert_rows", failing)
    second = cases[1]
    with pytest.raises(StoreError, match=r"budget-2016-03-16.*disk full") as info:
        store.store_document(run_id, second.document, second.claims, second.verdicts, second.findings)
    assert str(store.path) in str(info.value)
    assert store.counts() == before
    for name in DATA_TABLES:
        assert second.document.doc_id not in set(store.table(name)["doc_id"])
    monkeypatch.undo()
    assert store.store_document(run_id, second.document, second.claims, second.verdicts, second.findings)
    assert store.counts()["claims"] == before["claims"] + len(second.claims)


def test_a_constraint_violation_rolls_back_the_whole_document(store: AuditStore) -> None:
    case = load_cases()[1]
    doubled = pd.concat([case.findings, case.findings.iloc[:1]], ignore_index=True)
    run_id = store.start_run(RunStart(sources=["x"]))
    with pytest.raises(StoreError, match="budget-2016-03-16"):
        store.store_document(run_id, case.document, case.claims, case.verdicts, doubled)
    assert {k: v for k, v in store.counts().items() if k != "runs"} == dict.fromkeys(DATA_TABLES, 0)


def test_history_counts_verdicts_per_run(store: AuditStore) -> None:
    cases = load_cases()
    first = store_all(store, cases[:1])
    store.finish_run(first, RunCounts(documents_new=1))
    second = store_all(store, cases[1:])
    history = store.history().set_index("run_id")
    assert list(history.index) == [first, second]
    assert history.loc[first, "n_claims"] == 3
    assert history.loc[first, "n_needs_review"] == 1
    assert history.loc[first, "n_checked"] == 1
    assert history.loc[first, "flag_rate"] == 1.0
    assert history.loc[second, "n_documents"] == 2
    assert history.loc[second, "n_matches"] == 1
    assert history.loc[second, "n_attention"] == 0
    assert history.loc[second, "n_likely_error"] == 0
    assert history.loc[second, "flag_rate"] == 0.0
    assert pd.isna(history.loc[second, "finished"])
    runs = store.runs().set_index("run_id")
    assert runs.loc[first, "status"] == "finished"
    assert runs.loc[second, "status"] == "running"


# --- schema -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("table", "model"),
    [
        ("documents", DocumentsSchema),
        ("claims", ClaimsSchema),
        ("verdicts", VerdictsSchema),
        ("findings", FindingsSchema),
    ],
)
def test_history_tables_hold_every_column_of_their_model(store: AuditStore, table: str, model: Any) -> None:
    """Guards schemas.py and the store's migrations against drifting apart: a new column needs a migration."""
    stored = set(store.table(table).columns)
    assert set(columns(model)) <= stored
    assert {"doc_key", "run_id"} <= stored


def test_a_version_1_database_gains_scope_and_qualifier_and_keeps_its_claims(db: Path) -> None:
    """Regression (issue 8): claims gained ``scope`` and ``qualifier``; a database written before opens, is
    migrated, and its stored claims read back with both empty."""
    from auditor.history.tables import MIGRATIONS

    db.parent.mkdir(parents=True, exist_ok=True)
    with duckdb.connect(str(db)) as con:
        con.execute("CREATE TABLE schema_version (version INTEGER NOT NULL)")
        for statement in MIGRATIONS[0]:
            con.execute(statement)
        con.execute("INSERT INTO schema_version VALUES (1)")
        con.execute(
            """INSERT INTO claims (doc_key, run_id, doc_id, claim_id, start, "end", surface, sentence, comparator,
                                   approx, kind) VALUES ('k', 'r', 'd', 'c1', 0, 3, '250', '250 died.', 'eq',
                                   false, 'count')"""
        )
    with AuditStore(db) as store:
        assert store.schema_version() == SCHEMA_VERSION
        claims = store.table("claims")
    assert list(claims["claim_id"]) == ["c1"]
    assert claims[["scope", "qualifier"]].isna().all().all()


def test_a_database_from_a_newer_auditor_is_refused(db: Path) -> None:
    with AuditStore(db) as store:
        assert store.schema_version() == SCHEMA_VERSION
        store.con.execute("UPDATE schema_version SET version = ?", [SCHEMA_VERSION + 1])
    with pytest.raises(StoreError, match="newer auditor") as info:
        AuditStore(db).open()
    assert str(db) in str(info.value)
    # The refused open released its lock: the file can be opened (and fixed) again.
    with duckdb.connect(str(db)) as con:
        con.execute("UPDATE schema_version SET version = ?", [SCHEMA_VERSION])
    with AuditStore(db, wait=1) as store:
        assert store.schema_version() == SCHEMA_VERSION


def test_a_file_that_is_not_a_database_is_refused(db: Path) -> None:
    db.parent.mkdir(parents=True)
    db.write_text("doc_id,text\nx,not a database\n", encoding="utf-8")
    with pytest.raises(StoreError, match="cannot open the audit database") as info:
        AuditStore(db).open()
    assert str(db) in str(info.value)


def test_a_run_that_never_finished_is_marked_interrupted(db: Path) -> None:
    with AuditStore(db) as store:
        run_id = store.start_run(RunStart(sources=["x"]))
    with AuditStore(db) as store:
        assert store.runs().set_index("run_id").loc[run_id, "status"] == "interrupted"


# --- locking ------------------------------------------------------------------------------------------------


def test_a_second_writer_fails_naming_the_database_and_the_holder(db: Path) -> None:
    with AuditStore(db), pytest.raises(StoreError) as info:
        AuditStore(db, wait=0.2).open()
    message = str(info.value)
    assert str(db) in message
    assert "another audit" in message
    assert f"pid {os.getpid()}" in message
    assert "--wait" in message


def test_a_waiting_writer_gets_the_database_when_the_first_one_closes(db: Path) -> None:
    first = AuditStore(db).open()
    timer = threading.Timer(0.3, first.close)
    timer.start()
    started = time.monotonic()
    with AuditStore(db, wait=10) as second:
        waited = time.monotonic() - started
        assert second.schema_version() == SCHEMA_VERSION
    timer.join()
    assert 0.2 < waited < 5


_HOLD_LOCK = """
import sys, time
from auditor.history.store import AuditStore
store = AuditStore(sys.argv[1]).open()
store.start_run(__import__("auditor.history.store", fromlist=["RunStart"]).RunStart(sources=["held"]))
print("ready", flush=True)
time.sleep(60)
"""

_HOLD_DUCKDB = """
import sys, time, duckdb
con = duckdb.connect(sys.argv[1])
print("ready", flush=True)
time.sleep(60)
"""


@contextmanager
def holding(script: str, db: Path) -> Iterator[int]:
    """Run ``script`` in another process until it prints ``ready``; SIGKILL it on leaving; yield its pid."""
    with subprocess.Popen(
        [sys.executable, "-c", script, str(db)], stdout=subprocess.PIPE, text=True, cwd=REPO
    ) as proc:
        try:
            assert proc.stdout is not None
            assert proc.stdout.readline().strip() == "ready"
            yield proc.pid
        finally:
            proc.send_signal(signal.SIGKILL)
            proc.wait()


def test_a_killed_holder_releases_the_lock(db: Path) -> None:
    with holding(_HOLD_LOCK, db) as pid, pytest.raises(StoreError, match=f"pid {pid}"):
        AuditStore(db).open()
    with AuditStore(db, wait=5) as store:
        assert list(store.runs()["status"]) == ["interrupted"]


def test_duckdb_lock_held_by_another_program_is_reported_as_store_error(db: Path) -> None:
    """Another program (not an audit, so no lock file) holding the database open is translated too."""
    db.parent.mkdir(parents=True)
    duckdb.connect(str(db)).close()
    with holding(_HOLD_DUCKDB, db):
        with pytest.raises(StoreError, match="another process holds this database open") as info:
            AuditStore(db).open()
        assert str(db) in str(info.value)
    with AuditStore(db) as store:
        assert store.schema_version() == SCHEMA_VERSION


def test_store_date_round_trips_as_timestamp(store: AuditStore) -> None:
    case = load_cases()[0]
    run_id = store.start_run(RunStart(sources=["x"], as_of=date(2015, 10, 1)))
    store.store_document(run_id, case.document, case.claims, case.verdicts, case.findings)
    docs = store.run_tables(run_id).documents
    assert docs.loc[0, "date"] == pd.Timestamp("2015-10-01")
    assert store.runs().loc[0, "as_of"] == pd.Timestamp("2015-10-01")
