"""A schedule's plan: its parameters resolved and checked once, on the step clock, with its rows.

`plan` turns a registry entry and the values given for its options into the function of the step
lrsched tabulates, how many rows to show, and every resolved parameter (the JSON ``params``).
"""

import inspect
import math
from collections.abc import Mapping
from typing import Any, Literal

from lrsched_cli.errors import BeyondEnd, ScheduleError
from lrsched_cli.records import Record
from lrsched_cli.registry import LARGEST, PARAMS, Entry
from lrsched_cli.schedules import Schedule, warmup_over, with_warmup

Unit = Literal["epoch", "step"]
"""What one row counts: an epoch (the tutorial's, and PyTorch's scheduler stepped per epoch), or an
optimizer step (a framework that steps its schedule per update: Keras, optax, Hugging Face)."""

DEFAULT_ROWS = 30
"""Rows shown when neither --epochs nor the schedule gives a length: the tutorial's 30 epochs."""


class Plan(Record):
    """A schedule ready to tabulate: the function of the step, how many rows, what made it."""

    schedule: Schedule
    rows: int
    params: dict[str, Any]
    """Every resolved parameter, each in its own unit, defaults included: the JSON ``params``."""
    notes: tuple[str, ...] = ()
    """Notes for stderr: values that look like another meaning (the entry's ``notes``)."""


