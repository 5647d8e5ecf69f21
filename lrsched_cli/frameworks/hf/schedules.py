"""Hugging Face transformers (5.x): the ``get_*_schedule*`` functions (`reproduce` adds
``get_scheduler``, its name dispatch, and lists them all; `floors` has those with a floor).

Every one is a PyTorch ``LambdaLR``: the optimizer's rate times ``factor(t)``, so they are
built on the torch emulation (and may sit inside a torch SequentialLR, as in real code). The
factors below copy ``transformers/optimization.py`` operation for operation, traps included:
``cosine`` and ``cosine_with_min_lr`` are periodic past ``num_training_steps``,
``cosine_warmup_with_min_lr`` counts warmup from 1, ``polynomial`` and ``min_lr`` read
``optimizer.defaults['lr']`` (``--lr``). Metric-driven names (``reduce_lr_on_plateau``,
``greedy``) have no closed form: they point to ``lrsched plateau``.

Each factor has a fused twin, its rows: ``base_lr * factor(t)`` for t = 1, 2, ... in one loop,
the factor's operations in the same order (what does not change with t computed once), a phase
at a time (each branch's condition ``t < edge`` holds up to an edge, then never again), so that
a schedule stepped alone costs one loop iteration a row instead of the LambdaLR's three calls;
every rate is the same float (tests/frameworks/test_hf_fused.py).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Generator, Iterator
from itertools import count, repeat

from lrsched_cli.errors import DialectError
from lrsched_cli.frameworks.reproduction import Reproduction, describe, number
from lrsched_cli.frameworks.torch.emulation import Group, LambdaScheduler, Scheduler, reproduction

Factor = Callable[[int, float], float]
"""``lr_lambda(t)`` given also ``optimizer.defaults['lr']``, which some schedules read."""

Fused = Callable[[float, float], Iterator[float]]
"""A factor's rows: given ``base_lr`` and ``optimizer.defaults['lr']``, ``base_lr * factor(t, lr)``
for t = 1, 2, ..., failing at the step where the factor fails."""

WASTED_FIRST_STEP = (
    "the first row's rate is 0: warmup starts from 0, so the first update is wasted (transformers#34754)"
)


class _FusedLambdaLR(LambdaScheduler):
    """A LambdaLR whose lambda has a fused twin: stepped alone, its rows come from that."""

    def __init__(
        self, group: Group, lr_lambda: Callable[[int], float], rows: Callable[[float], Iterator[float]]
    ) -> None:
        self.rows = rows
        super().__init__(group, lr_lambda)

    def fused(self) -> Iterator[float]:
        return self.rows(self.base_lr)


def schedule(
    name: str,
    optimizer: object,
    last_epoch: object,
    factor: Factor,
    fused: Fused,
    *,
    warmup: float = 0,
    total: float | None = None,
    end: str = "",
    past_end: str | None = None,
    check: Callable[[float], object] = lambda lr: None,
) -> Reproduction:
    """A LambdaLR with ``factor`` (rows ``fused``); ``check`` validates ``optimizer.defaults['lr']``
    when known."""

    def build(group: Group) -> Scheduler:
        check(group.defaults_lr)
        lr = group.defaults_lr
        return _FusedLambdaLR(group, lambda step: factor(step, lr), lambda base: fused(base, lr))

    def notes(rows: int) -> list[str]:
        found = [WASTED_FIRST_STEP] if warmup > 0 and rows > 0 and factor(0, 1.0) == 0 else []
        if past_end and total is not None and rows > total + 1:
            found.append(f"rows past the end of training ({end}): {past_end}")
        return found

    length = int(total) if total is not None and total == int(total) and total > 0 else None
    # transformers' Trainer steps the scheduler after every optimizer update
    return reproduction(name, optimizer, last_epoch, build, length=length, notes=notes)


def warmup_factor(step: int, num_warmup_steps: float) -> float:
    return float(step) / float(max(1, num_warmup_steps))


def warming(base: float, warmup: float, ramp: float) -> Generator[float, None, int]:
    """The fused warmup phase, ``base * (float(t) / ramp)`` while ``t < warmup`` (`warmup_factor`'s
    ``ramp`` is ``float(max(1, warmup))``); returns the first step past it."""
    step = 1
    while step < warmup:
        yield base * (float(step) / ramp)
        step += 1
    return step


# --- the schedules ---------------------------------------------------------------------------


def get_constant_schedule(optimizer: object, last_epoch: int = -1) -> Reproduction:
    return schedule(
        "get_constant_schedule", optimizer, last_epoch, lambda step, lr: 1, lambda base, lr: repeat(base * 1)
    )


def get_constant_schedule_with_warmup(
    optimizer: object, num_warmup_steps: int, last_epoch: int = -1
) -> Reproduction:
    warmup = number("num_warmup_steps", num_warmup_steps)

    def factor(step: int, lr: float) -> float:
        if step < warmup:
            return float(step) / float(max(1.0, warmup))
        return 1.0

    def fused(base: float, lr: float) -> Iterator[float]:
        yield from warming(base, warmup, float(max(1.0, warmup)))
        yield from repeat(base * 1.0)

    return schedule("get_constant_schedule_with_warmup", optimizer, last_epoch, factor, fused, warmup=warmup)


def get_linear_schedule_with_warmup(
    optimizer: object, num_warmup_steps: int, num_training_steps: int, last_epoch: int = -1
) -> Reproduction:
    warmup = number("num_warmup_steps", num_warmup_steps)
    total = number("num_training_steps", num_training_steps)

    def factor(step: int, lr: float) -> float:
        if step < warmup:
            return warmup_factor(step, warmup)
        return max(0.0, float(total - step) / float(max(1, total - warmup)))

    def fused(base: float, lr: float) -> Iterator[float]:
        start = yield from warming(base, warmup, float(max(1, warmup)))
        span = float(max(1, total - warmup))
        for step in count(start):
            value = float(total - step) / span
            yield base * (value if value > 0.0 else 0.0)  # max(0.0, value), without the call

    return schedule(
        "get_linear_schedule_with_warmup",
        optimizer,
        last_epoch,
        factor,
        fused,
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
            return warmup_factor(step, warmup)
        progress = float(step - warmup) / float(max(1, total - warmup))
        return max(0.0, 0.5 * (1.0 + math.cos(math.pi * float(cycles) * 2.0 * progress)))

    def fused(base: float, lr: float) -> Iterator[float]:
        start = yield from warming(base, warmup, float(max(1, warmup)))
        span, turn, cos = float(max(1, total - warmup)), math.pi * float(cycles) * 2.0, math.cos
        for step in count(start):
            value = 0.5 * (1.0 + cos(turn * (float(step - warmup) / span)))
            yield base * (value if value > 0.0 else 0.0)

    return schedule(
        "get_cosine_schedule_with_warmup",
        optimizer,
        last_epoch,
        factor,
        fused,
        warmup=warmup,
        total=total,
        end=f"num_training_steps={describe(num_training_steps)}",
        past_end=PERIODIC,
    )


PERIODIC = "the cosine is periodic, so the rate climbs back instead of staying at its floor"


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
            return warmup_factor(step, warmup)
        progress = float(step - warmup) / float(max(1, total - warmup))
        if progress >= 1.0:
            return 0.0
        return max(0.0, 0.5 * (1.0 + math.cos(math.pi * ((float(cycles) * progress) % 1.0))))

    def fused(base: float, lr: float) -> Iterator[float]:
        start = yield from warming(base, warmup, float(max(1, warmup)))
        span, many, cos = float(max(1, total - warmup)), float(cycles), math.cos
        for step in count(start):
            progress = float(step - warmup) / span
            if progress >= 1.0:
                break
            value = 0.5 * (1.0 + cos(math.pi * ((many * progress) % 1.0)))
            yield base * (value if value > 0.0 else 0.0)
        yield from repeat(base * 0.0)  # progress only grows

    return schedule(
        "get_cosine_with_hard_restarts_schedule_with_warmup",
        optimizer,
        last_epoch,
        factor,
        fused,
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
            return warmup_factor(step, warmup)
        if step > total:
            return end / lr_init
        lr_range = lr_init - end
        decay_steps = total - warmup
        pct_remaining = 1 - (step - warmup) / decay_steps
        decay: float = lr_range * pct_remaining**exponent + end
        return decay / lr_init

    def fused(base: float, lr_init: float) -> Iterator[float]:
        start = yield from warming(base, warmup, float(max(1, warmup)))
        lr_range, decay_steps = lr_init - end, total - warmup
        for step in count(start):
            if step > total:
                break
            decay: float = lr_range * (1 - (step - warmup) / decay_steps) ** exponent + end
            yield base * (decay / lr_init)
        yield from repeat(base * (end / lr_init))

    return schedule(
        "get_polynomial_decay_schedule_with_warmup",
        optimizer,
        last_epoch,
        factor,
        fused,
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
            return warmup_factor(step, warmup)
        shift = scale - warmup
        return 1.0 / math.sqrt((step + shift) / scale)

    def fused(base: float, lr: float) -> Iterator[float]:
        start = yield from warming(base, warmup, float(max(1, warmup)))
        shift, sqrt = scale - warmup, math.sqrt
        for step in count(start):
            yield base * (1.0 / sqrt((step + shift) / scale))

    return schedule("get_inverse_sqrt_schedule", optimizer, last_epoch, factor, fused, warmup=warmup)
