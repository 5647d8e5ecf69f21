"""Differential fuzzer: `lrsched from` against the real frameworks, on random constructor calls.

    /work/refenv/bin/python scripts/fuzz_dialects.py [--cases N] [--seed S] [--only torch,hf,...]
                                                     [--show K] [--time-limit SECONDS]

Not part of the test suite (it needs the frameworks, see ../shared/refenv.sh). For every
supported scheduler it builds random valid and borderline calls (zero warmup, warmup == total,
tiny and large step counts, float vs int arguments, duplicate milestones, composites of random
children, cycles...), runs each in the framework (stepped as scripts/gen_dialect_goldens.py
does) and through ``lrsched_cli.frameworks.dispatch.reproduce``, and compares:

- the rates, step by step: relative 1e-9 for torch / transformers / timm; for Keras and optax
  the parity test's float32 rule (relative 1e-6, or 2**-23 of the case's largest rate);
- refusals: when the framework raises at construction or at step k, lrsched must raise
  `DialectError` (at construction, or at step k) or end its rates at k; when the framework
  accepts, lrsched must too, except for its documented refusals (reported apart, not as bugs).

Each disagreement is printed with the expression, so it can become a golden case.
"""

from __future__ import annotations

import argparse
import math
import os
import random
import re
import signal
import sys
import time
import traceback
import warnings
from collections import Counter, defaultdict
from collections.abc import Callable
from itertools import islice
from pathlib import Path
from typing import Any

os.environ.setdefault("KERAS_BACKEND", "torch")
os.environ.setdefault("JAX_PLATFORMS", "cpu")
warnings.filterwarnings("ignore")
ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "scripts")]

import gen_dialect_goldens as goldens  # noqa: E402

from lrsched_cli.errors import DialectError  # noqa: E402
from lrsched_cli.frameworks.dispatch import reproduce, supported  # noqa: E402

FLOAT32 = {"keras", "optax"}
STRICT = re.compile(r"expected (a number|an integer|True or False|a finite number|a list)[^,]*, got ")
"""lrsched's refusal of a bool, None, string or list where the framework wants a number (or of
a non-bool where it wants a flag): the frameworks coerce them (``gamma=True`` is 1), lrsched
says what it expected. Counted apart, not as disagreements."""
DOCUMENTED_REFUSALS = ("noise_range_t", "last_epoch", "Keras computes the schedule in the dtype")


class Timeout(Exception):
    pass


def _alarm(signum: int, frame: object) -> None:
    raise Timeout


# --- random arguments ------------------------------------------------------------------------

R = random.Random(0)


def fmt(value: object) -> str:
    return repr(value)


def steps(low: int = 0) -> int:
    return max(
        low, R.choice([0, 1, 1, 2, 3, 4, 5, 7, 10, R.randint(1, 30), R.randint(1, 120), R.randint(50, 2000)])
    )


def maybe_float(n: int | float, p: float = 0.25) -> int | float:
    """``n``, sometimes written as a float (or a fraction) where the framework takes either."""
    roll = R.random()
    if roll < p:
        return float(n)
    if roll < p * 1.4:
        return n + R.choice([0.5, 0.25, 0.75])
    return n


def unit() -> float:
    return R.choice([0.0, 1.0, 0.5, 0.1, 0.01, 0.9, 0.99, 1e-3, R.random(), R.random()])


def factor() -> float:
    return R.choice(
        [0.1, 0.5, 0.9, 0.95, 0.99, 1.0, 2.0, 1.05, 0.0, R.uniform(0, 1.2), 10 ** R.uniform(-3, 0)]
    )


def rate() -> float:
    return R.choice([0.1, 1.0, 3e-4, 1e-3, 0.05, 10 ** R.uniform(-6, 1), R.uniform(0, 2), 0.0])


def small_rate() -> float:
    return R.choice([0.0, 1e-5, 1e-6, 1e-4, 1e-3, 10 ** R.uniform(-7, -1)])


MUTATION = 0.03
"""The chance that an argument is replaced by one of `ODD_VALUES`, to compare validation."""
ODD_VALUES: list[object] = [-1, 0, -0.5, 0.5, 1e9, 10**6, True, None, "x", [], [1], 2.5, -1e-3]


def src(value: object) -> str:
    """A value as source: strings marked with a leading § are source already (a lambda, a name)."""
    if isinstance(value, str) and value.startswith("§"):
        return value[1:]
    return repr(value)


