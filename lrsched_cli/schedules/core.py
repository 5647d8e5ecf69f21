"""What a schedule is, the one error the math raises, and how schedules compose.

A schedule is a pure function ``lr(t)`` of ``t = 0, 1, 2, ...``, the number of scheduler steps
taken; ``lr(0)`` is the rate of the first epoch. Factories check their arguments once, raising
`ScheduleError` naming the parameter, and return the function.
"""

import math
from collections.abc import Callable, Sequence

from lrsched_cli.errors import ScheduleError

Schedule = Callable[[int], float]


def finite(param: str, value: float) -> float:
    if not math.isfinite(value):
        raise ScheduleError(param, f"must be a finite number, got {value}")
    return value


def positive(param: str, value: float) -> float:
    if not finite(param, value) > 0:
        raise ScheduleError(param, f"must be positive, got {value}")
    return value


def non_negative(param: str, value: float) -> float:
    if not finite(param, value) >= 0:
        raise ScheduleError(param, f"must not be negative, got {value}")
    return value


def factor(param: str, value: float) -> float:
    """A multiplicative decay factor: 0 <= value <= 1 (lrsched rejects growth, see README)."""
    if not 0 <= finite(param, value) <= 1:
        raise ScheduleError(param, f"must be between 0 and 1 (a decay factor), got {value}")
    return value


def positive_int(param: str, value: int) -> int:
    if value < 1:
        raise ScheduleError(param, f"must be a positive integer, got {value}")
    return value


def at_least(param: str, value: int, minimum: int) -> int:
    if value < minimum:
        raise ScheduleError(param, f"must be an integer of at least {minimum}, got {value}")
    return value


def floor_below(param: str, value: float, ceiling_param: str, ceiling: float) -> float:
    """A floor rate: finite, not negative and not above the rate it decays from."""
    if non_negative(param, value) > ceiling:
        raise ScheduleError(param, f"must not exceed {ceiling_param} ({ceiling}), got {value}")
    return value


def join(schedules: Sequence[Schedule], boundaries: Sequence[int]) -> Schedule:
    """Run ``schedules[0]`` until ``boundaries[0]``, then ``schedules[1]`` on its own clock, ...

    Each child restarts its clock at its boundary: child ``i`` sees ``t - boundaries[i-1]``.
    """
    if len(schedules) != len(boundaries) + 1:
        raise ValueError("join needs exactly one more schedule than boundaries")
    if len(schedules) == 1:
        return schedules[0]
    if len(schedules) == 2:  # the common case (warmup), kept to one comparison per row
        (first, second), (boundary,) = schedules, boundaries

        def joined_two(t: int) -> float:
            return first(t) if t < boundary else second(t - boundary)

        return joined_two

    def joined(t: int) -> float:
        start = 0
        for schedule, boundary in zip(schedules, boundaries):
            if t < boundary:
                return schedule(t - start)
            start = boundary
        return schedules[-1](t - start)

    return joined


def linear_ramp(*, start_lr: float, end_lr: float, length: int) -> Schedule:
    """Go linearly from start_lr at t = 0 towards end_lr, reaching it at t = length."""

    def ramp(t: int) -> float:
        # t / length first, as Hugging Face does: the product never exceeds the rise, so no overflow.
        return start_lr + (end_lr - start_lr) * (t / length)

    return ramp


def with_warmup(schedule: Schedule, *, warmup: int, warmup_start_lr: float = 0.0) -> Schedule:
    """Ramp linearly for ``warmup`` steps into ``schedule``, which then runs on its own clock.

        lr(t) = X + (lr0 - X) * t / W     for t < W, where X = warmup_start_lr, lr0 = schedule(0)
        lr(t) = schedule(t - W)           for t >= W

    As PyTorch's SequentialLR([LinearLR(start_factor=X/lr0, total_iters=W), schedule], [W]) and
    Hugging Face's get_*_with_warmup (with X = 0).
    """
    at_least("warmup", warmup, 0)
    first_rate = schedule(0)
    floor_below("warmup_start_lr", warmup_start_lr, "the schedule's first rate", first_rate)
    if warmup == 0:
        return schedule
    ramp = linear_ramp(start_lr=warmup_start_lr, end_lr=first_rate, length=warmup)
    return join([ramp, schedule], [warmup])


def warmup_over(schedule: Schedule, *, warmup: int, warmup_start_lr: float = 0.0) -> Schedule:
    """Replace the first ``warmup`` steps of ``schedule`` by a ramp into it; its clock runs on.

        lr(t) = X + (S - X) * t / W     for t < W, where X = warmup_start_lr, S = schedule(W)
        lr(t) = schedule(t)             for t >= W

    As Detectron2's WarmupParamScheduler (its default, rescale_interval=False) ramps from
    warmup_factor * base to the base schedule's value where the warmup ends, and the base keeps
    the run's clock: a per-epoch schedule still changes at the run's epoch boundaries.
    """
    at_least("warmup", warmup, 0)
    if warmup == 0:
        return schedule
    end_rate = schedule(warmup)
    floor_below("warmup_start_lr", warmup_start_lr, "the schedule's rate where the warmup ends", end_rate)
    ramp = linear_ramp(start_lr=warmup_start_lr, end_lr=end_rate, length=warmup)

    def warmed(t: int) -> float:
        return ramp(t) if t < warmup else schedule(t)

    return warmed
