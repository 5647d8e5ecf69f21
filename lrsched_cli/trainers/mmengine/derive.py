"""MMEngine's Runner arithmetic, from its Python config (mmengine 0.10.7).

- ``len(train_dataloader)``: ``DefaultSampler`` (``round_up=True``) gives each process
  ``ceil(N / W)`` samples (dataset/sampler.py 60-66), batches of ``batch_size``, the last one
  dropped with ``drop_last``;
- ``EpochBasedTrainLoop``: ``max_iters = max_epochs x len(train_dataloader)`` (runner/loops.py
  50); ``IterBasedTrainLoop``: ``max_iters``;
- each ``param_scheduler`` dict without ``end`` gets ``max_epochs`` (``by_epoch=True``) or
  ``max_iters`` (``Runner._build_param_scheduler``), and is built with
  ``epoch_length=len(train_dataloader)`` (for ``convert_to_iter_based``);
- ``ParamSchedulerHook`` steps the iteration schedulers after every iteration and the epoch ones
  after every epoch; the optimizer wrapper updates when its global count reaches a multiple of
  ``accumulative_counts``, or the last iteration (``OptimWrapper.should_update``), so a row is
  the rate of the iteration that updates;
- ``auto_scale_lr`` (``enable=True``) multiplies the optimizer's lr by
  ``W x batch_size / base_batch_size`` (``Runner.scale_lr``).
"""

from __future__ import annotations

from collections.abc import Iterator
from itertools import chain
from typing import Any

from lrsched_cli.errors import LrschedError
from lrsched_cli.trainers.base import (
    ConfigError,
    Derivation,
    Run,
    ceil_div,
    line,
    no_batch_size,
    release,
    repr_call,
)
from lrsched_cli.trainers.config import Settings
from lrsched_cli.trainers.mmengine import TRAINER

SAMPLERS = ("DefaultSampler", "InfiniteSampler")


def argument_key(argument: str | None) -> str:
    if argument is None or argument == "param_scheduler" or argument.startswith("param_scheduler"):
        return argument or "param_scheduler"
    return "train_dataloader.batch_size" if argument == "epoch_length" else f"param_scheduler.{argument}"


