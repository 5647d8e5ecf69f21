"""fairseq's learning-rate schedulers, as its classes are built: ``SCHEDULE(CONFIG(...), optimizer)``.

``InverseSquareRootSchedule(InverseSquareRootLRScheduleConfig(warmup_updates=4000), optimizer)``:
each config is a function with the dataclass's fields and defaults (in `configs`); each schedule
takes the config and the optimizer. fairseq's trainer calls ``step_update(0)`` when it builds the
scheduler and ``step_update(num_updates)`` after every update, so update k applies the rate of
``step_update(k - 1)``: row t is that rate. A config without ``lr`` (fairseq fills it from
``--lr``, ``optimization.lr``) takes ``--lr``; ``max_update`` (``--max-update``) must be given
where the schedule reads it.

The optimizer parameter is named ``optimizer`` in every schedule (fairseq names it
``fairseq_optimizer`` in two; it is passed by position).

Epoch-driven parts are not followed here (``lrsched from`` has no epochs): the fixed and
polynomial schedules' per-epoch ``lr`` lists and ``force_anneal`` are refused; ``lrsched trainer
fairseq`` says why too. Arithmetic is fairseq's, operation by operation (``t_mult``'s float
``log`` restart index included).

Source read: facebookresearch/fairseq ``3d262bb2`` fairseq/optim/lr_scheduler/
{inverse_square_root_schedule,cosine_lr_scheduler,polynomial_decay_schedule,tri_stage_lr_scheduler,
fixed_schedule,step_lr_scheduler}.py, fairseq/trainer.py 382, 1195-1212.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from itertools import count
from typing import Any, cast

from lrsched_cli.errors import DialectError
from lrsched_cli.frameworks.fairseq.configs import (
    FRAMEWORK,
    UNSET,
    Config,
    CosineLRScheduleConfig,
    FixedLRScheduleConfig,
    InverseSquareRootLRScheduleConfig,
    PolynomialDecayLRScheduleConfig,
    StepLRScheduleConfig,
    TriStageLRScheduleConfig,
    fields_of,
)
from lrsched_cli.frameworks.reproduction import Reproduction, describe


def _number(argument: str, value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise DialectError(argument, f"expected a number, got {describe(value)}")
    return value


def _integer(argument: str, value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise DialectError(argument, f"expected an integer, got {describe(value)}")
    return value


def _schedule(
    scheduler: str,
    cfg: dict[str, Any],
    build: Callable[[Any], Callable[[int], float]],
    *,
    listed: bool,
    length: int | None = None,
    notes: Callable[[int], list[str]] = lambda rows: [],
) -> Reproduction:
    """A schedule of ``cfg``: ``build(lr)`` makes its ``step_update``; ``lr`` is the config's, else
    ``--lr`` (a list of it where fairseq indexes it, ``listed``)."""
    given = cfg["lr"] is not UNSET
    if given:
        lr = cfg["lr"]
        if isinstance(lr, (list, tuple)):
            values = [_number("lr", value) for value in lr]
            if not values:
                raise DialectError("lr", "an empty list of learning rates")
        else:
            _number("lr", lr)
            if listed:
                raise DialectError("lr", f"{scheduler} reads cfg.lr[0]: give a list, lr=[{describe(lr)}]")
        build(lr)  # the constructor's checks fail now, not at the first row

    def rates(optimizer_lr: float | None) -> Iterator[float]:
        value = cfg["lr"] if given else [optimizer_lr]
        step_update = build(value)
        for t in count():
            try:
                yield float(step_update(t))
            except (ArithmeticError, ValueError) as exc:
                raise DialectError(None, f"{scheduler}.step_update({t}) fails in fairseq: {exc}") from None

    return Reproduction(FRAMEWORK, scheduler, {}, rates, needs_lr=not given, length=length, notes=notes)


def _single(scheduler: str, lr: object) -> float:
    """fairseq's ``cfg.lr[0] if isinstance(cfg.lr, Collection) else cfg.lr``, refusing several."""
    if isinstance(lr, (list, tuple)):
        if len(lr) > 1:
            raise DialectError(
                "lr",
                f"Cannot use a fixed learning rate schedule with {scheduler}: one lr, got {describe(lr)}",
            )
        return _number("lr", lr[0])
    return _number("lr", lr)


