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
from pathlib import Path

from lrsched_cli.check.runlog import Log, Reader, convention, csvlog, is_rate, one_series
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
        points=csvlog.points(
            path,
            name,
            column,
            columns.index(step),
            wanted,
            lambda number, text: _step(name, number, text),
            lambda why: _bad(name, why),
        ),
        offset=counted.offset,
        float32=False,
        convention=f"{counted.words}; the step is the column {step!r}",
        facts={},
        logger=counted.logger,
    )


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


READER = Reader(SOURCE, recognise, open_log)
