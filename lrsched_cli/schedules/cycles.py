"""Schedules that climb and fall back: PyTorch's one-cycle and cyclical learning rates."""

from __future__ import annotations

import math
from enum import StrEnum

from lrsched_cli.errors import BeyondEnd, ScheduleError
from lrsched_cli.schedules.core import Schedule, factor, finite, non_negative, positive, positive_int


class AnnealStrategy(StrEnum):
    cos = "cos"
    linear = "linear"


def _anneal_cos(start: float, end: float, pct: float) -> float:
    return end + (start - end) / 2.0 * (math.cos(math.pi * pct) + 1)  # PyTorch's expression, op by op


def _anneal_linear(start: float, end: float, pct: float) -> float:
    return (end - start) * pct + start


ANNEAL = {AnnealStrategy.cos: _anneal_cos, AnnealStrategy.linear: _anneal_linear}


def _divisor(param: str, value: float) -> float:
    """A divisor of the peak: at least 1, so no phase climbs above the rate it should stay under."""
    if not finite(param, value) >= 1:
        raise ScheduleError(param, f"must be at least 1, got {value}")
    return value


def one_cycle(
    *,
    max_lr: float,
    total_steps: int,
    pct_start: float = 0.3,
    anneal_strategy: AnnealStrategy = AnnealStrategy.cos,
    div_factor: float = 25.0,
    final_div_factor: float = 1e4,
    three_phase: bool = False,
) -> Schedule:
    """Climb from max_lr / div_factor to max_lr, then anneal far below the start (one cycle).

        lr(t) = anneal(a, b, (t - s) / (e - s))   in the phase from step s to step e
        phases: initial -> max_lr until pct_start * T - 1, then max_lr -> min until T - 1
        with --three-phase: initial -> max_lr, max_lr -> initial until 2 * pct_start * T - 2,
        then initial -> min until T - 1
        where T = total_steps, initial = max_lr / div_factor, min = initial / final_div_factor,
        anneal(a, b, p) = b + (a - b) * (1 + cos(pi * p)) / 2, or a + (b - a) * p when linear

    Matches PyTorch OneCycleLR, float phase ends included. Rows: T by default, ending at
    t = T - 1 on the minimum. PyTorch accepts one step more, t = T, where it extrapolates the
    last phase past its end; --epochs may ask for that one extra row, and no more: PyTorch raises
    "Tried to step" past it, so lrsched refuses such --epochs.
    """
    positive("max_lr", max_lr)
    positive_int("total_steps", total_steps)
    if not 0 < finite("pct_start", pct_start) < 1:
        raise ScheduleError("pct_start", f"must be between 0 and 1, exclusive, got {pct_start}")
    _divisor("div_factor", div_factor)
    _divisor("final_div_factor", final_div_factor)
    initial = max_lr / div_factor
    low = initial / final_div_factor
    warm_end = float(pct_start * total_steps) - 1
    phases = [(warm_end, initial, max_lr)]
    if three_phase:
        phases.append((float(2 * pct_start * total_steps) - 2, max_lr, initial))
        phases.append((total_steps - 1, initial, low))
    else:
        phases.append((total_steps - 1, max_lr, low))
    start = 0.0
    for number, (end, _, _) in enumerate(phases, 1):
        if end == start:
            raise ScheduleError(
                "pct_start",
                f"with --total-steps {total_steps} leaves phase {number} no length "
                f"(PyTorch divides by zero there), got {pct_start}",
            )
        start = end
    starts = [0.0] + [end for end, _, _ in phases[:-1]]
    spans = [(s, e, a, b) for s, (e, a, b) in zip(starts, phases)]
    *climbs, last = spans
    anneal = ANNEAL[AnnealStrategy(anneal_strategy)]

    def rate(t: int) -> float:
        if t > total_steps:
            raise BeyondEnd(total_steps + 1, f"PyTorch OneCycleLR raises past total_steps ({total_steps})")
        for s, e, a, b in climbs:
            if t <= e:
                return anneal(a, b, (t - s) / (e - s))
        s, e, a, b = last
        return anneal(a, b, (t - s) / (e - s))

    return rate


class CyclicMode(StrEnum):
    triangular = "triangular"
    triangular2 = "triangular2"
    exp_range = "exp_range"


def cyclic(
    *,
    base_lr: float,
    max_lr: float,
    step_size_up: int = 2000,
    step_size_down: int | None = None,
    mode: CyclicMode = CyclicMode.triangular,
    gamma: float = 1.0,
) -> Schedule:
    """Cycle between base_lr and max_lr along a triangle, up in step_size_up, down in step_size_down.

        lr(t) = base_lr + (max_lr - base_lr) * h(t) * scale
        where h climbs linearly 0 -> 1 over step_size_up steps, falls back over step_size_down,
        and scale = 1 (triangular), 1 / 2^(cycle - 1) (triangular2, halving every cycle)
        or gamma^t (exp_range)

    Matches PyTorch CyclicLR. Cycles are found with integer arithmetic; step_size_down defaults
    to step_size_up; gamma counts scheduler steps, as in PyTorch, and applies to exp_range only.
    """
    non_negative("base_lr", base_lr)
    positive("max_lr", max_lr)
    if max_lr < base_lr:
        raise ScheduleError("max_lr", f"must not be below --base-lr ({base_lr}), got {max_lr}")
    up = positive_int("step_size_up", step_size_up)
    down = up if step_size_down is None else positive_int("step_size_down", step_size_down)
    factor("gamma", gamma)
    mode = CyclicMode(mode)
    if gamma != 1 and mode is not CyclicMode.exp_range:
        raise ScheduleError("gamma", f"applies to --mode exp_range only, got {gamma} with --mode {mode}")
    period = up + down
    height = max_lr - base_lr

    def triangle(t: int) -> float:
        into = t % period
        return into / up if into <= up else (period - into) / down

    def rate(t: int) -> float:
        if mode is CyclicMode.triangular:
            scale = 1.0
        elif mode is CyclicMode.triangular2:
            scale = math.ldexp(1.0, -(t // period))  # 1 / 2^(cycle - 1), without overflow
        else:
            scale = gamma**t
        return base_lr + height * triangle(t) * scale

    return rate
