"""``-o PATH`` and every other output keep what is at PATH: a FIFO stays a FIFO, /dev/null a device, ``-`` is
standard output, a folder is refused and only a regular (or new) file is replaced atomically (issue 12, A).

All three writers (``atomic_output`` for ``-o``, the report's ``write_bytes`` and the pack's ``write_atomic``)
share :mod:`auditor.io.destinations`, so each guarantee is checked through each of them where it applies.
"""

from __future__ import annotations

import os
import stat
import sys
import threading
import types
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from auditor.cli import main
from auditor.errors import OutputError
from auditor.io.destinations import write_bytes as destination_bytes
from auditor.io.output import atomic_output
from auditor.reference.pack import write_atomic
from auditor.report.atomic import write_bytes as report_bytes


def _text_writer(path: Path, data: bytes) -> None:
    with atomic_output(path) as stream:
        stream.write(data.decode("utf-8"))


WRITERS: dict[str, Callable[[Path, bytes], object]] = {
    "atomic_output": _text_writer,
    "report_write_bytes": report_bytes,
    "pack_write_atomic": write_atomic,
    "destinations_write_bytes": destination_bytes,
}
writers = pytest.mark.parametrize("write", list(WRITERS.values()), ids=list(WRITERS))


@writers
def test_writing_to_a_fifo_keeps_it_a_fifo(tmp_path: Path, write: Callable[[Path, bytes], object]) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()), daemon=True)
    reader.start()
    write(fifo, b"a,b\n1,2\n")
    reader.join(timeout=10)
    assert not reader.is_alive()
    assert received == [b"a,b\n1,2\n"]
    assert stat.S_ISFIFO(fifo.stat().st_mode)
    assert [p.name for p in tmp_path.iterdir()] == ["pipe"]  # no temporary file left beside it


@writers
def test_writing_to_dev_null_keeps_it_a_character_device(write: Callable[[Path, bytes], object]) -> None:
    devnull = Path(os.devnull)
    write(devnull, b"discarded\n")
    assert stat.S_ISCHR(devnull.stat().st_mode)


@writers
def test_a_directory_is_refused_naming_the_path_and_what_is_allowed(
    tmp_path: Path, write: Callable[[Path, bytes], object]
) -> None:
    folder = tmp_path / "reports"
    folder.mkdir()
    with pytest.raises(OutputError, match="is a directory") as caught:
        write(folder, b"x\n")
    message = str(caught.value)
    assert str(folder) in message
    assert "allowed:" in message
    assert "regular file" in message
    assert "/dev/null" in message
    assert "- for standard output" in message
    assert folder.is_dir()
    assert not any(folder.iterdir())


@writers
def test_a_regular_file_is_still_replaced_atomically(
    tmp_path: Path, write: Callable[[Path, bytes], object]
) -> None:
    target = tmp_path / "out.csv"
    target.write_bytes(b"old\n")
    before = target.stat().st_ino
    write(target, b"new\n")
    assert target.read_bytes() == b"new\n"
    assert target.stat().st_ino != before  # a new file renamed into place, not rewritten in place
    assert [p.name for p in tmp_path.iterdir()] == ["out.csv"]
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE(target.stat().st_mode) == 0o666 & ~umask


def test_dash_as_bytes_goes_to_stdout_buffer(capsysbinary: pytest.CaptureFixture[bytes]) -> None:
    report_bytes(Path("-"), b"\x89PNG binary")
    assert capsysbinary.readouterr().out == b"\x89PNG binary"


@pytest.fixture
def no_claims(monkeypatch: pytest.MonkeyPatch) -> None:
    """A stand-in ``auditor.claims.extract`` that finds nothing (the CSV is then just its header)."""

    def extract_batches(documents: Iterable[object], **_: object) -> Iterator[pd.DataFrame]:
        yield from ()

    module = types.ModuleType("auditor.claims.extract")
    module.extract_batches = extract_batches  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "auditor.claims.extract", module)


@pytest.mark.usefixtures("no_claims")
def test_dash_output_writes_to_stdout_not_a_file_named_dash(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("AUDITOR_DEBUG", raising=False)
    Path("a.txt").write_text("Some 250,000 people.\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["extract", "--format", "csv", "-o", "-", "a.txt"], prog_name="auditor")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("doc_id,")
    assert not Path("-").exists()
