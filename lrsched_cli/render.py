"""Writers: one per output format, each streaming rows to a text stream in chunks.

A writer takes the stream, a `Series` and the precision, and never holds more than one chunk
of rows, so memory stays flat however many rows are asked for.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, replace
from enum import StrEnum
from itertools import count, islice
from typing import TYPE_CHECKING, Any, TextIO

if TYPE_CHECKING:
    from lrsched_cli.figure import Curves, Look

CHUNK = 4096
"""Rows per write: big enough to amortise the write, small enough for `| head` to stop at once."""


class Format(StrEnum):
    blog = "blog"
    table = "table"
    csv = "csv"
    json = "json"
    jsonl = "jsonl"
    plot = "plot"
    png = "png"
    svg = "svg"


class RateError(ValueError):
    """A schedule produced a rate that is not a finite number (an overflow)."""

    def __init__(self, row: int, rate: float) -> None:
        super().__init__(f"the rate at row {row} is {rate}, not a finite number")
        self.row = row


@dataclass(frozen=True)
class Series:
    """Rates to write, row 1 first, with what made them."""

    schedule: str
    params: Mapping[str, Any]
    rates: Iterable[float]
    steps_per_epoch: int | None = None
    """When set, rows are optimizer steps and carry both an epoch and a step label."""


def chunks(series: Series) -> Iterator[tuple[range, list[float]]]:
    """Yield (row numbers, rates) a chunk at a time, checking every rate is finite.

    Rows are 1-based: row r shows the rate at t = r - 1, as the tutorial prints "Epoch 1".
    """
    rates = iter(series.rates)
    for start in count(1, CHUNK):
        chunk = list(islice(rates, CHUNK))
        if not chunk:
            return
        if not all(map(math.isfinite, chunk)):
            bad = next(i for i, rate in enumerate(chunk) if not math.isfinite(rate))
            raise RateError(start + bad, chunk[bad])
        yield range(start, start + len(chunk)), chunk


def epoch_of(series: Series) -> Callable[[int], int]:
    """The epoch a row belongs to: the row itself, or its epoch when rows are optimizer steps."""
    k = series.steps_per_epoch
    return (lambda row: row) if k is None else (lambda row: (row - 1) // k + 1)


Line = Callable[[int, float], str]


def _write_lines(out: TextIO, series: Series, line: Line) -> None:
    for rows, rates in chunks(series):
        out.write("".join([line(row, lr) for row, lr in zip(rows, rates)]))


def write_blog(out: TextIO, series: Series, precision: int) -> None:
    """``Epoch 1, Learning Rate: 0.100000``: the tutorial's table (``Epoch 1, Step 1, ...`` per step)."""
    epoch = epoch_of(series)
    rate = f"Learning Rate: {{:.{precision}f}}\n".format
    if series.steps_per_epoch is None:
        _write_lines(out, series, lambda row, lr: f"Epoch {row}, {rate(lr)}")
    else:
        _write_lines(out, series, lambda row, lr: f"Epoch {epoch(row)}, Step {row}, {rate(lr)}")


def columns(series: Series) -> list[str]:
    """Machine-format column names: ``epoch`` (and ``step`` per step), then ``lr``."""
    return ["epoch", "lr"] if series.steps_per_epoch is None else ["epoch", "step", "lr"]


def write_csv(out: TextIO, series: Series, precision: int) -> None:
    """Header ``epoch,lr``; rates as the shortest string that reads back to the same float."""
    out.write(",".join(columns(series)) + "\n")
    epoch = epoch_of(series)
    if series.steps_per_epoch is None:
        _write_lines(out, series, lambda row, lr: f"{row},{lr!r}\n")
    else:
        _write_lines(out, series, lambda row, lr: f"{epoch(row)},{row},{lr!r}\n")


def _json_row(series: Series) -> Line:
    epoch = epoch_of(series)
    if series.steps_per_epoch is None:
        return lambda row, lr: f'{{"epoch": {row}, "lr": {lr!r}}}'
    return lambda row, lr: f'{{"epoch": {epoch(row)}, "step": {row}, "lr": {lr!r}}}'


