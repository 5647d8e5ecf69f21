"""Keras 3: ``keras.optimizers.schedules`` objects, called with the optimizer's iteration count.

Keras computes in float32 and only CosineDecay has a warmup. Its schedules clamp at their end
where lrsched's cosine climbs back (as PyTorch's does), so those emit only for the rows before.
"""

from __future__ import annotations

import math
from collections import Counter

from lrsched_cli.errors import EmitError
from lrsched_cli.frameworks._float32 import float32
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
from lrsched_cli.frameworks.keras import FRAMEWORK as KERAS

PREFIX = "keras.optimizers.schedules."


def schedule(name: str, **kwargs: object) -> Code:
    return call(PREFIX + name, **kwargs)


def exponential(spec: Spec) -> str:
    spec.no_warmup(KERAS, "ExponentialDecay")
    float32_steps(spec, KERAS)
    decay = geometric(spec)
    float32_power(spec, KERAS, decay.rate, decay.last_exponent(spec))
    return schedule(
        "ExponentialDecay",
        initial_learning_rate=spec.lr,
        decay_steps=decay.steps,
        decay_rate=decay.rate,
        staircase=decay.staircase,
    )


def cosine(spec: Spec) -> str:
    float32_steps(spec, KERAS)
    p, warmup = spec.params, spec.warmup
    spec.within(warmup + p["t_max"], "Keras's CosineDecay stays at its floor after decay_steps")
    alpha = p["min_lr"] / spec.lr
    if not warmup:
        return schedule("CosineDecay", initial_learning_rate=spec.lr, decay_steps=p["t_max"], alpha=alpha)
    return schedule(
        "CosineDecay",
        initial_learning_rate=spec.warmup_start_lr,
        decay_steps=p["t_max"],
        alpha=alpha,
        warmup_target=spec.lr,
        warmup_steps=warmup,
    )


def cosine_restarts(spec: Spec) -> str:
    spec.no_warmup(KERAS, "CosineDecayRestarts")
    float32_steps(spec, KERAS)
    p = spec.params
    _restarts_found(spec.rows, p["t_0"], p["t_mult"])
    if p["t_mult"] == 1:
        _position_found(spec, p["t_0"], 1 - p["min_lr"] / spec.lr, p["decay"])
    float32_power(spec, KERAS, p["decay"], _restarts(spec.rows, p["t_0"], p["t_mult"]))
    return schedule(
        "CosineDecayRestarts",
        initial_learning_rate=spec.lr,
        first_decay_steps=p["t_0"],
        t_mul=float(p["t_mult"]),
        m_mul=float(p["decay"]),
        alpha=p["min_lr"] / spec.lr,
    )


def _restarts_found(rows: int, t_0: int, t_mult: int) -> None:
    """Refuse when Keras's float32 ``floor(log(1 + f (t_mul - 1)) / log(t_mul))`` misses a restart."""
    if t_mult == 1:
        return
    log_mult = float32(math.log(t_mult))
    start, length, cycle = t_0, t_0 * t_mult, 1
    while start < rows:
        fraction = float32(start / t_0)
        found = math.floor(float32(float32(math.log(float32(1 + fraction * (t_mult - 1)))) / log_mult))
        if found != cycle:
            raise EmitError(f"Keras finds restarts with a float32 logarithm, missing the one at step {start}")
        start, length, cycle = start + length, length * t_mult, cycle + 1


CHECKED = 1 << 20
"""Rows `_position_found` checks one by one at most; past them it refuses rather than guess."""


