"""optax schedules, reproduced in float32 as JAX evaluates them: the joins (warmups, piecewise,
one-cycle, SGDR) here, the simple schedules in `schedules`, every one in `SCHEDULERS`.

Joins are as optax's ``join_schedules``: each part restarts its clock at its boundary.
Source read: optax/schedules/_schedule.py and _join.py (optax 0.2.8).
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterator, Mapping
from itertools import count, islice, pairwise

from lrsched_cli.errors import DialectError
from lrsched_cli.frameworks._float32 import PI, Floats, cos32, div32
from lrsched_cli.frameworks._float32 import float32 as f
from lrsched_cli.frameworks.optax.schedules import (
    FRAMEWORK,
    Value,
    _cosine,
    _exponential,
    _polynomial,
    _polynomial_notes,
    _positive_decay_steps,
    _reproduction,
    _with_zero_start,
    constant_schedule,
    cosine_decay_schedule,
    exponential_decay,
    linear_schedule,
    polynomial_schedule,
)
from lrsched_cli.frameworks.reproduction import (
    Reproduction,
    boolean,
    describe,
    elementwise,
    integer,
    number,
    past_end,
)


def _join(values: list[Value], boundaries: list[float]) -> Value:
    """optax's join_schedules: past each boundary the next schedule, on its own clock.

    Integer boundaries in order split a block of steps into runs, each one schedule's on its
    own clock; any others are followed step by step.
    """
    pairs = list(zip(boundaries, values[1:], strict=False))
    edges = [boundary for boundary, _ in pairs]
    step_by_step = _join_step_by_step(values[0], pairs)
    if not all(isinstance(edge, int) for edge in edges) or edges != sorted(edges):
        return elementwise(step_by_step)

    def value(ts: Floats) -> Floats:
        if not isinstance(ts, range):
            return [step_by_step(t) for t in ts]  # type: ignore[arg-type]
        runs = [(0, values[0]), *pairs]  # schedule i from its boundary on, until the next's
        output: list[float] = []
        for (begin, child), (end, _) in zip(runs, [*runs[1:], (ts.stop, values[0])], strict=True):
            low, high = max(begin, ts.start), min(max(end, begin), ts.stop)
            if low < high:
                output += child(range(int(low - begin), int(high - begin)))  # int: checked above
        return output

    return value


def _join_step_by_step(first: Value, pairs: list[tuple[float, Value]]) -> Callable[[int], float]:
    def value(t: int) -> float:
        output = first([t])[0]
        for boundary, child in pairs:
            if not t < boundary:
                local = t - boundary  # a float boundary (warmup_steps=0.5) makes a float32 count
                output = child([local if isinstance(local, int) else f(local)])[0]
        return output

    return value


def _warmup_cosine(
    init_value: object,
    peak_value: object,
    warmup_steps: object,
    decay_steps: object,
    end_value: object,
    exponent: object,
) -> Value:
    start, peak = number("init_value", init_value), number("peak_value", peak_value)
    warmup, steps = number("warmup_steps", warmup_steps), number("decay_steps", decay_steps)
    end = number("end_value", end_value)
    _positive_decay_steps(  # optax's message shows the difference; the user wrote both
        "decay_steps",
        steps - warmup,
        f"decay_steps={describe(decay_steps)} not above warmup_steps={describe(warmup_steps)}",
    )
    alpha = 0.0 if peak == 0.0 else end / peak
    return _join(
        [
            _polynomial(start, peak, 1, warmup, 0),
            _cosine(peak, steps - warmup, alpha, number("exponent", exponent)),
        ],
        [warmup],
    )


def warmup_cosine_decay_schedule(
    init_value: float,
    peak_value: float,
    warmup_steps: int,
    decay_steps: int,
    end_value: float = 0.0,
    exponent: float = 1.0,
) -> Reproduction:
    """Linear warmup from ``init_value`` to ``peak_value`` over ``warmup_steps``, then a cosine to
    ``end_value``: ``decay_steps`` counts the warmup too (the cosine lasts ``decay_steps - warmup_steps``)."""
    value = _warmup_cosine(init_value, peak_value, warmup_steps, decay_steps, end_value, exponent)
    steps = int(decay_steps)
    return _reproduction(
        "warmup_cosine_decay_schedule",
        value,
        steps + 1,
        _with_zero_start(
            init_value, lambda rows: past_end(steps, rows, f"optax holds end_value={describe(end_value)}")
        ),
    )


def warmup_exponential_decay_schedule(
    init_value: float,
    peak_value: float,
    warmup_steps: int,
    transition_steps: int,
    decay_rate: float,
    transition_begin: int = 0,
    staircase: bool = False,
    end_value: float | None = None,
) -> Reproduction:
    """Linear warmup to ``peak_value``, then `exponential_decay` from the peak on its own clock."""
    start, peak = number("init_value", init_value), number("peak_value", peak_value)
    warmup = number("warmup_steps", warmup_steps)
    steps, rate = number("transition_steps", transition_steps), number("decay_rate", decay_rate)
    begin = number("transition_begin", transition_begin)
    end = None if end_value is None else number("end_value", end_value)
    value = _join(
        [
            _polynomial(start, peak, 1, warmup, 0),
            _exponential(peak, steps, rate, begin, boolean("staircase", staircase), end),
        ],
        [warmup],
    )
    return _reproduction(
        "warmup_exponential_decay_schedule", value, notes=_with_zero_start(start, lambda rows: [])
    )


def warmup_constant_schedule(init_value: float, peak_value: float, warmup_steps: int) -> Reproduction:
    """Linear warmup from ``init_value`` to ``peak_value`` over ``warmup_steps``, then constant."""
    start, peak = number("init_value", init_value), number("peak_value", peak_value)
    warmup = number("warmup_steps", warmup_steps)
    notes = _polynomial_notes(start, warmup, 0, f"optax holds peak_value={describe(peak_value)}")
    return _reproduction(
        "warmup_constant_schedule",
        _polynomial(start, peak, 1, warmup, 0),
        int(warmup) + 1 if warmup > 0 else None,
        _with_zero_start(start, notes),
    )


def _scales(function: str, boundaries_and_scales: object) -> list[tuple[float, float]]:
    """The dict's (boundary, scale) pairs, sorted; optax's check that scales are non-negative."""
    if boundaries_and_scales is None:
        return []
    if not isinstance(boundaries_and_scales, Mapping):
        raise DialectError(
            "boundaries_and_scales", f"expected a dict {{step: scale}}, got {describe(boundaries_and_scales)}"
        )
    pairs = sorted(
        (number("boundaries_and_scales", b), number("boundaries_and_scales", s))
        for b, s in boundaries_and_scales.items()
    )
    if not all(scale >= 0.0 for _, scale in pairs):
        raise DialectError("boundaries_and_scales", f"`{function}` expects non-negative scale factors")
    return pairs


def piecewise_constant_schedule(
    init_value: float, boundaries_and_scales: dict[int, float] | None = None
) -> Reproduction:
    """``init_value`` times every scale whose boundary is at or before the step (switches *at* it)."""
    start = number("init_value", init_value)
    pairs = _scales("piecewise_constant_schedule", boundaries_and_scales)

    def value(t: int) -> float:
        level = f(start)
        for boundary, scale in pairs:
            if not boundary - t > 0:
                level = f(f(scale) * level)
        return level

    length = int(pairs[-1][0]) + 1 if pairs else None
    return _reproduction("piecewise_constant_schedule", elementwise(value), length)


def _interpolate(kind: str, init_value: float, pairs: list[tuple[float, float]]) -> Value:
    bounds = [0.0] + [b for b, _ in pairs]
    levels = [f(init_value)]
    for _, scale in pairs:
        levels.append(f(levels[-1] * f(scale)))
    sizes = [max(high - low, 1) for low, high in pairwise(bounds)]

    def between(start: float, end: float, pct: float) -> float:
        if kind == "linear":
            return f(f(f(end - start) * pct) + start)
        return f(end + f(f(f(start - end) / 2.0) * f(cos32(f(PI * pct)) + 1)))

    def value(t: int) -> float:
        total = 0.0
        for i, size in enumerate(sizes):
            if bounds[i] <= t < bounds[i + 1]:
                total = f(total + between(levels[i], levels[i + 1], div32(f(t - bounds[i]), f(size))))
        return f(total + levels[-1]) if bounds[-1] <= t else total

    return elementwise(value)


def piecewise_interpolate_schedule(
    interpolate_type: str, init_value: float, boundaries_and_scales: dict[int, float] | None = None
) -> Reproduction:
    """Interpolated (``'linear'`` or ``'cosine'``) between the cumulative products of the scales,
    reached at their boundaries; the last value from the last boundary on."""
    if interpolate_type not in ("linear", "cosine"):
        raise DialectError("interpolate_type", "`interpolate_type` must be either 'cosine' or 'linear'")
    start = number("init_value", init_value)
    pairs = _scales("piecewise_interpolate_schedule", boundaries_and_scales or None)
    length = int(pairs[-1][0]) + 1 if pairs else None
    return _reproduction(
        "piecewise_interpolate_schedule", _interpolate(interpolate_type, start, pairs), length
    )


def _onecyclenumber(transition_steps: object) -> int:
    steps = number("transition_steps", transition_steps)
    if steps <= 0:
        raise DialectError(
            "transition_steps", "A linear onecycle schedule was set with a non-positive `transition_steps`"
        )
    return steps  # type: ignore[return-value]


def linear_onecycle_schedule(
    transition_steps: int,
    peak_value: float,
    pct_start: float = 0.3,
    pct_final: float = 0.85,
    div_factor: float = 25.0,
    final_div_factor: float = 1e4,
) -> Reproduction:
    """Three linear phases: ``peak/div`` up to ``peak`` at ``int(pct_start*T)``, back to ``peak/div``
    at ``int(pct_final*T)``, down to ``peak/(div*final_div)`` at ``T``; held after."""
    steps = _onecyclenumber(transition_steps)
    peak, div = number("peak_value", peak_value), number("div_factor", div_factor)
    knots = {
        int(number("pct_start", pct_start) * steps): div,
        int(number("pct_final", pct_final) * steps): 1.0 / div,
        steps: 1.0 / number("final_div_factor", final_div_factor),
    }
    value = _interpolate("linear", peak / div, _scales("linear_onecycle_schedule", knots))
    return _reproduction("linear_onecycle_schedule", value, int(steps) + 1)


def cosine_onecycle_schedule(
    transition_steps: int,
    peak_value: float,
    pct_start: float = 0.3,
    div_factor: float = 25.0,
    final_div_factor: float = 1e4,
) -> Reproduction:
    """Two cosine phases: ``peak/div`` up to ``peak`` at ``int(pct_start*T)``, down to
    ``peak/(div*final_div)`` at ``T`` (PyTorch's OneCycleLR peaks a step earlier and ends at T-1)."""
    steps = _onecyclenumber(transition_steps)
    peak, div = number("peak_value", peak_value), number("div_factor", div_factor)
    knots = {
        int(number("pct_start", pct_start) * steps): div,
        int(steps): 1.0 / (div * number("final_div_factor", final_div_factor)),
    }
    value = _interpolate("cosine", peak / div, _scales("cosine_onecycle_schedule", knots))
    return _reproduction("cosine_onecycle_schedule", value, int(steps) + 1)


def join_schedules(schedules: list[Reproduction], boundaries: list[int]) -> Reproduction:
    """``schedules[0]`` until ``boundaries[0]``, then ``schedules[1]`` counting from 0 again, and so on."""
    if not isinstance(schedules, list | tuple) or not schedules:
        raise DialectError("schedules", f"expected a list of optax schedules, got {describe(schedules)}")
    for child in schedules:
        if not isinstance(child, Reproduction) or child.framework != FRAMEWORK:
            raise DialectError("schedules", f"expected optax schedules, got {describe(child)}")
    if not isinstance(boundaries, list | tuple):
        raise DialectError("boundaries", f"expected a list of steps, got {describe(boundaries)}")
    edges = [integer("boundaries", b) for b in boundaries]
    pairs = list(zip(edges, schedules[1:], strict=False))

    def rates(lr: float | None) -> Iterator[float]:
        first = schedules[0].rates(None)
        later = [(edge, islice(child.rates(None), max(-edge, 0), None)) for edge, child in pairs]
        for t in count():
            output = next(first)
            for edge, child_rates in later:
                if t >= edge:
                    output = next(child_rates)
            yield output

    last_edge, last = (pairs[-1][0], pairs[-1][1]) if pairs else (0, schedules[0])
    length = None if last.length is None else last_edge + last.length
    return Reproduction(FRAMEWORK, "join_schedules", {}, rates, needs_lr=False, length=length)


def sgdr_schedule(cosine_kwargs: list[dict[str, float]]) -> Reproduction:
    """Restarts written out: one `warmup_cosine_decay_schedule` per dict, each starting when the
    previous one's ``decay_steps`` are done."""
    if not isinstance(cosine_kwargs, list | tuple) or not cosine_kwargs:
        raise DialectError(
            "cosine_kwargs",
            f"expected a list of dicts of warmup_cosine_decay_schedule arguments, "
            f"got {describe(cosine_kwargs)}",
        )
    signature = inspect.signature(warmup_cosine_decay_schedule)
    values: list[Value] = []
    boundaries: list[float] = []
    step: float = 0  # optax adds the decay_steps as given: ints stay ints
    for kwargs in cosine_kwargs:
        if not isinstance(kwargs, Mapping) or not all(isinstance(k, str) for k in kwargs):
            raise DialectError(
                "cosine_kwargs", f"expected a dict of keyword arguments, got {describe(kwargs)}"
            )
        try:
            bound = signature.bind(**kwargs)
        except TypeError as exc:
            raise DialectError("cosine_kwargs", f"warmup_cosine_decay_schedule(): {exc}") from None
        bound.apply_defaults()
        values.append(_warmup_cosine(*bound.args))
        step += number("decay_steps", kwargs["decay_steps"])
        boundaries.append(step)
    return _reproduction("sgdr_schedule", _join(values, boundaries[:-1]), int(step) + 1)


SCHEDULERS: dict[str, Callable[..., Reproduction]] = {
    function.__name__: function
    for function in (
        constant_schedule,
        linear_schedule,
        polynomial_schedule,
        exponential_decay,
        cosine_decay_schedule,
        warmup_cosine_decay_schedule,
        warmup_exponential_decay_schedule,
        warmup_constant_schedule,
        piecewise_constant_schedule,
        piecewise_interpolate_schedule,
        linear_onecycle_schedule,
        cosine_onecycle_schedule,
        join_schedules,
        sgdr_schedule,
    )
}

STEP_COUNTS = frozenset({"transition_steps", "warmup_steps", "decay_steps", "transition_begin"})
"""The arguments that count steps: a float below 1 gets a note."""
