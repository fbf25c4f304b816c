"""``auditor audit --from-parquet DIR``: a ``check --dask`` result stored like a local audit, idempotently.

One ``check --dask`` run (one article per part) and one load of it into a fresh history are shared by the
module's tests; none of them writes to either.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import yaml
from click.testing import CliRunner, Result

from auditor.cli import main
from auditor.history.store import AuditStore

HARBOUR = Path(__file__).parent / "fixtures" / "harbour.jsonl"
JOBS_MODES = yaml.safe_load(
    (Path(__file__).parent / "cases" / "audit_jobs_modes.yaml").read_text(encoding="utf-8")
)
INCOMPLETE = yaml.safe_load(
    (Path(__file__).parent / "cases" / "from_parquet_incomplete.yaml").read_text(encoding="utf-8")
)
_TABLES = ("documents", "claims", "verdicts", "findings")


def _run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


def _load(folder: Path, db: Path, out: Path, *extra: str) -> Result:
    return _run("audit", "--from-parquet", str(folder), "--db", str(db), "--out", str(out), *extra)


def _stored(db: Path) -> dict[str, pd.DataFrame]:
    """Every data table of the history, without the run id (two runs differ only there)."""
    with AuditStore(db) as store:
        return {name: store.table(name).drop(columns="run_id") for name in _TABLES}


def _report_tables(out: Path) -> dict[str, bytes]:
    """The claims and findings tables of the one run report under ``out``."""
    (report,) = (p.parent for p in out.glob("*/index.html"))
    return {name: (report / name).read_bytes() for name in ("claims.csv", "findings.csv")}


@pytest.fixture(scope="module")
def checked(dask_cluster: str, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The --out folder of ``check --dask`` on the harbour articles, one article per part."""
    out = tmp_path_factory.mktemp("dask") / "checked"
    result = _run("check", str(HARBOUR), "--dask", dask_cluster, "--out", str(out), "--part-size", "1")
    assert result.exit_code in (0, 1), result.output
    return out


@dataclass(frozen=True)
class Loaded:
    """One load of ``checked`` into a fresh history: the database, the report folder and the command's result."""

    db: Path
    out: Path
    result: Result


@pytest.fixture(scope="module")
def loaded(checked: Path, tmp_path_factory: pytest.TempPathFactory) -> Loaded:
    work = tmp_path_factory.mktemp("loaded")
    result = _load(checked, work / "audit.duckdb", work / "reports")
    return Loaded(work / "audit.duckdb", work / "reports", result)


def test_loaded_result_is_what_a_local_audit_stores_and_reports(loaded: Loaded, tmp_path: Path) -> None:
    local = _run("audit", str(HARBOUR), "--db", str(tmp_path / "local.duckdb"), "--out", str(tmp_path / "r1"))
    assert loaded.result.exit_code == local.exit_code, loaded.result.output
    assert "6 articles read · 6 new · 0 already audited" in loaded.result.stdout
    expected, got = _stored(tmp_path / "local.duckdb"), _stored(loaded.db)
    for name in _TABLES:
        pd.testing.assert_frame_equal(got[name], expected[name], check_dtype=False, obj=name)
    assert len(got["claims"]) > 6
    assert _report_tables(loaded.out) == _report_tables(tmp_path / "r1")
    assert (loaded.out / "index.html").is_file()


def test_loading_twice_adds_nothing(checked: Path, loaded: Loaded, tmp_path: Path) -> None:
    db = Path(shutil.copy(loaded.db, tmp_path / "audit.duckdb"))
    once = _stored(db)
    again = _load(checked, db, tmp_path / "r")
    assert again.exit_code == loaded.result.exit_code
    assert "6 articles read · 0 new · 6 already audited" in again.stdout
    for name, frame in _stored(db).items():
        pd.testing.assert_frame_equal(frame, once[name], obj=name)


