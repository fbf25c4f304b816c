"""Frictionless data packages of reference CSVs: ``datapackage.json`` and the pack files it lists.

A newsroom may publish its own series as a `Frictionless data package <https://specs.frictionlessdata.io/>`_: a
``datapackage.json`` whose ``resources`` each point (``path``) to a CSV with exactly the reference columns. Only
the part of the descriptor the auditor relies on is checked, with a
:class:`~auditor.errors.ReferenceDataError` naming the descriptor, the field (a JSON path such as
``resources[1].path``), the bad value and what is allowed: the document is a JSON object; ``resources`` is a
non-empty list of objects; each ``path`` is one relative path to an existing ``.csv`` file inside the package
folder; ``format``, ``mediatype`` and ``encoding`` when given say CSV in UTF-8; ``schema.fields`` when given names
exactly the reference columns. The CSVs themselves are read like any pack file.
"""

from __future__ import annotations

import json
from pathlib import Path, PurePosixPath
from typing import Any, Final

from auditor.errors import ReferenceDataError
from auditor.reference.integrity import COLUMNS

DESCRIPTOR: Final = "datapackage.json"
_FORMATS: Final = ("csv",)
_MEDIATYPES: Final = ("text/csv",)
_ENCODINGS: Final = ("utf-8", "utf-8-sig")


def is_datapackage(path: Path) -> bool:
    """True for a ``datapackage.json`` file or a folder holding one."""
    return (path.name == DESCRIPTOR and path.is_file()) or (path.is_dir() and (path / DESCRIPTOR).is_file())


def _line_of(text: str, needle: str) -> int | None:
    """The 1-based line of the first occurrence of ``needle`` in the descriptor text, if any."""
    at = text.find(needle)
    return text.count("\n", 0, at) + 1 if at >= 0 else None


def _read(descriptor: Path) -> tuple[dict[str, Any], str]:
    try:
        text = descriptor.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise ReferenceDataError(descriptor, f"cannot read file: {exc.strerror or exc}") from exc
    except UnicodeDecodeError as exc:
        raise ReferenceDataError(descriptor, f"not UTF-8 text (byte {exc.start}: {exc.reason})") from exc
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ReferenceDataError(descriptor, f"not a JSON document: {exc.msg}", row=exc.lineno) from exc
    if not isinstance(data, dict):
        raise ReferenceDataError(
            descriptor,
            "must be a JSON object",
            value=type(data).__name__,
            allowed=("an object with resources",),
        )
    return data, text


def _resource_path(descriptor: Path, text: str, field: str, raw: object) -> Path:
    row = _line_of(text, json.dumps(raw)) if isinstance(raw, str) else None

    def refuse(reason: str, allowed: str) -> ReferenceDataError:
        return ReferenceDataError(descriptor, reason, row=row, column=field, value=raw, allowed=(allowed,))

    if isinstance(raw, list):
        raise refuse("one file per resource", "a relative path to a .csv file")
    if not isinstance(raw, str) or not raw.strip():
        raise refuse("missing or empty path", "a relative path to a .csv file")
    pure = PurePosixPath(raw)
    if pure.is_absolute() or ".." in pure.parts or "://" in raw:
        raise refuse("path must stay inside the package folder", "a relative path without '..', no URL")
    if pure.suffix.lower() != ".csv":
        raise refuse("not a CSV file", "a path ending in .csv")
    path = descriptor.parent / pure
    if not path.is_file():
        raise refuse(f"no such file: {path}", "an existing file beside datapackage.json")
    return path


def _check_choice(descriptor: Path, text: str, field: str, value: object, allowed: tuple[str, ...]) -> None:
    if value is not None and (not isinstance(value, str) or value.lower() not in allowed):
        row = _line_of(text, json.dumps(value)) if isinstance(value, str) else None
        raise ReferenceDataError(
            descriptor, "unsupported value", row=row, column=field, value=value, allowed=allowed
        )


def _check_schema(descriptor: Path, text: str, field: str, schema: object) -> None:
    if schema is None or isinstance(schema, str):
        return  # a schema given by reference is not fetched; the CSV header is checked instead
    fields = schema.get("fields") if isinstance(schema, dict) else None
    if not isinstance(fields, list):
        raise ReferenceDataError(
            descriptor, "schema must be an object with a list of fields", column=field, value=schema
        )
    names = [f.get("name") if isinstance(f, dict) else f for f in fields]
    for name in names:
        if name not in COLUMNS:
            row = _line_of(text, json.dumps(name)) if isinstance(name, str) else None
            raise ReferenceDataError(
                descriptor, "unexpected field", row=row, column=f"{field}.fields", value=name, allowed=COLUMNS
            )
    for name in COLUMNS:
        if name not in names:
            raise ReferenceDataError(
                descriptor, "missing field", column=f"{field}.fields", value=name, allowed=COLUMNS
            )


def datapackage_files(path: Path) -> tuple[Path, ...]:
    """The CSV files a data package lists (``path`` is ``datapackage.json`` or its folder), descriptor checked."""
    descriptor = path / DESCRIPTOR if path.is_dir() else path
    data, text = _read(descriptor)
    resources = data.get("resources")
    if not isinstance(resources, list) or not resources:
        raise ReferenceDataError(
            descriptor,
            "no resources",
            row=_line_of(text, '"resources"'),
            column="resources",
            value=resources,
            allowed=("a non-empty list of {path, ...} objects",),
        )
    files: list[Path] = []
    for i, resource in enumerate(resources):
        field = f"resources[{i}]"
        if not isinstance(resource, dict):
            raise ReferenceDataError(
                descriptor,
                "resource must be an object",
                column=field,
                value=resource,
                allowed=("{path, ...}",),
            )
        files.append(_resource_path(descriptor, text, f"{field}.path", resource.get("path")))
        _check_choice(descriptor, text, f"{field}.format", resource.get("format"), _FORMATS)
        _check_choice(descriptor, text, f"{field}.mediatype", resource.get("mediatype"), _MEDIATYPES)
        _check_choice(descriptor, text, f"{field}.encoding", resource.get("encoding"), _ENCODINGS)
        _check_schema(descriptor, text, f"{field}.schema", resource.get("schema"))
    return tuple(files)
