"""Reducing the rate when a watched metric stops improving: PyTorch's ReduceLROnPlateau."""

from __future__ import annotations

import math
from array import array
from collections.abc import Callable
from enum import StrEnum

from lrsched_cli.errors import BeyondEnd, ScheduleError
from lrsched_cli.schedules.core import Schedule, at_least, finite, floor_below, non_negative, positive


class PlateauMode(StrEnum):
    min = "min"
    max = "max"


class ThresholdMode(StrEnum):
    rel = "rel"
    abs = "abs"


def _is_better(
    mode: PlateauMode, threshold_mode: ThresholdMode, threshold: float
) -> Callable[[float, float], bool]:
    """Whether metric a improves on the best so far, by PyTorch's four rules (op by op)."""
    if mode is PlateauMode.min and threshold_mode is ThresholdMode.rel:
        return lambda a, best: a < best * (1.0 - threshold)
    if mode is PlateauMode.min:
        return lambda a, best: a < best - threshold
    if threshold_mode is ThresholdMode.rel:
        return lambda a, best: a > best * (threshold + 1.0)
    return lambda a, best: a > best + threshold


def reduce_on_plateau(
    *,
    lr: float,
    metrics: tuple[float, ...],
    mode: PlateauMode = PlateauMode.min,
    factor: float = 0.1,
    patience: int = 10,
    threshold: float = 1e-4,
    threshold_mode: ThresholdMode = ThresholdMode.rel,
    cooldown: int = 0,
    min_lr: float = 0.0,
    eps: float = 1e-8,
) -> Schedule:
    """Multiply the rate by factor once the metric has not improved for more than patience epochs.

        lr(t) = lr(t - 1) * factor   (at least min_lr) after the t-th metric ends a plateau
        lr(t) = lr(t - 1)            otherwise, and lr(0) = lr
        where a plateau ends when more than patience epochs in a row fail to beat the best
        metric (by threshold, relative or absolute); cooldown epochs follow each reduction, in
        which bad epochs are not counted, and a reduction smaller than eps is skipped

    Matches PyTorch ReduceLROnPlateau stepped once per epoch with that epoch's metric: row k is
    the rate epoch k trains at, after the scheduler has seen the metrics of epochs 1 .. k-1.
    Rows: one per metric value by default; one more shows the rate after the last metric, and no
    more can be known. With --steps-per-epoch each epoch's rate holds for all its steps.
    """
    positive("lr", lr)
    if not metrics:
        raise ScheduleError("metrics", "must hold at least one value, got none")
    for epoch, value in enumerate(metrics, 1):
        if not math.isfinite(value):
            raise ScheduleError("metrics", f"must be finite numbers, got {value} for epoch {epoch}")
    if not 0 <= finite("factor", factor) < 1:
        raise ScheduleError(
            "factor", f"must be at least 0 and below 1 (PyTorch refuses 1 and more), got {factor}"
        )
    at_least("patience", patience, 0)
    non_negative("threshold", threshold)
    at_least("cooldown", cooldown, 0)
    floor_below("min_lr", min_lr, "lr", lr)
    non_negative("eps", eps)
    mode = PlateauMode(mode)
    is_better = _is_better(mode, ThresholdMode(threshold_mode), threshold)

    rates = array("d", [lr])  # 8 bytes a rate: the metrics of a long run are millions of values
    current = lr
    best = math.inf if mode is PlateauMode.min else -math.inf
    bad_epochs = cooling = 0
    for value in metrics:
        if is_better(value, best):
            best, bad_epochs = value, 0
        else:
            bad_epochs += 1
        if cooling > 0:
            cooling -= 1
            bad_epochs = 0
        if bad_epochs > patience:
            reduced = max(current * factor, min_lr)
            if current - reduced > eps:
                current = reduced
            cooling, bad_epochs = cooldown, 0
        rates.append(current)
    known = len(rates)

    def rate(t: int) -> float:
        if t >= known:
            raise BeyondEnd(known, f"{known - 1} metric values give the rates of {known} epochs")
        return rates[t]

    return rate