def test_a_killed_load_leaves_whole_articles_and_the_next_load_stores_the_rest(
    checked: Path, loaded: Loaded, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "audit.duckdb"
    insert = AuditStore._insert_rows
    calls = {"verdicts": 0}

    def dies_on_the_third_article(self: AuditStore, table: str, **where: str) -> None:
        if table == "verdicts":
            calls["verdicts"] += 1
            if calls["verdicts"] == 3:  # the claims of article 3 are written, its verdicts not yet
                raise KeyboardInterrupt
        insert(self, table, **where)

    monkeypatch.setattr(AuditStore, "_insert_rows", dies_on_the_third_article)
    killed = _load(checked, db, tmp_path / "r")
    assert killed.exit_code == 130
    half = _stored(db)
    assert len(half["documents"]) == 2
    for name in ("claims", "verdicts"):
        assert set(half[name]["doc_key"]) == set(half["documents"]["doc_key"])
    monkeypatch.setattr(AuditStore, "_insert_rows", insert)
    rest = _load(checked, db, tmp_path / "r")
    assert "6 articles read · 4 new · 2 already audited" in rest.stdout
    assert rest.exit_code == loaded.result.exit_code
    resumed = _stored(db)
    for name, frame in _stored(loaded.db).items():
        pd.testing.assert_frame_equal(resumed[name], frame, obj=name)


@pytest.mark.parametrize(
    ("manifest", "message"),
    [
        (None, "no readable run.json"),
        (
            {"command": "extract", "parts": []},
            "holds an extract result; only 'auditor check --dask' results have verdicts to store",
        ),
    ],
)
def test_a_folder_that_is_no_check_result_is_refused(
    tmp_path: Path, manifest: dict[str, object] | None, message: str
) -> None:
    folder = tmp_path / "result"
    folder.mkdir()
    if manifest is not None:
        (folder / "run.json").write_text(json.dumps(manifest), encoding="utf-8")
    result = _load(folder, tmp_path / "a.duckdb", tmp_path / "r")
    assert result.exit_code == 2
    assert message in result.stderr
    assert not (tmp_path / "a.duckdb").exists()


def test_a_result_checked_with_rules_that_changed_since_is_refused(checked: Path, tmp_path: Path) -> None:
    copy = shutil.copytree(checked, tmp_path / "checked")
    manifest = json.loads((copy / "run.json").read_text(encoding="utf-8"))
    manifest["rules_hash"] = "0" * 64
    (copy / "run.json").write_text(json.dumps(manifest), encoding="utf-8")
    result = _load(copy, tmp_path / "a.duckdb", tmp_path / "r")
    assert result.exit_code == 2
    assert "rules or reference data that have changed since (rules 000000000000, reference" in result.stderr
    assert not (tmp_path / "a.duckdb").exists()


@pytest.mark.parametrize(
    ("extra", "named"),
    [
        (["--rules", "RULES"], "--rules"),
        (["--date", "2015-10-01"], "--date"),
        (["--no-default-reference"], "--no-default-reference"),
    ],
)
def test_options_that_would_change_verdicts_are_refused_with_from_parquet(
    tmp_path: Path, repo: Path, extra: list[str], named: str
) -> None:
    options = [str(repo / "rules") if e == "RULES" else e for e in extra]
    result = _load(tmp_path, tmp_path / "a.duckdb", tmp_path / "r", *options)
    assert result.exit_code == 2
    assert f"loads verdicts the check already computed; {named} cannot change them" in result.stderr


@pytest.mark.parametrize("mode", [["SOURCE"], ["--recheck"]])
def test_from_parquet_takes_no_source_and_no_recheck(tmp_path: Path, mode: list[str]) -> None:
    args = [str(HARBOUR) if m == "SOURCE" else m for m in mode]
    result = _run("audit", *args, "--from-parquet", str(tmp_path), "--db", str(tmp_path / "a.duckdb"))
    assert result.exit_code == 2
    assert (
        "give exactly one of SOURCE... (articles to audit), --recheck or --from-parquet DIR" in result.stderr
    )


@pytest.mark.parametrize("case", INCOMPLETE, ids=[c["name"] for c in INCOMPLETE])
def test_an_incomplete_result_is_refused_naming_what_is_missing(
    checked: Path, tmp_path: Path, case: dict[str, Any]
) -> None:
    copy = shutil.copytree(checked, tmp_path / "checked")
    for name in case.get("remove", []):
        (copy / name).unlink()
    if "copy" in case:
        shutil.copyfile(copy / case["copy"][0], copy / case["copy"][1])
    for name in case.get("garble", []):
        (copy / name).write_text("PAR1 not all of it", encoding="utf-8")
    manifest = json.loads((copy / "run.json").read_text(encoding="utf-8"))
    manifest.update(case.get("manifest", {}))
    for index, changes in case.get("parts", {}).items():
        manifest["parts"][index].update(changes)
    (copy / "run.json").write_text(json.dumps(manifest), encoding="utf-8")
    result = _load(copy, tmp_path / "a.duckdb", tmp_path / "r")
    assert result.exit_code == 2, result.output
    assert "is not a complete result, nothing was stored: " in result.stderr
    for text in case["says"]:
        assert text in result.stderr
    assert not (tmp_path / "a.duckdb").exists()


@pytest.mark.parametrize(
    "case", JOBS_MODES, ids=[" ".join(c["mode"]) + " --jobs " + c["jobs"] for c in JOBS_MODES]
)
def test_jobs_is_refused_where_audit_runs_in_one_process(tmp_path: Path, case: dict[str, Any]) -> None:
    args = [str(tmp_path) if m == "DIR" else m for m in case["mode"]]
    result = _run("audit", *args, "--jobs", case["jobs"], "--db", str(tmp_path / "a.duckdb"))
    assert result.exit_code == 2
    assert case["says"] in result.stderr
    assert not (tmp_path / "a.duckdb").exists()
