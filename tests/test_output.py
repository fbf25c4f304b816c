"""Output formats: the claims rows of tests/fixtures/documents/output_cases.yaml, whole and in batches."""

from __future__ import annotations

import io
import json
import math
import os
import stat
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
import yaml

from auditor.errors import UsageError
from auditor.io.output import FORMATS, atomic_output, open_writer, reading, write_table
from auditor.schemas import ClaimsSchema, columns, validate

CASES = yaml.safe_load(
    (Path(__file__).parent / "fixtures" / "documents" / "output_cases.yaml").read_text(encoding="utf-8")
)
CLAIM_COLUMNS = columns(ClaimsSchema)


def _claims(rows: list[dict[str, Any]]) -> pd.DataFrame:
    """A validated claims table from the case rows (defaults as the case file's header says)."""
    records = []
    for n, row in enumerate(rows):
        record: dict[str, Any] = dict.fromkeys(CLAIM_COLUMNS)
        record.update({k: v for k, v in row.items() if k != "reading"})
        record["claim_id"] = record["claim_id"] or f"c{n}"
        record["start"] = record["start"] or 0
        record["end"] = record["end"] or len(row["surface"])
        record["sentence"] = record["sentence"] or row["surface"]
        record["approx"] = bool(record["approx"])
        records.append(record)
    frame = pd.DataFrame.from_records(records, columns=CLAIM_COLUMNS)
    frame["as_of"] = pd.to_datetime(frame["as_of"])
    return validate(ClaimsSchema, frame)


CLAIMS = _claims(CASES["claims"])


def _expected_record(row: pd.Series) -> dict[str, Any]:
    """What one row must look like in JSON: null for missing, YYYY-MM-DD dates, native numbers."""
    out: dict[str, Any] = {}
    for column in CLAIM_COLUMNS:
        value = row[column]
        if isinstance(value, pd.Timestamp):
            out[column] = value.strftime("%Y-%m-%d")
        elif value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NaT:
            out[column] = None
        elif isinstance(value, np.generic):
            out[column] = value.item()
        else:
            out[column] = value
    return out


def _stream(fmt: str, frame: pd.DataFrame, batch_size: int, **kwargs: Any) -> str:
    buffer = io.StringIO()
    writer = open_writer(fmt, buffer, **kwargs)
    for start in range(0, len(frame), batch_size):
        writer.write(frame.iloc[start : start + batch_size])
    writer.close()
    return buffer.getvalue()


EXPECTED = [_expected_record(row) for _, row in CLAIMS.iterrows()]


@pytest.mark.parametrize("batch_size", CASES["batch_sizes"])
def test_jsonl_one_object_per_row_with_exactly_the_columns(batch_size: int) -> None:
    text = _stream("jsonl", CLAIMS, batch_size, columns=CLAIM_COLUMNS)
    lines = text.splitlines()
    assert len(lines) == len(CLAIMS)
    records = [json.loads(line) for line in lines]
    assert all(list(r) == CLAIM_COLUMNS for r in records)
    assert records == EXPECTED


def test_jsonl_keeps_whole_floats_as_floats_and_dates_without_time() -> None:
    text = _stream("jsonl", CLAIMS, 100, columns=CLAIM_COLUMNS)
    first = text.splitlines()[0]
    assert '"value":250000.0' in first
    assert '"as_of":"2011-03-15"' in first
    assert '"precision":10000.0' in first
    assert '"start":0' in first  # integers stay integers
    assert isinstance(json.loads(first)["value"], float)
    assert "T00:00" not in text


def test_jsonl_writes_only_the_chosen_columns_in_their_order() -> None:
    chosen = ["surface", "doc_id", "value"]
    records = [json.loads(line) for line in _stream("jsonl", CLAIMS, 2, columns=chosen).splitlines()]
    assert [list(r) for r in records] == [chosen] * len(CLAIMS)


@pytest.mark.parametrize("batch_size", CASES["batch_sizes"])
def test_json_is_one_array_across_batches(batch_size: int) -> None:
    records = json.loads(_stream("json", CLAIMS, batch_size, columns=CLAIM_COLUMNS))
    assert records == EXPECTED


@pytest.mark.parametrize("batch_size", CASES["batch_sizes"])
def test_csv_has_one_header_across_batches(batch_size: int) -> None:
    text = _stream("csv", CLAIMS, batch_size, columns=CLAIM_COLUMNS)
    assert text.count("doc_id,claim_id,start") == 1
    back = pd.read_csv(io.StringIO(text), keep_default_na=False, na_values=[""])
    assert list(back.columns) == CLAIM_COLUMNS
    assert back["surface"].tolist() == CLAIMS["surface"].tolist()
    assert back["value"].tolist() == pytest.approx(CLAIMS["value"].tolist(), nan_ok=True)
    assert back["as_of"].iloc[0] == "2011-03-15"


