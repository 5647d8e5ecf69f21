"""Measure ``--check`` against writing the same file, in the same run, interleaved; print ratios.

    python benchmarks/check.py [--quick] [-n ROWS]

For each of CSV, JSON and JSON Lines: `lrsched cosine --lr 0.1 -n 1000000 -f FMT > file` (the
writing), then `lrsched cosine --lr 0.1 -n 1000000 --check file` (the checking), medians of
interleaved runs of the CPU time (user + system: the machine's other load moves it less than the
wall time). Budget (issue 9): checking within 1.5x of writing.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import tempfile
from pathlib import Path

from bench import LRSCHED


def timed(argv: list[str], out: Path | None) -> float:
    """CPU seconds (user + system) of one run, its stdout to ``out`` (else /dev/null)."""
    with open(out if out is not None else os.devnull, "w") as sink:
        proc = subprocess.Popen(argv, stdout=sink)
        _, status, usage = os.wait4(proc.pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"failed: {argv}")
    return usage.ru_utime + usage.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="fewer repetitions")
    parser.add_argument("-n", type=int, default=1_000_000, help="rows (default 1000000)")
    options = parser.parse_args()
    repeat = 3 if options.quick else 9
    run = [LRSCHED, "cosine", "--lr", "0.1", "-n", str(options.n)]
    with tempfile.TemporaryDirectory() as folder:
        for fmt in ("csv", "json", "jsonl"):
            path = Path(folder) / f"rates.{fmt}"
            writing, checking = [], []
            for _ in range(repeat):
                writing.append(timed([*run, "-f", fmt], path))
                checking.append(timed([*run, "--check", str(path)], None))
            write, check = statistics.median(writing), statistics.median(checking)
            ratio = check / write
            print(f"{fmt:5}: write {write:5.2f} s CPU, check {check:5.2f} s -> {ratio:.2f}x (budget 1.5x)")


if __name__ == "__main__":
    main()