def call(name: str, pairs: list[tuple[Any, ...]], positional: int = 0, keep: float = 0.6) -> str:
    """``name(...)`` from (parameter, value[, optional]) in signature order: a random number of
    the first ``positional`` written positionally, the rest as keywords; optional ones kept at
    random (once one is left out, the rest are keywords)."""
    count = R.randint(0, positional) if positional else 0
    out = []
    for index, item in enumerate(pairs):
        parameter, value = item[0], item[1]
        if R.random() < MUTATION and not (isinstance(value, str) and value.startswith("§")):
            value = R.choice(ODD_VALUES)
        if len(item) > 2 and item[2] and R.random() > keep:
            count = min(count, index)
            continue
        out.append(src(value) if index < count else f"{parameter}={src(value)}")
    return f"{name}({', '.join(out)})"


OPT = "optimizer"

# --- torch --------------------------------------------------------------------------------------

LAMBDAS = [
    "lambda epoch: 0.95 ** epoch",
    "lambda e: 1.0 / (e + 1)",
    "lambda epoch: min(1.0, (epoch + 1) / 5)",
    "lambda epoch: 0.5 * (1 + math.cos(math.pi * epoch / 20))",
    "lambda epoch: 0.9",
    "lambda epoch: 1.0 if epoch < 10 else 0.1",
    "lambda epoch: epoch // 3",
    "lambda x: 1 / x",
    "lambda epoch: max(0.0, 1 - epoch / 50)",
    "lambda epoch: math.sqrt(epoch) / 4",
    "lambda epoch: 1.01",
    "lambda epoch: (epoch % 7) / 7",
    "lambda epoch: math.exp(-epoch / 10)",
]


def torch_simple() -> str:
    kind = R.choice(
        [
            "StepLR",
            "MultiStepLR",
            "ConstantLR",
            "LinearLR",
            "ExponentialLR",
            "PolynomialLR",
            "CosineAnnealingLR",
            "CosineAnnealingWarmRestarts",
            "LambdaLR",
            "MultiplicativeLR",
            "CyclicLR",
            "OneCycleLR",
        ]
    )
    o = "§" + OPT
    if kind == "StepLR":
        return call(
            kind, [("optimizer", o), ("step_size", maybe_float(steps())), ("gamma", factor(), True)], 3
        )
    if kind == "MultiStepLR":
        ms = [R.choice([0, 1, 2, 3, 5, 10, R.randint(1, 60)]) for _ in range(R.randint(0, 5))]
        if R.random() < 0.7:
            ms.sort()
        return call(kind, [("optimizer", o), ("milestones", ms), ("gamma", factor(), True)], 3)
    if kind == "ConstantLR":
        return call(
            kind,
            [
                ("optimizer", o),
                ("factor", R.choice([unit(), 1.5, -0.1]), True),
                ("total_iters", maybe_float(steps()), True),
            ],
            3,
        )
    if kind == "LinearLR":
        return call(
            kind,
            [
                ("optimizer", o),
                ("start_factor", R.choice([unit(), 1.0, 0.01, 1e-8]), True),
                ("end_factor", R.choice([unit(), 1.0, 0.0]), True),
                ("total_iters", maybe_float(steps()), True),
            ],
            4,
        )
    if kind == "ExponentialLR":
        return call(kind, [("optimizer", o), ("gamma", factor())], 2)
    if kind == "PolynomialLR":
        return call(
            kind,
            [
                ("optimizer", o),
                ("total_iters", maybe_float(steps()), True),
                ("power", R.choice([1.0, 2.0, 0.5, 3, 0.0, 1]), True),
            ],
            3,
        )
    if kind == "CosineAnnealingLR":
        return call(
            kind, [("optimizer", o), ("T_max", maybe_float(steps())), ("eta_min", small_rate(), True)], 3
        )
    if kind == "CosineAnnealingWarmRestarts":
        return call(
            kind,
            [
                ("optimizer", o),
                ("T_0", maybe_float(steps(), 0.1)),
                ("T_mult", maybe_float(R.choice([1, 1, 2, 3, 0]), 0.1), True),
                ("eta_min", small_rate(), True),
            ],
            4,
        )
    if kind in ("LambdaLR", "MultiplicativeLR"):
        return call(kind, [("optimizer", o), ("lr_lambda", "§" + R.choice(LAMBDAS))], 2)
    if kind == "CyclicLR":
        mode = R.choice(["triangular", "triangular2", "exp_range"])
        pairs: list[tuple] = [
            ("optimizer", o),
            ("base_lr", small_rate()),
            ("max_lr", rate()),
            ("step_size_up", maybe_float(steps()), True),
            ("step_size_down", R.choice([None, maybe_float(steps())]), True),
            ("mode", mode, True),
            ("gamma", R.choice([1.0, 0.99, 0.9, 0.999]), True),
        ]
        if R.random() < 0.15:
            pairs.append(
                ("scale_fn", "§" + R.choice(["lambda x: 1.0", "lambda x: 0.5 ** x", "lambda x: 1 / x"]))
            )
            pairs.append(("scale_mode", R.choice(["cycle", "iterations"]), True))
        return call(kind, pairs, 3)
    # OneCycleLR
    pairs = [("optimizer", o), ("max_lr", rate())]
    if R.random() < 0.6:
        pairs.append(("total_steps", steps(1) if R.random() < 0.95 else R.choice([0, 2.0])))
    else:
        pairs += [("epochs", R.randint(1, 20)), ("steps_per_epoch", R.randint(1, 30))]
    pairs += [
        ("pct_start", R.choice([0.3, 0.25, 0.5, 0.0, 1.0, 0.1, R.random()]), True),
        ("anneal_strategy", R.choice(["cos", "linear"]), True),
        ("div_factor", R.choice([25.0, 10.0, 1.0, 100]), True),
        ("final_div_factor", R.choice([1e4, 100.0, 1.0]), True),
        ("three_phase", R.choice([True, False]), True),
    ]
    return call(kind, pairs)


