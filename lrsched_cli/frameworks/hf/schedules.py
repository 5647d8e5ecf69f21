"""Hugging Face transformers (5.x): the ``get_*_schedule*`` functions (`reproduce` adds
``get_scheduler``, its name dispatch, and lists them all).

Every one is a PyTorch ``LambdaLR``: the optimizer's rate times ``factor(t)``, so they are
built on the torch emulation (and may sit inside a torch SequentialLR, as in real code). The
factors below copy ``transformers/optimization.py`` operation for operation, traps included:
``cosine`` and ``cosine_with_min_lr`` are periodic past ``num_training_steps``,
``cosine_warmup_with_min_lr`` counts warmup from 1, ``polynomial`` and ``min_lr`` read
``optimizer.defaults['lr']`` (``--lr``). Metric-driven names (``reduce_lr_on_plateau``,
``greedy``) have no closed form: they point to ``lrsched plateau``.
"""

from __future__ import annotations

import math
from collections.abc import Callable

from lrsched_cli.errors import DialectError
from lrsched_cli.frameworks.reproduction import Reproduction, describe, number
from lrsched_cli.frameworks.torch.emulation import Group, LambdaScheduler, Scheduler, reproduction

Factor = Callable[[int, float], float]
"""``lr_lambda(t)`` given also ``optimizer.defaults['lr']``, which two schedules read."""

WASTED_FIRST_STEP = (
    "the first row's rate is 0: warmup starts from 0, so the first update is wasted (transformers#34754)"
)


def _schedule(
    name: str,
    optimizer: object,
    last_epoch: object,
    factor: Factor,
    *,
    warmup: float = 0,
    total: float | None = None,
    end: str = "",
    past_end: str | None = None,
    check: Callable[[float], object] = lambda lr: None,
) -> Reproduction:
    """A LambdaLR with ``factor``; ``check`` validates ``optimizer.defaults['lr']`` when known."""

    def build(group: Group) -> Scheduler:
        check(group.defaults_lr)
        lr = group.defaults_lr
        return LambdaScheduler(group, lambda step: factor(step, lr))

    def notes(rows: int) -> list[str]:
        found = [WASTED_FIRST_STEP] if warmup > 0 and rows > 0 and factor(0, 1.0) == 0 else []
        if past_end and total is not None and rows > total + 1:
            found.append(f"rows past the end of training ({end}): {past_end}")
        return found

    length = int(total) if total is not None and total == int(total) and total > 0 else None
    # transformers' Trainer steps the scheduler after every optimizer update
    return reproduction(name, optimizer, last_epoch, build, length=length, notes=notes)


def _warmup(step: int, num_warmup_steps: float) -> float:
    return float(step) / float(max(1, num_warmup_steps))


# --- the schedules ---------------------------------------------------------------------------


def get_constant_schedule(optimizer: object, last_epoch: int = -1) -> Reproduction:
    return _schedule("get_constant_schedule", optimizer, last_epoch, lambda step, lr: 1)


def get_constant_schedule_with_warmup(
    optimizer: object, num_warmup_steps: int, last_epoch: int = -1
) -> Reproduction:
    warmup = number("num_warmup_steps", num_warmup_steps)

    def factor(step: int, lr: float) -> float:
        if step < warmup:
            return float(step) / float(max(1.0, warmup))
        return 1.0

    return _schedule("get_constant_schedule_with_warmup", optimizer, last_epoch, factor, warmup=warmup)


def get_linear_schedule_with_warmup(
    optimizer: object, num_warmup_steps: int, num_training_steps: int, last_epoch: int = -1
) -> Reproduction:
    warmup = number("num_warmup_steps", num_warmup_steps)
    total = number("num_training_steps", num_training_steps)

    def factor(step: int, lr: float) -> float:
        if step < warmup:
            return _warmup(step, warmup)
        return max(0.0, float(total - step) / float(max(1, total - warmup)))

    return _schedule(
        "get_linear_schedule_with_warmup",
        optimizer,
        last_epoch,
        factor,
        warmup=warmup,
        total=total,
        end=f"num_training_steps={describe(num_training_steps)}",
        past_end="the rate stays 0",
    )


