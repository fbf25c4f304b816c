"""``extract|check --dask ADDRESS --out DIR`` on a LocalCluster of two worker processes.

The cluster is started once for the session (``dask_cluster`` in conftest.py) and the commands reach it by
its ``tcp://`` address (starting workers costs seconds); one test starts its own with ``local:2``. Rows are compared with a local run's
``--format jsonl`` output, written from the Parquet dataset by the same JSON lines writer, byte for byte.
"""

from __future__ import annotations

import io
import itertools
import json
import sys
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import yaml
from click.testing import CliRunner, Result

from auditor.cli import main
from auditor.io.output import open_writer
from auditor.io.parts import plan_parts, read_part

CASES = yaml.safe_load((Path(__file__).parent / "cases" / "dask_parts.yaml").read_text(encoding="utf-8"))

#: Six short articles written for these tests (dated, undated, with a title or a source).
HARBOUR = Path(__file__).parent / "fixtures" / "harbour.jsonl"
ARTICLES = [json.loads(line) for line in HARBOUR.read_text(encoding="utf-8").splitlines()]


def _run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def _jsonl(folder: Path) -> str:
    """The dataset's rows, in part order, as ``--format jsonl`` writes them."""
    frame = pd.read_parquet(folder)
    if "findings" in frame.columns:
        frame["findings"] = frame["findings"].map(list)
    stream = io.StringIO()
    writer = open_writer("jsonl", stream)
    writer.write(frame)
    writer.close()
    return stream.getvalue()


def _write_jsonl(path: Path, records: list[Any]) -> Path:
    path.write_text(
        "".join(r if isinstance(r, str) else json.dumps(r) + "\n" for r in records), encoding="utf-8"
    )
    return path


@pytest.fixture
def corpus(shared: Path, tmp_path: Path) -> Path:
    """A small slice of the shared news (three sources, a few hundred articles) as a folder of JSONL files."""
    folder = tmp_path / "news"
    folder.mkdir()
    for name, lines in (
        ("bbc_fulltext.jsonl", 40),
        ("fakes_syria.jsonl", 60),
        ("reportedly_2015_09.jsonl", 46),
    ):
        source = shared / "data" / "news" / name
        if not source.is_file():
            pytest.skip(f"{source} is absent")
        with source.open(encoding="utf-8") as stream:
            (folder / name).write_text("".join(next(stream) for _ in range(lines)), encoding="utf-8")
    return folder


@pytest.mark.shared
@pytest.mark.slow
@pytest.mark.parametrize("command", ["extract", "check"])
def test_dask_rows_are_the_local_rows_on_real_news(
    dask_cluster: str, corpus: Path, tmp_path: Path, command: str
) -> None:
    expected = CliRunner().invoke(main, [command, str(corpus), "--format", "jsonl"])
    assert expected.exit_code in (0, 1), expected.output
    out = tmp_path / "out"
    result = CliRunner().invoke(
        main, [command, str(corpus), "--dask", dask_cluster, "--out", str(out), "--part-size", "100kB"]
    )
    assert result.exit_code == expected.exit_code, result.output
    manifest = json.loads((out / "run.json").read_text(encoding="utf-8"))
    assert len(manifest["parts"]) > 3
    assert manifest["complete"]
    assert _jsonl(out / "claims") == expected.stdout
    if command == "check":
        coverage = expected.stderr.strip().splitlines()[-1]
        assert coverage in result.stderr
        documents = pd.read_parquet(out / "documents")
        assert len(documents) == 40 + 60 + 46


def test_a_bad_document_is_reported_and_the_other_parts_complete(dask_cluster: str, tmp_path: Path) -> None:
    batch = _write_jsonl(
        tmp_path / "batch.jsonl", [*ARTICLES[:3], '{"id": "broken", "text": \n', *ARTICLES[3:]]
    )
    good = _write_jsonl(tmp_path / "good.jsonl", ARTICLES)
    out = tmp_path / "out"
    result = _run("check", str(batch), "--dask", dask_cluster, "--out", str(out), "--part-size", "100")
    assert result.exit_code == 2
    assert f"error: {batch.as_posix()}:4: malformed JSON" in result.stderr
    expected = _run("check", str(good), "--format", "jsonl").stdout
    assert _jsonl(out / "claims") == expected
    assert sorted(pd.read_parquet(out / "documents")["doc_id"]) == sorted(a["id"] for a in ARTICLES)


def test_parquet_input_reads_like_the_same_articles_in_jsonl(dask_cluster: str, tmp_path: Path) -> None:
    frame = pd.DataFrame(ARTICLES).reindex(columns=["id", "text", "title", "date", "source"])
    frame["date"] = pd.to_datetime(frame["date"]).dt.date  # a date column, not strings
    dataset = tmp_path / "archive"
    dataset.mkdir()
    frame.iloc[:4].to_parquet(dataset / "a.parquet", row_group_size=2)
    frame.iloc[4:].to_parquet(dataset / "b.parquet")
    good = _write_jsonl(tmp_path / "good.jsonl", ARTICLES)
    out = tmp_path / "out"
    result = _run("extract", str(dataset), "--dask", dask_cluster, "--out", str(out), "--part-size", "1")
    assert result.exit_code == 0, result.output
    assert len(list((out / "claims").glob("part-*.parquet"))) == 3
    assert _jsonl(out / "claims") == _run("extract", str(good), "--format", "jsonl").stdout


