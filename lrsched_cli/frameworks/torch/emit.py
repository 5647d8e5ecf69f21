"""PyTorch: ``torch.optim.lr_scheduler`` classes on an optimizer built with ``lr=--lr``.

Warmup is a SequentialLR: LinearLR ramps from --warmup-start-lr; LinearLR cannot start from 0,
so a warmup from 0 holds the rate at 0 for one step (ConstantLR with factor 0), then ramps
linearly over the remaining steps through the same points.
"""

from __future__ import annotations

from lrsched_cli.errors import EmitError
from lrsched_cli.frameworks.emitting import OPTIMIZER, PLATEAU, Code, Emitter, Spec, call, geometric
from lrsched_cli.frameworks.torch import FRAMEWORK as TORCH

PREFIX = "torch.optim.lr_scheduler."


def scheduler(name: str, **kwargs: object) -> Code:
    return call(PREFIX + name, OPTIMIZER, **kwargs)


def with_warmup(spec: Spec, main: Code) -> Code:
    if not spec.warmup:
        return main
    warmup, start, end = spec.warmup, spec.warmup_start_lr / spec.lr, spec.first_rate / spec.lr
    if end == 0:  # the ramp from 0 to a first rate of 0: LinearLR cannot start from 0 either
        ramp = [scheduler("ConstantLR", factor=0.0, total_iters=warmup)]
        milestones = [warmup]
    elif start > 0:
        ramp = [scheduler("LinearLR", start_factor=start, end_factor=end, total_iters=warmup)]
        milestones = [warmup]
    else:
        ramp = [scheduler("ConstantLR", factor=0.0, total_iters=1)]
        milestones = [1]
        if warmup > 1:  # from end/W at step 1 to end at step W: the points end * t / W
            rest = scheduler("LinearLR", start_factor=end / warmup, end_factor=end, total_iters=warmup - 1)
            ramp.append(rest)
            milestones.append(warmup)
    return scheduler("SequentialLR", schedulers=[*ramp, main], milestones=milestones)


def step(spec: Spec) -> str:
    p = spec.params
    return with_warmup(spec, scheduler("StepLR", step_size=p["step_size"], gamma=p["gamma"]))


def exponential(spec: Spec) -> str:
    decay = geometric(spec)
    if decay.staircase and decay.steps > 1:
        main = scheduler("StepLR", step_size=decay.steps, gamma=decay.rate)
    else:
        main = scheduler("ExponentialLR", gamma=decay.per_step)
    return with_warmup(spec, main)


def cosine(spec: Spec) -> str:
    p = spec.params
    return with_warmup(spec, scheduler("CosineAnnealingLR", T_max=p["t_max"], eta_min=p["min_lr"]))


def cosine_restarts(spec: Spec) -> str:
    p = spec.params
    if p["decay"] != 1:
        raise EmitError("CosineAnnealingWarmRestarts restarts at the same peak every time; drop --decay")
    main = scheduler("CosineAnnealingWarmRestarts", T_0=p["t_0"], T_mult=p["t_mult"], eta_min=p["min_lr"])
    return with_warmup(spec, main)


def multistep(spec: Spec) -> str:
    p = spec.params
    return with_warmup(spec, scheduler("MultiStepLR", milestones=list(p["milestones"]), gamma=p["gamma"]))


def constant(spec: Spec) -> str:
    p = spec.params
    if p["factor"] == 0:
        raise EmitError("ConstantLR divides by its factor when it ends, so it cannot hold the rate at 0")
    return with_warmup(spec, scheduler("ConstantLR", factor=p["factor"], total_iters=p["total_iters"]))


def linear(spec: Spec) -> str:
    p = spec.params
    main = scheduler(
        "LinearLR", start_factor=p["start_factor"], end_factor=p["end_factor"], total_iters=p["total_iters"]
    )
    return with_warmup(spec, main)


def polynomial(spec: Spec) -> str:
    p = spec.params
    if p["min_lr"] != 0:
        raise EmitError("PolynomialLR always decays to 0; drop --min-lr")
    return with_warmup(spec, scheduler("PolynomialLR", total_iters=p["total_iters"], power=p["power"]))


def one_cycle(spec: Spec) -> str:
    spec.sets_rates(TORCH, "OneCycleLR")
    names = ("max_lr", "total_steps", "pct_start", "anneal_strategy", "div_factor", "final_div_factor")
    return scheduler(
        "OneCycleLR", **{name: spec.params[name] for name in names}, three_phase=spec.params["three_phase"]
    )


def cyclic(spec: Spec) -> str:
    spec.sets_rates(TORCH, "CyclicLR")
    p = spec.params
    down = p["step_size_down"] if p["step_size_down"] is not None else p["step_size_up"]
    return scheduler(
        "CyclicLR",
        base_lr=p["base_lr"],
        max_lr=p["max_lr"],
        step_size_up=p["step_size_up"],
        step_size_down=down,
        mode=p["mode"],
        gamma=p["gamma"],
    )


ABSOLUTE = (
    "piecewise sets the rates themselves and has no --lr, while PyTorch's schedulers scale the optimizer's"
)
EMITTERS: dict[str, Emitter | str] = {
    "step": step,
    "exponential": exponential,
    "cosine": cosine,
    "cosine-restarts": cosine_restarts,
    "multistep": multistep,
    "constant": constant,
    "linear": linear,
    "polynomial": polynomial,
    "piecewise": ABSOLUTE,
    "inverse-time": "PyTorch has no inverse-time decay",
    "onecycle": one_cycle,
    "cyclic": cyclic,
    "inverse-sqrt": "PyTorch has no inverse square root decay",
    "wsd": "PyTorch has no warmup-stable-decay scheduler",
    "plateau": PLATEAU,
}
"""Schedule -> its emitter, or why PyTorch cannot express it."""
