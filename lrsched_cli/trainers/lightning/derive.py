"""Lightning's step arithmetic: when ``lr_scheduler.step()`` runs, from the Trainer's arguments.

What Lightning 2.6.6 does (pytorch/...):

- each process reads ``ceil(N / W)`` samples (torch's ``DistributedSampler`` pads to a multiple
  of W), so ``ceil(ceil(N / W) / B)`` batches, cut by ``limit_train_batches`` (an int: at most
  that many; a float: ``int(batches * fraction)``; trainer/connectors/data_connector.py 449-474);
- an optimizer update every ``accumulate_grad_batches`` batches, and one on the last batch of
  the epoch (loops/training_epoch_loop.py 447-454), so ``ceil(L / GA)`` updates per epoch;
- ``max_epochs`` unset: 1000 epochs when ``max_steps`` is unset too, else until ``max_steps``
  (loops/utilities.py 71-80); ``estimated_stepping_batches = ceil(L / GA) * max(max_epochs, 1)``,
  capped by ``max_steps`` (trainer/trainer.py 1768-1786);
- after each batch that ends an update, a ``step``-interval scheduler steps when
  ``(batch_idx + 1) % frequency == 0``; ``batch_idx`` counts micro-batches within the epoch, so
  under accumulation ``frequency`` counts micro-batches. An ``epoch``-interval scheduler (the
  default) steps at the end of each epoch when ``(current_epoch + 1) % frequency == 0``
  (training_epoch_loop.py 456-486).

The scheduler is the user's constructor call (``lr_scheduler.scheduler``, as ``lrsched from``
takes it, or LightningCLI's ``class_path`` and ``init_args``); ``estimated_stepping_batches``
in it is the number Lightning computes.
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Iterator
from itertools import chain, count, islice, repeat
from typing import Any

from lrsched_cli.errors import LrschedError
from lrsched_cli.trainers.base import (
    OPTIMIZER,
    ConfigError,
    Derivation,
    Run,
    Steps,
    ceil_div,
    line,
    release,
    repr_call,
)
from lrsched_cli.trainers.config import Settings, unknown_keys
from lrsched_cli.trainers.lightning import TRAINER
from lrsched_cli.trainers.lightning.fields import LR_SCHEDULER_CONFIG, TRAINER_ARGUMENTS

TOP_LEVEL = ("trainer", "optimizer", "lr_scheduler", "model", "data", "seed_everything", "ckpt_path")
"""The sections of a LightningCLI config (``model`` and ``data`` are not read)."""

ESTIMATED = re.compile(r"\b(?:self\.)?(?:trainer\.)?estimated_stepping_batches\b")


def derive(values: dict[str, Any], run: Run) -> Derivation:
    version, _ = release(TRAINER, run.version)
    unknown_keys(values, TOP_LEVEL, "a LightningCLI section")
    config = Settings(values)
    trainer = config.mapping("trainer")
    unknown_keys(trainer, TRAINER_ARGUMENTS, "a Lightning Trainer argument", "trainer.")
    scheduler_section = config.mapping("lr_scheduler")
    unknown_keys(
        scheduler_section,
        (*LR_SCHEDULER_CONFIG, "class_path", "init_args"),
        "an lr_scheduler key",
        "lr_scheduler.",
    )
    config.resolved.clear()  # the sections themselves: their keys are recorded one by one
    lines: list[str] = []
    notes: list[str] = []

    accumulation = config.integer("trainer.accumulate_grad_batches", 1, minimum=1)
    max_steps = config.integer("trainer.max_steps", -1, minimum=-1)
    max_epochs = config.integer("trainer.max_epochs", None, minimum=-1)
    limit = config.number("trainer.limit_train_batches", 1.0, minimum=0)
    world = _world_size(config, run)
    batch = _batch_size(config, run)
    lr = _lr(config)
    interval = config.text("lr_scheduler.interval", "epoch", choices=("step", "epoch"))
    frequency = config.integer("lr_scheduler.frequency", 1, minimum=1)
    if config.boolean("lr_scheduler.reduce_on_plateau", False):
        raise ConfigError(
            "lr_scheduler.reduce_on_plateau", "changes the rate from a metric: use `lrsched plateau`"
        )
    if run.samples is None:
        raise LrschedError(
            "samples", "Lightning sizes each epoch from len(train_dataset): give it with --samples"
        )

    per_process = ceil_div(run.samples, world)
    if world > 1:
        lines.append(line("samples per process", f"ceil({run.samples} / {world})", per_process))
    loaded = ceil_div(per_process, batch)
    batches = _limited(loaded, limit, lines, f"ceil({per_process} / {batch})")
    if batches == 0:
        raise ConfigError("trainer.limit_train_batches", f"leaves no batch of the {loaded} to train on")
    updates_per_epoch = ceil_div(batches, accumulation)
    lines.append(line("updates per epoch", f"ceil({batches} / {accumulation})", updates_per_epoch))

    if max_epochs is None:
        max_epochs = 1000 if max_steps == -1 else -1
        if max_steps == -1:
            notes.append(
                "trainer.max_epochs is not set: Lightning trains 1000 epochs (set max_epochs or max_steps)"
            )
        config.resolved["trainer.max_epochs"] = max_epochs
    if max_epochs == -1 and max_steps == -1:
        raise ConfigError("trainer.max_epochs", "-1 with no max_steps trains forever: set trainer.max_steps")
    if max_epochs == 0 or max_steps == 0:
        raise ConfigError(
            "trainer.max_epochs" if max_epochs == 0 else "trainer.max_steps", "0: nothing to train"
        )
    estimated = _estimated(updates_per_epoch, max_epochs, max_steps, lines)
    total = estimated  # Lightning stops at max_steps, or after max_epochs: the estimate is exact here

    expression, uses_estimate = _scheduler(config, estimated)
    steps = _stepping(updates_per_epoch, batches, accumulation, interval, frequency)
    scheduler_steps = _last(steps(), total) + 1
    lines.append(
        line(
            "scheduler steps by the last update",
            f"interval {interval}, frequency {frequency}",
            scheduler_steps - 1,
        )
    )
    if interval == "epoch" and (uses_estimate or "OneCycleLR" in expression):
        where = "lr_scheduler.interval" + (
            "" if config.given("lr_scheduler.interval") else " (Lightning's default)"
        )
        notes.append(
            f"{where} is epoch: the scheduler steps once per epoch, {scheduler_steps - 1} times in "
            f"{total} updates, but it is sized in optimizer steps: set lr_scheduler.interval: step"
        )
    if interval == "step" and frequency > 1 and accumulation > 1:
        notes.append(
            f"lr_scheduler.frequency: {frequency} counts micro-batches (batch_idx + 1), not updates: with "
            f"accumulate_grad_batches {accumulation} the scheduler steps {scheduler_steps - 1} times in "
            f"{total} updates (Lightning#17544)"
        )

    derived = {
        "samples": run.samples,
        "world_size": world,
        "batch_size": batch,
        "batches_per_epoch": batches,
        "updates_per_epoch": updates_per_epoch,
        "total_updates": total,
        "warmup_updates": None,  # inside the user's scheduler
        "estimated_stepping_batches": estimated,
        "scheduler_steps": scheduler_steps - 1,
    }
    return Derivation(
        version=version,
        config=config.resolved,
        derived=derived,
        lines=lines,
        notes=notes,
        scheduler=expression,
        lr=float(lr),
        updates_per_epoch=updates_per_epoch,
        total_updates=total,
        argument_key=lambda argument: (
            "lr_scheduler.class_path" if config.given("lr_scheduler.class_path") else "lr_scheduler.scheduler"
        ),
        steps=steps,
        scheduler_rows=scheduler_steps,
    )


def _world_size(config: Settings, run: Run) -> int:
    """``devices`` x ``num_nodes`` when the config says how many, else ``--world-size``."""
    devices = config.raw("trainer.devices", "auto")
    nodes: int = config.integer("trainer.num_nodes", 1, minimum=1)
    if isinstance(devices, bool):
        raise ConfigError(
            "trainer.devices", f"expected a number of devices, a list or 'auto', got {devices!r}"
        )
    if isinstance(devices, list):
        count: int | None = len(devices)
    elif isinstance(devices, int):
        count = devices if devices >= 1 else None
    elif isinstance(devices, str) and devices.strip().isdigit():
        count = int(devices)
    elif isinstance(devices, str) and "," in devices:
        count = len([part for part in devices.split(",") if part.strip()])
    elif devices in ("auto", -1, "-1"):
        count = None
    else:
        raise ConfigError(
            "trainer.devices", f"expected a number of devices, a list or 'auto', got {devices!r}"
        )
    if count is None:
        return run.world_size
    world = count * nodes
    if run.world_size not in (1, world):
        raise LrschedError(
            "world_size", f"is {run.world_size}, but trainer.devices x trainer.num_nodes is {world}"
        )
    return world


def _batch_size(config: Settings, run: Run) -> int:
    for key in ("data.batch_size", "data.init_args.batch_size"):
        if config.given(key):
            size: int = config.integer(key, None, minimum=1)
            if run.batch_size is not None and run.batch_size != size:
                raise LrschedError("batch_size", f"is {run.batch_size}, but {key} is {size}")
            return size
    if run.batch_size is None:
        raise LrschedError("batch_size", "Lightning's batches come from your DataLoader: give its batch_size")
    return run.batch_size


def _lr(config: Settings) -> float:
    for key in ("optimizer.lr", "optimizer.init_args.lr"):
        if config.given(key):
            value: float = config.number(key, None, minimum=0)
            return value
    raise ConfigError("optimizer.lr", "the optimizer's learning rate is needed: set optimizer.lr")


def _limited(batches: int, limit: float, lines: list[str], formula: str) -> int:
    """``limit_train_batches``, as ``_parse_num_batches`` applies it."""
    if isinstance(limit, float) and limit > 1:
        if limit != int(limit):
            raise ConfigError(
                "trainer.limit_train_batches", f"a float must be a fraction in [0, 1] or whole, got {limit}"
            )
        limit = int(limit)
    if isinstance(limit, int):
        limited = min(batches, limit)
        shown = f"min({formula}, {limit})"
    else:
        limited = int(batches * limit)
        shown = f"int({formula} x {limit:g})" if limit != 1.0 else formula
    lines.append(line("batches per process per epoch", shown, limited))
    return limited


def _estimated(updates_per_epoch: int, max_epochs: int, max_steps: int, lines: list[str]) -> int:
    if max_epochs == -1:
        lines.append(line("total updates", None, f"max_steps = {max_steps}"))
        return max_steps
    estimated = updates_per_epoch * max(max_epochs, 1)
    formula = f"{updates_per_epoch} x {max_epochs}"
    if max_steps != -1 and max_steps < estimated:
        lines.append(line("total updates", f"min({formula}, max_steps {max_steps})", max_steps))
        return max_steps
    lines.append(line("total updates", formula, estimated))
    return estimated


def _scheduler(config: Settings, estimated: int) -> tuple[str, bool]:
    """The scheduler's constructor call, with ``estimated_stepping_batches`` filled in."""
    if config.given("lr_scheduler.class_path"):
        name = config.text("lr_scheduler.class_path", None)
        arguments = config.mapping("lr_scheduler.init_args")
        call = repr_call(name, [OPTIMIZER], arguments)
    else:
        call = config.text("lr_scheduler.scheduler", None)
        if call is None:
            raise ConfigError(
                "lr_scheduler.scheduler",
                "give the scheduler configure_optimizers returns, as a constructor call: "
                '"CosineAnnealingLR(optimizer, T_max=10)"',
            )
    filled, uses = ESTIMATED.subn(str(estimated), call)
    return filled, uses > 0


def _stepping(updates: int, batches: int, accumulation: int, interval: str, frequency: int) -> Steps:
    """The scheduler's step count at each update. The two common cases are iterators built in C
    (a million updates cost a Python loop each otherwise): every update steps a ``step``-interval
    scheduler of frequency 1, and during epoch e (from 0) an ``epoch``-interval one has stepped
    at the end of each epoch j < e where (j + 1) % frequency == 0, e // frequency times."""
    if interval == "step" and frequency == 1:
        return count
    if interval == "epoch":
        return lambda: chain.from_iterable(repeat(epoch // frequency, updates) for epoch in count())

    def steps() -> Iterator[int]:
        t = 0
        while True:
            for update in range(updates):
                yield t
                ends_on = min((update + 1) * accumulation, batches)  # batch_idx + 1 of the update
                if ends_on % frequency == 0:
                    t += 1

    return steps


def _last(steps: Iterator[int], total: int) -> int:
    """The scheduler's step count at the last update."""
    last = deque(islice(steps, total), maxlen=1)  # in C: no Python loop over the updates
    return last[0] if last else 0
