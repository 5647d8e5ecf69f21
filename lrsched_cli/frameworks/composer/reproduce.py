"""Composer's schedulers (composer/optim/scheduler.py), each as a function with its signature.

A Composer scheduler is a function of the Trainer's state: its times (``'10ep'``, ``'100ba'``,
``'0.1dur'``) are resolved against the run, ``max_duration='Eep'`` and a dataloader of K batches
(``lrsched from ... --epochs E --steps-per-epoch K``), so a reproduction's rates exist only for
a run (`Reproduction.run`). The arithmetic is Composer's, operation by operation:

- ``_convert_time``: an epoch time is ``value * K`` batches, a duration ``int(value * K * E)``
  batches, truncated (``'0.1dur'`` of 3 epochs of 7 batches is ``int(2.1000000000000005) = 2``;
  ``'0.29dur'`` of 100 batches is ``int(28.999999999999996) = 28``);
- the Trainer wraps the scheduler in a ``LambdaLR``, ``lr x factor``, computed once when it is
  built and after each batch, *before* the batch is counted (trainer.py 2490-2499): batch 1 and
  batch 2 both apply the factor at batch 0, batch k the factor at batch k - 2;
- a warmup is ``LinearScheduler(0, 1, t_warmup)``: from 0; the warmup schedulers decay over
  ``t_max - t_warmup`` and refuse a ``t_max`` shorter than ``max_duration``.

Times are strings or ``Time(value, unit)`` (``TimeUnit.BATCH`` or ``'ba'``). Only ``ep``, ``ba``
and ``dur`` times are read: samples and tokens need the batch's contents,
iterations and wall-clock time are not a schedule of batches. The Trainer's
``scale_schedule_ratio`` is 1 (``scale_warmup`` has no effect then).

Source read: mosaicml/composer 0.32.1 composer/optim/scheduler.py 133-952, composer/core/time.py
83-460, composer/trainer/trainer.py 193-213, 1561-1579, 2420-2560.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from itertools import count

from lrsched_cli.errors import DialectError
from lrsched_cli.frameworks.composer import times
from lrsched_cli.frameworks.composer.times import Run, Time, Time_, parse_time
from lrsched_cli.frameworks.reproduction import Rates, Reproduction, describe, number

FRAMEWORK = "composer"

CONSTANTS = times.CONSTANTS
"""``TimeUnit.BATCH`` and the other members, read as their values."""

Factor = Callable[[int], float]
"""The scheduler's multiplier when the Trainer has counted ``batch`` batches."""


def _reproduction(scheduler: str, build: Callable[[Run], Factor]) -> Reproduction:
    def run(epochs: int, batches: int, max_batches: int | None = None) -> tuple[Rates, list[str]]:
        notes: list[str] = []
        factor = build(Run(epochs, batches, notes, max_batches))

        def at(batch: int) -> float:
            try:
                value = factor(batch)
            except DialectError:
                raise
            except (ArithmeticError, ValueError, TypeError) as exc:
                raise DialectError(
                    None, f"{scheduler} fails at batch {batch} in Composer: {type(exc).__name__}: {exc}"
                ) from None
            if isinstance(value, complex):
                raise DialectError(
                    None, f"{scheduler}'s factor at batch {batch} is complex in Composer ({value})"
                )
            return float(value)

        first = at(0)  # the LambdaLR's own step, when the Trainer is built: errors surface before any row

        def rates(lr: float | None) -> Iterator[float]:
            assert lr is not None, "Composer's schedulers scale the optimizer's lr"
            yield lr * first
            for batch in count():
                yield lr * (first if batch == 0 else at(batch))

        notes.append(
            "batches 1 and 2 both apply the rate at time 0, batch k the rate at k - 2: Composer's Trainer "
            "steps the scheduler before it counts the batch just trained"
        )
        return rates, list(dict.fromkeys(notes))

    def unrun(lr: float | None) -> Iterator[float]:
        return iter(())

    return Reproduction(FRAMEWORK, scheduler, {}, unrun, needs_lr=True, run=run)


def _cosine_anneal(x: float, min_y: float = 0.0, max_y: float = 1.0) -> float:
    x = min(max(x, 0.0), 1.0)
    return min_y + (max_y - min_y) * (1 + math.cos(x * math.pi)) / 2


def _warmup(run: Run, t_warmup: Time, alpha: float = 1.0) -> int:
    """The warmup's length in batches (``_convert_time`` without the ssr), with its notes."""
    warmup = run.batches_of(t_warmup)
    if warmup == 0:
        run.notes.append(
            f"t_warmup={t_warmup.written!r} is 0 batches: no warmup (Composer warns that the warmup duration "
            "is 0; a duration is counted in the unit of max_duration's batches)"
        )
    else:
        run.notes.append(
            f"the warmup starts from 0: batches 1 and 2 apply rate 0 ({t_warmup.written!r} long)"
        )
    return warmup