@pytest.mark.parametrize("command", ["extract", "check"])
def test_an_id_repeated_in_a_later_part_is_reported_and_left_out_as_in_a_local_run(
    dask_cluster: str, tmp_path: Path, command: str
) -> None:
    again = {"id": "harbour-2", "text": "A second text under the same id counts 7 boats."}
    batch = _write_jsonl(tmp_path / "batch.jsonl", [*ARTICLES[:3], again, *ARTICLES[3:]])
    other = _write_jsonl(tmp_path / "other.jsonl", [ARTICLES[4], again])
    sources = [str(batch), str(other)]
    local = _run(command, *sources, "--format", "jsonl")
    out = tmp_path / "out"
    result = _run(command, *sources, "--dask", dask_cluster, "--out", str(out), "--part-size", "1")
    assert result.exit_code == local.exit_code == 2, result.output

    def duplicates(stderr: str) -> list[str]:
        return sorted(line for line in stderr.splitlines() if "duplicate document id" in line)

    assert duplicates(result.stderr) == duplicates(local.stderr)
    assert len(duplicates(local.stderr)) == 3
    assert (
        f"error: {batch.as_posix()}:4: duplicate document id 'harbour-2'; ids must be unique" in result.stderr
    )
    assert _jsonl(out / "claims") == local.stdout
    if command == "check":
        assert sorted(pd.read_parquet(out / "documents")["doc_id"]) == sorted(a["id"] for a in ARTICLES)


def test_rules_and_reference_are_loaded_once_per_worker(dask_cluster: str, tmp_path: Path) -> None:
    from distributed import Client

    from auditor.cluster.tasks import checking_data

    batch = _write_jsonl(tmp_path / "batch.jsonl", ARTICLES)
    with Client(dask_cluster) as client:
        client.run(checking_data.cache_clear)
        result = _run(
            "check", str(batch), "--dask", dask_cluster, "--out", str(tmp_path / "out"), "--part-size", "1"
        )
        assert result.exit_code in (0, 1), result.output
        loads = client.run(lambda: checking_data.cache_info().misses)
    parts = json.loads((tmp_path / "out" / "run.json").read_text(encoding="utf-8"))["parts"]
    assert len(parts) == len(ARTICLES)  # six parts, one article each, on two workers
    assert sorted(loads.values()) in ([1, 1], [0, 1])  # each worker loaded them at most once


def test_a_local_cluster_is_started_for_local_n(tmp_path: Path) -> None:
    pytest.importorskip("distributed")
    batch = _write_jsonl(tmp_path / "batch.jsonl", ARTICLES)
    result = _run(
        "extract", str(batch), "--dask", "local:2", "--out", str(tmp_path / "out"), "--part-size", "1"
    )
    assert result.exit_code == 0, result.output
    assert _jsonl(tmp_path / "out" / "claims") == _run("extract", str(batch), "--format", "jsonl").stdout


def test_local_workers_keep_no_profile_history_growing_with_the_run(dask_cluster: str) -> None:
    """Regression (issue 11): Dask's statistical profiler kept a call tree of each second for 1,000 s on every
    worker, so a worker's memory grew with the length of the run; the workers ``local:N`` starts run without it."""
    from distributed import Client

    def profiler(dask_worker: Any) -> tuple[int, bool]:
        return len(dask_worker.profile_history), "profile-cycle" in dask_worker.periodic_callbacks

    with Client(dask_cluster) as client:
        assert list(client.run(profiler).values()) == [(0, False), (0, False)]


def test_without_dask_the_option_says_how_to_install_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "distributed", None)  # import distributed raises ImportError
    batch = _write_jsonl(tmp_path / "batch.jsonl", ARTICLES)
    result = _run("extract", str(batch), "--dask", "local:2", "--out", str(tmp_path / "out"))
    assert result.exit_code == 2
    assert "Dask is not installed; install it with: pip install 'auditor[dask]'" in result.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--dask", "local:2"], "option --dask got 'local:2': needs --out as well"),
        (["--out", "x"], "option --out got 'x': needs --dask as well"),
        (
            ["--dask", "local:0", "--out", "x"],
            "allowed: a scheduler address such as tcp://host:8786, or local:N",
        ),
        (
            ["--dask", "localhost", "--out", "x"],
            "allowed: a scheduler address such as tcp://host:8786, or local:N",
        ),
        (
            ["--dask", "local:2", "--out", "x", "--format", "csv"],
            "option --format got 'csv': --dask writes Parquet",
        ),
    ],
)
def test_dask_usage_errors(tmp_path: Path, args: list[str], message: str) -> None:
    batch = _write_jsonl(tmp_path / "batch.jsonl", ARTICLES)
    result = _run("extract", str(batch), *args)
    assert result.exit_code == 2
    assert message in result.stderr


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_jsonl_parts_start_at_line_starts(tmp_path: Path, case: dict[str, Any]) -> None:
    lines = [json.dumps({"id": n, "text": n}).ljust(40) if n else "" for n in case["lines"]]
    path = tmp_path / "batch.jsonl"
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    parts = plan_parts([str(path)], case["target"], on_error=pytest.fail)
    assert [p.first for p in parts] == case["firsts"]
    assert parts[0].start == 0
    assert parts[-1].end == path.stat().st_size
    assert all(a.end == b.start for a, b in itertools.pairwise(parts))
    docs = [d.doc_id for p in parts for d in read_part(p, on_error=pytest.fail)]
    assert docs == [n for n in case["lines"] if n]
