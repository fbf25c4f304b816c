"""``auditor reference validate PATH...``: check a newsroom's own reference files before using them.

Each PATH is a pack CSV, a folder of them, a data package (``datapackage.json`` or its folder) or a
``references.yaml`` (the entries of a user rules folder). Every PATH is read by the loader ``--reference`` or
``--rules`` uses, so a problem is reported exactly as a check run would report it: ``error: FILE, row N, column
'C': reason (got 'V'); allowed: ...``. A valid PATH prints one summary line; the command goes on to the next PATH
after an error and exits with status 2 when any PATH had one.
"""

from __future__ import annotations

from pathlib import Path

import click

from auditor.errors import EXIT_BAD_INPUT, AuditorError

_YAML = (".yaml", ".yml")
_LISTED = 5


@click.group("reference")
def command() -> None:
    """Validate reference files of your own (pack CSVs, data packages, references.yaml)."""


def _summary(path: Path) -> str:
    """One line describing what PATH holds; raises the loaders' errors."""
    if path.suffix.lower() in _YAML:
        from auditor.checks.rule_set import load_user_references

        specs = load_user_references(path)
        ids = ", ".join(spec.id for spec in specs)
        return f"{path}: ok, {len(specs)} reference entr{'y' if len(specs) == 1 else 'ies'} ({ids})"
    from auditor.reference import load_reference, reference_files

    files = reference_files([path])
    table = load_reference([path])
    series = sorted(set(table["series_id"]))
    named = ", ".join(series[:_LISTED]) + (
        f", and {len(series) - _LISTED} more" if len(series) > _LISTED else ""
    )
    first, last = (table["date"].min(), table["date"].max()) if len(table) else (None, None)
    span = f", as of {first:%Y-%m-%d} to {last:%Y-%m-%d}" if first is not None else ""
    return (
        f"{path}: ok, {len(table)} row{'s' if len(table) != 1 else ''} in {len(files)} "
        f"file{'s' if len(files) != 1 else ''}, {len(series)} series ({named}){span}"
    )


@command.command("validate")
@click.argument(
    "paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path), metavar="PATH..."
)
@click.pass_context
def validate(ctx: click.Context, paths: tuple[Path, ...]) -> None:
    """Validate each PATH (pack CSV, folder, datapackage.json, references.yaml); one line per PATH."""
    failed = False
    for path in paths:
        try:
            click.echo(_summary(path))
        except AuditorError as exc:
            failed = True
            click.echo(f"error: {exc}", err=True)
    if failed:
        ctx.exit(EXIT_BAD_INPUT)
