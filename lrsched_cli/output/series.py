"""The rows every command produces: a `Series` of rates, streamed a chunk at a time."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Iterator, Mapping
from itertools import count, islice
from typing import Any, NamedTuple

from lrsched_cli.errors import RateError

CHUNK = 4096
"""Rows per write: big enough to amortise the write, small enough for `| head` to stop at once."""


class Series(NamedTuple):
    """Rates to write, row 1 first, with what made them (a NamedTuple, as `Delivery` says why)."""

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


ROW_LABEL = "epoch"
"""The name of the row label's column, in every format (capitalized in tables)."""


def columns(series: Series) -> list[str]:
    """Machine-format column names: ``epoch`` (and ``step`` per step), then ``lr``."""
    return [ROW_LABEL, "lr"] if series.steps_per_epoch is None else [ROW_LABEL, "step", "lr"]
