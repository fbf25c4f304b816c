"""Where an output goes: the one implementation behind ``-o PATH``, report files, charts and pack files.

What is at ``PATH`` decides how it is written:

* a regular file or a path that does not exist yet: the data goes to a temporary file beside it that is renamed
  over it (:func:`os.replace`) when writing succeeds, so a reader sees the old file or the new one, never half;
  on an error the temporary file is removed and ``PATH`` is left as it was;
* a character device (``/dev/null``, ``/dev/stdout``, a terminal) or a named pipe: written straight through, so
  the device or pipe stays what it is;
* ``-``: standard output (binary data to ``sys.stdout.buffer``);
* anything else (a folder, a socket, a block device) is refused with :class:`~auditor.errors.OutputError`.
"""

from __future__ import annotations

import os
import stat
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import BinaryIO, Final, Literal, TextIO

from auditor.errors import OutputError

#: The path that means standard output.
STDOUT: Final = "-"
ALLOWED: Final = (
    "a regular file, a new file in an existing folder, a character device such as /dev/null, "
    "a named pipe, or - for standard output"
)

Kind = Literal["stdout", "stream", "file"]


def destination_kind(path: str | Path) -> Kind:
    """``stdout`` for ``-``, ``stream`` for a character device or FIFO, ``file`` for a regular or new file.

    Raises :class:`OutputError` (naming the path and what is allowed) for a folder or another kind of file.
    """
    if str(path) == STDOUT:
        return "stdout"
    try:
        mode = Path(path).stat().st_mode
    except FileNotFoundError:
        return "file"
    except OSError as exc:
        raise OutputError(path, f"cannot look at the output ({exc.strerror})") from exc
    if stat.S_ISREG(mode):
        return "file"
    if stat.S_ISCHR(mode) or stat.S_ISFIFO(mode):
        return "stream"
    what = "is a directory" if stat.S_ISDIR(mode) else "is neither a regular file, a device nor a pipe"
    raise OutputError(path, f"{what}; allowed: {ALLOWED}")


@contextmanager
def open_text(path: str | Path, *, encoding: str = "utf-8", make_parents: bool = False) -> Iterator[TextIO]:
    """A text stream onto ``path`` (see the module docstring for how each kind of destination is written)."""
    kind = destination_kind(path)
    if kind == "stdout":
        yield sys.stdout
        sys.stdout.flush()
        return
    target = Path(path)
    if kind == "stream":
        with _opened(target, "w", encoding) as stream:
            yield stream
        return
    fd, tmp = _temporary(target, make_parents=make_parents)
    try:
        with os.fdopen(fd, "w", encoding=encoding, newline="") as stream:
            yield stream
            stream.flush()
            os.fsync(stream.fileno())
        _move_into_place(tmp, target)
    except BaseException:
        with suppress(OSError):
            tmp.unlink()
        raise


def write_bytes(path: str | Path, data: bytes, *, make_parents: bool = False) -> None:
    """Write ``data`` to ``path`` (atomically for a regular or new file); errors are :class:`OutputError`."""
    kind = destination_kind(path)
    if kind == "stdout":
        sys.stdout.flush()
        out: BinaryIO = sys.stdout.buffer
        out.write(data)
        out.flush()
        return
    target = Path(path)
    if kind == "stream":
        try:
            with target.open("wb") as handle:
                handle.write(data)
        except OSError as exc:
            raise OutputError(target, f"cannot write ({exc.strerror})") from exc
        return
    fd, tmp = _temporary(target, make_parents=make_parents)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        _move_into_place(tmp, target)
    except BaseException as exc:
        with suppress(OSError):
            tmp.unlink()
        if isinstance(exc, OSError) and not isinstance(exc, OutputError):
            raise OutputError(target, f"cannot write ({exc.strerror})") from exc
        raise


@contextmanager
def _opened(target: Path, mode: Literal["w"], encoding: str) -> Iterator[TextIO]:
    try:
        stream = target.open(mode, encoding=encoding, newline="")
    except OSError as exc:
        raise OutputError(target, f"cannot open for writing ({exc.strerror})") from exc
    with stream:
        yield stream


def _temporary(target: Path, *, make_parents: bool) -> tuple[int, Path]:
    try:
        if make_parents:
            target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    except OSError as exc:
        raise OutputError(target, f"cannot create the folder or a temporary file ({exc.strerror})") from exc
    return fd, Path(tmp)


def _move_into_place(tmp: Path, target: Path) -> None:
    # Permissions like a file opened with open() (0666 less the umask), not mkstemp's 0600.
    tmp.chmod(0o666 & ~_umask())
    tmp.replace(target)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
