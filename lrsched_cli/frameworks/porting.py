"""Porting a schedule between frameworks: ``lrsched from "<call>" --emit TARGET``.

A translation goes through what lrsched knows the call to be, never through its rows: each
framework folder's ``generic`` module declares, per scheduler, its `Generic` equivalent (a
schedule of the registry, its parameters, its warmup): the inverse of the emitters. The port is
that plan written by the target's emitter (`emitters.expression`), or as the generic command
line (`canonical.command_line`, target ``lrsched``).

Then it is checked, row by row, on every row ``from`` prints: the plan against the call's own
rates, and the emitted code, read back as ``from`` reads it, against them too. Each agrees to
the looser of the two frameworks' precisions (a relative 1e-9, or 1e-6 of the peak where one of
them computes in float32). Where anything differs the port is refused, saying what and where.
"""

from __future__ import annotations

import importlib
import math
from collections.abc import Callable, Iterator, Mapping, Sequence
from itertools import islice, pairwise
from typing import Any

from lrsched_cli.errors import EmitError, LrschedError
from lrsched_cli.frameworks import FRAMEWORKS
from lrsched_cli.frameworks.base import Framework
from lrsched_cli.frameworks.reproduction import Reproduction, describe
from lrsched_cli.plan import Plan, plan
from lrsched_cli.records import Record
from lrsched_cli.registry import SCHEDULES, Entry

LRSCHED = "lrsched"
"""The ``--emit`` target that writes the generic command line."""


class Generic(Record):
    """A framework scheduler as lrsched's own schedule: a registry entry, its parameters (on the
    scheduler's step clock, no --steps-per-epoch), and the warmup before it."""

    schedule: str
    params: Mapping[str, Any]
    warmup: int = 0
    warmup_start_lr: float = 0.0


Arguments = Mapping[str, Any]
"""A call's arguments as `Reproduction.arguments` holds them: bound, defaults included, a
nested scheduler as its record (``{"framework", "scheduler", "expression", "arguments"}``)."""

Translator = Callable[[Arguments, float | None], Generic]
"""(the call's arguments, the optimizer's --lr) -> its generic equivalent; raises `EmitError`
saying why there is none."""


def translators(framework: str) -> Mapping[str, Translator | str]:
    """A framework's table, from its folder's ``generic`` module: per scheduler name, its
    translator, or why lrsched has no generic equivalent of it."""
    name = f"lrsched_cli.frameworks.{framework}.generic"
    try:
        module = importlib.import_module(name)
    except ModuleNotFoundError as exc:
        if exc.name == name:  # a framework lrsched reads but does not port from (yet)
            return {}
        raise
    table: Mapping[str, Translator | str] = module.GENERIC
    return table


def generic_of(framework: str, scheduler: str, arguments: Arguments, lr: float | None) -> Generic:
    """The generic equivalent of a call (a nested one too, given as its record's parts)."""
    name = FRAMEWORKS[framework].name
    translator = translators(framework).get(scheduler, f"lrsched cannot port {name}'s {scheduler} yet")
    if isinstance(translator, str):
        raise EmitError(translator)
    return translator(arguments, lr)


def nested(record: object, lr: float | None) -> Generic:
    """The generic equivalent of a nested scheduler's record (a SequentialLR's child)."""
    if not isinstance(record, Mapping):
        raise EmitError(f"expected a scheduler, got {describe(record)}")
    return generic_of(record["framework"], record["scheduler"], record["arguments"], lr)


