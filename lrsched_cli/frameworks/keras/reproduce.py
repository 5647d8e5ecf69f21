"""Keras 3 ``keras.optimizers.schedules``, reproduced in float32 operation by operation.

Keras evaluates ``schedule(optimizer.iterations)`` before each update (iterations = 0 first), in
the dtype of ``initial_learning_rate``: float32 for a Python float. Every tensor op below rounds
to float32 where Keras's would (`f`); Python-side arithmetic on the constructor's arguments
(``1 - alpha``) stays float64 until it meets a tensor, as in Keras. Transcendentals (cos, pow,
log) are the correctly rounded float32 result; backends differ from it by at most an ulp.

Source read: keras/src/optimizers/schedules/learning_rate_schedule.py (Keras 3.15).
"""

from __future__ import annotations

import math
from bisect import bisect_left
from collections.abc import Callable
from functools import partial

from lrsched_cli.errors import DialectError
from lrsched_cli.frameworks._float32 import (
    PI,
    Floats,
    ceil32s,
    clamped,
    cos32,
    cos32s,
    counts32,
    div32,
    div32s,
    divided32s,
    float32s,
    floor32,
    floor32s,
    log32,
    pow32,
    pow32s,
    powers32s,
)
from lrsched_cli.frameworks._float32 import float32 as f
from lrsched_cli.frameworks.reproduction import (
    Reproduction,
    boolean,
    describe,
    elementwise,
    number,
    past_end,
    vectorised,
)

FRAMEWORK = "keras"


def _float_dtype(name: str, value: object) -> float:
    """Keras computes in the dtype of this argument: an int would make it integer arithmetic."""
    checked = number(name, value)
    if isinstance(checked, int):
        raise DialectError(
            name,
            f"Keras computes the schedule in the dtype of {name}; the int {describe(value)} makes it "
            f"integer arithmetic (the rate truncates to whole numbers, 0 for a warmup from 0). "
            f"Write {float(checked)!r}",
        )
    return f(checked)


def _positive_steps(name: str, value: object) -> float:
    steps = number(name, value)
    if steps <= 0:
        raise DialectError(name, f"Argument `{name}` must be > 0. Received: {name}={describe(value)}")
    return f(steps)


_schedule = partial(vectorised, FRAMEWORK)
"""(scheduler, values, length=None, notes=None) -> Reproduction of this framework: its rates at
a block of steps at a time, each line one tensor op over the block (`_float32`)."""


def exponential_decay(
    initial_learning_rate: float,
    decay_steps: float,
    decay_rate: float,
    staircase: bool = False,
    name: str = "ExponentialDecay",
) -> Reproduction:
    """``initial_learning_rate * decay_rate ** (step / decay_steps)`` (floor of the exponent if staircase)."""
    lr0 = _float_dtype("initial_learning_rate", initial_learning_rate)
    steps = _positive_steps("decay_steps", decay_steps)
    rate = f(number("decay_rate", decay_rate))
    stairs = boolean("staircase", staircase)

    def value(ts: Floats) -> Floats:
        p = div32s(counts32(ts), steps)
        if stairs:
            p = floor32s(p)
        return float32s([lr0 * x for x in powers32s(rate, p)])

    return _schedule("ExponentialDecay", value)


def piecewise_constant_decay(
    boundaries: list[int], values: list[float], name: str = "PiecewiseConstant"
) -> Reproduction:
    """``values[i]`` while ``boundaries[i-1] < step <= boundaries[i]``: Keras switches *after* a boundary."""
    if not isinstance(boundaries, list | tuple) or not isinstance(values, list | tuple):
        raise DialectError("boundaries", "boundaries and values must be lists of numbers")
    if len(boundaries) != len(values) - 1:
        raise DialectError(
            "boundaries",
            "The length of boundaries should be 1 less than the length of values. Received: "
            f"boundaries={describe(boundaries)} of length {len(boundaries)}, and values={describe(values)} "
            f"of length {len(values)}.",
        )
    if not boundaries:
        raise DialectError("boundaries", "Keras needs at least one boundary")
    # Boundaries are cast to the step's integer dtype (truncated); values keep values[0]'s dtype.
    edges = [math.trunc(number("boundaries", b)) for b in boundaries]
    _float_dtype("values[0]", values[0])
    levels = [f(number("values", v)) for v in values]

    def value(t: int) -> float:
        result = f(float(t <= edges[0]) * levels[0])
        result = f(result + float(t > edges[-1]) * levels[-1])
        for low, high, level in zip(edges[:-1], edges[1:], levels[1:-1], strict=True):
            result = f(result + float(low < t <= high) * level)
        return result

    def notes(rows: int) -> list[str]:
        if rows > edges[0] + 1:
            return [f"Keras switches after each boundary: step {edges[0]} still has {describe(values[0])}"]
        return []

    return _schedule("PiecewiseConstantDecay", elementwise(value), length=edges[-1] + 2, notes=notes)


