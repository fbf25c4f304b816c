"""Atomic writes: a reader sees the old file (or folder) or the new one, never half of one.

Files go to a temporary sibling and are moved into place with :func:`os.replace`; a report folder is built
in a temporary sibling folder and swapped in with two renames.
"""

from __future__ import annotations

import contextlib
import io
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import matplotlib
from matplotlib.figure import Figure

from auditor.errors import OutputError
from auditor.io import destinations


def write_bytes(path: Path, data: bytes) -> Path:
    """Write ``data`` to ``path`` atomically (creating parent folders); returns ``path``.

    ``/dev/null``, other character devices, named pipes and ``-`` (standard output) are written straight
    through and a folder is refused: see :mod:`auditor.io.destinations`.
    """
    destinations.write_bytes(path, data, make_parents=True)
    return path


def write_text(path: Path, text: str) -> Path:
    """Write UTF-8 ``text`` to ``path`` atomically."""
    return write_bytes(path, text.encode("utf-8"))


def figure_bytes(fig: Figure, fmt: str) -> bytes:
    """The figure rendered as ``png`` or ``svg``."""
    buffer = io.BytesIO()
    # A fixed salt makes the SVG element ids, and so the file, the same from run to run.
    with matplotlib.rc_context({"svg.hashsalt": "auditor"}):
        fig.savefig(buffer, format=fmt, dpi=144 if fmt == "png" else 100, metadata=_metadata(fmt))
    return buffer.getvalue()


def _metadata(fmt: str) -> dict[str, str | None]:
    # Reproducible files: no creation date or tool version baked in.
    if fmt == "svg":
        return {"Date": None, "Creator": None}
    if fmt == "png":
        return {"Software": None}
    return {}


def save_figure(fig: Figure, path: Path) -> Path:
    """Save ``fig`` atomically; the format comes from the suffix (``.png`` or ``.svg``)."""
    fmt = path.suffix.lower().lstrip(".")
    if fmt not in ("png", "svg"):
        raise OutputError(path, f"unsupported chart format {path.suffix!r}; allowed: .png, .svg")
    return write_bytes(path, figure_bytes(fig, fmt))


@contextlib.contextmanager
def staged_dir(target: Path) -> Iterator[Path]:
    """Yield an empty staging folder beside ``target``; on success it replaces ``target`` (which may exist),
    on error it is removed and ``target`` is left as it was."""
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        stage = Path(tempfile.mkdtemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp"))
    except OSError as exc:
        raise OutputError(target, f"cannot create a staging folder ({exc.strerror})") from exc
    try:
        yield stage
        stage.chmod(0o755)
        _swap_in(stage, target)
    finally:
        if stage.exists():
            shutil.rmtree(stage, ignore_errors=True)


def _swap_in(stage: Path, target: Path) -> None:
    old: Path | None = None
    try:
        if target.exists():
            old = Path(tempfile.mkdtemp(dir=target.parent, prefix=f".{target.name}.", suffix=".old"))
            target.replace(old / target.name)
        stage.replace(target)
    except OSError as exc:
        if old is not None and not target.exists():
            with contextlib.suppress(OSError):
                (old / target.name).replace(target)
        raise OutputError(target, f"cannot move the new report into place ({exc.strerror})") from exc
    finally:
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
