"""Hugging Face transformers: ``get_*_schedule*`` functions returning a LambdaLR.

Their rates scale the optimizer's ``lr``, and every warmup ramps from 0 to that ``lr``.
"""

from __future__ import annotations

import math

from lrsched_cli.errors import EmitError
from lrsched_cli.frameworks.emitting import OPTIMIZER, PLATEAU, Code, Emitter, Spec, call
from lrsched_cli.frameworks.hf import FRAMEWORK as HF

NO_DECAY = "transformers has no step, multistep or exponential decay (only linear, cosine, polynomial, ...)"


def schedule(name: str, spec: Spec, **kwargs: object) -> Code:
    spec.warmup_from_zero(HF)
    spec.warmup_to_lr(HF)
    return call("transformers." + name, OPTIMIZER, num_warmup_steps=spec.warmup, **kwargs)


def cosine(spec: Spec) -> str:
    p, total = spec.params, spec.warmup + spec.params["t_max"]
    if p["min_lr"] == 0:
        return schedule("get_cosine_schedule_with_warmup", spec, num_training_steps=total)
    return schedule(
        "get_cosine_with_min_lr_schedule_with_warmup", spec, num_training_steps=total, min_lr=p["min_lr"]
    )


def cosine_restarts(spec: Spec) -> str:
    p = spec.params
    if p["t_mult"] != 1:
        raise EmitError("transformers' hard restarts are all the same length; drop --t-mult")
    if p["decay"] != 1:
        raise EmitError("transformers' hard restarts all start at the same peak; drop --decay")
    if p["min_lr"] != 0:
        raise EmitError("transformers' hard restarts anneal to 0; drop --min-lr")
    t_0 = p["t_0"]
    cycles = max(1, math.ceil((spec.rows - spec.warmup) / t_0))  # it drops to 0 after the last
    for cycle in range(1, cycles):
        # The restart is where float(num_cycles) * progress % 1.0 comes back to 0.
        if cycles * (float(cycle * t_0) / float(cycles * t_0)) % 1.0 != 0.0:
            at = spec.warmup + cycle * t_0
            raise EmitError(f"transformers' float arithmetic misses the restart at step {at}")
    return schedule(
        "get_cosine_with_hard_restarts_schedule_with_warmup",
        spec,
        num_training_steps=spec.warmup + cycles * t_0,
        num_cycles=cycles,
    )


def constant(spec: Spec) -> str:
    if spec.params["factor"] != 1:
        raise EmitError("transformers' constant schedules hold --lr itself; drop --factor")
    return schedule("get_constant_schedule_with_warmup", spec)


def linear(spec: Spec) -> str:
    p = spec.params
    if p["start_factor"] != 1 or p["end_factor"] != 0:
        raise EmitError("transformers' linear schedule goes from --lr to 0: --start-factor 1 --end-factor 0")
    return schedule(
        "get_linear_schedule_with_warmup", spec, num_training_steps=spec.warmup + p["total_iters"]
    )


def polynomial(spec: Spec) -> str:
    p = spec.params
    if p["min_lr"] >= spec.lr:
        raise EmitError("transformers' polynomial decay needs --min-lr below --lr")
    return schedule(
        "get_polynomial_decay_schedule_with_warmup",
        spec,
        num_training_steps=spec.warmup + p["total_iters"],
        lr_end=p["min_lr"],
        power=p["power"],
    )


def inverse_sqrt(spec: Spec) -> str:
    return schedule("get_inverse_sqrt_schedule", spec, timescale=spec.params["timescale"])


def warmup_stable_decay(spec: Spec) -> str:
    p = spec.params
    if spec.warmup and spec.warmup_start_lr != p["min_lr"]:
        raise EmitError(
            "transformers' WSD warmup starts from --min-lr: give --warmup-start-lr the same value"
        )
    spec.warmup_to_lr(HF)
    return call(
        "transformers.get_wsd_schedule",
        OPTIMIZER,
        num_warmup_steps=spec.warmup,
        num_decay_steps=p["decay_steps"],
        num_stable_steps=p["stable_steps"],
        decay_type=p["decay_type"],
        min_lr_ratio=p["min_lr"] / spec.lr,
    )


EMITTERS: dict[str, Emitter | str] = {
    "step": NO_DECAY,
    "exponential": NO_DECAY,
    "cosine": cosine,
    "cosine-restarts": cosine_restarts,
    "multistep": NO_DECAY,
    "constant": constant,
    "linear": linear,
    "polynomial": polynomial,
    "piecewise": "transformers has no piecewise-constant schedule",
    "inverse-time": "transformers has no inverse-time decay",
    "onecycle": "transformers has no one-cycle schedule",
    "cyclic": "transformers has no cyclic schedule",
    "inverse-sqrt": inverse_sqrt,
    "wsd": warmup_stable_decay,
    "plateau": PLATEAU,
}
"""Schedule -> its emitter, or why transformers cannot express it."""
