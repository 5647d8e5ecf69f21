"""A Weights & Biases history exported as CSV: the API's ``run.history()``/``scan_history()``
written with pandas ``to_csv``, or a line plot's "Export CSV".

W&B keeps a run's history on its server, so the export is the file a user has; its layout is
taken from W&B's documentation, not from a real export (an offline run writes no CSV): the
API's columns are the logged keys (``train/learning_rate``) with ``_step`` (W&B's count of
``wandb.log`` calls), blank where a row lacks a key, maybe a pandas index first; a panel's are
``Step`` and ``<run name> - <key>``, with ``__MIN``/``__MAX`` columns of sampled ranges, which
are left out. Either may be sampled (W&B's export limits): only the points in the file are
compared.

The step is the logger's own step metric, not ``_step``: ``train/global_step`` from the
transformers Trainer (which defines it as every metric's x axis; updates done),
``trainer/global_step`` from Lightning's WandbLogger, or a panel's ``Step`` (its x axis); the
convention follows the series' name (`lrsched_cli.check.runlog.CONVENTIONS`).
"""

from __future__ import annotations

import csv
import math
from collections.abc import Iterator
from pathlib import Path

from lrsched_cli.check.runlog import Log, Points, Reader, convention, is_rate, one_series
from lrsched_cli.errors import InputError

SOURCE = "W&B CSV export"
STEPS = ("train/global_step", "trainer/global_step", "Step", "global_step")
"""Step columns, preferred in this order."""
RANGES = ("__MIN", "__MAX")


def _columns(head: bytes) -> list[str] | None:
    first = head.split(b"\n", 1)[0].decode("utf-8-sig", "replace")
    try:
        fields = next(csv.reader([first]))
    except (csv.Error, StopIteration):
        return None
    return fields if "_step" in fields or any(step in fields for step in STEPS) else None


def _key(column: str) -> str:
    """A panel's ``<run> - train/learning_rate`` is the key ``train/learning_rate``."""
    return column.rsplit(" - ", 1)[-1]


def recognise(path: Path, head: bytes) -> bool:
    return bool(head) and b"\n" in head and _columns(head) is not None


def open_log(path: Path, name: str, tag: str | None) -> Log:
    with open(path, "rb") as file:
        columns = _columns(file.read(1 << 16)) or []
    step = next((s for s in STEPS if s in columns), None)
    if step is None:
        raise InputError(
            None,
            f"{name!r} has W&B's _step only, which counts wandb.log calls, not updates: export it "
            f"with the run's step metric ({', '.join(STEPS[:2])})",
        )
    keys = [_key(c) for c in columns if c and c not in (step, "_step") and not c.endswith(RANGES)]
    wanted = one_series(name, tag, keys, [k for k in keys if is_rate(k)], "a learning rate's column")
    column = next(i for i, c in enumerate(columns) if _key(c) == wanted and not c.endswith(RANGES))
    counted = convention(wanted)
    return Log(
        name=name,
        source=SOURCE,
        tag=wanted,
        points=_points(path, name, column, columns.index(step), wanted),
        offset=counted.offset,
        float32=False,
        convention=f"{counted.words}; the step is the column {step!r}",
        facts={},
        logger=counted.logger,
    )


def _points(path: Path, name: str, column: int, step_column: int, tag: str) -> Points:
    try:
        file = open(path, encoding="utf-8-sig", newline="")  # noqa: SIM115 (closed by the with below)
    except OSError as error:
        raise InputError(None, f"cannot read {name!r}: {error.strerror or error}") from None
    with file:
        try:
            lines = iter(file)
            next(lines)
            for number, fields in enumerate(csv.reader(_whole(lines, name)), start=2):
                if len(fields) <= max(column, step_column):
                    raise _bad(name, f"line {number} has {len(fields)} fields")
                if fields[column] == "":
                    continue
                yield _step(name, number, fields[step_column]), _rate(name, number, tag, fields[column])
        except csv.Error as error:
            raise _bad(name, f"it cannot be read as CSV: {error}") from None
        except UnicodeDecodeError:
            raise _bad(name, "it is not UTF-8 text") from None


def _whole(lines: Iterator[str], name: str) -> Iterator[str]:
    """The lines, refusing a last one cut short (a CSV writer ends every line)."""
    for line in lines:
        if not line.endswith("\n"):
            raise _bad(name, "its last line ends without a newline: the file was cut short")
        yield line


def _bad(name: str, why: str) -> InputError:
    return InputError(None, f"{name!r} is not a whole W&B CSV export: {why}")


def _step(name: str, number: int, text: str) -> int:
    try:
        value = float(text)  # pandas writes a step column with blanks as floats: 5.0
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or value != int(value) or value < 0:
        raise _bad(name, f"line {number} has step {text[:40]!r}, not a count of updates")
    return int(value)


def _rate(name: str, number: int, tag: str, text: str) -> float:
    try:
        rate = float(text)
    except ValueError:
        rate = math.nan
    if not math.isfinite(rate):
        raise _bad(name, f"line {number} has {tag} {text[:40]!r}, not a finite number")
    return rate


READER = Reader(SOURCE, recognise, open_log)
