"""The run ``lrsched trainer`` shows: its config read, the scheduler the trainer builds, and the
rate of each optimizer update, every row checked before any is written.

Annotations are evaluated as the module loads (no postponed evaluation), as in `trainer`.
"""

import codecs
import importlib
import math
import sys
from collections.abc import Iterator, Sequence
from itertools import islice
from typing import TYPE_CHECKING, Any

from lrsched_cli.errors import DialectError, LrschedError, RateError
from lrsched_cli.frameworks.dispatch import Reproduction, reproduce
from lrsched_cli.output.series import CHUNK, HELD_ROWS
from lrsched_cli.trainers import TRAINERS, Derivation
from lrsched_cli.trainers.base import ConfigError
from lrsched_cli.trainers.config import parse

if TYPE_CHECKING:
    from array import array


def length_notes(reproduction: Reproduction, derivation: Derivation, used: int) -> list[str]:
    """Where a scheduler the user sized (``frameworks`` None) ends before training does, or after.

    ``used`` is the scheduler's step count at the last update, plus one; a schedule of natural
    length L ends at step L - 1 (a cosine reaches its floor at t = T_max). One step short is how
    every trainer sizes it (the step after the last update is never applied), so it is not noted.
    """
    if derivation.frameworks is not None or reproduction.length is None:
        return []
    last, end = used - 1, reproduction.length - 1
    key = derivation.argument_key(None)
    if last > end:
        return [
            f"the schedule ends at step {end} but the run steps it {last} times: the last "
            f"{last - end} updates run past its end ({key})"
        ]
    if last < end - 1:
        return [
            f"the run ends at scheduler step {last} of the {end} the schedule is sized for: it never "
            f"reaches its end ({key})"
        ]
    return []


def read(path: str | None, name: str) -> dict[str, Any]:
    """The config file's mapping ('-': stdin; none: an empty config): JSON or YAML, or a trainer's
    own format as its folder's ``reader`` reads it."""
    if path is None:
        return {}
    try:
        if path == "-":
            data = sys.stdin.buffer.read() if hasattr(sys.stdin, "buffer") else sys.stdin.read().encode()
            source = "<stdin>"
        else:
            with open(path, "rb") as file:
                data = file.read()
            source = path
    except OSError as error:
        raise LrschedError("config", f"cannot read {path}: {error.strerror or error}") from None
    try:
        text = data.removeprefix(codecs.BOM_UTF8).decode("utf-8")  # "utf-8-sig", without its codec
    except UnicodeDecodeError:
        raise LrschedError("config", f"{source}: not UTF-8 text (a binary file?)") from None
    if TRAINERS[name].reader:
        values: dict[str, Any] = importlib.import_module(f"lrsched_cli.trainers.{name}.reader").read(
            path, text
        )
        return values
    return parse(text, source)


def scheduler_of(derivation: Derivation) -> Reproduction:
    """The framework scheduler the trainer builds: an error in it is one on the config key its
    argument came from."""
    try:
        reproduction = reproduce(derivation.scheduler, lr=derivation.lr, frameworks=derivation.frameworks)
        if reproduction.run is not None and derivation.run is not None:  # Composer: the run's batches
            rates, found = reproduction.run(*derivation.run)
            notes = reproduction.notes
            reproduction = reproduction._replace(
                rates=rates, notes=lambda rows: [*notes(rows), *found], run=None
            )
        return reproduction
    except DialectError as error:
        key = derivation.argument_key(error.argument)
        message = error.message
        if error.argument and derivation.frameworks is not None:  # lrsched wrote the call: the
            message = message.removeprefix(f"{error.argument}: ")  # key names what was at fault
        raise ConfigError(key, f"{message} (the trainer calls {derivation.scheduler})") from None


def rates_of(reproduction: Reproduction, derivation: Derivation) -> Any:
    """The rate of each optimizer update, update 1 first: the scheduler's rate at the step count
    ``t`` it has reached by then."""
    total = derivation.total_updates
    lr = derivation.lr if reproduction.needs_lr else None

    def once_per_update() -> Iterator[float]:
        return islice(reproduction.rates(lr), total)

    def following() -> Iterator[float]:
        assert derivation.steps is not None
        rates = reproduction.rates(lr)
        t, current = -1, math.nan
        for update, wanted in enumerate(islice(derivation.steps(), total), start=1):
            while t < wanted:
                rate = next(rates, None)
                if rate is None:
                    raise ConfigError(
                        derivation.argument_key(None),
                        f"{derivation.scheduler} stops at step {t + 1} (the framework raises there), "
                        f"before update {update} of {total}",
                    )
                t, current = t + 1, rate
            yield current

    return once_per_update if derivation.steps is None else following


def dry_run(rates: Iterator[float], derivation: Derivation) -> "Sequence[float] | None":
    """Compute every row once before writing any: a rate that overflows, or a scheduler that
    ends before training does, is a usage error with stdout still empty.

    Returns the rates when there are at most `HELD_ROWS` (as `from` holds them), so that they
    are computed once; else None, and they are computed again as they are written. A run of one
    chunk keeps its list; a longer one holds its rates as doubles (`doubles`).
    """
    held: list[float] | array[float] | None = []
    rows = 0
    try:
        while chunk := list(islice(rates, CHUNK)):  # a chunk at a time: checked at C speed
            if not all(map(math.isfinite, chunk)):
                bad = next(i for i, rate in enumerate(chunk) if not math.isfinite(rate))
                raise ConfigError(
                    derivation.argument_key(None), RateError(rows + bad + 1, chunk[bad]).message
                )
            rows += len(chunk)
            if isinstance(held, list) and rows > CHUNK:
                held = doubles(held)
            if held is not None:
                held.extend(chunk)
                if len(held) > HELD_ROWS:
                    held = None
    except DialectError as error:  # the scheduler fails part-way: on the key its argument came from
        message = error.message.removeprefix(f"{error.argument}: ") if error.argument else error.message
        raise ConfigError(derivation.argument_key(error.argument), message) from None
    if rows < derivation.total_updates:
        raise ConfigError(
            derivation.argument_key(None),
            f"{derivation.scheduler} stops at step {rows} (the framework raises there), before "
            f"the {derivation.total_updates} updates of training",
        )
    return held


def doubles(rates: list[float]) -> "array[float]":
    """The rates as doubles, 8 bytes each; `array` is loaded only for a run longer than a chunk."""
    from array import array

    return array("d", rates)
