"""Checking a schedule instead of writing it: ``--expect K=LR`` and ``--check FILE``.

The comparison is pure and streams: a checker is fed the run's rows a chunk at a time and keeps
only the first few mismatches and counts, so memory stays flat at any row count. Reading files
lrsched wrote earlier (CSV, JSON, JSON Lines) is at the edge, also streamed.

Tolerances:

- ``--expect 10=0.079595`` allows half a unit in the last digit written (here 5e-7), so any rate
  lrsched printed, copied as printed, passes. Exponent forms count the last significand digit:
  ``1e-5`` allows 5e-6, ``1.5e-5`` allows 5e-7. A bare integer (``0``, ``1``) has no digit after
  the point and must match exactly; write ``0.0`` to allow 0.05.
- ``--check FILE`` compares exactly: lrsched writes shortest round-trip floats, so a file from the
  same schedule reads back bit for bit.
- ``--tol A`` (absolute) and ``--rtol R`` (relative to the expected rate) replace both rules; with
  both, a rate passes when within either.

Errors in what the user asked for raise `CheckError` (a usage error); a failed check is a
`Report` that is not ``ok``.
"""

from __future__ import annotations

import csv
import json
import math
import re
import sys
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import islice
from typing import Any, TextIO

SHOWN = 10
"""Mismatching rows a report lists; the rest are counted."""

_NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")


class CheckError(ValueError):
    """A malformed expectation, a row that does not exist, an unreadable file: a usage error.

    ``param`` names the option in snake_case (``expect``, ``check``), as `ScheduleError` does.
    """

    def __init__(self, param: str, message: str) -> None:
        super().__init__(f"{param}: {message}")
        self.param = param
        self.message = message


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


def parse_expectation(text: str) -> Expectation:
    """``"10=0.079595"`` -> row 10, rate ``0.079595``; anything else is a `CheckError`."""
    row, sep, rate = (part.strip() for part in text.partition("="))
    if not sep or not row.isdigit() or not _NUMBER.fullmatch(rate):
        raise CheckError("expect", f"must be ROW=RATE, e.g. 10=0.079595, got {text!r}")
    if int(row) < 1:
        raise CheckError("expect", f"rows are numbered from 1, got {text!r}")
    if not math.isfinite(float(rate)):
        raise CheckError("expect", f"the rate must be a finite number, got {text!r}")
    return Expectation(int(row), rate)


@dataclass(frozen=True)
class Mismatch:
    row: int
    expected: str
    got: float


@dataclass
class Report:
    """What one check found: ``ok`` when nothing differs."""

    title: str
    compared: int = 0
    differing: int = 0
    first: list[Mismatch] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    """Differences that are not a row's rate: row count, columns, schedule, parameters."""

    @property
    def ok(self) -> bool:
        return self.differing == 0 and not self.notes

    def add(self, row: int, expected: str, got: float) -> None:
        self.differing += 1
        if len(self.first) < SHOWN:
            self.first.append(Mismatch(row, expected, got))

    def render(self) -> str:
        lines = [f"{self.title}: {self.differing} of {self.compared} rows differ"]
        if self.first:
            width = max(len("expected"), *(len(m.expected) for m in self.first))
            lines.append(f"  {'row':>8}  {'expected':<{width}}  got")
            lines += [f"  {m.row:>8}  {m.expected:<{width}}  {m.got!r}" for m in self.first]
            if self.differing > len(self.first):
                lines.append(f"  ... and {self.differing - len(self.first)} more")
        lines += [f"  {note}" for note in self.notes]
        return "\n".join(lines) + "\n"


class ExpectChecker:
    """Feeds rows past the expectations; a row that never came is a `CheckError` at the end."""

    def __init__(self, expectations: Iterable[Expectation], tolerance: Tolerance) -> None:
        self.pending = sorted(expectations, key=lambda e: e.row)
        self.tolerance = tolerance
        rule = tolerance.describe() if tolerance.given else "half a unit in the last digit written"
        self.report = Report(f"--expect failed ({rule})")
        self.rows = 0

    def feed(self, rows: range, rates: list[float]) -> None:
        self.rows = rows.stop - 1
        while self.pending and self.pending[0].row < rows.stop:
            expectation = self.pending.pop(0)
            got = rates[expectation.row - rows.start]
            self.report.compared += 1
            if not expectation.met_by(got, self.tolerance):
                self.report.add(expectation.row, expectation.text, got)

    def finish(self) -> Report:
        if self.pending:
            missing = self.pending[0]
            message = f"row {missing.row} does not exist: this run has {self.rows} rows"
            raise CheckError("expect", f"{message}, got {missing.row}={missing.text}")
        return self.report


