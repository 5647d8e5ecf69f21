"""The rows every command produces: a `Series` of rates, streamed a chunk at a time."""

import math
from collections.abc import Callable, Iterable, Iterator, Mapping
from itertools import count, islice
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from lrsched_cli.plan import Unit  # a type only: records load nothing

from lrsched_cli.errors import RateError
from lrsched_cli.records import Record

CHUNK = 4096
"""Rows per write: big enough to amortise the write, small enough for `| head` to stop at once."""

HELD_ROWS = 1 << 20
"""The most rates `from` and `trainer` hold between computing and writing them (8 MiB): a longer
run computes its rates twice, to keep memory flat in the row count."""


class Series(Record):
    """Rates to write, row 1 first, with what made them (a `Record`: cheap to define at each start)."""

    schedule: str
    params: Mapping[str, Any]
    rates: Iterable[float]
    steps_per_epoch: int | None = None
    """When set, rows are optimizer steps and carry both an epoch and a step label."""
    unit: "Unit" = "epoch"
    """What a row is without ``steps_per_epoch``: ``step`` where the framework steps its schedule
    per optimizer update (`lrsched_cli.frameworks.base.Framework.unit`), so rows are labelled
    ``Step``; every label a format writes derives from it (`labels`)."""
    length: int | None = None
    """How many rows ``rates`` yields, when known before computing them (a check stops early)."""


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


def labels(series: Series) -> list[str]:
    """The row's labels, as machine formats name them: ``epoch``, ``step`` (rows that are a
    framework's optimizer steps), or ``epoch`` and ``step`` (``--steps-per-epoch``)."""
    return ["epoch", "step"] if series.steps_per_epoch is not None else [series.unit]


def columns(series: Series) -> list[str]:
    """Machine-format column names: the row's `labels`, then ``lr``."""
    return [*labels(series), "lr"]


def unit_of(several: Iterable[Series]) -> str:
    """What rows shown together count, a chart's x axis or compare's first column: ``epoch``
    (a chart puts per-step rows at fractions of their epoch), ``step``, or ``row`` when the
    series count different things."""
    units = {"epoch" if series.steps_per_epoch is not None else series.unit for series in several}
    return units.pop() if len(units) == 1 else "row"


PRECISION = 6
"""The tutorial's decimals, which blog and table keep while the rates show `SIGNIFICANT` digits."""
SIGNIFICANT = 3


def decimals(precision: int | None, rates: Iterable[float | None]) -> int:
    """The decimals blog and table print: ``--precision`` when given; else the tutorial's 6, or
    more where the largest of ``rates`` would show fewer than 3 significant digits.

    Output streams, so ``rates`` is what is known before the first row is written: the first
    chunk (4096 rows, or every row of a shorter run). ``get_linear_schedule_with_warmup`` at
    ``--lr 2e-5`` peaks at 2e-5: 7 decimals, ``0.0000200``; any rate of 1e-4 or more keeps 6.
    """
    if precision is not None:
        return precision
    peak = max((abs(rate) for rate in rates if rate is not None), default=0.0)
    if peak == 0:
        return PRECISION
    return max(PRECISION, SIGNIFICANT - 1 - math.floor(math.log10(peak)))
