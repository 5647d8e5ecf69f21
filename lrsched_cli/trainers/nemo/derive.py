"""NeMo's schedule, from an experiment config (NVIDIA/NeMo ``8cfedd72``).

What a NeMo model does with ``model.optim.sched`` when Lightning fits it:

- ``ModelPT.setup_optimization`` (core/classes/modelPT.py 694-714): when ``trainer.max_steps`` is
  negative (Lightning's default, -1), it hands ``prepare_lr_scheduler`` the trainer's
  ``max_epochs``, ``accumulate_grad_batches``, ``limit_train_batches`` and ``devices x num_nodes``
  processes; otherwise it sets ``sched.max_steps = trainer.max_steps``;
- ``prepare_lr_scheduler`` (core/optim/lr_scheduler.py 759-1016): a ``sched.max_steps`` that is set
  wins (-1 builds no scheduler); else ``compute_max_steps`` (1019-1040):
  ``ceil(ceil(ceil(N / W) / B, or floor with drop_last) [limited] / accumulation) x max_epochs``;
  the scheduler is ``AVAILABLE_SCHEDULERS[name](optimizer, **the other sched keys, max_steps=...)``,
  stepped by Lightning once per optimizer update (``interval: step``);
- Lightning runs ``ceil(L / accumulation)`` updates an epoch (L: the process's batches, after
  ``limit_train_batches``; an int counts batches, a float is a fraction), for ``max_epochs``
  (1000 when neither it nor ``max_steps`` is set), stopping at ``max_steps`` if that comes first.
  Update k applies the rate at t = k - 1.
"""

from __future__ import annotations

import math
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
from lrsched_cli.trainers.config import Settings, hint
from lrsched_cli.trainers.nemo import TRAINER

NEMO = (
    "WarmupPolicy",
    "WarmupHoldPolicy",
    "SquareAnnealing",
    "CosineAnnealing",
    "NoamAnnealing",
    "NoamHoldAnnealing",
    "WarmupHoldAnnealOneMinusSquareRoot",
    "WarmupHoldAnnealLinear",
    "WarmupAnnealing",
    "InverseSquareRootAnnealing",
    "T5InverseSquareRootAnnealing",
    "SquareRootAnnealing",
    "PolynomialDecayAnnealing",
    "PolynomialHoldDecayAnnealing",
)
"""NeMo's own entries of ``AVAILABLE_SCHEDULERS`` (1043-1062)."""

PYTORCH = ("StepLR", "ExponentialLR", "ReduceLROnPlateau", "CyclicLR")
"""The entries that are PyTorch's classes, not followed here."""

NOT_PASSED = (
    "name",
    "max_steps",
    "monitor",
    "reduce_on_plateau",
    "t_max_epochs",
    "t_accumulate_grad_batches",
    "t_limit_train_batches",
    "t_num_workers",
)
"""The ``sched`` keys ``prepare_lr_scheduler`` does not pass to the scheduler."""

SECTIONS = (
    "name",
    "trainer",
    "model",
    "exp_manager",
    "hydra",
    "init_from_nemo_model",
    "init_from_pretrained_model",
)
"""The top-level keys of a NeMo experiment config; ``trainer`` and ``model`` are read."""


