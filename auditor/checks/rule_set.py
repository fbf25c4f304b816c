"""A rules folder as one :class:`~auditor.checks.rules.RuleSet`: the shipped folder, or a user's (``--rules DIR``).

A user folder may hold only some of the files: its ``references.yaml`` entries are added to the shipped ones (an
entry with a shipped entry's id replaces that entry, and keys its ``defaults`` leave out come from the shipped
``defaults``); ``hierarchy.yaml`` and the rule files replace the shipped ones and fall back to them when absent,
so a folder holding only a ``references.yaml`` runs the shipped checks. Rule files are read from ``DIR/checks/``
(or from ``DIR`` itself when it has no ``checks/`` folder).
"""

from __future__ import annotations

from pathlib import Path

from auditor.checks.rules import RuleSet, load_hierarchy, load_references, load_rule_file, unique_ids
from auditor.checks.specs import ReferenceSpec
from auditor.errors import RuleError
from auditor.resources import rules_dir


def load_user_references(path: Path) -> tuple[ReferenceSpec, ...]:
    """A user rules folder's ``references.yaml``, read as ``--rules`` reads it (with the shipped defaults)."""
    shipped = rules_dir() / "references.yaml"
    if path.resolve() == shipped.resolve():
        return load_references(path)
    return load_references(path, inherit=shipped)


def rule_files(directory: Path) -> tuple[Path, ...]:
    """The rule files of a rules folder: ``checks/*.yaml``, else the folder's own YAML files."""
    checks = directory / "checks"
    folder = checks if checks.is_dir() else directory
    skip = {"hierarchy.yaml", "references.yaml"}
    return tuple(sorted(p for p in folder.glob("*.yaml") if p.name not in skip or folder == checks))


def _with_shipped(
    shipped: tuple[ReferenceSpec, ...], own: tuple[ReferenceSpec, ...]
) -> tuple[ReferenceSpec, ...]:
    """The shipped entries with a user folder's added; a user entry with a shipped entry's id replaces it."""
    mine = {spec.id for spec in own}
    return (*(spec for spec in shipped if spec.id not in mine), *own)


def load_rule_set(directory: Path | None = None) -> RuleSet:
    """Load and validate a rules folder (the shipped one by default).

    In a user folder, ``references.yaml`` adds entries to the shipped ones (an entry with a shipped id replaces
    it); ``hierarchy.yaml`` and the rule files replace the shipped ones, which are used when the folder has none.
    """
    shipped = rules_dir()
    directory = shipped if directory is None else directory
    if not directory.is_dir():
        raise RuleError(directory, "rules folder not found")
    hierarchy_path = directory / "hierarchy.yaml"
    references_path = directory / "references.yaml"
    files = rule_files(directory)
    if not files and (hierarchy_path.is_file() or references_path.is_file()):
        files = rule_files(shipped)
    if not files:
        raise RuleError(
            directory, "no rule files (expected checks/*.yaml, hierarchy.yaml or references.yaml)"
        )
    rules = tuple(rule for path in files for rule in load_rule_file(path))
    unique_ids(directory, [(r.id, r) for r in rules], "id")
    hierarchy_path = hierarchy_path if hierarchy_path.is_file() else shipped / "hierarchy.yaml"
    references = load_references(shipped / "references.yaml")
    reference_files: tuple[Path, ...] = (shipped / "references.yaml",)
    if references_path.is_file() and directory.resolve() != shipped.resolve():
        references = _with_shipped(references, load_user_references(references_path))
        reference_files = (*reference_files, references_path)
    return RuleSet(
        rules=rules,
        hierarchy=load_hierarchy(hierarchy_path),
        references=references,
        files=(*files, hierarchy_path, *reference_files),
    )