@pytest.mark.parametrize(
    ("fmt", "expected"),
    [
        ("jsonl", ""),
        ("json", "[]\n"),
        ("csv", ",".join(CLAIM_COLUMNS) + "\n"),
        ("table", "(nothing to show)\n"),
    ],
)
def test_no_rows_still_gives_valid_output(fmt: str, expected: str) -> None:
    assert _stream(fmt, CLAIMS.iloc[:0], 10, columns=CLAIM_COLUMNS if fmt != "table" else None) == expected


def test_reading_shows_bounds_ranges_and_hedges() -> None:
    assert reading(CLAIMS).tolist() == [row["reading"] for row in CASES["claims"]]


@pytest.mark.parametrize("width", CASES["widths"])
@pytest.mark.parametrize("batch_size", CASES["batch_sizes"])
def test_table_fits_the_width_and_keeps_one_header(width: int, batch_size: int) -> None:
    lines = _stream("table", CLAIMS, batch_size, width=width).splitlines()
    assert max(len(line) for line in lines) <= width
    header = lines[0].split()
    assert header == ["doc", "surface", "reading", "kind", "unit", "measure", "location", "as_of"]
    assert sum(1 for line in lines if line.split() == header) == 1
    assert len(lines) == 2 + len(CLAIMS)
    assert set(lines[1]) <= {"-", " "}


def test_table_columns_line_up_across_batches() -> None:
    lines = _stream("table", CLAIMS, 1, width=120).splitlines()
    starts = [i for i, ch in enumerate(lines[1]) if ch == "-" and (i == 0 or lines[1][i - 1] == " ")]
    kind_at = starts[3]
    kinds = [line[kind_at:].split(" ")[0] for line in lines[2:]]
    assert kinds == CLAIMS["kind"].tolist()


def test_table_cuts_long_cells_with_an_ellipsis_and_shows_readings() -> None:
    text = _stream("table", CLAIMS, 100, width=120)
    assert "2 to 3 million extra passengers" in text
    assert "a cautious estimate" not in text
    assert "…" in text
    for row in CASES["claims"]:
        assert row["reading"] in text
    assert "2011-03-15" in text
    assert "00:00:00" not in text


def test_table_of_any_frame_shows_its_own_columns() -> None:
    frame = pd.DataFrame({"series_id": ["unhcr.popstats.refugees.from_SYR"], "value": [4100000.0]})
    lines = _stream("table", frame, 10, width=80).splitlines()
    assert lines[0].split() == ["series_id", "value"]
    assert lines[2].endswith("4,100,000")


def test_write_table_is_open_write_close() -> None:
    whole = io.StringIO()
    write_table(CLAIMS, "json", whole, columns=CLAIM_COLUMNS)
    assert json.loads(whole.getvalue()) == EXPECTED


def test_unknown_format_names_the_option_value_and_allowed_formats() -> None:
    with pytest.raises(UsageError) as caught:
        open_writer("xml", io.StringIO())
    assert str(caught.value) == f"option --format got 'xml'; allowed: {', '.join(sorted(FORMATS))}"


def _write_then_fail(target: Path) -> None:
    with atomic_output(target) as stream:
        stream.write("half")
        raise RuntimeError("stopped")


def test_atomic_output_replaces_the_file_only_on_success(tmp_path: Path) -> None:
    target = tmp_path / "claims.jsonl"
    target.write_text("old\n", encoding="utf-8")
    with pytest.raises(RuntimeError, match="stopped"):
        _write_then_fail(target)
    assert target.read_text(encoding="utf-8") == "old\n"
    assert list(tmp_path.iterdir()) == [target]

    with atomic_output(target) as stream:
        stream.write("new\n")
    assert target.read_text(encoding="utf-8") == "new\n"
    assert list(tmp_path.iterdir()) == [target]
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE(target.stat().st_mode) == 0o666 & ~umask  # like a file opened with open(), not 0600


def test_jsonl_streams_100k_rows_in_batches() -> None:
    many = CLAIMS.iloc[np.arange(100_000) % len(CLAIMS)].reset_index(drop=True)
    text = _stream("jsonl", many, 5_000, columns=CLAIM_COLUMNS)
    assert text.count("\n") == 100_000
