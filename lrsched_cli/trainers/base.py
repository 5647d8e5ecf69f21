"""What lrsched knows of a trainer, and what deriving a run from its config gives.

Each trainer folder (``hf/``, ``lightning/``, ...) declares its `Trainer` record in its
``__init__``; `lrsched_cli.trainers.TRAINERS` lists them. The folder's ``derive`` module turns
a config and the run's facts (`Run`) into a `Derivation`: the step counts, one line per quantity
showing its formula, the trap notes, and the framework constructor call the trainer will make
with those numbers, which ``lrsched from`` already reproduces. Loading a record loads no
``derive`` module.

Pure: standard library only, no I/O. The values are `Record`s, defined in microseconds at every
start (a NamedTuple takes about 0.1 ms).
"""

import math
from collections.abc import Callable, Iterator, Mapping
from types import MappingProxyType
from typing import Any

from lrsched_cli.errors import LrschedError
from lrsched_cli.records import Record


class Trainer(Record):
    """One trainer's facts."""

    key: str
    """How the user names it (``lrsched trainer hf``) and the JSON ``trainer`` value."""
    name: str
    """How messages name it: ``transformers Trainer``."""
    config: str
    """What its CONFIG file is, for the help."""
    versions: Mapping[str, str]
    """The releases whose arithmetic differs, oldest first, each with what it does; the last is
    the newest known, and the default."""
    reader: bool = False
    """Whether CONFIG is in the trainer's own format (MMEngine's Python file, Megatron's and
    fairseq's launch arguments), not JSON or YAML: its text is read as data by its folder's
    ``reader`` module, ``read(path, text)``, never executed."""
    loop: bool = False
    """Whether the run's length is ``--epochs`` (the user's own loop over the data: DeepSpeed's
    config has none); other trainers refuse ``--epochs``."""

    logs_next_before: str | None = None
    """Releases before this one log, at each update, the rate after the scheduler stepped (the
    next update's): ``--check-run`` of its logs reads step k as row k + 1 under them."""
    keys: Mapping[str, str] = MappingProxyType({})
    """The config keys that set ``accumulation``, ``batch_size`` and ``max_steps``, where it has
    them: what ``--check-run``'s diagnosis names when another value fits the run's log."""

    @property
    def newest(self) -> str:
        return list(self.versions)[-1]


class Run(Record):
    """What the config does not say: the data, the processes, and which release runs it."""

    samples: int | None
    """``len(train_dataset)``."""
    world_size: int
    """Data-parallel processes."""
    batch_size: int | None
    """The dataloader's batch size, where the config has none (Lightning)."""
    version: str | None
    """The release whose arithmetic to follow (None: the newest known)."""
    epochs: int | None = None
    """``--epochs``: the passes of the user's loop over the data (`Trainer.loop`)."""


Steps = Callable[[], Iterator[int]]
"""The scheduler's step count ``t`` at each optimizer update, update 1 first: its rate is the
framework scheduler's rate at ``t`` (``lrsched from``'s row t + 1)."""


class Derivation(Record):
    """A run's schedule, derived from a trainer's config: what the trainer computes, and why."""

    version: str
    config: dict[str, Any]
    """Every key the derivation read, defaults included: the JSON ``config``."""
    derived: dict[str, Any]
    """The quantities, by name (``samples``, ``batches_per_epoch``, ``total_updates``, ...)."""
    lines: list[str]
    """The derivation, one quantity a line: ``updates per epoch = ceil(42 / 4) = 11``."""
    notes: list[str]
    """The traps that apply, each naming the key to change."""
    scheduler: str
    """The constructor call the trainer makes, in ``lrsched from``'s syntax."""
    lr: float
    """The optimizer's learning rate."""
    updates_per_epoch: int
    total_updates: int
    argument_key: Callable[[str | None], str | None]
    """The config key a scheduler argument in ``scheduler`` comes from (for its errors)."""
    steps: Steps | None = None
    """None when the scheduler steps once per update (t = update - 1)."""
    frameworks: tuple[str, ...] | None = None
    """The frameworks ``scheduler`` may be in (None: any); only their modules are loaded."""
    moot: tuple[str, ...] = ()
    """The beginnings of framework notes that do not apply to the trainer's rows."""
    run: tuple[int, int, int | None] | None = None
    """For a scheduler that reads the run's length (Composer's): epochs, batches per epoch, and
    the run's batches when its length is given in batches (`Reproduction.run`)."""
    scheduler_rows: int | None = None
    """How many of the scheduler's rates the run uses (its step count at the last update, plus
    one); None: ``total_updates``."""


class ConfigError(LrschedError):
    """A config key (dotted for nesting) with a value the trainer would refuse, or lrsched cannot
    follow; the command line puts it on the option the value came from."""

    def __init__(self, key: str | None, message: str) -> None:
        super().__init__("config", f"{key}: {message}" if key else message)
        self.key = key


def line(quantity: str, formula: str | None, value: object) -> str:
    """One derivation line: ``quantity = formula = value`` (just ``quantity = value`` when the
    value was given, not computed)."""
    shown = _number(value)
    if formula is None or formula == shown:
        return f"{quantity} = {shown}"
    return f"{quantity} = {formula} = {shown}"


def _number(value: object) -> str:
    if isinstance(value, float):
        return f"{value:g}" if value == int(value) or abs(value) >= 1e-4 else repr(value)
    return str(value)


def ceil_div(a: int, b: int) -> int:
    """``ceil(a / b)`` for integers, exactly (no float division)."""
    return -(-a // b)


def repr_call(name: str, positional: list[object], keywords: Mapping[str, object]) -> str:
    """A constructor call as ``lrsched from`` reads it: every value a Python literal."""
    parts = [_literal(value) for value in positional]
    parts += [f"{key}={_literal(value)}" for key, value in keywords.items()]
    return f"{name}({', '.join(parts)})"


class Optimizer:
    """The bare name ``optimizer`` in a call."""

    def __repr__(self) -> str:
        return "optimizer"


OPTIMIZER = Optimizer()


def _literal(value: object) -> str:
    if isinstance(value, float) and not math.isfinite(value):
        raise LrschedError("config", f"expected a finite number, got {value}")
    if isinstance(value, dict):
        return "{" + ", ".join(f"{_literal(k)}: {_literal(v)}" for k, v in value.items()) + "}"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_literal(item) for item in value) + "]"
    return repr(value)


def no_batch_size(run: Run, key: str) -> None:
    """Refuse ``--batch-size`` for a trainer whose config holds the batch size (as ``key``)."""
    if run.batch_size is not None:
        raise LrschedError(
            "batch_size",
            f"is for a config without a batch size; this one's is {key}: --set {key}={run.batch_size}",
        )


def release(trainer: Trainer, version: str | None) -> tuple[str, tuple[int, ...]]:
    """The release to follow (``--version``; the newest known when None), as given and as numbers."""
    text = trainer.newest if version is None else version.strip().removeprefix("v")
    parts = text.split(".")
    if not 1 <= len(parts) <= 3 or not all(part.isdigit() for part in parts):
        raise LrschedError("version", f"expected a release like {trainer.newest}, got {version!r}")
    return text, tuple(int(part) for part in parts)
