"""timm: ``timm.scheduler`` classes, stepped with ``step(epoch)`` (or ``step_update(step)``).

Warmup is timm's own (``warmup_t``, ``warmup_lr_init``) with ``warmup_prefix=True``, so the
schedule starts after it. With --steps-per-epoch the scheduler counts updates
(``t_in_epochs=False``) and is stepped with ``step_update``.
"""

from __future__ import annotations

import math

from lrsched_cli.errors import EmitError
from lrsched_cli.frameworks.emitting import OPTIMIZER, PLATEAU, Code, Emitter, Spec, call, geometric
from lrsched_cli.frameworks.timm import FRAMEWORK as TIMM


def scheduler(name: str, spec: Spec, **kwargs: object) -> Code:
    spec.warmup_to_lr(TIMM)
    if spec.warmup:
        kwargs.update(warmup_t=spec.warmup, warmup_lr_init=spec.warmup_start_lr, warmup_prefix=True)
    if spec.stepped_per_batch:
        kwargs.update(t_in_epochs=False)
    return call("timm.scheduler." + name, OPTIMIZER, **kwargs)


def exponential(spec: Spec) -> str:
    decay = geometric(spec)
    if decay.staircase:
        return scheduler("StepLRScheduler", spec, decay_t=decay.steps, decay_rate=decay.rate)
    return scheduler("StepLRScheduler", spec, decay_t=1, decay_rate=decay.per_step)


def cosine(spec: Spec) -> str:
    p = spec.params
    spec.within(spec.warmup + p["t_max"], "timm's CosineLRScheduler stays at lr_min after t_initial")
    return scheduler("CosineLRScheduler", spec, t_initial=p["t_max"], lr_min=p["min_lr"])


def cosine_restarts(spec: Spec) -> str:
    p = spec.params
    t_0, t_mult, decay, min_lr = p["t_0"], p["t_mult"], p["decay"], p["min_lr"]
    if decay != 1 and min_lr != 0:
        raise EmitError("timm's cycle_decay shrinks the peak itself, not its height above --min-lr")
    cycles, start, length = 0, 0, t_0
    while start < spec.rows - spec.warmup or not cycles:
        if t_mult != 1 and _cycle(start, t_0, t_mult) != cycles:
            raise EmitError(f"timm finds restarts with a float logarithm, missing the one at step {start}")
        cycles, start, length = cycles + 1, start + length, length * t_mult
    return scheduler(
        "CosineLRScheduler",
        spec,
        t_initial=t_0,
        lr_min=min_lr,
        cycle_mul=t_mult,
        cycle_decay=decay,
        cycle_limit=cycles,
    )


def _cycle(t: int, t_initial: int, cycle_mul: int) -> int:
    """timm's restart index, computed as CosineLRScheduler does."""
    return math.floor(math.log(1 - t / t_initial * (1 - cycle_mul), cycle_mul))


def constant(spec: Spec) -> str:
    if spec.params["factor"] != 1:
        raise EmitError("timm has no scheduler that holds a fraction of --lr, then jumps; drop --factor")
    return scheduler("StepLRScheduler", spec, decay_t=1, decay_rate=1.0)


def polynomial(spec: Spec) -> str:
    p = spec.params
    return scheduler(
        "PolyLRScheduler", spec, t_initial=p["total_iters"], power=p["power"], lr_min=p["min_lr"]
    )


def linear(spec: Spec) -> str:
    p = spec.params
    if p["start_factor"] != 1:
        raise EmitError("timm's PolyLRScheduler starts at --lr; drop --start-factor")
    lr_min = spec.lr * p["end_factor"]
    return scheduler("PolyLRScheduler", spec, t_initial=p["total_iters"], power=1.0, lr_min=lr_min)


MULTISTEP = (
    "timm's MultiStepLRScheduler drops one epoch early up to timm 1.0.31 and on time after it "
    "(pytorch-image-models #2745), so no one expression is right for every timm"
)
EMITTERS: dict[str, Emitter | str] = {
    "step": exponential,  # a StepLRScheduler
    "exponential": exponential,
    "cosine": cosine,
    "cosine-restarts": cosine_restarts,
    "multistep": MULTISTEP,
    "constant": constant,
    "linear": linear,
    "polynomial": polynomial,
    "piecewise": "timm's schedulers scale the optimizer's lr; piecewise sets the rates and has no --lr",
    "inverse-time": "timm has no inverse-time decay",
    "onecycle": "timm has no one-cycle scheduler",
    "cyclic": "timm has no cyclic scheduler",
    "inverse-sqrt": "timm has no inverse square root decay",
    "wsd": "not written yet: `lrsched from` does not read back timm's WSDLRScheduler",
    "plateau": PLATEAU,
}
"""Schedule -> its emitter, or why timm cannot express it."""
