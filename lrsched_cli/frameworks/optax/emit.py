"""optax: schedule functions of the update count, in float32.

Warmup is a ``join_schedules`` of a ``linear_schedule`` and the schedule (or optax's own
``warmup_*`` function where there is one); restarts are a join of one cosine per cycle.
"""

from __future__ import annotations

from collections import Counter

from lrsched_cli.errors import EmitError
from lrsched_cli.frameworks.emitting import (
    PLATEAU,
    Code,
    Emitter,
    Spec,
    call,
    float32_power,
    float32_steps,
    geometric,
)
from lrsched_cli.frameworks.optax import FRAMEWORK as OPTAX

MOST_CYCLES = 100
"""Restart cycles written out one by one before the expression is too long to be useful."""


def schedule(name: str, **kwargs: object) -> Code:
    return call("optax." + name, **kwargs)


def join(schedules: list[Code], boundaries: list[int]) -> Code:
    if len(schedules) == 1:
        return schedules[0]
    return schedule("join_schedules", schedules=schedules, boundaries=boundaries)


def with_warmup(spec: Spec, schedules: list[Code], boundaries: list[int]) -> Code:
    """Join ``schedules`` at ``boundaries`` (counted after the warmup), after the warmup if any."""
    if not spec.warmup:
        return join(schedules, boundaries)
    ramp = schedule(
        "linear_schedule",
        init_value=spec.warmup_start_lr,
        end_value=spec.first_rate,
        transition_steps=spec.warmup,
    )
    return join([ramp, *schedules], [spec.warmup] + [spec.warmup + b for b in boundaries])


def exponential(spec: Spec) -> str:
    float32_steps(spec, OPTAX)
    decay = geometric(spec)
    if decay.rate == 0:
        raise EmitError("optax.exponential_decay treats a decay_rate of 0 as no decay at all")
    float32_power(spec, OPTAX, decay.rate, decay.last_exponent(spec))
    decay_args = {"transition_steps": decay.steps, "decay_rate": decay.rate, "staircase": decay.staircase}
    if not spec.warmup:
        return schedule("exponential_decay", init_value=spec.lr, **decay_args)
    return schedule(
        "warmup_exponential_decay_schedule",
        init_value=spec.warmup_start_lr,
        peak_value=spec.lr,
        warmup_steps=spec.warmup,
        **decay_args,
    )


def cosine(spec: Spec) -> str:
    float32_steps(spec, OPTAX)
    p, warmup, lr = spec.params, spec.warmup, spec.lr
    spec.within(warmup + p["t_max"], "optax's cosine schedules stay at their floor after decay_steps")
    if not warmup:
        alpha = p["min_lr"] / lr
        return schedule("cosine_decay_schedule", init_value=lr, decay_steps=p["t_max"], alpha=alpha)
    return schedule(
        "warmup_cosine_decay_schedule",
        init_value=spec.warmup_start_lr,
        peak_value=lr,
        warmup_steps=warmup,
        decay_steps=warmup + p["t_max"],
        end_value=p["min_lr"],
    )


def cosine_restarts(spec: Spec) -> str:
    float32_steps(spec, OPTAX)
    p, lr = spec.params, spec.lr
    min_lr, decay, t_mult = p["min_lr"], p["decay"], p["t_mult"]
    cycles: list[Code] = []
    boundaries: list[int] = []
    start, length = 0, p["t_0"]
    while start < spec.rows - spec.warmup or not cycles:
        if len(cycles) == MOST_CYCLES:
            raise EmitError(f"optax needs one cosine per restart cycle: more than {MOST_CYCLES} here")
        peak = min_lr + (lr - min_lr) * decay ** len(cycles)
        alpha = min_lr / peak if peak else 0.0
        cycles.append(schedule("cosine_decay_schedule", init_value=peak, decay_steps=length, alpha=alpha))
        boundaries.append(start + length)
        start, length = start + length, length * t_mult
    return with_warmup(spec, cycles, boundaries[:-1])


def multistep(spec: Spec) -> str:
    float32_steps(spec, OPTAX)
    p = spec.params
    drops = Counter(p["milestones"])
    scales = {step: float(p["gamma"] ** drops[step]) for step in sorted(drops)}
    main = schedule("piecewise_constant_schedule", init_value=spec.lr, boundaries_and_scales=scales)
    return with_warmup(spec, [main], [])


def _constants(spec: Spec, values: list[float], boundaries: list[int]) -> str:
    float32_steps(spec, OPTAX)
    parts = [schedule("constant_schedule", value=value) for value in values]
    return with_warmup(spec, parts, boundaries)


def constant(spec: Spec) -> str:
    p = spec.params
    return _constants(spec, [spec.lr * p["factor"], spec.lr], [p["total_iters"]])


def piecewise(spec: Spec) -> str:
    return _constants(spec, list(spec.params["values"]), list(spec.params["boundaries"]))


def linear(spec: Spec) -> str:
    float32_steps(spec, OPTAX)
    p, lr = spec.params, spec.lr
    main = schedule(
        "linear_schedule",
        init_value=lr * p["start_factor"],
        end_value=lr * p["end_factor"],
        transition_steps=p["total_iters"],
    )
    return with_warmup(spec, [main], [])


def polynomial(spec: Spec) -> str:
    float32_steps(spec, OPTAX)
    p = spec.params
    main = schedule(
        "polynomial_schedule",
        init_value=spec.lr,
        end_value=p["min_lr"],
        power=p["power"],
        transition_steps=p["total_iters"],
    )
    return with_warmup(spec, [main], [])


def one_cycle(spec: Spec) -> str:
    """PyTorch's one cycle as knots of a ``piecewise_interpolate_schedule``, when they are whole steps."""
    spec.sets_rates(OPTAX, "the one-cycle schedule")
    float32_steps(spec, OPTAX)
    p = spec.params
    total, pct, div = p["total_steps"], p["pct_start"], p["div_factor"]
    spec.within(total - 1, "optax holds the last rate where PyTorch's OneCycleLR extrapolates one step on")
    ends = [float(pct * total) - 1]  # as lrsched and PyTorch compute the phase ends
    scales = [div]
    if p["three_phase"]:
        ends.append(float(2 * pct * total) - 2)
        scales.append(1 / div)
    ends.append(total - 1)
    scales.append(1 / p["final_div_factor"] if p["three_phase"] else 1 / (div * p["final_div_factor"]))
    if not all(float(end).is_integer() for end in ends):
        raise EmitError(f"the phases end at steps {ends}, and optax's knots are whole steps")
    return schedule(
        "piecewise_interpolate_schedule",
        interpolate_type="cosine" if p["anneal_strategy"] == "cos" else "linear",
        init_value=p["max_lr"] / div,
        boundaries_and_scales={int(end): scale for end, scale in zip(ends, scales)},
    )


EMITTERS: dict[str, Emitter | str] = {
    "step": exponential,  # a staircase exponential_decay
    "exponential": exponential,
    "cosine": cosine,
    "cosine-restarts": cosine_restarts,
    "multistep": multistep,
    "constant": constant,
    "linear": linear,
    "polynomial": polynomial,
    "piecewise": piecewise,
    "inverse-time": "optax has no inverse-time decay",
    "onecycle": one_cycle,
    "cyclic": "optax has no cyclic schedule",
    "inverse-sqrt": "optax has no inverse square root decay",
    "wsd": "optax has no warmup-stable-decay schedule",
    "plateau": PLATEAU,
}
"""Schedule -> its emitter, or why optax cannot express it."""
