"""Write the golden vectors `tests/parity/<framework>.json` by running the real frameworks.

    ../shared/refenv.sh /work/refenv        # once: torch, keras, optax, transformers, timm
    /work/refenv/bin/python scripts/gen_dialect_goldens.py [framework ...]

Each case is a constructor call exactly as a user would paste it into `lrsched from`. Here, and
only here, it is evaluated by Python in the real framework, attached to a real optimizer named
``optimizer`` / ``opt`` whose learning rate is the case's ``lr``, and stepped the way the
framework steps it:

- torch, transformers: read ``param_groups[0]["lr"]``, then ``optimizer.step()``, ``scheduler.step()``;
- timm: the rate set by the constructor, then ``scheduler.step(t)`` (``step_update(t)`` when
  ``t_in_epochs=False``), as timm's train.py does after each epoch (update);
- keras (torch backend): ``optimizer.learning_rate``, then ``apply_gradients``;
- optax: ``-updates`` of ``optax.sgd(schedule).update`` on a gradient of 1.0, op by op (not
  jitted: under ``jax.jit`` XLA fuses ``a * b + c`` and divides by constants through their
  reciprocal, moving results by an ulp; each case records that difference as ``jit_max_abs_diff``).

A case records ``rows`` (t = 0 .. rows-1) or chosen ``steps`` for long schedules, the rates at
those steps, and ``end``: the first t the framework refused to step to (OneCycleLR), else null.
`tests/test_dialect_parity.py` compares `lrsched_cli.dialects.reproduce` against these files.
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
import json
import os
import sys
import types
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

os.environ.setdefault("KERAS_BACKEND", "torch")
warnings.filterwarnings("ignore")

OUT = Path(__file__).resolve().parent.parent / "tests" / "parity"

Case = dict[str, Any]


def case(
    id: str, expression: str, lr: float | None = None, rows: int | None = None, steps: list[int] | None = None
) -> Case:
    assert (rows is None) != (steps is None), id
    assert rows is None or rows <= 300, id
    return {"id": id, "expression": expression, "lr": lr, "rows": rows, "steps": steps}


def sample(*ranges: range | list[int]) -> list[int]:
    """Chosen steps of a long schedule: the union of ``ranges``, sorted."""
    return sorted({t for r in ranges for t in r})


ISSUE_LONG = sample(range(0, 1200, 10), range(95, 106), range(995, 1006), [1100, 1199])

CASES: dict[str, list[Case]] = {
    "torch": [
        case("issue-cosine", "CosineAnnealingLR(optimizer, T_max=100, eta_min=1e-5)", 0.1, rows=250),
        case(
            "issue-onecycle",
            "torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=0.1, epochs=10, steps_per_epoch=100)",
            steps=sample(range(0, 1000, 7), range(290, 302), range(990, 1002)),
        ),
        case(
            "issue-sequential",
            "SequentialLR(optimizer, schedulers=[LinearLR(optimizer, start_factor=0.01, "
            "total_iters=5), CosineAnnealingLR(optimizer, T_max=95)], milestones=[5])",
            0.1,
            rows=120,
        ),
        case("step-default-gamma", "StepLR(optimizer, step_size=10)", 0.1, rows=35),
        case("step-positional", "StepLR(optimizer, 3, gamma=0.5)", 1.0, rows=20),
        case(
            "multistep-duplicates",
            "MultiStepLR(optimizer, milestones=[5, 10, 10, 20], gamma=0.5)",
            0.1,
            rows=30,
        ),
        case("multistep-default", "MultiStepLR(optimizer, [3, 6])", 0.1, rows=10),
        case("constant-defaults", "ConstantLR(optimizer)", 0.1, rows=10),
        case("constant-half", "ConstantLR(optimizer, factor=0.5, total_iters=3)", 0.05, rows=8),
        case("linear-defaults", "LinearLR(optimizer)", 0.1, rows=10),
        case(
            "linear-down",
            "LinearLR(optimizer, start_factor=0.1, end_factor=0.5, total_iters=10)",
            0.3,
            rows=15,
        ),
        case("exponential", "ExponentialLR(optimizer, gamma=0.9)", 0.1, rows=50),
        case(
            "exponential-positional", "torch.optim.lr_scheduler.ExponentialLR(optimizer, 0.5)", 1.0, rows=12
        ),
        case("polynomial-defaults", "PolynomialLR(optimizer)", 0.1, rows=10),
        case("polynomial-square", "PolynomialLR(optimizer, total_iters=20, power=2.0)", 0.1, rows=30),
        case("cosine-periodic", "CosineAnnealingLR(optimizer, T_max=10)", 0.1, rows=45),
        case("warm-restarts", "CosineAnnealingWarmRestarts(optimizer, T_0=10)", 0.1, rows=40),
        case(
            "warm-restarts-mult",
            "CosineAnnealingWarmRestarts(optimizer, T_0=5, T_mult=2, eta_min=0.001)",
            0.1,
            rows=80,
        ),
        case("warm-restarts-mult3", "CosineAnnealingWarmRestarts(optimizer, 1, 3)", 1.0, rows=130),
        case(
            "cyclic-triangular",
            "CyclicLR(optimizer, base_lr=0.001, max_lr=0.1, step_size_up=5)",
            0.1,
            rows=30,
        ),
        case(
            "cyclic-triangular2",
            "CyclicLR(optimizer, 0.001, 0.1, step_size_up=4, step_size_down=6, mode='triangular2')",
            0.1,
            rows=60,
        ),
        case(
            "cyclic-exp-range",
            "CyclicLR(optimizer, base_lr=0.01, max_lr=0.1, step_size_up=3, mode='exp_range', gamma=0.99)",
            0.1,
            rows=40,
        ),
        case("onecycle-total", "OneCycleLR(optimizer, max_lr=0.1, total_steps=100)", 0.1, rows=105),
        case(
            "onecycle-three-phase-linear",
            "OneCycleLR(optimizer, max_lr=1.0, total_steps=50, pct_start=0.25, "
            "anneal_strategy='linear', three_phase=True, div_factor=10.0, final_div_factor=100.0)",
            None,
            rows=52,
        ),
        case(
            "sequential-constant-exponential",
            "SequentialLR(optimizer, [ConstantLR(optimizer, factor=0.5, "
            "total_iters=2), ExponentialLR(optimizer, gamma=0.9)], milestones=[3])",
            0.1,
            rows=20,
        ),
        case(
            "sequential-three",
            "SequentialLR(optimizer, schedulers=[ConstantLR(optimizer, factor=0.1, "
            "total_iters=10), ConstantLR(optimizer, factor=1.0, total_iters=10), ConstantLR(optimizer, "
            "factor=0.5, total_iters=10)], milestones=[10, 20])",
            0.001,
            rows=35,
        ),
        case(
            "chained-docs",
            "ChainedScheduler([ConstantLR(optimizer, factor=0.1, total_iters=20), "
            "ExponentialLR(optimizer, gamma=0.9)])",
            0.05,
            rows=30,
        ),
        case(
            "chained-optimizer",
            "ChainedScheduler([StepLR(optimizer, 5, 0.5), LinearLR(optimizer, "
            "start_factor=0.5, total_iters=4)], optimizer=optimizer)",
            0.1,
            rows=20,
        ),
        case("lambda", "LambdaLR(optimizer, lr_lambda=lambda epoch: 0.95 ** epoch)", 0.1, rows=20),
        case("multiplicative", "MultiplicativeLR(optimizer, lambda epoch: 0.9)", 0.1, rows=20),
        # Found by scripts/fuzz_dialects.py: total_iters=0 never divides, torch holds the rate.
        case("polynomial-zero-iters", "PolynomialLR(optimizer, total_iters=0)", 0.1, rows=5),
        case(
            "chained-polynomial-zero-iters",
            "ChainedScheduler([PolynomialLR(optimizer, 0, 1.0), ExponentialLR(optimizer, gamma=0.9)])",
            0.1,
            rows=8,
        ),
    ],
    "hf": [
        case(
            "issue-get-scheduler-cosine",
            "get_scheduler('cosine', optimizer, num_warmup_steps=100, num_training_steps=1000)",
            3e-4,
            steps=ISSUE_LONG,
        ),
        case(
            "issue-cosine-with-warmup",
            "get_cosine_schedule_with_warmup(optimizer, 100, 1000)",
            3e-4,
            steps=ISSUE_LONG,
        ),
        case(
            "linear",
            "get_scheduler('linear', optimizer, num_warmup_steps=5, num_training_steps=50)",
            0.1,
            rows=60,
        ),
        case(
            "linear-function",
            "transformers.get_linear_schedule_with_warmup(optimizer, 10, 100)",
            0.01,
            rows=110,
        ),
        case(
            "cosine-restarts",
            "get_scheduler('cosine_with_restarts', optimizer, num_warmup_steps=5, "
            "num_training_steps=65, scheduler_specific_kwargs={'num_cycles': 3})",
            0.1,
            rows=70,
        ),
        case(
            "cosine-hard-restarts-function",
            "get_cosine_with_hard_restarts_schedule_with_warmup(optimizer, 5, 50, num_cycles=2)",
            0.1,
            rows=55,
        ),
        case(
            "polynomial",
            "get_scheduler('polynomial', optimizer, num_warmup_steps=5, num_training_steps=50, "
            "scheduler_specific_kwargs={'lr_end': 1e-05, 'power': 2.0})",
            0.1,
            rows=55,
        ),
        case(
            "polynomial-function",
            "get_polynomial_decay_schedule_with_warmup(optimizer, 0, 30)",
            0.001,
            rows=35,
        ),
        case("constant", "get_scheduler('constant', optimizer)", 0.1, rows=5),
        case("constant-function", "get_constant_schedule(optimizer)", 0.1, rows=5),
        case(
            "constant-with-warmup",
            "get_scheduler('constant_with_warmup', optimizer, num_warmup_steps=4)",
            0.1,
            rows=8,
        ),
        case(
            "constant-with-warmup-function",
            "get_constant_schedule_with_warmup(optimizer, num_warmup_steps=3)",
            0.1,
            rows=6,
        ),
        case("inverse-sqrt", "get_scheduler('inverse_sqrt', optimizer, num_warmup_steps=10)", 0.1, rows=60),
        case(
            "inverse-sqrt-timescale",
            "get_inverse_sqrt_schedule(optimizer, num_warmup_steps=5, timescale=20)",
            0.1,
            rows=40,
        ),
        case(
            "cosine-min-lr",
            "get_scheduler('cosine_with_min_lr', optimizer, num_warmup_steps=5, "
            "num_training_steps=50, scheduler_specific_kwargs={'min_lr': 1e-05})",
            0.001,
            rows=70,
        ),
        case(
            "cosine-min-lr-rate",
            "get_cosine_with_min_lr_schedule_with_warmup(optimizer, 5, 50, min_lr_rate=0.1)",
            0.1,
            rows=55,
        ),
        case(
            "cosine-warmup-min-lr",
            "get_scheduler('cosine_warmup_with_min_lr', optimizer, num_warmup_steps=5, "
            "num_training_steps=50, scheduler_specific_kwargs={'min_lr_rate': 0.1})",
            0.1,
            rows=55,
        ),
        case(
            "cosine-warmup-min-lr-rate",
            "get_cosine_with_min_lr_schedule_with_warmup_lr_rate(optimizer, 4, 40, "
            "min_lr=0.001, warmup_lr_rate=0.1)",
            0.01,
            rows=45,
        ),
        case(
            "wsd",
            "get_scheduler('warmup_stable_decay', optimizer, num_warmup_steps=5, num_training_steps=50, "
            "scheduler_specific_kwargs={'num_decay_steps': 10})",
            0.1,
            rows=55,
        ),
        case(
            "wsd-function",
            "get_wsd_schedule(optimizer, num_warmup_steps=4, num_decay_steps=8, num_stable_steps=6, "
            "warmup_type='cosine', decay_type='1-sqrt', min_lr_ratio=0.1)",
            0.1,
            rows=22,
        ),
        case(
            "wsd-linear",
            "get_wsd_schedule(optimizer, 3, 9, num_training_steps=20, warmup_type='1-sqrt', "
            "decay_type='linear')",
            0.1,
            rows=22,
        ),
    ],
    "keras": [
        case(
            "issue-cosine-warmup",
            "keras.optimizers.schedules.CosineDecay(0.0, decay_steps=1000, "
            "warmup_target=0.1, warmup_steps=100)",
            steps=sample(ISSUE_LONG, range(1095, 1106)),
        ),
        case("exponential", "ExponentialDecay(0.1, decay_steps=10, decay_rate=0.9)", rows=50),
        case("exponential-staircase", "ExponentialDecay(0.1, 4, 0.5, staircase=True)", rows=20),
        case(
            "exponential-long",
            "ExponentialDecay(initial_learning_rate=0.01, decay_steps=100000, decay_rate=0.96)",
            steps=sample(range(0, 100001, 500), [99999]),
        ),
        case("piecewise", "PiecewiseConstantDecay([10, 20], [0.1, 0.05, 0.01])", rows=30),
        case(
            "piecewise-one", "PiecewiseConstantDecay(boundaries=[5], values=[1.0, 0.5], name='drop')", rows=10
        ),
        case("polynomial", "PolynomialDecay(0.1, 50)", rows=60),
        case("polynomial-square", "PolynomialDecay(0.1, 20, end_learning_rate=0.001, power=2.0)", rows=25),
        case(
            "polynomial-cycle",
            "PolynomialDecay(0.1, 20, end_learning_rate=0.01, power=0.5, cycle=True)",
            rows=70,
        ),
        case("inverse-time", "InverseTimeDecay(0.1, 1.0, 0.5)", rows=30),
        case(
            "inverse-time-staircase",
            "InverseTimeDecay(0.1, decay_steps=10, decay_rate=2.0, staircase=True)",
            rows=40,
        ),
        case("cosine", "CosineDecay(0.1, 100)", rows=120),
        case("cosine-alpha", "CosineDecay(0.1, 50, alpha=0.1)", rows=55),
        case(
            "cosine-warmup-alpha",
            "CosineDecay(0.001, 20, alpha=0.05, warmup_target=0.01, warmup_steps=10)",
            rows=40,
        ),
        case("restarts", "CosineDecayRestarts(0.1, 10)", rows=160),
        case("restarts-equal", "CosineDecayRestarts(0.1, 7, t_mul=1.0, m_mul=0.5, alpha=0.1)", rows=40),
        case("restarts-mul3", "CosineDecayRestarts(1.0, 2, t_mul=3.0)", rows=250),
    ],
    "optax": [
        case(
            "issue-warmup-cosine",
            "optax.warmup_cosine_decay_schedule(init_value=0.0, peak_value=0.1, "
            "warmup_steps=100, decay_steps=1000)",
            steps=ISSUE_LONG,
        ),
        case("constant", "constant_schedule(0.1)", rows=5),
        case("linear", "linear_schedule(0.0, 0.1, 10)", rows=15),
        case(
            "linear-begin",
            "linear_schedule(init_value=0.1, end_value=0.001, transition_steps=20, transition_begin=5)",
            rows=30,
        ),
        case("linear-zero-steps", "linear_schedule(0.1, 0.0, 0)", rows=5),
        case("linear-negative-begin", "linear_schedule(0.1, 0.0, 10, transition_begin=-3)", rows=12),
        case(
            "polynomial-int-power",
            "polynomial_schedule(init_value=0.1, end_value=0.0, power=2, transition_steps=30)",
            rows=35,
        ),
        case("polynomial-float-power", "polynomial_schedule(0.1, 0.001, 0.5, 25)", rows=30),
        case("polynomial-cube", "polynomial_schedule(1.0, 0.0, 3, 20, 2)", rows=25),
        case("exponential", "exponential_decay(0.1, transition_steps=10, decay_rate=0.5)", rows=40),
        case(
            "exponential-staircase-end",
            "exponential_decay(0.1, 10, 0.5, transition_begin=5, staircase=True, end_value=0.01)",
            rows=60,
        ),
        case("exponential-growth", "exponential_decay(0.01, 5, 1.5, end_value=0.1)", rows=40),
        case("exponential-zero-steps", "exponential_decay(0.1, 0, 0.5)", rows=4),
        case("exponential-zero-rate", "exponential_decay(0.1, 10, 0.0)", rows=4),
        case("cosine", "cosine_decay_schedule(0.1, 50)", rows=60),
        case(
            "cosine-alpha-exponent",
            "cosine_decay_schedule(0.1, decay_steps=40, alpha=0.1, exponent=2.0)",
            rows=45,
        ),
        case("warmup-cosine-end", "warmup_cosine_decay_schedule(0.0, 1.0, 10, 60, end_value=0.01)", rows=70),
        case(
            "warmup-cosine-exponent", "warmup_cosine_decay_schedule(1e-4, 0.01, 5, 40, exponent=1.5)", rows=45
        ),
        case(
            "warmup-exponential",
            "warmup_exponential_decay_schedule(init_value=0.0, peak_value=0.1, "
            "warmup_steps=5, transition_steps=10, decay_rate=0.5, end_value=0.001)",
            rows=80,
        ),
        case(
            "warmup-exponential-staircase",
            "warmup_exponential_decay_schedule(0.01, 0.1, 3, 4, 0.8, transition_begin=2, staircase=True)",
            rows=30,
        ),
        case("warmup-constant", "warmup_constant_schedule(0.0, 0.1, 10)", rows=15),
        case("piecewise-constant", "piecewise_constant_schedule(0.1, {10: 0.5, 20: 0.1})", rows=30),
        case("piecewise-constant-unsorted", "piecewise_constant_schedule(1.0, {20: 0.1, 5: 2.0})", rows=25),
        case("piecewise-constant-none", "piecewise_constant_schedule(0.1)", rows=3),
        case(
            "piecewise-linear", "piecewise_interpolate_schedule('linear', 0.1, {10: 0.5, 20: 0.0})", rows=25
        ),
        case(
            "piecewise-cosine", "piecewise_interpolate_schedule('cosine', 0.01, {5: 10.0, 30: 0.01})", rows=35
        ),
        case("piecewise-cosine-empty", "piecewise_interpolate_schedule('cosine', 0.01)", rows=3),
        case("linear-onecycle", "linear_onecycle_schedule(100, 0.1)", rows=110),
        case("cosine-onecycle", "cosine_onecycle_schedule(100, 0.1)", rows=110),
        case(
            "cosine-onecycle-args",
            "cosine_onecycle_schedule(transition_steps=50, peak_value=1.0, pct_start=0.25, "
            "div_factor=10.0, final_div_factor=100.0)",
            rows=55,
        ),
        case(
            "join",
            "join_schedules([optax.constant_schedule(0.1), optax.linear_schedule(0.1, 0.0, 10)], [5])",
            rows=20,
        ),
        case(
            "join-three",
            "join_schedules(schedules=[linear_schedule(0.0, 0.1, 5), constant_schedule(0.1), "
            "cosine_decay_schedule(0.1, 20)], boundaries=[5, 10])",
            rows=35,
        ),
        case(
            "sgdr",
            "sgdr_schedule([{'init_value': 0.0, 'peak_value': 0.1, 'warmup_steps': 5, 'decay_steps': 20}, "
            "{'init_value': 0.0, 'peak_value': 0.05, 'warmup_steps': 5, 'decay_steps': 30, "
            "'end_value': 0.001}])",
            rows=60,
        ),
        # Found by scripts/fuzz_dialects.py: a fractional warmup makes the join's second part
        # count in float32 from the boundary (t - 0.5), not in whole steps.
        case(
            "warmup-cosine-fractional-warmup",
            "warmup_cosine_decay_schedule(0.0003, peak_value=0.1, warmup_steps=0.5, decay_steps=16)",
            rows=20,
        ),
        case(
            "warmup-exponential-fractional-warmup",
            "warmup_exponential_decay_schedule(0.0, 0.1, 2.5, 10, 0.5)",
            rows=40,
        ),
    ],
    "timm": [
        case(
            "issue-cosine-warmup",
            "CosineLRScheduler(optimizer, t_initial=300, lr_min=1e-5, warmup_t=5, warmup_lr_init=1e-6)",
            0.1,
            steps=sample(range(0, 310, 3), range(0, 8), range(295, 305)),
        ),
        case("cosine", "CosineLRScheduler(optimizer, t_initial=10)", 0.1, rows=15),
        case("cosine-cycles", "CosineLRScheduler(optimizer, 10, lr_min=0.001, cycle_limit=3)", 0.1, rows=35),
        case(
            "cosine-mul-decay",
            "CosineLRScheduler(optimizer, t_initial=5, lr_min=0.001, cycle_mul=2.0, "
            "cycle_decay=0.5, cycle_limit=4)",
            0.1,
            rows=80,
        ),
        case(
            "cosine-log-boundary",
            "timm.scheduler.CosineLRScheduler(optimizer, t_initial=2, cycle_mul=3, cycle_limit=10)",
            1.0,
            rows=250,
        ),
        case(
            "cosine-warmup-prefix",
            "CosineLRScheduler(optimizer, t_initial=10, warmup_t=3, warmup_lr_init=0.001, "
            "warmup_prefix=True)",
            0.1,
            rows=16,
        ),
        case(
            "cosine-k-decay",
            "CosineLRScheduler(optimizer, t_initial=20, k_decay=2.0, lr_min=1e-4)",
            0.1,
            rows=25,
        ),
        case(
            "cosine-updates",
            "CosineLRScheduler(optimizer, t_initial=50, warmup_t=10, warmup_lr_init=1e-5, t_in_epochs=False)",
            0.01,
            rows=60,
        ),
        case("step", "StepLRScheduler(optimizer, decay_t=10, decay_rate=0.5)", 0.1, rows=35),
        case(
            "step-warmup",
            "StepLRScheduler(optimizer, 5, 0.1, warmup_t=3, warmup_lr_init=0.001)",
            0.1,
            rows=20,
        ),
        case(
            "step-warmup-overlap",
            "StepLRScheduler(optimizer, 5, 0.1, warmup_t=3, warmup_lr_init=0.001, warmup_prefix=False)",
            0.1,
            rows=20,
        ),
        case("step-default-rate", "StepLRScheduler(optimizer, 2)", 0.1, rows=6),
        case("multistep", "MultiStepLRScheduler(optimizer, decay_t=[5, 10], decay_rate=0.1)", 0.1, rows=15),
        case(
            "multistep-warmup",
            "MultiStepLRScheduler(optimizer, [3, 6, 9], 0.5, warmup_t=2, warmup_lr_init=0.01)",
            0.1,
            rows=15,
        ),
        case("multistep-first-milestone-one", "MultiStepLRScheduler(optimizer, [1, 4], 0.1)", 1.0, rows=6),
        case("poly", "PolyLRScheduler(optimizer, t_initial=20)", 0.1, rows=25),
        case(
            "poly-cycles",
            "PolyLRScheduler(optimizer, 10, power=2.0, lr_min=1e-4, cycle_mul=2.0, cycle_decay=0.8, "
            "cycle_limit=3)",
            0.1,
            rows=80,
        ),
        case(
            "poly-k-decay-warmup",
            "PolyLRScheduler(optimizer, 30, k_decay=0.5, warmup_t=5, warmup_lr_init=1e-4)",
            0.1,
            rows=35,
        ),
        case("tanh", "TanhLRScheduler(optimizer, t_initial=20)", 0.1, rows=25),
        case(
            "tanh-warmup",
            "TanhLRScheduler(optimizer, 20, warmup_t=5, warmup_lr_init=1e-4, lr_min=1e-5)",
            0.1,
            rows=30,
        ),
        case(
            "tanh-prefix-cycles",
            "TanhLRScheduler(optimizer, 10, lb=-5.0, ub=5.0, cycle_limit=2, warmup_t=2, "
            "warmup_prefix=True, cycle_decay=0.5)",
            0.1,
            rows=30,
        ),
        case("tanh-mul", "TanhLRScheduler(optimizer, 4, cycle_mul=1.5, cycle_limit=5)", 0.1, rows=60),
        # Found by scripts/fuzz_dialects.py: where a shrinking cycle (cycle_mul < 1) makes timm's
        # log fail, counted after the warmup; and a cycle length too large for a float.
        case(
            "cosine-shrinking-after-warmup",
            "CosineLRScheduler(optimizer, 2, cycle_mul=0.5, cycle_limit=1, warmup_t=10, "
            "t_in_epochs=False, k_decay=1.5)",
            0.0003,
            rows=15,
        ),
        case(
            "poly-shrinking-prefix",
            "PolyLRScheduler(optimizer, t_initial=1, power=2.0, cycle_mul=0.5, warmup_t=10, "
            "warmup_prefix=True)",
            0.005,
            rows=20,
        ),
        case(
            "tanh-shrinking-fractional-prefix",
            "TanhLRScheduler(optimizer, t_initial=1, lb=-1.0, ub=3.0, lr_min=1e-7, cycle_mul=0.5, "
            "cycle_decay=0.9, cycle_limit=10, warmup_t=2.25, warmup_lr_init=0.001, warmup_prefix=True)",
            1.0,
            rows=30,
        ),
        case(  # timm computes cycle_decay ** i before checking cycle_limit: it overflows at t=35
            "cosine-huge-cycle-decay",
            "CosineLRScheduler(optimizer, t_initial=1, cycle_decay=1000000000.0, cycle_limit=2, "
            "t_in_epochs=False)",
            0.1,
            rows=60,
        ),
        case(
            "tanh-huge-cycle-limit",
            "TanhLRScheduler(optimizer, 4, ub=1.0, lr_min=0.0001, cycle_mul=2, cycle_limit=1000000000.0, "
            "warmup_t=5, warmup_lr_init=0.001, warmup_prefix=True)",
            0.05,
            rows=60,
        ),
    ],
}


def _steps(c: Case) -> list[int]:
    return list(range(c["rows"])) if c["rows"] is not None else list(c["steps"])


def _record(c: Case, run: Callable[[], Iterator[float]]) -> Case:
    """Run the framework's rate iterator up to the last wanted step; keep the wanted ones."""
    wanted = _steps(c)
    last = wanted[-1]
    rates: dict[int, float] = {}
    end = None
    iterator = run()
    for t in range(last + 1):
        try:
            rate = next(iterator)
        except (ValueError, ArithmeticError, StopIteration):  # timm overflows (cycle_decay ** i)
            end = t
            break
        if t in wanted:
            rates[t] = float(rate)
    out = dict(c)
    out["rates"] = [rates[t] for t in wanted if t in rates]
    out["end"] = end
    return out


