"""What the CSV logs share (Lightning's metrics.csv, a W&B export): their points, streamed."""

from __future__ import annotations

import csv
import math
from collections.abc import Callable, Iterator
from pathlib import Path

from lrsched_cli.check.runlog import Points
from lrsched_cli.errors import InputError

Bad = Callable[[str], InputError]
"""The reader's error for a file that is not what it reads, given why."""
Step = Callable[[int, str], int]
"""The reader's step, from a line's number and its step field (raising `Bad`'s error)."""


def points(path: Path, name: str, column: int, step_column: int, tag: str, step: Step, bad: Bad) -> Points:
    """(step, rate) for each line with a value in ``column``, a line at a time; a line cut short,
    too few fields, a rate that is not a finite number or text that is not CSV are ``bad``."""
    try:
        file = open(path, encoding="utf-8-sig", newline="")  # noqa: SIM115 (closed by the with below)
    except OSError as error:
        raise InputError(None, f"cannot read {name!r}: {error.strerror or error}") from None
    with file:
        try:
            lines = iter(file)
            next(lines)
            for number, fields in enumerate(csv.reader(_whole(lines, bad)), start=2):
                if len(fields) <= max(column, step_column):
                    raise bad(f"line {number} has {len(fields)} fields")
                if fields[column] == "":
                    continue
                yield step(number, fields[step_column]), _rate(number, tag, fields[column], bad)
        except csv.Error as error:
            raise bad(f"it cannot be read as CSV: {error}") from None
        except UnicodeDecodeError:
            raise bad("it is not UTF-8 text") from None


def _whole(lines: Iterator[str], bad: Bad) -> Iterator[str]:
    """The lines, refusing a last one cut short (a CSV writer ends every line)."""
    for line in lines:
        if not line.endswith("\n"):
            raise bad("its last line ends without a newline: the file was cut short")
        yield line


def _rate(number: int, tag: str, text: str, bad: Bad) -> float:
    try:
        rate = float(text)
    except ValueError:
        rate = math.nan
    if not math.isfinite(rate):
        raise bad(f"line {number} has {tag} {text[:40]!r}, not a finite number")
    return rate
