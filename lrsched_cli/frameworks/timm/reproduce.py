"""timm ``timm.scheduler`` schedulers, reproduced in float64 as timm computes them.

timm's value is a function of ``t`` alone: its train.py trains epoch 0 (update 0) at the rate the
constructor sets (``warmup_lr_init`` with a warmup, else the optimizer's lr), then calls
``step(epoch)`` after each epoch, or ``step_update(num_updates)`` after each update when
``t_in_epochs=False``. Row t is that rate: the constructor's for t = 0, ``_get_lr(t)`` after.

Kept as timm has them: the restart index of a growing cycle (``cycle_mul != 1``) comes from a
float ``log``, so some exact restart boundaries land a step late (``t_initial=2, cycle_mul=3``:
t = 242 is ``lr_min``, the restart comes at 243); MultiStepLRScheduler switches one step before
each milestone (``bisect_right(decay_t, t + 1)``, PyPI timm 1.0.x). Noise (``noise_range_t``) is
drawn from torch's random generator and is refused. The cycled schedules' math (cosine, poly,
tanh: the cycles, the shapes, their rows in one loop) is in `cycles`.

Source read: timm/scheduler/{scheduler,cosine_lr,poly_lr,tanh_lr,step_lr,multistep_lr}.py (1.0.31).
"""

from __future__ import annotations

import bisect
import math
import operator
from collections.abc import Callable, Iterator
from itertools import count, repeat

from lrsched_cli.errors import DialectError
from lrsched_cli.frameworks.reproduction import Reproduction, boolean, describe, metric_driven, number
from lrsched_cli.frameworks.timm.cycles import (
    Cycles,
    Over,
    cosine,
    cosine_over,
    cycled,
    poly,
    poly_over,
    step_text,
    tanh,
    tanh_over,
)
from lrsched_cli.records import Record

FRAMEWORK = "timm"


class Warmup(Record):
    t: float
    lr_init: float
    prefix: bool
    shown: str = ""
    """``warmup_t`` as the user wrote it."""


def _refuse_noise(noise_range_t: object) -> None:
    if noise_range_t is not None:
        raise DialectError(
            "noise_range_t",
            "timm draws this noise from torch's random generator (seeded noise_seed + t), which "
            "lrsched does not reproduce; leave noise_range_t out to see the schedule without noise",
        )


def _check(condition: bool, argument: str, requirement: str, value: object) -> None:
    """timm checks these with ``assert``; lrsched says which argument failed."""
    if not condition:
        raise DialectError(argument, f"timm requires {requirement}, got {describe(value)}")


def _cycles(t_initial: object, cycle_mul: object, cycle_decay: object, cycle_limit: object) -> Cycles:
    cycles = Cycles(
        number("t_initial", t_initial),
        number("cycle_mul", cycle_mul),
        number("cycle_decay", cycle_decay),
        number("cycle_limit", cycle_limit),
    )
    _check(cycles.t_initial > 0, "t_initial", "t_initial > 0", t_initial)
    return cycles


def _warmup(warmup_t: object, warmup_lr_init: object, warmup_prefix: object) -> Warmup:
    return Warmup(
        number("warmup_t", warmup_t),
        number("warmup_lr_init", warmup_lr_init),
        boolean("warmup_prefix", warmup_prefix),
        describe(warmup_t),
    )


def _reproduction(
    scheduler: str,
    main: Callable[[float, float], float],
    warmup: Warmup,
    t_in_epochs: object,
    *,
    warmup_target: Callable[[float], float] | None = None,
    length: int | None = None,
    ends_at: float | None = None,
    extra_notes: Callable[[int], list[str]] = lambda rows: [],
    over: Over | None = None,
) -> Reproduction:
    """Rates from ``main(base_lr, t)`` behind timm's linear warmup; ``warmup_target(base_lr)`` is
    what the warmup climbs to (the base lr, or the tanh value at ``warmup_t``). ``over(base_lr,
    ts)``, if given, is ``main`` over many t in one loop, the same operations (rows at less cost)."""
    epochs = boolean("t_in_epochs", t_in_epochs)
    along = over or (lambda lr, ts: map(main, repeat(lr), ts))

    def rates(lr: float | None) -> Iterator[float]:
        assert lr is not None, "timm scales the optimizer's lr"
        try:
            step = (((warmup_target or (lambda v: v))(lr)) - warmup.lr_init) / warmup.t if warmup.t else 1
        except (ValueError, ZeroDivisionError, OverflowError) as exc:
            raise DialectError(
                "warmup_t", f"timm's constructor fails computing the rate at warmup_t={warmup.shown}: {exc}"
            ) from None
        yield warmup.lr_init if warmup.t else lr
        t = 1
        while t < warmup.t:
            yield warmup.lr_init + t * step
            t += 1
        ts = map(operator.sub, count(t), repeat(warmup.t)) if warmup.prefix else count(t)
        try:
            yield from along(lr, ts)
        except DialectError:
            raise
        except (ValueError, ZeroDivisionError, OverflowError):
            return  # where timm's own step raises

    unit = (
        "epoch, as step(epoch) counts" if epochs else "optimizer update, as step_update(num_updates) counts"
    )

    def notes(rows: int) -> list[str]:
        found = [f"timm rows: t is the {unit} (t_in_epochs={epochs})"]
        if warmup.t > 0 and warmup.lr_init == 0:
            found.append("row 1 has rate 0: timm's warmup starts at warmup_lr_init=0")
        if length is not None and rows > length:
            found.append(f"rows past {length} (timm's cycle length): the rate stays at lr_min")
        if ends_at is not None:
            end = (
                math.ceil(ends_at + warmup.t)
                if warmup.prefix
                else max(math.ceil(ends_at), math.ceil(warmup.t))
            )
            if rows > end:
                found.append(f"timm raises ValueError (math domain error in log) at t={step_text(end)}")
        return found + extra_notes(rows)

    return Reproduction(
        FRAMEWORK,
        scheduler,
        {},
        rates,
        needs_lr=True,
        length=length,
        notes=notes,
        unit="epoch" if epochs else "step",
    )


