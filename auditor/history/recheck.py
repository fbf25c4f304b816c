"""``auditor audit --recheck``: check stored articles again after the rules or the reference data changed.

Each run records the hash of its rules and of its reference files (:class:`~auditor.history.methods.Fingerprint`).
A re-check takes the latest stored version of every article, finds the run that last checked it, and checks
again, from its stored claims, each article whose last check used other rules or other reference data (or an
older database that recorded neither). The new verdicts and findings are stored as a run of kind ``recheck``
beside the old ones, which stay; its report lists the verdicts that changed. When every article was last
checked with the current rules and data, nothing is recorded: a second re-check in a row adds nothing.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

from auditor import report as reporting
from auditor.checks import engine
from auditor.checks.rules import RuleSet
from auditor.errors import EXIT_INTERNAL
from auditor.history.audit import (
    AuditOptions,
    audit_run_info,
    concat_rows,
    exit_status,
    sweep_staging,
    worst_severity,
)
from auditor.history.methods import Fingerprint
from auditor.history.store import AuditStore, RunCounts, RunTables
from auditor.report.verdicts import Coverage
from auditor.schemas import SEVERITIES, FindingsSchema, VerdictsSchema, empty, validate

#: Per stored article (its latest version), the run that last checked it and what that run was computed with.
_LAST_CHECKS = """
WITH latest AS (
    SELECT d.doc_key, d.doc_id,
           row_number() OVER (PARTITION BY d.doc_id ORDER BY r.started_at DESC, d.run_id DESC) AS n
    FROM documents d JOIN runs r ON r.run_id = d.run_id
), checks AS (
    SELECT v.doc_key, v.run_id, r.rules_hash, r.reference_hash, r.reference_files,
           row_number() OVER (PARTITION BY v.doc_key ORDER BY r.started_at DESC, v.run_id DESC) AS n
    FROM (SELECT DISTINCT doc_key, run_id FROM verdicts) v JOIN runs r ON r.run_id = v.run_id
)
SELECT l.doc_key, l.doc_id, c.run_id, c.rules_hash, c.reference_hash, c.reference_files
FROM latest l JOIN checks c ON c.doc_key = l.doc_key AND c.n = 1
WHERE l.n = 1
ORDER BY l.doc_id
"""

#: Columns of :attr:`RecheckResult.changes`.
CHANGE_COLUMNS = ("doc_id", "claim_id", "surface", "old_verdict", "new_verdict", "finding")


@dataclass(frozen=True, slots=True)
class RecheckResult:
    """What a re-check did; ``run_id`` is None when nothing needed re-checking (no run was recorded)."""

    run_id: str | None
    #: stored articles with numbers (latest versions), and how many of them were re-checked
    articles: int
    rechecked: int
    #: why they were re-checked, e.g. ``rules changed for 3 articles``
    reasons: tuple[str, ...]
    #: one row per claim whose verdict changed (:data:`CHANGE_COLUMNS`)
    changes: pd.DataFrame
    coverage: Coverage
    worst_severity: str | None
    report: Path | None
    index: Path | None
    exit_code: int

    def summary(self) -> str:
        """One line: what was re-checked and why, how many verdicts changed, the coverage, the report."""
        if self.run_id is None:
            noun = "article with numbers was" if self.articles == 1 else "articles with numbers were"
            return (
                f"recheck: nothing to recheck: the {self.articles:,} stored {noun} last checked with the "
                "current rules and reference data; no run recorded"
            )
        changed = len(self.changes)
        return (
            f"recheck {self.run_id}: {self.rechecked:,} of {self.articles:,} articles re-checked "
            f"({'; '.join(self.reasons)}) · {changed:,} {'verdict' if changed == 1 else 'verdicts'} changed · "
            f"{self.coverage.line()} · report {self.report}"
        )

    def change_lines(self) -> list[str]:
        """One line per changed verdict: ``doc id: "figure" old -> new: finding``."""
        lines = []
        for row in self.changes.to_dict("records"):
            finding = f": {row['finding']}" if row["finding"] else ""
            lines.append(
                f'{row["doc_id"]}: "{row["surface"]}" {row["old_verdict"]} -> {row["new_verdict"]}{finding}'
            )
        return lines


def last_checks(store: AuditStore) -> pd.DataFrame:
    """Per stored article (latest version) with numbers: ``doc_key, doc_id``, the ``run_id`` that last checked
    it and that run's ``rules_hash, reference_hash, reference_files`` (None from a database older than them)."""
    return store.con.execute(_LAST_CHECKS).df()


def stale(checks: pd.DataFrame, prints: Fingerprint) -> pd.Series:
    """Which rows of :func:`last_checks` were computed with other rules or other reference data."""
    return (checks["rules_hash"] != prints.rules_hash) | (checks["reference_hash"] != prints.reference_hash)


