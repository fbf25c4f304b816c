"""Command-line options that several commands share, declared once (``--date`` with ``--date-order``,
``--reference``, ``--rules``, ``--fail-on``, ``--output``, ``--batch-size``)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

import click

from auditor.errors import DateError
from auditor.io.dates import DATE_ORDERS, read_date
from auditor.schemas import FAIL_ON

F = TypeVar("F", bound=Callable[..., Any])


def _read_date(ctx: click.Context, _param: click.Parameter, value: str | None) -> date | None:
    """``--date`` in any form the document reader accepts, with ``--date-order`` (parsed first: it is eager)."""
    if value is None:
        return None
    try:
        return read_date(value, order=ctx.params.get("date_order"))
    except DateError as exc:
        raise click.BadParameter(str(exc)) from None


def date_option(func: F) -> F:
    """``--date DATE`` into ``as_of`` (the publication date for every article) and ``--date-order dmy|mdy`` into
    ``date_order`` (how numeric dates, the articles' and ``--date``'s, are read)."""
    func = click.option(
        "--date",
        "as_of",
        callback=_read_date,
        metavar="DATE",
        help="Publication date to use for every article, overriding their own (2015-10-01, 1 Oct 2015, or "
        "01/10/2015 with --date-order); claims are checked as of it unless the sentence gives another time.",
    )(func)
    return click.option(
        "--date-order",
        type=click.Choice(DATE_ORDERS),
        is_eager=True,
        help="Read numeric dates such as 01/10/2015 as day/month/year (dmy) or month/day/year (mdy). Without it "
        "such a date is read only when one reading exists (25/10/2015); 01/10/2015 is then not read (the "
        "article gets no date and a warning).",
    )(func)


def reference_option(func: F) -> F:
    """``--reference PATH`` (repeatable) into ``references``, added to the shipped pack unless
    ``--no-default-reference`` (into ``no_default_reference``)."""
    func = click.option(
        "--no-default-reference",
        is_flag=True,
        help="Check against the --reference files only, without the shipped reference pack.",
    )(func)
    return click.option(
        "--reference",
        "references",
        multiple=True,
        type=click.Path(exists=True, path_type=Path),
        help="Reference data to check against as well as the shipped pack (repeatable): a pack CSV, a folder of "
        "them, or a data package (datapackage.json or its folder). See 'auditor reference validate'.",
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