def _required(cfg: dict[str, Any], key: str, why: str) -> Any:
    if cfg[key] is UNSET:
        raise DialectError(key, f"{why}: give {key}= (fairseq fills it from --{key.replace('_', '-')})")
    return cfg[key]


def InverseSquareRootSchedule(cfg: Config, optimizer: object) -> Reproduction:
    fields = fields_of(cfg, "InverseSquareRootLRScheduleConfig")
    warmup = _number("warmup_updates", fields["warmup_updates"])

    def build(lr: Any) -> Callable[[int], float]:
        end = _single("inverse sqrt", lr)
        init = _number("warmup_init_lr", fields["warmup_init_lr"])
        if init < 0:
            init = 0 if warmup > 0 else end
        if warmup == 0:
            raise DialectError("warmup_updates", "0: fairseq divides by warmup_updates (ZeroDivisionError)")
        lr_step = (end - init) / warmup
        decay_factor = end * warmup**0.5

        def step_update(num_updates: int) -> float:
            if num_updates < warmup:
                return init + num_updates * lr_step
            return cast(float, decay_factor * num_updates**-0.5)

        return step_update

    def notes(rows: int) -> list[str]:
        found = []
        if fields["warmup_init_lr"] < 0 and warmup > 0:
            found.append("the first row's rate is 0: warmup_init_lr=-1 (the default) warms up from 0")
        return found

    return _schedule("InverseSquareRootSchedule", fields, build, listed=False, notes=notes)


def CosineLRSchedule(cfg: Config, optimizer: object) -> Reproduction:
    fields = fields_of(cfg, "CosineLRScheduleConfig")
    warmup = _number("warmup_updates", fields["warmup_updates"])
    t_mult = _number("t_mult", fields["t_mult"])
    shrink = _number("lr_shrink", fields["lr_shrink"])
    period = _number("lr_period_updates", fields["lr_period_updates"])
    if period <= 0:
        max_update = _number(
            "max_update", _required(fields, "max_update", "the period is max_update - warmup_updates")
        )
        if not max_update > 0:
            raise DialectError("max_update", "Either --max_update or --lr-period-updates must be set")
        period = max_update - warmup

    def build(lr: Any) -> Callable[[int], float]:
        max_lr = _single("cosine", lr)
        min_lr = _number("min_lr", fields["min_lr"])
        if max_lr < min_lr:
            min_lr = max_lr
        init = _number("warmup_init_lr", fields["warmup_init_lr"])
        if init < 0:
            init = min_lr
        lr_step = (max_lr - init) / warmup if warmup > 0 else 1

        def step_update(num_updates: int) -> float:
            if num_updates < warmup:
                return init + num_updates * lr_step
            curr = num_updates - warmup
            if t_mult != 1:
                i = math.floor(math.log(1 - curr / period * (1 - t_mult), t_mult))
                t_i = t_mult**i * period
                t_curr = curr - (1 - t_mult**i) / (1 - t_mult) * period
            else:
                i = math.floor(curr / period)
                t_i = period
                t_curr = curr - (period * i)
            lr_shrink = shrink**i
            low, high = min_lr * lr_shrink, max_lr * lr_shrink
            return low + 0.5 * (high - low) * (1 + math.cos(math.pi * t_curr / t_i))

        return step_update

    length = int(warmup + period) if t_mult == 1 and float(warmup + period).is_integer() else None

    def notes(rows: int) -> list[str]:
        if length is not None and rows > length + 1:
            return [
                f"rows past update {length}: fairseq's cosine restarts, each period's peak shrunk by "
                f"lr_shrink={shrink!r}"
            ]
        return []

    return _schedule("CosineLRSchedule", fields, build, listed=False, length=length, notes=notes)


