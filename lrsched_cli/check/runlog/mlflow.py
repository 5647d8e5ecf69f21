"""An MLflow file-store run folder (``mlruns/<experiment>/<run>/``), or one metric file in it.

``FileStore`` appends a line per logged value to ``metrics/<key>`` (a key with ``/`` is a
subfolder): ``"<timestamp ms> <value> <step>"``, or 5 fields with a dataset's name and digest;
2-field lines, written before steps existed, are step 0 (mlflow 3.18.0,
store/tracking/file_store.py ``_get_metric_from_line``, 929-953). Values are Python floats,
written in full. The steps are what the logger passed: the transformers Trainer logs
``learning_rate`` at ``state.global_step`` (updates done), Lightning's MLFlowLogger
LearningRateMonitor's ``lr-<Optimizer>`` 0-based (`lrsched_cli.check.runlog.CONVENTIONS`).
"""

from __future__ import annotations

import math
import re
from pathlib import Path

from lrsched_cli.check.runlog import Log, Points, Reader, convention, is_rate, one_series
from lrsched_cli.errors import InputError

SOURCE = "MLflow metrics"
LINE = re.compile(rb"\d{9,} \S+( -?\d+)?( \S+ \S+)?\r?\n")
"""A metric line: a timestamp in milliseconds, the value, the step, maybe a dataset."""


def recognise(path: Path, head: bytes) -> bool:
    if not head:
        return (path / "metrics").is_dir() and (path / "meta.yaml").is_file()
    return LINE.match(head) is not None


def _keys(folder: Path) -> list[str]:
    return sorted(str(file.relative_to(folder)) for file in folder.rglob("*") if file.is_file())


def open_log(path: Path, name: str, tag: str | None) -> Log:
    if path.is_dir():
        keys = _keys(path / "metrics")
        wanted = one_series(
            name, tag, keys, [key for key in keys if is_rate(key)], "a learning rate's metric"
        )
        file, shown = path / "metrics" / wanted, str(Path(name) / "metrics" / wanted)
    else:
        key = path.name
        if tag is not None and tag != key:
            raise InputError(None, f"{name!r} is the metric {key!r}, not {tag!r}: name the run's folder")
        wanted, file, shown = key, path, name
    counted = convention(wanted)
    return Log(
        name=shown,
        source=SOURCE,
        tag=wanted,
        points=_points(file, shown),
        offset=counted.offset,
        float32=False,
        convention=counted.words,
        facts={},
        logger=counted.logger,
    )


def _points(file: Path, name: str) -> Points:
    try:
        lines = open(file, encoding="utf-8", newline="")  # noqa: SIM115 (closed by the with below)
    except OSError as error:
        raise InputError(None, f"cannot read {name!r}: {error.strerror or error}") from None
    with lines:
        try:
            for number, line in enumerate(lines, start=1):
                if not line.endswith("\n"):
                    raise _bad(name, f"line {number} ends without a newline: the file was cut short")
                fields = line.split()
                if len(fields) not in (2, 3, 5):
                    raise _bad(name, f"line {number} has {len(fields)} fields, not 2, 3 or 5")
                try:
                    value = float(fields[1])
                    step = int(fields[2]) if len(fields) > 2 else 0
                except ValueError:
                    raise _bad(name, f"line {number} is {line.strip()[:60]!r}") from None
                if not math.isfinite(value):
                    raise _bad(name, f"line {number} has the value {fields[1]!r}, not a finite number")
                if step < 0:
                    raise _bad(name, f"line {number} has step {step}")
                yield step, value
        except UnicodeDecodeError:
            raise _bad(name, "it is not UTF-8 text") from None


def _bad(name: str, why: str) -> InputError:
    return InputError(None, f"{name!r} is not a whole MLflow metric file: {why}")


READER = Reader(SOURCE, recognise, open_log)
