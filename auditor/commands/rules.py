"""``auditor rules``: validate rule folders and list the registered checks.

``auditor rules validate [DIR]`` loads every rule file of DIR (default: the shipped rules) and prints a summary;
a broken file stops it with exit status 2 and one message naming the file and line, the rule id, the field, the
bad value and the allowed values. ``auditor rules checks`` lists the check functions a rule may name, with their
parameters and message placeholders.
"""

from __future__ import annotations

from pathlib import Path

import click


@click.group("rules")
def command() -> None:
    """Inspect and validate rule files."""


@command.command("validate")
@click.argument("directory", required=False, type=click.Path(exists=True, file_okay=False, path_type=Path))
def validate(directory: Path | None) -> None:
    """Load every rule file of DIRECTORY (default: the shipped rules) and print a summary."""
    from auditor.checks import load_rules

    rules = load_rules(directory)
    for path in rules.files:
        in_file = [r for r in rules.rules if r.path == path]
        if in_file:
            click.echo(f"{path}: {len(in_file)} rule{'s' if len(in_file) != 1 else ''}")
            for rule in in_file:
                scope = ", ".join(
                    f"{name}={'/'.join(sorted(values))}"
                    for name, values in (
                        ("measures", rule.scope.measures),
                        ("kinds", rule.scope.kinds),
                        ("locations", rule.scope.locations),
                    )
                    if values is not None
                )
                click.echo(f"  {rule.id}: {rule.check.name} ({rule.severity}){' ' + scope if scope else ''}")
    hierarchy = rules.hierarchy
    click.echo(
        f"hierarchy: {len(hierarchy.measures)} measure relations, {len(hierarchy.additive_over_places)} measures "
        f"additive over places, {len(hierarchy.origin_measures)} origin measures, {len(hierarchy.regions)} regions"
    )
    click.echo(f"references: {len(rules.references)} entries ({', '.join(s.id for s in rules.references)})")
    click.echo(f"ok: {len(rules.rules)} rules in {len(rules.files)} files")


@command.command("checks")
def checks() -> None:
    """List the registered checks with their parameters and message placeholders."""
    from auditor.checks import registered_checks

    for name, spec in sorted(registered_checks().items()):
        click.echo(f"{name}: {spec.doc}")
        click.echo(f"  verdicts: {', '.join(spec.verdicts)}")
        for param_name, param in spec.params.items():
            click.echo(f"  param {param_name} = {param.default!r} ({param.allowed()[0]}): {param.doc}")
        click.echo(f"  placeholders: {', '.join(sorted(spec.fields))}")
