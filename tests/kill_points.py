"""Run the command line and SIGKILL its own process the Nth time it reaches a chosen point (for test_audit_crash.py).

    python tests/kill_points.py POINT N audit ARGS...

SIGKILL runs nothing after it (no ``finally``, no ``atexit``, no flush), so the database and the report folder
are left exactly as a power cut at that point would leave them. A point is reached when the function it names
is called (``before``) or has returned (``after``); ``table`` restricts a point to the inserts of one table.
"""

from __future__ import annotations

import functools
import os
import signal
import sys
from dataclasses import dataclass
from typing import Any

from auditor.cli import main
from auditor.history.store import AuditStore
from auditor.report import atomic


@dataclass(frozen=True)
class KillPoint:
    owner: Any
    function: str
    when: str
    table: str | None = None


#: Where a run can be killed, in the order a run reaches them.
KILL_POINTS = {
    "before-opening-the-history": KillPoint(AuditStore, "open", "before"),
    "after-recording-the-run": KillPoint(AuditStore, "start_run", "after"),
    # inside a document's transaction: the document and its claims written, not committed
    "after-writing-claims": KillPoint(AuditStore, "_insert_rows", "after", table="claims"),
    # inside a document's transaction: its verdicts written too, not committed
    "after-writing-verdicts": KillPoint(AuditStore, "_insert_rows", "after", table="verdicts"),
    "after-storing-a-document": KillPoint(AuditStore, "_store_one", "after"),
    # every document stored, the run's report written to its staging folder and not yet moved into place
    "before-moving-the-report-in": KillPoint(atomic, "_swap_in", "before"),
}


def arm(point: KillPoint, times: int) -> None:
    """Replace the point's function by one that kills the process the ``times``-th time the point is reached."""
    real = getattr(point.owner, point.function)
    reached = 0

    def die_at_last() -> None:
        nonlocal reached
        reached += 1
        if reached == times:
            os.kill(os.getpid(), signal.SIGKILL)

    @functools.wraps(real)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        counts = point.table is None or point.table in (*args[1:2], kwargs.get("table"))
        if counts and point.when == "before":
            die_at_last()
        result = real(*args, **kwargs)
        if counts and point.when == "after":
            die_at_last()
        return result

    setattr(point.owner, point.function, wrapper)


if __name__ == "__main__":
    name, count, *command = sys.argv[1:]
    arm(KILL_POINTS[name], int(count))
    main(args=command, prog_name="auditor")
