"""What a chart shows of a series: a bounded sample of its points, its peak and its final rate.

Shared by the terminal plot (`lrsched_cli.output.plot`) and image files (`lrsched_cli.output.image`); no
drawing library is imported here. A chart is at most a few hundred cells or pixels wide, so it
never needs every row: `sample` streams the rows and keeps, for each of at most `MAX_BUCKETS`
evenly sized buckets of consecutive points, the first, lowest, highest and last. Memory stays
flat at any row count, and drops, restarts and spikes narrower than a bucket still show.
The peak and final rates in the caption are exact, taken from every row.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from operator import itemgetter

from lrsched_cli.errors import LrschedError
from lrsched_cli.output.series import Series, chunks

MAX_BUCKETS = 512
"""Buckets kept per curve; each gives at most 4 points, so a curve holds at most 2048 points."""

Point = tuple[int, float]
"""(row, rate)"""
_rate = itemgetter(1)


@dataclass(frozen=True)
class Look:
    """How a figure is drawn; the text formats ignore it."""

    precision: int = 6
    """Significant digits of the rates in the caption."""
    log_y: bool = False
    title: str | None = None
    colour: bool = False
    """Colour the terminal plot's lines: set by `output.write_figure` when writing to a terminal."""
    braille: bool = True
    """Draw the terminal plot's lines in braille; False where the stream cannot encode it (set by
    `output.write_figure`), and the plot draws them in ASCII."""


Curves = Sequence[tuple[str, Series]]
"""Labelled series drawn together: one for a schedule command, several (with a legend) for compare."""


@dataclass
class _Bucket:
    first: Point
    low: Point
    high: Point
    last: Point

    def merge(self, later: _Bucket) -> _Bucket:
        return _Bucket(
            self.first,
            min(self.low, later.low, key=_rate),
            max(self.high, later.high, key=_rate),
            later.last,
        )

    def points(self) -> list[Point]:
        return sorted({self.first, self.low, self.high, self.last})


@dataclass
class Curve:
    """One series as a chart draws it: sampled points, and the exact peak and final rate."""

    label: str
    steps_per_epoch: int | None
    unit: str = "epoch"
    """What a row is without steps_per_epoch (`Series.unit`): how the caption names it."""
    points: list[Point] = field(default_factory=list)
    rows: int = 0
    peak: Point | None = None
    """The highest rate, at the first row that reaches it."""
    final: Point | None = None
    hidden: int = 0
    """Rows not drawn because the rate is 0 or below, which a log axis cannot show."""

    def epoch(self, row: int) -> float:
        """Where a row sits on the epoch axis: row k of a per-epoch series is epoch k."""
        k = self.steps_per_epoch or 1
        return 1 + (row - 1) / k

    def where(self, row: int) -> str:
        if self.steps_per_epoch is None:
            return f"{self.unit} {row}"
        return f"step {row} (epoch {(row - 1) // self.steps_per_epoch + 1})"

    def caption(self, precision: int) -> str:
        """``peak 0.1 at epoch 1, final 0.001271 at epoch 30``, and a line on rows left out."""
        if self.peak is None or self.final is None:
            return "no rows"
        (peak_row, peak), (final_row, final) = self.peak, self.final
        text = f"peak {peak:.{precision}g} at {self.where(peak_row)}"
        text += f", final {final:.{precision}g} at {self.where(final_row)}"
        if self.hidden:
            rows = "1 row" if self.hidden == 1 else f"{self.hidden} rows"
            text += f"\n({rows} at 0 or below, not drawn on the log axis)"
        return text


