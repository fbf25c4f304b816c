"""Time and peak memory of ``auditor extract`` on pathological input, at 10 kB, 100 kB, 1 MB and 10 MB (issue 9).

Each family is written to a file of each size and read by ``auditor extract FILE --format jsonl`` as a whole process
(``--max-doc-bytes 20MB`` so that the 10 MB file is read). Reported: wall seconds, seconds net of start-up (the
same command on a one-line file), claims found, and peak RSS of the process. Growth is the least-squares slope of
log(net seconds) over log(size), on the sizes whose net time is at least 0.25 s (below that it is start-up noise;
"–" when fewer than two sizes are); the issue asks for at most 1.2, and at
most 500 MB of peak RSS at 10 MB. Exits 1 when a family misses either.

Usage: ``python benchmarks/robustness.py [--sizes 10000,100000,1000000,10000000] [--families NAME,...]``
"""

from __future__ import annotations

import argparse
import math
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

MAX_EXPONENT = 1.2
MAX_RSS_MB = 500.0
MIN_NET_SECONDS = 0.25
SIZES = (10_000, 100_000, 1_000_000, 10_000_000)


def _repeat(unit: str) -> Callable[[int], str]:
    return lambda size: (unit * (size // len(unit) + 1))[:size]


def _html(size: int) -> str:
    depth = max(1, (size - 60) // 11)
    return "<html><body>" + "<div>" * depth + "<p>5 people fled.</p>" + "</div>" * depth + "</body></html>"


#: family -> (file suffix, text of about ``size`` bytes)
FAMILIES: dict[str, tuple[str, Callable[[int], str]]] = {
    "digit run": (".txt", _repeat("1")),
    "separator run 1;1;": (".txt", _repeat("1;")),
    "run of 1 and space": (".txt", _repeat("1 ")),
    "one line of prose": (
        ".txt",
        _repeat("The war has claimed more than 250,000 lives and displaced 11 million. "),
    ),
    "many short lines": (".txt", _repeat("4 million fled.\n")),
    "HTML nested divs": (".html", _html),
}


def run(path: Path) -> tuple[float, float, int]:
    """Wall seconds, peak RSS (MB) and output lines of one ``auditor extract`` process on ``path``."""
    exe = Path(sys.executable).with_name("auditor")
    out = path.with_suffix(".jsonl.out")
    cmd = [str(exe), "extract", str(path), "--format", "jsonl", "--max-doc-bytes", "20MB", "-o", str(out)]
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) not in (0, 2):
        raise SystemExit(f"{' '.join(cmd)} failed with status {os.waitstatus_to_exitcode(status)}")
    with out.open("rb") as fh:
        lines = sum(1 for _ in fh)
    out.unlink()
    return seconds, usage.ru_maxrss / 1024, lines


def slope(xs: list[float], ys: list[float]) -> float:
    """Least-squares slope of log(ys) over log(xs)."""
    lx, ly = [math.log(x) for x in xs], [math.log(max(y, 1e-3)) for y in ys]
    mx, my = sum(lx) / len(lx), sum(ly) / len(ly)
    return sum((a - mx) * (b - my) for a, b in zip(lx, ly, strict=True)) / sum((a - mx) ** 2 for a in lx)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--sizes", default=",".join(map(str, SIZES)))
    parser.add_argument("--families", default=",".join(FAMILIES))
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    failed = False
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        base = folder / "start-up.txt"
        base.write_text("5 people fled.\n", encoding="utf-8")
        startup = min(run(base)[0] for _ in range(3))
        print(f"start-up (one-line file): {startup:.2f} s\n")
        head = " | ".join(f"{s // 1000:,} kB" for s in sizes)
        print(
            f"| family | {head} | claims at {sizes[-1] // 1000:,} kB | growth | peak RSS at {sizes[-1] // 1000:,} kB |"
        )
        print("|---|" + "---|" * len(sizes) + "---|---|---|")
        for name in args.families.split(","):
            suffix, make = FAMILIES[name]
            cells, nets, rss, lines = [], [], 0.0, 0
            for size in sizes:
                path = folder / f"input{suffix}"
                path.write_text(make(size), encoding="utf-8")
                seconds, rss, lines = run(path)
                net = max(seconds - startup, 1e-3)
                nets.append(net)
                cells.append(f"{seconds:.2f} s ({net:.2f})")
            fit = [(s, n) for s, n in zip(sizes, nets, strict=True) if n >= MIN_NET_SECONDS]
            growth = slope([s for s, _ in fit], [n for _, n in fit]) if len(fit) >= 2 else None
            ok = (growth is None or growth <= MAX_EXPONENT) and rss <= MAX_RSS_MB
            failed |= not ok
            shown = ("–" if growth is None else f"{growth:.2f}") + ("" if ok else " **over**")
            print(f"| {name} | {' | '.join(cells)} | {lines:,} | {shown} | {rss:.0f} MB |", flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