def PolynomialDecayLRSchedule(cfg: Config, optimizer: object) -> Reproduction:
    fields = fields_of(cfg, "PolynomialDecayLRScheduleConfig")
    if fields["force_anneal"] is not None:
        raise DialectError("force_anneal", "acts at epoch boundaries, which lrsched from does not have")
    total = _number(
        "total_num_update",
        _required(fields, "total_num_update", "the decay ends at total_num_update (max_update)"),
    )
    if not total > 0:
        raise DialectError("total_num_update", f"fairseq asserts total_num_update > 0, got {describe(total)}")
    warmup = _number("warmup_updates", fields["warmup_updates"])
    end, power = _number("end_learning_rate", fields["end_learning_rate"]), _number("power", fields["power"])

    def build(lr: Any) -> Callable[[int], float]:
        if isinstance(lr, (list, tuple)) and len(lr) > 1:
            raise DialectError("lr", "several lrs are one per epoch, which lrsched from does not have")
        peak = _number("lr", lr[0])

        def step_update(num_updates: int) -> float:
            if warmup > 0 and num_updates <= warmup:
                return (num_updates / float(warmup)) * peak
            if num_updates >= total:
                return end
            pct_remaining = 1 - (num_updates - warmup) / (total - warmup)
            return float((peak - end) * pct_remaining ** (power) + end)

        return step_update

    def notes(rows: int) -> list[str]:
        found = []
        if warmup > 0:
            found.append("the first row's rate is 0: the warmup is num_updates / warmup_updates x lr, from 0")
        if rows > total + 1:
            found.append(f"rows past update {describe(total)}: fairseq holds end_learning_rate")
        return found

    length = int(total) if float(total).is_integer() else None
    return _schedule("PolynomialDecayLRSchedule", fields, build, listed=True, length=length, notes=notes)


def TriStageLRSchedule(cfg: Config, optimizer: object) -> Reproduction:
    fields = fields_of(cfg, "TriStageLRScheduleConfig")
    ratio = fields["phase_ratio"]
    if ratio is not None:
        if not isinstance(ratio, (list, tuple)) or len(ratio) != 3:
            raise DialectError("phase_ratio", f"expected three ratios, got {describe(ratio)}")
        max_update = _number(
            "max_update", _required(fields, "max_update", "phase_ratio is a ratio of max_update")
        )
        if not max_update > 0:
            raise DialectError("max_update", f"fairseq asserts max_update > 0, got {describe(max_update)}")
        parts = [_number("phase_ratio", part) for part in ratio]
        if sum(parts) != 1:
            raise DialectError(
                "phase_ratio",
                f"phase ratios must add up to 1 (fairseq compares sum == 1 exactly): {sum(parts)!r}",
            )
        warmup, hold, decay = (float(int(max_update * part)) for part in parts)
    else:
        warmup = _number("warmup_steps", fields["warmup_steps"])
        hold = _number("hold_steps", fields["hold_steps"])
        decay = _number("decay_steps", fields["decay_steps"])
    if not warmup + hold + decay > 0:
        raise DialectError("warmup_steps", "please specify steps or phase_ratio")
    if decay == 0:
        raise DialectError(
            "decay_steps", "0: fairseq divides -log(final_lr_scale) by decay_steps (ZeroDivisionError)"
        )
    init_scale = _number("init_lr_scale", fields["init_lr_scale"])
    final_scale = _number("final_lr_scale", fields["final_lr_scale"])
    if not final_scale > 0:
        raise DialectError(
            "final_lr_scale", f"fairseq takes its log: must be above 0, got {describe(final_scale)}"
        )

    def build(lr: Any) -> Callable[[int], float]:
        if isinstance(lr, (list, tuple)) and len(lr) > 1:
            raise DialectError("lr", "Cannot use a fixed learning rate schedule with tri-stage lr.")
        peak = _number("lr", lr[0])
        init, final = init_scale * peak, final_scale * peak
        warmup_rate = (peak - init) / warmup if warmup != 0 else 0
        decay_factor = -math.log(final_scale) / decay

        def step_update(num_updates: int) -> float:
            if num_updates < warmup:
                return init + warmup_rate * num_updates
            if num_updates < warmup + hold:
                return peak
            if num_updates <= warmup + hold + decay:
                return peak * math.exp(-decay_factor * (num_updates - warmup - hold))
            return final

        return step_update

    length = int(warmup + hold + decay) + 1 if float(warmup + hold + decay).is_integer() else None
    return _schedule("TriStageLRSchedule", fields, build, listed=True, length=length)


