"""Command-line options that several commands share, declared once (``--date``, ``--reference``, ``--rules``,
``--fail-on``, ``--output``, ``--batch-size``)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Any, TypeVar

import click

from auditor.schemas import FAIL_ON

F = TypeVar("F", bound=Callable[..., Any])


def _to_date(_ctx: click.Context, _param: click.Parameter, value: datetime | None) -> date | None:
    return value.date() if value is not None else None


def date_option(func: F) -> F:
    """``--date YYYY-MM-DD`` into ``as_of``: the publication date to use for every article."""
    return click.option(
        "--date",
        "as_of",
        type=click.DateTime(formats=["%Y-%m-%d"]),
        callback=_to_date,
        metavar="YYYY-MM-DD",
        help="Publication date (YYYY-MM-DD) to use for every article, overriding their own; claims are checked "
        "as of it unless the sentence gives another time.",
    )(func)


def reference_option(func: F) -> F:
    """``--reference FILE_OR_DIR`` (repeatable) into ``references``."""
    return click.option(
        "--reference",
        "references",
        multiple=True,
        type=click.Path(exists=True, path_type=Path),
        help="A reference CSV file or folder to check against (repeatable); default: the shipped reference pack.",
    )(func)


def rules_option(func: F) -> F:
    """``--rules DIR`` into ``rules_dir``."""
    return click.option(
        "--rules",
        "rules_dir",
        type=click.Path(exists=True, file_okay=False, path_type=Path),
        help="A rules folder (checks/*.yaml, optional hierarchy.yaml and references.yaml) instead of the shipped "
        "one.",
    )(func)


def fail_on_option(func: F) -> F:
    """``--fail-on warning|error|never`` into ``fail_on``."""
    return click.option(
        "--fail-on",
        type=click.Choice(FAIL_ON),
        default="error",
        show_default=True,
        help="Exit with status 1 when a finding of this severity or worse was made.",
    )(func)


def output_option(func: F) -> F:
    """``--output/-o FILE`` into ``output``, written atomically by the command."""
    return click.option(
        "--output",
        "-o",
        type=click.Path(dir_okay=False, path_type=Path),
        help="Write to this file (replaced in one step when done) instead of standard output.",
    )(func)


def batch_size_option(default: int, help_text: str) -> Callable[[F], F]:
    """``--batch-size N`` into ``batch_size``."""

    def decorate(func: F) -> F:
        return click.option(
            "--batch-size",
            type=click.IntRange(min=1),
            default=default,
            show_default=True,
            help=help_text,
        )(func)

    return decorate
