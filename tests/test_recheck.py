"""``auditor audit --recheck``: the schema v3 migration keeps old rows, each run records its rules and reference
hashes, verdicts are kept per run, only stale articles are re-checked, a second re-check is a no-op, and the
changed verdicts are printed and listed on the run page (steps in ``tests/cases/recheck.yaml``)."""

from __future__ import annotations

import json
import re
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import pytest
import yaml
from click.testing import CliRunner

from auditor.checks import load_rules
from auditor.cli import main
from auditor.history.methods import fingerprint
from auditor.history.recheck import last_checks
from auditor.history.store import SCHEMA_VERSION, AuditStore
from auditor.history.tables import MIGRATIONS

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "docs" / "own-statistics"
SPEC = yaml.safe_load((Path(__file__).parent / "cases" / "recheck.yaml").read_text(encoding="utf-8"))
STEPS = SPEC["steps"]
#: ``path: "figure" old -> new: finding``, as ``RecheckResult.change_lines`` prints it
CHANGE_LINE = re.compile(r'^(?P<doc>.+?): "(?P<surface>[^"]+)" (?P<old>\w+) -> (?P<new>\w+)(?::|$)')


# --- migration ----------------------------------------------------------------------------------------------


def _old_database(path: Path, version: int) -> None:
    """A database as auditor wrote it at schema ``version``: one finished run with one document, claim, verdict
    and finding."""
    with duckdb.connect(str(path)) as con:
        con.execute("CREATE TABLE schema_version (version INTEGER NOT NULL)")
        for statements in MIGRATIONS[:version]:
            for statement in statements:
                con.execute(statement)
        con.execute("INSERT INTO schema_version VALUES (?)", [version])
        con.execute(
            "INSERT INTO runs (run_id, started_at, status) VALUES ('r1', TIMESTAMP '2015-10-01 02:00', 'finished')"
        )
        con.execute(
            "INSERT INTO documents VALUES ('k', 'r1', 'd', 'Title', TIMESTAMP '2015-10-01', 'desk', '250 died.')"
        )
        con.execute(
            """INSERT INTO claims (doc_key, run_id, doc_id, claim_id, start, "end", surface, sentence, comparator,
                                   approx, kind) VALUES ('k', 'r1', 'd', 'c1', 0, 3, '250', '250 died.', 'eq',
                                   false, 'count')"""
        )
        con.execute("INSERT INTO verdicts VALUES ('k', 'r1', 'd', 'c1', 'matches', NULL)")
        con.execute(
            """INSERT INTO findings (doc_key, run_id, finding_id, doc_id, claim_id, rule_id, "check", verdict,
                                     severity, message) VALUES ('k', 'r1', 'f1', 'd', 'c1', 'deaths', 'reference',
                                     'matches', 'info', 'Fits.')"""
        )


@pytest.mark.parametrize("version", [1, 2])
def test_an_older_database_is_upgraded_to_v3_keeping_its_rows(tmp_path: Path, version: int) -> None:
    """Regression (issue 12): v1 (before scope/qualifier) and v2 databases open, migrate to v3 (run kind and
    hashes, verdicts and findings per run) and keep every row; their runs count as unrecorded, so stale."""
    db = tmp_path / "audit.duckdb"
    _old_database(db, version)
    with AuditStore(db) as store:
        assert store.schema_version() == SCHEMA_VERSION == 3
        assert store.counts() == {
            "runs": 1,
            "documents": 1,
            "claims": 1,
            "verdicts": 1,
            "findings": 1,
        }
        run = store.runs().iloc[0]
        assert (run["kind"], run["rules_hash"], run["reference_hash"]) == ("audit", None, None)
        assert store.table("verdicts")[["claim_id", "verdict"]].values.tolist() == [["c1", "matches"]]
        assert list(store.table("findings")["message"]) == ["Fits."]
        assert store.table("claims")[["scope", "qualifier"]].isna().all().all()
        checks = last_checks(store)
        assert checks[["doc_id", "run_id"]].values.tolist() == [["d", "r1"]]
        assert checks["rules_hash"].isna().all()
        # verdicts and findings are now kept per run: another run's verdict of the same claim sits beside it
        store.con.execute("INSERT INTO verdicts VALUES ('k', 'r2', 'd', 'c1', 'likely_error', NULL)")
        store.con.execute(
            """INSERT INTO findings (doc_key, run_id, finding_id, doc_id, claim_id, rule_id, "check", verdict,
                                     severity, message) VALUES ('k', 'r2', 'f1', 'd', 'c1', 'deaths',
                                     'reference', 'likely_error', 'error', 'Too high.')"""
        )
        assert sorted(store.table("verdicts")["run_id"]) == ["r1", "r2"]


# --- the recheck steps --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Outcome:
    step: dict[str, Any]
    exit_code: int
    stdout: str
    runs_before: pd.DataFrame
    runs: pd.DataFrame
    verdicts_before: pd.DataFrame
    verdicts: pd.DataFrame
    folder: Path


def _inputs(root: Path) -> tuple[dict[str, Path], dict[str, list[str]], dict[str, list[str]]]:
    """The articles, ``--reference`` and ``--rules`` options of the steps, written under ``root``."""
    articles = {"article": EXAMPLE / "article.txt"}
    for name, text in SPEC["articles"].items():
        articles[name] = root / f"{name}.txt"
        articles[name].write_text(text, encoding="utf-8")
    edited = root / "edited" / "road_deaths.csv"
    edited.parent.mkdir()
    old, new = SPEC["edit"]
    original = (EXAMPLE / "road_deaths.csv").read_text(encoding="utf-8")
    assert old in original
    edited.write_text(original.replace(old, new), encoding="utf-8")
    wider = root / "wider"
    shutil.copytree(EXAMPLE / "rules", wider)
    spec = (wider / "references.yaml").read_text(encoding="utf-8")
    assert SPEC["widen"][0] in spec
    (wider / "references.yaml").write_text(spec.replace(*SPEC["widen"]), encoding="utf-8")
    references = {"none": [], "docs": ["--reference", str(EXAMPLE)], "edited": ["--reference", str(edited)]}
    rules = {"docs": ["--rules", str(EXAMPLE / "rules")], "wider": ["--rules", str(wider)]}
    return articles, references, rules