def derive(values: dict[str, Any], run: Run) -> Derivation:
    version, _ = release(TRAINER, run.version)
    no_batch_size(run, "model.train_ds.batch_size")
    for key in values:
        if key not in SECTIONS:
            raise ConfigError(key, f"not a section of a NeMo experiment config{hint(key, SECTIONS)}")
    config = Settings(values)
    lines: list[str] = []
    notes: list[str] = []

    world = _world(config, run)
    accumulation = config.integer("trainer.accumulate_grad_batches", 1, minimum=1)
    limit = _limit(config)
    max_steps = config.integer("trainer.max_steps", -1, minimum=-1)
    epochs = config.integer("trainer.max_epochs", None, minimum=-1)
    if epochs is None:
        epochs = 1000 if max_steps == -1 else -1
        if max_steps == -1:
            notes.append(
                "trainer.max_epochs: neither it nor trainer.max_steps is set, so Lightning trains 1000 "
                "epochs (and NeMo sizes the schedule for them)"
            )
    batch = config.integer("model.train_ds.batch_size", None, minimum=1)
    if batch is None:
        raise ConfigError("model.train_ds.batch_size", "the dataloader's batch size is needed")
    drop_last = config.boolean("model.train_ds.drop_last", False)
    lr = config.number("model.optim.lr", None, minimum=0)
    if lr is None:
        raise ConfigError("model.optim.lr", "the optimizer's learning rate is needed: set model.optim.lr")
    name, arguments = _sched(config)
    if run.samples is None:
        raise LrschedError(
            "samples", "NeMo sizes the schedule from len(train_dataset): give it with --samples"
        )

    # Lightning's count of the process's batches, as NeMo's compute_max_steps repeats it
    per_process = ceil_div(run.samples, world)
    if world > 1:
        lines.append(line("samples per process", f"ceil({run.samples} / {world})", per_process))
    rounding = "floor" if drop_last else "ceil"
    batches = per_process // batch if drop_last else ceil_div(per_process, batch)
    lines.append(line("batches per process per epoch", f"{rounding}({per_process} / {batch})", batches))
    if isinstance(limit, int):
        if limit < batches:
            lines.append(
                line("batches used per epoch", f"min({batches}, limit_train_batches {limit})", limit)
            )
            if limit == 1:
                notes.append(
                    "trainer.limit_train_batches: 1 is an int, so one batch per epoch; write 1.0 for all "
                    "of them"
                )
            batches = limit
    elif limit != 1.0:
        used = int(batches * limit)
        lines.append(line("batches used per epoch", f"int({batches} x {limit:g})", used))
        batches = used
    if batches == 0:
        raise ConfigError("trainer.limit_train_batches", f"{limit!r} leaves no batch per epoch")
    per_epoch = ceil_div(batches, accumulation)
    lines.append(line("updates per epoch", f"ceil({batches} / {accumulation})", per_epoch))
    if batches % accumulation:
        notes.append(
            f"trainer.accumulate_grad_batches: the last update of each epoch takes "
            f"{batches % accumulation} of {accumulation} batches (Lightning still steps)"
        )
    by_epochs = per_epoch * epochs if epochs >= 0 else None

    sched_steps = config.raw("model.optim.sched.max_steps", None)
    if max_steps >= 0:
        schedule_steps = max_steps
        lines.append(line("scheduler max_steps", "trainer.max_steps", max_steps))
        if sched_steps is not None and sched_steps != max_steps:
            notes.append(
                f"model.optim.sched.max_steps: {sched_steps!r} is replaced by trainer.max_steps {max_steps} "
                "(ModelPT.setup_optimization)"
            )
    elif sched_steps is not None:
        schedule_steps = config.integer("model.optim.sched.max_steps", None, minimum=-1)
        if schedule_steps == -1:
            raise ConfigError(
                "model.optim.sched.max_steps",
                "-1: NeMo builds no scheduler (it only logs a warning) and trains at the constant "
                "model.optim.lr",
            )
        lines.append(line("scheduler max_steps", "model.optim.sched.max_steps", schedule_steps))
    else:
        assert by_epochs is not None
        schedule_steps = by_epochs
        lines.append(
            line("scheduler max_steps (compute_max_steps)", f"{per_epoch} x {epochs}", schedule_steps)
        )
    if max_steps >= 0:
        total = max_steps if by_epochs is None else min(max_steps, by_epochs)
    else:
        assert by_epochs is not None
        total = by_epochs
    formula = (
        f"min(trainer.max_steps {max_steps}, {per_epoch} x {epochs})"
        if max_steps >= 0 and by_epochs
        else None
    )
    lines.append(
        line("total updates", formula or (f"{per_epoch} x {epochs}" if max_steps < 0 else None), total)
    )
    if total < schedule_steps:
        notes.append(
            f"trainer.max_epochs: training ends after {total} updates, before the schedule's max_steps "
            f"{schedule_steps}: it never reaches its end"
        )
    elif total > schedule_steps:
        notes.append(
            f"model.optim.sched.max_steps: the schedule ends at step {schedule_steps}, the run does "
            f"{total} updates: the last ones run at min_lr"
        )
    if total == 0:
        raise ConfigError("trainer.max_steps", "0 updates of training")

    call = repr_call(name, [OPTIMIZER], {**arguments, "max_steps": schedule_steps})
    warmup = arguments.get("warmup_steps")
    if warmup is None and isinstance(arguments.get("warmup_ratio"), (int, float)):
        warmup = int(arguments["warmup_ratio"] * schedule_steps)
    derived = {
        "samples": run.samples,
        "world_size": world,
        "batches_per_epoch": batches,
        "updates_per_epoch": per_epoch,
        "total_updates": total,
        "max_steps": schedule_steps,
        "warmup_updates": warmup,
    }
    return Derivation(
        version=version,
        config=config.resolved,
        derived=derived,
        lines=lines,
        notes=notes,
        scheduler=call,
        lr=float(lr),
        updates_per_epoch=per_epoch,
        total_updates=total,
        frameworks=("nemo",),
        argument_key=lambda argument: (
            "model.optim.sched" if argument is None else f"model.optim.sched.{argument}"
        ),
    )