def _at_least_the_run(run: Run, t_max: Time, t_max_batches: int) -> None:
    """``_raise_if_max_duration_exceeds_t_max``: batches compared with ``E x K``."""
    if t_max_batches < run.length:
        raise DialectError(
            "t_max",
            f"t_max {t_max.written!r} ({t_max_batches} batches) must be greater than or equal to "
            f"max_duration {run.duration} ({run.length} batches). "
            "Otherwise, the LR schedule will not be defined for the entire training duration (Composer)",
        )


def _scale_warmup(scale_warmup: object) -> None:
    if not isinstance(scale_warmup, bool):
        raise DialectError("scale_warmup", f"expected True or False, got {describe(scale_warmup)}")


def _after_warmup(
    scheduler: str,
    t_warmup: object,
    t_max: object,
    scale_warmup: object,
    alpha_i: float,
    decay: Callable[[float], float],
) -> Reproduction:
    """The warmup schedulers' shared shape: ``alpha_i x batch / warmup``, then ``decay`` of the
    fraction of ``t_max - t_warmup`` elapsed (clipped to 1)."""
    warmup_time, max_time = parse_time("t_warmup", t_warmup), parse_time("t_max", t_max)
    _scale_warmup(scale_warmup)

    def build(run: Run) -> Factor:
        warmup = _warmup(run, warmup_time)
        end = run.batches_of(max_time)
        _at_least_the_run(run, max_time, end)

        def factor(batch: int) -> float:
            if batch < warmup:
                return 0.0 + min(1.0, batch / warmup) * (alpha_i - 0.0)
            frac = (batch - warmup) / (end - warmup) if end > warmup else 0.0
            return decay(min(1.0, frac))

        return factor

    return _reproduction(scheduler, build)


# --- the schedulers --------------------------------------------------------------------------


def StepScheduler(step_size: str, gamma: float = 0.1) -> Reproduction:
    size, rate = parse_time("step_size", step_size), number("gamma", gamma)

    def build(run: Run) -> Factor:
        period = run.batches_of(size)
        return lambda batch: rate ** int(batch / period)

    return _reproduction("StepScheduler", build)


def MultiStepScheduler(milestones: list[str], gamma: float = 0.1) -> Reproduction:
    if not isinstance(milestones, (list, tuple)):
        raise DialectError("milestones", f"expected a list of times, got {describe(milestones)}")
    times, rate = [parse_time("milestones", m) for m in milestones], number("gamma", gamma)

    def build(run: Run) -> Factor:
        at = [run.batches_of(time) for time in times]

        def factor(batch: int) -> float:
            value = 1.0
            for milestone in at:
                if batch >= milestone:
                    value *= rate
            return value

        return factor

    return _reproduction("MultiStepScheduler", build)


def ConstantScheduler(alpha: float = 1.0, t_max: str = "1dur") -> Reproduction:
    level, max_time = number("alpha", alpha), parse_time("t_max", t_max)

    def build(run: Run) -> Factor:
        end = run.batches_of(max_time)
        return lambda batch: level if batch < end else 1.0

    return _reproduction("ConstantScheduler", build)


def LinearScheduler(alpha_i: float = 1.0, alpha_f: float = 0.0, t_max: str = "1dur") -> Reproduction:
    start, final, max_time = (
        number("alpha_i", alpha_i),
        number("alpha_f", alpha_f),
        parse_time("t_max", t_max),
    )

    def build(run: Run) -> Factor:
        end = run.batches_of(max_time)
        return lambda batch: start + min(1.0, batch / end) * (final - start)

    return _reproduction("LinearScheduler", build)


def ExponentialScheduler(gamma: float, decay_period: str = "1ep") -> Reproduction:
    rate, period_time = number("gamma", gamma), parse_time("decay_period", decay_period)

    def build(run: Run) -> Factor:
        period = run.batches_of(period_time)
        run.notes.append(
            f"ExponentialScheduler decays every batch, gamma ** (batch / {period}) (decay_period="
            f"{period_time.written!r}), not once per period"
        )
        return lambda batch: rate ** float(batch / period)

    return _reproduction("ExponentialScheduler", build)


def CosineAnnealingScheduler(t_max: str = "1dur", alpha_f: float = 0.0) -> Reproduction:
    max_time, final = parse_time("t_max", t_max), number("alpha_f", alpha_f)

    def build(run: Run) -> Factor:
        end = run.batches_of(max_time)
        return lambda batch: _cosine_anneal(x=batch / end, min_y=final)

    return _reproduction("CosineAnnealingScheduler", build)


