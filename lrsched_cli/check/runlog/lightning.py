"""Lightning's CSVLogger ``metrics.csv``, with LearningRateMonitor's ``lr-<Optimizer>`` columns.

CSVLogger writes a header of every metric's name and a ``step`` column, one line per
``log_metrics`` call, blank where a line has no value for a column (csv.DictWriter, ``\\r\\n``
line ends). LearningRateMonitor logs ``param_group["lr"]`` in ``on_train_batch_start`` with
``step=trainer.fit_loop.epoch_loop._batches_that_stepped`` (lightning 2.6.6,
pytorch/callbacks/lr_monitor.py 167-177): the updates done before this batch, so steps are
0-based (row = step + 1), and the rate is the one the coming update applies. With gradient
accumulation and ``logging_interval="step"`` each micro-batch logs a line, all with the
update's step. Its names: ``lr-<Optimizer class>``, ``/pg<N>`` for param groups, or the
scheduler config's ``name``; ``-momentum`` and ``-weight_decay`` series are not rates.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from lrsched_cli.check.runlog import Log, Reader, csvlog, one_series
from lrsched_cli.errors import InputError

SOURCE = "metrics.csv"
WHAT = "a whole Lightning metrics.csv"
NOT_RATES = ("-momentum", "-weight_decay")


def _header(head: bytes) -> list[str] | None:
    first = head.split(b"\n", 1)[0].rstrip(b"\r").decode("utf-8", "replace")
    fields = first.split(",")
    return fields if "step" in fields and all(field and not _number(field) for field in fields) else None


def _number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def recognise(path: Path, head: bytes) -> bool:
    if not head:
        return (path / SOURCE).is_file()
    return b"\n" in head and _header(head) is not None


def open_log(path: Path, name: str, tag: str | None) -> Log:
    if path.is_dir():
        path, name = path / SOURCE, str(Path(name) / SOURCE)
    with open(path, "rb") as file:
        columns = _header(file.read(1 << 16)) or []
    rates = [c for c in columns if c.startswith("lr-") and not c.endswith(NOT_RATES)]
    series = [c for c in columns if c != "step"]  # CSVLogger's step column counts, it is no series
    wanted = one_series(name, tag, series, rates, "LearningRateMonitor's lr- columns")
    facts: dict[str, Any] = {}
    return Log(
        name=name,
        source=SOURCE,
        tag=wanted,
        points=csvlog.points(
            path,
            name,
            columns.index(wanted),
            columns.index("step"),
            wanted,
            lambda number, text: _step(name, number, text),
            lambda why: _bad(name, why),
        ),
        offset=1,
        float32=False,
        convention="step = updates done before this batch (0-based, row = step + 1); the rate its "
        "update applies",
        facts=facts,
        logger="lightning",
    )


def _bad(name: str, why: str) -> InputError:
    return InputError(None, f"{name!r} is not {WHAT}: {why}")


def _step(name: str, number: int, text: str) -> int:
    try:
        step = int(text)
    except ValueError:
        raise _bad(name, f"line {number} has step {text[:40]!r}, not a count of updates") from None
    if step < 0:
        raise _bad(name, f"line {number} has step {step}")
    return step


READER = Reader(SOURCE, recognise, open_log)
