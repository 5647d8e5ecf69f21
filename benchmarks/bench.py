"""Measure lrsched against baselines taken in the same run, interleaved; print ratios.

    python benchmarks/bench.py [--quick]

- start-up: `lrsched step --lr 0.1 --step-size 10` vs a one-command Typer app printing the same
  table (benchmarks/typer_floor.py), CPU time (user + system)           (budget 1.15x, aim 1.1x)
- start-up vs `python -c pass`, quoted, not steered by (it swings 4x-8x here)
- 1M CSV rows of cosine (and per step) vs a plain-Python floor            (budget 1.5x)
- peak RSS of 10M CSV rows, streamed to /dev/null                         (budget 64 MiB)
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

PYTHON = sys.executable
LRSCHED = shutil.which("lrsched", path=str(Path(PYTHON).parent)) or "lrsched"

FLOOR_CSV = (
    "import math, sys\n"
    "n = {n}\n"
    "sys.stdout.write('epoch,lr\\n' + ''.join([f'{{k}},{{0.05 * (1 + math.cos(math.pi * (k - 1) / n))!r}}\\n'"
    " for k in range(1, n + 1)]))\n"
)
FLOOR_STEPS = (
    "import math, sys\n"
    "n, K = {n}, 10\n"
    "sys.stdout.write('epoch,step,lr\\n' + ''.join([f'{{(k - 1) // K + 1}},{{k}},"
    "{{0.05 * (1 + math.cos(math.pi * (k - 1) / n))!r}}\\n' for k in range(1, n + 1)]))\n"
)


TYPER_FLOOR = str(Path(__file__).resolve().parent / "typer_floor.py")

ENV = {name: value for name, value in os.environ.items() if name != "PYTHONDONTWRITEBYTECODE"}
"""Runs as an installed lrsched runs: with its modules' bytecode cached (a shell that sets
PYTHONDONTWRITEBYTECODE would have every start compile lrsched's source, 30-40 ms here)."""


def run(argv: list[str]) -> tuple[float, int, float]:
    """Wall time in seconds, peak RSS in KiB and CPU seconds (user + system) of one run."""
    start = time.perf_counter()
    with open(os.devnull, "w") as sink:
        proc = subprocess.Popen(argv, stdout=sink, env=ENV)
        _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"failed: {argv}")
    return elapsed, usage.ru_maxrss, usage.ru_utime + usage.ru_stime


def interleaved(cases: dict[str, list[str]], repeat: int, cpu: bool = False) -> dict[str, float]:
    """Median wall (or CPU) seconds of each case, the cases run in turn, repeat times (after one
    run of each that is not counted: it writes the bytecode)."""
    for argv in cases.values():
        run(argv)
    times: dict[str, list[float]] = {name: [] for name in cases}
    for _ in range(repeat):
        for name, argv in cases.items():
            wall, _, cpu_seconds = run(argv)
            times[name].append(cpu_seconds if cpu else wall)
    return {name: statistics.median(values) for name, values in times.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="fewer repetitions")
    quick = parser.parse_args().quick
    n = 1_000_000

    step = [LRSCHED, "step", "--lr", "0.1", "--step-size", "10"]
    floor = interleaved(
        {"typer floor": [PYTHON, TYPER_FLOOR, *step[2:]], "lrsched step": step},
        repeat=15 if quick else 41,
        cpu=True,
    )
    startup = interleaved(
        {"python -c pass": [PYTHON, "-c", "pass"], "lrsched step": step},
        repeat=7 if quick else 21,
    )
    rows = interleaved(
        {
            "floor csv": [PYTHON, "-c", FLOOR_CSV.format(n=n)],
            "lrsched csv": [LRSCHED, "cosine", "--lr", "0.1", "-n", str(n), "-f", "csv"],
            "floor csv per step": [PYTHON, "-c", FLOOR_STEPS.format(n=n)],
            "lrsched csv per step": [
                LRSCHED,
                *f"cosine --lr 0.1 -n {n // 10} --steps-per-epoch 10 -f csv".split(),
            ],
        },
        repeat=3 if quick else 7,
    )
    _, peak, _ = run([LRSCHED, "cosine", "--lr", "0.1", "-n", str(10 * n), "-f", "csv"])
    _, floor_peak, _ = run([PYTHON, "-c", "pass"])

    base, step_time = startup["python -c pass"], startup["lrsched step"]
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} cores; medians of interleaved runs")
    ours, typer_floor = floor["lrsched step"], floor["typer floor"]
    print(f"start-up    : {ours * 1000:6.0f} ms CPU vs a Typer app {typer_floor * 1000:4.0f} ms", end="")
    print(f" -> {ours / typer_floor:.2f}x (budget 1.15x)")
    print(f"start-up    : {step_time * 1000:6.0f} ms vs python -c pass {base * 1000:4.0f} ms", end="")
    print(f" -> {step_time / base:.1f}x (quoted, not a budget)")
    for label, ours, floor in [
        ("1M csv rows", "lrsched csv", "floor csv"),
        ("  per step ", "lrsched csv per step", "floor csv per step"),
    ]:
        ratio = rows[ours] / rows[floor]
        print(f"{label} : {rows[ours]:6.2f} s  vs floor {rows[floor]:.2f} s -> {ratio:.2f}x (budget 1.5x)")
    print(f"10M rows    : peak RSS {peak / 1024:.1f} MiB", end="")
    print(f" (python -c pass: {floor_peak / 1024:.1f} MiB; budget 64 MiB)")


if __name__ == "__main__":
    main()
