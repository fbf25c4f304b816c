"""Cost of reading publication dates (``auditor.io.dates.read_date``), per form, in microseconds per date.

Each form is read for ``--n`` distinct values (different days, so the per-value cache never answers) in one
process: the ISO fast path (``datetime.fromisoformat``), numeric dates with a date order (own regex), and month
names (the commonest forms with strptime, the others with dateparser, built once; its first call,
which loads the English data, is timed apart). Prints a Markdown
table for ``benchmarks/README.md``.

Usage: ``python benchmarks/date_reading.py [--n 2000]``
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from datetime import date, timedelta

from auditor.io import dates

FORMS: dict[str, Callable[[date], str]] = {
    "ISO date (2015-10-01)": lambda d: d.isoformat(),
    "ISO datetime with zone": lambda d: f"{d.isoformat()}T08:30:00+02:00",
    "numeric, --date-order dmy (01/10/2015)": lambda d: f"{d:%d/%m/%Y}",
    "month name (1 Oct 2015)": lambda d: f"{d.day} {d:%b %Y}",
    "month name, weekday, time, zone": lambda d: f"{d:%a, %d %b %Y} 08:30:00 +0200",
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=2000, help="distinct dates per form")
    n = parser.parse_args().n
    days = [date(2000, 1, 1) + timedelta(days=i) for i in range(n)]

    started = time.perf_counter()
    dates.read_date("Fri, 01 Oct 1999 08:30:00 +0200")
    first = time.perf_counter() - started
    print(f"first month-name date (dateparser loads its English data): {first * 1000:.0f} ms\n")
    print("| form | dates | µs per date |")
    print("|---|---|---|")
    for name, make in FORMS.items():
        values = [make(d) for d in days]
        dates._read.cache_clear()
        started = time.perf_counter()
        for value in values:
            dates.read_date(value, order="dmy")
        per = (time.perf_counter() - started) / n * 1e6
        print(f"| {name} | {n} | {per:.1f} |")


if __name__ == "__main__":
    main()
