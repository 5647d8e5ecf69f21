"""MMEngine's ``scalars.json`` (LocalVisBackend): one JSON object a line, ``lr`` at ``step``.

``LoggerHook.after_train_iter`` adds the training scalars with ``step=runner.iter + 1``
(mmengine 0.10.7, hooks/logger_hook.py 199-200); ``RuntimeInfoHook.before_train_iter`` records
``optim_wrapper.get_lr()`` before the iteration runs (hooks/runtime_info_hook.py 85-108): the
rate of that iteration, steps 1-based (row = step). Iterations are micro-batches: under
``accumulative_counts`` N, N iterations make one update, and an iteration-based scheduler steps
at each. Validation lines (no ``lr``) are passed over. Several optimizers log ``<name>.lr``.
"""

from __future__ import annotations

import json
import math
from itertools import islice
from pathlib import Path
from typing import Any

from lrsched_cli.check.runlog import Log, Points, Reader, convention, is_rate, one_series
from lrsched_cli.errors import InputError

SOURCE = "scalars.json"
WHAT = "a whole MMEngine scalars.json"
SCAN = 1000
"""Lines read, at most, to find which series are rates."""


def recognise(path: Path, head: bytes) -> bool:
    if not head:
        return (path / SOURCE).is_file()
    first = head.split(b"\n", 1)[0]
    try:
        obj = json.loads(first)
    except ValueError:
        return False
    return isinstance(obj, dict) and "step" in obj and b"\n" in head


def open_log(path: Path, name: str, tag: str | None) -> Log:
    if path.is_dir():
        path, name = path / SOURCE, str(Path(name) / SOURCE)
    names: list[str] = []
    with open(path, encoding="utf-8", errors="replace") as file:
        for line in islice(file, SCAN):
            try:
                obj = json.loads(line)
            except ValueError:
                break  # the stream says where
            if isinstance(obj, dict):
                names += [key for key in obj if key not in names and key != "step"]
                if tag is None and any(is_rate(key) for key in obj):
                    break
    wanted = one_series(name, tag, names, [n for n in names if is_rate(n)], "MMEngine's lr")
    return Log(
        name=name,
        source=SOURCE,
        tag=wanted,
        points=_points(path, name, wanted),
        offset=0,
        float32=False,
        convention=convention("lr").words + " (iterations are micro-batches under accumulative_counts)",
        facts={},
        logger="mmengine",
    )


def _points(path: Path, name: str, tag: str) -> Points:
    try:
        file = open(path, encoding="utf-8", newline="")  # noqa: SIM115 (closed by the with below)
    except OSError as error:
        raise InputError(None, f"cannot read {name!r}: {error.strerror or error}") from None
    with file:
        try:
            for number, line in enumerate(file, start=1):
                if not line.endswith("\n"):
                    raise _bad(name, f"line {number} ends without a newline: the file was cut short")
                if not line.strip():
                    continue
                try:
                    obj: Any = json.loads(line)
                except ValueError:
                    raise _bad(name, f"line {number} is not JSON") from None
                if not isinstance(obj, dict):
                    raise _bad(name, f"line {number} is not an object")
                if tag in obj:
                    yield _step(name, number, obj.get("step")), _rate(name, number, tag, obj[tag])
        except UnicodeDecodeError:
            raise _bad(name, "it is not UTF-8 text") from None


def _bad(name: str, why: str) -> InputError:
    return InputError(None, f"{name!r} is not {WHAT}: {why}")


def _step(name: str, number: int, step: object) -> int:
    if isinstance(step, bool) or not isinstance(step, int) or step < 0:
        raise _bad(name, f"line {number} has step {step!r}, not a count of iterations")
    return step


def _rate(name: str, number: int, tag: str, value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise _bad(name, f"line {number} has {tag} {value!r}, not a finite number")
    return float(value)


READER = Reader(SOURCE, recognise, open_log)
