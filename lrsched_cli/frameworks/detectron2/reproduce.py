"""fvcore's ParamSchedulers and Detectron2's ``WarmupParamScheduler`` and ``LRMultiplier``,
reproduced in float64 as they compute.

An fvcore ``ParamScheduler`` is a function of training progress ``where`` in [0, 1], not of a
step. Alone (``lrsched from "CosineParamScheduler(1, 0.01)"``) row i is its value at ``i / N``,
N = ``--epochs`` (30 when not given): the value, not a factor of ``--lr``. Detectron2 turns one
into a learning rate with ``LRMultiplier(optimizer, multiplier, max_iter)``: a PyTorch scheduler
stepped once per iteration, whose rate at iteration t is ``base_lr * multiplier(t / max_iter)``
(t = 0 is what the constructor sets).

Kept as fvcore has them: ``MultiStepParamScheduler`` and ``StepParamScheduler`` add
``WHERE_EPSILON = 1e-6`` to ``where`` before truncating it to an update index, and so does
``CompositeParamScheduler`` when it picks the child; a composite's lengths that do not sum to
1.0 exactly have the last one replaced by ``1 - sum(the others)``. Past ``max_iter`` (where > 1)
the schedulers do what fvcore's do: a cosine climbs back, ``MultiStepParamScheduler`` raises
(where > 1), ``ConstantParamScheduler`` and ``StepParamScheduler`` raise at where = 1, so an
``LRMultiplier``'s rates end there, as a training loop stepping it would crash.

Source read: fvcore/common/param_scheduler.py (0.1.5.post20221221), detectron2/solver/
lr_scheduler.py 22-125 (facebookresearch/detectron2 ``02b5c4e2``).
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Callable, Iterator, Sequence
from itertools import count

from lrsched_cli.errors import DialectError
from lrsched_cli.frameworks.reproduction import Reproduction, describe, integer, number
from lrsched_cli.plan import DEFAULT_ROWS

FRAMEWORK = "detectron2"

WHERE_EPSILON = 1e-6
"""fvcore's ``ParamScheduler.WHERE_EPSILON``."""


class Stops(Exception):
    """fvcore raises at this ``where`` (the message is what it raises)."""


def _never(where: float) -> float:
    raise AssertionError("a ParamSchedule always has its function")


class ParamSchedule(Reproduction):
    """An fvcore ParamScheduler: ``value(where)`` as it computes it, raising `Stops` where it raises."""

    value: Callable[[float], float] = _never


def _schedule(scheduler: str, value: Callable[[float], float]) -> ParamSchedule:
    """A ParamScheduler on its own: row i of N is ``value(i / N)``."""
    value = _guarded(value)

    def over(rows: int) -> Callable[[float | None], Iterator[float]]:
        def rates(lr: float | None) -> Iterator[float]:
            for i in count():
                where = i / rows
                try:
                    yield _real(value(where))
                except Stops as stop:
                    raise DialectError(None, f"{scheduler}({where!r}) fails in fvcore: {stop}") from None

        return rates

    def notes(rows: int) -> list[str]:
        return [
            f"{scheduler} is a function of training progress: row i is its value at i / {rows} "
            f"(--epochs sets the {rows}), not a factor of --lr; Detectron2 scales --lr with it "
            "through LRMultiplier(optimizer, multiplier, max_iter)"
        ]

    return ParamSchedule(
        FRAMEWORK,
        scheduler,
        {},
        over(DEFAULT_ROWS),
        needs_lr=False,
        notes=notes,
        over=over,
        value=value,
    )


def _guarded(value: Callable[[float], float]) -> Callable[[float], float]:
    """``value`` with the errors fvcore's arithmetic raises turned into `Stops`."""

    def guarded(where: float) -> float:
        try:
            result = value(where)
        except (IndexError, ZeroDivisionError, OverflowError) as exc:
            raise Stops(f"{type(exc).__name__}: {exc}") from None
        if isinstance(result, complex):  # a negative base to a fractional power, past the end
            raise Stops(f"the value is complex ({result})")
        return result

    return guarded


def _real(value: float) -> float:
    return float(value)


def _progress_error(where: float) -> Stops:
    return Stops(f"RuntimeError: where in ParamScheduler must be in [0, 1]: got {where}")


def _values(argument: str, values: object) -> list[float]:
    if not isinstance(values, (list, tuple)):
        raise DialectError(argument, f"expected a list of numbers, got {describe(values)}")
    return [number(argument, value) for value in values]


# --- fvcore.common.param_scheduler -------------------------------------------------------------


def ConstantParamScheduler(value: float) -> ParamSchedule:
    constant = number("value", value)

    def at(where: float) -> float:
        if where >= 1.0:
            raise _progress_error(where)
        return constant

    return _schedule("ConstantParamScheduler", at)


def CosineParamScheduler(start_value: float, end_value: float) -> ParamSchedule:
    start, end = number("start_value", start_value), number("end_value", end_value)
    return _schedule(
        "CosineParamScheduler", lambda where: end + 0.5 * (start - end) * (1 + math.cos(math.pi * where))
    )


