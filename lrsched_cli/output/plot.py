"""The terminal plot (``--format plot``): a braille line chart drawn with plotille.

Imported only when plotting, so the plain path never loads plotille. The chart spans the
terminal's width (``COLUMNS``, else the terminal, else 80 columns) and takes
``LINES - 8`` rows, between 8 and 20; the epoch runs along x, the learning rate up y (log10
with ``--log-y``). Under it, a caption gives the exact peak and final rate of each curve.
"""

from __future__ import annotations

import math
import os
import shutil
import textwrap
from collections.abc import Callable
from itertools import count

from lrsched_cli.output.figure import Curve, Curves, Look, sample_all
from lrsched_cli.output.series import unit_of

AXES = 24
"""Columns plotille adds around the canvas: the y tick labels (13) and the x axis arrow and label."""
MIN_WIDTH, MIN_HEIGHT, MAX_HEIGHT = 10, 8, 20
MAX_COLUMNS = 1000
"""The widest chart: a COLUMNS of 100000 took 380 MiB and 7 s for detail no one sees."""
X_TICK = 8
"""The fewest columns between two round x ticks (fewer on a narrow chart, more for long labels)."""
X_STEPS = (1.0, 2.0, 5.0)
"""Tick steps (times a power of ten) for epochs: round numbers."""
Y_STEPS = (1.0, 2.0, 2.5, 5.0, 10.0)
COLOURS = ["cyan", "magenta", "yellow", "green", "red", "blue"]
"""Readable on dark and light terminals alike, unlike plotille's default white first line."""
MARKERS = ["x", "o", "+", "*", "#", "@"]
"""Without colour (a pipe, a file, NO_COLOR), overlaid curves are told apart by the character
drawn at their points, which the legend shows too: braille lines alone all look the same."""


def draw(curves: Curves, look: Look) -> str:
    """The chart of one or several labelled series, overlaid, and a caption line per series.

    ``curves`` is a list of (label, series): a schedule command passes one, ``compare`` several,
    which then get a legend and their label before each caption. Returns the text, ending in a
    newline; colour codes only if ``look.colour`` (and plotille's own NO_COLOR and TTY checks).
    """
    import plotille

    sampled, power = sample_all(curves, log_y=look.log_y)
    columns, lines = shutil.get_terminal_size()
    columns = min(columns, MAX_COLUMNS)
    y: Callable[[float], float] = math.log10 if look.log_y else float
    last = max((curve.epoch(curve.rows) for curve in sampled if curve.rows), default=2.0)
    width = max(MIN_WIDTH, columns - AXES)
    x_high, ticks = _x_axis(max(last, 2.0), width)
    y_low, y_high, height = _axis(*_y_range(sampled, y), max(MIN_HEIGHT, min(MAX_HEIGHT, lines - 8)), Y_STEPS)
    figure = plotille.Figure()
    figure.width, figure.height = width, height
    figure.origin = False
    figure.with_colors = look.colour
    figure.x_label = unit_of(series for _, series in curves)
    figure.set_x_limits(1.0, x_high)
    figure.set_y_limits(y_low, y_high)
    # round ticks where they fall
    figure._x_axis = lambda *_, **__: _x_axis_lines(ticks, width, figure.x_label)
    unscale: Callable[[float], float] = (lambda v: 10**v) if look.log_y else float
    digits = 3 if look.log_y else 4
    figure.y_ticks_fkt = lambda value, _: f"{unscale(float(value)):.{digits}g}"
    marked = len(sampled) > 1 and not _coloured(look)
    for curve, colour, marker in zip(sampled, COLOURS * len(sampled), MARKERS * len(sampled)):
        if curve.points:
            xs = [curve.epoch(row) for row, _ in curve.points]
            ys = [y(rate) for _, rate in curve.points]
            figure.plot(xs, ys, lc=colour, label=curve.label, marker=marker if marked else None)
    chart = figure.show(legend=len(sampled) > 1).split(figure.linesep)
    # plotille centres "(label)" in 10 columns: too narrow for "learning rate"
    scale = [f"x 1e{power}"] if power else []
    notes = ", ".join([*scale, *(["log scale"] if look.log_y else [])])
    chart[0] = " " * 11 + "^ learning rate" + (f" ({notes})" if notes else "")
    title = textwrap.wrap(look.title, columns) if look.title else []
    several = len(sampled) > 1
    captions = [
        wrapped
        for curve in sampled
        for line in _caption(curve, look, several=several).splitlines()
        for wrapped in textwrap.wrap(line, columns)
    ]
    text = "\n".join([*title, *chart, "", *captions]) + "\n"
    return text if look.braille else text.translate(ASCII_DOTS)