@dataclass
class Recorded:
    """A file lrsched wrote, opened: its rows stream, its header fills in as they are read.

    ``rows`` yields (row label, rate); ``header`` holds ``schedule`` and ``params`` for JSON
    (complete once ``rows`` is exhausted: a reformatted file may put them after the rows).
    """

    name: str
    rows: Iterator[tuple[int, float]]
    per_step: bool | None
    """True when rows are optimizer steps (a ``step`` column), None if the file does not say."""
    header: dict[str, Any] = field(default_factory=dict)


class FileChecker:
    """Feeds rows past a recorded file's rows, then compares the row count and the header."""

    def __init__(
        self, recorded: Recorded, tolerance: Tolerance, *, schedule: str, params: Mapping[str, Any]
    ) -> None:
        self.recorded = recorded
        self.tolerance = tolerance
        self.schedule = schedule
        self.params = json.loads(json.dumps(params))  # as JSON reads back: tuples become lists
        self.report = Report(f"--check {recorded.name} failed ({tolerance.describe()})")
        self.rows = 0

    def feed(self, rows: range, rates: list[float]) -> None:
        self.rows = rows.stop - 1
        for row, got, (_, expected) in zip(rows, rates, islice(self.recorded.rows, len(rates))):
            self.report.compared += 1
            if not self.tolerance.allows(expected, got):
                self.report.add(row, repr(expected), got)

    def finish(self, per_step: bool) -> Report:
        recorded_rows = self.report.compared + sum(1 for _ in self.recorded.rows)
        notes = self.report.notes
        if recorded_rows != self.rows:
            notes.append(f"row count: the file has {recorded_rows}, this run {self.rows}")
        if self.recorded.per_step is not None and self.recorded.per_step != per_step:
            kinds = {True: "one per optimizer step", False: "one per epoch"}
            notes.append(f"rows: the file has {kinds[self.recorded.per_step]}, this run {kinds[per_step]}")
        header = self.recorded.header
        if "schedule" in header and header["schedule"] != self.schedule:
            notes.append(f"schedule: the file has {header['schedule']!r}, this run {self.schedule!r}")
        if isinstance(header.get("params"), dict):
            notes += _param_differences(header["params"], self.params)
        return self.report


def _param_differences(recorded: Mapping[str, Any], current: Mapping[str, Any]) -> list[str]:
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


def run(
    checks: Checks,
    chunks: Iterable[tuple[range, list[float]]],
    *,
    schedule: str,
    params: Mapping[str, Any],
    per_step: bool,
) -> list[Report]:
    """Feed the run's rows, a chunk at a time, to every check asked for; return the failed ones."""
    expect = ExpectChecker(checks.expectations, checks.tolerance) if checks.expectations else None
    source = open_text(checks.file) if checks.file is not None else None
    try:
        against = None
        if source is not None and checks.file is not None:
            recorded = read_recorded(source, checks.file)
            against = FileChecker(recorded, checks.tolerance, schedule=schedule, params=params)
        for rows, rates in chunks:
            if expect:
                expect.feed(rows, rates)
            if against:
                against.feed(rows, rates)
        reports = [expect.finish()] if expect else []
        reports += [against.finish(per_step)] if against else []
        return [report for report in reports if not report.ok]
    finally:
        if source is not None and source is not sys.stdin:
            source.close()


# Reading the files lrsched writes, at the edge.


def open_text(path: str) -> TextIO:
    """The file to check (``-`` for stdin), or a `CheckError` that says why it cannot be read."""
    if path == "-":
        return sys.stdin
    try:
        return open(path, encoding="utf-8", newline="")
    except OSError as error:
        raise CheckError("check", f"cannot read {path!r}: {error.strerror or error}") from None


def read_recorded(file: TextIO, name: str) -> Recorded:
    """Detect the format from the content (the extension is not needed) and stream the rows.

    ``epoch,...`` on the first line is CSV; a first line that is a whole JSON object with an
    ``epoch`` or ``lr`` (and no ``rows``) is JSON Lines; any other ``{`` starts JSON. An
    empty file is JSON Lines of no rows, which is what lrsched writes for ``-n 0 -f jsonl``.
    """
    try:
        first = file.readline()
    except (OSError, UnicodeDecodeError) as error:
        raise CheckError("check", f"cannot read {name!r}: {error}") from None
    stripped = first.strip()
    if not stripped:
        return Recorded(name, iter(()), None)
    if stripped.startswith("epoch"):
        columns = stripped.split(",")
        if columns not in (["epoch", "lr"], ["epoch", "step", "lr"]):
            raise _malformed(name, f"its header is {stripped!r}, not epoch,lr or epoch,step,lr")
        return Recorded(name, _csv_rows(file, name, columns), columns[1] == "step")
    if stripped.startswith("{"):
        try:
            whole = json.loads(stripped)
        except json.JSONDecodeError:
            whole = None
        if isinstance(whole, dict) and "rows" not in whole and ("epoch" in whole or "lr" in whole):
            lines = _lines(file, name, first)
            recorded = Recorded(name, iter(()), "step" in whole)
            recorded.rows = _jsonl_rows(lines, name)
            return recorded
        recorded = Recorded(name, iter(()), None)
        recorded.rows = _json_rows(_JsonStream(file, name, first), recorded)
        return recorded
    raise _malformed(name, "it is not CSV, JSON or JSON Lines (does not start with 'epoch' or '{')")


