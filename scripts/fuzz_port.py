"""Differential check of ``lrsched from CALL --emit TARGET``: random calls, run in the real frameworks.

    KERAS_BACKEND=torch REFENV/bin/python scripts/fuzz_port.py --lrsched PATH [-n CASES] [--seed S]

Not a test (the frameworks are never test-time dependencies). Each case is a random call of one
of the five frameworks (from the templates below) and a random target. lrsched (``PATH``, run as
a process) says how many rows ``from`` prints and writes the port; where it writes one, the call
runs in its real framework and the port in the real target framework (the runners of
`gen_dialect_goldens.py`), for those rows, and the two must agree to the looser of the two
frameworks' tolerances (1e-9 relative, or 1e-6 of the peak with Keras or optax). A refusal must
be a usage error with nothing on stdout. Failures are printed with the command to reproduce
them; exit 1 if there was any.
"""

from __future__ import annotations

import argparse
import collections
import json
import math
import random
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "scripts")]

import gen_dialect_goldens as frameworks  # noqa: E402

FLOAT32 = {"keras", "optax"}
TARGETS = ("torch", "keras", "optax", "hf", "timm")
TEMPLATES: dict[str, list[str]] = {
    "torch": [
        "StepLR(optimizer, {n}, gamma={g})",
        "MultiStepLR(optimizer, [{n}, {m}], gamma={g})",
        "ExponentialLR(optimizer, {g})",
        "CosineAnnealingLR(optimizer, {n}, eta_min={low})",
        "CosineAnnealingWarmRestarts(optimizer, {n}, T_mult={k})",
        "PolynomialLR(optimizer, {n}, power={p})",
        "LinearLR(optimizer, start_factor={f}, end_factor={g}, total_iters={n})",
        "ConstantLR(optimizer, factor={f}, total_iters={n})",
        "OneCycleLR(optimizer, {lr}, total_steps={m}, pct_start={pct})",
        "SequentialLR(optimizer, [LinearLR(optimizer, {f}, total_iters={w}), "
        "CosineAnnealingLR(optimizer, {n})], [{w}])",
    ],
    "keras": [
        "keras.optimizers.schedules.ExponentialDecay({lr}, {n}, {g}, staircase={b})",
        "keras.optimizers.schedules.CosineDecay({lr}, {n}, alpha={f})",
        "keras.optimizers.schedules.CosineDecay(0.0, {n}, warmup_target={lr}, warmup_steps={w})",
        "keras.optimizers.schedules.PolynomialDecay({lr}, {n}, {low}, power={p})",
        "keras.optimizers.schedules.PiecewiseConstantDecay([{n}, {m}], [{lr}, {low2}, {low}])",
        "keras.optimizers.schedules.CosineDecayRestarts({lr}, {n}, t_mul={kf}, m_mul={f})",
    ],
    "optax": [
        "optax.cosine_decay_schedule({lr}, {n}, alpha={f})",
        "optax.warmup_cosine_decay_schedule(0.0, {lr}, {w}, {wn}, end_value={low})",
        "optax.exponential_decay({lr}, {n}, {g}, staircase={b})",
        "optax.linear_schedule({lr}, {low}, {n})",
        "optax.polynomial_schedule({lr}, {low}, {p}, {n})",
        "optax.piecewise_constant_schedule({lr}, {{{n}: {g}, {m}: {g}}})",
        "optax.cosine_onecycle_schedule({m}, {lr}, pct_start={pct})",
    ],
    "hf": [
        "get_cosine_schedule_with_warmup(optimizer, {w}, {wn})",
        "get_linear_schedule_with_warmup(optimizer, {w}, {wn})",
        "get_cosine_with_min_lr_schedule_with_warmup(optimizer, {w}, {wn}, min_lr={low})",
        "get_polynomial_decay_schedule_with_warmup(optimizer, {w}, {wn}, lr_end={low}, power={p})",
        "get_constant_schedule_with_warmup(optimizer, {w})",
        "get_cosine_with_hard_restarts_schedule_with_warmup(optimizer, 0, {nk}, num_cycles={k})",
    ],
    "timm": [
        "CosineLRScheduler(optimizer, t_initial={n}, lr_min={low}, warmup_t={w}, warmup_lr_init={low}, "
        "warmup_prefix=True)",
        "StepLRScheduler(optimizer, decay_t={n}, decay_rate={g}, warmup_t={w})",
        "PolyLRScheduler(optimizer, t_initial={n}, power={p}, lr_min={low})",
        "MultiStepLRScheduler(optimizer, decay_t=[{n}, {m}], decay_rate={g})",
    ],
}
LR_NOTE = re.compile(r"build it with lr=(\S+)")


