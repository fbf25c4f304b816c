"""Command-line options that several commands share, declared once (``--date`` with ``--date-order``,
``--reference``, ``--rules``, ``--fail-on``, ``--output``, ``--batch-size``, ``--jobs``, ``--max-doc-bytes``, the
``--dask`` block), and sizes
such as ``5MB`` read for them."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

import click

from auditor.errors import DateError, UsageError
from auditor.io.dates import DATE_ORDERS, read_date
from auditor.severities import FAIL_ON

F = TypeVar("F", bound=Callable[..., Any])

_SIZE = re.compile(r"(?i)\s*(\d+(?:\.\d+)?)\s*(b|kb|k|mb|m|gb|g)?\s*")
_UNITS = {None: 1, "b": 1, "k": 1024, "kb": 1024, "m": 1024**2, "mb": 1024**2, "g": 1024**3, "gb": 1024**3}


def parse_size(value: str, option: str = "--max-bytes") -> int:
    """``2MB``, ``512kB``, ``1048576`` as bytes (binary multiples); raises :class:`~auditor.errors.UsageError`
    naming ``option``."""
    match = _SIZE.fullmatch(value)
    if match is None or float(match.group(1)) <= 0:
        raise UsageError(option, value, reason="allowed: a size such as 2MB, 512kB or 1048576 (bytes)")
    unit = match.group(2).lower() if match.group(2) else None
    return int(float(match.group(1)) * _UNITS[unit])


def read_size(_ctx: click.Context, param: click.Parameter, value: str) -> int:
    """A click callback: the option's size in bytes (see :func:`parse_size`)."""
    try:
        return parse_size(value, f"--{str(param.name).replace('_', '-')}")
    except UsageError as exc:
        raise click.BadParameter(str(exc)) from None


def max_doc_bytes_option(func: F) -> F:
    """``--max-doc-bytes SIZE`` (default 5MB) into ``max_doc_bytes``: the largest document read."""
    return click.option(
        "--max-doc-bytes",
        default="5MB",
        show_default=True,
        callback=read_size,
        metavar="SIZE",
        help="Largest document read (a file, or one JSONL line), e.g. 5MB, 512kB; a larger one is refused with "
        "an error naming it (exit status 2) and the other documents are still read.",
    )(func)


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


def _resolve_jobs(_ctx: click.Context, _param: click.Parameter, value: int) -> int:
    if value != 0:  # a number given (at least 1: the option's range) is kept as it is
        return value
    # imported only for 0: the auditor.checks package loads the checking engine, which a command may not need
    from auditor.io.worker_pool import resolve_jobs

    return resolve_jobs(value)


def jobs_option(func: F) -> F:
    """``--jobs N`` into ``jobs`` (0 resolved to the number of usable cores)."""
    return click.option(
        "--jobs",
        "-j",
        type=click.IntRange(min=0),
        default=1,
        show_default=True,
        callback=_resolve_jobs,
        metavar="N",
        help="Worker processes, each taking whole batches (0: one per core). The output is the same as with 1.",
    )(func)


@dataclass(frozen=True, slots=True)
class DaskSettings:
    """``--dask ADDRESS``, ``--out DIR`` and ``--part-size`` (in bytes) of a command run on Dask."""

    address: str
    out: Path
    part_size: int


_DASK_META = "auditor.dask"


def _keep(ctx: click.Context, param: click.Parameter, value: Any) -> Any:
    """Keep a ``--dask`` block value in ``ctx.meta`` (the block is not passed to the command function)."""
    if param.name == "part_size":
        value = read_size(ctx, param, value)
    ctx.meta.setdefault(_DASK_META, {})[param.name] = value
    return value


def dask_options(func: F) -> F:
    """``--dask ADDRESS``, ``--out DIR`` and ``--part-size SIZE``, read back with :func:`dask_settings`."""
    func = click.option(
        "--part-size",
        default="32MB",
        show_default=True,
        callback=_keep,
        expose_value=False,
        metavar="SIZE",
        help="With --dask: input bytes per part (one task, one Parquet file each).",
    )(func)
    func = click.option(
        "--out",
        type=click.Path(file_okay=False, path_type=Path),
        callback=_keep,
        expose_value=False,
        help="With --dask: the folder of the Parquet dataset (claims/part-*.parquet, one file per part).",
    )(func)
    return click.option(
        "--dask",
        metavar="ADDRESS",
        callback=_keep,
        expose_value=False,
        help="Run on a Dask scheduler (tcp://host:8786) or on N local worker processes (local:N); writes "
        "Parquet under --out. Needs: pip install 'auditor[dask]'.",
    )(func)


def dask_settings(ctx: click.Context, *, exclusive: Sequence[str]) -> DaskSettings | None:
    """The ``--dask`` block when ``--dask`` was given (None otherwise). ``--dask`` and ``--out`` come together
    and without the output options named in ``exclusive`` (parameter names); else a :class:`UsageError`."""
    given = ctx.meta.get(_DASK_META, {})
    dask, out = given.get("dask"), given.get("out")
    if (dask is None) != (out is None):
        option, missing = ("--dask", "--out") if out is None else ("--out", "--dask")
        raise UsageError(option, dask if out is None else str(out), reason=f"needs {missing} as well")
    if dask is None or out is None:
        return None
    for name in exclusive:
        if ctx.get_parameter_source(name) is click.core.ParameterSource.COMMANDLINE:
            option = "--" + ("format" if name == "fmt" else name.replace("_", "-"))
            raise UsageError(option, ctx.params[name], reason="--dask writes Parquet under --out instead")
    return DaskSettings(str(dask), Path(out), int(given["part_size"]))