def _malformed(name: str, why: str) -> CheckError:
    return CheckError("check", f"{name!r} is not a file lrsched wrote: {why}")


def _lines(file: TextIO, name: str, first: str | None = None) -> Iterator[str]:
    if first is not None:
        yield first
    try:
        yield from file
    except (OSError, UnicodeDecodeError) as error:
        raise CheckError("check", f"cannot read {name!r}: {error}") from None


def _row(name: str, where: int, label: object, rate: object) -> tuple[int, float]:
    """One row's label and rate, checked: row ``where`` must be labelled ``where``."""
    if isinstance(rate, bool) or not isinstance(rate, (int, float)) or not math.isfinite(rate):
        raise _malformed(name, f"row {where} has rate {rate!r}, not a finite number")
    if label != where or isinstance(label, bool):
        raise _malformed(name, f"row {where} is labelled {label!r}")
    return where, float(rate)


def _csv_rows(file: TextIO, name: str, columns: list[str]) -> Iterator[tuple[int, float]]:
    for where, fields in enumerate(csv.reader(_lines(file, name)), start=1):
        if len(fields) != len(columns):
            raise _malformed(name, f"row {where} has {len(fields)} fields, not {len(columns)}")
        try:
            label, rate = int(fields[-2]), float(fields[-1])
        except ValueError:
            raise _malformed(name, f"row {where} is {','.join(fields)!r}") from None
        yield _row(name, where, label, rate)


def _jsonl_rows(lines: Iterator[str], name: str) -> Iterator[tuple[int, float]]:
    where = 0
    for line in lines:
        if not line.strip():
            continue
        where += 1
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as error:
            raise _malformed(name, f"line {where} is not JSON ({error.msg})") from None
        yield _labelled(name, where, obj)


def _labelled(name: str, where: int, obj: object) -> tuple[int, float]:
    if not isinstance(obj, dict) or "lr" not in obj or "epoch" not in obj:
        raise _malformed(name, f"row {where} is {obj!r}, not an object with epoch and lr")
    return _row(name, where, obj.get("step", obj["epoch"]), obj["lr"])


def _json_rows(stream: _JsonStream, recorded: Recorded) -> Iterator[tuple[int, float]]:
    """The rows of lrsched's JSON document, one at a time; the other keys go to the header."""
    stream.take("{")
    rows_seen = False
    while stream.peek() != "}":
        key = stream.value()
        stream.take(":")
        if key == "rows":
            rows_seen = True
            stream.take("[")
            where = 0
            while stream.peek() != "]":
                where += 1
                obj = stream.value()
                if recorded.per_step is None and isinstance(obj, dict):
                    recorded.per_step = "step" in obj
                yield _labelled(recorded.name, where, obj)
                if stream.peek() == ",":
                    stream.take(",")
            stream.take("]")
        else:
            recorded.header[str(key)] = stream.value()
        if stream.peek() == ",":
            stream.take(",")
    stream.take("}")
    if not rows_seen:
        raise _malformed(recorded.name, "its JSON has no rows")


class _JsonStream:
    """Decodes one JSON value at a time from a file, holding only a buffer of text."""

    def __init__(self, file: TextIO, name: str, start: str) -> None:
        self.file, self.name = file, name
        self.text, self.at, self.eof = start, 0, False
        self.decoder = json.JSONDecoder()

    def _more(self) -> bool:
        if self.eof:
            return False
        try:
            more = self.file.read(1 << 16)
        except (OSError, UnicodeDecodeError) as error:
            raise CheckError("check", f"cannot read {self.name!r}: {error}") from None
        self.text, self.at = self.text[self.at :] + more, 0
        self.eof = not more
        return bool(more)

    def peek(self) -> str:
        while True:
            while self.at < len(self.text) and self.text[self.at].isspace():
                self.at += 1
            if self.at < len(self.text) or not self._more():
                return self.text[self.at : self.at + 1]

    def take(self, char: str) -> None:
        if self.peek() != char:
            found = self.peek() or "the end of the file"
            raise _malformed(self.name, f"its JSON has {found!r} where {char!r} belongs")
        self.at += 1

    def value(self) -> Any:
        self.peek()
        while True:
            try:
                value, end = self.decoder.raw_decode(self.text, self.at)
            except json.JSONDecodeError as error:
                if self._more():
                    continue
                raise _malformed(self.name, f"its JSON is broken ({error.msg})") from None
            if end < len(self.text) or not self._more():  # a number may go on in the next read
                self.at = end
                return value