def polynomial_decay(
    initial_learning_rate: float,
    decay_steps: float,
    end_learning_rate: float = 0.0001,
    power: float = 1.0,
    cycle: bool = False,
    name: str = "PolynomialDecay",
) -> Reproduction:
    """``(lr0 - end) * (1 - step / decay_steps) ** power + end``; with ``cycle`` the period grows to
    the first multiple of ``decay_steps`` at or past the step, else the step is clamped."""
    lr0 = _float_dtype("initial_learning_rate", initial_learning_rate)
    steps = _positive_steps("decay_steps", decay_steps)
    end = f(number("end_learning_rate", end_learning_rate))
    exponent = f(number("power", power))
    cycles = boolean("cycle", cycle)
    span = f(lr0 - end)

    def value(ts: Floats) -> Floats:
        step = counts32(ts)
        if cycles:
            multipliers = ceil32s(div32s(step, steps))
            periods = float32s(
                [steps * (1.0 if s == 0 else m) for s, m in zip(step, multipliers, strict=True)]
            )
            p = divided32s(step, periods)
        else:
            p = div32s(clamped(step, steps), steps)
        return float32s(
            [x + end for x in float32s([span * x for x in pow32s(float32s([1 - x for x in p]), exponent)])]
        )

    def notes(rows: int) -> list[str]:
        if cycles:
            return []
        return past_end(
            int(steps), rows, f"PolynomialDecay stays at end_learning_rate={describe(end_learning_rate)}"
        )

    return _schedule("PolynomialDecay", value, length=int(steps) + 1, notes=notes)


def inverse_time_decay(
    initial_learning_rate: float,
    decay_steps: float,
    decay_rate: float,
    staircase: bool = False,
    name: str = "InverseTimeDecay",
) -> Reproduction:
    """``initial_learning_rate / (1 + decay_rate * step / decay_steps)`` (floor if staircase)."""
    lr0 = _float_dtype("initial_learning_rate", initial_learning_rate)
    steps = _positive_steps("decay_steps", decay_steps)
    rate = f(number("decay_rate", decay_rate))
    stairs = boolean("staircase", staircase)

    def value(ts: Floats) -> Floats:
        p = div32s(counts32(ts), steps)
        if stairs:
            p = floor32s(p)
        denominators = float32s([1 + x for x in float32s([rate * x for x in p])])
        return divided32s([lr0] * len(denominators), denominators)

    return _schedule("InverseTimeDecay", value)


def _cosine(step: Floats, steps: float, peak: float, alpha: float) -> Floats:
    """Keras's ``_decay_function``: ``alpha`` is a Python number, so ``1 - alpha`` is float64."""
    angle = float32s([PI * x for x in div32s(step, steps)])
    plus_one = float32s([1 + c for c in cos32s(angle)])
    keep, low = f(1 - alpha), f(alpha)
    # 0.5 * x is exact: x = 1 + cos is 0 or at least 2 ** -24, far from float32's subnormals
    if keep == 1.0 and low == 0.0:  # as below, without the two steps that leave x as it is
        return float32s([peak * (0.5 * x) for x in plus_one])
    cosine: Floats = [0.5 * x for x in plus_one]
    if keep != 1.0:  # 1.0 * x is x
        cosine = float32s([keep * x for x in cosine])
    if low != 0.0 or keep < 0:  # x + 0.0 is x, but for -0.0, which keep * x >= +0 is not
        cosine = float32s([x + low for x in cosine])
    return float32s([peak * x for x in cosine])