def whole(argument: str, value: object) -> int:
    """A step count as lrsched's schedules count them: a whole number."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise EmitError(f"{argument}={describe(value)} is not a number of steps")
    if isinstance(value, float):
        if not value.is_integer():
            raise EmitError(
                f"{argument}={describe(value)} is not a whole number of steps, as lrsched counts them"
            )
        return int(value)
    return int(value)


class Port(Record):
    """What ``from --emit`` prints: the code, and notes for stderr."""

    code: str
    notes: Sequence[str] = ()


def port(reproduction: Reproduction, lr: float | None, rows: int, target: str) -> Port:
    """``reproduction``'s schedule written for ``target``, checked on its ``rows`` rows.

    Raises `EmitError` saying why the target cannot reproduce those rows exactly.
    """
    source = FRAMEWORKS[reproduction.framework]
    equivalent = generic_of(reproduction.framework, reproduction.scheduler, reproduction.arguments, lr)
    entry = SCHEDULES[equivalent.schedule]
    used_lr = lr if reproduction.needs_lr else None
    peak, rows = _extent(reproduction.rates(used_lr), rows)  # the rows `from` prints: fewer
    ready = _plan(entry, equivalent, rows)  # where the framework stops stepping (OneCycleLR)
    _check(
        reproduction.rates(used_lr),
        map(ready.schedule, range(rows)),
        rows,
        peak,
        source,
        f"lrsched's {_described(entry, ready)}",
        reproduction.scheduler,
    )
    from lrsched_cli.frameworks.canonical import command_line
    from lrsched_cli.frameworks.emitters import emitted

    if target == LRSCHED:
        return Port(command_line(entry, ready))
    try:
        code, read = emitted(entry, ready, target)
    except EmitError as error:  # its options are the generic equivalent's: show it
        raise EmitError(f"{error} (its equivalent: `{command_line(entry, ready)}`)") from None
    looser = max(source, FRAMEWORKS[target], key=lambda record: record.tolerance)
    _check(
        reproduction.rates(used_lr),
        read.rates(ready.params.get("lr") if read.needs_lr else None),
        rows,
        peak,
        looser,
        FRAMEWORKS[target].name,
        reproduction.scheduler,
    )
    notes = []
    if read.unit != reproduction.unit:
        notes.append(_pace(source, reproduction.scheduler, FRAMEWORKS[target], read))
    if read.needs_lr and ready.params.get("lr") != lr:
        notes.append(f"{read.scheduler} scales the optimizer's rate: build it with lr={ready.params['lr']!r}")
    return Port(code, notes)


def _pace(source: Framework, scheduler: str, target: Framework, read: Reproduction) -> str:
    """The note where the two frameworks count t differently: scheduler.step() calls (epochs in
    most loops) against optimizer updates."""
    if read.unit == "step":
        return (
            f"{target.name} steps {read.scheduler} once per optimizer update: these are its rows where "
            f"your loop called {source.name}'s scheduler.step() once per update too"
        )
    return f"call scheduler.step() once per optimizer update, as {source.name} steps {scheduler}"


def _plan(entry: Entry, equivalent: Generic, rows: int) -> Plan:
    try:
        return plan(
            entry,
            equivalent.params,
            epochs=rows,
            warmup=equivalent.warmup,
            warmup_start_lr=equivalent.warmup_start_lr,
        )
    except LrschedError as error:
        option = "--" + (error.param or "").replace("_", "-")
        raise EmitError(f"as lrsched's {entry.name} schedule, {option}: {error.message}") from None


def _described(entry: Entry, ready: Plan) -> str:
    warmup = ready.params.get("warmup", 0)
    return f"{entry.name} schedule" + (f" after a {warmup}-step warmup" if warmup else "")


def _extent(rates: Iterator[float], rows: int) -> tuple[float, int]:
    """The largest rate of the first ``rows``, and how many there are."""
    peak, count = 0.0, 0
    for rate in islice(rates, rows):
        peak, count = max(peak, abs(rate)), count + 1
    return peak, count


def _check(
    source: Iterator[float],
    target: Iterator[float],
    rows: int,
    peak: float,
    precision: Framework,
    what: str,
    scheduler: str,
) -> None:
    """Refuse unless ``target`` gives ``source``'s rate on each of ``rows`` rows, within ``precision``."""
    wanted, got = islice(source, rows), islice(target, rows)
    for row, want in enumerate(wanted, 1):
        have = next(got, None)
        if have is None:
            raise EmitError(
                f"{what} stops after row {row - 1}, where {scheduler} goes on: use --epochs {row - 1}"
            )
        if not (math.isfinite(have) and precision.agrees(have, want, peak)):
            bound = (
                f"a relative {precision.tolerance}"
                if not precision.float32
                else f"{precision.tolerance} of the peak ({precision.name} computes in float32)"
            )
            raise EmitError(
                f"{what} gives {have!r} at row {row} where {scheduler} gives {want!r}, "
                f"more than {bound} apart" + (f": use --epochs {row - 1} or fewer" if row > 1 else "")
            )


def held(boundaries: tuple[int, ...], values: tuple[float, ...]) -> Generic:
    """Rates held between boundaries: a multistep where each is the one before times the same
    factor (Keras's PiecewiseConstantDecay of 0.1, 0.01, 0.001), else the generic piecewise."""
    ratios = [later / earlier for earlier, later in pairwise(values) if earlier]
    gamma = ratios[0] if ratios else None
    if (
        gamma is not None
        and len(ratios) == len(values) - 1
        and 0 <= gamma <= 1
        and all(math.isclose(ratio, gamma, rel_tol=1e-12) for ratio in ratios)
        and boundaries[0] > 0
    ):
        return Generic("multistep", {"lr": values[0], "milestones": boundaries, "gamma": gamma})
    return Generic("piecewise", {"boundaries": boundaries, "values": values})
