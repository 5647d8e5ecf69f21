"""transformers' schedule functions as lrsched's generic schedules: the inverse of `emit`.

Each is a factor of the optimizer's --lr after a warmup of ``num_warmup_steps`` from 0 (WSD's
from ``min_lr_ratio``); ``num_training_steps`` counts the warmup too. ``get_scheduler`` maps
through the function its name selects, with that function's defaults.
"""

from __future__ import annotations

import inspect

from lrsched_cli.errors import EmitError
from lrsched_cli.frameworks.porting import Arguments, Generic, Translator, whole
from lrsched_cli.frameworks.reproduction import describe


def _lr(lr: float | None) -> float:
    if lr is None:
        raise EmitError("transformers' schedules scale the optimizer's rate: give it with --lr")
    return lr


def _steps(a: Arguments) -> tuple[int, int]:
    """(warmup, steps after it)."""
    warmup = whole("num_warmup_steps", a["num_warmup_steps"])
    return warmup, whole("num_training_steps", a["num_training_steps"]) - warmup


def _half_cosines(a: Arguments, after: int) -> int:
    """The generic cosine's t_max: HF's ``cos(pi * 2 * num_cycles * progress)`` is a half cosine
    over ``after / (2 * num_cycles)`` steps."""
    cycles = a["num_cycles"]
    if not cycles > 0:
        raise EmitError(f"num_cycles={describe(cycles)} leaves the rate flat, and lrsched's cosine anneals")
    return whole("num_training_steps - num_warmup_steps over 2 * num_cycles", after / (2 * cycles))


def constant(a: Arguments, lr: float | None) -> Generic:
    return Generic("constant", {"lr": _lr(lr), "factor": 1.0, "total_iters": 1})


def constant_with_warmup(a: Arguments, lr: float | None) -> Generic:
    warmup = whole("num_warmup_steps", a["num_warmup_steps"])
    return Generic("constant", {"lr": _lr(lr), "factor": 1.0, "total_iters": 1}, warmup=warmup)


def linear(a: Arguments, lr: float | None) -> Generic:
    warmup, after = _steps(a)
    params = {"lr": _lr(lr), "start_factor": 1.0, "end_factor": 0.0, "total_iters": after}
    return Generic("linear", params, warmup=warmup)


def cosine(a: Arguments, lr: float | None) -> Generic:
    warmup, after = _steps(a)
    params = {"lr": _lr(lr), "t_max": _half_cosines(a, after), "min_lr": 0.0}
    return Generic("cosine", params, warmup=warmup)


def _floor(a: Arguments, lr: float) -> float:
    return float(a["min_lr"]) if a["min_lr"] is not None else lr * float(a["min_lr_rate"])


def cosine_with_min_lr(a: Arguments, lr: float | None) -> Generic:
    warmup, after = _steps(a)
    rate = _lr(lr)
    params = {"lr": rate, "t_max": _half_cosines(a, after), "min_lr": _floor(a, rate)}
    return Generic("cosine", params, warmup=warmup)


def cosine_warmup_with_min_lr(a: Arguments, lr: float | None) -> Generic:
    """The ``_lr_rate`` variant counts from 1: its warmup reaches the peak at step W - 1 (from
    lr / W, or ``warmup_lr_rate``), and the cosine starts there."""
    warmup, after = _steps(a)
    if warmup < 1:
        raise EmitError(
            "with num_warmup_steps=0 this cosine starts a step in, and lrsched's starts at its peak"
        )
    rate = _lr(lr)
    start = rate / warmup if a["warmup_lr_rate"] is None else rate * float(a["warmup_lr_rate"])
    params = {"lr": rate, "t_max": _half_cosines(a, after), "min_lr": _floor(a, rate)}
    return Generic("cosine", params, warmup=warmup - 1, warmup_start_lr=start if warmup > 1 else 0.0)


