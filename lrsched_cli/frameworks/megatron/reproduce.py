"""Megatron core's ``OptimizerParamScheduler`` (megatron/core/optimizer_param_scheduler.py,
megatron-core 0.16.1), reproduced in float64: its rate is a function of ``num_steps`` alone.

``lrsched from "OptimizerParamScheduler(...)"``: one row per ``step(increment=1)``, row 1 the
constructor's ``step(0)``. Megatron's training loop steps it by the global batch each iteration
(``num_microbatches x micro_batch_size x data_parallel_size``: every count is in samples);
``iterations(OptimizerParamScheduler(...), increment=N)``, lrsched's name for that loop, gives
one row per iteration, as ``lrsched trainer megatron`` writes it. Stricter than Megatron: an
unknown ``lr_decay_style`` or WSD ``lr_wsd_decay_style``, which it reports only once training
reaches that phase, is an error at once.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from itertools import count

from lrsched_cli.errors import DialectError
from lrsched_cli.frameworks.reproduction import Reproduction, describe, integer, number

FRAMEWORK = "megatron"
DECAY_STYLES = ("constant", "linear", "cosine", "inverse-square-root", "WSD")
WSD_STYLES = ("linear", "cosine", "exponential", "minus_sqrt")
WD_STYLES = ("constant", "linear", "cosine")


class MegatronReproduction(Reproduction):
    """The scheduler, with its rate at any ``num_steps`` (for `iterations`)."""

    lr_at: Callable[[float], float] | None = None


def _require(condition: bool, argument: str, what: str, value: object) -> None:
    """Megatron checks these with ``assert``; lrsched names the argument."""
    if not condition:
        raise DialectError(argument, f"Megatron asserts {what}, got {describe(value)}")


def OptimizerParamScheduler(
    optimizer: object,
    init_lr: float,
    max_lr: float,
    min_lr: float,
    lr_warmup_steps: int,
    lr_decay_steps: int,
    lr_decay_style: str,
    start_wd: float,
    end_wd: float,
    wd_incr_steps: int,
    wd_incr_style: str,
    use_checkpoint_opt_param_scheduler: bool | None = True,
    override_opt_param_scheduler: bool | None = False,
    wsd_decay_steps: int | None = None,
    lr_wsd_decay_style: str | None = None,
) -> MegatronReproduction:
    """Linear warmup from ``init_lr`` while ``num_steps <= lr_warmup_steps``, then the decay style
    from ``max_lr`` to ``min_lr`` over ``lr_decay_steps``, ``min_lr`` after it."""
    init, peak, low = number("init_lr", init_lr), float(number("max_lr", max_lr)), number("min_lr", min_lr)
    warmup, decay = number("lr_warmup_steps", lr_warmup_steps), number("lr_decay_steps", lr_decay_steps)
    _require(low >= 0.0, "min_lr", "min_lr >= 0", min_lr)
    _require(peak >= low, "max_lr", "max_lr >= min_lr", max_lr)
    _require(init <= peak, "init_lr", "init_lr <= max_lr", init_lr)
    _require(decay > 0, "lr_decay_steps", "lr_decay_steps > 0", lr_decay_steps)
    _require(warmup < decay, "lr_warmup_steps", "lr_warmup_steps < lr_decay_steps", lr_warmup_steps)
    if lr_decay_style not in DECAY_STYLES:
        raise DialectError(
            "lr_decay_style",
            f"{describe(lr_decay_style)} decay style is not supported; Megatron has {DECAY_STYLES}",
        )
    wsd = 0.0
    if lr_decay_style == "WSD":
        _require(wsd_decay_steps is not None, "wsd_decay_steps", "wsd_decay_steps with WSD", wsd_decay_steps)
        wsd = number("wsd_decay_steps", wsd_decay_steps)
        if lr_wsd_decay_style not in WSD_STYLES:
            raise DialectError(
                "lr_wsd_decay_style",
                f"{describe(lr_wsd_decay_style)}: WSD needs one of {WSD_STYLES} (Megatron fails when the "
                "annealing starts)",
            )
    start, end = number("start_wd", start_wd), number("end_wd", end_wd)
    _require(start >= 0.0, "start_wd", "start_wd >= 0", start_wd)
    _require(end >= start, "end_wd", "end_wd >= start_wd", end_wd)
    if wd_incr_style not in WD_STYLES:
        raise DialectError(
            "wd_incr_style", f"{describe(wd_incr_style)} weight decay increment style is not supported"
        )
    _require(
        wd_incr_style != "constant" or start == end, "end_wd", "start_wd == end_wd when constant", end_wd
    )
    if wd_incr_style != "constant" and number("wd_incr_steps", wd_incr_steps) == 0:
        raise DialectError("wd_incr_steps", "is 0: Megatron's constructor divides by it (ZeroDivisionError)")
    if override_opt_param_scheduler and use_checkpoint_opt_param_scheduler:
        raise DialectError(
            "override_opt_param_scheduler", "both override and use-checkpoint are set (Megatron asserts it)"
        )
    style = str(lr_decay_style)

    def lr_at(steps: float) -> float:
        if warmup > 0 and steps <= warmup:
            return init + ((peak - init) * float(steps) / float(warmup))
        if style == "constant":
            return peak
        if steps > decay:
            return low
        if style == "inverse-square-root":
            return float(max(low, peak * max(warmup, 1) ** 0.5 / (max(steps, 1) ** 0.5)))
        ratio = float(steps - warmup) / float(decay - warmup)
        if style == "linear":
            coeff = 1.0 - ratio
        elif style == "cosine":
            coeff = 0.5 * (math.cos(math.pi * ratio) + 1.0)
        else:
            anneal = decay - wsd
            if steps <= anneal:
                coeff = 1.0
            else:
                r = float(steps - anneal) / float(wsd)
                coeff = {
                    "linear": lambda: 1.0 - r,
                    "cosine": lambda: 0.5 * (math.cos(math.pi * r) + 1.0),
                    "exponential": lambda: (2.0 * math.pow(0.5, r)) - 1.0,
                    "minus_sqrt": lambda: 1.0 - math.sqrt(r),
                }[str(lr_wsd_decay_style)]()
        return low + coeff * (peak - low)

    def rates(lr: float | None) -> Iterator[float]:
        return (lr_at(t) for t in count())

    def notes(rows: int) -> list[str]:
        found = []
        if warmup > 0:
            found.append(
                "the warmup includes its end: max_lr first at num_steps = lr_warmup_steps = "
                f"{describe(warmup)}"
            )
        if style == "inverse-square-root":
            found.append(
                "inverse-square-root ignores lr_decay_steps until it passes it, then drops to min_lr"
            )
        if rows > decay + 1 and style != "constant":
            found.append(f"rows past lr_decay_steps={describe(decay)}: the rate is min_lr")
        return found

    length = int(decay) + 2 if decay == int(decay) else None
    return MegatronReproduction(
        FRAMEWORK,
        "OptimizerParamScheduler",
        {},
        rates,
        needs_lr=False,
        length=length,
        notes=notes,
        lr_at=lr_at,
    )


def iterations(scheduler: object, increment: int = 1) -> Reproduction:
    """Megatron's training loop: row k is the rate of iteration k, after ``k - 1`` calls of
    ``scheduler.step(increment)`` (the global batch, in samples)."""
    if not isinstance(scheduler, MegatronReproduction) or scheduler.lr_at is None:
        raise DialectError(
            "scheduler", f"expected an OptimizerParamScheduler(...) call, got {describe(scheduler)}"
        )
    size = integer("increment", increment, minimum=1)
    lr_at = scheduler.lr_at

    def rates(lr: float | None) -> Iterator[float]:
        return (lr_at(k * size) for k in count())

    def notes(rows: int) -> list[str]:
        return [note.replace("num_steps", "samples") for note in scheduler.notes(rows * size)]

    length = None if scheduler.length is None else math.ceil((scheduler.length - 1) / size) + 1
    return Reproduction(FRAMEWORK, "iterations", {}, rates, needs_lr=False, length=length, notes=notes)


SCHEDULERS: dict[str, Callable[..., Reproduction]] = {
    "OptimizerParamScheduler": OptimizerParamScheduler,
    "iterations": iterations,
}

STEP_COUNTS = frozenset({"lr_warmup_steps", "lr_decay_steps", "wsd_decay_steps", "wd_incr_steps"})
"""The arguments that count steps: a float below 1 gets a note (a ratio where steps go)."""
