"""``auditor serve``: the check as a web page (``/``) and an HTTP API (``/api/check``, ``/api/extract``,
``/healthz``, docs at ``/docs``) on uvicorn. The rules and the reference pack are loaded and validated before the
server listens: a bad one stops it with the CLI's message and exit status 2."""

from __future__ import annotations

from pathlib import Path

import click

from auditor.commands.options import max_doc_bytes_option, read_size, reference_option, rules_option


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
    callback=read_size,
    help="Largest request body accepted (413 above it), e.g. 2MB, 512kB.",
)
@max_doc_bytes_option
def command(
    host: str,
    port: int,
    references: tuple[Path, ...],
    no_default_reference: bool,
    rules_dir: Path | None,
    workers: int,
    max_bytes: int,
    max_doc_bytes: int,
) -> None:
    """Serve the check as a web page and an HTTP API."""
    import uvicorn

    from auditor.serve import ServeSettings, create_app

    settings = ServeSettings(
        references=references,
        default_reference=not no_default_reference,
        rules_dir=rules_dir,
        max_bytes=max_bytes,
        max_doc_bytes=max_doc_bytes,
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
