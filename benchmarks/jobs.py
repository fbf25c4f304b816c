"""Speed-up of ``--jobs N`` over ``--jobs 1`` on the shared news corpus (issue 11: at least 1.8x with 2 jobs).

Each round runs ``auditor extract|check ../shared/data/news/*.jsonl --format jsonl -o FILE`` as a whole process
with ``--jobs 1`` and then with ``--jobs N``, back to back, and checks that both outputs are byte for byte the same.
Reported per round: wall seconds of each, the speed-up (wall of 1 job / wall of N), CPU seconds of each process and
its workers (user + system), and the 1-minute load average before the round (the machine may be shared: a load
over the number of cores means other processes took some of them, and the speed-up is then an underestimate).
Exits 1 when the median speed-up of a command misses ``--target``.

Usage: ``python benchmarks/jobs.py [--jobs 2] [--rounds 3] [--commands extract,check] [--target 1.8]``
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CORPUS = Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "news"


def run(command: str, files: list[Path], jobs: int, out: Path) -> tuple[float, float]:
    """Wall and CPU seconds (the process and its workers) of one ``auditor`` run."""
    exe = Path(sys.executable).with_name("auditor")
    cmd = [str(exe), command, *map(str, files), "--format", "jsonl", "--jobs", str(jobs), "-o", str(out)]
    if command == "check":
        cmd += ["--fail-on", "never"]
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    stderr = proc.stderr.read().decode() if proc.stderr else ""
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{' '.join(cmd)} failed: {stderr}")
    return wall, usage.ru_utime + usage.ru_stime


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--commands", default="extract,check")
    parser.add_argument("--target", type=float, default=1.8)
    args = parser.parse_args()
    files = sorted(CORPUS.glob("*.jsonl"))
    if not files:
        print(f"no corpus: {CORPUS} has no .jsonl files", file=sys.stderr)
        return 2
    size = sum(f.stat().st_size for f in files) / 1e6
    print(f"{len(files)} files, {size:.1f} MB, {os.cpu_count()} cores; --jobs 1 vs --jobs {args.jobs}\n")
    print("| command | round | load before | 1 job (s) | CPU (s) | N jobs (s) | CPU (s) | speed-up |")
    print("|---|---|---|---|---|---|---|---|")
    missed = False
    with tempfile.TemporaryDirectory() as tmp:
        for command in args.commands.split(","):
            speedups = []
            for round_ in range(1, args.rounds + 1):
                load = os.getloadavg()[0]
                one, n = Path(tmp, "one.jsonl"), Path(tmp, "n.jsonl")
                wall1, cpu1 = run(command, files, 1, one)
                wall_n, cpu_n = run(command, files, args.jobs, n)
                if one.read_bytes() != n.read_bytes():
                    print(f"{command}: --jobs {args.jobs} output differs from --jobs 1", file=sys.stderr)
                    return 1
                speedups.append(wall1 / wall_n)
                print(
                    f"| {command} | {round_} | {load:.2f} | {wall1:.2f} | {cpu1:.2f} | {wall_n:.2f} | {cpu_n:.2f} "
                    f"| {wall1 / wall_n:.2f}x |",
                    flush=True,
                )
            median = statistics.median(speedups)
            missed |= median < args.target
            print(f"| {command} | median | | | | | | **{median:.2f}x** |", flush=True)
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
