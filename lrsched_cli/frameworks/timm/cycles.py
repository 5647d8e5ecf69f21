"""timm's cycled schedules (cosine, poly, tanh): the cycle arithmetic, each shape, ``main(lr, t)``
row by row, and each shape's rows over many t in one loop where the cycles do not grow.

A loop is main with ``locate`` and the shape inlined, the same operations in the same order, so
every rate is the same float (tests/frameworks/test_timm_fused.py); what depends on the cycle
index alone (the peak, the cycle's start, ``t_i ** k``) is computed once a cycle, at its first
row, where main first computes it: a power that overflows ends the rows at the same t.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator

from lrsched_cli.errors import DialectError
from lrsched_cli.records import Record

Shape = Callable[[float, float, float, float], float]
"""``shape(peak, lr_min, t_curr, t_i)``: the rate at ``t_curr`` into a cycle of ``t_i``."""

Over = Callable[[float, Iterator[float]], Iterator[float]]
"""``over(base_lr, ts)``: main at each t of ``ts``, in one loop."""


class Cycles(Record):
    """timm's cycle arithmetic, shared by the cosine, poly and tanh schedulers."""

    t_initial: float
    cycle_mul: float
    cycle_decay: float
    cycle_limit: float

    def locate(self, t: float) -> tuple[float, float, float]:
        """(cycle index i, cycle length t_i, time into the cycle t_curr), with timm's float log."""
        if self.cycle_mul != 1:
            m, t0 = self.cycle_mul, self.t_initial
            grown = math.floor(math.log(1 - t / t0 * (1 - m), m))
            return grown, m**grown * t0, t - (1 - m**grown) / (1 - m) * t0
        i = t // self.t_initial
        return i, self.t_initial, t - (self.t_initial * i)

    def length(self, warmup_t: float, warmup_prefix: bool) -> int | None:
        """timm's ``get_cycle_length()``: the epochs train.py runs for this scheduler (None when
        it overflows: ``cycle_mul=2, cycle_limit=1e9``)."""
        cycles = max(1, self.cycle_limit)
        try:
            if self.cycle_mul == 1.0:
                t = self.t_initial * cycles
            else:
                t = math.floor(-self.t_initial * (self.cycle_mul**cycles - 1) / (1 - self.cycle_mul))
            return int(t + warmup_t if warmup_prefix else t)
        except (OverflowError, ValueError):
            return None

    def domain_end(self) -> float | None:
        """Where ``log`` fails (a shrinking cycle, ``cycle_mul < 1``): t of the main schedule
        from which timm raises, if any (only for the notes: the rates end where timm's does)."""
        if self.cycle_mul < 1:
            return self.t_initial / (1 - self.cycle_mul)
        return None


def step_text(t: float) -> str:
    """A step timm reaches (an integer, or a float where the arguments are): its shortest text."""
    return str(int(t)) if t == int(t) else repr(t)


def complex_rate(t: float) -> DialectError:
    return DialectError(
        None,
        f"timm computes a complex rate at t={step_text(t)} (a negative base to a fractional "
        "power: check k_decay and power), which no optimizer can use",
    )


def cycled(cycles: Cycles, lr_min: float, shape: Shape) -> Callable[[float, float], float]:
    """``shape(peak, lr_min, t_curr, t_i)`` within the allowed cycles, ``lr_min`` after them."""

    def main(lr: float, t: float) -> float:
        i, t_i, t_curr = cycles.locate(t)
        peak = lr * cycles.cycle_decay**i  # timm computes it past cycle_limit too (may overflow)
        if i < cycles.cycle_limit:
            value = shape(peak, lr_min, t_curr, t_i)
            if isinstance(value, complex):  # a negative number to a fractional power
                raise complex_rate(t)
            return value
        return lr_min

    return main


# --- the shapes, each with its loop ----------------------------------------------------------


def cosine(k: float) -> Shape:
    def shape(peak: float, lr_min: float, t_curr: float, t_i: float) -> float:
        return lr_min + 0.5 * (peak - lr_min) * (1 + math.cos(math.pi * t_curr**k / t_i**k))

    return shape


def cosine_over(cycles: Cycles, lr_min: float, k: float) -> Over:
    t_initial, cycle_decay, cycle_limit = cycles.t_initial, cycles.cycle_decay, cycles.cycle_limit

    def over(lr: float, ts: Iterator[float]) -> Iterator[float]:
        cos, pi, cycle = math.cos, math.pi, None
        start = half = t_ik = 0.0
        for t in ts:
            i = t // t_initial
            if i != cycle:  # the cycle's first row
                cycle, peak = i, lr * cycle_decay**i
                if i < cycle_limit:
                    start, half, t_ik = t_initial * i, 0.5 * (peak - lr_min), t_initial**k
            if i < cycle_limit:
                value = lr_min + half * (1 + cos(pi * (t - start) ** k / t_ik))
                if value.__class__ is complex:
                    raise complex_rate(t)
                yield value
            else:
                yield lr_min

    return over


def poly(k: float, power: float) -> Shape:
    def shape(peak: float, lr_min: float, t_curr: float, t_i: float) -> float:
        return lr_min + (peak - lr_min) * (1 - t_curr**k / t_i**k) ** power  # type: ignore[no-any-return]

    return shape


def poly_over(cycles: Cycles, lr_min: float, k: float, power: float) -> Over:
    t_initial, cycle_decay, cycle_limit = cycles.t_initial, cycles.cycle_decay, cycles.cycle_limit

    def over(lr: float, ts: Iterator[float]) -> Iterator[float]:
        cycle = None
        start = span = t_ik = 0.0
        for t in ts:
            i = t // t_initial
            if i != cycle:
                cycle, peak = i, lr * cycle_decay**i
                if i < cycle_limit:
                    start, span, t_ik = t_initial * i, peak - lr_min, t_initial**k
            if i < cycle_limit:
                value = lr_min + span * (1 - (t - start) ** k / t_ik) ** power
                if value.__class__ is complex:
                    raise complex_rate(t)
                yield value
            else:
                yield lr_min

    return over


def tanh(lower: float, upper: float) -> Shape:
    def shape(peak: float, lr_min: float, t_curr: float, t_i: float) -> float:
        ratio = t_curr / t_i
        return lr_min + 0.5 * (peak - lr_min) * (1 - math.tanh(lower * (1.0 - ratio) + upper * ratio))

    return shape


def tanh_over(cycles: Cycles, lr_min: float, lower: float, upper: float) -> Over:
    t_initial, cycle_decay, cycle_limit = cycles.t_initial, cycles.cycle_decay, cycles.cycle_limit

    def over(lr: float, ts: Iterator[float]) -> Iterator[float]:
        tanh, cycle = math.tanh, None
        start = half = 0.0
        for t in ts:
            i = t // t_initial
            if i != cycle:
                cycle, peak = i, lr * cycle_decay**i
                if i < cycle_limit:
                    start, half = t_initial * i, 0.5 * (peak - lr_min)
            if i < cycle_limit:
                ratio = (t - start) / t_initial
                yield lr_min + half * (1 - tanh(lower * (1.0 - ratio) + upper * ratio))  # never complex
            else:
                yield lr_min

    return over