def call(rng: random.Random) -> tuple[str, str, float]:
    framework = rng.choice(sorted(TEMPLATES))
    n, w, k = rng.randint(1, 40), rng.randint(1, 8), rng.randint(1, 3)
    lr = rng.choice([0.1, 0.003, 1.0, 2e-5])
    low = rng.choice([0.0, lr / 100, lr / 7])
    values = {
        "n": n, "m": n + rng.randint(1, 30), "w": w, "wn": w + n, "k": k, "kf": float(k), "nk": n * k,
        "lr": lr, "low": low, "low2": lr / 2, "g": rng.choice([0.1, 0.5, 0.9, 0.97]),
        "f": rng.choice([0.1, 0.25, 0.5, 1.0]), "p": rng.choice([0.5, 1.0, 2.0, 2]),
        "pct": rng.choice([0.1, 0.25, 0.3, 0.5]), "b": rng.choice([True, False]),
    }  # fmt: skip
    return framework, rng.choice(TEMPLATES[framework]).format(**values), lr


def agree(got: list[float], want: list[float], tolerance: float) -> bool:
    peak = max(map(abs, want), default=0.0)
    return len(got) == len(want) and all(
        math.isclose(a, b, rel_tol=tolerance, abs_tol=tolerance * peak) for a, b in zip(got, want)
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lrsched", required=True, help="the lrsched program to ask")
    parser.add_argument("-n", type=int, default=200, help="cases to run")
    parser.add_argument("--seed", type=int, default=0)
    options = parser.parse_args()
    rng = random.Random(options.seed)
    outcomes: collections.Counter[str] = collections.Counter()
    failures = 0
    for _ in range(options.n):
        framework, expression, lr = call(rng)
        target = rng.choice(TARGETS)
        argv = ["from", expression, "--lr", repr(lr)]
        shown = subprocess.run([options.lrsched, *argv, "-f", "json"], capture_output=True, text=True)
        if shown.returncode != 0:
            outcomes["call refused by from"] += 1
            continue
        rows = len(json.loads(shown.stdout)["rows"])
        emitted = subprocess.run([options.lrsched, *argv, "--emit", target], capture_output=True, text=True)
        command = f"lrsched from {expression!r} --lr {lr!r} --emit {target}"
        if emitted.returncode != 0:
            outcomes["refused"] += 1
            if emitted.returncode != 2 or emitted.stdout or "Traceback" in emitted.stderr:
                failures += 1
                print(f"FAIL (refusal): {command}\n{emitted.stderr}")
            continue
        code = emitted.stdout.strip()
        note = LR_NOTE.search(emitted.stderr)
        try:
            want = frameworks.RUNNERS[framework][0](
                {"id": "", "expression": expression, "lr": lr, "rows": rows, "steps": None}
            )["rates"]
            got = frameworks.RUNNERS[target][0](
                {
                    "id": "",
                    "expression": code,
                    "lr": float(note.group(1)) if note else lr,
                    "rows": rows,
                    "steps": None,
                }
            )["rates"]
        except Exception as error:  # a framework refusing what lrsched wrote is a failure
            failures += 1
            print(f"FAIL (framework): {command}\n{code}\n{type(error).__name__}: {error}")
            continue
        tolerance = 1e-6 if FLOAT32 & {framework, target} else 1e-9
        if agree(got, want, tolerance):
            outcomes["ported, agrees"] += 1
        else:
            failures += 1
            print(f"FAIL (rates): {command}\n{code}")
    print(dict(outcomes), f"failures: {failures}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
