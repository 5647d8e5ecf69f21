"""``--check-run LOG``: the rates a run logged, compared with the rows, point by point.

Each logged point is mapped to a row by its logger's convention (`Log.offset`) and compared as
the rows stream past, so neither the rows nor the log are held: only a window of recent rows
(a log may step back a little, as a resumed run's does), the first differing points and the
first `SAMPLE` points, which the diagnosis reads (`lrsched_cli.check.diagnose`).

Tolerance: a float64 log (JSON, CSV) to a relative 1e-9, as lrsched reproduces float64
frameworks; a float32 one (TensorBoard) to float32's precision, half a unit in its last place
relative to the planned rate; ``--tol``/``--rtol`` replace both.
"""

from __future__ import annotations

from array import array
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from lrsched_cli.check.runlog import Log, Points
from lrsched_cli.errors import InputError

SHOWN = 10
"""Differing points a report lists; the rest are counted."""
SAMPLE = 4096
"""Points the diagnosis reads: the first ones logged."""
WINDOW = 1 << 16
"""Rows held behind the newest one, for a log whose steps go back (a resumed run)."""
FLOAT64 = 1e-9
FLOAT32 = 2.0**-24
"""Half a unit in the last place of a float32, relative."""
TINY = 1e-300
"""A rate this close to 0 is 0 (a relative rule alone would demand 0 exactly)."""


def rule(
    log: Log, absolute: float | None, relative: float | None
) -> tuple[Callable[[float, float], bool], str]:
    """Whether a logged rate is the planned one, and the rule in words."""
    if absolute is not None or relative is not None:
        a, r = absolute or 0.0, relative or 0.0
        words = " or ".join(
            [*([f"absolute {absolute!r}"] if absolute is not None else []),
             *([f"relative {relative!r}"] if relative is not None else [])]
        )  # fmt: skip
        return (lambda planned, got: abs(got - planned) <= max(a, r * abs(planned))), words
    r = FLOAT32 if log.float32 else FLOAT64
    words = "float32: half a unit in the last place" if log.float32 else f"relative {FLOAT64:g}"
    return (lambda planned, got: abs(got - planned) <= max(TINY, r * abs(planned))), words


@dataclass(frozen=True)
class Point:
    step: int
    row: int
    logged: float
    planned: float | None
    """None: the plan has no such row."""


@dataclass
class LogReport:
    """What comparing a log found; `diagnosis` is filled in when it fails."""

    log: Log
    rule: str
    compared: int = 0
    differing: int = 0
    past_end: int = 0
    """Points whose row is after the plan's last."""
    rows: int = 0
    first: list[Point] = field(default_factory=list)
    diagnosis: list[str] = field(default_factory=list)
    spared: bool = False
    """The last point, the rate after the last update, was not compared."""

    @property
    def ok(self) -> bool:
        return self.differing == 0 and self.past_end == 0

    def add(self, point: Point) -> None:
        if len(self.first) < SHOWN:
            self.first.append(point)

    def read(self) -> str:
        """What was read, so that a wrong guess shows: ``learning_rate from run/trainer_state.json``."""
        log = self.log
        kind = "" if Path(log.name).name == log.source else f" ({log.source})"
        return f"{log.tag} from {log.name}{kind}"

    def summary(self) -> str:
        """The line a passing check prints."""
        spared = " (the last, logged after the last update, not compared)" if self.spared else ""
        return f"{self.compared} points of {self.read()} match the plan ({self.rule}){spared}"

    def render(self) -> str:
        log = self.log
        total = self.compared + self.past_end
        lines = [
            f"--check-run failed ({self.rule}): {self.differing + self.past_end} of {total} "
            f"points of {self.read()} differ from the plan"
        ]
        lines.append(f"  {log.source}: {log.convention}")
        if self.first:
            lines.append(f"  {'step':>8}  {'row':>8}  {'logged':<22}  planned")
            for p in self.first:
                planned = "(after the plan's last row)" if p.planned is None else repr(p.planned)
                lines.append(f"  {p.step:>8}  {p.row:>8}  {p.logged!r:<22}  {planned}")
            shown_more = self.differing + self.past_end - len(self.first)
            if shown_more > 0:
                lines.append(f"  ... and {shown_more} more")
        if self.past_end:
            lines.append(f"  the plan has {self.rows} rows; {self.past_end} points are after its last")
        lines += [f"  {line}" for line in self.diagnosis]
        return "\n".join(lines) + "\n"


class LogChecker:
    """Fed the rows a chunk at a time; reads the log's points as the rows reach them."""

    def __init__(
        self, log: Log, absolute: float | None, relative: float | None, *, spare_last: bool = False
    ) -> None:
        self.log = log
        self.spare_last = spare_last
        """The log's last point may be one row after the plan's last (the rate after the last
        update, which a log of the next update's rates ends with): not compared."""
        self.allows, words = rule(log, absolute, relative)
        self.report = LogReport(log, words)
        self.points = _named(log.points)
        self.pending: tuple[int, float] | None = None
        self.exhausted = False
        self.window = array("d")
        self.window_start = 1
        """The row of ``window[0]``."""
        self.sample: list[tuple[int, float]] = []
        """(row, logged rate) of the first `SAMPLE` points."""

    def _next(self) -> tuple[int, float] | None:
        if self.pending is not None:
            held, self.pending = self.pending, None
            return held
        point = next(self.points, None)
        if point is None:
            self.exhausted = True
        return point

    def feed(self, rows: range, rates: list[float]) -> None:
        self.report.rows = rows.stop - 1
        self.window.extend(rates)
        if len(self.window) > WINDOW + len(rates):
            drop = len(self.window) - WINDOW - len(rates)
            del self.window[:drop]
            self.window_start += drop
        while (point := self._next()) is not None:
            step, logged = point
            row = step + self.log.offset
            if row >= rows.stop:
                self.pending = point
                return
            if row < 1:
                raise InputError("check_run", f"{self.log.name!r}: step {step} is before the first update")
            if row < self.window_start:
                raise InputError(
                    "check_run",
                    f"{self.log.name!r} goes back to step {step} after step "
                    f"{rows.stop - 1 - self.log.offset}: more than {WINDOW} steps back; check each "
                    "part of the run on its own",
                )
            self._compare(step, row, logged, self.window[row - self.window_start])

    def _compare(self, step: int, row: int, logged: float, planned: float) -> None:
        self.report.compared += 1
        if len(self.sample) < SAMPLE:
            self.sample.append((row, logged))
        if not self.allows(planned, logged):
            self.report.differing += 1
            self.report.add(Point(step, row, logged, planned))

    @property
    def done(self) -> bool:
        return self.exhausted

    def finish(self) -> LogReport:
        """Points left once the rows end are after the plan's last row; an empty series is an error."""
        while (point := self._next()) is not None:
            step, logged = point
            if self.spare_last and step + self.log.offset == self.report.rows + 1:
                after = self._next()
                if after is None:
                    self.report.spared = True
                    break
                self.pending = after
            self.report.past_end += 1
            if len(self.sample) < SAMPLE:
                self.sample.append((step + self.log.offset, logged))
            self.report.add(Point(step, step + self.log.offset, logged, None))
        if self.report.compared + self.report.past_end == 0:
            message = f"{self.log.name!r} has no points of {self.log.tag}: there is nothing to check"
            raise InputError("check_run", message)
        return self.report


def _named(points: Points) -> Iterator[tuple[int, float]]:
    """The points, with the reader's errors put on ``--check-run``."""
    try:
        yield from points
    except InputError as error:
        raise error.named("check_run") from None