def plan(
    entry: Entry,
    params: Mapping[str, Any],
    *,
    epochs: int | None = None,
    warmup: int = 0,
    warmup_steps: int | None = None,
    warmup_ratio: float | None = None,
    warmup_start_lr: float = 0.0,
    steps_per_epoch: int | None = None,
    by_epoch: bool = False,
) -> Plan:
    """Resolve defaults, check everything once, and build the schedule on the step clock.

    Durations keep the unit they are declared in (`registry.Unit`): one in epochs is multiplied
    by ``steps_per_epoch`` K, so the schedule counts optimizer steps and every boundary lands on
    an exact step; one in steps (``--total-steps``) already counts them. ``epochs`` (the rows
    without K) and ``warmup`` are epochs; the warmup may be given in steps instead
    (``warmup_steps``) or as a fraction of the rows (``warmup_ratio``, Hugging Face's rounding up).

    The warmup comes before the schedule, which then starts its own clock (PyTorch's
    SequentialLR, Hugging Face). With ``by_epoch`` the schedule is stepped once per epoch of the
    run, each epoch's rate held for its K steps, and the warmup covers the run's first steps
    instead (Detectron2's WarmupParamScheduler, MMEngine's per-iteration warmup before a
    per-epoch scheduler).
    """
    if epochs is not None and epochs < 0:
        raise ScheduleError("epochs", f"must not be negative, got {epochs}")
    if warmup < 0:
        raise ScheduleError("warmup", f"must not be negative, got {warmup}")
    if steps_per_epoch is not None and steps_per_epoch < 1:
        raise ScheduleError("steps_per_epoch", f"must be a positive integer, got {steps_per_epoch}")
    k = steps_per_epoch or 1
    if by_epoch:
        _can_hold(entry, steps_per_epoch)
    clock = 1 if entry.per_epoch or by_epoch else k
    ramp = _warmup_in_steps(warmup, warmup_steps, warmup_ratio, epochs, k)
    before = 0 if by_epoch else ramp  # steps the warmup delays the schedule by
    resolved = dict(params)
    unset = None  # a length that defaults from no rows: the params record none (JSON null)
    if entry.from_warmup and resolved.get(entry.from_warmup) is None:  # a duration in steps
        resolved[entry.from_warmup] = ramp or entry.default(entry.from_warmup)
    for parameter in entry.parameters():  # a duration defaulting to one epoch, in its own unit
        one_epoch = PARAMS[parameter.name].one_epoch and parameter.default is not inspect.Parameter.empty
        if one_epoch and resolved.get(parameter.name) is None:
            resolved[parameter.name] = _per(parameter.name, clock)
    for name, source in entry.follows.items():
        if resolved.get(name) is None:
            resolved[name] = resolved.get(source, entry.default(source))
    length = None  # a length defaulting from the rows, on the step clock
    if entry.length and resolved.get(entry.length) is None:
        rows = DEFAULT_ROWS if epochs is None else epochs
        if rows == 0:  # nothing will be shown: any length builds it, and none is recorded
            resolved[entry.length] = DEFAULT_ROWS
            unset = entry.length
        elif rows * k <= ramp:
            raise _too_long(warmup, warmup_steps, warmup_ratio, rows * k, k)
        else:  # the steps after the warmup, recorded in the length's own unit
            length = rows * clock - before
            per = clock // _per(entry.length, clock)
            resolved[entry.length] = length // per if length % per == 0 else length / per

    on_steps = {name: in_steps(name, value, clock) for name, value in resolved.items()}
    if length is not None:
        on_steps[entry.length] = length  # type: ignore[index]
    for name, value in on_steps.items():
        _in_range(name, value, clock if _unit(name) == "epochs" else 1)
    _in_range("warmup", ramp, k)
    own = entry.factory(**on_steps)
    if clock != k:
        own = _held(own, k)
    if by_epoch:
        schedule = warmup_over(own, warmup=ramp, warmup_start_lr=warmup_start_lr)
    else:
        schedule = with_warmup(own, warmup=ramp, warmup_start_lr=warmup_start_lr)
    if epochs is not None:
        rows = epochs * k
    elif entry.length:
        rows = before + on_steps[entry.length] * (k // clock)
    else:  # the natural length is on the schedule's own clock, held for k // clock steps a unit
        shape = entry.natural(on_steps) if entry.natural else None
        rows = DEFAULT_ROWS * k if shape is None else before + shape * (k // clock)
        if entry.endless:
            rows = max(rows, DEFAULT_ROWS * k)
    if by_epoch and ramp >= rows > 0:
        raise _too_long(warmup, warmup_steps, warmup_ratio, rows, k)
    _in_range("epochs", rows, k)
    _check_end(schedule, rows, k, before=before, per_step=k // clock, epochs=epochs)
    resolved.update(warmup=warmup, warmup_start_lr=warmup_start_lr, steps_per_epoch=steps_per_epoch)
    if warmup_steps is not None or warmup_ratio is not None:  # recorded only when given, so JSON
        resolved["warmup_steps"] = ramp  # files written before these options still check
    if warmup_ratio is not None:
        resolved["warmup_ratio"] = warmup_ratio
    if by_epoch:
        resolved["by_epoch"] = True
    if unset:
        resolved[unset] = None
    notes = tuple(entry.notes(resolved)) if entry.notes else ()
    return Plan(schedule, rows, resolved, notes)


def _can_hold(entry: Entry, steps_per_epoch: int | None) -> None:
    """Refuse --by-epoch where it means nothing (no --steps-per-epoch) or where the schedule
    counts durations in optimizer steps, which a schedule stepped once per epoch cannot."""
    if steps_per_epoch is None:
        raise ScheduleError("by_epoch", "holds each epoch's rate for its steps: give --steps-per-epoch")
    in_steps = [name for name in (p.name for p in entry.parameters()) if _unit(name) == "steps"]
    if in_steps:
        flags = ", ".join("--" + name.replace("_", "-") for name in in_steps)
        raise ScheduleError(
            "by_epoch",
            f"steps the schedule once per epoch, and {entry.name} counts {flags} in optimizer steps: "
            "drop --by-epoch (a decay by a factor each epoch is step --step-size 1 --gamma G)",
        )


def _warmup_in_steps(
    warmup: int, warmup_steps: int | None, warmup_ratio: float | None, epochs: int | None, k: int
) -> int:
    """The warmup's length in steps, from the one of --warmup, --warmup-steps, --warmup-ratio given."""
    options = {"warmup": warmup or None, "warmup_steps": warmup_steps, "warmup_ratio": warmup_ratio}
    given = [(name, value) for name, value in options.items() if value is not None]
    if len(given) > 1:
        got = " and ".join(f"--{name.replace('_', '-')} {value!r}" for name, value in given)
        raise ScheduleError(
            given[1][0], f"give one of --warmup (epochs), --warmup-steps and --warmup-ratio, got {got}"
        )
    if warmup_steps is not None:
        if warmup_steps < 0:
            raise ScheduleError("warmup_steps", f"must not be negative, got {warmup_steps}")
        return warmup_steps
    if warmup_ratio is not None:
        if not 0 <= warmup_ratio < 1:
            raise ScheduleError("warmup_ratio", f"must be at least 0 and below 1, got {warmup_ratio}")
        if epochs is None:
            raise ScheduleError("warmup_ratio", "is a fraction of the run: give its length with --epochs")
        return math.ceil(epochs * k * warmup_ratio)  # Hugging Face: ceil(num_training_steps * ratio)
    return warmup * k


def _too_long(
    warmup: int, warmup_steps: int | None, warmup_ratio: float | None, steps: int, k: int
) -> ScheduleError:
    """The warmup fills the whole run of ``steps`` rows: an error on the option that gave it."""
    if warmup_ratio is not None:
        return ScheduleError("warmup_ratio", f"must leave some of the {steps} rows, got {warmup_ratio}")
    if warmup_steps is not None:
        return ScheduleError("warmup_steps", f"must be shorter than the {steps} rows, got {warmup_steps}")
    return ScheduleError("warmup", f"must be shorter than the {steps // k} rows, got {warmup}")


def _unit(name: str) -> str | None:
    return PARAMS[name].unit if name in PARAMS else None


def _per(name: str, clock: int) -> int:
    """How many of a parameter's units one epoch holds on the schedule's clock: its steps for a
    duration in steps (`registry.Unit`), else 1."""
    return clock if _unit(name) == "steps" else 1


def _in_range(name: str, value: Any, steps_per_epoch: int) -> None:
    """Refuse an integer the step clock cannot use exactly: past `LARGEST`, once in steps."""
    for number in value if isinstance(value, tuple) else (value,):
        if isinstance(number, int) and not isinstance(number, bool) and abs(number) > LARGEST:
            given = number // steps_per_epoch
            per = f" times --steps-per-epoch {steps_per_epoch}" if steps_per_epoch != 1 else ""
            raise ScheduleError(name, f"must be at most {LARGEST} in steps, got {given}{per}")


def _held(schedule: Schedule, steps_per_epoch: int) -> Schedule:
    """A per-epoch schedule on the step clock: each epoch's rate holds for all its steps."""

    def rate(t: int) -> float:
        return schedule(t // steps_per_epoch)

    return rate


def _check_end(
    schedule: Schedule, rows: int, k: int, *, before: int, per_step: int, epochs: int | None
) -> None:
    """Ask for the last row before any is written: a schedule that ends before it is a usage error.

    ``per_step`` is how many steps one unit of the schedule's own clock lasts (K when it is held
    per epoch, else 1), to turn the rows it defines into epochs.
    """
    if rows == 0:
        return
    try:
        schedule(rows - 1)
    except BeyondEnd as end:
        most = (before + end.rows * per_step) // k
        raise ScheduleError("epochs", f"must be at most {most} here, got {epochs}: {end.message}") from None


def in_steps(name: str, value: Any, steps_per_epoch: int) -> Any:
    """A parameter's value on the step clock: a duration in epochs times the steps per epoch; a
    duration in steps, and any other value, as it is.

    The one place epochs become steps; a comma list stays a tuple.
    """
    if steps_per_epoch == 1 or value is None or _unit(name) != "epochs":
        return value
    if isinstance(value, tuple):
        return tuple(v * steps_per_epoch for v in value)
    return value * steps_per_epoch
