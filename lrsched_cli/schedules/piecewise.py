"""Schedules that hold the rate between integer boundaries: multistep, piecewise, constant."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from itertools import pairwise

from lrsched_cli.errors import ScheduleError
from lrsched_cli.schedules.core import Schedule, non_negative, positive, positive_int
from lrsched_cli.schedules.core import factor as unit_factor  # `constant` has a parameter named factor


def _steps(param: str, steps: Sequence[int], *, strictly: bool) -> tuple[int, ...]:
    """Epoch boundaries: non-negative integers in increasing order (repeats allowed unless strictly)."""
    listed = ",".join(map(str, steps))
    if any(step < 0 for step in steps):
        raise ScheduleError(param, f"must not be negative, got {listed}")
    pairs = list(pairwise(steps))
    if any(later < earlier for earlier, later in pairs):
        raise ScheduleError(param, f"must be in increasing order, got {listed}")
    if strictly and any(later == earlier for earlier, later in pairs):
        raise ScheduleError(param, f"must not repeat a boundary, got {listed}")
    return tuple(steps)


def multistep(*, lr: float, milestones: tuple[int, ...] = (30, 80), gamma: float = 0.1) -> Schedule:
    """Multiply the rate by gamma at each milestone epoch.

        lr(t) = lr * gamma ^ (number of milestones <= t)

    Matches PyTorch MultiStepLR: the rate drops at the milestone itself, and a milestone listed
    twice drops twice.
    """
    positive("lr", lr)
    steps = _steps("milestones", milestones, strictly=False)
    unit_factor("gamma", gamma)

    def rate(t: int) -> float:
        return lr * gamma ** bisect_right(steps, t)

    return rate


def piecewise_constant(
    *, boundaries: tuple[int, ...] = (10, 20), values: tuple[float, ...] = (0.1, 0.01, 0.001)
) -> Schedule:
    """Hold values[0] until the first boundary, values[1] until the second, and so on.

        lr(t) = values[i], where i is the number of boundaries <= t

    The rate switches at the boundary itself, as PyTorch MultiStepLR and optax
    piecewise_constant_schedule do (Keras PiecewiseConstantDecay switches one step later).
    The values may rise as well as fall: they are the rates you ask for.
    """
    steps = _steps("boundaries", boundaries, strictly=True)
    if steps and steps[0] == 0:
        listed = ",".join(map(str, steps))
        raise ScheduleError("boundaries", f"must be positive, or the first value is never used, got {listed}")
    if len(values) != len(steps) + 1:
        raise ScheduleError(
            "values",
            f"must hold one more rate than --boundaries ({len(steps)}), got {len(values)}",
        )
    rates = tuple(non_negative("values", value) for value in values)

    def rate(t: int) -> float:
        return rates[bisect_right(steps, t)]

    return rate


def constant(*, lr: float, factor: float = 1 / 3, total_iters: int = 5) -> Schedule:
    """Hold the rate at lr * factor for total_iters epochs, then at lr.

        lr(t) = lr * factor    for t < total_iters
        lr(t) = lr             for t >= total_iters

    Matches PyTorch ConstantLR (and its defaults); 0 <= factor <= 1, as PyTorch requires.
    """
    positive("lr", lr)
    unit_factor("factor", factor)
    positive_int("total_iters", total_iters)
    low = lr * factor

    def rate(t: int) -> float:
        return low if t < total_iters else lr

    return rate