def hard_restarts(a: Arguments, lr: float | None) -> Generic:
    warmup, after = _steps(a)
    cycles = whole("num_cycles", a["num_cycles"])
    if cycles < 1:
        raise EmitError(f"num_cycles={describe(a['num_cycles'])}: lrsched's restarts need at least one cycle")
    t_0 = whole("num_training_steps - num_warmup_steps over num_cycles", after / cycles)
    params = {"lr": _lr(lr), "t_0": t_0, "t_mult": 1, "min_lr": 0.0, "decay": 1.0}
    return Generic("cosine-restarts", params, warmup=warmup)


def polynomial(a: Arguments, lr: float | None) -> Generic:
    warmup, after = _steps(a)
    params = {"lr": _lr(lr), "total_iters": after, "power": a["power"], "min_lr": a["lr_end"]}
    return Generic("polynomial", params, warmup=warmup)


def inverse_sqrt(a: Arguments, lr: float | None) -> Generic:
    warmup = whole("num_warmup_steps", a["num_warmup_steps"])
    timescale = a["timescale"] if a["timescale"] is not None else (warmup or 10_000)
    params = {"lr": _lr(lr), "timescale": whole("timescale", timescale)}
    return Generic("inverse-sqrt", params, warmup=warmup)


def wsd(a: Arguments, lr: float | None) -> Generic:
    """Its warmup climbs from ``min_lr_ratio``; a cosine decay only with ``num_cycles=0.5``."""
    if a["warmup_type"] != "linear":
        raise EmitError(f"warmup_type={describe(a['warmup_type'])}: lrsched's warmup is linear")
    if a["decay_type"] == "cosine" and a["num_cycles"] != 0.5:
        raise EmitError(f"num_cycles={describe(a['num_cycles'])}: lrsched's WSD decays along half a cosine")
    warmup = whole("num_warmup_steps", a["num_warmup_steps"])
    decay = whole("num_decay_steps", a["num_decay_steps"])
    if a["num_stable_steps"] is None:
        stable = whole("num_training_steps", a["num_training_steps"]) - warmup - decay
    else:
        stable = whole("num_stable_steps", a["num_stable_steps"])
    rate = _lr(lr)
    floor = rate * float(a["min_lr_ratio"])
    params = {
        "lr": rate,
        "stable_steps": stable,
        "decay_steps": decay,
        "min_lr": floor,
        "decay_type": a["decay_type"],
    }
    return Generic("wsd", params, warmup=warmup, warmup_start_lr=floor)


BY_FUNCTION: dict[str, Translator] = {
    "get_constant_schedule": constant,
    "get_constant_schedule_with_warmup": constant_with_warmup,
    "get_linear_schedule_with_warmup": linear,
    "get_cosine_schedule_with_warmup": cosine,
    "get_cosine_with_hard_restarts_schedule_with_warmup": hard_restarts,
    "get_polynomial_decay_schedule_with_warmup": polynomial,
    "get_inverse_sqrt_schedule": inverse_sqrt,
    "get_cosine_with_min_lr_schedule_with_warmup": cosine_with_min_lr,
    "get_cosine_with_min_lr_schedule_with_warmup_lr_rate": cosine_warmup_with_min_lr,
    "get_wsd_schedule": wsd,
}


def get_scheduler(a: Arguments, lr: float | None) -> Generic:
    """``get_scheduler(name, ...)``: the function ``name`` selects, bound as get_scheduler calls it."""
    from lrsched_cli.frameworks.hf.reproduce import TYPE_TO_SCHEDULER_FUNCTION

    function = TYPE_TO_SCHEDULER_FUNCTION[a["name"]]
    kwargs = {"num_warmup_steps": a["num_warmup_steps"], "num_training_steps": a["num_training_steps"]}
    kwargs.update(a["scheduler_specific_kwargs"] or {})
    parameters = inspect.signature(function).parameters
    bound = inspect.signature(function).bind(
        a["optimizer"], **{k: v for k, v in kwargs.items() if k in parameters}
    )
    bound.apply_defaults()
    return BY_FUNCTION[function.__name__](bound.arguments, lr)


GENERIC: dict[str, Translator | str] = {"get_scheduler": get_scheduler, **BY_FUNCTION}
"""Function -> its generic equivalent, or why lrsched has none."""