def derive(values: dict[str, Any], run: Run) -> Derivation:
    version, _ = release(TRAINER, run.version)
    no_batch_size(run, "train_dataloader.batch_size")
    config = Settings(values)
    lines: list[str] = []
    notes: list[str] = []
    batch = config.integer("train_dataloader.batch_size", None, minimum=1)
    if batch is None:
        raise ConfigError("train_dataloader.batch_size", "the dataloader's batch size is needed: set it")
    drop_last = config.boolean("train_dataloader.drop_last", False)
    sampler = config.text("train_dataloader.sampler.type", "DefaultSampler", choices=SAMPLERS)
    if not config.boolean("train_dataloader.sampler.round_up", True):
        raise ConfigError(
            "train_dataloader.sampler.round_up", "lrsched follows round_up=True (MMEngine's default)"
        )
    loop = _loop(config)
    if run.samples is None:
        raise LrschedError(
            "samples", "the Runner sizes an epoch from len(train_dataset): give it with --samples"
        )
    world = run.world_size
    per_process = ceil_div(run.samples, world)
    if world > 1:
        lines.append(line("samples per process", f"ceil({run.samples} / {world})", per_process))
    batches = per_process // batch if drop_last else ceil_div(per_process, batch)
    rounding = "floor" if drop_last else "ceil"
    lines.append(line("batches per process per epoch", f"{rounding}({per_process} / {batch})", batches))
    if batches == 0:
        raise ConfigError(
            "train_dataloader.batch_size", f"{per_process} samples make no full batch of {batch}"
        )
    if loop == "EpochBasedTrainLoop":
        epochs = config.integer("train_cfg.max_epochs", None, minimum=1)
        if epochs is None:
            raise ConfigError("train_cfg.max_epochs", "EpochBasedTrainLoop needs max_epochs: set it")
        iterations = epochs * batches
        lines.append(line("iterations", f"{epochs} x {batches}", iterations))
    else:
        iterations = config.integer("train_cfg.max_iters", None, minimum=1)
        if iterations is None:
            raise ConfigError("train_cfg.max_iters", "IterBasedTrainLoop needs max_iters: set it")
        epochs = 1
        if sampler != "InfiniteSampler":
            notes.append(
                "train_dataloader.sampler: an IterBasedTrainLoop restarts a finite sampler each pass; "
                "the rates do not depend on it"
            )
    accumulation = config.integer("optim_wrapper.accumulative_counts", 1, minimum=1)
    updates = iterations // accumulation + (1 if iterations % accumulation else 0)
    if accumulation > 1:
        lines.append(line("updates", f"ceil({iterations} / {accumulation})", updates))
    lr = _lr(config, batch, world, lines, notes)
    items = _schedulers(config, loop, epochs, iterations)
    if accumulation > 1:
        notes.append(
            f"optim_wrapper.accumulative_counts={accumulation}: MMEngine steps by_epoch=False schedulers "
            "every "
            f"iteration, not every update, so the rate moves inside each window; a row is the rate of the "
            f"window's last iteration"
        )
        if batches % accumulation:
            notes.append(
                f"optim_wrapper.accumulative_counts: {batches} iterations an epoch are not a multiple of "
                f"{accumulation}: windows run on across epochs, and the rows' epoch labels count "
                f"{max(batches // accumulation, 1)} updates an epoch"
            )
    per_epoch = max(batches // accumulation, 1) if loop == "EpochBasedTrainLoop" else updates
    call = repr_call("mmengine.optim.param_scheduler", [items], {"epoch_length": batches})

    def steps() -> Iterator[int]:
        """The iteration (from 0) that ends each window of ``accumulation``, and the last one."""
        last = [iterations - 1] if iterations % accumulation else []  # a window cut short
        return chain(range(accumulation - 1, iterations, accumulation), last)

    derived = {
        "samples": run.samples,
        "world_size": world,
        "batches_per_epoch": batches,
        "iterations": iterations,
        "updates_per_epoch": per_epoch,
        "total_updates": updates,
    }
    return Derivation(
        version=version,
        config=config.resolved,
        derived=derived,
        lines=lines,
        notes=notes,
        scheduler=call,
        lr=lr,
        updates_per_epoch=per_epoch,
        total_updates=updates,
        argument_key=argument_key,
        steps=steps,
        frameworks=("mmengine",),
        scheduler_rows=iterations,
    )


def _loop(config: Settings) -> str:
    kind = config.text("train_cfg.type", None, choices=("EpochBasedTrainLoop", "IterBasedTrainLoop"))
    if kind is not None:
        return str(kind)
    by_epoch = config.boolean("train_cfg.by_epoch", True)
    return "EpochBasedTrainLoop" if by_epoch else "IterBasedTrainLoop"


def _lr(config: Settings, batch: int, world: int, lines: list[str], notes: list[str]) -> float:
    if not config.given("optim_wrapper.optimizer.lr"):
        raise ConfigError("optim_wrapper.optimizer.lr", "the optimizer's learning rate is needed: set it")
    lr = float(config.number("optim_wrapper.optimizer.lr", None, minimum=0))
    if config.boolean("auto_scale_lr.enable", False):
        base = config.integer("auto_scale_lr.base_batch_size", None, minimum=1)
        if base is None:
            raise ConfigError("auto_scale_lr.base_batch_size", "auto_scale_lr needs base_batch_size: set it")
        scaled = lr * (world * batch / base)
        lines.append(line("lr (auto_scale_lr)", f"{lr:g} x {world} x {batch} / {base}", scaled))
        notes.append(
            f"auto_scale_lr.enable: the Runner scales optim_wrapper.optimizer.lr by the real batch "
            f"{world * batch} / base_batch_size {base}"
        )
        return float(scaled)
    return lr


def _schedulers(config: Settings, loop: str, epochs: int, iterations: int) -> list[dict[str, Any]]:
    """The ``param_scheduler`` dicts with the Runner's default ``end``."""
    raw = config.raw("param_scheduler", None)
    if raw is None:
        raise ConfigError("param_scheduler", "no scheduler: MMEngine trains at the constant optimizer lr")
    listed = raw if isinstance(raw, list) else [raw]
    items = []
    for index, item in enumerate(listed):
        key = f"param_scheduler[{index}]"
        if not isinstance(item, dict) or "type" not in item:
            raise ConfigError(key, f"expected dict(type='LinearLR', ...), got {item!r}")
        item = dict(item)
        by_epoch = item.get("by_epoch", True)
        if loop == "IterBasedTrainLoop" and by_epoch and not item.get("convert_to_iter_based", False):
            raise ConfigError(
                f"{key}.by_epoch",
                "by_epoch=True in an IterBasedTrainLoop, which has no epochs: the scheduler never steps "
                "during training; set by_epoch=False",
            )
        item.setdefault("end", epochs if by_epoch else iterations)
        items.append(item)
    config.resolved["param_scheduler"] = items
    return items