def torch_namespace(lr: float | None) -> dict[str, Any]:
    import torch
    from torch.optim import lr_scheduler

    param = torch.nn.Parameter(torch.zeros(1))
    optimizer = torch.optim.SGD([param], lr=1.0 if lr is None else lr, momentum=0.9)
    names = {name: getattr(lr_scheduler, name) for name in dir(lr_scheduler) if not name.startswith("_")}
    return {**names, "torch": torch, "optimizer": optimizer, "opt": optimizer}


def _torch_stepping(namespace: dict[str, Any], scheduler: Any) -> Iterator[float]:
    optimizer = namespace["optimizer"]
    while True:
        yield optimizer.param_groups[0]["lr"]
        optimizer.step()
        scheduler.step()


def run_torch(c: Case) -> Case:
    namespace = torch_namespace(c["lr"])
    scheduler = eval(c["expression"], namespace)
    return _record(c, lambda: _torch_stepping(namespace, scheduler))


def run_hf(c: Case) -> Case:
    import transformers
    from transformers import optimization

    namespace = torch_namespace(c["lr"])
    namespace.update({n: getattr(optimization, n) for n in dir(optimization) if n.startswith("get_")})
    namespace["transformers"] = transformers
    scheduler = eval(c["expression"], namespace)
    return _record(c, lambda: _torch_stepping(namespace, scheduler))


