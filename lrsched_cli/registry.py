"""Every schedule lrsched knows, declared once: the CLI, help, JSON and docs derive from here.

A schedule is a factory in `lrsched_cli.schedules` plus one `Entry` below. Its keyword
parameters become options (``step_size`` -> ``--step-size``), their help comes from `PARAMS`
(one meaning per name across every schedule), its docstring is the command's help.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from lrsched_cli import schedules
from lrsched_cli.schedules import Schedule, ScheduleError

DEFAULT_ROWS = 30
"""Rows shown when neither --epochs nor the schedule gives a length: the tutorial's 30 epochs."""


@dataclass(frozen=True)
class Param:
    help: str
    duration: bool = False
    """Measured in epochs: multiplied by --steps-per-epoch, so it counts optimizer steps."""


PARAMS: dict[str, Param] = {
    "lr": Param("Initial (peak) learning rate."),
    "min_lr": Param("Floor the rate anneals towards, at most --lr."),
    "gamma": Param("Multiplicative decay factor, between 0 and 1."),
    "step_size": Param("Epochs between two drops.", duration=True),
    "decay_rate": Param("Decay rate k per --decay-steps, at least 0: e^(-k p) or 1 / (1 + k p)."),
    "decay_steps": Param("Epochs over which the decay applies once (wsd: its decay phase).", duration=True),
    "staircase": Param("Decay in whole steps of --decay-steps instead of continuously."),
    "t_max": Param("Epochs of the half cosine.", duration=True),
    "t_0": Param("Epochs of the first period.", duration=True),
    "t_mult": Param("Each period is this many times longer than the one before."),
    # One word, one meaning: "decay" is a factor per restart, never a length. Issue 3's wsd
    # "--decay N" (the decay phase's length) is "decay_steps", the epochs the decay applies over.
    "decay": Param("Each restart's peak height is this times the last one's, between 0 and 1."),
    "milestones": Param("Epochs where the rate drops, a comma list (a repeat drops twice).", duration=True),
    "boundaries": Param("Epochs at which the rate switches to the next value, a comma list.", duration=True),
    "values": Param("The rates, a comma list with one more than --boundaries."),
    "factor": Param("Fraction of --lr the rate is held at (constant: until --total-iters), 0 to 1."),
    "start_factor": Param("Fraction of --lr the rate starts at, above 0 and at most 1."),
    "end_factor": Param("Fraction of --lr the rate reaches at --total-iters, between 0 and 1."),
    "total_iters": Param("Epochs until the schedule reaches its final rate.", duration=True),
    "power": Param("Exponent of the polynomial decay, above 0 (1: linear)."),
}


@dataclass(frozen=True)
class Entry:
    name: str
    factory: Callable[..., Schedule]
    examples: tuple[str, ...]
    length: str | None = None
    """A parameter that defaults to the rows (minus warmup), and gives the default row count."""

    @property
    def doc(self) -> str:
        return inspect.getdoc(self.factory) or ""

    @property
    def summary(self) -> str:
        return self.doc.splitlines()[0]

    @property
    def formula(self) -> str:
        """The first formula line of the docstring, for one-line listings."""
        lines = [line.strip() for line in self.doc.splitlines() if line.strip().startswith("lr(t)")]
        return lines[0] if lines else self.summary

    def parameters(self) -> list[inspect.Parameter]:
        return list(inspect.signature(self.factory, eval_str=True).parameters.values())


