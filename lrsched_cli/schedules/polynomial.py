"""Schedules that move the rate along a power of elapsed time: linear, polynomial, inverse time."""

from __future__ import annotations

from lrsched_cli.errors import ScheduleError
from lrsched_cli.schedules.core import (
    Schedule,
    factor,
    finite,
    floor_below,
    non_negative,
    positive,
    positive_int,
)


def linear(
    *, lr: float, start_factor: float = 1 / 3, end_factor: float = 1.0, total_iters: int = 5
) -> Schedule:
    """Scale the rate linearly from lr * start_factor to lr * end_factor over total_iters epochs.

        lr(t) = lr * (start_factor + (end_factor - start_factor) * min(t, total_iters) / total_iters)

    Matches PyTorch LinearLR (and its defaults: a 5-epoch warmup from lr / 3). As PyTorch
    requires, 0 < start_factor <= 1 and 0 <= end_factor <= 1, so the rate never exceeds lr.
    """
    positive("lr", lr)
    if not 0 < finite("start_factor", start_factor) <= 1:
        raise ScheduleError("start_factor", f"must be greater than 0 and at most 1, got {start_factor}")
    factor("end_factor", end_factor)
    positive_int("total_iters", total_iters)
    change = end_factor - start_factor

    def rate(t: int) -> float:
        return lr * (start_factor + change * min(t, total_iters) / total_iters)

    return rate


def polynomial(*, lr: float, total_iters: int, power: float = 1.0, min_lr: float = 0.0) -> Schedule:
    """Decay the rate from lr to min_lr along a power of the time left, over total_iters epochs.

        lr(t) = (lr - min_lr) * (1 - min(t, total_iters) / total_iters) ^ power + min_lr

    Matches PyTorch PolynomialLR when min_lr is 0, Keras PolynomialDecay (end_learning_rate =
    min_lr) and optax polynomial_schedule otherwise. Stays at min_lr after total_iters.
    """
    positive("lr", lr)
    positive_int("total_iters", total_iters)
    positive("power", power)
    floor_below("min_lr", min_lr, "lr", lr)
    span = lr - min_lr

    def rate(t: int) -> float:
        return span * float((1 - min(t, total_iters) / total_iters) ** power) + min_lr

    return rate


def inverse_time(*, lr: float, decay_rate: float, decay_steps: int = 1, staircase: bool = False) -> Schedule:
    """Divide the rate by one plus decay_rate per decay_steps epochs elapsed.

        lr(t) = lr / (1 + decay_rate * p),  p = t / decay_steps, floored with --staircase

    Matches Keras InverseTimeDecay (and TF's inverse_time_decay).
    """
    positive("lr", lr)
    non_negative("decay_rate", decay_rate)
    positive_int("decay_steps", decay_steps)

    def rate(t: int) -> float:
        elapsed = t // decay_steps if staircase else t / decay_steps
        return lr / (1 + decay_rate * elapsed)

    return rate
