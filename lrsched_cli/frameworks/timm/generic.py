"""timm's schedulers as lrsched's generic schedules: the inverse of `emit` (``from --emit``).

timm's warmup (``warmup_t`` from ``warmup_lr_init``) is lrsched's only with ``warmup_prefix=True``,
where the schedule starts after it; without it the schedule keeps its own clock under the warmup.
Cycles map to restarts (``cycle_mul``, ``cycle_decay``); ``k_decay`` and noise have no equivalent.
"""

from __future__ import annotations

from lrsched_cli.errors import EmitError
from lrsched_cli.frameworks.porting import Arguments, Generic, Translator, whole
from lrsched_cli.frameworks.reproduction import describe


def _lr(lr: float | None) -> float:
    if lr is None:
        raise EmitError("timm's schedulers scale the optimizer's rate: give it with --lr")
    return lr


def _warmup(a: Arguments, schedule: str, params: dict[str, object]) -> Generic:
    warmup = whole("warmup_t", a["warmup_t"])
    if warmup and not a["warmup_prefix"]:
        raise EmitError(
            "with warmup_prefix=False timm's schedule keeps its own clock under the warmup, and "
            "lrsched's starts after it: write warmup_prefix=True"
        )
    return Generic(schedule, params, warmup=warmup, warmup_start_lr=a["warmup_lr_init"] if warmup else 0.0)


def _plain(a: Arguments, scheduler: str) -> None:
    if a.get("k_decay", 1.0) != 1:
        raise EmitError(f"k_decay={describe(a['k_decay'])} bends timm's {scheduler}, and lrsched's is plain")


def cosine(a: Arguments, lr: float | None) -> Generic:
    _plain(a, "cosine")
    t_initial = whole("t_initial", a["t_initial"])
    limit = a["cycle_limit"]
    if limit <= 1:
        return _warmup(a, "cosine", {"lr": _lr(lr), "t_max": t_initial, "min_lr": a["lr_min"]})
    params = {
        "lr": _lr(lr),
        "t_0": t_initial,
        "t_mult": whole("cycle_mul", a["cycle_mul"]),
        "min_lr": a["lr_min"],
        "decay": a["cycle_decay"],
    }
    return _warmup(a, "cosine-restarts", params)


def poly(a: Arguments, lr: float | None) -> Generic:
    _plain(a, "polynomial")
    if a["cycle_limit"] > 1:
        raise EmitError(
            f"cycle_limit={describe(a['cycle_limit'])} repeats the decay, and lrsched's polynomial "
            "stays at its end"
        )
    params = {
        "lr": _lr(lr),
        "total_iters": whole("t_initial", a["t_initial"]),
        "power": a["power"],
        "min_lr": a["lr_min"],
    }
    return _warmup(a, "polynomial", params)


def step(a: Arguments, lr: float | None) -> Generic:
    params = {"lr": _lr(lr), "step_size": whole("decay_t", a["decay_t"]), "gamma": a["decay_rate"]}
    return _warmup(a, "step", params)


def multistep(a: Arguments, lr: float | None) -> Generic:
    """timm 1.0.31 applies each milestone m from t = m - 1 (as `reproduce` computes)."""
    milestones = tuple(sorted(whole("decay_t", m) - 1 for m in a["decay_t"]))
    if milestones and milestones[0] < 0:
        raise EmitError("a milestone at 0 applies from t = -1 in timm, before any row")
    return _warmup(a, "multistep", {"lr": _lr(lr), "milestones": milestones, "gamma": a["decay_rate"]})


GENERIC: dict[str, Translator | str] = {
    "CosineLRScheduler": cosine,
    "PolyLRScheduler": poly,
    "StepLRScheduler": step,
    "MultiStepLRScheduler": multistep,
    "TanhLRScheduler": "lrsched has no tanh schedule to port TanhLRScheduler through",
}
"""Scheduler -> its generic equivalent, or why lrsched has none."""
