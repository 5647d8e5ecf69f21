"""`lrsched from` (and `trainer`) at 1,000,000 CSV rows, one case per framework, against the floor.

    python benchmarks/from_rows.py [--quick] [--only NAME]

The floor is bench.py's: a list comprehension of a cosine's rates and one write (1M rows). Each
case is one framework's scheduler call run for the same row count; the cases and the floor run
in turn, interleaved, and each figure is the median CPU time (user + system) over the rounds,
so a busy machine moves both sides together; "paired" is the median of each round's ratio to
that round's floor, steadier when the load changes. Budget (DESIGN.md): every `from` within 1.5x.

`trainer hf` writes three columns (``epoch,step,lr``: its rows are optimizer updates), so it is
measured against a floor of its rows' shape (`FLOOR_STEPS`, as bench.py has one for per-step
rows): the same list comprehension writing 999,999 rows, each with its epoch (333,333 updates
an epoch) and step, and rates of its size (2e-5, whose repr is longer, and slower to write, than
0.1's). Until 2026-12-03 it was set against the two-column floor, which writes less: 1.8x-2.1x
that floor then. Before the fused Hugging Face loop, against bench.py's per-step floor (10
steps an epoch, rates of 0.1) it was 1.55x, and 1.37x against this one, in the same run (the
generic `cosine --lr 2e-5 -n 3 --steps-per-epoch 333333`: 1.01x this one); with it, 1.05x-1.09x
this one.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
from pathlib import Path

PYTHON = sys.executable
ENV = {name: value for name, value in os.environ.items() if name != "PYTHONDONTWRITEBYTECODE"}
"""Runs as an installed lrsched runs, its bytecode cached (as bench.py says)."""
LRSCHED = shutil.which("lrsched", path=str(Path(PYTHON).parent)) or "lrsched"
N = 1_000_000

FLOOR = (
    "import math, sys\n"
    f"n = {N}\n"
    "sys.stdout.write('epoch,lr\\n' + ''.join([f'{k},{0.05 * (1 + math.cos(math.pi * (k - 1) / n))!r}\\n'"
    " for k in range(1, n + 1)]))\n"
)

FLOOR_STEPS = (
    "import math, sys\n"
    "n, K = 999_999, 333_333\n"
    "sys.stdout.write('epoch,step,lr\\n' + ''.join([f'{(k - 1) // K + 1},{k},"
    "{2e-05 * (0.5 * (1 + math.cos(math.pi * (k - 1) / n)))!r}\\n' for k in range(1, n + 1)]))\n"
)
"""The trainer case's floor: its rows' shape (999,999 updates, three epochs of 333,333, step and
epoch labels) and a cosine's rates at its learning rate."""

CONFIG = Path(__file__).resolve().parent.parent / "tests" / "examples" / "hf-args.yaml"
MMENGINE = CONFIG.with_name("mmengine_config.py")
CASES = {
    "torch": ["from", "CosineAnnealingLR(optimizer, T_max=1000000)", "--lr", "0.1"],
    "torch step": ["from", "StepLR(optimizer, step_size=1000, gamma=0.9)", "--lr", "0.1"],
    "hf": ["from", "get_cosine_schedule_with_warmup(optimizer, 1000, 1000000)", "--lr", "0.1"],
    "timm": ["from", "CosineLRScheduler(optimizer, t_initial=1000000, warmup_t=1000)", "--lr", "0.1"],
    "keras": ["from", "keras.optimizers.schedules.CosineDecay(0.1, decay_steps=1000000)"],
    "optax": ["from", "optax.cosine_decay_schedule(0.1, decay_steps=1000000)"],
    "optax warmup": ["from", "optax.warmup_cosine_decay_schedule(0.0, 0.1, 1000, 1000000)"],
    "deepspeed": ["from", "WarmupDecayLR(optimizer, total_num_steps=1000000, warmup_num_steps=1000)", "-q"],
    "mmengine": [
        "from",
        "mmengine.optim.CosineAnnealingLR(optimizer, T_max=1000000, by_epoch=False)",
        "--lr",
        "0.1",
    ],
    "megatron": [
        "from",
        "OptimizerParamScheduler(optimizer, init_lr=0.0, max_lr=0.1, min_lr=0.001, lr_warmup_steps=1000, "
        "lr_decay_steps=1000000, lr_decay_style='cosine', start_wd=0.0, end_wd=0.0, wd_incr_steps=1000000, "
        "wd_incr_style='constant')",
    ],
    "detectron2": ["from", "CosineParamScheduler(0.1, 0.001)"],
    "nemo": [
        "from",
        "CosineAnnealing(optimizer, max_steps=1000000, warmup_steps=1000, min_lr=1e-5)",
        "--lr",
        "0.1",
    ],
    "fairseq": [
        "from",
        "CosineLRSchedule(CosineLRScheduleConfig(warmup_updates=1000, lr=[0.1], max_update=1000000), "
        "optimizer)",
    ],
    "trainer hf": ["trainer", "hf", str(CONFIG), "--samples", "10666656", "--quiet"],  # 999,999 updates
    # README's MMEngine config (a LinearLR warmup, then a cosine converted to iterations):
    # 12 epochs of 83,334 iterations, 1,000,008 rows, the floor's within 0.001%
    "trainer mmengine": ["trainer", "mmengine", str(MMENGINE), "--samples", "666672", "--quiet"],
}
"""Each framework's common schedule, as a user pastes it (the big-model stacks' too, but
Composer's, which reads the run's length from a trainer), and README's trainer config, sized to
a million updates."""
PER_STEP = {"trainer hf", "trainer mmengine"}
"""The cases whose rows carry an epoch and a step: measured against `FLOOR_STEPS`."""


def cpu(argv: list[str]) -> float:
    """CPU seconds (user + system) of one run, its output thrown away."""
    with open(os.devnull, "w") as sink:
        proc = subprocess.Popen(argv, stdout=sink, env=ENV)
        _, status, usage = os.wait4(proc.pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"failed: {argv}")
    return usage.ru_utime + usage.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="3 rounds instead of 5")
    parser.add_argument("--only", action="append", choices=list(CASES), help="run only these cases")
    options = parser.parse_args()
    chosen = [name for name in CASES if not options.only or name in options.only]
    floors = {"floor": FLOOR, **({"floor per step": FLOOR_STEPS} if PER_STEP & set(chosen) else {})}
    cases = {
        **{name: [PYTHON, "-c", code] for name, code in floors.items()},
        **{
            name: [LRSCHED, *argv, *(["-n", str(N)] if argv[0] == "from" else []), "-f", "csv"]
            for name, argv in CASES.items()
            if name in chosen
        },
    }
    times: dict[str, list[float]] = {name: [] for name in cases}
    for argv in cases.values():  # not counted: writes the bytecode
        cpu(argv)
    for _ in range(3 if options.quick else 5):
        for name, argv in cases.items():
            times[name].append(cpu(argv))
    medians = {name: statistics.median(values) for name, values in times.items()}
    floor_times = {name: medians.pop(name) for name in floors}
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} cores; CPU-time medians, interleaved")
    for name, seconds in floor_times.items():
        print(f"{name:<14}: {seconds:5.2f} s")
    for name, seconds in medians.items():
        against = "floor per step" if name in PER_STEP else "floor"
        paired = statistics.median(ours / base for ours, base in zip(times[name], times[against]))
        ratio = f"{seconds / floor_times[against]:.2f}x {against}, {paired:.2f}x paired"
        print(f"{name:<14}: {seconds:5.2f} s -> {ratio} (budget 1.5x)")


if __name__ == "__main__":
    main()
