"""Checking a schedule instead of writing it: ``--expect K=LR`` and ``--check FILE``.

The comparison is pure and streams: a checker is fed the run's rows a chunk at a time and keeps
only the first few mismatches and counts, so memory stays flat at any row count. Reading files
lrsched wrote earlier (CSV, JSON, JSON Lines) is at the edge, in `lrsched_cli.check.recorded`.

Tolerances:

- ``--expect 10=0.079595`` allows half a unit in the last digit written (here 5e-7), so any rate
  lrsched printed, copied as printed, passes. Exponent forms count the last significand digit:
  ``1e-5`` allows 5e-6, ``1.5e-5`` allows 5e-7. A bare integer (``0``, ``1``) has no digit after
  the point and must match exactly; write ``0.0`` to allow 0.05.
- ``--check-run LOG`` compares what a training run logged, to its logger's precision
  (`lrsched_cli.check.logged`).
- ``--check FILE`` compares exactly: lrsched writes shortest round-trip floats, so a file from the
  same schedule reads back bit for bit.
- ``--tol A`` (absolute) and ``--rtol R`` (relative to the expected rate) replace both rules; with
  both, a rate passes when within either.

Errors in what the user asked for raise `LrschedError` (a usage error); a failed check is a
`Report` that is not ``ok``.
"""

from __future__ import annotations

import json
import math
import re
import sys
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any, NamedTuple

from lrsched_cli.check.recorded import Recorded, open_text, read_recorded
from lrsched_cli.errors import InputError, LrschedError

if TYPE_CHECKING:
    from lrsched_cli.check.diagnose import Planner
    from lrsched_cli.check.logged import LogChecker, LogReport

SHOWN = 10
"""Mismatching rows a report lists; the rest are counted."""

_NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")


@dataclass(frozen=True)
class Tolerance:
    """How far a rate may be from the expected one; both None means exactly equal."""

    absolute: float | None = None
    relative: float | None = None

    def allows(self, expected: float, got: float) -> bool:
        if got == expected:
            return True
        bound = max(self.absolute or 0.0, (self.relative or 0.0) * abs(expected))
        return abs(got - expected) <= bound

    @property
    def given(self) -> bool:
        return self.absolute is not None or self.relative is not None

    def describe(self) -> str:
        parts = [f"absolute {self.absolute!r}"] if self.absolute is not None else []
        parts += [f"relative {self.relative!r}"] if self.relative is not None else []
        return "tolerance " + " or ".join(parts) if parts else "exact"


@dataclass(frozen=True)
class Expectation:
    """``--expect ROW=RATE``: row ``row`` (1-based, as every format labels it) has rate ``text``."""

    row: int
    text: str

    @property
    def rate(self) -> float:
        return float(self.text)

    def half_unit(self) -> Decimal:
        """Half a unit in the last digit written; 0 for a bare integer, which must match exactly."""
        if not any(c in self.text for c in ".eE"):
            return Decimal(0)
        return Decimal(5).scaleb(Decimal(self.text).as_tuple().exponent - 1)  # type: ignore[operator]

    def met_by(self, got: float, tolerance: Tolerance) -> bool:
        if tolerance.given:
            return tolerance.allows(self.rate, got)
        return abs(Decimal(got) - Decimal(self.text)) <= self.half_unit()  # exact, no float rounding


FORM = "ROW=RATE, e.g. 10=0.079595"
"""How an expectation is written, as a message says it."""


def parse_expectation(text: str, *, written: str | None = None, form: str = FORM) -> Expectation:
    """``"10=0.079595"`` -> row 10, rate ``0.079595``; anything else is a `LrschedError`.

    ``written`` is what the user typed, when ``text`` is part of it (compare's ``LABEL:ROW=RATE``),
    and ``form`` how that is written: messages quote them."""
    shown = text if written is None else written
    row, sep, rate = (part.strip() for part in text.partition("="))
    if not sep or not row.isdigit() or not _NUMBER.fullmatch(rate):
        raise LrschedError("expect", f"must be {form}, got {shown!r}")
    if int(row) < 1:
        raise LrschedError("expect", f"rows are numbered from 1, got {shown!r}")
    if not math.isfinite(float(rate)):
        raise LrschedError("expect", f"the rate must be a finite number, got {shown!r}")
    return Expectation(int(row), rate)