def ExponentialParamScheduler(start_value: float, decay: float) -> ParamSchedule:
    start, rate = number("start_value", start_value), number("decay", decay)
    return _schedule("ExponentialParamScheduler", lambda where: start * (rate**where))


def LinearParamScheduler(start_value: float, end_value: float) -> ParamSchedule:
    start, end = number("start_value", start_value), number("end_value", end_value)
    return _schedule("LinearParamScheduler", lambda where: end * where + start * (1 - where))


def MultiStepParamScheduler(
    values: list[float], num_updates: int | None = None, milestones: list[int] | None = None
) -> ParamSchedule:
    schedule = _values("values", values)
    if num_updates is None and milestones is None:
        raise DialectError("num_updates", "num_updates and milestones cannot both be None")
    total = None if num_updates is None else integer("num_updates", num_updates)
    if milestones is None:
        assert total is not None
        width = math.ceil(total / float(len(schedule)))
        bounds = [width * (index + 1) for index in range(len(schedule) - 1)]
    else:
        wanted = len(schedule) - int(total is not None)
        if not isinstance(milestones, (list, tuple)) or len(milestones) != wanted:
            raise DialectError(
                "milestones",
                f"MultiStep scheduler requires a list of {wanted} miletones, got {describe(milestones)}",
            )
        bounds = [integer("milestones", milestone) for milestone in milestones]
    if total is None:
        total, bounds = bounds[-1], bounds[:-1]
    if total < len(schedule):
        raise DialectError("num_updates", "Total num_updates must be greater than length of param schedule")
    start = 0
    for milestone in bounds:
        if milestone >= total:
            raise DialectError(
                "milestones",
                f"Milestone must be smaller than total number of updates: num_updates={total}, "
                f"milestone={milestone}",
            )
        if start >= milestone:
            raise DialectError(
                "milestones",
                f"Milestone must be smaller than start epoch: start_epoch={start}, milestone={milestone}",
            )
        start = milestone

    def at(where: float) -> float:
        if where > 1.0:
            raise _progress_error(where)
        return schedule[bisect.bisect_right(bounds, int((where + WHERE_EPSILON) * total))]

    return _schedule("MultiStepParamScheduler", at)


def PolynomialDecayParamScheduler(base_value: float, power: float) -> ParamSchedule:
    base, exponent = number("base_value", base_value), number("power", power)
    return _schedule("PolynomialDecayParamScheduler", lambda where: base * (1 - where) ** exponent)


def StepParamScheduler(num_updates: float, values: list[float]) -> ParamSchedule:
    if number("num_updates", num_updates) <= 0:
        raise DialectError("num_updates", "Number of updates must be larger than 0")
    if not isinstance(values, (list, tuple)) or not values:
        raise DialectError("values", "Step scheduler requires a list of at least one param value")
    schedule = _values("values", values)
    return _schedule(
        "StepParamScheduler", lambda where: schedule[int((where + WHERE_EPSILON) * len(schedule))]
    )


def StepWithFixedGammaParamScheduler(
    base_value: float, num_decays: int, gamma: float, num_updates: int
) -> ParamSchedule:
    for name, value in (("base_value", base_value), ("gamma", gamma)):
        if number(name, value) <= 0:
            raise DialectError(name, "base_value and gamma must be positive numbers")
    for name, value in (("num_decays", num_decays), ("num_updates", num_updates)):
        if integer(name, value) <= 0:
            raise DialectError(name, "num_decays and num_updates must be positive integers")
    schedule = [base_value]
    for _ in range(num_decays):
        schedule.append(schedule[-1] * gamma)
    return _schedule(
        "StepWithFixedGammaParamScheduler",
        lambda where: schedule[int((where + WHERE_EPSILON) * len(schedule))],
    )


def CompositeParamScheduler(
    schedulers: Sequence[ParamSchedule], lengths: list[float], interval_scaling: Sequence[str]
) -> ParamSchedule:
    children = _children("schedulers", schedulers)
    if not isinstance(lengths, (list, tuple)):
        raise DialectError("lengths", f"expected a list of numbers, got {describe(lengths)}")
    spans = [number("lengths", length) for length in lengths]
    if len(children) != len(spans):
        raise DialectError("lengths", "Schedulers and lengths must be same length")
    if not children:
        raise DialectError("schedulers", "There must be at least one scheduler in the composite scheduler")
    if abs(sum(spans) - 1.0) >= 1e-3:
        raise DialectError("lengths", "The sum of all values in lengths must be 1")
    if sum(spans) != 1.0:
        spans[-1] = 1.0 - sum(spans[:-1])
    if not isinstance(interval_scaling, (list, tuple)):
        raise DialectError("interval_scaling", f"expected a list, got {describe(interval_scaling)}")
    for scaling in interval_scaling:
        if scaling not in ("rescaled", "fixed"):
            raise DialectError("interval_scaling", f"Unsupported interval_scaling: {describe(scaling)}")
    return _schedule("CompositeParamScheduler", _composite(children, spans, list(interval_scaling)))