def _position_found(spec: Spec, first: int, span: float, decay: float) -> None:
    """Refuse when Keras's float32 ``step / first_decay_steps`` moves a rate past the tolerance.

    With t_mul 1, Keras finds the position in the cycle as q - floor(q), q = step / first rounded
    to float32: off by up to q * 2**-24, which the cosine turns into up to pi / 2 times that of
    the rate's span (``span`` of --lr, times decay per restart). Exact when ``first`` is a power
    of two; else each row past the point where the bound fits the budget is checked.
    """
    if first & (first - 1) == 0:
        return
    budget = KERAS.tolerance / 2
    safe = math.floor(budget / (math.pi / 2 * 2.0**-24 * span) * first) if span > 0 else spec.rows
    why = "Keras holds step / first_decay_steps in float32, which moves the rate by more than"
    for t in range(max(safe, 0), spec.rows):
        if t - safe >= CHECKED:
            spec.within(t - 1, f"{why} {KERAS.tolerance} of the peak past here, or too far to check")
        q = float32(t / first)
        drift = abs(math.cos(math.pi * (q - math.floor(q))) - math.cos(math.pi * (t % first) / first)) / 2
        if span * decay ** (t // first) * drift > budget:
            spec.within(t - 1, f"{why} {KERAS.tolerance} of the peak at step {t}")


def _restarts(rows: int, t_0: int, t_mult: int) -> int:
    """How many restarts lrsched's rows reach: the largest power of --decay they use."""
    start, length, count = t_0, t_0 * t_mult, 0
    while start < rows:
        start, length, count = start + length, length * t_mult, count + 1
    return count


def _switching_at(steps: list[int], values: list[float]) -> Code:
    """A PiecewiseConstantDecay taking ``values[i + 1]`` from step ``steps[i]`` on.

    Keras keeps the old value at a boundary itself, so each boundary is written one step early.
    """
    if not steps:
        raise EmitError("PiecewiseConstantDecay needs a boundary, and this rate never changes")
    return schedule("PiecewiseConstantDecay", boundaries=[step - 1 for step in steps], values=values)


def multistep(spec: Spec) -> str:
    spec.no_warmup(KERAS, "PiecewiseConstantDecay")
    float32_steps(spec, KERAS)
    p = spec.params
    drops = Counter(p["milestones"])
    steps = sorted(step for step in drops if step > 0)
    count = drops[0]
    values = [spec.lr * p["gamma"] ** count]
    for step in steps:
        count += drops[step]
        values.append(spec.lr * p["gamma"] ** count)
    return _switching_at(steps, values)


def constant(spec: Spec) -> str:
    spec.no_warmup(KERAS, "PiecewiseConstantDecay")
    float32_steps(spec, KERAS)
    p = spec.params
    return _switching_at([p["total_iters"]], [spec.lr * p["factor"], spec.lr])


def piecewise(spec: Spec) -> str:
    spec.no_warmup(KERAS, "PiecewiseConstantDecay")
    float32_steps(spec, KERAS)
    return _switching_at(list(spec.params["boundaries"]), list(spec.params["values"]))


def linear(spec: Spec) -> str:
    spec.no_warmup(KERAS, "PolynomialDecay")
    float32_steps(spec, KERAS)
    p, lr = spec.params, spec.lr
    return schedule(
        "PolynomialDecay",
        initial_learning_rate=lr * p["start_factor"],
        decay_steps=p["total_iters"],
        end_learning_rate=lr * p["end_factor"],
        power=1.0,
    )


def polynomial(spec: Spec) -> str:
    p = spec.params
    return _plain(
        spec, "PolynomialDecay", decay_steps=p["total_iters"], end_learning_rate=p["min_lr"], power=p["power"]
    )


def inverse_time(spec: Spec) -> str:
    p = spec.params
    return _plain(
        spec,
        "InverseTimeDecay",
        decay_steps=p["decay_steps"],
        decay_rate=p["decay_rate"],
        staircase=p["staircase"],
    )


def _plain(spec: Spec, name: str, **kwargs: object) -> Code:
    """A schedule from --lr with no warmup (only CosineDecay has one)."""
    spec.no_warmup(KERAS, name)
    float32_steps(spec, KERAS)
    return schedule(name, initial_learning_rate=spec.lr, **kwargs)


EMITTERS: dict[str, Emitter | str] = {
    "step": exponential,  # a staircase ExponentialDecay
    "exponential": exponential,
    "cosine": cosine,
    "cosine-restarts": cosine_restarts,
    "multistep": multistep,
    "constant": constant,
    "linear": linear,
    "polynomial": polynomial,
    "piecewise": piecewise,
    "inverse-time": inverse_time,
    "onecycle": "Keras has no one-cycle schedule",
    "cyclic": "Keras has no cyclic schedule",
    "inverse-sqrt": "Keras has no inverse square root decay",
    "wsd": "Keras has no warmup-stable-decay schedule",
    "plateau": PLATEAU,
}
"""Schedule -> its emitter, or why Keras cannot express it."""