@dataclass(frozen=True)
class Mismatch:
    row: int | str
    """The row, or ``COLUMN:ROW`` in compare."""
    expected: str
    got: float | None
    """None: a blank cell (a compared schedule that has ended)."""

    @property
    def shown(self) -> str:
        return "blank" if self.got is None else repr(self.got)


@dataclass
class Report:
    """What one check found: ``ok`` when nothing differs."""

    title: str
    compared: int = 0
    differing: int = 0
    first: list[Mismatch] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    """Differences that are not a row's rate: row count, columns, schedule, parameters."""
    counted: str = "rows"
    """What ``compared`` counts: rows, or compare's cells."""

    @property
    def ok(self) -> bool:
        return self.differing == 0 and not self.notes

    def add(self, row: int | str, expected: str, got: float | None) -> None:
        self.differing += 1
        if len(self.first) < SHOWN:
            self.first.append(Mismatch(row, expected, got))

    def render(self) -> str:
        lines = [f"{self.title}: {self.differing} of {self.compared} {self.counted} differ"]
        if self.first:
            rows = max(8, *(len(str(m.row)) for m in self.first))  # compare's COLUMN:ROW may be longer
            width = max(len("expected"), *(len(m.expected) for m in self.first))
            lines.append(f"  {'row':>{rows}}  {'expected':<{width}}  got")
            lines += [f"  {m.row!s:>{rows}}  {m.expected:<{width}}  {m.shown}" for m in self.first]
            if self.differing > len(self.first):
                lines.append(f"  ... and {self.differing - len(self.first)} more")
        lines += [f"  {note}" for note in self.notes]
        return "\n".join(lines) + "\n"


class ExpectChecker:
    """Feeds rows past the expectations; a row that does not exist is a `LrschedError`: at once
    when the run's row count is known, else when the rows end.

    ``column`` names compare's column the rows are of: a report lists its rows as ``COLUMN:ROW``.
    """

    def __init__(
        self,
        expectations: Iterable[Expectation],
        tolerance: Tolerance,
        length: int | None,
        column: str | None = None,
    ) -> None:
        self.pending = sorted(expectations, key=lambda e: e.row)
        self.tolerance = tolerance
        self.column = column
        self.report = Report(f"--expect failed ({expect_rule(tolerance)})")
        self.rows = 0
        if length is not None and self.pending and self.pending[-1].row > length:
            self.rows = length
            self.pending = [e for e in self.pending if e.row > length]
            self.finish()

    @property
    def last(self) -> int:
        """The last row an expectation needs: rows after it cannot change the verdict."""
        return self.pending[-1].row if self.pending else 0

    def feed(self, rows: range, rates: list[float]) -> None:
        self.rows = rows.stop - 1
        while self.pending and self.pending[0].row < rows.stop:
            expectation = self.pending.pop(0)
            got = rates[expectation.row - rows.start]
            self.report.compared += 1
            if not expectation.met_by(got, self.tolerance):
                row = expectation.row if self.column is None else f"{self.column}:{expectation.row}"
                self.report.add(row, expectation.text, got)

    @property
    def done(self) -> bool:
        return not self.pending

    def finish(self) -> Report:
        if self.pending:
            missing = self.pending[0]
            if self.column is None:
                message = f"row {missing.row} does not exist: this run has {self.rows} rows"
                raise LrschedError("expect", f"{message}, got {missing.row}={missing.text}")
            message = f"row {missing.row} does not exist: column {self.column!r} has {self.rows} rows"
            raise LrschedError("expect", f"{message}, got {self.column}:{missing.row}={missing.text}")
        return self.report