def write_jsonl(out: TextIO, series: Series, precision: int) -> None:
    """One ``{"epoch": 1, "lr": 0.1}`` object per line."""
    row_object = _json_row(series)
    _write_lines(out, series, lambda row, lr: row_object(row, lr) + "\n")


def write_json(out: TextIO, series: Series, precision: int) -> None:
    """One object: the schedule, every resolved parameter, and the rows."""
    head = json.dumps({"schedule": series.schedule, "params": series.params}, allow_nan=False)
    out.write(head[:-1] + ', "rows": [')
    row_object = _json_row(series)
    separator = "\n  "
    for rows, rates in chunks(series):
        out.write(separator + ",\n  ".join([row_object(row, lr) for row, lr in zip(rows, rates)]))
        separator = ",\n  "
    out.write("]}\n" if separator == "\n  " else "\n]}\n")


def write_table(out: TextIO, series: Series, precision: int) -> None:
    """A table for people; colour (a bold header) only on a terminal, never piped or with NO_COLOR.

    Rich draws the header and its rule; the rows below are plain right-aligned text in the same
    columns, written a chunk at a time like every format, so a long table streams at the speed
    of CSV. Column widths come from the first chunk; a wider cell later widens its own row only,
    and nothing is ever cropped: a rate with digits cut off would be a wrong number.
    """
    from rich import box
    from rich.console import Console
    from rich.table import Table

    headers = [name.capitalize() for name in columns(series)[:-1]] + ["Learning rate"]
    epoch = epoch_of(series)
    if series.steps_per_epoch is None:
        labels: Callable[[int], list[str]] = lambda row: [str(row)]  # noqa: E731
    else:
        labels = lambda row: [str(epoch(row)), str(row)]  # noqa: E731
    gap = "   "  # Rich's cell padding, the box's space divider, the next cell's padding
    widths: list[int] = []
    for rows, rates in chunks(series):
        cells = [[*labels(row), f"{lr:.{precision}f}"] for row, lr in zip(rows, rates)]
        if not widths:
            widths = [max(len(header), len(cell) + 2) for header, cell in zip(headers, cells[-1])]
            header = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False)
            for name, width in zip(headers, widths):
                header.add_column(name, justify="right", min_width=width, header_style="bold")
            console = Console(file=out, highlight=False)
            console.width = max(console.width, sum(widths) + len(gap) * (len(widths) - 1))
            console.print(header)
        out.write("".join([gap.join(map(str.rjust, row, widths)) + "\n" for row in cells]))


WRITERS: dict[Format, Callable[[TextIO, Series, int], None]] = {
    Format.blog: write_blog,
    Format.table: write_table,
    Format.csv: write_csv,
    Format.json: write_json,
    Format.jsonl: write_jsonl,
}


def _plot(curves: Curves, look: Look) -> str:
    from lrsched_cli.plot import draw  # plotille loads only when plotting

    return draw(curves, look)


def _image(kind: str) -> Callable[[Curves, Look], bytes]:
    def render(curves: Curves, look: Look) -> bytes:
        from lrsched_cli.image import render  # matplotlib loads only for an image

        return render(curves, look, kind)

    return render


FIGURES: dict[Format, Callable[[Curves, Look], str | bytes]] = {
    Format.plot: _plot,
    Format.png: _image("png"),
    Format.svg: _image("svg"),
}
"""Formats drawn whole, from a bounded sample of each series: text (str) or a file's bytes.

Each takes a list of (label, series), so a command draws one curve and ``compare`` several.
"""


def write_figure(out: TextIO, fmt: Format, curves: Curves, look: Look) -> None:
    """Draw a figure format and write it: text to the stream, an image to its binary buffer.

    Colour only when the stream is a terminal (plotille also honours NO_COLOR).
    """
    figure = FIGURES[fmt](curves, replace(look, colour=out.isatty()))
    if isinstance(figure, bytes):
        out.flush()
        out.buffer.write(figure)
    else:
        out.write(figure)


FILE_ONLY = frozenset({Format.png, Format.svg})
"""Formats written only with --output: image bytes have no place on a terminal."""