def run_recheck(options: AuditOptions) -> RecheckResult:
    """Re-check the stored articles whose last check used other rules or reference data than ``options``
    select, store the new verdicts as a new run and write its report (listing the changed verdicts)."""
    options.check()
    rules = engine.load_rules(options.rules)
    references = options.reference_table()
    prints = options.fingerprint(rules)
    with AuditStore(options.db, wait=options.wait) as store:
        checks = last_checks(store)
        todo = checks[stale(checks, prints).to_numpy()].reset_index(drop=True)
        if todo.empty:
            nothing = pd.DataFrame({c: pd.Series(dtype="str") for c in CHANGE_COLUMNS})
            return RecheckResult(
                None, len(checks), 0, (), nothing, Coverage.of(empty(VerdictsSchema)), None, None, None, 0
            )
        started = datetime.now(UTC)
        run_id = store.start_run(options.run_start(prints, kind="recheck"), now=started)
        sweep_staging(options.out, store)
        counts = RunCounts(documents_read=len(todo))
        try:
            before = store.checked_tables(todo)
            verdicts, findings = _check_again(store, run_id, todo, before, rules, references, options)
            counts = RunCounts(documents_read=len(todo), claims=len(verdicts), findings=len(findings))
            status = exit_status(findings["severity"], options.fail_on, bad_documents=0)
            info = audit_run_info(run_id, started, rules, options, prints)
            report = reporting.render_run_report(
                options.out / run_id,
                run=info,
                documents=before.documents,
                claims=before.claims,
                verdicts=verdicts,
                findings=findings,
                references=references,
                history=store.history(),
                before=before.verdicts,
            )
            store.set_report(run_id, report)
            store.finish_run(run_id, counts, status="finished", exit_code=status)
            index = reporting.render_index(options.out, store.history(), tool_version=info.tool_version)
        except BaseException as exc:
            code = int(getattr(exc, "exit_code", EXIT_INTERNAL))
            store.finish_run(
                run_id, counts, status="failed", exit_code=code, error=f"{type(exc).__name__}: {exc}"
            )
            raise
    return RecheckResult(
        run_id=run_id,
        articles=len(checks),
        rechecked=len(todo),
        reasons=_reasons(todo, prints),
        changes=verdict_changes(before, verdicts, findings),
        coverage=Coverage.of(verdicts),
        worst_severity=worst_severity(findings["severity"]),
        report=report,
        index=index,
        exit_code=status,
    )


def _check_again(
    store: AuditStore,
    run_id: str,
    todo: pd.DataFrame,
    before: RunTables,
    rules: RuleSet,
    references: pd.DataFrame,
    options: AuditOptions,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Check the stored claims of ``todo``'s articles, batch by batch, storing each article's new verdicts
    and findings in its own transaction; return all of them. Each doc id is once in ``todo`` (latest versions)."""
    documents, claims = before.documents, before.claims
    all_verdicts, all_findings = [], []
    for start in range(0, len(todo), options.batch_size):
        chunk = todo.iloc[start : start + options.batch_size]
        ids = list(chunk["doc_id"])
        checked = engine.check_claims(
            claims[claims["doc_id"].isin(ids)].reset_index(drop=True),
            documents[documents["doc_id"].isin(ids)].reset_index(drop=True),
            references=references,
            rules=rules,
        )
        verdicts = validate(VerdictsSchema, checked.verdicts)
        findings = validate(FindingsSchema, checked.findings)
        store.store_checks(run_id, list(zip(chunk["doc_key"], ids, strict=True)), verdicts, findings)
        all_verdicts.append(verdicts)
        all_findings.append(findings)
    return concat_rows(all_verdicts, VerdictsSchema), concat_rows(all_findings, FindingsSchema)


def verdict_changes(before: RunTables, verdicts: pd.DataFrame, findings: pd.DataFrame) -> pd.DataFrame:
    """One row per claim whose new verdict differs from its last one (:data:`CHANGE_COLUMNS`), in article
    and text order; ``finding`` is the message of the claim's most serious new finding (empty without one)."""
    keys = ["doc_id", "claim_id"]
    old = before.verdicts[[*keys, "verdict"]].rename(columns={"verdict": "old_verdict"})
    new = verdicts[[*keys, "verdict"]].rename(columns={"verdict": "new_verdict"})
    merged = before.claims[[*keys, "surface", "start"]].merge(old, on=keys).merge(new, on=keys)
    changed = merged[merged["old_verdict"] != merged["new_verdict"]].sort_values(["doc_id", "start"])
    rank = findings.assign(_rank=findings["severity"].map(lambda s: -SEVERITIES.index(str(s))))
    first = rank.sort_values([*keys, "_rank"], kind="stable").drop_duplicates(keys)[[*keys, "message"]]
    out = changed.merge(first, on=keys, how="left").rename(columns={"message": "finding"})
    out["finding"] = out["finding"].fillna("")
    return out[list(CHANGE_COLUMNS)].reset_index(drop=True)


def _reasons(todo: pd.DataFrame, prints: Fingerprint) -> tuple[str, ...]:
    """Why the articles of ``todo`` were re-checked: rules changed, which reference files changed, or the run
    that checked them recorded neither (a database older than these hashes)."""
    unknown = todo["rules_hash"].isna()
    rules = int((~unknown & (todo["rules_hash"] != prints.rules_hash)).sum())
    ref_changed = ~unknown & (todo["reference_hash"] != prints.reference_hash)
    files: set[str] = set()
    for recorded in todo.loc[ref_changed, "reference_files"]:
        files |= _changed_files(json.loads(str(recorded or "{}")), prints.reference_files)
    out = []
    if rules:
        out.append(f"rules changed for {rules:,}")
    if int(ref_changed.sum()):
        named = f" ({', '.join(sorted(files))})" if files else ""
        out.append(f"reference data changed{named} for {int(ref_changed.sum()):,}")
    if int(unknown.sum()):
        out.append(f"not recorded by an older auditor for {int(unknown.sum()):,}")
    return tuple(out)


def _changed_files(recorded: Mapping[str, str], current: Mapping[str, str]) -> set[str]:
    """Reference files added, removed or with other contents since ``recorded``."""
    return {name for name in recorded.keys() | current.keys() if recorded.get(name) != current.get(name)}