def expect_rule(tolerance: Tolerance) -> str:
    """What an ``--expect`` allows, as its report's title says."""
    return tolerance.describe() if tolerance.given else "half a unit in the last digit written"


class FileChecker:
    """Feeds rows past a recorded file's rows, then compares the row count and the header.

    The file's rates come a block at a time, as the run's do; a block equal to the run's (the
    usual verdict) is one list comparison, and only a block that differs is compared row by row.
    """

    def __init__(
        self, recorded: Recorded, tolerance: Tolerance, *, schedule: str, params: Mapping[str, Any]
    ) -> None:
        self.recorded = recorded
        self.tolerance = tolerance
        self.schedule = schedule
        self.params = json.loads(json.dumps(params))  # as JSON reads back: tuples become lists
        self.report = Report(f"--check {recorded.name} failed ({tolerance.describe()})")
        self.rows = 0
        self.ahead: list[float] = []
        """The file's rates read beyond the run's rows so far."""
        self.exhausted = False

    def feed(self, rows: range, rates: list[float]) -> None:
        self.rows = rows.stop - 1
        while len(self.ahead) < len(rates):
            block = next(self.recorded.rows, None)
            if block is None:
                self.exhausted = True
                break
            self.ahead = self.ahead + block if self.ahead else block
        expected, self.ahead = self.ahead[: len(rates)], self.ahead[len(rates) :]
        self.report.compared += len(expected)
        if expected == rates[: len(expected)] and not self.tolerance.given:
            return
        allows = self.tolerance.allows
        for row, want, got in zip(rows, expected, rates):
            if not allows(want, got):
                self.report.add(row, repr(want), got)

    @property
    def done(self) -> bool:
        """Whether the file has no more rows: the rest of the run's cannot change the verdict
        (when its row count is known, the row count note says they differ)."""
        return self.exhausted and not self.ahead

    def finish(self, per_step: bool, length: int | None) -> Report:
        recorded_rows = self.report.compared + len(self.ahead) + sum(map(len, self.recorded.rows))
        notes = self.report.notes
        if length is not None:
            self.rows = length
        if recorded_rows != self.rows:
            notes.append(f"row count: the file has {recorded_rows}, this run {self.rows}")
        if self.recorded.per_step is not None and self.recorded.per_step != per_step:
            kinds = {True: "one per optimizer step", False: "one per epoch"}
            notes.append(f"rows: the file has {kinds[self.recorded.per_step]}, this run {kinds[per_step]}")
        header = self.recorded.header
        if "schedule" in header and header["schedule"] != self.schedule:
            notes.append(f"schedule: the file has {header['schedule']!r}, this run {self.schedule!r}")
        if isinstance(header.get("params"), dict):
            notes += param_differences(header["params"], self.params)
        return self.report


def param_differences(recorded: Mapping[str, Any], current: Mapping[str, Any]) -> list[str]:
    notes = []
    for name in [*recorded, *(name for name in current if name not in recorded)]:
        if name not in current:
            notes.append(f"parameter {name}: the file has {recorded[name]!r}, this run does not have it")
        elif name not in recorded:
            notes.append(f"parameter {name}: the file does not have it, this run has {current[name]!r}")
        elif recorded[name] != current[name]:
            notes.append(f"parameter {name}: the file has {recorded[name]!r}, this run {current[name]!r}")
    return notes


@dataclass(frozen=True)
class Checks:
    """What the user asked to check instead of writing the rows."""

    expectations: tuple[Expectation, ...] = ()
    file: str | None = None
    tolerance: Tolerance = Tolerance()
    run_log: str | None = None
    """``--check-run LOG``: what a training run logged (`lrsched_cli.check.logged`)."""
    tag: str | None = None


Chunks = Callable[[int | None], Iterable[tuple[range, list[float]]]]
"""The run's rows, a chunk at a time, as (row numbers, rates): the first N, or all for None."""


