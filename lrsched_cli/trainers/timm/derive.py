"""timm train.py's step arithmetic, from the ``args.yaml`` it writes.

What train.py (huggingface/pytorch-image-models aa4b5850) and timm 1.0.31's
``create_scheduler_v2`` (timm/scheduler/scheduler_factory.py) do:

- the training loader drops the last partial batch (``create_loader(..., is_training=True)``:
  ``drop_last=is_training``, timm/data/loader.py 452), after torch's ``DistributedSampler`` has
  padded each process to ``ceil(N / W)`` samples: ``L = floor(ceil(N / W) / batch_size)``;
- ``updates_per_epoch = (L + grad_accum_steps - 1) // grad_accum_steps`` (train.py 1079);
- ``lr`` unset: ``lr = lr_base * global_batch / lr_base_size`` (``sqrt`` of the ratio for
  ``lr_base_scale: sqrt``, or when empty and ``opt`` names an ada* or lamb optimizer), with
  ``global_batch = batch_size * world_size * grad_accum_steps`` (train.py 837-845);
- ``create_scheduler_v2``: ``t_initial = epochs``, ``warmup_t = warmup_epochs``, ``decay_t =
  decay_epochs``, milestones and ``cooldown_epochs`` in epochs, all times ``updates_per_epoch``
  with ``sched_on_updates``; the epochs train.py runs are the scheduler's cycle length plus
  cooldown (cosine, tanh, poly; ``// updates_per_epoch`` on updates), else ``epochs`` (plus
  ``warmup_epochs`` with ``warmup_prefix``);
- train.py trains epoch 0 at the rate the constructor sets, calls ``step_update(num_updates)``
  after each update and ``step(epoch + 1)`` after each epoch (train.py 1143, 1201, 1439): the
  rate of an update is the scheduler's at its epoch, or at the updates done before it.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import Any

from lrsched_cli.errors import LrschedError
from lrsched_cli.trainers.base import (
    OPTIMIZER,
    ConfigError,
    Derivation,
    Run,
    ceil_div,
    line,
    no_batch_size,
    release,
    repr_call,
)
from lrsched_cli.trainers.config import Settings, unknown_keys
from lrsched_cli.trainers.timm import TRAINER
from lrsched_cli.trainers.timm.fields import ARGUMENTS

SCHEDULERS = {
    "cosine": "CosineLRScheduler",
    "tanh": "TanhLRScheduler",
    "poly": "PolyLRScheduler",
    "step": "StepLRScheduler",
    "constant": "StepLRScheduler",
    "multistep": "MultiStepLRScheduler",
}
"""``sched`` -> the timm scheduler ``create_scheduler_v2`` builds (the cycle-based ones first)."""

CYCLED = ("cosine", "tanh", "poly")

NOT_FOLLOWED = {
    "aug_repeats": 0,
    "epoch_repeats": 0,
    "train_batch_sizes": None,
    "train_batches_per_epoch": None,
    "start_epoch": None,
}
"""Arguments that change the loader's length or where training starts, refused unless at these
values: lrsched does not follow them."""


def derive(values: dict[str, Any], run: Run) -> Derivation:
    version, _ = release(TRAINER, run.version)
    unknown_keys(values, ARGUMENTS, "an argument of timm's train.py")
    no_batch_size(run, "batch_size")
    config = Settings(values)
    lines: list[str] = []
    notes: list[str] = []
    for key, usual in NOT_FOLLOWED.items():
        if config.raw(key, usual) not in (usual, None, 0, 0.0, [], False):
            raise ConfigError(key, f"lrsched does not follow {key} (it changes the epochs): leave it unset")
    sched = config.text(
        "sched",
        "cosine",
        choices=(
            "cosine",
            "tanh",
            "step",
            "multistep",
            "poly",
            "constant",
            "wsd",
            "rsqrt",
            "plateau",
            "none",
        ),
    )
    if sched not in SCHEDULERS:
        raise ConfigError(
            "sched", f"lrsched does not reproduce timm's {sched!r} schedule; it does {', '.join(SCHEDULERS)}"
        )
    if config.raw("lr_noise", None) is not None:
        raise ConfigError(
            "lr_noise", "timm draws the noise from torch's generator, which lrsched does not reproduce"
        )

    batch = config.integer("batch_size", 128, minimum=1)
    accumulation = max(1, config.integer("grad_accum_steps", 1))
    epochs = config.integer("epochs", 300, minimum=1)
    on_updates = config.boolean("sched_on_updates", False)
    world = run.world_size
    if run.samples is None:
        raise LrschedError(
            "samples", "train.py's loader length comes from the dataset: give len(dataset) with --samples"
        )

    per_process = ceil_div(run.samples, world)
    if world > 1:
        lines.append(line("samples per process", f"ceil({run.samples} / {world})", per_process))
    batches = per_process // batch
    lines.append(line("batches per process per epoch", f"floor({per_process} / {batch})", batches))
    if batches == 0:
        raise ConfigError("batch_size", f"{per_process} samples per process make no full batch of {batch}")
    if per_process % batch:
        notes.append(
            f"train.py's loader drops the last partial batch: {per_process % batch} of each process's "
            f"{per_process} samples are not used each epoch (batch_size)"
        )
    updates = ceil_div(batches, accumulation)
    lines.append(line("updates per epoch", f"ceil({batches} / {accumulation})", updates))

    lr = _lr(config, batch, world, accumulation, lines, notes)
    scheduler, run_epochs = _scheduler(config, sched, epochs, updates, on_updates, lines)
    if run_epochs <= 0:
        raise ConfigError("epochs", f"train.py would run {run_epochs} epochs: nothing to train")
    if run_epochs != epochs:
        notes.append(
            f"train.py runs {run_epochs} epochs, not epochs: {epochs} (the scheduler's length, see above)"
        )
    total = run_epochs * updates
    lines.append(line("total updates", f"{run_epochs} x {updates}", total))
    warmup = config.resolved["warmup_epochs"] * (1 if on_updates else updates)

    derived = {
        "samples": run.samples,
        "world_size": world,
        "batches_per_epoch": batches,
        "updates_per_epoch": updates,
        "total_updates": total,
        "warmup_updates": warmup,
        "epochs": run_epochs,
        "lr": lr,
    }
    return Derivation(
        version=version,
        config=config.resolved,
        derived=derived,
        lines=lines,
        notes=notes,
        scheduler=scheduler,
        lr=lr,
        updates_per_epoch=updates,
        total_updates=total,
        frameworks=("timm",),
        argument_key=lambda argument: "sched",
        steps=None if on_updates else _per_epoch(updates),
        moot=("timm rows:",),  # `from`'s rows are scheduler steps; these are updates
        scheduler_rows=total if on_updates else run_epochs,
    )


def _lr(
    config: Settings, batch: int, world: int, accumulation: int, lines: list[str], notes: list[str]
) -> float:
    lr = config.number("lr", None, minimum=0)
    if lr:  # train.py: `if not args.lr:` also derives it for lr: 0
        return float(lr)
    base = config.number("lr_base", 0.1, minimum=0)
    size = config.number("lr_base_size", 256, minimum=1)
    scale = config.text("lr_base_scale", "")
    optimizer = config.text("opt", "sgd")
    if not scale:
        scale = "sqrt" if any(name in optimizer.lower() for name in ("ada", "lamb")) else "linear"
    global_batch = batch * world * accumulation
    ratio = global_batch / size
    if scale == "sqrt":
        ratio = ratio**0.5
        formula = f"{base:g} x sqrt({global_batch} / {size:g})"
    else:
        formula = f"{base:g} x {global_batch} / {size:g}"
    derived = base * ratio
    lines.append(line("lr", formula, derived))
    notes.append(
        f"lr is not set: train.py derives it from lr_base and the global batch "
        f"({batch} x {world} processes x {accumulation} accumulation = {global_batch}), {scale} scaling: "
        f"set lr to fix the rate"
    )
    return float(derived)


def _scheduler(
    config: Settings, sched: str, epochs: int, updates: int, on_updates: bool, lines: list[str]
) -> tuple[str, int]:
    """``create_scheduler_v2``'s constructor call, and the epochs train.py runs with it."""
    unit = updates if on_updates else 1
    warmup_epochs = config.integer("warmup_epochs", 5, minimum=0)
    warmup_prefix = config.boolean("warmup_prefix", False)
    cooldown = config.integer("cooldown_epochs", 0, minimum=0)
    decay_rate = config.number("decay_rate", 0.1)
    warmup = {
        "warmup_lr_init": config.number("warmup_lr", 1e-5, minimum=0),
        "warmup_t": warmup_epochs * unit,
        "warmup_prefix": warmup_prefix,
    }
    if sched in CYCLED:
        t_initial = epochs * unit
        cycles = {
            "cycle_mul": config.number("lr_cycle_mul", 1.0),
            "cycle_decay": config.number("lr_cycle_decay", 0.5),
            "cycle_limit": config.integer("lr_cycle_limit", 1),
        }
        arguments: dict[str, Any] = {"t_initial": t_initial, "lr_min": config.number("min_lr", 0, minimum=0)}
        if sched == "poly":
            arguments = {"power": decay_rate, **arguments}
        arguments.update(t_in_epochs=not on_updates, **cycles, **warmup)
        if sched != "tanh":
            arguments["k_decay"] = config.number("lr_k_decay", 1.0)
        length = _cycle_length(t_initial, cycles, warmup["warmup_t"], warmup_prefix)
        cooldown_t = cooldown * unit
        run_epochs = (length + cooldown_t) // unit
        formula = f"({length} + {cooldown_t}) // {unit}" if on_updates else f"{length} + {cooldown}"
        lines.append(line("epochs run (cycle length + cooldown)", formula, run_epochs))
    else:
        if sched == "multistep":
            milestones = config.raw("decay_milestones", [90, 180, 270])
            if not isinstance(milestones, list) or not all(
                isinstance(m, int) and not isinstance(m, bool) for m in milestones
            ):
                raise ConfigError("decay_milestones", f"expected a list of integers, got {milestones!r}")
            arguments = {"decay_t": [m * unit for m in milestones], "decay_rate": decay_rate}
        elif sched == "step":
            arguments = {"decay_t": config.number("decay_epochs", 90) * unit, "decay_rate": decay_rate}
        else:  # constant: a step schedule that never decays
            arguments = {"decay_t": 1, "decay_rate": 1.0}
        arguments.update(t_in_epochs=not on_updates, **warmup)
        run_epochs = epochs + (warmup_epochs if warmup_prefix else 0)
        if warmup_prefix:
            lines.append(line("epochs run", f"{epochs} + warmup {warmup_epochs}", run_epochs))
    call = repr_call(f"timm.scheduler.{SCHEDULERS[sched]}", [OPTIMIZER], arguments)
    return call, run_epochs


def _cycle_length(t_initial: int, cycles: dict[str, Any], warmup_t: int, warmup_prefix: bool) -> int:
    """The scheduler's ``get_cycle_length()`` (timm/scheduler/cosine_lr.py)."""
    limit = max(1, cycles["cycle_limit"])
    mul = cycles["cycle_mul"]
    if mul == 1.0:
        t = t_initial * limit
    else:
        try:
            t = math.floor(-t_initial * (mul**limit - 1) / (1 - mul))
        except OverflowError:
            raise ConfigError("lr_cycle_limit", f"{limit} cycles growing by {mul:g} overflow") from None
    return int(t + warmup_t if warmup_prefix else t)


def _per_epoch(updates: int) -> Any:
    def steps() -> Iterator[int]:
        epoch = 0
        while True:
            for _ in range(updates):
                yield epoch
            epoch += 1

    return steps
