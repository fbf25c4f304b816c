"""A result written as a Parquet dataset, one file per part (``--dask --out DIR``), and read back.

Layout under ``DIR``:

* ``claims/part-00000.parquet``, ...: the rows ``--format jsonl`` gives, with the pandera models' dtypes
  (``extract``: the claims-table columns; ``check``: those plus ``verdict``, ``reason`` and ``findings``, a list
  of finding objects as in JSONL, their ``reference_date`` a ``YYYY-MM-DD`` string);
* ``documents/part-00000.parquet``, ...: for ``check``, the documents table of each part (what
  ``auditor audit --from-parquet`` stores with the rows);
* ``run.json``: what the run was and, per part, its file, documents, rows and error; written last.

Every file has the same Arrow schema whatever its rows (an empty part included), so the folder reads as one
dataset (``pandas.read_parquet(DIR / "claims")``). Each file is written atomically
(:func:`auditor.io.destinations.write_bytes`).
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from pathlib import Path
from typing import Final

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
from pandera.pandas import DataFrameModel

from auditor.io.destinations import write_bytes
from auditor.schemas import ClaimsSchema, DocumentsSchema, FindingsSchema

CLAIMS: Final = "claims"
DOCUMENTS: Final = "documents"
MANIFEST: Final = "run.json"
#: Columns of a ``check`` row after the claims-table ones (as in ``check --format jsonl``).
CHECK_EXTRA: Final = ("verdict", "reason", "findings")
_KEYS: Final = ("doc_id", "claim_id")
_TYPES: Final = {
    "int64": pa.int64(),
    "float64": pa.float64(),
    "bool": pa.bool_(),
    "datetime64[ns]": pa.timestamp("ns"),
}


def _fields(model: type[DataFrameModel], *, dates_as_text: bool = False) -> list[pa.Field]:
    fields = []
    for name, column in model.to_schema().columns.items():
        kind = _TYPES.get(str(column.dtype), pa.string())
        if dates_as_text and kind == pa.timestamp("ns"):
            kind = pa.string()
        fields.append(pa.field(name, kind))
    return fields


@cache
def arrow_schema(table: str) -> pa.Schema:
    """The Arrow schema of ``claims`` (extract), ``check`` rows or ``documents``."""
    if table == DOCUMENTS:
        return pa.schema(_fields(DocumentsSchema))
    fields = _fields(ClaimsSchema)
    if table == "check":
        finding = pa.struct([f for f in _fields(FindingsSchema, dates_as_text=True) if f.name not in _KEYS])
        fields += [pa.field("verdict", pa.string()), pa.field("reason", pa.string())]
        fields.append(pa.field("findings", pa.list_(finding)))
    return pa.schema(fields)


def part_name(index: int) -> str:
    """``part-00042.parquet``."""
    return f"part-{index:05d}.parquet"


def write_part(path: Path, frames: Iterable[pd.DataFrame], schema: pa.Schema) -> int:
    """Write ``frames`` (one row group each) as one Parquet file with ``schema``; return the rows written."""
    sink = pa.BufferOutputStream()
    rows = 0
    with pq.ParquetWriter(sink, schema) as writer:
        for frame in frames:
            writer.write_table(pa.Table.from_pandas(frame[schema.names], schema=schema, preserve_index=False))
            rows += len(frame)
        if not rows:
            writer.write_table(schema.empty_table())
    write_bytes(path, sink.getvalue().to_pybytes(), make_parents=True)
    return rows


def read_part(path: Path) -> pd.DataFrame:
    """One part file as a DataFrame (lists as arrays of dicts; validating it against a model coerces dtypes)."""
    frame: pd.DataFrame = pq.read_table(path).to_pandas()
    return frame


def count_rows(path: Path) -> int | None:
    """The rows of a part file from its footer (the rows are not read), ``None`` when it is no Parquet file."""
    try:
        return int(pq.read_metadata(path).num_rows)
    except (OSError, pa.ArrowException):
        return None


def part_files(folder: Path) -> list[Path]:
    """The part files of one table folder, in part order."""
    return sorted(folder.glob("part-*.parquet"))
