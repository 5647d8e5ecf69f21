"""NeMo's schedulers that write their whole ``get_lr`` rather than a decay under a policy:
``CosineAnnealing`` (Megatron's warmup and tail when ``constant_steps > 0``), ``NoamAnnealing`` (no
end, ``step = max(1, last_epoch)``) and ``T5InverseSquareRootAnnealing`` (a rate of its own, not
scaling the optimizer's lr).

Source read: NVIDIA/NeMo ``8cfedd72`` nemo/core/optim/lr_scheduler.py 39-757.
"""

from __future__ import annotations

import math
from typing import cast

from lrsched_cli.errors import DialectError
from lrsched_cli.frameworks.nemo import policy
from lrsched_cli.frameworks.nemo.policy import FRAMEWORK
from lrsched_cli.frameworks.reproduction import Reproduction, describe


def CosineAnnealing(
    optimizer: object,
    *,
    max_steps: int,
    min_lr: float = 0,
    last_epoch: int = -1,
    warmup_steps: float | None = None,
    warmup_ratio: float | None = None,
    constant_steps: float | None = None,
    constant_ratio: float | None = None,
) -> Reproduction:
    policy.from_start(last_epoch)
    total, floor = policy.number("max_steps", max_steps), policy.number("min_lr", min_lr)
    warmup = policy.steps_of("warmup", warmup_steps, warmup_ratio, max_steps)
    if constant_steps is not None and constant_ratio is not None:
        raise DialectError("constant_steps", "Either use constant_steps or constant_ratio")
    constant = policy.steps_of("constant", constant_steps, constant_ratio, max_steps)
    decay_steps = total - (constant + warmup)

    def megatron(lr: float, step: int) -> float:  # _linear_warmup_with_cosine_annealing
        if not lr > floor:
            raise AssertionError("max_lr > min_lr")
        if warmup > 0 and step <= warmup:
            return lr * float(step) / float(warmup)
        if step > warmup + decay_steps:
            return floor
        decay_ratio = float(step - warmup) / float(decay_steps)
        if not 0.0 <= decay_ratio <= 1.0:
            raise AssertionError(f"decay_ratio {decay_ratio} is outside [0, 1]")
        coeff = 0.5 * (math.cos(math.pi * decay_ratio) + 1.0)
        return floor + coeff * (lr - floor)

    def rate(lr: float, step: int) -> float:
        if warmup > 0 and step <= warmup:
            return lr * ((step + 1) / (warmup + 1)) if constant == 0 else megatron(lr, step)
        if constant > 0 and (warmup + decay_steps) < step <= total:
            return megatron(lr, step)
        if step > total:
            return floor
        if lr < floor:
            raise DialectError(
                "min_lr", "received an initial learning rate that was lower than the minimum learning rate"
            )
        if constant == 0:
            mult = 0.5 * (1 + math.cos(math.pi * (step - warmup) / (total - warmup)))
            return (lr - floor) * mult + floor
        return megatron(lr, step)

    start = ""
    if constant > 0 and warmup > 0:
        start = (
            f"CosineAnnealing with constant_steps > 0 warms up Megatron's way, lr * step / "
            f"{describe(warmup)}, from 0 (without constant steps NeMo's warmup starts at lr / "
            f"{describe(warmup + 1)}); it holds min_lr for the last {describe(constant)} steps"
        )
    return policy.reproduction("CosineAnnealing", rate, max_steps, warmup, start=start)


def NoamAnnealing(
    optimizer: object,
    *,
    d_model: float,
    warmup_steps: float | None = None,
    warmup_ratio: float | None = None,
    max_steps: int | None = None,
    min_lr: float = 0.0,
    last_epoch: int = -1,
) -> Reproduction:
    policy.from_start(last_epoch)
    normalize = policy.number("d_model", d_model) ** (-0.5)
    warmup = policy.steps_of("warmup", warmup_steps, warmup_ratio, max_steps)
    floor = policy.number("min_lr", min_lr)

    def rate(lr: float, t: int) -> float:
        step = max(1, t)
        if lr < floor:
            raise DialectError(
                "min_lr", "received an initial learning rate that was lower than the minimum learning rate"
            )
        if warmup > 0:
            mult = normalize * min(step ** (-0.5), step * (warmup ** (-1.5)))
        else:
            mult = normalize * step ** (-0.5)
        out = lr * mult
        if step > warmup:
            out = max(out, floor)
        return cast(float, out)

    start = (
        f"NoamAnnealing scales lr by d_model ** -0.5 = {normalize!r} and reads step = max(1, t): rows 1 "
        "and 2 are equal; it has no end (max_steps is not used)"
    )
    return policy.reproduction("NoamAnnealing", rate, None, warmup, start=start)


def T5InverseSquareRootAnnealing(
    optimizer: object,
    *,
    max_steps: int,
    last_epoch: int = -1,
    min_lr: float = 0.0,
    constant_steps: float | None = None,
    constant_ratio: float | None = None,
) -> Reproduction:
    policy.from_start(last_epoch)
    total, floor = policy.number("max_steps", max_steps), policy.number("min_lr", min_lr)
    constant = policy.steps_of("constant", constant_steps, constant_ratio, max_steps)
    if constant_steps is None:
        raise DialectError(
            "constant_steps",
            "NeMo computes 1 / constant_steps ** 0.5 from the argument itself: give constant_steps",
        )
    constant_lr = 1 / (policy.number("constant_steps", constant_steps) ** 0.5)

    def rate(lr: float, step: int) -> float:
        if step <= constant:
            return cast(float, constant_lr)
        if step > total:
            return floor
        return cast(float, 1 / (step**0.5))

    reproduction = policy.reproduction("T5InverseSquareRootAnnealing", rate, max_steps, start="")
    return Reproduction(
        FRAMEWORK,
        "T5InverseSquareRootAnnealing",
        {},
        lambda lr: reproduction.rates(1.0),
        needs_lr=False,
        length=reproduction.length,
        notes=reproduction.notes,
    )
