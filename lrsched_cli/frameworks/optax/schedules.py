"""optax's simple schedules (constant, polynomial, linear, exponential, cosine), in float32 as JAX
evaluates them; its joins are in `reproduce`, which lists every scheduler.

An optax schedule is ``count -> value``, called by the optimizer with its int32 step count
(0 first); the update casts the value to the parameters' dtype, float32. Python arithmetic on the
constructor's arguments (``init_value - end_value``) stays float64 until it meets an array, as in
JAX's weak typing; array ops round to float32 (`f`). A literal integer exponent is repeated
multiplication (``lax.integer_pow``), any other exponent ``pow``.

Quirks kept as optax has them: ``transition_steps <= 0`` (and ``decay_rate == 0``) give a constant
``init_value`` (optax only logs it), a negative ``transition_begin`` counts as 0, warmup
schedules are joins whose second part restarts its clock, and everything clamps past its end.

Source read: optax/schedules/_schedule.py and _join.py (optax 0.2.8).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from lrsched_cli.errors import DialectError
from lrsched_cli.frameworks._float32 import (
    PI,
    Floats,
    clamped,
    cos32s,
    counts32,
    div32s,
    float32s,
    floor32s,
    integer_pow32s,
    pow32s,
    powers32s,
)
from lrsched_cli.frameworks._float32 import float32 as f
from lrsched_cli.frameworks.reproduction import (
    Reproduction,
    Values,
    boolean,
    describe,
    number,
    past_end,
    vectorised,
)

FRAMEWORK = "optax"

Value = Values
"""The schedule at a range of step counts t, as the optimizer uses it (float32 values), computed
a block at a time: each line is one array op over the block."""


def _power(xs: Floats, exponent: float) -> Floats:
    """``x ** exponent`` in JAX: a Python int exponent is `integer_pow32`, anything else ``pow``."""
    if isinstance(exponent, int) and not isinstance(exponent, bool):
        return integer_pow32s(xs, exponent)
    return pow32s(xs, f(exponent))


_reproduction = partial(vectorised, FRAMEWORK)
"""(scheduler, values, length=None, notes=None) -> Reproduction of this framework."""


def _constant(init_value: float) -> Value:
    level = f(init_value)
    return lambda steps: [level] * len(steps)


def _polynomial(init_value: float, end_value: float, power: float, steps: float, begin: float) -> Value:
    """optax's polynomial_schedule body, once its arguments have been checked."""
    if steps <= 0:
        return _constant(init_value)
    begin = max(begin, 0)
    span = f(init_value - end_value)
    end = f(end_value)
    length = f(steps)

    def value(ts: Floats) -> Floats:
        done = float32s([min(max(t - begin, 0), steps) for t in ts])
        fraction = float32s([1 - x for x in div32s(done, length)])
        return float32s([x + end for x in float32s([span * x for x in _power(fraction, power)])])

    return value


def _polynomial_notes(init_value: float, steps: float, begin: float, what: str) -> Callable[[int], list[str]]:
    def notes(rows: int) -> list[str]:
        if steps <= 0:
            return [
                f"transition_steps={describe(steps)} <= 0: optax logs it and returns the constant "
                f"init_value={describe(init_value)}"
            ]
        found = past_end(int(max(begin, 0) + steps), rows, what)
        if begin < 0:
            found.append(f"transition_begin={describe(begin)} < 0: optax treats it as 0")
        return found

    return notes


def constant_schedule(value: float) -> Reproduction:
    """``value`` at every step."""
    return _reproduction("constant_schedule", _constant(number("value", value)))


def polynomial_schedule(
    init_value: float, end_value: float, power: float, transition_steps: int, transition_begin: int = 0
) -> Reproduction:
    """``(init - end) * (1 - k / transition_steps) ** power + end`` with ``k`` the steps since
    ``transition_begin``, clamped to ``[0, transition_steps]``."""
    start, end, steps = (
        number("init_value", init_value),
        number("end_value", end_value),
        number("transition_steps", transition_steps),
    )
    begin = number("transition_begin", transition_begin)
    value = _polynomial(start, end, number("power", power), steps, begin)
    length = int(max(begin, 0) + steps) + 1 if steps > 0 else None
    notes = _polynomial_notes(start, steps, begin, f"optax holds end_value={describe(end_value)}")
    return _reproduction("polynomial_schedule", value, length, notes)


def linear_schedule(
    init_value: float, end_value: float, transition_steps: int, transition_begin: int = 0
) -> Reproduction:
    """From ``init_value`` to ``end_value`` in ``transition_steps`` steps after ``transition_begin``."""
    start, end, steps = (
        number("init_value", init_value),
        number("end_value", end_value),
        number("transition_steps", transition_steps),
    )
    begin = number("transition_begin", transition_begin)
    value = _polynomial(start, end, 1, steps, begin)
    length = int(max(begin, 0) + steps) + 1 if steps > 0 else None
    notes = _polynomial_notes(start, steps, begin, f"optax holds end_value={describe(end_value)}")
    return _reproduction("linear_schedule", value, length, _with_zero_start(start, notes))