def _cycled_over(cycles: Cycles, over: Over) -> Over | None:
    """``over``, main over many t in one loop, where the cycles do not grow (a growing cycle
    keeps main: its float log)."""
    return over if cycles.cycle_mul == 1 else None


def cosine_lr_scheduler(
    optimizer: object,
    t_initial: int,
    lr_min: float = 0.0,
    cycle_mul: float = 1.0,
    cycle_decay: float = 1.0,
    cycle_limit: int = 1,
    warmup_t: int = 0,
    warmup_lr_init: float = 0.0,
    warmup_prefix: bool = False,
    t_in_epochs: bool = True,
    noise_range_t: list[int] | tuple[int, int] | int | None = None,
    noise_pct: float = 0.67,
    noise_std: float = 1.0,
    noise_seed: int = 42,
    k_decay: float = 1.0,
    initialize: bool = True,
) -> Reproduction:
    """``lr_min + 0.5 * (peak - lr_min) * (1 + cos(pi * t_curr**k / t_i**k))``, peak decaying by
    ``cycle_decay`` each cycle; ``lr_min`` after ``cycle_limit`` cycles."""
    _refuse_noise(noise_range_t)
    cycles = _cycles(t_initial, cycle_mul, cycle_decay, cycle_limit)
    low, k = number("lr_min", lr_min), number("k_decay", k_decay)
    _check(low >= 0, "lr_min", "lr_min >= 0", lr_min)
    warmup = _warmup(warmup_t, warmup_lr_init, warmup_prefix)

    return _reproduction(
        "CosineLRScheduler",
        cycled(cycles, low, cosine(k)),
        warmup,
        t_in_epochs,
        over=_cycled_over(cycles, cosine_over(cycles, low, k)),
        length=cycles.length(warmup.t, warmup.prefix),
        ends_at=cycles.domain_end(),
    )


def poly_lr_scheduler(
    optimizer: object,
    t_initial: int,
    power: float = 0.5,
    lr_min: float = 0.0,
    cycle_mul: float = 1.0,
    cycle_decay: float = 1.0,
    cycle_limit: int = 1,
    warmup_t: int = 0,
    warmup_lr_init: float = 0.0,
    warmup_prefix: bool = False,
    t_in_epochs: bool = True,
    noise_range_t: list[int] | tuple[int, int] | int | None = None,
    noise_pct: float = 0.67,
    noise_std: float = 1.0,
    noise_seed: int = 42,
    k_decay: float = 1.0,
    initialize: bool = True,
) -> Reproduction:
    """``lr_min + (peak - lr_min) * (1 - t_curr**k / t_i**k) ** power``, cycled like the cosine."""
    _refuse_noise(noise_range_t)
    cycles = _cycles(t_initial, cycle_mul, cycle_decay, cycle_limit)
    low, k, exponent = number("lr_min", lr_min), number("k_decay", k_decay), number("power", power)
    _check(low >= 0, "lr_min", "lr_min >= 0", lr_min)
    warmup = _warmup(warmup_t, warmup_lr_init, warmup_prefix)

    return _reproduction(
        "PolyLRScheduler",
        cycled(cycles, low, poly(k, exponent)),
        warmup,
        t_in_epochs,
        over=_cycled_over(cycles, poly_over(cycles, low, k, exponent)),
        length=cycles.length(warmup.t, warmup.prefix),
        ends_at=cycles.domain_end(),
    )