def FixedLRSchedule(cfg: Config, optimizer: object) -> Reproduction:
    fields = fields_of(cfg, "FixedLRScheduleConfig")
    if fields["force_anneal"] is not None:
        raise DialectError("force_anneal", "acts at epoch boundaries, which lrsched from does not have")
    warmup = _number("warmup_updates", fields["warmup_updates"])

    def build(lr: Any) -> Callable[[int], float]:
        if isinstance(lr, (list, tuple)) and len(lr) > 1:
            raise DialectError("lr", "several lrs are one per epoch, which lrsched from does not have")
        rate = _number("lr", lr[0])

        def step_update(num_updates: int) -> float:
            if warmup > 0 and num_updates < warmup:
                return ((num_updates + 1) / float(warmup)) * rate
            return rate

        return step_update

    return _schedule("FixedLRSchedule", fields, build, listed=True)


def StepLRSchedule(cfg: Config, optimizer: object) -> Reproduction:
    fields = fields_of(cfg, "StepLRScheduleConfig")
    warmup = _number("warmup_updates", fields["warmup_updates"])
    period = _integer("lr_deacy_period", fields["lr_deacy_period"])
    decay = _number("lr_decay", fields["lr_decay"])
    min_lr = _number("min_lr", fields["min_lr"])
    if not period > 0:
        raise DialectError("lr_deacy_period", f"fairseq asserts lr_deacy_period > 0, got {period}")
    if not decay <= 1:
        raise DialectError("lr_decay", f"fairseq asserts lr_decay <= 1, got {describe(decay)}")
    if not min_lr >= 0:
        raise DialectError("min_lr", f"fairseq asserts min_lr >= 0, got {describe(min_lr)}")

    def build(lr: Any) -> Callable[[int], float]:
        max_lr = lr[0] if isinstance(lr, (list, tuple)) else lr
        max_lr = _number("lr", max_lr)
        if not max_lr > min_lr:
            raise DialectError(
                "min_lr", f"fairseq asserts lr > min_lr, got lr {describe(max_lr)}, min_lr {describe(min_lr)}"
            )
        init = _number("warmup_init_lr", fields["warmup_init_lr"])
        init = init if init >= 0 else min_lr
        lr_step = (max_lr - init) / warmup if warmup > 0 else 1

        def step_update(num_updates: int) -> float:
            if num_updates < warmup:
                return init + num_updates * lr_step
            lr_mult: float = decay ** ((num_updates - warmup) // period)
            return max(max_lr * lr_mult, min_lr)

        return step_update

    return _schedule("StepLRSchedule", fields, build, listed=False)


SCHEDULERS: dict[str, Callable[..., Reproduction]] = {
    function.__name__: function
    for function in (
        InverseSquareRootLRScheduleConfig,
        CosineLRScheduleConfig,
        PolynomialDecayLRScheduleConfig,
        TriStageLRScheduleConfig,
        FixedLRScheduleConfig,
        StepLRScheduleConfig,
        InverseSquareRootSchedule,
        CosineLRSchedule,
        PolynomialDecayLRSchedule,
        TriStageLRSchedule,
        FixedLRSchedule,
        StepLRSchedule,
    )
}

STEP_COUNTS = frozenset(
    {"warmup_updates", "max_update", "total_num_update", "warmup_steps", "hold_steps", "decay_steps"}
)
"""The arguments that count updates: a float below 1 gets a note."""
