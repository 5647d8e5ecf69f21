"""PyTorch's schedulers as lrsched's generic schedules: the inverse of `emit` (``from --emit``).

Each class maps to the generic schedule that matches it (step, multistep, cosine, ...), with
the optimizer's --lr as ``lr``; a SequentialLR maps where it is a warmup before one schedule, in
the shapes `emit` writes: LinearLR from a factor, or ConstantLR(factor=0) for one step then
LinearLR, or ConstantLR(factor=0) alone.
"""

from __future__ import annotations

from collections.abc import Mapping

from lrsched_cli.errors import EmitError
from lrsched_cli.frameworks.porting import Arguments, Generic, Translator, nested, whole
from lrsched_cli.frameworks.reproduction import describe


def _lr(lr: float | None) -> float:
    if lr is None:
        raise EmitError("PyTorch's schedulers scale the optimizer's rate: give it with --lr")
    return lr


def _one(value: object) -> object:
    """torch's per-group list of one (``max_lr=[0.1]``) as its value."""
    return value[0] if isinstance(value, (list, tuple)) and len(value) == 1 else value


def step(a: Arguments, lr: float | None) -> Generic:
    return Generic(
        "step", {"lr": _lr(lr), "step_size": whole("step_size", a["step_size"]), "gamma": a["gamma"]}
    )


def multistep(a: Arguments, lr: float | None) -> Generic:
    milestones = tuple(sorted(whole("milestones", m) for m in a["milestones"]))
    return Generic("multistep", {"lr": _lr(lr), "milestones": milestones, "gamma": a["gamma"]})


def constant(a: Arguments, lr: float | None) -> Generic:
    iters = whole("total_iters", a["total_iters"])
    return Generic("constant", {"lr": _lr(lr), "factor": a["factor"], "total_iters": iters})


def linear(a: Arguments, lr: float | None) -> Generic:
    params = {
        "lr": _lr(lr),
        "start_factor": a["start_factor"],
        "end_factor": a["end_factor"],
        "total_iters": whole("total_iters", a["total_iters"]),
    }
    return Generic("linear", params)


def exponential(a: Arguments, lr: float | None) -> Generic:
    return Generic("exponential", {"lr": _lr(lr), "gamma": a["gamma"], "decay_steps": 1})


def polynomial(a: Arguments, lr: float | None) -> Generic:
    iters = whole("total_iters", a["total_iters"])
    return Generic("polynomial", {"lr": _lr(lr), "total_iters": iters, "power": a["power"], "min_lr": 0.0})


def cosine(a: Arguments, lr: float | None) -> Generic:
    t_max = whole("T_max", a["T_max"])
    return Generic("cosine", {"lr": _lr(lr), "t_max": t_max, "min_lr": a["eta_min"]})


def warm_restarts(a: Arguments, lr: float | None) -> Generic:
    params = {"lr": _lr(lr), "t_0": a["T_0"], "t_mult": a["T_mult"], "min_lr": a["eta_min"], "decay": 1.0}
    return Generic("cosine-restarts", params)


def cyclic(a: Arguments, lr: float | None) -> Generic:
    if a["scale_fn"] is not None:
        raise EmitError("CyclicLR's scale_fn is a lambda, and lrsched's cyclic knows its three modes only")
    down = a["step_size_down"]
    params = {
        "base_lr": _one(a["base_lr"]),
        "max_lr": _one(a["max_lr"]),
        "step_size_up": whole("step_size_up", a["step_size_up"]),
        "step_size_down": None if down is None else whole("step_size_down", down),
        "mode": a["mode"],
        "gamma": a["gamma"],
    }
    return Generic("cyclic", params)


def one_cycle(a: Arguments, lr: float | None) -> Generic:
    total = a["total_steps"] if a["total_steps"] is not None else a["epochs"] * a["steps_per_epoch"]
    params = {
        "max_lr": _one(a["max_lr"]),
        "total_steps": total,
        "pct_start": a["pct_start"],
        "anneal_strategy": a["anneal_strategy"],
        "div_factor": a["div_factor"],
        "final_div_factor": a["final_div_factor"],
        "three_phase": bool(a["three_phase"]),
    }
    return Generic("onecycle", params)


NO_JOIN = (
    "lrsched joins a warmup and one schedule; this SequentialLR is no such join (its warmup is "
    "LinearLR, or ConstantLR(factor=0.0) for one step then LinearLR, before the schedule)"
)


def sequential(a: Arguments, lr: float | None) -> Generic:
    """A warmup, as `emit` writes it, then one schedule (which then has no warmup of its own)."""
    children, milestones = list(a["schedulers"]), list(a["milestones"])
    if len(children) < 2:
        raise EmitError(NO_JOIN)
    *ramp, last = children
    main = nested(last, lr)
    if main.warmup:
        raise EmitError(NO_JOIN)
    warmup = whole("milestones", milestones[-1])
    start = _ramp_start([_record(child) for child in ramp], milestones, warmup, _lr(lr))
    return Generic(main.schedule, main.params, warmup=warmup, warmup_start_lr=start)


def _record(child: object) -> tuple[str, Mapping[str, object]]:
    if not isinstance(child, Mapping) or child.get("framework") != "torch":
        raise EmitError(NO_JOIN)
    return child["scheduler"], child["arguments"]


def _ramp_start(
    ramp: list[tuple[str, Mapping[str, object]]], milestones: list[int], warmup: int, lr: float
) -> float:
    """The rate the warmup ramp starts from, where ``ramp`` is one of emit's shapes."""
    names = [name for name, _ in ramp]
    if names == ["LinearLR"] and ramp[0][1]["total_iters"] == warmup:
        return lr * float(ramp[0][1]["start_factor"])  # type: ignore[arg-type]
    if names[:1] == ["ConstantLR"] and ramp[0][1]["factor"] == 0:
        held = ramp[0][1]["total_iters"]
        if names == ["ConstantLR"] and held == warmup:
            return 0.0
        one_then_linear = names == ["ConstantLR", "LinearLR"] and held == 1 and milestones[0] == 1
        if one_then_linear and ramp[1][1]["total_iters"] == warmup - 1:
            return 0.0
    raise EmitError(NO_JOIN + f"; got {describe(names)} before it")


GENERIC: dict[str, Translator | str] = {
    "StepLR": step,
    "MultiStepLR": multistep,
    "ConstantLR": constant,
    "LinearLR": linear,
    "ExponentialLR": exponential,
    "PolynomialLR": polynomial,
    "CosineAnnealingLR": cosine,
    "CosineAnnealingWarmRestarts": warm_restarts,
    "CyclicLR": cyclic,
    "OneCycleLR": one_cycle,
    "SequentialLR": sequential,
    "ChainedScheduler": "ChainedScheduler multiplies its schedulers' factors each step, and lrsched's "
    "schedules have no such join",
    "LambdaLR": "LambdaLR's rate is a lambda, and lrsched knows a schedule by its parameters",
    "MultiplicativeLR": "MultiplicativeLR's rate is a lambda, and lrsched knows a schedule by its parameters",
}
"""Scheduler -> its generic equivalent, or why lrsched has none."""