def tanh_lr_scheduler(
    optimizer: object,
    t_initial: int,
    lb: float = -7.0,
    ub: float = 3.0,
    lr_min: float = 0.0,
    cycle_mul: float = 1.0,
    cycle_decay: float = 1.0,
    cycle_limit: int = 1,
    warmup_t: int = 0,
    warmup_lr_init: float = 0.0,
    warmup_prefix: bool = False,
    t_in_epochs: bool = True,
    noise_range_t: list[int] | tuple[int, int] | int | None = None,
    noise_pct: float = 0.67,
    noise_std: float = 1.0,
    noise_seed: int = 42,
    initialize: bool = True,
) -> Reproduction:
    """``lr_min + 0.5 * (peak - lr_min) * (1 - tanh(lb * (1 - r) + ub * r))`` with ``r = t_curr / t_i``;
    without ``warmup_prefix`` the warmup climbs to this value at ``warmup_t``, not to the lr."""
    _refuse_noise(noise_range_t)
    cycles = _cycles(t_initial, cycle_mul, cycle_decay, cycle_limit)
    low, lower, upper = number("lr_min", lr_min), number("lb", lb), number("ub", ub)
    _check(low >= 0, "lr_min", "lr_min >= 0", lr_min)
    _check(lower < upper, "lb", "lb < ub", lb)
    _check(cycles.cycle_limit >= 0, "cycle_limit", "cycle_limit >= 0", cycle_limit)
    warmup = _warmup(warmup_t, warmup_lr_init, warmup_prefix)
    _check(warmup.t >= 0, "warmup_t", "warmup_t >= 0", warmup_t)
    _check(warmup.lr_init >= 0, "warmup_lr_init", "warmup_lr_init >= 0", warmup_lr_init)

    main = cycled(cycles, low, tanh(lower, upper))
    return _reproduction(
        "TanhLRScheduler",
        main,
        warmup,
        t_in_epochs,
        over=_cycled_over(cycles, tanh_over(cycles, low, lower, upper)),
        warmup_target=None if warmup.prefix else (lambda lr: main(lr, warmup.t)),
        length=cycles.length(warmup.t, warmup.prefix),
        ends_at=cycles.domain_end(),
    )


def step_lr_scheduler(
    optimizer: object,
    decay_t: float,
    decay_rate: float = 1.0,
    warmup_t: int = 0,
    warmup_lr_init: float = 0.0,
    warmup_prefix: bool = True,
    t_in_epochs: bool = True,
    noise_range_t: list[int] | tuple[int, int] | int | None = None,
    noise_pct: float = 0.67,
    noise_std: float = 1.0,
    noise_seed: int = 42,
    initialize: bool = True,
) -> Reproduction:
    """``lr * decay_rate ** (t // decay_t)`` (the default ``decay_rate=1`` never decays)."""
    _refuse_noise(noise_range_t)
    every, rate = number("decay_t", decay_t), number("decay_rate", decay_rate)
    _check(every != 0, "decay_t", "decay_t != 0 (timm divides by it)", decay_t)
    warmup = _warmup(warmup_t, warmup_lr_init, warmup_prefix)
    return _reproduction("StepLRScheduler", lambda lr, t: lr * rate ** (t // every), warmup, t_in_epochs)


def multistep_lr_scheduler(
    optimizer: object,
    decay_t: list[int],
    decay_rate: float = 1.0,
    warmup_t: int = 0,
    warmup_lr_init: float = 0.0,
    warmup_prefix: bool = True,
    t_in_epochs: bool = True,
    noise_range_t: list[int] | tuple[int, int] | int | None = None,
    noise_pct: float = 0.67,
    noise_std: float = 1.0,
    noise_seed: int = 42,
    initialize: bool = True,
) -> Reproduction:
    """``lr * decay_rate ** bisect_right(decay_t, t + 1)``: each milestone m applies from t = m - 1,
    a step earlier than PyTorch's MultiStepLR (timm keeps it for compatibility, #2745/#2753/#2806)."""
    _refuse_noise(noise_range_t)
    if not isinstance(decay_t, list | tuple):
        raise DialectError("decay_t", f"expected a list of milestones, got {describe(decay_t)}")
    milestones = [number("decay_t", m) for m in decay_t]
    rate = number("decay_rate", decay_rate)
    warmup = _warmup(warmup_t, warmup_lr_init, warmup_prefix)

    def notes(rows: int) -> list[str]:
        shifted = [m for m in milestones if m - 1 < rows]
        if not shifted:
            return []
        return [
            "timm's MultiStepLRScheduler decays one step before each milestone "
            f"(milestone {describe(decay_t[milestones.index(shifted[0])])} applies from the step before it)"
        ]

    return _reproduction(
        "MultiStepLRScheduler",
        lambda lr, t: lr * rate ** bisect.bisect_right(milestones, t + 1),
        warmup,
        t_in_epochs,
        extra_notes=notes,
    )


SCHEDULERS: dict[str, Callable[..., Reproduction]] = {
    "CosineLRScheduler": cosine_lr_scheduler,
    "PolyLRScheduler": poly_lr_scheduler,
    "TanhLRScheduler": tanh_lr_scheduler,
    "StepLRScheduler": step_lr_scheduler,
    "MultiStepLRScheduler": multistep_lr_scheduler,
}

REFUSED: dict[str, str] = {"PlateauLRScheduler": metric_driven("PlateauLRScheduler")}

STEP_COUNTS = frozenset({"t_initial", "warmup_t", "decay_t"})
"""The arguments that count steps (epochs with t_in_epochs): a float below 1 gets a note."""
