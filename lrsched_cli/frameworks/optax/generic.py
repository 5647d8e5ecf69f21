"""optax's schedules as lrsched's generic schedules: the inverse of `emit` (``from --emit``).

optax schedules carry their rates, so the generic ``lr`` is theirs, not --lr. A warmup is a
linear ramp (a ``warmup_*`` function, a ``linear_schedule`` that climbs, or a join of a
``linear_schedule`` and one schedule); the one-cycle knots of ``piecewise_interpolate_schedule``
(and optax's own one-cycle functions) map where they are PyTorch's phase ends.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

from lrsched_cli.errors import EmitError
from lrsched_cli.frameworks.porting import Arguments, Generic, Translator, held, nested, whole
from lrsched_cli.frameworks.reproduction import describe


def _from_start(a: Arguments, argument: str = "transition_begin") -> None:
    if a.get(argument, 0) > 0:
        raise EmitError(
            f"{argument}={describe(a[argument])} holds the first value that long, and lrsched's "
            "schedules start at once"
        )


def constant(a: Arguments, lr: float | None) -> Generic:
    return Generic("constant", {"lr": a["value"], "factor": 1.0, "total_iters": 1})


def linear(a: Arguments, lr: float | None) -> Generic:
    """A linear_schedule: a decay from ``init_value``, or a warmup into the constant ``end_value``."""
    _from_start(a)
    start, end = a["init_value"], a["end_value"]
    steps = whole("transition_steps", a["transition_steps"])
    if start < end:
        return Generic(
            "constant", {"lr": end, "factor": 1.0, "total_iters": 1}, warmup=steps, warmup_start_lr=start
        )
    if start == 0:
        return constant({"value": 0.0}, lr)
    params = {"lr": start, "start_factor": 1.0, "end_factor": end / start, "total_iters": steps}
    return Generic("linear", params)


def polynomial(a: Arguments, lr: float | None) -> Generic:
    _from_start(a)
    params = {
        "lr": a["init_value"],
        "total_iters": whole("transition_steps", a["transition_steps"]),
        "power": a["power"],
        "min_lr": a["end_value"],
    }
    return Generic("polynomial", params)


def _exponential_params(a: Arguments, peak: float) -> dict[str, object]:
    _from_start(a)
    if a["end_value"] is not None:
        raise EmitError(
            f"end_value={describe(a['end_value'])} clips the decay, and lrsched's exponential decays on"
        )
    return {
        "lr": peak,
        "gamma": a["decay_rate"],
        "decay_steps": whole("transition_steps", a["transition_steps"]),
        "staircase": a["staircase"],
    }


def exponential(a: Arguments, lr: float | None) -> Generic:
    return Generic("exponential", _exponential_params(a, a["init_value"]))


def _plain_cosine(a: Arguments) -> None:
    if a["exponent"] != 1:
        raise EmitError(f"exponent={describe(a['exponent'])} bends the cosine, and lrsched's is plain")


def cosine(a: Arguments, lr: float | None) -> Generic:
    _plain_cosine(a)
    peak = a["init_value"]
    params = {"lr": peak, "t_max": whole("decay_steps", a["decay_steps"]), "min_lr": a["alpha"] * peak}
    return Generic("cosine", params)


def warmup_cosine(a: Arguments, lr: float | None) -> Generic:
    """decay_steps counts the warmup too: the cosine lasts decay_steps - warmup_steps."""
    _plain_cosine(a)
    warmup = whole("warmup_steps", a["warmup_steps"])
    t_max = whole("decay_steps", a["decay_steps"]) - warmup
    params = {"lr": a["peak_value"], "t_max": t_max, "min_lr": a["end_value"]}
    return Generic("cosine", params, warmup=warmup, warmup_start_lr=a["init_value"])


def warmup_exponential(a: Arguments, lr: float | None) -> Generic:
    warmup = whole("warmup_steps", a["warmup_steps"])
    params = _exponential_params(a, a["peak_value"])
    return Generic("exponential", params, warmup=warmup, warmup_start_lr=a["init_value"])


def warmup_constant(a: Arguments, lr: float | None) -> Generic:
    warmup = whole("warmup_steps", a["warmup_steps"])
    params = {"lr": a["peak_value"], "factor": 1.0, "total_iters": 1}
    return Generic("constant", params, warmup=warmup, warmup_start_lr=a["init_value"])


def _knots(a: Arguments) -> list[tuple[int, float]]:
    pairs = sorted((a["boundaries_and_scales"] or {}).items(), key=lambda pair: float(pair[0]))
    return [(whole("boundaries_and_scales", float(b)), float(s)) for b, s in pairs]


def piecewise_constant(a: Arguments, lr: float | None) -> Generic:
    """Scales at boundaries: the rates held between them."""
    knots = _knots(a)
    start = a["init_value"]
    if not knots:
        return constant({"value": start}, lr)
    values = [start]
    for _, scale in knots:
        values.append(values[-1] * scale)
    return held(tuple(b for b, _ in knots), tuple(values))


NOT_ONE_CYCLE = (
    "lrsched has its one-cycle (PyTorch's phases: knots at pct_start * T - 1 and T - 1, or three "
    "phases), and these knots are not it"
)


def interpolate(a: Arguments, lr: float | None) -> Generic:
    """A piecewise_interpolate_schedule whose knots are a one-cycle's phase ends."""
    return _one_cycle(a["interpolate_type"], a["init_value"], _knots(a))


