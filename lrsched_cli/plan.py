"""A schedule's plan: its parameters resolved and checked once, on the step clock, with its rows.

`plan` turns a registry entry and the values given for its options into the function of the step
lrsched tabulates, how many rows to show, and every resolved parameter (the JSON ``params``).
"""

from __future__ import annotations

import inspect
from collections.abc import Mapping
from typing import Any, Literal, NamedTuple

from lrsched_cli import schedules
from lrsched_cli.errors import BeyondEnd, ScheduleError
from lrsched_cli.registry import LARGEST, PARAMS, Entry
from lrsched_cli.schedules import Schedule

Unit = Literal["epoch", "step"]
"""What one row counts: an epoch (the tutorial's, and PyTorch's scheduler stepped per epoch), or an
optimizer step (a framework that steps its schedule per update: Keras, optax, Hugging Face)."""

DEFAULT_ROWS = 30
"""Rows shown when neither --epochs nor the schedule gives a length: the tutorial's 30 epochs."""


class Plan(NamedTuple):
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
    warmup_start_lr: float = 0.0,
    steps_per_epoch: int | None = None,
) -> Plan:
    """Resolve defaults, check everything once, and build the schedule on the step clock.

    Durations keep the unit they are declared in (`registry.Unit`): one in epochs is multiplied
    by ``steps_per_epoch`` K, so the schedule counts optimizer steps and every boundary lands on
    an exact step; one in steps (``--total-steps``) already counts them. ``epochs`` (the rows
    without K) and ``warmup`` are epochs.
    """
    if epochs is not None and epochs < 0:
        raise ScheduleError("epochs", f"must not be negative, got {epochs}")
    if warmup < 0:
        raise ScheduleError("warmup", f"must not be negative, got {warmup}")
    if steps_per_epoch is not None and steps_per_epoch < 1:
        raise ScheduleError("steps_per_epoch", f"must be a positive integer, got {steps_per_epoch}")
    resolved = dict(params)
    unset = None  # a length that defaults from no rows: the params record none (JSON null)
    k = steps_per_epoch or 1
    clock = 1 if entry.per_epoch else k
    if entry.from_warmup and resolved.get(entry.from_warmup) is None:
        warmup_length = warmup * _per(entry.from_warmup, clock)
        resolved[entry.from_warmup] = warmup_length or entry.default(entry.from_warmup)
    for parameter in entry.parameters():  # a duration defaulting to one epoch, in its own unit
        one_epoch = PARAMS[parameter.name].one_epoch and parameter.default is not inspect.Parameter.empty
        if one_epoch and resolved.get(parameter.name) is None:
            resolved[parameter.name] = _per(parameter.name, clock)
    for name, source in entry.follows.items():
        if resolved.get(name) is None:
            resolved[name] = resolved.get(source, entry.default(source))
    if entry.length and resolved.get(entry.length) is None:
        rows = DEFAULT_ROWS if epochs is None else epochs
        if rows == 0:  # nothing will be shown: any length builds it, and none is recorded
            resolved[entry.length] = DEFAULT_ROWS
            unset = entry.length
        elif rows <= warmup:
            raise ScheduleError("warmup", f"must be shorter than the {rows} rows, got {warmup}")
        else:  # the epochs after the warmup, in the length's own unit
            resolved[entry.length] = (rows - warmup) * _per(entry.length, clock)

    on_steps = {name: in_steps(name, value, clock) for name, value in resolved.items()}
    for name, value in on_steps.items():
        _in_range(name, value, clock if _unit(name) == "epochs" else 1)
    _in_range("warmup", warmup * k, k)
    own = entry.factory(**on_steps)
    if clock != k:
        own = _held(own, k)
    schedule = schedules.with_warmup(own, warmup=warmup * k, warmup_start_lr=warmup_start_lr)
    if epochs is not None:
        rows = epochs * k
    elif entry.length:
        rows = warmup * k + on_steps[entry.length]
    else:  # the natural length is on the schedule's own clock, held for k // clock steps a unit
        shape = entry.natural(on_steps) if entry.natural else None
        rows = DEFAULT_ROWS * k if shape is None else warmup * k + shape * (k // clock)
        if entry.endless:
            rows = max(rows, DEFAULT_ROWS * k)
    _in_range("epochs", rows, k)
    _check_end(schedule, rows, k, warmup=warmup, per_step=k // clock, epochs=epochs)
    resolved.update(warmup=warmup, warmup_start_lr=warmup_start_lr, steps_per_epoch=steps_per_epoch)
    if unset:
        resolved[unset] = None
    notes = tuple(entry.notes(resolved)) if entry.notes else ()
    return Plan(schedule, rows, resolved, notes)


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
    schedule: Schedule, rows: int, k: int, *, warmup: int, per_step: int, epochs: int | None
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
        most = (warmup * k + end.rows * per_step) // k
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
