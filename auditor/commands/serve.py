"""``auditor serve``: the check as a web page (``/``) and an HTTP API (``/api/check``, ``/api/extract``,
``/healthz``, docs at ``/docs``) on uvicorn. The rules and the reference pack are loaded and validated before the
server listens: a bad one stops it with the CLI's message and exit status 2."""

from __future__ import annotations

import re
from pathlib import Path

import click

from auditor.commands.options import reference_option, rules_option
from auditor.errors import UsageError

_SIZE = re.compile(r"(?i)\s*(\d+(?:\.\d+)?)\s*(b|kb|k|mb|m|gb|g)?\s*")
_UNITS = {None: 1, "b": 1, "k": 1024, "kb": 1024, "m": 1024**2, "mb": 1024**2, "g": 1024**3, "gb": 1024**3}


def parse_size(value: str) -> int:
    """``2MB``, ``512kB``, ``1048576`` as bytes (binary multiples); raises :class:`~auditor.errors.UsageError`."""
    match = _SIZE.fullmatch(value)
    if match is None or float(match.group(1)) <= 0:
        raise UsageError("--max-bytes", value, reason="allowed: a size such as 2MB, 512kB or 1048576 (bytes)")
    unit = match.group(2).lower() if match.group(2) else None
    return int(float(match.group(1)) * _UNITS[unit])


def _size(_ctx: click.Context, _param: click.Parameter, value: str) -> int:
    try:
        return parse_size(value)
    except UsageError as exc:
        raise click.BadParameter(str(exc)) from None


@click.command(
    "serve",
    epilog="Behind a reverse proxy, run it on 127.0.0.1 and forward to it (see the README for nginx and systemd). "
    "Exit status 2 when the rules or the reference data are bad (nothing is served).",
)
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option(
    "--port", type=click.IntRange(0, 65535), default=8000, show_default=True, help="Port to listen on."
)
@reference_option
@rules_option
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    default=1,
    show_default=True,
    help="Worker processes (each loads the rules and references once); one per core is a good start.",
)
@click.option(
    "--max-bytes",
    default="2MB",
    show_default=True,
    callback=_size,
    help="Largest request body accepted (413 above it), e.g. 2MB, 512kB.",
)
def command(
    host: str,
    port: int,
    references: tuple[Path, ...],
    no_default_reference: bool,
    rules_dir: Path | None,
    workers: int,
    max_bytes: int,
) -> None:
    """Serve the check as a web page and an HTTP API."""
    import uvicorn

    from auditor.serve import ServeSettings, create_app

    settings = ServeSettings(
        references=references,
        default_reference=not no_default_reference,
        rules_dir=rules_dir,
        max_bytes=max_bytes,
    )
    app = create_app(settings)  # loads and validates the rules and references once, before listening
    click.echo(f"auditor serve: http://{host}:{port}/ (API docs at /docs); Ctrl-C stops it", err=True)
    if workers == 1:
        uvicorn.run(app, host=host, port=port, log_level="info", proxy_headers=True)
        return
    settings.to_environment()
    uvicorn.run(
        "auditor.serve.app:app_from_environment",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level="info",
        proxy_headers=True,
    )