SCHEDULES: dict[str, Entry] = {
    entry.name: entry
    for entry in [
        Entry(
            "step",
            schedules.step_decay,
            (
                "lrsched step --lr 0.1 --step-size 10",
                "lrsched step --lr 0.1 --step-size 30 --gamma 0.5 -n 90",
            ),
        ),
        Entry(
            "exponential",
            schedules.exponential,
            (
                "lrsched exponential --lr 0.1 --decay-rate 0.05",
                "lrsched exponential --lr 0.1 --gamma 0.95 -f csv",
                "lrsched exponential --lr 0.1 --gamma 0.5 --decay-steps 10 --staircase",
            ),
        ),
        Entry(
            "cosine",
            schedules.cosine,
            (
                "lrsched cosine --lr 0.1 --min-lr 0.001",
                "lrsched cosine --lr 0.1 --t-max 90 --warmup 5 -f json",
            ),
            length="t_max",
        ),
        Entry(
            "cosine-restarts",
            schedules.cosine_restarts,
            (
                "lrsched cosine-restarts --lr 0.1 --t-0 10",
                "lrsched cosine-restarts --lr 0.1 --t-0 5 --t-mult 2 -n 35",
                "lrsched cosine-restarts --lr 0.1 --t-0 10 --decay 0.5 -n 40",
            ),
        ),
        Entry(
            "multistep",
            schedules.multistep,
            (
                "lrsched multistep --lr 0.1 -n 100",
                "lrsched multistep --lr 0.1 --milestones 10,20,20 --gamma 0.5",
            ),
        ),
        Entry(
            "constant",
            schedules.constant,
            ("lrsched constant --lr 0.1 -n 10", "lrsched constant --lr 0.1 --factor 0.5 --total-iters 3"),
        ),
        Entry(
            "linear",
            schedules.linear,
            (
                "lrsched linear --lr 0.1 -n 10",
                "lrsched linear --lr 0.1 --start-factor 1 --end-factor 0.01 --total-iters 20",
            ),
        ),
        Entry(
            "polynomial",
            schedules.polynomial,
            (
                "lrsched polynomial --lr 0.1 --power 2",
                "lrsched polynomial --lr 0.1 --total-iters 20 --min-lr 0.001 -n 25",
            ),
            length="total_iters",
        ),
        Entry(
            "piecewise",
            schedules.piecewise_constant,
            (
                "lrsched piecewise",
                "lrsched piecewise --boundaries 5,15 --values 0.05,0.1,0.01 --warmup 3",
            ),
        ),
        Entry(
            "inverse-time",
            schedules.inverse_time,
            (
                "lrsched inverse-time --lr 0.1 --decay-rate 0.5",
                "lrsched inverse-time --lr 0.1 --decay-rate 1 --decay-steps 10 --staircase",
            ),
        ),
    ]
}


@dataclass(frozen=True)
class Plan:
    """A schedule ready to tabulate: the function of the step, how many rows, what made it."""

    schedule: Schedule
    rows: int
    params: dict[str, Any]
    """Every resolved parameter, in epochs, defaults included: the JSON output's ``params``."""


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

    Durations stay in epochs for the user; with ``steps_per_epoch`` K they are multiplied by K,
    so the schedule counts optimizer steps and every boundary lands on an exact step.
    """
    if epochs is not None and epochs < 0:
        raise ScheduleError("epochs", f"must not be negative, got {epochs}")
    if warmup < 0:
        raise ScheduleError("warmup", f"must not be negative, got {warmup}")
    if steps_per_epoch is not None and steps_per_epoch < 1:
        raise ScheduleError("steps_per_epoch", f"must be a positive integer, got {steps_per_epoch}")
    resolved = dict(params)
    if entry.length and resolved.get(entry.length) is None:
        rows_left = (epochs or DEFAULT_ROWS) - warmup  # no rows at all: any length will do
        if rows_left <= 0:
            raise ScheduleError("warmup", f"must be shorter than the {rows_left + warmup} rows, got {warmup}")
        resolved[entry.length] = rows_left
    if epochs is None:
        epochs = warmup + resolved[entry.length] if entry.length else DEFAULT_ROWS

    k = steps_per_epoch or 1
    on_steps = {name: _in_steps(name, value, k) for name, value in resolved.items()}
    schedule = schedules.with_warmup(
        entry.factory(**on_steps), warmup=warmup * k, warmup_start_lr=warmup_start_lr
    )
    resolved.update(warmup=warmup, warmup_start_lr=warmup_start_lr, steps_per_epoch=steps_per_epoch)
    return Plan(schedule, epochs * k, resolved)


def _in_steps(name: str, value: Any, steps_per_epoch: int) -> Any:
    if steps_per_epoch == 1 or value is None or not PARAMS[name].duration:
        return value
    if isinstance(value, tuple):
        return tuple(v * steps_per_epoch for v in value)
    return value * steps_per_epoch