def _composite(
    children: list[Callable[[float], float]], spans: list[float], scalings: list[str]
) -> Callable[[float], float]:
    def at(where: float) -> float:
        i = 0
        running_total = spans[i]
        while (where + WHERE_EPSILON) > running_total and i < len(children) - 1:
            i += 1
            running_total += spans[i]
        child_where = where
        if scalings[i] == "rescaled":
            start = running_total - spans[i]
            child_where = (where - start) / spans[i]
        return children[i](child_where)

    return at


def _children(argument: str, schedulers: object) -> list[Callable[[float], float]]:
    if not isinstance(schedulers, (list, tuple)):
        raise DialectError(argument, f"expected a list of fvcore ParamSchedulers, got {describe(schedulers)}")
    return [_param_schedule(argument, scheduler).value for scheduler in schedulers]


def _param_schedule(argument: str, value: object) -> ParamSchedule:
    if not isinstance(value, ParamSchedule):
        raise DialectError(argument, f"must be an fvcore ParamScheduler, got {describe(value)}")
    return value


# --- detectron2.solver.lr_scheduler -------------------------------------------------------------


def WarmupParamScheduler(
    scheduler: ParamSchedule,
    warmup_factor: float,
    warmup_length: float,
    warmup_method: str = "linear",
    rescale_interval: bool = False,
) -> ParamSchedule:
    main = _param_schedule("scheduler", scheduler).value
    factor, length = number("warmup_factor", warmup_factor), number("warmup_length", warmup_length)
    if not isinstance(rescale_interval, bool):
        raise DialectError("rescale_interval", f"expected True or False, got {describe(rescale_interval)}")
    try:
        end_value = main(0.0) if rescale_interval else main(length)
        start_value = factor * main(0.0)
    except Stops as stop:
        raise DialectError("warmup_length", f"fvcore fails computing the warmup's end: {stop}") from None
    if warmup_method == "constant":
        warmup: Callable[[float], float] = _constant(start_value)
    elif warmup_method == "linear":
        warmup = LinearParamScheduler(start_value, end_value).value
    else:
        raise DialectError("warmup_method", f"Unknown warmup method: {describe(warmup_method)}")
    spans = [length, 1 - length]
    if sum(spans) != 1.0:  # CompositeParamScheduler's own correction
        spans[-1] = 1.0 - sum(spans[:-1])
    scalings = ["rescaled", "rescaled" if rescale_interval else "fixed"]
    return _schedule("WarmupParamScheduler", _composite([warmup, main], spans, scalings))


def _constant(value: float) -> Callable[[float], float]:
    return ConstantParamScheduler(value).value


def LRMultiplier(
    optimizer: object, multiplier: ParamSchedule, max_iter: int, last_iter: int = -1
) -> Reproduction:
    if not isinstance(multiplier, ParamSchedule):
        raise DialectError(
            "multiplier",
            "_LRMultiplier(multiplier=) must be an instance of fvcore ParamScheduler. "
            f"Got {describe(multiplier)} instead.",
        )
    iterations = integer("max_iter", max_iter)
    if iterations <= 0:
        raise DialectError(
            "max_iter",
            f"must be at least 1 (Detectron2 trains max_iter iterations; LRMultiplier divides by it, "
            f"0 raising ZeroDivisionError), got {iterations}",
        )
    if integer("last_iter", last_iter) != -1:
        raise DialectError(
            "last_iter", f"resuming (last_iter={last_iter}) is not reproduced: leave last_iter at -1"
        )
    value = multiplier.value

    def rates(lr: float | None) -> Iterator[float]:
        assert lr is not None, "LRMultiplier scales the optimizer's lr"
        for t in count():
            try:
                factor = value(t / iterations)
            except Stops:
                return
            yield lr * factor

    def notes(rows: int) -> list[str]:
        if rows <= iterations:
            return []
        for t in (iterations, iterations + 1):
            if t < rows:
                try:
                    value(t / iterations)
                except Stops as stop:
                    return [
                        f"the rows end at Step {t}: at iteration {t} the multiplier "
                        f"({multiplier.scheduler}) raises ({stop}); Detectron2 trains iterations 0 to "
                        f"max_iter - 1 = {iterations - 1}"
                    ]
        return [
            f"rows past iteration {iterations - 1}: Detectron2 trains max_iter={iterations} iterations; "
            f"past them the multiplier is {multiplier.scheduler} beyond where = 1"
        ]

    return Reproduction(FRAMEWORK, "LRMultiplier", {}, rates, needs_lr=True, length=iterations, notes=notes)


SCHEDULERS: dict[str, Callable[..., Reproduction]] = {
    function.__name__: function
    for function in (
        ConstantParamScheduler,
        CosineParamScheduler,
        ExponentialParamScheduler,
        LinearParamScheduler,
        MultiStepParamScheduler,
        PolynomialDecayParamScheduler,
        StepParamScheduler,
        StepWithFixedGammaParamScheduler,
        CompositeParamScheduler,
        WarmupParamScheduler,
        LRMultiplier,
    )
}

STEP_COUNTS = frozenset({"num_updates", "max_iter"})
"""The arguments that count updates: a float below 1 gets a note."""
