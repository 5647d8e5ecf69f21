"""``--check-run`` on a log of millions of points: time and peak memory.

Writes a transformers ``trainer_state.json`` and a Lightning ``metrics.csv`` of N points (the
rates of ``get_cosine_schedule_with_warmup(optimizer, 1000, N)`` at 0.1, as lrsched writes them,
laid out as the Trainer and CSVLogger write theirs) into a temporary folder, then checks each
once against the same plan: wall time and peak RSS (``os.wait4``). Run by hand:

    python benchmarks/check_run.py            # 2,000,000 points
    python benchmarks/check_run.py -n 200000
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

LRSCHED = shutil.which("lrsched", path=str(Path(sys.executable).parent)) or "lrsched"


def run(argv: list[str]) -> tuple[float, int, int]:
    start = time.perf_counter()
    with open(os.devnull, "w") as sink:
        proc = subprocess.Popen(argv, stdout=sink, stderr=sink)
        _, status, usage = os.wait4(proc.pid, 0)
    return time.perf_counter() - start, usage.ru_maxrss, os.waitstatus_to_exitcode(status)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=2_000_000, help="points in each log")
    n = parser.parse_args().n
    plan = [LRSCHED, "from", f"get_cosine_schedule_with_warmup(optimizer, 1000, {n})", "--lr", "0.1", "-q"]
    with tempfile.TemporaryDirectory() as tmp:
        rates_file = Path(tmp) / "rates.csv"
        subprocess.run([*plan, "-f", "csv", "-o", str(rates_file)], check=True)
        state, metrics = Path(tmp) / "trainer_state.json", Path(tmp) / "metrics.csv"
        with open(rates_file) as rates, open(state, "w") as js, open(metrics, "w") as csv:
            next(rates)
            js.write(f'{{\n  "epoch": 1.0,\n  "global_step": {n},\n  "log_history": [\n')
            csv.write("lr-SGD,step\r\n")
            for line in rates:
                step, rate = line.rstrip("\n").split(",")
                entry = {
                    "epoch": 0.5,
                    "grad_norm": 1.0,
                    "learning_rate": float(rate),
                    "loss": 0.5,
                    "step": int(step),
                }
                text = json.dumps(entry, indent=2, sort_keys=True).replace("\n", "\n    ")
                js.write(("" if step == "1" else ",\n") + "    " + text)
                csv.write(f"{rate},{int(step) - 1}\r\n")
            js.write(f'\n  ],\n  "max_steps": {n}\n}}\n')
        for log in (state, metrics):
            wall, rss, code = run([*plan, "--check-run", str(log)])
            size = log.stat().st_size / 1e6
            print(
                f"{log.name:<19} {n:,} points, {size:.0f} MB: {wall:.1f} s, "
                f"peak RSS {rss / 1024:.1f} MiB, exit {code}"
            )


if __name__ == "__main__":
    main()