def _tables(db: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    with AuditStore(db) as store:
        return store.runs(), store.table("verdicts")


@pytest.fixture(scope="module")
def outcomes(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Outcome]:
    """Every step of ``recheck.yaml`` run in order on one history database and report folder."""
    root = tmp_path_factory.mktemp("recheck")
    articles, references, rules = _inputs(root)
    db, out = root / "audit.duckdb", root / "reports"
    results: dict[str, Outcome] = {}
    for step in STEPS:
        runs_before, verdicts_before = _tables(db) if db.exists() else (pd.DataFrame(), pd.DataFrame())
        args = ["audit", *(str(articles[a]) for a in step.get("audit", []))]
        args += ["--date", "2016-09-29"] if "audit" in step else ["--recheck"]
        args += [*references[step["reference"]], *rules[step["rules"]], "--db", str(db), "--out", str(out)]
        result = CliRunner().invoke(main, [*args, "--quiet"])
        if result.exception and not isinstance(result.exception, SystemExit):
            raise result.exception
        runs, verdicts = _tables(db)
        results[step["name"]] = Outcome(
            step, result.exit_code, result.stdout, runs_before, runs, verdicts_before, verdicts, root
        )
    return results


def _step_ids() -> list[Any]:
    return [pytest.param(step["name"], id=step["name"]) for step in STEPS]


def _new_run(outcome: Outcome) -> pd.Series | None:
    if len(outcome.runs) == len(outcome.runs_before):
        return None
    assert len(outcome.runs) == len(outcome.runs_before) + 1
    return outcome.runs.iloc[-1]


@pytest.mark.parametrize("name", _step_ids())
def test_each_step_records_a_run_of_its_kind_or_none(outcomes: dict[str, Outcome], name: str) -> None:
    outcome = outcomes[name]
    assert outcome.exit_code == outcome.step["exit"], outcome.stdout
    run = _new_run(outcome)
    assert (None if run is None else run["kind"]) == outcome.step["run"]
    if "summary" in outcome.step:
        assert outcome.step["summary"] in outcome.stdout.splitlines()[-1]


@pytest.mark.parametrize("name", _step_ids())
def test_each_run_records_the_hashes_of_its_rules_and_reference_files(
    outcomes: dict[str, Outcome], name: str
) -> None:
    outcome = outcomes[name]
    run = _new_run(outcome)
    if run is None:
        pytest.skip("this step records no run")
    rules_dir = Path(str(run["rules"]))
    references = [Path(p) for p in json.loads(str(run["reference"]))]
    prints = fingerprint(load_rules(rules_dir), references=references)
    assert run["rules_hash"] == prints.rules_hash
    assert run["reference_hash"] == prints.reference_hash
    files = json.loads(str(run["reference_files"]))
    assert files == dict(prints.reference_files)
    assert ("road_deaths" in files) == (outcome.step["reference"] != "none")


@pytest.mark.parametrize("name", _step_ids())
def test_verdicts_are_kept_per_run_and_only_stale_articles_are_rechecked(
    outcomes: dict[str, Outcome], name: str
) -> None:
    outcome = outcomes[name]
    before, after = outcome.verdicts_before, outcome.verdicts
    if not before.empty:  # the earlier runs' verdicts are untouched
        kept = after[after["run_id"].isin(set(before["run_id"]))]
        key = ["run_id", "doc_id", "claim_id"]
        pd.testing.assert_frame_equal(
            kept.sort_values(key).reset_index(drop=True), before.sort_values(key).reset_index(drop=True)
        )
    run = _new_run(outcome)
    if run is None:
        assert len(after) == len(before)
        return
    mine = after[after["run_id"] == run["run_id"]]
    assert sorted({Path(d).stem for d in mine["doc_id"]}) == sorted(outcome.step["rechecked"])


def _expected_changes(outcome: Outcome) -> list[str]:
    return sorted(outcome.step["changes"])


@pytest.mark.parametrize("name", _step_ids())
def test_changed_verdicts_are_printed(outcomes: dict[str, Outcome], name: str) -> None:
    outcome = outcomes[name]
    printed = []
    for line in outcome.stdout.splitlines():
        if match := CHANGE_LINE.match(line):
            printed.append(f"{Path(match['doc']).stem} {match['surface']} {match['old']} -> {match['new']}")
    assert sorted(printed) == _expected_changes(outcome)


@pytest.mark.parametrize("name", _step_ids())
def test_changed_verdicts_are_listed_on_the_run_page(outcomes: dict[str, Outcome], name: str) -> None:
    outcome = outcomes[name]
    run = _new_run(outcome)
    if run is None:
        pytest.skip("this step records no run and writes no report")
    page = Path(str(run["report"])).read_text(encoding="utf-8")
    if outcome.step["run"] == "audit":
        assert 'id="changes"' not in page
        return
    changes = _expected_changes(outcome)
    heading = re.search(r'<h2 id="changes">(\d+) verdicts? changed by this re-check</h2>', page)
    assert heading is not None
    assert int(heading[1]) == len(changes)
    listed = page.split('id="changes-list"', 1)[1].split("</ol>", 1)[0] if changes else ""
    for change in changes:
        surface = change.split(" ")[1]
        assert f"<mark>{surface}</mark>" in listed
