"""How serious a finding is, and what ``--fail-on`` accepts: plain constants, importable without pandas (the
shared command options use them; :mod:`auditor.schemas` gives them too)."""

from __future__ import annotations

from typing import Final

SEVERITIES: Final = ("info", "warning", "error")
#: What ``--fail-on`` accepts: the lowest severity that makes a run exit 1, or never.
FAIL_ON: Final = ("warning", "error", "never")
