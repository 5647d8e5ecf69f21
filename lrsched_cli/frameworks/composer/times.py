"""Composer's times, resolved against a run: ``'10ep'``, ``'100ba'``, ``'0.1dur'`` and ``Time(value, unit)``.

`parse_time` reads one as ``Time.from_timestring`` (or ``Time.__init__``) does; `Run.batches_of`
converts it to batches as ``_convert_time`` does (composer/optim/scheduler.py 133-157,
composer/core/time.py 54-150, 424-458).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from typing import NamedTuple

from lrsched_cli.errors import DialectError
from lrsched_cli.frameworks.reproduction import Reproduction, describe, number
from lrsched_cli.records import Record

FRAMEWORK = "composer"

_TIME = re.compile(r"^(.+)(iter|ep|ba|sp|tok|dur|sec)$", flags=re.IGNORECASE)
"""Composer's ``_TIME_STR_REGEX``: a value, then a unit."""

READ = {"ep": "epochs", "ba": "batches", "dur": "a fraction of max_duration"}
REFUSED_UNITS = {
    "sp": "samples need the batch size (lrsched trainer composer reads it)",
    "tok": "tokens need the batches' contents",
    "iter": "iterations are Composer's curriculum, not a schedule of batches",
    "sec": "Wall clock time not an allowed time unit",
}


class Time(NamedTuple):
    """A time as written: its value and unit (``ep``, ``ba``, ``dur``)."""

    argument: str
    written: str
    value: float
    unit: str


class TimeObject(Reproduction):
    """A ``Time(value, unit)`` call: a time, not a schedule."""

    amount: float = 0
    time_unit: str = ""


UNITS = {"EPOCH": "ep", "BATCH": "ba", "DURATION": "dur", "SAMPLE": "sp", "TOKEN": "tok", "ITERATION": "iter"}
CONSTANTS = {f"TimeUnit.{member}": unit for member, unit in UNITS.items()} | {"TimeUnit.SECOND": "sec"}
"""``Time(100, TimeUnit.BATCH)``: the unit's value, as Composer's ``TimeUnit(unit)`` reads it."""


def _not_a_schedule(lr: float | None) -> Iterator[float]:
    raise DialectError(
        None, "Time(...) is a time, not a schedule: give it to a scheduler, StepScheduler(Time(...))"
    )
    yield 0.0  # pragma: no cover - a generator


def Time_(value: float, unit: str) -> Reproduction:
    """Composer's ``Time.__init__``: a unit of ``TimeUnit``, an int value but for ``dur``."""
    known = {*UNITS.values(), "sec"}
    if not isinstance(unit, str) or unit not in known:
        raise DialectError("unit", f"expected a TimeUnit ({', '.join(sorted(known))}), got {describe(unit)}")
    number("value", value)
    if unit == "dur":
        value = float(value)
    elif isinstance(value, bool) or not isinstance(value, int):
        raise DialectError(
            "value", f"value {describe(value)} is not an int. Units {unit} require integer values."
        )
    return TimeObject(FRAMEWORK, "Time", {}, _not_a_schedule, needs_lr=False, amount=value, time_unit=unit)


Time_.__name__ = "Time"


def parse_time(argument: str, written: object) -> Time:
    """``Time.from_timestring``: Composer's parse, its errors naming the argument."""
    if isinstance(written, TimeObject):
        if written.time_unit in REFUSED_UNITS:
            raise DialectError(
                argument, f"{written.expression}: {REFUSED_UNITS[written.time_unit]}; give ep, ba or dur"
            )
        return Time(argument, written.expression, written.amount, written.time_unit)
    if not isinstance(written, str):
        raise DialectError(
            argument, f"expected a time string ('10ep', '100ba', '0.1dur'), got {describe(written)}"
        )
    match = _TIME.findall(written)
    if len(match) != 1:
        raise DialectError(
            argument, f"Invalid time string: {describe(written)} (expected '10ep', '100ba', '0.1dur')"
        )
    text, unit = match[0]
    if unit not in READ and unit not in REFUSED_UNITS:  # TimeUnit('BA') fails: the unit is lower case
        raise DialectError(argument, f"{unit!r} is not a TimeUnit: write it in lower case, {unit.lower()!r}")
    if unit in REFUSED_UNITS:
        raise DialectError(argument, f"{describe(written)}: {REFUSED_UNITS[unit]}; give ep, ba or dur")
    try:
        value = float(text)
    except ValueError:
        raise DialectError(argument, f"Invalid time string: {describe(written)}") from None
    if not math.isfinite(value):
        raise DialectError(argument, f"expected a finite time, got {describe(written)}")
    if unit != "dur":
        if int(value) != value:
            raise DialectError(
                argument,
                f"value {value} is not an integer. Units {unit} require integer values ({describe(written)})",
            )
        value = int(value)
    return Time(argument, written, value, unit)


class Run(Record):
    """The run a scheduler reads: ``max_duration='Eep'``, a dataloader of K batches, and the
    notes its times call for."""

    epochs: int
    batches: int
    notes: list[str]
    max_batches: int | None = None
    """``max_duration='Nba'`` (``lrsched trainer composer``): N; None: ``'Eep'``."""

    @property
    def duration(self) -> str:
        return f"'{self.epochs}ep'" if self.max_batches is None else f"'{self.max_batches}ba'"

    @property
    def length(self) -> int:
        """The batches the run trains."""
        return self.epochs * self.batches if self.max_batches is None else self.max_batches

    def batches_of(self, time: Time, ssr: float = 1.0) -> int:
        """``_convert_time``: ``time`` in batches, truncated as Composer truncates."""
        if time.unit == "dur":
            if self.max_batches is None:
                exact, product = time.value * self.batches * self.epochs, f"{self.batches} x {self.epochs}"
            else:
                exact, product = time.value * self.max_batches, f"{self.max_batches}"
            converted = int(exact)
            if converted != exact:
                self.notes.append(
                    f"{time.argument}={time.written!r} is int({time.value!r} x {product}) = int({exact!r}) = "
                    f"{converted} batches: "
                    f"Composer truncates a duration, so it is {converted}, not {exact!r}"
                )
            return converted
        value = int(time.value)
        if time.unit == "ep":
            value *= self.batches
        return int(value * ssr)