def cosine_decay(
    initial_learning_rate: float,
    decay_steps: float,
    alpha: float = 0.0,
    name: str = "CosineDecay",
    warmup_target: float | None = None,
    warmup_steps: float = 0,
) -> Reproduction:
    """Linear warmup from ``initial_learning_rate`` to ``warmup_target`` over ``warmup_steps``, then a
    cosine from the peak to ``peak * alpha`` over ``decay_steps`` *more* steps, then flat."""
    lr0 = _float_dtype("initial_learning_rate", initial_learning_rate)
    steps = _positive_steps("decay_steps", decay_steps)
    floor_fraction = number("alpha", alpha)
    if warmup_target is None:
        end = int(steps)

        def value(ts: Floats) -> Floats:
            return _cosine(clamped(counts32(ts), steps), steps, lr0, floor_fraction)

    else:
        target = f(number("warmup_target", warmup_target))
        warmup = f(number("warmup_steps", warmup_steps))
        total = f(steps + warmup)
        end = int(total)

        rise = f(target - lr0)

        def value(ts: Floats) -> Floats:
            step = clamped(counts32(ts), total)
            warming = bisect_left(step, warmup)  # the steps before warmup, first: they only grow
            ramp = float32s([x + lr0 for x in float32s([rise * x for x in div32s(step[:warming], warmup)])])
            return [
                *ramp,
                *_cosine(float32s([x - warmup for x in step[warming:]]), steps, target, floor_fraction),
            ]

    def notes(rows: int) -> list[str]:
        found = past_end(end, rows, "CosineDecay stays at its final rate")
        if warmup_target is not None and lr0 == 0 and f(number("warmup_steps", warmup_steps)) > 0:
            found.append("row 1 has rate 0: Keras's warmup starts at initial_learning_rate")
        return found

    return _schedule("CosineDecay", value, length=end + 1, notes=notes)


def cosine_decay_restarts(
    initial_learning_rate: float,
    first_decay_steps: float,
    t_mul: float = 2.0,
    m_mul: float = 1.0,
    alpha: float = 0.0,
    name: str = "SGDRDecay",
) -> Reproduction:
    """SGDR: cosines from ``m_mul**i * lr0`` down to ``alpha * lr0``, each ``t_mul`` times longer
    than the one before; the restart index comes from a float32 ``log``, as in Keras."""
    lr0 = _float_dtype("initial_learning_rate", initial_learning_rate)
    first = _positive_steps("first_decay_steps", first_decay_steps)
    low = f(number("alpha", alpha))
    growth = f(number("t_mul", t_mul))
    shrink = f(number("m_mul", m_mul))

    def value(t: int) -> float:
        fraction = div32(f(t), first)
        if growth == 1.0:
            restart = floor32(fraction)
            fraction = f(fraction - restart)
        else:
            inner = f(1.0 - f(fraction * f(1.0 - growth)))
            restart = floor32(div32(log32(inner), log32(growth)))
            done = div32(f(1.0 - pow32(growth, restart)), f(1.0 - growth))
            fraction = div32(f(fraction - done), pow32(growth, restart))
        peak = pow32(shrink, restart)
        cosine = f(f(0.5 * peak) * f(1.0 + cos32(f(PI * fraction))))
        return f(lr0 * f(f(f(1 - low) * cosine) + low))

    return _schedule("CosineDecayRestarts", elementwise(value), length=int(first))


SCHEDULERS: dict[str, Callable[..., Reproduction]] = {
    "ExponentialDecay": exponential_decay,
    "PiecewiseConstantDecay": piecewise_constant_decay,
    "PolynomialDecay": polynomial_decay,
    "InverseTimeDecay": inverse_time_decay,
    "CosineDecay": cosine_decay,
    "CosineDecayRestarts": cosine_decay_restarts,
}

STEP_COUNTS = frozenset({"decay_steps", "first_decay_steps", "warmup_steps"})
"""The arguments that count steps: a float below 1 gets a note."""