def _with_zero_start(start: float, notes: Callable[[int], list[str]]) -> Callable[[int], list[str]]:
    if start != 0:
        return notes
    return lambda rows: [*notes(rows), "row 1 has rate 0: optax's first update uses init_value=0"]


def _exponential(
    init_value: float, steps: float, rate: float, begin: float, staircase: bool, end_value: float | None
) -> Value:
    if steps <= 0 or rate == 0:
        return _constant(init_value)
    begin = max(begin, 0)
    start, base, length = f(init_value), f(rate), f(steps)
    bound = None if end_value is None else f(end_value)
    clip = max if rate < 1.0 else min

    def value(ts: Floats) -> Floats:
        elapsed = [t - begin for t in ts]
        p = div32s(float32s(elapsed), length)
        if staircase:
            p = floor32s(p)
        grown = float32s([start * x for x in powers32s(base, p)])  # used only where elapsed > 0
        decayed = [start if e <= 0 else x for e, x in zip(elapsed, grown, strict=True)]
        return decayed if bound is None else [clip(x, bound) for x in decayed]

    return value


def exponential_decay(
    init_value: float,
    transition_steps: int,
    decay_rate: float,
    transition_begin: int = 0,
    staircase: bool = False,
    end_value: float | None = None,
) -> Reproduction:
    """``init * decay_rate ** ((t - transition_begin) / transition_steps)``, ``init`` until
    ``transition_begin``; clipped at ``end_value`` (a floor when decaying, a ceiling when growing)."""
    start, steps = number("init_value", init_value), number("transition_steps", transition_steps)
    rate, begin = number("decay_rate", decay_rate), number("transition_begin", transition_begin)
    end = None if end_value is None else number("end_value", end_value)
    value = _exponential(start, steps, rate, begin, boolean("staircase", staircase), end)

    def notes(rows: int) -> list[str]:
        if steps <= 0 or rate == 0:
            why = f"transition_steps={describe(steps)} <= 0" if steps <= 0 else "decay_rate=0"
            return [f"{why}: optax logs it and returns the constant init_value={describe(init_value)}"]
        return [f"transition_begin={describe(begin)} < 0: optax treats it as 0"] if begin < 0 else []

    return _reproduction("exponential_decay", value, notes=notes)


def _cosine(init_value: float, steps: float, alpha: float, exponent: float) -> Value:
    start, length, low = f(init_value), f(steps), f(alpha)
    keep = f(1 - alpha)
    plain = exponent == 1 and keep == 1.0 and low == 0.0  # x ** 1, 1.0 * x and x + 0.0 are x

    def value(ts: Floats) -> Floats:
        angle = div32s(float32s([PI * t for t in clamped(counts32(ts), length)]), length)
        plus_one = float32s([1 + c for c in cos32s(angle)])
        # 0.5 * x is exact: x = 1 + cos is 0 or at least 2 ** -24, far from float32's subnormals
        if plain:  # as below, without the steps that leave x as it is
            return float32s([start * (0.5 * x) for x in plus_one])
        cosine = [0.5 * x for x in plus_one]
        scaled = _power(cosine, exponent)
        if keep != 1.0:  # 1.0 * x is x
            scaled = float32s([keep * x for x in scaled])
        if low != 0.0 or keep < 0:  # x + 0.0 is x, but for -0.0, which keep * x >= +0 is not
            scaled = float32s([x + low for x in scaled])
        return float32s([start * x for x in scaled])

    return value


def _positive_decay_steps(argument: str, steps: float, shown: str) -> None:
    if not steps > 0:
        raise DialectError(argument, f"The cosine_decay_schedule requires positive decay_steps, got {shown}")


def cosine_decay_schedule(
    init_value: float, decay_steps: int, alpha: float = 0.0, exponent: float = 1.0
) -> Reproduction:
    """``init * ((1 - alpha) * (0.5 * (1 + cos(pi * min(t, decay_steps) / decay_steps))) ** exponent
    + alpha)``: clamped at ``alpha * init`` past ``decay_steps``."""
    steps = number("decay_steps", decay_steps)
    _positive_decay_steps("decay_steps", steps, f"decay_steps={describe(decay_steps)}")
    value = _cosine(
        number("init_value", init_value), steps, number("alpha", alpha), number("exponent", exponent)
    )
    return _reproduction(
        "cosine_decay_schedule",
        value,
        int(steps) + 1,
        lambda rows: past_end(int(steps), rows, "optax holds alpha * init_value"),
    )
