"""Reading what a training run logged: the rates it used, one logger's format a module.

`open_log` recognises the format from the content (never from the file's name alone) and
returns a `Log`: its points stream lazily, (step as that logger counts it, rate), so a log of
millions of points reads in flat memory. Each format's module declares, in its `Reader`, how
its steps map to lrsched's rows (row k is the rate the k-th update applies) and whether it
stores rates in float32. Anything that is not such a log, is cut short, or has no such series
raises `InputError`.

A new format is one module holding a `Reader` and one line in `READERS`.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, NamedTuple

from lrsched_cli.errors import InputError

Points = Iterator[tuple[int, float]]
"""A logged series: (step as the logger counts it, rate), in the order it was logged."""


class Log(NamedTuple):
    """One series of rates a run logged, opened."""

    name: str
    """The file as the user named it."""
    source: str
    """What was read, as messages name it: ``trainer_state.json``, ``metrics.csv``."""
    tag: str
    """The series' name in the log: ``learning_rate``, ``lr-SGD``, ``train/learning_rate``."""
    points: Points
    offset: int
    """Row = logged step + offset: 0 where a step counts updates done (the rate that update
    applied), 1 where it counts updates before this one (0-based)."""
    float32: bool
    """The logger stores rates as float32 (TensorBoard): compared to float32's precision."""
    convention: str
    """How this logger counts its steps, for the report."""
    facts: dict[str, Any]
    """What else the log says about the run (``max_steps``, ``logging_steps``), filled in as
    the points are read."""
    logger: str | None = None
    """The trainer that wrote it (``hf``, ``lightning``: `lrsched_cli.trainers.TRAINERS`' keys),
    when the format or the series' name shows it; ``lrsched trainer`` then follows that
    trainer's release (`Planner.logged_next`)."""


class Reader(NamedTuple):
    """One format: whether a file holds it (from its first bytes), and how to open it."""

    source: str
    recognise: Callable[[Path, bytes], bool]
    """Given the path and up to `HEAD` bytes from its start (b"" for a folder)."""
    open: Callable[[Path, str, str | None], Log]
    """Given the path, the name as the user gave it, and ``--tag`` (None: the format's own)."""


HEAD = 1 << 16
"""Bytes of a file's start a reader may look at to recognise its format."""

READERS = ["hf", "lightning", "mmengine", "mlflow", "wandb", "tensorboard"]
"""The formats, tried in this order: each a module here holding ``READER``."""


class Convention(NamedTuple):
    """How the logger that wrote a series counts its steps, known from the series' name: for
    formats any logger writes (TensorBoard)."""

    offset: int
    words: str
    logger: str | None = None


CONVENTIONS = {
    "train/learning_rate": Convention(
        0, "transformers Trainer: step = updates done (1-based); the rate that update applied (4.51 on)", "hf"
    ),
    "learning_rate": Convention(
        0, "transformers Trainer: step = updates done (1-based); the rate that update applied (4.51 on)", "hf"
    ),
    "lr-": Convention(
        1,
        "Lightning LearningRateMonitor: step = updates done before this batch (0-based, row = step + 1)",
        "lightning",
    ),
    "lr": Convention(0, "MMEngine: step = iterations done (1-based); the rate of that iteration", "mmengine"),
}
"""By the series' name, or (ending in ``-``) its start; any other series: row = step."""
AS_LOGGED = Convention(0, "step = row, as logged (a logger lrsched does not know by this series' name)")


def convention(tag: str) -> Convention:
    if tag in CONVENTIONS:
        return CONVENTIONS[tag]
    return next(
        (c for start, c in CONVENTIONS.items() if start.endswith("-") and tag.startswith(start)), AS_LOGGED
    )


def is_rate(tag: str) -> bool:
    """Whether a series' name says it is a learning rate (not a momentum, a weight decay)."""
    last = tag.rsplit("/", 1)[-1].rsplit(".", 1)[-1]
    if tag.startswith("lr-"):
        return not tag.endswith(("-momentum", "-weight_decay"))
    return last in ("lr", "learning_rate")


def reader(name: str) -> Reader:
    found: Reader = importlib.import_module(f"lrsched_cli.check.runlog.{name}").READER
    return found


def open_log(name: str, tag: str | None) -> Log:
    """The series ``tag`` of the run log at ``name`` (a file, or a folder a logger writes)."""
    path = Path(name)
    try:
        if path.is_dir():
            head = b""
        else:
            with open(path, "rb") as file:
                head = file.read(HEAD)
    except OSError as error:
        raise InputError(None, f"cannot read {name!r}: {error.strerror or error}") from None
    for key in READERS:
        found = reader(key)
        if found.recognise(path, head):
            return found.open(path, name, tag)
    known = ", ".join(reader(key).source for key in READERS)
    raise InputError(None, f"{name!r} is not a run log lrsched reads ({known})")


def one_series(name: str, tag: str | None, names: list[str], rates: list[str], what: str) -> str:
    """The series to check: ``--tag`` if the log has it, else the log's only rate series; a
    missing tag, or several rates and no tag, is an `InputError` naming what there is."""
    if tag is not None:
        if tag not in names:
            raise InputError(None, f"{name!r} has no series {tag!r} (it has: {', '.join(names)})")
        return tag
    if len(rates) == 1:
        return rates[0]
    if not rates:
        raise InputError(
            None, f"{name!r} has none of {what} (it has: {', '.join(names)}): name one with --tag"
        )
    raise InputError(None, f"{name!r} has several rate series ({', '.join(rates)}): pick one with --tag")
