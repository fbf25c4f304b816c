"""The history database's tables: the DDL of each schema version and the names of its run states, flagged
verdicts and data tables. Older databases are migrated forward on open by :class:`~auditor.history.store.AuditStore`."""

from __future__ import annotations

from typing import Final

#: The schema version this code writes; older databases are migrated forward on open.
SCHEMA_VERSION: Final = 3

#: Run states: ``running`` until :meth:`AuditStore.finish_run`; a run still ``running`` when the lock is next
#: taken died without finishing and becomes ``interrupted``.
RUN_STATUSES: Final = ("running", "finished", "failed", "interrupted")

#: Verdicts that ask an editor to look again.
FLAGGED_VERDICTS: Final = ("needs_review", "likely_error", "outdated")

#: Run kinds: ``audit`` stores new documents; ``recheck`` stores new verdicts for stored ones (``--recheck``).
RUN_KINDS: Final = ("audit", "recheck")

#: The data tables, in the order a document's rows are written.
DATA_TABLES: Final = ("documents", "claims", "verdicts", "findings")

# Each entry takes the database from version i to i + 1. Never edit a shipped entry: append a new one.
MIGRATIONS: Final[tuple[tuple[str, ...], ...]] = (
    (
        """CREATE TABLE runs (
            run_id VARCHAR PRIMARY KEY,
            started_at TIMESTAMP NOT NULL,
            finished_at TIMESTAMP,
            status VARCHAR NOT NULL,
            pid INTEGER,
            host VARCHAR,
            sources VARCHAR,
            as_of DATE,
            rules VARCHAR,
            reference VARCHAR,
            fail_on VARCHAR,
            tool_version VARCHAR,
            documents_read INTEGER,
            documents_new INTEGER,
            documents_seen INTEGER,
            documents_bad INTEGER,
            documents_failed INTEGER,
            claims INTEGER,
            findings INTEGER,
            exit_code INTEGER,
            report VARCHAR,
            error VARCHAR
        )""",
        """CREATE TABLE documents (
            doc_key VARCHAR PRIMARY KEY,
            run_id VARCHAR NOT NULL,
            doc_id VARCHAR NOT NULL,
            title VARCHAR,
            date TIMESTAMP,
            source VARCHAR,
            text VARCHAR NOT NULL
        )""",
        """CREATE TABLE claims (
            doc_key VARCHAR NOT NULL,
            run_id VARCHAR NOT NULL,
            doc_id VARCHAR NOT NULL,
            claim_id VARCHAR NOT NULL,
            start BIGINT NOT NULL,
            "end" BIGINT NOT NULL,
            surface VARCHAR NOT NULL,
            sentence VARCHAR NOT NULL,
            value DOUBLE,
            low DOUBLE,
            high DOUBLE,
            comparator VARCHAR NOT NULL,
            approx BOOLEAN NOT NULL,
            precision DOUBLE,
            kind VARCHAR NOT NULL,
            unit VARCHAR,
            measure VARCHAR,
            counted VARCHAR,
            location VARCHAR,
            as_of TIMESTAMP,
            attribution VARCHAR,
            PRIMARY KEY (doc_key, claim_id)
        )""",
        """CREATE TABLE verdicts (
            doc_key VARCHAR NOT NULL,
            run_id VARCHAR NOT NULL,
            doc_id VARCHAR NOT NULL,
            claim_id VARCHAR NOT NULL,
            verdict VARCHAR NOT NULL,
            reason VARCHAR,
            PRIMARY KEY (doc_key, claim_id)
        )""",
        """CREATE TABLE findings (
            doc_key VARCHAR NOT NULL,
            run_id VARCHAR NOT NULL,
            finding_id VARCHAR NOT NULL,
            doc_id VARCHAR NOT NULL,
            claim_id VARCHAR NOT NULL,
            rule_id VARCHAR NOT NULL,
            "check" VARCHAR NOT NULL,
            verdict VARCHAR NOT NULL,
            severity VARCHAR NOT NULL,
            observed DOUBLE,
            expected_low DOUBLE,
            expected_high DOUBLE,
            reference_value DOUBLE,
            reference_date TIMESTAMP,
            series_id VARCHAR,
            source VARCHAR,
            message VARCHAR NOT NULL,
            suggestion VARCHAR,
            PRIMARY KEY (doc_key, finding_id)
        )""",
    ),
    # 2: a claim's scope (event, period, stock) and qualifier (plan, subset); older claims have neither
    (
        "ALTER TABLE claims ADD COLUMN scope VARCHAR",
        "ALTER TABLE claims ADD COLUMN qualifier VARCHAR",
    ),
    # 3: each run records the hash of its rules and of its reference files (``--recheck`` compares them),
    # and verdicts and findings are kept per run (a re-check adds rows beside the old ones).
    (
        "ALTER TABLE runs ADD COLUMN kind VARCHAR DEFAULT 'audit'",
        "UPDATE runs SET kind = 'audit'",
        "ALTER TABLE runs ADD COLUMN rules_hash VARCHAR",
        "ALTER TABLE runs ADD COLUMN reference_hash VARCHAR",
        "ALTER TABLE runs ADD COLUMN reference_files VARCHAR",
        "ALTER TABLE verdicts RENAME TO verdicts_v2",
        """CREATE TABLE verdicts (
            doc_key VARCHAR NOT NULL,
            run_id VARCHAR NOT NULL,
            doc_id VARCHAR NOT NULL,
            claim_id VARCHAR NOT NULL,
            verdict VARCHAR NOT NULL,
            reason VARCHAR,
            PRIMARY KEY (doc_key, run_id, claim_id)
        )""",
        "INSERT INTO verdicts BY NAME SELECT * FROM verdicts_v2",
        "DROP TABLE verdicts_v2",
        "ALTER TABLE findings RENAME TO findings_v2",
        """CREATE TABLE findings (
            doc_key VARCHAR NOT NULL,
            run_id VARCHAR NOT NULL,
            finding_id VARCHAR NOT NULL,
            doc_id VARCHAR NOT NULL,
            claim_id VARCHAR NOT NULL,
            rule_id VARCHAR NOT NULL,
            "check" VARCHAR NOT NULL,
            verdict VARCHAR NOT NULL,
            severity VARCHAR NOT NULL,
            observed DOUBLE,
            expected_low DOUBLE,
            expected_high DOUBLE,
            reference_value DOUBLE,
            reference_date TIMESTAMP,
            series_id VARCHAR,
            source VARCHAR,
            message VARCHAR NOT NULL,
            suggestion VARCHAR,
            PRIMARY KEY (doc_key, run_id, finding_id)
        )""",
        "INSERT INTO findings BY NAME SELECT * FROM findings_v2",
        "DROP TABLE findings_v2",
    ),
)
