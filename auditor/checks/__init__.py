"""The checking engine: claims -> findings -> one verdict per claim.

Rules are data (``rules/checks/*.yaml``, ``rules/hierarchy.yaml``, ``rules/references.yaml``, loaded by
:mod:`~auditor.checks.rules`); checks are registered pure functions (:mod:`~auditor.checks.registry`) in
:mod:`~auditor.checks.consistency`, :mod:`~auditor.checks.percentages`, :mod:`~auditor.checks.magnitude`,
:mod:`~auditor.checks.against_reference` and :mod:`~auditor.checks.population` (sharing the interval comparison in
:mod:`~auditor.checks.comparison`); :mod:`~auditor.checks.engine` runs them over a batch;
:mod:`~auditor.checks.pipeline` extracts and checks articles held in memory (``auditor serve``, ``auditor.check``).
"""

from __future__ import annotations

from auditor.checks.engine import CheckResult, check_claims, load_rules
from auditor.checks.registry import CheckInput, register_check, registered_checks
from auditor.checks.rules import RuleSet
from auditor.checks.specs import Param, Params

__all__ = [
    "CheckInput",
    "CheckResult",
    "Param",
    "Params",
    "RuleSet",
    "check_claims",
    "load_rules",
    "register_check",
    "registered_checks",
]
