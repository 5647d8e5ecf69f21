"""Keras 3: ``keras.optimizers.schedules`` objects, called with the optimizer's iteration count.

Keras computes in float32 and only CosineDecay has a warmup. Its schedules clamp at their end
where lrsched's cosine climbs back (as PyTorch's does), so those emit only for the rows before.
"""

from __future__ import annotations

import math
from collections import Counter

from lrsched_cli.emit import Framework
from lrsched_cli.emit.base import (
    PLATEAU,
    Code,
    EmitError,
    Emitter,
    Spec,
    call,
    float32,
    float32_power,
    float32_steps,
    geometric,
)

PREFIX = "keras.optimizers.schedules."
KERAS = Framework.keras


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