def sample(label: str, series: Series, *, log_y: bool = False) -> Curve:
    """Stream the series into a `Curve` of at most ``4 * MAX_BUCKETS`` points.

    Buckets start one point wide; when `MAX_BUCKETS` are full, neighbours merge in pairs and
    new buckets take twice as many points, so buckets stay evenly sized whatever the length.
    With ``log_y``, rates at 0 or below are counted in ``hidden`` and left out of the points.
    """
    curve = Curve(label, series.steps_per_epoch, series.unit)
    buckets: list[_Bucket] = []
    size, filled = 1, 0
    filling: _Bucket | None = None
    for rows, rates in chunks(series):
        _track(curve, rows, rates)
        points: Sequence[Point] = list(zip(rows, rates))
        if log_y:
            points = [p for p in points if p[1] > 0]
            curve.hidden += len(rows) - len(points)
        start = 0
        while start < len(points):  # a slice at a time: a few loops per bucket, not one per row
            part = points[start : start + size - filled]
            bucket = _Bucket(part[0], min(part, key=_rate), max(part, key=_rate), part[-1])
            filling = bucket if filling is None else filling.merge(bucket)
            filled += len(part)
            start += len(part)
            if filled == size:
                buckets.append(filling)
                filling, filled = None, 0
                if len(buckets) == MAX_BUCKETS:
                    buckets = [a.merge(b) for a, b in zip(buckets[::2], buckets[1::2])]
                    size *= 2
    if filling is not None:
        buckets.append(filling)
    curve.points = [point for bucket in buckets for point in bucket.points()]
    return curve


def sample_all(curves: Curves, *, log_y: bool = False) -> tuple[list[Curve], int]:
    """Sample every labelled series for a chart: the curves, and the power of ten their drawn
    rates were divided by (`magnitude`, 0 but near float's limits).

    On a log axis, a curve with no rate above 0 is left out (its caption says so); only when
    no curve has one is that a usage error.
    """
    sampled = [sample(label, series, log_y=log_y) for label, series in curves]
    if log_y and any(curve.rows for curve in sampled) and not any(curve.points for curve in sampled):
        raise LrschedError("log_y", "cannot draw a log axis: no rate is above 0")
    power = magnitude(sampled)
    rescale(sampled, power)
    return sampled, power


EXTREME = 1e299
"""Rates at or above this, or all below its inverse, are drawn scaled by a power of ten: the axis
arithmetic (ranges, ticks, one step past the top) would overflow or underflow near float's limits."""


def magnitude(curves: Sequence[Curve]) -> int:
    """The power of ten the drawn rates are divided by: 0 unless they come near float's limits."""
    top = max((abs(rate) for curve in curves for _, rate in curve.points), default=0.0)
    if top == 0 or 1 / EXTREME <= top < EXTREME:
        return 0
    return math.floor(math.log10(top))


def rescale(curves: Sequence[Curve], power: int) -> None:
    """Divide every drawn rate by ``10 ** power`` (the caption's exact peak and final stay)."""
    for curve in curves:
        curve.points = [(row, _times_ten_to(rate, -power)) for row, rate in curve.points]


def _times_ten_to(x: float, power: int) -> float:
    """``x * 10 ** power`` without 10 ** power itself overflowing (1e324) or underflowing."""
    while abs(power) > 300:
        x *= 1e300 if power > 0 else 1e-300
        power -= 300 if power > 0 else -300
    return x * 10.0**power


def _track(curve: Curve, rows: range, rates: list[float]) -> None:
    """Count the rows and keep the exact peak and final rate."""
    curve.rows += len(rates)
    top = max(range(len(rates)), key=rates.__getitem__)  # the first index of the highest
    if curve.peak is None or rates[top] > curve.peak[1]:
        curve.peak = (rows[top], rates[top])
    curve.final = (rows[-1], rates[-1])


def title_of(series: Series) -> str:
    """``step: lr=0.1, step_size=10, gamma=0.1``: the schedule and its resolved parameters.

    Unset (None) and nested (a dialect's full argument list) parameters are left out.
    """
    shown = {k: v for k, v in series.params.items() if v is not None and not isinstance(v, Mapping)}
    params = ", ".join(f"{k}={_value(v)}" for k, v in shown.items())
    return f"{series.schedule}: {params}" if params else series.schedule


def _value(value: object) -> str:
    if isinstance(value, tuple | list):
        return ",".join(_value(item) for item in value)
    if isinstance(value, float) and math.isfinite(value):
        return f"{value:g}" if float(f"{value:g}") == value else repr(value)
    return str(value)
