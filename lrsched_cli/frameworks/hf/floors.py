"""Hugging Face transformers (5.x): the schedules with a floor, ``min_lr`` (or ``min_lr_rate``)
for the two cosines and ``min_lr_ratio`` for WSD; each factor with its fused twin, as
`schedules` says.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from itertools import count, repeat

from lrsched_cli.errors import DialectError
from lrsched_cli.frameworks.hf.schedules import PERIODIC, schedule, warming, warmup_factor
from lrsched_cli.frameworks.reproduction import Reproduction, describe, number


def _min_lr_rate(min_lr: object, min_lr_rate: object) -> Callable[[float], float]:
    """``min_lr_rate``, or ``min_lr / optimizer.defaults['lr']``, as a function of that rate."""
    if min_lr is not None and min_lr_rate is not None:
        raise DialectError("min_lr", "Only one of min_lr or min_lr_rate should be set")
    if min_lr is not None:
        floor = number("min_lr", min_lr)

        def rate(lr: float) -> float:
            if lr == 0:
                raise DialectError("min_lr", "min_lr is divided by the optimizer's rate: --lr cannot be 0")
            return floor / lr

        return rate
    if min_lr_rate is None:
        raise DialectError(
            "min_lr_rate", "One of min_lr or min_lr_rate should be set through the `lr_scheduler_kwargs`"
        )
    fixed = number("min_lr_rate", min_lr_rate)
    return lambda lr: fixed


def get_cosine_with_min_lr_schedule_with_warmup(
    optimizer: object,
    num_warmup_steps: int,
    num_training_steps: int,
    num_cycles: float = 0.5,
    last_epoch: int = -1,
    min_lr: float | None = None,
    min_lr_rate: float | None = None,
) -> Reproduction:
    warmup = number("num_warmup_steps", num_warmup_steps)
    total = number("num_training_steps", num_training_steps)
    cycles = number("num_cycles", num_cycles)
    floor_rate = _min_lr_rate(min_lr, min_lr_rate)

    def factor(step: int, lr: float) -> float:
        if step < warmup:
            return warmup_factor(step, warmup)
        progress = float(step - warmup) / float(max(1, total - warmup))
        value = 0.5 * (1.0 + math.cos(math.pi * float(cycles) * 2.0 * progress))
        rate = floor_rate(lr)
        return max(0, value * (1 - rate) + rate)

    def fused(base: float, lr: float) -> Iterator[float]:
        begin = yield from warming(base, warmup, float(max(1, warmup)))
        span, turn, cos = float(max(1, total - warmup)), math.pi * float(cycles) * 2.0, math.cos
        rate = floor_rate(lr)
        keep = 1 - rate
        for step in count(begin):
            value = 0.5 * (1.0 + cos(turn * (float(step - warmup) / span))) * keep + rate
            yield base * (value if value > 0 else 0)  # max(0, value), without the call

    return schedule(
        "get_cosine_with_min_lr_schedule_with_warmup",
        optimizer,
        last_epoch,
        factor,
        fused,
        warmup=warmup,
        total=total,
        end=f"num_training_steps={describe(num_training_steps)}",
        past_end=PERIODIC,
        check=floor_rate,
    )


def get_cosine_with_min_lr_schedule_with_warmup_lr_rate(
    optimizer: object,
    num_warmup_steps: int,
    num_training_steps: int,
    num_cycles: float = 0.5,
    last_epoch: int = -1,
    min_lr: float | None = None,
    min_lr_rate: float | None = None,
    warmup_lr_rate: float | None = None,
) -> Reproduction:
    warmup = float(number("num_warmup_steps", num_warmup_steps))
    total = float(number("num_training_steps", num_training_steps))
    cycles = number("num_cycles", num_cycles)
    floor_rate = _min_lr_rate(min_lr, min_lr_rate)
    start = None if warmup_lr_rate is None else float(number("warmup_lr_rate", warmup_lr_rate))

    def factor(step: int, lr: float) -> float:
        current = float(step)
        if current < warmup:
            if start is None:
                return (current + 1.0) / max(1.0, warmup)  # counts from 1: no zero first row
            return start + (1.0 - start) * current / max(1, warmup - 1)
        progress = (current - warmup + 1.0) / max(1.0, total - warmup)
        value = 0.5 * (1.0 + math.cos(math.pi * cycles * 2.0 * progress))
        rate = floor_rate(lr)
        return max(0, value * (1 - rate) + rate)

    def fused(base: float, lr: float) -> Iterator[float]:
        step = 1
        if start is None:
            ramp = max(1.0, warmup)
            while (current := float(step)) < warmup:
                yield base * ((current + 1.0) / ramp)
                step += 1
        else:
            gap, slope = 1.0 - start, max(1, warmup - 1)
            while (current := float(step)) < warmup:
                yield base * (start + gap * current / slope)
                step += 1
        span, turn, cos = max(1.0, total - warmup), math.pi * cycles * 2.0, math.cos
        rate = floor_rate(lr)
        keep = 1 - rate
        for later in count(step):
            value = 0.5 * (1.0 + cos(turn * ((float(later) - warmup + 1.0) / span))) * keep + rate
            yield base * (value if value > 0 else 0)

    return schedule(
        "get_cosine_with_min_lr_schedule_with_warmup_lr_rate",
        optimizer,
        last_epoch,
        factor,
        fused,
        warmup=warmup,
        total=total,
        end=f"num_training_steps={describe(num_training_steps)}",
        past_end=PERIODIC,
        check=floor_rate,
    )


_WSD_SHAPES = ("linear", "cosine", "1-sqrt")


def get_wsd_schedule(
    optimizer: object,
    num_warmup_steps: int,
    num_decay_steps: int,
    num_training_steps: int | None = None,
    num_stable_steps: int | None = None,
    warmup_type: str = "linear",
    decay_type: str = "cosine",
    min_lr_ratio: float = 0,
    num_cycles: float = 0.5,
    last_epoch: int = -1,
) -> Reproduction:
    if num_training_steps is None and num_stable_steps is None:
        raise DialectError(
            "num_training_steps", "Either num_training_steps or num_stable_steps must be specified."
        )
    if warmup_type not in _WSD_SHAPES:
        raise DialectError(
            "warmup_type",
            f"Unknown warmup type: {describe(warmup_type)}, expected 'linear', 'cosine' or '1-sqrt'",
        )
    if decay_type not in _WSD_SHAPES:
        raise DialectError(
            "decay_type",
            f"Unknown decay type: {describe(decay_type)}, expected 'linear', 'cosine' or '1-sqrt'",
        )
    warmup = number("num_warmup_steps", num_warmup_steps)
    decay = number("num_decay_steps", num_decay_steps)
    if num_stable_steps is None:
        stable = number("num_training_steps", num_training_steps) - warmup - decay
    else:
        stable = number("num_stable_steps", num_stable_steps)
    floor = number("min_lr_ratio", min_lr_ratio)
    cycles = number("num_cycles", num_cycles)

    def factor(step: int, lr: float) -> float:
        if step < warmup:
            progress = float(step) / float(max(1, warmup))
            if warmup_type == "linear":
                value = progress
            elif warmup_type == "cosine":
                value = 0.5 * (1.0 - math.cos(math.pi * progress))
            else:
                value = 1.0 - math.sqrt(1.0 - progress)
            return max(0.0, value * (1.0 - floor) + floor)
        if step < warmup + stable:
            return 1.0
        if step < warmup + stable + decay:
            progress = float(step - warmup - stable) / float(max(1, decay))
            if decay_type == "linear":
                value = 1.0 - progress
            elif decay_type == "cosine":
                value = 0.5 * (1.0 + math.cos(math.pi * float(cycles) * 2.0 * progress))
            else:
                value = 1.0 - math.sqrt(progress)
            return max(0.0, value * (1.0 - floor) + floor)
        return floor

    def fused(base: float, lr: float) -> Iterator[float]:
        step, ramp, rest, cos, sqrt = 1, float(max(1, warmup)), 1.0 - floor, math.cos, math.sqrt
        while step < warmup:
            progress = float(step) / ramp
            if warmup_type == "linear":
                value = progress
            elif warmup_type == "cosine":
                value = 0.5 * (1.0 - cos(math.pi * progress))
            else:
                value = 1.0 - sqrt(1.0 - progress)
            value = value * rest + floor
            yield base * (value if value > 0.0 else 0.0)
            step += 1
        decaying, ended = warmup + stable, warmup + stable + decay
        while step < decaying:
            yield base * 1.0
            step += 1
        span, turn = float(max(1, decay)), math.pi * float(cycles) * 2.0
        while step < ended:
            progress = float(step - warmup - stable) / span
            if decay_type == "linear":
                value = 1.0 - progress
            elif decay_type == "cosine":
                value = 0.5 * (1.0 + cos(turn * progress))
            else:
                value = 1.0 - sqrt(progress)
            value = value * rest + floor
            yield base * (value if value > 0.0 else 0.0)
            step += 1
        yield from repeat(base * floor)

    return schedule(
        "get_wsd_schedule",
        optimizer,
        last_epoch,
        factor,
        fused,
        warmup=warmup,
        total=warmup + stable + decay,
        end=(
            f"num_training_steps={describe(num_training_steps)}"
            if num_stable_steps is None
            else f"num_warmup_steps={describe(num_warmup_steps)} + num_stable_steps="
            f"{describe(num_stable_steps)} + num_decay_steps={describe(num_decay_steps)}"
        ),
        past_end="the rate stays at min_lr_ratio",
    )