def _ascii_dot(cell: int) -> str:
    """The ASCII character nearest a braille cell's dots (the bits of ``cell``, 2 wide, 4 high):
    blank, a vertical stroke where the dots span three rows or more, else a mark at their height."""
    rows = {row for row, bits in enumerate((0x09, 0x12, 0x24, 0xC0)) if cell & bits}
    if not rows:
        return " "
    if max(rows) - min(rows) >= 2:
        return "|"
    return "'-._"[round(sum(rows) / len(rows) - 0.25)] if len(rows) > 1 else "'-._"[min(rows)]


ASCII_DOTS = {0x2800 + cell: _ascii_dot(cell) for cell in range(256)}
"""Braille cells as ASCII, for a stream whose encoding has no braille (``PYTHONIOENCODING=ascii``,
a cp1252 pipe): a coarser chart rather than an encoding error, as a table falls back to ASCII lines."""


def _coloured(look: Look) -> bool:
    """Whether plotille will colour the lines: asked to, and NO_COLOR (or FORCE_COLOR=0) unset."""
    force = os.environ.get("FORCE_COLOR", "").strip().lower()
    return look.colour and not os.environ.get("NO_COLOR") and force not in ("0", "false", "none")


def _caption(curve: Curve, look: Look, *, several: bool) -> str:
    caption = curve.caption(look.precision)
    return f"{curve.label}: {caption}" if several else caption


def _x_axis(last: float, width: int) -> tuple[float, list[tuple[int, str]]]:
    """The epoch axis from 1 to ``last`` over ``width`` columns: its right limit, and the ticks
    as (column, label).

    The limit puts ``last`` on the canvas's last dot (plotille drops a point on the limit
    itself), so the axis ends at the data. Ticks are the multiples of the smallest round step
    (1, 2 or 5 times a power of ten) that leaves room for each label, at the column where that
    epoch is drawn, and epoch 1 where the axis starts when it does not crowd the next one.
    """
    dots = 2 * width
    high = 1 + (last - 1) * dots / (dots - 1)

    def column(epoch: float) -> int:
        return round((epoch - 1) / (high - 1) * dots) // 2  # as plotille places a point

    per_column = (high - 1) / width
    # the longest label, a space and a column of rounding; closer ticks on a narrow chart
    gap = max(min(X_TICK, width // 3), len(_tick(last)) + 2)
    step = next(
        m * 10.0**power
        for power in count(math.floor(math.log10(per_column * gap)) - 1)
        for m in X_STEPS
        if m * 10.0**power / per_column >= gap
    )
    multiples = range(math.ceil(1 / step - 1e-9), math.floor(last / step + 1e-9) + 1)
    ticks = [(column(k * step), _tick(k * step)) for k in multiples]
    if not ticks or (ticks[0][1] != "1" and ticks[0][0] >= 3):  # "1", a space, and rounding
        ticks.insert(0, (0, "1"))
    return high, ticks


def _x_axis_lines(ticks: list[tuple[int, str]], width: int, unit: str) -> list[str]:
    """The axis line with a mark at each tick, and the labels under it, as plotille lays them
    out (y labels in the first 13 columns, the canvas after them)."""
    marks = ["-"] * width
    labels = [" "] * (width + X_TICK)
    for at, label in ticks:
        marks[at] = "|"
        labels[at : at + len(label)] = label
    return ["-" * 11 + "|-" + "".join(marks) + f"-> ({unit})", (" " * 11 + "| " + "".join(labels)).rstrip()]


def _axis(low: float, high: float, most: int, steps: tuple[float, ...]) -> tuple[float, float, int]:
    """Limits covering low..high in at most ``most`` ticks, each a round step: (start, end, ticks).

    The step is the smallest of ``steps`` times a power of ten that fits; the axis starts at the
    step below ``low``, so every tick label is a round number. The end lies above ``high``:
    plotille drops points on the top edge.
    """
    for power in count(math.floor(math.log10((high - low) / most))):
        for step in (m * 10.0**power for m in steps):
            start = math.floor(low / step + 1e-9) * step
            ticks = math.floor((high - start) / step + 1e-9) + 1
            if ticks <= most:
                return start, start + ticks * step, ticks
    raise AssertionError("unreachable: a step above high - low takes at most 2 ticks")


def _y_range(curves: list[Curve], y: Callable[[float], float]) -> tuple[float, float]:
    """The rates' range, from 0 on a linear axis; at least a decade on a log one."""
    values = [y(rate) for curve in curves for _, rate in curve.points]
    if not values:
        return 0.0, 1.0
    low, high = min(values), max(values)
    if y is math.log10:
        return (low - 0.5, high + 0.5) if low == high else (low, high)
    low, high = min(low, 0.0), max(high, 0.0)
    return (low, high) if low < high else (0.0, 1.0)


def _tick(epoch: float) -> str:
    """At most 9 characters: 4 significant digits, or whole epochs once past 10,000."""
    return f"{epoch:.4g}" if abs(epoch) < 10_000 else f"{epoch:.0f}"
