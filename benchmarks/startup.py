"""Start-up of `from` and `trainer` against the plain `lrsched step` run, interleaved.

    python benchmarks/startup.py [--rounds N]

Budget (DESIGN.md): `lrsched from ...` and `lrsched trainer ...` at most 1.3x
`lrsched step --lr 0.1 --step-size 10`. Each case prints its default rows to /dev/null; the
cases run in turn, N rounds (default 40), and each figure is the median CPU time (user +
system) of its runs. The trainer's config is README's (tests/examples/hf-args.yaml), once as
YAML and once as the same keys in JSON, in a temporary folder; then README's Lightning config,
and `from` a big-model stack's call (NeMo's WarmupPolicy: every framework's module loads).

It also times what importing PyYAML alone costs (``python -c "import re, yaml"`` against
``python -c "import re"``; lrsched has loaded ``re`` before it reads a config): the part of the
YAML case that lrsched's own code cannot remove. On 2026-12-03 that was 0.16x-0.19x of the
plain `step` run, about 4 ms of it the regular expressions PyYAML compiles at import (3 ms the
pure-Python reader's NON_PRINTABLE, which the C loader lrsched uses never runs).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

PYTHON = sys.executable
ENV = {name: value for name, value in os.environ.items() if name != "PYTHONDONTWRITEBYTECODE"}
"""Runs as an installed lrsched runs, its bytecode cached (as bench.py says)."""
LRSCHED = shutil.which("lrsched", path=str(Path(PYTHON).parent)) or "lrsched"
EXAMPLES = Path(__file__).resolve().parent.parent / "tests" / "examples"
CONFIG = EXAMPLES / "hf-args.yaml"
LIGHTNING = EXAMPLES / "lightning.yaml"
"""README's Lightning config (YAML): its scheduler is a constructor call of any framework, so the
dispatcher searches for it as `from` does."""


def cpu(argv: list[str], cwd: str) -> float:
    with open(os.devnull, "w") as sink:  # cwd: a folder of no modules, as ``-c`` imports from it
        proc = subprocess.Popen(argv, stdout=sink, stderr=sink, env=ENV, cwd=cwd)
        _, status, usage = os.wait4(proc.pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"failed: {argv}")
    return usage.ru_utime + usage.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=40)
    rounds = parser.parse_args().rounds
    with tempfile.TemporaryDirectory() as folder:
        yaml_config = Path(folder) / "hf-args.yaml"
        shutil.copy(CONFIG, yaml_config)
        keys = {
            "learning_rate": 2.0e-5,
            "lr_scheduler_type": "cosine",
            "warmup_steps": 0.1,
            "num_train_epochs": 3,
            "per_device_train_batch_size": 8,
            "gradient_accumulation_steps": 4,
        }
        json_config = Path(folder) / "hf-args.json"
        json_config.write_text(json.dumps(keys))
        trainer = [LRSCHED, "trainer", "hf"]
        run = ["--samples", "1000", "--world-size", "3", "--quiet"]
        cases = {
            "step": [LRSCHED, "step", "--lr", "0.1", "--step-size", "10"],
            "from torch": [LRSCHED, "from", "CosineAnnealingLR(optimizer, T_max=30)", "--lr", "0.1"],
            "trainer hf json": [*trainer, str(json_config), *run],
            "trainer hf yaml": [*trainer, str(yaml_config), *run],
            "trainer lightning": [
                LRSCHED,
                "trainer",
                "lightning",
                str(LIGHTNING),
                "--samples",
                "1000",
                "--batch-size",
                "8",
                "--quiet",
            ],
            "from a stack": [
                LRSCHED,
                "from",
                "WarmupPolicy(optimizer, warmup_steps=4, max_steps=10)",
                "--lr",
                "0.1",
            ],
            "import re": [PYTHON, "-c", "import re"],
            "import re, yaml": [PYTHON, "-c", "import re, yaml"],
        }
        times: dict[str, list[float]] = {name: [] for name in cases}
        for argv in cases.values():  # not counted: writes the bytecode
            cpu(argv, folder)
        for _ in range(rounds):
            for name, argv in cases.items():
                times[name].append(cpu(argv, folder))
    medians = {name: statistics.median(values) for name, values in times.items()}
    step = medians.pop("step")
    pyyaml = medians.pop("import re, yaml") - medians.pop("import re")
    print(
        f"python {sys.version.split()[0]}, {os.cpu_count()} cores; CPU-time medians of {rounds} interleaved"
    )
    print(f"{'step':<16}: {step * 1000:5.0f} ms")
    for name, seconds in medians.items():
        print(f"{name:<16}: {seconds * 1000:5.0f} ms -> {seconds / step:.2f}x step (budget 1.3x)")
    print(f"{'PyYAML import':<16}: {pyyaml * 1000:5.0f} ms -> {pyyaml / step:.2f}x step (of the YAML case)")


if __name__ == "__main__":
    main()