def CosineAnnealingWarmRestartsScheduler(t_0: str, t_mult: float = 1.0, alpha_f: float = 0.0) -> Reproduction:
    first_time, mult, final = parse_time("t_0", t_0), number("t_mult", t_mult), number("alpha_f", alpha_f)

    def build(run: Run) -> Factor:
        first = run.batches_of(first_time)
        cycle = [first, first]  # the current interval's length and end; batches only grow

        def factor(batch: int) -> float:
            length, end = cycle
            while end <= batch:
                if length == 0:
                    raise DialectError(
                        "t_mult",
                        f"Interval between restarts for cosine annealing/warm restarts scheduler has decayed "
                        f"to 0 (at batch {batch}; Composer raises)",
                    )
                length = int(mult * length)
                end += length
            cycle[:] = [length, end]
            return _cosine_anneal(x=(batch - (end - length)) / length, min_y=final)

        return factor

    return _reproduction("CosineAnnealingWarmRestartsScheduler", build)


def PolynomialScheduler(power: float, t_max: str = "1dur", alpha_f: float = 0.0) -> Reproduction:
    exponent, max_time, final = number("power", power), parse_time("t_max", t_max), number("alpha_f", alpha_f)

    def build(run: Run) -> Factor:
        end = run.batches_of(max_time)

        def factor(batch: int) -> float:
            coeff: float = (1 - min(1.0, batch / end)) ** exponent
            return final + coeff * (1.0 - final)

        return factor

    return _reproduction("PolynomialScheduler", build)


def MultiStepWithWarmupScheduler(
    t_warmup: str, milestones: list[str], gamma: float = 0.1, scale_warmup: bool = False
) -> Reproduction:
    warmup_time = parse_time("t_warmup", t_warmup)
    if not isinstance(milestones, (list, tuple)):
        raise DialectError("milestones", f"expected a list of times, got {describe(milestones)}")
    times, rate = [parse_time("milestones", m) for m in milestones], number("gamma", gamma)
    _scale_warmup(scale_warmup)

    def build(run: Run) -> Factor:
        warmup = _warmup(run, warmup_time)
        at = [run.batches_of(time) for time in times]
        early = [time.written for time, batch in zip(times, at, strict=True) if batch < warmup]
        if early:
            run.notes.append(
                f"milestones {', '.join(map(repr, early))} fall in the warmup: they take effect only after it"
            )

        def factor(batch: int) -> float:
            if batch < warmup:
                return 0.0 + min(1.0, batch / warmup) * (1.0 - 0.0)
            value = 1.0
            for milestone in at:
                if batch >= milestone:
                    value *= rate
            return value

        return factor

    return _reproduction("MultiStepWithWarmupScheduler", build)


def ConstantWithWarmupScheduler(
    t_warmup: str, alpha: float = 1.0, t_max: str = "1dur", scale_warmup: bool = False
) -> Reproduction:
    level = number("alpha", alpha)
    return _after_warmup(
        "ConstantWithWarmupScheduler",
        t_warmup,
        t_max,
        scale_warmup,
        level,
        lambda frac: level + frac * (level - level),
    )


def LinearWithWarmupScheduler(
    t_warmup: str, alpha_i: float = 1.0, alpha_f: float = 0.0, t_max: str = "1dur", scale_warmup: bool = False
) -> Reproduction:
    start, final = number("alpha_i", alpha_i), number("alpha_f", alpha_f)
    return _after_warmup(
        "LinearWithWarmupScheduler",
        t_warmup,
        t_max,
        scale_warmup,
        start,
        lambda frac: start + frac * (final - start),
    )


def CosineAnnealingWithWarmupScheduler(
    t_warmup: str, t_max: str = "1dur", alpha_f: float = 0.0, scale_warmup: bool = False
) -> Reproduction:
    final = number("alpha_f", alpha_f)
    return _after_warmup(
        "CosineAnnealingWithWarmupScheduler",
        t_warmup,
        t_max,
        scale_warmup,
        1.0,
        lambda frac: _cosine_anneal(x=frac, min_y=final),
    )


def PolynomialWithWarmupScheduler(
    t_warmup: str, power: float = 2.0, t_max: str = "1dur", alpha_f: float = 0.0, scale_warmup: bool = False
) -> Reproduction:
    exponent, final = number("power", power), number("alpha_f", alpha_f)

    def decay(frac: float) -> float:
        coeff: float = (1 - frac) ** exponent
        return final + coeff * (1.0 - final)

    return _after_warmup("PolynomialWithWarmupScheduler", t_warmup, t_max, scale_warmup, 1.0, decay)


SCHEDULERS: dict[str, Callable[..., Reproduction]] = {
    function.__name__: function
    for function in (
        Time_,
        StepScheduler,
        MultiStepScheduler,
        ConstantScheduler,
        LinearScheduler,
        ExponentialScheduler,
        CosineAnnealingScheduler,
        CosineAnnealingWarmRestartsScheduler,
        PolynomialScheduler,
        MultiStepWithWarmupScheduler,
        ConstantWithWarmupScheduler,
        LinearWithWarmupScheduler,
        CosineAnnealingWithWarmupScheduler,
        PolynomialWithWarmupScheduler,
    )
}
"""``composer.optim.scheduler.__all__``'s schedulers (``compile_composer_scheduler`` is the
Trainer's wrapper, reproduced by every one's rows), and ``Time(value, unit)`` for their times."""