def run_keras(c: Case) -> Case:
    import keras
    import numpy as np
    from keras.optimizers import schedules

    names = {name: getattr(schedules, name) for name in dir(schedules) if not name.startswith("_")}
    schedule = eval(c["expression"], {**names, "keras": keras})
    optimizer = keras.optimizers.SGD(learning_rate=schedule)
    variable = keras.Variable(np.zeros(()), dtype="float32")
    gradient = keras.ops.ones(())

    def stepping() -> Iterator[float]:
        while True:
            yield float(keras.ops.convert_to_numpy(optimizer.learning_rate))
            optimizer.apply_gradients([(gradient, variable)])

    wanted = _steps(c)
    if wanted[-1] >= 2000:  # a long sample: jump the optimizer's counter instead of stepping

        def jumping() -> Iterator[float]:
            for t in range(wanted[-1] + 1):
                if t in wanted:
                    optimizer.iterations.assign(t)
                    yield float(keras.ops.convert_to_numpy(optimizer.learning_rate))
                else:
                    yield 0.0

        return _record(c, jumping)
    return _record(c, stepping)


def run_optax(c: Case) -> Case:
    import jax
    import jax.numpy as jnp
    import optax

    schedule = eval(c["expression"], {**vars(optax), "optax": optax})
    optimizer = optax.sgd(learning_rate=schedule)
    params = jnp.zeros((), jnp.float32)
    gradient = jnp.ones((), jnp.float32)

    def stepping(update: Callable[..., Any]) -> Iterator[float]:
        state = optimizer.init(params)
        while True:
            updates, state = update(gradient, state)
            yield -float(updates)

    eager = _record(c, lambda: stepping(optimizer.update))
    jitted = _record(c, lambda: stepping(jax.jit(optimizer.update)))
    eager["jit_max_abs_diff"] = max(abs(a - b) for a, b in zip(eager["rates"], jitted["rates"], strict=True))
    return eager