def _one_cycle(kind: str, start: float, knots: list[tuple[int, float]]) -> Generic:
    if len(knots) not in (2, 3) or start <= 0 or not all(scale > 0 for _, scale in knots):
        raise EmitError(NOT_ONE_CYCLE)
    total = knots[-1][0] + 1
    first, div = knots[0]
    pct = (first + 1) / total
    params = {
        "max_lr": start * div,
        "total_steps": total,
        "pct_start": pct,
        "anneal_strategy": "cos" if kind == "cosine" else "linear",
        "div_factor": div,
        "three_phase": len(knots) == 3,
    }
    if len(knots) == 3:
        if knots[1][0] != float(2 * pct * total) - 2 or abs(knots[1][1] * div - 1) > 1e-12:
            raise EmitError(NOT_ONE_CYCLE)
        params["final_div_factor"] = 1 / knots[2][1]
    else:
        params["final_div_factor"] = 1 / (div * knots[1][1])
    if float(pct * total) - 1 != first:
        raise EmitError(NOT_ONE_CYCLE)
    return Generic("onecycle", params)


def cosine_onecycle(a: Arguments, lr: float | None) -> Generic:
    steps = whole("transition_steps", a["transition_steps"])
    div = a["div_factor"]
    knots = [(int(a["pct_start"] * steps), div), (steps, 1 / (div * a["final_div_factor"]))]
    return _one_cycle("cosine", a["peak_value"] / div, knots)


def linear_onecycle(a: Arguments, lr: float | None) -> Generic:
    steps = whole("transition_steps", a["transition_steps"])
    div = a["div_factor"]
    knots = [
        (int(a["pct_start"] * steps), div),
        (int(a["pct_final"] * steps), 1 / div),
        (steps, 1 / a["final_div_factor"]),
    ]
    return _one_cycle("linear", a["peak_value"] / div, knots)


NO_JOIN = (
    "lrsched joins a warmup and one schedule, or restarts; this join_schedules is neither (a "
    "linear_schedule climbing over the first boundary's steps, then one schedule or one "
    "cosine_decay_schedule per restart cycle)"
)


def join(a: Arguments, lr: float | None) -> Generic:
    """A warmup ramp (a linear_schedule over the first boundary's steps), then one schedule or
    cosines restarting at the boundaries (as `emit` writes cosine-restarts)."""
    children, boundaries = list(a["schedules"]), [whole("boundaries", b) for b in a["boundaries"]]
    if not all(isinstance(child, Mapping) for child in children) or len(children) != len(boundaries) + 1:
        raise EmitError(NO_JOIN)
    warmup, start = 0, 0.0
    first = children[0]
    ramp = first["arguments"]
    if (
        len(children) > 1
        and first["scheduler"] == "linear_schedule"
        and ramp["transition_steps"] == boundaries[0]
    ):
        if ramp.get("transition_begin", 0) != 0:
            raise EmitError(NO_JOIN)
        warmup, start = boundaries[0], ramp["init_value"]
        children, boundaries = children[1:], [b - warmup for b in boundaries[1:]]
    if len(children) == 1:
        main = nested(children[0], lr)
    elif all(child["scheduler"] == "cosine_decay_schedule" for child in children):
        main = _restarts([child["arguments"] for child in children], boundaries)
    else:
        raise EmitError(NO_JOIN)
    if main.warmup:
        raise EmitError(NO_JOIN)
    return Generic(main.schedule, main.params, warmup=warmup, warmup_start_lr=start)


def _restarts(cycles: list[Arguments], boundaries: list[int]) -> Generic:
    """Cosines from peaks decaying above one floor, each t_mult times longer than the one before."""
    lengths = [whole("decay_steps", cycle["decay_steps"]) for cycle in cycles]
    peaks = [float(cycle["init_value"]) for cycle in cycles]
    floor = float(cycles[0]["alpha"]) * peaks[0]
    t_mult = lengths[1] // lengths[0]
    decay = (peaks[1] - floor) / (peaks[0] - floor) if peaks[0] != floor else 1.0
    ends = [sum(lengths[: i + 1]) for i in range(len(lengths) - 1)]
    if (
        any(cycle["exponent"] != 1 for cycle in cycles)
        or ends != boundaries
        or any(length != lengths[0] * t_mult**i for i, length in enumerate(lengths))
        or not all(math.isclose(float(c["alpha"]) * p, floor, rel_tol=1e-9) for c, p in zip(cycles, peaks))
    ):
        raise EmitError(NO_JOIN)
    params = {"lr": peaks[0], "t_0": lengths[0], "t_mult": t_mult, "min_lr": floor, "decay": decay}
    return Generic("cosine-restarts", params)


GENERIC: dict[str, Translator | str] = {
    "constant_schedule": constant,
    "linear_schedule": linear,
    "polynomial_schedule": polynomial,
    "exponential_decay": exponential,
    "cosine_decay_schedule": cosine,
    "warmup_cosine_decay_schedule": warmup_cosine,
    "warmup_exponential_decay_schedule": warmup_exponential,
    "warmup_constant_schedule": warmup_constant,
    "piecewise_constant_schedule": piecewise_constant,
    "piecewise_interpolate_schedule": interpolate,
    "linear_onecycle_schedule": linear_onecycle,
    "cosine_onecycle_schedule": cosine_onecycle,
    "join_schedules": join,
    "sgdr_schedule": "sgdr_schedule restarts with a warmup in every cycle, and lrsched's restarts have none",
}
"""Schedule -> its generic equivalent, or why lrsched has none."""