class Verdict(NamedTuple):
    """What the checks found: the reports of those that failed, and a line for each that
    passed and should say what it read (``--check-run``)."""

    failed: list[Report | LogReport]
    passed: list[str]


def run(
    checks: Checks,
    chunks: Chunks,
    *,
    length: int | None,
    schedule: str,
    params: Mapping[str, Any],
    per_step: bool,
    planner: Planner | None = None,
) -> Verdict:
    """Feed the run's rows, a chunk at a time, to every check asked for.

    ``length`` is the run's row count when known before computing the rows: then no row is
    computed after the last one a check needs (an ``--expect`` on row 10 of 10**12 rows is
    instant), and an expectation past the end is refused before any. ``planner`` recomputes
    the rows with a change, for the diagnosis of a run log that differs.
    """
    try:
        log = _log(checks, planner) if checks.run_log is not None else None
        verdict = _run(
            checks, chunks, length=length, schedule=schedule, params=params, per_step=per_step, log=log
        )
        return verdict if log is None else _check_log(verdict, log, planner)
    except InputError as error:  # a run log's errors are named --check-run where they arise
        raise (error if error.param else error.named("check")) from None


def _log(checks: Checks, planner: Planner | None) -> LogChecker:
    """The run log's checker; a log whose trainer, at the plan's release, logged the next
    update's rate is read one row on, its last point (after the last update) spared."""
    from lrsched_cli.check.logged import LogChecker
    from lrsched_cli.check.runlog import open_log

    assert checks.run_log is not None
    tolerance = checks.tolerance
    try:
        log = open_log(checks.run_log, checks.tag)
    except InputError as error:
        raise error.named("check_run") from None
    ahead = planner is not None and planner.logged_next is not None and planner.logged_next[0] == log.logger
    if ahead and planner is not None and planner.logged_next is not None:
        log = log._replace(offset=log.offset + 1, convention=planner.logged_next[1])
    return LogChecker(log, tolerance.absolute, tolerance.relative, spare_last=ahead)


def _check_log(verdict: Verdict, log: LogChecker, planner: Planner | None) -> Verdict:
    report = log.finish()
    if report.ok:
        return Verdict(verdict.failed, [*verdict.passed, report.summary()])
    from lrsched_cli.check.diagnose import diagnose

    report.diagnosis = diagnose(log, planner)
    steps = report.log.facts.get("max_steps")  # what the run itself says of its length
    if planner is not None and planner.rows is not None and isinstance(steps, int) and steps != planner.rows:
        report.diagnosis.append(
            f"the log says the run had max_steps = {steps}; the plan has {planner.rows} rows"
        )
    return Verdict([*verdict.failed, report], verdict.passed)


def _run(
    checks: Checks,
    chunks: Chunks,
    *,
    length: int | None,
    schedule: str,
    params: Mapping[str, Any],
    per_step: bool,
    log: LogChecker | None,
) -> Verdict:
    expect = ExpectChecker(checks.expectations, checks.tolerance, length) if checks.expectations else None
    source = open_text(checks.file) if checks.file is not None else None
    try:
        against = None
        if source is not None and checks.file is not None:
            recorded = read_recorded(source, checks.file)
            against = FileChecker(recorded, checks.tolerance, schedule=schedule, params=params)
        stop = expect.last if expect and not against and not log and length is not None else None
        for rows, rates in chunks(stop):
            if expect:
                expect.feed(rows, rates)
            if against:
                against.feed(rows, rates)
            if log:
                log.feed(rows, rates)
            if (
                length is not None
                and (not expect or expect.done)
                and (not against or against.done)
                and (not log or log.done)
            ):
                break
        reports = [expect.finish()] if expect else []
        reports += [against.finish(per_step, length)] if against else []
        return Verdict([report for report in reports if not report.ok], [])
    finally:
        if source is not None and source is not sys.stdin:
            source.close()
