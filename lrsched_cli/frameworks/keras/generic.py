"""Keras's schedules as lrsched's generic schedules: the inverse of `emit` (``from --emit``).

Keras schedules carry their rates (``initial_learning_rate``), so the generic ``lr`` is theirs,
not --lr. PiecewiseConstantDecay switches one step after each boundary, the generic piecewise
at it: its boundaries are Keras's plus one.
"""

from __future__ import annotations

import math

from lrsched_cli.errors import EmitError
from lrsched_cli.frameworks.porting import Arguments, Generic, Translator, held, whole


def exponential(a: Arguments, lr: float | None) -> Generic:
    params = {
        "lr": a["initial_learning_rate"],
        "gamma": a["decay_rate"],
        "decay_steps": whole("decay_steps", a["decay_steps"]),
        "staircase": a["staircase"],
    }
    return Generic("exponential", params)


def piecewise(a: Arguments, lr: float | None) -> Generic:
    boundaries = tuple(math.trunc(b) + 1 for b in a["boundaries"])  # Keras casts them to the step's int
    return held(boundaries, tuple(a["values"]))


def polynomial(a: Arguments, lr: float | None) -> Generic:
    if a["cycle"]:
        raise EmitError(
            "PolynomialDecay with cycle=True restarts its decay, and lrsched's polynomial stays at its end"
        )
    params = {
        "lr": a["initial_learning_rate"],
        "total_iters": whole("decay_steps", a["decay_steps"]),
        "power": a["power"],
        "min_lr": a["end_learning_rate"],
    }
    return Generic("polynomial", params)


def inverse_time(a: Arguments, lr: float | None) -> Generic:
    params = {
        "lr": a["initial_learning_rate"],
        "decay_rate": a["decay_rate"],
        "decay_steps": whole("decay_steps", a["decay_steps"]),
        "staircase": a["staircase"],
    }
    return Generic("inverse-time", params)


def cosine(a: Arguments, lr: float | None) -> Generic:
    """CosineDecay: a cosine from the peak to ``alpha`` of it, after its warmup if it has one."""
    steps = whole("decay_steps", a["decay_steps"])
    if a["warmup_target"] is None:
        peak = a["initial_learning_rate"]
        return Generic("cosine", {"lr": peak, "t_max": steps, "min_lr": a["alpha"] * peak})
    peak = a["warmup_target"]
    warmup = whole("warmup_steps", a["warmup_steps"])
    params = {"lr": peak, "t_max": steps, "min_lr": a["alpha"] * peak}
    return Generic("cosine", params, warmup=warmup, warmup_start_lr=a["initial_learning_rate"])


def restarts(a: Arguments, lr: float | None) -> Generic:
    peak = a["initial_learning_rate"]
    params = {
        "lr": peak,
        "t_0": whole("first_decay_steps", a["first_decay_steps"]),
        "t_mult": whole("t_mul", a["t_mul"]),
        "min_lr": a["alpha"] * peak,
        "decay": a["m_mul"],
    }
    return Generic("cosine-restarts", params)


GENERIC: dict[str, Translator | str] = {
    "ExponentialDecay": exponential,
    "PiecewiseConstantDecay": piecewise,
    "PolynomialDecay": polynomial,
    "InverseTimeDecay": inverse_time,
    "CosineDecay": cosine,
    "CosineDecayRestarts": restarts,
}
"""Schedule -> its generic equivalent, or why lrsched has none."""
