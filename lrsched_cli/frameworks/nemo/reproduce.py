"""NeMo's schedulers (nemo/core/optim/lr_scheduler.py), each as a function with its signature.

Each is a PyTorch scheduler whose ``get_lr`` is a closed form in ``last_epoch``; NeMo steps it once
per optimizer update (``interval: step``), so row t is ``get_lr`` at ``last_epoch = t``, t = 0 what
the constructor sets. The arithmetic is NeMo's, operation by operation:

- a warmup while ``step <= warmup_steps`` is ``lr * (step + 1) / (warmup_steps + 1)``: it starts at
  ``lr / (warmup_steps + 1)``, not 0, and reaches ``lr`` at ``step = warmup_steps`` (unlike HF's);
  ``CosineAnnealing`` with ``constant_steps > 0`` warms up Megatron's way instead, ``lr * step /
  warmup_steps``, from 0;
- a ratio is ``int(ratio * max_steps)``, truncated;
- past ``max_steps`` the rate is ``min_lr``; ``NoamAnnealing`` has no end and reads ``step =
  max(1, last_epoch)``, so its first two rows are equal.

The policies every annealing wraps its decay in, and the argument readers, are in `policy`; the
schedulers that write their whole rate (``CosineAnnealing``, ``NoamAnnealing``,
``T5InverseSquareRootAnnealing``) in `standalone`; the decays, and the table, here.

The scheduler's parameter group option ``reset_lr`` (WarmupAnnealHoldPolicy) is not followed: it is
set by NeMo's own resuming code, not by a config.

Source read: NVIDIA/NeMo ``8cfedd72`` nemo/core/optim/lr_scheduler.py 39-757, 1043-1062.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import cast

from lrsched_cli.errors import DialectError
from lrsched_cli.frameworks.nemo import policy
from lrsched_cli.frameworks.nemo.policy import WarmupHoldPolicy, WarmupPolicy
from lrsched_cli.frameworks.nemo.standalone import (
    CosineAnnealing,
    NoamAnnealing,
    T5InverseSquareRootAnnealing,
)
from lrsched_cli.frameworks.reproduction import Reproduction


def SquareAnnealing(
    optimizer: object,
    *,
    max_steps: int,
    min_lr: float = 1e-5,
    last_epoch: int = -1,
    warmup_steps: float | None = None,
    warmup_ratio: float | None = None,
) -> Reproduction:
    warmup = policy.steps_of("warmup", warmup_steps, warmup_ratio, max_steps)
    total, floor = policy.number("max_steps", max_steps), policy.number("min_lr", min_lr)

    def decay(lr: float, step: int) -> float:
        mult = (((total - warmup) - (step - warmup)) / (total - warmup)) ** 2
        return max(lr * mult, floor)

    return policy.warmup_policy(
        "SquareAnnealing",
        decay,
        warmup_steps=warmup_steps,
        warmup_ratio=warmup_ratio,
        max_steps=max_steps,
        min_lr=min_lr,
        last_epoch=last_epoch,
    )


def SquareRootAnnealing(
    optimizer: object,
    *,
    max_steps: int,
    min_lr: float = 0,
    last_epoch: int = -1,
    warmup_steps: float | None = None,
    warmup_ratio: float | None = None,
) -> Reproduction:
    total, floor = policy.number("max_steps", max_steps), policy.number("min_lr", min_lr)

    def decay(lr: float, step: int) -> float:
        mult = ((total - step) / total) ** 0.5
        return cast(float, max(lr * mult, floor))

    return policy.warmup_policy(
        "SquareRootAnnealing",
        decay,
        warmup_steps=warmup_steps,
        warmup_ratio=warmup_ratio,
        max_steps=max_steps,
        min_lr=min_lr,
        last_epoch=last_epoch,
    )


def NoamHoldAnnealing(
    optimizer: object,
    *,
    max_steps: int,
    decay_rate: float = 0.5,
    min_lr: float = 0.0,
    last_epoch: int = -1,
    warmup_steps: float | None = None,
    warmup_ratio: float | None = None,
    hold_steps: float | None = None,
    hold_ratio: float | None = None,
) -> Reproduction:
    rate_of_decay, floor = policy.number("decay_rate", decay_rate), policy.number("min_lr", min_lr)

    def decay(lr: float, step: int, warmup: float, hold: float) -> float:
        if warmup is None or warmup == 0:
            raise DialectError("warmup_steps", "Noam scheduler cannot be used without warmup steps")
        held = hold - warmup if hold > 0 else 0
        warmup_decay = max(1, warmup**rate_of_decay)
        hold_decay = max(1, (step - held) ** rate_of_decay)
        return cast(float, max((lr * warmup_decay) / hold_decay, floor))

    return policy.hold_policy(
        "NoamHoldAnnealing",
        decay,
        warmup_steps=warmup_steps,
        warmup_ratio=warmup_ratio,
        hold_steps=hold_steps,
        hold_ratio=hold_ratio,
        max_steps=max_steps,
        min_lr=min_lr,
        last_epoch=last_epoch,
    )


def WarmupHoldAnnealOneMinusSquareRoot(
    optimizer: object,
    *,
    max_steps: int,
    last_epoch: int = -1,
    min_lr: float = 0.0,
    warmup_steps: float | None = None,
    warmup_ratio: float | None = None,
    hold_steps: float | None = None,
    hold_ratio: float | None = None,
) -> Reproduction:
    total, floor = policy.number("max_steps", max_steps), policy.number("min_lr", min_lr)

    def decay(lr: float, step: int, warmup: float, hold: float) -> float:
        mult = 1 - ((step - hold) / (total - hold)) ** 0.5
        return cast(float, max(floor, lr * mult))

    return policy.hold_policy(
        "WarmupHoldAnnealOneMinusSquareRoot",
        decay,
        warmup_steps=warmup_steps,
        warmup_ratio=warmup_ratio,
        hold_steps=hold_steps,
        hold_ratio=hold_ratio,
        max_steps=max_steps,
        min_lr=min_lr,
        last_epoch=last_epoch,
    )


def WarmupHoldAnnealLinear(
    optimizer: object,
    *,
    max_steps: int,
    last_epoch: int = -1,
    min_lr: float = 0.0,
    warmup_steps: float | None = None,
    warmup_ratio: float | None = None,
    hold_steps: float | None = None,
    hold_ratio: float | None = None,
) -> Reproduction:
    total, floor = policy.number("max_steps", max_steps), policy.number("min_lr", min_lr)

    def decay(lr: float, step: int, warmup: float, hold: float) -> float:
        ratio = (step - hold) / (total - hold)
        return lr - (lr - floor) * ratio

    return policy.hold_policy(
        "WarmupHoldAnnealLinear",
        decay,
        warmup_steps=warmup_steps,
        warmup_ratio=warmup_ratio,
        hold_steps=hold_steps,
        hold_ratio=hold_ratio,
        max_steps=max_steps,
        min_lr=min_lr,
        last_epoch=last_epoch,
    )


def WarmupAnnealing(
    optimizer: object,
    *,
    max_steps: int,
    last_epoch: int = -1,
    min_lr: float = 0.0,
    warmup_steps: float | None = None,
    warmup_ratio: float | None = None,
) -> Reproduction:
    warmup = policy.steps_of("warmup", warmup_steps, warmup_ratio, max_steps)
    total, floor = policy.number("max_steps", max_steps), policy.number("min_lr", min_lr)

    def decay(lr: float, step: int) -> float:
        mult = (step - warmup) / (total - warmup)
        return floor + (1 - mult) * (lr - floor)

    return policy.warmup_policy(
        "WarmupAnnealing",
        decay,
        warmup_steps=warmup_steps,
        warmup_ratio=warmup_ratio,
        max_steps=max_steps,
        min_lr=min_lr,
        last_epoch=last_epoch,
    )


def InverseSquareRootAnnealing(
    optimizer: object,
    *,
    max_steps: int,
    last_epoch: int = -1,
    min_lr: float = 0.0,
    warmup_steps: float | None = None,
    warmup_ratio: float | None = None,
) -> Reproduction:
    warmup = policy.steps_of("warmup", warmup_steps, warmup_ratio, max_steps)

    def decay(lr: float, step: int) -> float:
        return cast(float, lr / (((step + 1) / (warmup + 1)) ** 0.5))

    return policy.warmup_policy(
        "InverseSquareRootAnnealing",
        decay,
        warmup_steps=warmup_steps,
        warmup_ratio=warmup_ratio,
        max_steps=max_steps,
        min_lr=min_lr,
        last_epoch=last_epoch,
    )


def _poly_decay(lr: float, step: float, decay_steps: float, power: float, floor: float, cycle: bool) -> float:
    if cycle:
        multiplier = 1.0 if step == 0 else math.ceil(step / decay_steps)
        decay_steps *= multiplier
    else:
        step = min(step, decay_steps)
    p = step / decay_steps
    return (lr - floor) * math.pow(1.0 - p, power) + floor


def PolynomialDecayAnnealing(
    optimizer: object,
    *,
    max_steps: int,
    min_lr: float = 0.0,
    power: float = 1.0,
    cycle: bool = False,
    last_epoch: int = -1,
    warmup_steps: float | None = None,
    warmup_ratio: float | None = None,
) -> Reproduction:
    warmup = policy.steps_of("warmup", warmup_steps, warmup_ratio, max_steps)
    total, floor, exponent = (
        policy.number("max_steps", max_steps),
        policy.number("min_lr", min_lr),
        policy.number("power", power),
    )
    cycles = policy.cycle_of(cycle)

    def decay(lr: float, step: int) -> float:
        return _poly_decay(lr, step - warmup, total - warmup, exponent, floor, cycles)

    return policy.warmup_policy(
        "PolynomialDecayAnnealing",
        decay,
        warmup_steps=warmup_steps,
        warmup_ratio=warmup_ratio,
        max_steps=max_steps,
        min_lr=min_lr,
        last_epoch=last_epoch,
    )


def PolynomialHoldDecayAnnealing(
    optimizer: object,
    *,
    max_steps: int,
    min_lr: float = 0.0,
    power: float = 1.0,
    cycle: bool = False,
    last_epoch: int = -1,
    warmup_steps: float | None = None,
    warmup_ratio: float | None = None,
    hold_steps: float | None = None,
    hold_ratio: float | None = None,
) -> Reproduction:
    total, floor, exponent = (
        policy.number("max_steps", max_steps),
        policy.number("min_lr", min_lr),
        policy.number("power", power),
    )
    cycles = policy.cycle_of(cycle)

    def decay(lr: float, step: int, warmup: float, hold: float) -> float:
        return _poly_decay(lr, step - hold, total - max(warmup, hold), exponent, floor, cycles)

    return policy.hold_policy(
        "PolynomialHoldDecayAnnealing",
        decay,
        warmup_steps=warmup_steps,
        warmup_ratio=warmup_ratio,
        hold_steps=hold_steps,
        hold_ratio=hold_ratio,
        max_steps=max_steps,
        min_lr=min_lr,
        last_epoch=last_epoch,
    )


SCHEDULERS: dict[str, Callable[..., Reproduction]] = {
    function.__name__: function
    for function in (
        WarmupPolicy,
        WarmupHoldPolicy,
        SquareAnnealing,
        CosineAnnealing,
        NoamAnnealing,
        NoamHoldAnnealing,
        WarmupHoldAnnealOneMinusSquareRoot,
        WarmupHoldAnnealLinear,
        WarmupAnnealing,
        InverseSquareRootAnnealing,
        T5InverseSquareRootAnnealing,
        SquareRootAnnealing,
        PolynomialDecayAnnealing,
        PolynomialHoldDecayAnnealing,
    )
}
"""NeMo's own entries of ``AVAILABLE_SCHEDULERS`` (its StepLR, ExponentialLR and CyclicLR are
PyTorch's, which ``lrsched from`` reads as PyTorch's)."""

STEP_COUNTS = frozenset({"max_steps", "warmup_steps", "hold_steps", "constant_steps"})
"""The arguments that count steps: a float below 1 gets a note."""
