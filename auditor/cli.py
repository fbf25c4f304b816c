"""The ``auditor`` command line: a click group whose subcommands load on demand, and the exit statuses.

Each subcommand lives in ``auditor/commands/<name>.py`` as a click command named ``command``; the group
imports that module only when the command runs (or its own ``--help`` is asked for), so ``auditor --help``
starts without pandas, pandera, pint or matplotlib. A command module that does not exist yet is left out of
the listing.

Exit status, for every command (mapped here and only here):

* 0: done, nothing at or above ``--fail-on``;
* 1: findings at or above ``--fail-on`` (commands signal it with ``ctx.exit(EXIT_FINDINGS)``);
* 2: bad input or usage: any :class:`~auditor.errors.AuditorError`, click's usage and file errors;
* 3: internal error: an unexpected exception, shown as one line plus "please report"; the traceback only with
  ``--debug`` or ``AUDITOR_DEBUG=1``;
* 130: interrupted (Ctrl-C).
"""

from __future__ import annotations

import importlib
import importlib.util
import traceback
import warnings
from typing import Any, Final, TextIO

import click

from auditor.errors import (
    EXIT_BAD_INPUT,
    EXIT_FINDINGS,
    EXIT_INTERNAL,
    EXIT_INTERRUPTED,
    EXIT_OK,
    AuditorError,
)

__all__ = [
    "COMMANDS",
    "EXIT_BAD_INPUT",
    "EXIT_FINDINGS",
    "EXIT_INTERNAL",
    "EXIT_INTERRUPTED",
    "EXIT_OK",
    "main",
]

#: Subcommands in listing order, with the one-line help shown by ``auditor --help`` (without importing them).
COMMANDS: Final = {
    "extract": "List the numbers stated in articles (table, CSV, JSON, JSON lines).",
    "check": "Check the numbers in articles against each other and reference data.",
    "audit": "Audit new articles into the history database; write a report.",
    "plot": "Draw one chart for an editor to a PNG or SVG file.",
    "rules": "Inspect and validate rule files.",
    "reference": "Validate reference data of your own (pack CSVs, data packages, references.yaml).",
    "serve": "Serve the check as a web page and an HTTP API.",
}
_PACKAGE: Final = "auditor.commands"


def _available(name: str) -> bool:
    return importlib.util.find_spec(f"{_PACKAGE}.{name}") is not None


class LazyGroup(click.Group):
    """A group that imports ``auditor.commands.<name>`` only when used, and maps errors to exit statuses."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        """The lazy commands whose module exists, then any command added directly."""
        return [n for n in COMMANDS if _available(n)] + sorted(super().list_commands(ctx))

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        """Import the command's module and return its ``command``."""
        if cmd_name not in COMMANDS or not _available(cmd_name):
            return super().get_command(ctx, cmd_name)
        module = importlib.import_module(f"{_PACKAGE}.{cmd_name}")
        command = getattr(module, "command", None)
        if not isinstance(command, click.Command):
            raise TypeError(f"{module.__name__} defines no click command named 'command'")
        return command

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """List commands with their static one-line help, so listing them imports none."""
        rows = []
        for name in self.list_commands(ctx):
            if name in COMMANDS:
                rows.append((name, COMMANDS[name]))
            elif (command := super().get_command(ctx, name)) is not None and not command.hidden:
                rows.append((name, command.get_short_help_str(formatter.width)))
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)

    def invoke(self, ctx: click.Context) -> Any:
        """Run the subcommand; turn errors into the exit statuses of the module docstring."""
        debug = bool(ctx.params.get("debug"))
        try:
            with warnings.catch_warnings():
                # User-facing warnings (a file decoded from a detected encoding, ...) show once each as
                # "warning: ..." and never abort the run; the filters for other categories stay as they are.
                warnings.simplefilter("default", UserWarning)
                warnings.showwarning = _show_warning
                return super().invoke(ctx)
        except (click.exceptions.Exit, click.Abort):
            raise
        except click.UsageError:
            raise  # click shows the usage and exits with 2
        except click.ClickException as exc:
            # Other click errors (an unreadable file: click.FileError) are bad input too, not status 1.
            exc.show()
            ctx.exit(EXIT_BAD_INPUT)
        except AuditorError as exc:
            click.echo(f"error: {exc}", err=True)
            ctx.exit(exc.exit_code)
        except KeyboardInterrupt:
            click.echo("interrupted", err=True)
            ctx.exit(EXIT_INTERRUPTED)
        except BrokenPipeError:
            raise  # click's main() quiets a closed pipe (``auditor extract ... | head``).
        except Exception as exc:
            click.echo(
                f"internal error: {type(exc).__name__}: {exc}. This is a bug, please report it with the "
                "command you ran."
                + ("" if debug else " Run with --debug (or AUDITOR_DEBUG=1) to see the traceback."),
                err=True,
            )
            if debug:
                click.echo("".join(traceback.format_exception(exc)), err=True, nl=False)
            ctx.exit(EXIT_INTERNAL)


def _show_warning(
    message: Warning | str,
    category: type[Warning],
    filename: str,
    lineno: int,
    file: TextIO | None = None,
    line: str | None = None,
) -> None:
    click.echo(f"warning: {message}", err=True)


def _print_version(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    if not value or ctx.resilient_parsing:
        return
    from importlib.metadata import PackageNotFoundError, version  # ~20 ms: only for --version

    try:
        number = version("auditor")
    except PackageNotFoundError:
        number = "unknown (not installed)"
    click.echo(f"auditor {number}")
    ctx.exit(EXIT_OK)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--debug",
    is_flag=True,
    envvar="AUDITOR_DEBUG",
    help="Show the traceback of an internal error (also AUDITOR_DEBUG=1).",
)
@click.option(
    "--version",
    is_flag=True,
    expose_value=False,
    is_eager=True,
    callback=_print_version,
    help="Show the version and exit.",
)
def main(debug: bool) -> None:
    """Find the numbers in news articles and flag the ones that may be wrong.

    Exit status: 0 ok, 1 findings at or above --fail-on, 2 bad input or usage, 3 internal error.
    """
