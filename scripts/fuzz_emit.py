"""Differential check of ``--emit``: random schedule command lines, run in the real frameworks.

    PYTHONPATH=. KERAS_BACKEND=torch /work/refenv/bin/python scripts/fuzz_emit.py [-n CASES] [--seed S]
        [--framework NAME ...] [--schedule NAME ...]

Not a test (the frameworks are never test-time dependencies). For each random command line of a
schedule in `lrsched_cli.registry.SCHEDULES` (random parameters, warmup, steps per epoch, rows),
it asks lrsched (in-process) for its rows and for ``--emit FRAMEWORK``; when lrsched emits, the
expression is evaluated in the real framework (the runners of `gen_dialect_goldens.py`, or the
schedule function itself for Keras and optax) and its rates are compared with lrsched's rows by
`Framework.agrees` in lrsched_cli/frameworks/base.py (1e-9 relative for torch, hf, timm; 1e-6
for Keras and optax, as
`tests/test_emit_parity.py`). A framework error or a rate outside the tolerance is printed as a
failure with the command line to reproduce it; exit 1 if there was any.
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import random
import shlex
import sys
import traceback
from collections.abc import Callable
from itertools import islice
from pathlib import Path

os.environ.setdefault("KERAS_BACKEND", "torch")
ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "scripts")]

import gen_dialect_goldens as frameworks  # noqa: E402
from typer.testing import CliRunner  # noqa: E402

from lrsched_cli.cli.app import app_for  # noqa: E402
from lrsched_cli.frameworks import FRAMEWORKS  # noqa: E402
from lrsched_cli.frameworks.dispatch import reproduce  # noqa: E402
from lrsched_cli.registry import SCHEDULES  # noqa: E402

RUNNER = CliRunner()
MAX_ROWS = 2000
"""Longer runs are skipped; `--long` sets how many rows a long -n asks for."""
LONG = 300


def lrsched(argv: list[str]) -> tuple[int, str, str]:
    result = RUNNER.invoke(app_for(argv), argv, prog_name="lrsched")
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        tb = "".join(traceback.format_exception(result.exception))
        return 99, result.stdout, tb
    return result.exit_code, result.stdout, result.stderr


# -- random command lines ---------------------------------------------------------------------


def rate(r: random.Random) -> str:
    return r.choice(
        [
            "0.1",
            "1",
            "0.001",
            "3e-4",
            "0.05",
            "2.5",
            "1e-8",
            "1000",
            "0.7",
            repr(round(r.uniform(1e-4, 1), 6)),
        ]
    )


def small_rate(r: random.Random) -> str:
    return r.choice(["0", "0", "1e-5", "0.001", "0.01", "0.5", "5", repr(round(r.uniform(0, 0.01), 7))])


def factor(r: random.Random) -> str:
    return r.choice(
        ["0.1", "0.5", "0.9", "0.99", "1", "0", "1.5", "0.3333333333333333", repr(round(r.uniform(0, 1), 4))]
    )


def duration(r: random.Random, low: int = 1, high: int = 20) -> str:
    return str(r.randint(low, high))


def int_list(r: random.Random) -> str:
    n = r.randint(0, 4)
    return ",".join(str(v) for v in sorted(r.randint(0, 25) for _ in range(n)))


def params_for(name: str, r: random.Random) -> list[str]:
    """Random options of one schedule (sometimes invalid: lrsched refuses those with exit 2)."""
    maybe = r.random
    out: list[str] = []

    def opt(flag: str, value: str | None = None, p: float = 1.0) -> None:
        if maybe() < p:
            out.extend([flag] if value is None else [flag, value])

    if name == "step":
        opt("--lr", rate(r)), opt("--step-size", duration(r)), opt("--gamma", factor(r), 0.7)
    elif name == "exponential":
        opt("--lr", rate(r))
        if maybe() < 0.5:
            opt("--decay-rate", r.choice(["0", "0.05", "0.3", "1", repr(round(r.uniform(0, 2), 5))]))
        else:
            opt("--gamma", factor(r))
        opt("--decay-steps", duration(r, 1, 10), 0.5), opt("--staircase", None, 0.4)
    elif name == "cosine":
        opt("--lr", rate(r)), opt("--t-max", duration(r, 1, 40), 0.6), opt("--min-lr", small_rate(r), 0.6)
    elif name == "cosine-restarts":
        opt("--lr", rate(r)), opt("--t-0", duration(r, 1, 12)), opt("--t-mult", str(r.randint(1, 3)), 0.5)
        opt("--min-lr", small_rate(r), 0.5), opt("--decay", factor(r), 0.4)
    elif name == "multistep":
        opt("--lr", rate(r)), opt("--milestones", int_list(r), 0.8), opt("--gamma", factor(r), 0.6)
    elif name == "constant":
        opt("--lr", rate(r)), opt("--factor", factor(r), 0.7), opt("--total-iters", duration(r, 0, 10), 0.7)
    elif name == "linear":
        opt("--lr", rate(r)), opt("--start-factor", factor(r), 0.7), opt("--end-factor", factor(r), 0.7)
        opt("--total-iters", duration(r, 0, 15), 0.7)
    elif name == "polynomial":
        opt("--lr", rate(r)), opt("--total-iters", duration(r, 1, 30), 0.7)
        opt("--power", r.choice(["1", "2", "0.5", "3", "1.5", repr(round(r.uniform(0.1, 4), 3))]), 0.6)
        opt("--min-lr", small_rate(r), 0.5)
    elif name == "piecewise":
        bounds = sorted({r.randint(1, 25) for _ in range(r.randint(0, 3))})
        values = [rate(r) for _ in range(len(bounds) + 1)]
        if maybe() < 0.8:
            out += ["--boundaries", ",".join(map(str, bounds)), "--values", ",".join(values)]
    elif name == "inverse-time":
        opt("--lr", rate(r)), opt("--decay-rate", r.choice(["0.5", "1", "0.1", "0", "2.5"]))
        opt("--decay-steps", duration(r, 1, 10), 0.5), opt("--staircase", None, 0.4)
    elif name == "onecycle":
        opt("--max-lr", rate(r)), opt("--total-steps", duration(r, 2, 60))
        opt(
            "--pct-start",
            r.choice(["0.3", "0.25", "0.5", "0.1", "0.45", repr(round(r.uniform(0.05, 0.95), 3))]),
            0.6,
        )
        opt("--anneal-strategy", r.choice(["cos", "linear"]), 0.5)
        opt("--div-factor", r.choice(["25", "10", "4", "1", "100"]), 0.4)
        opt("--final-div-factor", r.choice(["1e4", "100", "10", "1"]), 0.4)
        opt("--three-phase", None, 0.3)
    elif name == "cyclic":
        opt("--base-lr", small_rate(r)), opt("--max-lr", rate(r)), opt("--step-size-up", duration(r, 1, 10))
        opt("--step-size-down", duration(r, 1, 10), 0.4)
        opt("--mode", r.choice(["triangular", "triangular2", "exp_range"]), 0.6)
        opt("--gamma", r.choice(["0.99", "0.9", "1", "0.5"]), 0.4)
    elif name == "inverse-sqrt":
        opt("--lr", rate(r)), opt("--timescale", duration(r, 1, 20), 0.7)
    elif name == "wsd":
        (
            opt("--lr", rate(r)),
            opt("--stable-steps", duration(r, 0, 15)),
            opt("--decay-steps", duration(r, 1, 15)),
        )
        opt("--min-lr", small_rate(r), 0.5)
        opt("--decay-type", r.choice(["cosine", "linear", "1-sqrt", "sqrt"]), 0.6)
    elif name == "plateau":
        opt("--lr", rate(r)), out.extend(["--metrics", "1,0.9,0.9,0.9,0.8"])
    return out


def command_line(name: str, r: random.Random) -> list[str]:
    argv = [name, *params_for(name, r)]
    if r.random() < 0.5:
        argv += ["--warmup", str(r.randint(0, 6))]
        if r.random() < 0.5:
            argv += ["--warmup-start-lr", small_rate(r)]
    if r.random() < 0.3:
        argv += ["--steps-per-epoch", str(r.randint(1, 8))]
    if r.random() < 0.7:
        argv += ["-n", str(r.randint(0, 100) if r.random() < 0.8 else r.randint(100, LONG))]
    return argv


# -- running the frameworks ---------------------------------------------------------------------


def run_keras(expression: str, lr: float | None, rows: int) -> list[float]:
    import keras
    from keras.optimizers import schedules

    names = {name: getattr(schedules, name) for name in dir(schedules) if not name.startswith("_")}
    schedule = eval(expression, {**names, "keras": keras})
    optimizer = keras.optimizers.SGD(learning_rate=schedule)
    out = []
    for t in range(rows):  # the optimizer's own counter, as `optimizer.learning_rate` reads it
        optimizer.iterations.assign(t)
        out.append(float(keras.ops.convert_to_numpy(optimizer.learning_rate)))
    return out


def run_optax(expression: str, lr: float | None, rows: int) -> list[float]:
    import jax.numpy as jnp
    import optax

    schedule = eval(expression, {**vars(optax), "optax": optax})
    # optax.scale_by_schedule calls the schedule with the int32 step count
    return [float(schedule(jnp.asarray(t, jnp.int32))) for t in range(rows)]


def via_runner(framework: str) -> Callable[[str, float | None, int], list[float]]:
    run, _ = frameworks.RUNNERS[framework]

    def runner(expression: str, lr: float | None, rows: int) -> list[float]:
        ran = run({"id": "", "expression": expression, "lr": lr, "rows": rows, "steps": None})
        if ran["end"] is not None:
            raise RuntimeError(f"the framework refused to step at t={ran['end']}")
        rates: list[float] = ran["rates"]
        return rates

    return runner


RUN: dict[str, Callable[[str, float | None, int], list[float]]] = {
    "torch": via_runner("torch"),
    "hf": via_runner("hf"),
    "timm": via_runner("timm"),
    "keras": run_keras,
    "optax": run_optax,
}


def optimizer_lr(argv: list[str]) -> float | None:
    """The optimizer's rate: --lr, as gen_emit_goldens.py builds it (1.0 for schedules without)."""
    return float(argv[argv.index("--lr") + 1]) if "--lr" in argv else None


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=500, help="command lines to try")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--framework", action="append", choices=list(FRAMEWORKS))
    parser.add_argument("--schedule", action="append", choices=list(SCHEDULES))
    parser.add_argument("--max-failures", type=int, default=30)
    parser.add_argument("--long", type=int, default=LONG, help="the most rows a command line asks for")
    args = parser.parse_args()
    globals()["LONG"] = args.long
    r = random.Random(args.seed)
    names = args.schedule or list(SCHEDULES)
    chosen = args.framework or list(FRAMEWORKS)
    ran: collections.Counter[str] = collections.Counter()
    refused: collections.Counter[str] = collections.Counter()
    failures: list[str] = []

    def fail(text: str) -> None:
        failures.append(text)
        print(text, end="\n\n", flush=True)

    for _ in range(args.n):
        argv = command_line(r.choice(names), r)
        code, out, err = lrsched([*argv, "-f", "csv"])
        if code == 99:
            fail(f"TRACEBACK {shlex.join(argv)}\n{err}")
            continue
        if code != 0:
            continue
        ours = [float(line.split(",")[-1]) for line in out.splitlines()[1:]]
        if len(ours) > MAX_ROWS or not ours:  # no rows: nothing to compare (the runners need one)
            continue
        for framework in chosen:
            code, emitted, err = lrsched([*argv, "--emit", framework])
            command = f"lrsched {shlex.join(argv)} --emit {framework}"
            if code == 99:
                fail(f"TRACEBACK {command}\n{err}")
                continue
            if code != 0:
                refused[framework] += 1
                if "cannot reproduce" not in err:
                    fail(f"ODD REFUSAL {command}\n{err}")
                continue
            ran[framework] += 1
            expression = emitted.strip()
            lr = optimizer_lr(argv)
            peak = max([abs(x) for x in ours] + [lr or 0.0])  # float32 rounds against the peak
            try:  # the round trip: lrsched from "$(lrsched ... --emit F)" --lr LR
                reproduction = reproduce(expression, lr=lr)
                back = list(islice(reproduction.rates(lr if reproduction.needs_lr else None), len(ours)))
                if len(back) != len(ours) or not all(
                    FRAMEWORKS[framework].agrees(a, b, peak) for a, b in zip(back, ours)
                ):
                    fail(f"ROUND TRIP {command}\n  {expression}\n  {back[:5]} vs {ours[:5]}")
            except Exception as error:
                fail(f"ROUND TRIP {command}\n  {expression}\n  {type(error).__name__}: {error}")
            try:
                theirs = RUN[framework](expression, lr, len(ours))
            except Exception as error:
                fail(f"REJECTED {command}\n  {expression}\n  {type(error).__name__}: {error}")
                continue
            wrong = [
                (k, a, b)
                for k, (a, b) in enumerate(zip(theirs, ours), 1)
                if not FRAMEWORKS[framework].agrees(a, b, peak)
            ]
            if wrong or len(theirs) != len(ours):
                fail(
                    f"DIFFERS {command}\n  {expression}\n  rows {len(ours)} vs {len(theirs)}; "
                    f"{len(wrong)} differ, first (row, framework, lrsched): {wrong[:3]}"
                )
        if len(failures) >= args.max_failures:
            break
    print(json.dumps({"emitted_and_compared": ran, "refused": refused, "failures": len(failures)}))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