def _load_timm() -> Any:
    """timm's scheduler package without timm/__init__.py (which needs torchvision)."""
    if "timm" in sys.modules:
        return sys.modules["timm.scheduler"]
    spec = importlib.util.find_spec("timm")
    assert spec is not None and spec.origin is not None
    package = types.ModuleType("timm")
    package.__path__ = [os.path.dirname(spec.origin)]
    sys.modules["timm"] = package
    import timm.scheduler

    package.scheduler = timm.scheduler  # type: ignore[attr-defined]
    return timm.scheduler


def run_timm(c: Case) -> Case:
    scheduler_module = _load_timm()
    namespace = torch_namespace(c["lr"])
    namespace.update(
        {n: getattr(scheduler_module, n) for n in dir(scheduler_module) if n.endswith("Scheduler")}
    )
    namespace["timm"] = sys.modules["timm"]
    scheduler = eval(c["expression"], namespace)
    optimizer = namespace["optimizer"]

    def stepping() -> Iterator[float]:
        yield optimizer.param_groups[0]["lr"]
        t = 1
        while True:
            optimizer.step()
            if scheduler.t_in_epochs:
                scheduler.step(t)
            else:
                scheduler.step_update(t)
            yield optimizer.param_groups[0]["lr"]
            t += 1

    return _record(c, stepping)


RUNNERS: dict[str, tuple[Callable[[Case], Case], tuple[str, ...]]] = {
    "torch": (run_torch, ("torch",)),
    "hf": (run_hf, ("transformers", "torch")),
    "keras": (run_keras, ("keras", "torch")),
    "optax": (run_optax, ("optax", "jax", "jaxlib")),
    "timm": (run_timm, ("timm", "torch")),
}


def main(frameworks: list[str]) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for framework in frameworks or list(CASES):
        run, packages = RUNNERS[framework]
        versions = {p: importlib.metadata.version(p) for p in packages}
        if framework == "keras":
            versions["keras_backend"] = os.environ["KERAS_BACKEND"]
        ids = [c["id"] for c in CASES[framework]]
        assert len(ids) == len(set(ids)), framework
        cases = [run(c) for c in CASES[framework]]
        document = {
            "framework": framework,
            "versions": versions,
            "generator": "scripts/gen_dialect_goldens.py",
            "cases": cases,
        }
        path = OUT / f"{framework}.json"
        path.write_text(json.dumps(document, indent=1) + "\n")
        print(f"{path}: {len(cases)} cases, {path.stat().st_size // 1024} KiB")


if __name__ == "__main__":
    main(sys.argv[1:])
