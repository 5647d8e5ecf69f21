"""Schedules from transformer training: inverse square root decay, warmup-stable-decay."""

from __future__ import annotations

import math
from enum import StrEnum

from lrsched_cli.schedules.core import Schedule, at_least, floor_below, positive, positive_int


def inverse_sqrt(*, lr: float, timescale: int = 10_000) -> Schedule:
    """Decay as the inverse square root of the steps taken, from lr at t = 0.

        lr(t) = lr / sqrt((t + timescale) / timescale)

    Matches Hugging Face get_inverse_sqrt_schedule: with --warmup W the decay starts after the
    warmup (HF's 1 / sqrt((s + timescale - W) / timescale) at step s = t + W), and --timescale
    defaults to W, as HF's does, else to 10000.
    """
    positive("lr", lr)
    positive_int("timescale", timescale)

    def rate(t: int) -> float:
        return lr * (1.0 / math.sqrt((t + timescale) / timescale))

    return rate


class DecayType(StrEnum):
    linear = "linear"
    cosine = "cosine"
    one_minus_sqrt = "1-sqrt"


def _linear(progress: float) -> float:
    return 1.0 - progress


def _cosine(progress: float) -> float:
    return 0.5 * (1.0 + math.cos(math.pi * 0.5 * 2.0 * progress))  # HF's num_cycles = 0.5, op by op


def _one_minus_sqrt(progress: float) -> float:
    return 1.0 - math.sqrt(progress)


DECAYS = {DecayType.linear: _linear, DecayType.cosine: _cosine, DecayType.one_minus_sqrt: _one_minus_sqrt}


def warmup_stable_decay(
    *,
    lr: float,
    stable_steps: int,
    decay_steps: int,
    min_lr: float = 0.0,
    decay_type: DecayType = DecayType.cosine,
) -> Schedule:
    """Hold lr for stable_steps, decay to min_lr over decay_steps, then stay there (after --warmup).

        lr(t) = lr * (m + (1 - m) * f((t - S) / D))      for S <= t < S + D
        lr(t) = lr before S, and min_lr from S + D on
        where S = stable_steps, D = decay_steps, m = min_lr / lr and f(p) = 1 - p (linear),
        (1 + cos(pi * p)) / 2 (cosine) or 1 - sqrt(p) (1-sqrt)

    Matches Hugging Face get_wsd_schedule (warmup_stable_decay) with its linear warmup, given as
    --warmup. HF's warmup starts from min_lr, lrsched's from --warmup-start-lr: pass the same
    value to both options to match HF when --min-lr is not 0. Rows: warmup + S + D.
    """
    positive("lr", lr)
    at_least("stable_steps", stable_steps, 0)
    positive_int("decay_steps", decay_steps)
    floor_below("min_lr", min_lr, "lr", lr)
    ratio = min_lr / lr
    decay = DECAYS[DecayType(decay_type)]
    end = stable_steps + decay_steps

    def rate(t: int) -> float:
        if t < stable_steps:
            return lr
        if t < end:
            progress = float(t - stable_steps) / float(decay_steps)
            return lr * (decay(progress) * (1.0 - ratio) + ratio)
        return lr * ratio

    return rate
