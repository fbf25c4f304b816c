"""A claim's verdict depends on its own article and the reference data only, never on ``--batch-size``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from auditor.cli import main
from auditor.reference.pack import load_reference

#: Articles of the FA-KES corpus taken for the comparison: the first ones, plus every article a curated pack figure
#: was found in (those are checked without their own figure, which is where batches used to leak).
_FIRST = 40


def _corpus(shared: Path, tmp_path: Path) -> Path:
    lines = (shared / "data" / "news" / "fakes_syria.jsonl").read_text(encoding="utf-8").splitlines()
    definitions = "\n".join(load_reference()["definition"].dropna().astype(str))
    chosen = [
        line for number, line in enumerate(lines) if number < _FIRST or json.loads(line)["id"] in definitions
    ]
    path = tmp_path / "corpus.jsonl"
    path.write_text("\n".join(chosen) + "\n", encoding="utf-8")
    return path


@pytest.mark.slow
def test_check_gives_byte_identical_jsonl_at_batch_sizes_1_7_and_5000(shared: Path, tmp_path: Path) -> None:
    corpus = _corpus(shared, tmp_path)
    outputs = {}
    for size in (1, 7, 5000):
        args = ["check", str(corpus), "--format", "jsonl", "--fail-on", "never", "--batch-size", str(size)]
        result = CliRunner().invoke(main, args)
        assert result.exit_code == 0, result.output
        outputs[size] = result.stdout
    assert outputs[5000].count("\n") > 500
    assert outputs[1] == outputs[7] == outputs[5000]
