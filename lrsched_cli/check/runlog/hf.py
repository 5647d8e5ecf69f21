"""Hugging Face Trainer's ``trainer_state.json``: ``log_history``, ``learning_rate`` at ``step``.

The Trainer writes it with ``TrainerState.save_to_json`` (every checkpoint, and
``trainer.save_state()``): one JSON object, keys sorted, ``log_history`` a list of the logged
dicts. A training log entry holds ``learning_rate`` and ``step = state.global_step`` after the
update, so steps are 1-based updates done (row = step). Since transformers 4.51 the rate is the
one that update applied (``learning_rate = self._get_learning_rate()`` before
``lr_scheduler.step()``, read in the 4.51.3 and 4.57.1 wheels); 4.48.3, 4.49.0 and 4.50.3 logged it
after the scheduler stepped, in ``_maybe_log_save_evaluate``: the next update's rate (PR #36973).

The entries are decoded one at a time, so memory stays flat on any length of history.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

from lrsched_cli.check.recorded import JsonStream
from lrsched_cli.check.runlog import Log, Points, Reader
from lrsched_cli.errors import InputError

SOURCE = "trainer_state.json"
TAG = "learning_rate"
WHAT = "a whole trainer_state.json"
FACTS = ("global_step", "max_steps", "logging_steps", "num_train_epochs", "train_batch_size")
"""The keys besides ``log_history`` a report may use."""


def recognise(path: Path, head: bytes) -> bool:
    if not head:
        return (path / SOURCE).is_file()
    return head.lstrip().startswith(b"{") and b'"log_history"' in head


def open_log(path: Path, name: str, tag: str | None) -> Log:
    if path.is_dir():
        path, name = path / SOURCE, str(Path(name) / SOURCE)
    facts: dict[str, Any] = {}
    wanted = tag or TAG
    return Log(
        name=name,
        source=SOURCE,
        tag=wanted,
        points=_points(path, name, wanted, facts),
        offset=0,
        float32=False,
        convention="step = updates done (1-based); the rate that update applied (transformers 4.51 on)",
        facts=facts,
        logger="hf",
    )


def _points(path: Path, name: str, tag: str, facts: dict[str, Any]) -> Points:
    try:
        file = open(path, encoding="utf-8-sig", newline="")  # noqa: SIM115 (closed by the with below)
    except OSError as error:
        raise InputError(None, f"cannot read {name!r}: {error.strerror or error}") from None
    with file:
        try:
            start = file.read(1 << 16)
        except UnicodeDecodeError:
            raise _bad(name, "it is not UTF-8 text") from None
        stream = JsonStream(file, name, start, what=WHAT)
        stream.take("{")
        seen_history, keys = False, set[str]()
        while stream.peek() != "}":
            key = stream.value()
            stream.take(":")
            if key != "log_history":
                value = stream.value()
                if key in FACTS:
                    facts[str(key)] = value
            else:
                seen_history = True
                stream.take("[")
                index = 0
                while stream.peek() != "]":
                    entry = stream.value()
                    index += 1
                    if not isinstance(entry, dict):
                        raise _bad(name, f"log_history entry {index} is not an object")
                    keys.update(entry)
                    if tag in entry:
                        yield _step(name, index, entry), _rate(name, index, tag, entry[tag])
                    if stream.peek() == ",":
                        stream.take(",")
                stream.take("]")
            if stream.peek() == ",":
                stream.take(",")
        stream.take("}")
        stream.end()
    if not seen_history:
        raise _bad(name, "it has no log_history")
    if tag not in keys:
        numeric = sorted(key for key in keys if key not in ("step", "epoch"))
        raise InputError(
            None, f"{name!r} has no {tag!r} in its log_history (its entries have: {', '.join(numeric)})"
        )


def _bad(name: str, why: str) -> InputError:
    return InputError(None, f"{name!r} is not {WHAT}: {why}")


def _step(name: str, index: int, entry: dict[str, Any]) -> int:
    step = entry.get("step")
    if isinstance(step, bool) or not isinstance(step, int) or step < 0:
        raise _bad(name, f"log_history entry {index} has step {step!r}, not a count of updates")
    return step


def _rate(name: str, index: int, tag: str, value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise _bad(name, f"log_history entry {index} has {tag} {value!r}, not a finite number")
    return float(value)


READER = Reader(SOURCE, recognise, open_log)