def _world(config: Settings, run: Run) -> int:
    """``devices x num_nodes``, which must agree with ``--world-size`` when both are given."""
    devices = config.raw("trainer.devices", None)
    nodes = config.integer("trainer.num_nodes", 1, minimum=1)
    if isinstance(devices, list):
        count = len(devices)
    elif isinstance(devices, int) and not isinstance(devices, bool) and devices >= 1:
        count = devices
    elif devices is None or devices in (-1, "auto", "-1"):
        return run.world_size
    else:
        raise ConfigError(
            "trainer.devices", f"expected a number of devices or a list of them, got {devices!r}"
        )
    world: int = count * nodes
    if run.world_size not in (1, world):
        raise LrschedError(
            "world_size",
            f"is {run.world_size}, but the config's trainer.devices x trainer.num_nodes is {world}: give one",
        )
    return world


def _limit(config: Settings) -> int | float:
    value = config.raw("trainer.limit_train_batches", 1.0)
    if value is None:
        return 1.0
    if (
        isinstance(value, bool)
        or not isinstance(value, (int, float))
        or value < 0
        or not math.isfinite(value)
    ):
        raise ConfigError(
            "trainer.limit_train_batches", f"expected a fraction or a number of batches, got {value!r}"
        )
    if isinstance(value, float) and value > 1:
        raise ConfigError(
            "trainer.limit_train_batches", f"a float is a fraction of the batches (at most 1.0), got {value}"
        )
    return value


def _sched(config: Settings) -> tuple[str, dict[str, Any]]:
    section = config.mapping("model.optim.sched")
    if not section:
        raise ConfigError("model.optim.sched", "no scheduler: NeMo trains at the constant model.optim.lr")
    if "args" in section or "_target_" in section:
        key = "args" if "args" in section else "_target_"
        raise ConfigError(
            f"model.optim.sched.{key}",
            "the nested args / _target_ forms are not followed: give the scheduler's arguments in "
            "sched itself",
        )
    name = config.text("model.optim.sched.name", None)
    if name in PYTORCH:
        raise ConfigError(
            "model.optim.sched.name",
            f"{name} is PyTorch's class in NeMo's registry; lrsched trainer nemo follows NeMo's own: "
            f"{', '.join(NEMO)}",
        )
    if name not in NEMO:
        raise ConfigError(
            "model.optim.sched.name",
            f"{name!r} is not one of NeMo's schedulers{hint(str(name), NEMO)}: {', '.join(NEMO)}",
        )
    if section.get("reduce_on_plateau"):
        raise ConfigError(
            "model.optim.sched.reduce_on_plateau", "a plateau schedule follows a metric: use lrsched plateau"
        )
    arguments = {key: _number(value) for key, value in section.items() if key not in NOT_PASSED}
    for key, value in arguments.items():
        config.resolved[f"model.optim.sched.{key}"] = value
    return name, arguments


def _number(value: object) -> object:
    """A string YAML 1.1 leaves unread (``1e-6``) as the float OmegaConf, which NeMo reads its
    configs with, resolves it to."""
    if isinstance(value, str):
        try:
            number = float(value)
        except ValueError:
            return value
        return number if math.isfinite(number) else value
    return value