def get_cosine_schedule_with_warmup(
    optimizer: object,
    num_warmup_steps: int,
    num_training_steps: int,
    num_cycles: float = 0.5,
    last_epoch: int = -1,
) -> Reproduction:
    warmup = number("num_warmup_steps", num_warmup_steps)
    total = number("num_training_steps", num_training_steps)
    cycles = number("num_cycles", num_cycles)

    def factor(step: int, lr: float) -> float:
        if step < warmup:
            return _warmup(step, warmup)
        progress = float(step - warmup) / float(max(1, total - warmup))
        return max(0.0, 0.5 * (1.0 + math.cos(math.pi * float(cycles) * 2.0 * progress)))

    return _schedule(
        "get_cosine_schedule_with_warmup",
        optimizer,
        last_epoch,
        factor,
        warmup=warmup,
        total=total,
        end=f"num_training_steps={describe(num_training_steps)}",
        past_end=_PERIODIC,
    )


_PERIODIC = "the cosine is periodic, so the rate climbs back instead of staying at its floor"


def get_cosine_with_hard_restarts_schedule_with_warmup(
    optimizer: object,
    num_warmup_steps: int,
    num_training_steps: int,
    num_cycles: int = 1,
    last_epoch: int = -1,
) -> Reproduction:
    warmup = number("num_warmup_steps", num_warmup_steps)
    total = number("num_training_steps", num_training_steps)
    cycles = number("num_cycles", num_cycles)

    def factor(step: int, lr: float) -> float:
        if step < warmup:
            return _warmup(step, warmup)
        progress = float(step - warmup) / float(max(1, total - warmup))
        if progress >= 1.0:
            return 0.0
        return max(0.0, 0.5 * (1.0 + math.cos(math.pi * ((float(cycles) * progress) % 1.0))))

    return _schedule(
        "get_cosine_with_hard_restarts_schedule_with_warmup",
        optimizer,
        last_epoch,
        factor,
        warmup=warmup,
        total=total,
        end=f"num_training_steps={describe(num_training_steps)}",
        past_end="the rate stays 0",
    )


def get_polynomial_decay_schedule_with_warmup(
    optimizer: object,
    num_warmup_steps: int,
    num_training_steps: int,
    lr_end: float = 1e-7,
    power: float = 1.0,
    last_epoch: int = -1,
) -> Reproduction:
    warmup = number("num_warmup_steps", num_warmup_steps)
    total = number("num_training_steps", num_training_steps)
    end = number("lr_end", lr_end)
    exponent = number("power", power)

    def check(lr_init: float) -> None:
        if not lr_init > end:
            raise DialectError(
                "lr_end", f"lr_end ({describe(lr_end)}) must be smaller than initial lr ({lr_init!r})"
            )

    def factor(step: int, lr_init: float) -> float:
        if step < warmup:
            return _warmup(step, warmup)
        if step > total:
            return end / lr_init
        lr_range = lr_init - end
        decay_steps = total - warmup
        pct_remaining = 1 - (step - warmup) / decay_steps
        decay: float = lr_range * pct_remaining**exponent + end
        return decay / lr_init

    return _schedule(
        "get_polynomial_decay_schedule_with_warmup",
        optimizer,
        last_epoch,
        factor,
        warmup=warmup,
        total=total,
        end=f"num_training_steps={describe(num_training_steps)}",
        past_end="the rate stays at lr_end",
        check=check,
    )


def get_inverse_sqrt_schedule(
    optimizer: object, num_warmup_steps: int, timescale: int | None = None, last_epoch: int = -1
) -> Reproduction:
    warmup = number("num_warmup_steps", num_warmup_steps)
    scale = (warmup or 10_000) if timescale is None else number("timescale", timescale)

    def factor(step: int, lr: float) -> float:
        if step < warmup:
            return _warmup(step, warmup)
        shift = scale - warmup
        return 1.0 / math.sqrt((step + shift) / scale)

    return _schedule("get_inverse_sqrt_schedule", optimizer, last_epoch, factor, warmup=warmup)


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
            return _warmup(step, warmup)
        progress = float(step - warmup) / float(max(1, total - warmup))
        value = 0.5 * (1.0 + math.cos(math.pi * float(cycles) * 2.0 * progress))
        rate = floor_rate(lr)
        return max(0, value * (1 - rate) + rate)

    return _schedule(
        "get_cosine_with_min_lr_schedule_with_warmup",
        optimizer,
        last_epoch,
        factor,
        warmup=warmup,
        total=total,
        end=f"num_training_steps={describe(num_training_steps)}",
        past_end=_PERIODIC,
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

    return _schedule(
        "get_cosine_with_min_lr_schedule_with_warmup_lr_rate",
        optimizer,
        last_epoch,
        factor,
        warmup=warmup,
        total=total,
        end=f"num_training_steps={describe(num_training_steps)}",
        past_end=_PERIODIC,
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

    return _schedule(
        "get_wsd_schedule",
        optimizer,
        last_epoch,
        factor,
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