def torch_expr() -> str:
    roll = R.random()
    if roll < 0.65:
        return torch_simple()
    children = [torch_simple() for _ in range(R.randint(1, 3))]
    if roll < 0.85:
        ms = [R.choice([0, 1, 2, 3, 5, 10, R.randint(1, 80)]) for _ in children[1:]]
        if R.random() < 0.85:
            ms.sort()
        return f"SequentialLR({OPT}, schedulers=[{', '.join(children)}], milestones={ms})"
    opt = R.choice(["", f", optimizer={OPT}"])
    return f"ChainedScheduler([{', '.join(children)}]{opt})"


# --- Hugging Face ------------------------------------------------------------------------------

HF_NAMES = [
    "linear",
    "cosine",
    "cosine_with_restarts",
    "polynomial",
    "constant",
    "constant_with_warmup",
    "inverse_sqrt",
    "cosine_with_min_lr",
    "cosine_warmup_with_min_lr",
    "warmup_stable_decay",
]


def hf_specific(name: str, total: int, warmup: int) -> dict[str, Any]:
    kw: dict[str, Any] = {}
    cosines = ("cosine", "cosine_with_min_lr", "cosine_warmup_with_min_lr", "warmup_stable_decay")
    if name in cosines and R.random() < 0.4:
        kw["num_cycles"] = R.choice([0.5, 1, 1.5, 2, 0.25, 3])
    if name == "cosine_with_restarts" and R.random() < 0.6:
        kw["num_cycles"] = R.choice([1, 2, 3, 5, 0])
    if name == "polynomial":
        if R.random() < 0.6:
            kw["lr_end"] = R.choice([1e-7, 0.0, 1e-4, 1e-2])
        if R.random() < 0.5:
            kw["power"] = R.choice([1.0, 2.0, 0.5, 3])
    if name == "inverse_sqrt" and R.random() < 0.5:
        kw["timescale"] = R.choice([None, 1, 10, 100, 1000])
    if name in ("cosine_with_min_lr", "cosine_warmup_with_min_lr"):
        roll = R.random()
        if roll < 0.45:
            kw["min_lr_rate"] = R.choice([0.0, 0.1, 0.01, 0.5])
        elif roll < 0.9:
            kw["min_lr"] = R.choice([0.0, 1e-5, 1e-6, 1e-3])
    if name == "cosine_warmup_with_min_lr" and R.random() < 0.4:
        kw["warmup_lr_rate"] = R.choice([0.0, 0.1, 0.01])
    if name == "warmup_stable_decay":
        kw["num_decay_steps"] = R.choice([0, 1, 5, 10, total // 2, total])
        if R.random() < 0.3:
            kw["num_stable_steps"] = R.choice([0, 5, 20])
        if R.random() < 0.4:
            kw["warmup_type"] = R.choice(["linear", "cosine", "1-sqrt"])
        if R.random() < 0.4:
            kw["decay_type"] = R.choice(["linear", "cosine", "1-sqrt"])
        if R.random() < 0.4:
            kw["min_lr_ratio"] = R.choice([0.0, 0.1, 0.01])
    return kw


HF_FUNCTIONS = {
    "linear": "get_linear_schedule_with_warmup",
    "cosine": "get_cosine_schedule_with_warmup",
    "cosine_with_restarts": "get_cosine_with_hard_restarts_schedule_with_warmup",
    "polynomial": "get_polynomial_decay_schedule_with_warmup",
    "constant": "get_constant_schedule",
    "constant_with_warmup": "get_constant_schedule_with_warmup",
    "inverse_sqrt": "get_inverse_sqrt_schedule",
    "cosine_with_min_lr": "get_cosine_with_min_lr_schedule_with_warmup",
    "cosine_warmup_with_min_lr": "get_cosine_with_min_lr_schedule_with_warmup_lr_rate",
    "warmup_stable_decay": "get_wsd_schedule",
}


def hf_expr() -> str:
    name = R.choice(HF_NAMES)
    total = steps(1)
    warmup = R.choice([0, 1, 5, total, total // 10, min(total, 3), total + 1, 0.1, 0.5])
    warmup = maybe_float(warmup, 0.1)
    specific = hf_specific(name, total, int(warmup))
    if R.random() < 0.55:
        args = [f"{fmt(name)}", OPT]
        if name != "constant" or R.random() < 0.3:
            if R.random() < 0.9:
                args.append(f"num_warmup_steps={fmt(warmup)}")
            if R.random() < 0.9:
                args.append(f"num_training_steps={fmt(total)}")
        if specific or R.random() < 0.1:
            args.append(f"scheduler_specific_kwargs={specific!r}")
        return f"get_scheduler({', '.join(args)})"
    function = HF_FUNCTIONS[name]
    args = [OPT]
    if name not in ("constant",):
        args.append(fmt(warmup) if R.random() < 0.5 else f"num_warmup_steps={fmt(warmup)}")
    if name not in ("constant", "constant_with_warmup", "inverse_sqrt"):
        if name == "warmup_stable_decay":
            specific.setdefault("num_training_steps", total)
        else:
            args.append(f"num_training_steps={fmt(total)}")
    args += [f"{k}={fmt(v)}" for k, v in specific.items()]
    return f"{function}({', '.join(args)})"


# --- timm ------------------------------------------------------------------------------------


def timm_common(prefix_default: bool) -> list[tuple]:
    return [
        ("warmup_t", maybe_float(R.choice([0, 0, 1, 2, 3, 5, 10, R.randint(0, 30)]), 0.15), True),
        ("warmup_lr_init", small_rate(), True),
        ("warmup_prefix", R.choice([True, False]), True),
        ("t_in_epochs", R.choice([True, False]), True),
    ]


def timm_expr() -> str:
    kind = R.choice(
        ["CosineLRScheduler", "PolyLRScheduler", "TanhLRScheduler", "StepLRScheduler", "MultiStepLRScheduler"]
    )
    o = "§" + OPT
    if kind in ("StepLRScheduler", "MultiStepLRScheduler"):
        if kind == "StepLRScheduler":
            decay: Any = maybe_float(steps(1))
        else:
            decay = [R.choice([0, 1, 2, 3, 5, 10, R.randint(1, 60)]) for _ in range(R.randint(0, 4))]
            if R.random() < 0.85:
                decay.sort()
        pairs = [("optimizer", o), ("decay_t", decay), ("decay_rate", factor(), True), *timm_common(True)]
        return call(kind, pairs, 3)
    pairs = [("optimizer", o), ("t_initial", maybe_float(steps(1), 0.1))]
    if kind == "PolyLRScheduler":
        pairs.append(("power", R.choice([0.5, 1.0, 2.0, 3]), True))
    if kind == "TanhLRScheduler":
        pairs += [("lb", R.choice([-7.0, -5.0, -1.0]), True), ("ub", R.choice([3.0, 5.0, 1.0]), True)]
    pairs += [
        ("lr_min", small_rate(), True),
        ("cycle_mul", R.choice([1.0, 1.0, 2.0, 3, 1.5, 0.5, 2]), True),
        ("cycle_decay", R.choice([1.0, 0.5, 0.1, 0.9]), True),
        ("cycle_limit", R.choice([1, 1, 2, 3, 5, 10, 0]), True),
        *timm_common(False),
    ]
    if kind != "TanhLRScheduler" and R.random() < 0.4:
        pairs.append(("k_decay", R.choice([1.0, 2.0, 0.5, 1.5])))
    return call(kind, pairs, 2)


# --- Keras ------------------------------------------------------------------------------------


def kfloat() -> float:
    return float(R.choice([0.1, 1.0, 0.01, 1e-3, 3e-4, 0.0, 10 ** R.uniform(-5, 0), R.uniform(0, 2)]))


def keras_expr() -> str:
    kind = R.choice(
        [
            "ExponentialDecay",
            "PiecewiseConstantDecay",
            "PolynomialDecay",
            "InverseTimeDecay",
            "CosineDecay",
            "CosineDecayRestarts",
        ]
    )
    lr0 = kfloat()
    d = maybe_float(steps(), 0.2)
    if kind in ("ExponentialDecay", "InverseTimeDecay"):
        pairs = [
            ("initial_learning_rate", lr0),
            ("decay_steps", d),
            ("decay_rate", factor()),
            ("staircase", R.choice([True, False]), True),
        ]
        return call(kind, pairs, 3)
    if kind == "PiecewiseConstantDecay":
        bounds = sorted(R.choice([0, 1, 2, 5, 10, R.randint(1, 100)]) for _ in range(R.randint(1, 4)))
        if R.random() < 0.2:
            bounds = [float(b) for b in bounds]
        values = [kfloat() for _ in range(len(bounds) + 1)]
        return call(kind, [("boundaries", bounds), ("values", values)], 2)
    if kind == "PolynomialDecay":
        pairs = [
            ("initial_learning_rate", lr0),
            ("decay_steps", d),
            ("end_learning_rate", R.choice([1e-4, 0.0, 1e-2]), True),
            ("power", R.choice([1.0, 2.0, 0.5, 3]), True),
            ("cycle", R.choice([True, False]), True),
        ]
        return call(kind, pairs, 2)
    if kind == "CosineDecay":
        pairs = [
            ("initial_learning_rate", lr0),
            ("decay_steps", d),
            ("alpha", R.choice([0.0, 0.1, 0.01, 1.0]), True),
        ]
        if R.random() < 0.6:
            pairs += [("warmup_target", kfloat()), ("warmup_steps", maybe_float(steps(), 0.2), True)]
        return call(kind, pairs, 2)
    pairs = [
        ("initial_learning_rate", lr0),
        ("first_decay_steps", d),
        ("t_mul", R.choice([2.0, 1.0, 1.5, 3.0, 2]), True),
        ("m_mul", R.choice([1.0, 0.5, 0.9]), True),
        ("alpha", R.choice([0.0, 0.1, 0.01]), True),
    ]
    return call(kind, pairs, 2)


# --- optax -----------------------------------------------------------------------------------


def ofloat() -> float:
    return R.choice([0.1, 1.0, 0.0, 1e-3, 3e-4, 10 ** R.uniform(-5, 0), 1, 0])


def optax_simple(depth: int = 0) -> str:
    kinds = [name for name in supported()["optax"] if name != "join_schedules"]
    if depth == 0:
        kinds.append("join_schedules")
    kind = R.choice(kinds)
    begin = ("transition_begin", R.choice([0, 1, 5, -3, 10]), True)
    if kind == "constant_schedule":
        return call(kind, [("value", ofloat())], 1)
    if kind == "linear_schedule":
        return call(
            kind, [("init_value", ofloat()), ("end_value", ofloat()), ("transition_steps", steps()), begin], 3
        )
    if kind == "polynomial_schedule":
        return call(
            kind,
            [
                ("init_value", ofloat()),
                ("end_value", ofloat()),
                ("power", R.choice([1, 2, 0.5, 1.0, 3.0, 2])),
                ("transition_steps", steps()),
                begin,
            ],
            4,
        )
    if kind == "exponential_decay":
        return call(
            kind,
            [
                ("init_value", ofloat()),
                ("transition_steps", steps()),
                ("decay_rate", factor()),
                begin,
                ("staircase", R.choice([True, False]), True),
                ("end_value", R.choice([None, 1e-4, 0.5, 0.0]), True),
            ],
            3,
        )
    if kind == "cosine_decay_schedule":
        return call(
            kind,
            [
                ("init_value", ofloat()),
                ("decay_steps", steps()),
                ("alpha", R.choice([0.0, 0.1, 1.0]), True),
                ("exponent", R.choice([1.0, 2.0, 0.5, 2]), True),
            ],
            2,
        )
    if kind in ("warmup_cosine_decay_schedule", "sgdr_schedule"):
        w = steps()
        d = R.choice([w, w + steps(1), w + 1, steps(), max(w - 1, 0)])
        pairs = [
            ("init_value", ofloat()),
            ("peak_value", ofloat()),
            ("warmup_steps", w),
            ("decay_steps", d),
            ("end_value", R.choice([0.0, 1e-5, 1e-3]), True),
            ("exponent", R.choice([1.0, 2.0]), True),
        ]
        if kind == "warmup_cosine_decay_schedule":
            return call(kind, pairs, 4)
        dicts = []
        for _ in range(R.randint(1, 3)):
            w = steps()
            dicts.append(
                {
                    "init_value": ofloat(),
                    "peak_value": ofloat(),
                    "warmup_steps": w,
                    "decay_steps": w + steps(1),
                }
            )
        return f"sgdr_schedule({dicts!r})"
    if kind == "warmup_exponential_decay_schedule":
        return call(
            kind,
            [
                ("init_value", ofloat()),
                ("peak_value", ofloat()),
                ("warmup_steps", steps()),
                ("transition_steps", steps()),
                ("decay_rate", factor()),
                begin,
                ("staircase", R.choice([True, False]), True),
                ("end_value", R.choice([None, 1e-4, 0.5]), True),
            ],
            5,
        )
    if kind == "warmup_constant_schedule":
        return call(kind, [("init_value", ofloat()), ("peak_value", ofloat()), ("warmup_steps", steps())], 3)
    if kind in ("piecewise_constant_schedule", "piecewise_interpolate_schedule"):
        scales = {
            R.choice([0, 1, 2, 5, 10, R.randint(1, 100)]): R.choice([0.1, 0.5, 2.0, 1.0, 0.0, 10.0])
            for _ in range(R.randint(0, 4))
        }
        pairs = [
            ("init_value", ofloat()),
            ("boundaries_and_scales", scales if scales or R.random() < 0.5 else None, True),
        ]
        if kind == "piecewise_interpolate_schedule":
            pairs.insert(0, ("interpolate_type", R.choice(["linear", "cosine"])))
        return call(kind, pairs, len(pairs))
    if kind == "linear_onecycle_schedule":
        return call(
            kind,
            [
                ("transition_steps", steps(1)),
                ("peak_value", ofloat()),
                ("pct_start", R.choice([0.3, 0.25, 0.5, 0.1]), True),
                ("pct_final", R.choice([0.85, 0.9, 0.6]), True),
                ("div_factor", R.choice([25.0, 10.0, 1.0]), True),
                ("final_div_factor", R.choice([1e4, 100.0]), True),
            ],
            2,
        )
    if kind == "cosine_onecycle_schedule":
        return call(
            kind,
            [
                ("transition_steps", steps(1)),
                ("peak_value", ofloat()),
                ("pct_start", R.choice([0.3, 0.25, 0.5, 0.1]), True),
                ("div_factor", R.choice([25.0, 10.0, 1.0]), True),
                ("final_div_factor", R.choice([1e4, 100.0]), True),
            ],
            2,
        )
    children = [optax_simple(depth + 1) for _ in range(R.randint(1, 3))]
    bounds = [R.choice([0, 1, 3, 5, 10, R.randint(1, 100)]) for _ in children[1:]]
    if R.random() < 0.85:
        bounds.sort()
    if R.random() < 0.08:
        bounds = bounds[1:] if R.random() < 0.5 else [*bounds, 7]
    return f"optax.join_schedules([{', '.join(children)}], {bounds})"


def optax_expr() -> str:
    return optax_simple()


GENERATORS: dict[str, Callable[[], str]] = {
    "torch": torch_expr,
    "hf": hf_expr,
    "timm": timm_expr,
    "keras": keras_expr,
    "optax": optax_expr,
}

# --- running the frameworks ---------------------------------------------------------------------


class FrameworkError(Exception):
    def __init__(self, step: int, error: BaseException) -> None:
        self.step = step
        self.error = error


def _stepped(
    first: Callable[[], Any], advance: Callable[[Any, int], None], read: Callable[[], float], rows: int
) -> list[float]:
    try:
        state = first()
        out = [read()]
    except Timeout:
        raise
    except Exception as exc:
        raise FrameworkError(0, exc) from None
    for t in range(1, rows):
        try:
            advance(state, t)
            out.append(read())
        except Timeout:
            raise
        except Exception as exc:
            raise FrameworkError(t, exc) from None
    return out


def run_torch(expr: str, lr: float, rows: int, hf: bool = False) -> list[float]:
    namespace = goldens.torch_namespace(lr)
    import math as _math

    namespace["math"] = _math
    if hf:
        import transformers
        from transformers import optimization

        namespace.update({n: getattr(optimization, n) for n in dir(optimization) if n.startswith("get_")})
        namespace["transformers"] = transformers
    optimizer = namespace["optimizer"]

    def advance(scheduler: Any, t: int) -> None:
        optimizer.step()
        scheduler.step()

    return _stepped(
        lambda: eval(expr, namespace), advance, lambda: float(optimizer.param_groups[0]["lr"]), rows
    )


def run_timm(expr: str, lr: float, rows: int) -> list[float]:
    module = goldens._load_timm()
    namespace = goldens.torch_namespace(lr)
    namespace.update({n: getattr(module, n) for n in dir(module) if n.endswith("Scheduler")})
    namespace["timm"] = sys.modules["timm"]
    optimizer = namespace["optimizer"]

    def advance(scheduler: Any, t: int) -> None:
        optimizer.step()
        if scheduler.t_in_epochs:
            scheduler.step(t)
        else:
            scheduler.step_update(t)

    return _stepped(
        lambda: eval(expr, namespace), advance, lambda: float(optimizer.param_groups[0]["lr"]), rows
    )


_KERAS: dict[str, Any] = {}


def run_keras(expr: str, lr: float | None, rows: int) -> list[float]:
    import keras
    from keras.optimizers import schedules

    names = {name: getattr(schedules, name) for name in dir(schedules) if not name.startswith("_")}
    box: dict[str, Any] = {}

    def first() -> Any:
        schedule = eval(expr, {**names, "keras": keras})
        box["opt"] = keras.optimizers.SGD(learning_rate=schedule)
        box["opt"].iterations.assign(0)
        return box["opt"]

    def advance(optimizer: Any, t: int) -> None:
        optimizer.iterations.assign(t)

    def read() -> float:
        return float(keras.ops.convert_to_numpy(box["opt"].learning_rate))

    return _stepped(first, advance, read, rows)


def run_optax(expr: str, lr: float | None, rows: int) -> list[float]:
    import jax.numpy as jnp
    import numpy as np
    import optax

    box: dict[str, Any] = {"t": 0}

    def first() -> Any:
        # Called as the optimizer calls it: one int32 step count at a time (a vector of counts
        # would not do: piecewise_interpolate_schedule sums over its argument).
        box["s"] = eval(expr, {**vars(optax), "optax": optax})
        return box["s"]

    def advance(schedule: Any, t: int) -> None:
        box["t"] = t

    def read() -> float:
        return float(np.asarray(box["s"](jnp.asarray(box["t"], dtype=jnp.int32)), dtype=np.float32))

    return _stepped(first, advance, read, rows)


RUNNERS: dict[str, Callable[[str, Any, int], list[float]]] = {
    "torch": run_torch,
    "hf": lambda e, lr, rows: run_torch(e, lr, rows, hf=True),
    "timm": run_timm,
    "keras": run_keras,
    "optax": run_optax,
}


# --- lrsched ---------------------------------------------------------------------------------


class LrschedError(Exception):
    def __init__(self, step: int, error: BaseException) -> None:
        self.step = step
        self.error = error


def run_lrsched(expr: str, lr: float | None, rows: int) -> list[float]:
    try:
        reproduction = reproduce(expr, lr=lr)
    except Timeout:
        raise
    except Exception as exc:
        raise LrschedError(0, exc) from None
    out: list[float] = []
    iterator = reproduction.rates(lr)
    while len(out) < rows:
        try:
            out.append(next(iterator))
        except StopIteration:
            break
        except Timeout:
            raise
        except Exception as exc:
            raise LrschedError(len(out), exc) from None
    list(islice(iterator, 0))
    reproduction.notes(rows)
    return out


# --- comparing -------------------------------------------------------------------------------


def same(framework: str, got: float, want: float, scale: float) -> bool:
    if math.isnan(got) or math.isnan(want):
        return math.isnan(got) and math.isnan(want)
    if math.isinf(got) or math.isinf(want):
        return got == want
    if framework in FLOAT32:
        return math.isclose(got, want, rel_tol=1e-6, abs_tol=scale * 2**-23)
    return math.isclose(got, want, rel_tol=1e-9, abs_tol=scale * 1e-15)


def compare(framework: str, expr: str, lr: float | None, rows: int) -> tuple[str, str]:
    """(verdict, detail): verdict is ok, refused-ok, mismatch, lrsched-refuses, lrsched-accepts,
    documented-refusal, early-refusal, lrsched-crash or timeout."""
    signal.setitimer(signal.ITIMER_REAL, 20)
    try:
        try:
            want: list[float] | None = RUNNERS[framework](expr, lr, rows)
            fail: FrameworkError | None = None
        except FrameworkError as exc:
            want, fail = None, exc
    except Timeout:
        return "framework-timeout", ""
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
    signal.setitimer(signal.ITIMER_REAL, 10)
    try:
        try:
            got: list[float] | None = run_lrsched(expr, lr, rows)
            mine: LrschedError | None = None
        except LrschedError as exc:
            got, mine = None, exc
    except Timeout:
        return "lrsched-timeout", "lrsched did not finish in 10 s"
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
    if mine is not None and not isinstance(mine.error, DialectError):
        tb = "".join(traceback.format_exception(mine.error)[-3:])
        return "lrsched-crash", f"step {mine.step}: {tb}"
    if fail is not None:
        ferr = f"{type(fail.error).__name__}: {str(fail.error)[:160]}"
        if mine is not None:
            if mine.step <= fail.step:
                return "refused-ok", ""
            return "mismatch", f"framework raises at step {fail.step} ({ferr}); lrsched only at {mine.step}"
        assert got is not None
        if len(got) == fail.step:
            return "refused-ok", ""
        return (
            "lrsched-accepts",
            f"framework raises at step {fail.step}: {ferr}; lrsched gives {len(got)} rows",
        )
    assert want is not None
    if mine is not None:
        message = str(mine.error)
        if any(marker in message for marker in DOCUMENTED_REFUSALS):
            return "documented-refusal", message[:200]
        if "expected True or False" in message or (
            STRICT.search(message) and any(repr(odd) in expr for odd in ODD_VALUES[6:])
        ):
            return "strict-type", message[:200]
        if mine.step == 0:  # refusing what the framework fails on a few steps later is fine
            try:
                RUNNERS[framework](expr, lr, 400)
            except FrameworkError as later:
                return "early-refusal", f"framework fails only at step {later.step}"
            except Timeout:
                pass
        if mine.step == 0:
            return (
                "lrsched-refuses",
                f"framework accepts ({len(want)} rows: {want[:3]}...); lrsched: {message[:300]}",
            )
        return (
            "lrsched-refuses",
            f"lrsched raises at step {mine.step}: {message[:300]}; framework {want[mine.step]!r}",
        )
    assert got is not None
    if len(got) != len(want):
        return "mismatch", f"lrsched ends after {len(got)} rows, framework gives {len(want)}"
    finite = [abs(w) for w in want if math.isfinite(w)]
    scale = max(finite, default=0.0)
    wrong = [
        (t, g, w) for t, (g, w) in enumerate(zip(got, want, strict=True)) if not same(framework, g, w, scale)
    ]
    if wrong:
        return "mismatch", f"{len(wrong)} of {rows} differ (t, lrsched, framework): {wrong[:4]}"
    return "ok", ""


def lr_for(framework: str) -> float | None:
    if framework in FLOAT32:
        return None
    return R.choice([0.1, 1.0, 3e-4, 0.01, 0.05, 10 ** R.uniform(-5, 0), 0.0])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=600, help="cases per framework")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--only", default=",".join(GENERATORS))
    parser.add_argument(
        "--show", type=int, default=3, help="examples shown per (framework, verdict, scheduler)"
    )
    parser.add_argument("--time-limit", type=float, default=600, help="seconds per framework")
    args = parser.parse_args()
    signal.signal(signal.SIGALRM, _alarm)
    R.seed(args.seed)
    totals: dict[str, Counter[str]] = defaultdict(Counter)
    shown: Counter[tuple[str, str, str]] = Counter()
    bad = 0
    for framework in args.only.split(","):
        started = time.monotonic()
        for _ in range(args.cases):
            if time.monotonic() - started > args.time_limit:
                break
            expr = GENERATORS[framework]()
            lr = lr_for(framework)
            rows = R.choice([1, 2, 5, 30, 100, 300, R.randint(1, 300)])
            verdict, detail = compare(framework, expr, lr, rows)
            totals[framework][verdict] += 1
            if verdict in (
                "ok",
                "refused-ok",
                "documented-refusal",
                "early-refusal",
                "strict-type",
                "framework-timeout",
            ):
                continue
            bad += 1
            head = expr.split("(")[0]
            key = (framework, verdict, head)
            shown[key] += 1
            if shown[key] <= args.show:
                print(f"[{framework}] {verdict}: {expr}  --lr {lr} rows={rows}\n    {detail}", flush=True)
        print(f"== {framework}: {dict(totals[framework])} in {time.monotonic() - started:.0f}s", flush=True)
    print("== total:", {f: sum(c.values()) for f, c in totals.items()}, "disagreements:", bad)


if __name__ == "__main__":
    main()
