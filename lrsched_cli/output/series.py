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


ROW_LABEL = "epoch"
"""The name of the row label's column, in every format (capitalized in tables)."""


def columns(series: Series) -> list[str]:
    """Machine-format column names: ``epoch`` (and ``step`` per step), then ``lr``."""
    return [ROW_LABEL, "lr"] if series.steps_per_epoch is None else [ROW_LABEL, "step", "lr"]
