"""LLM Foundry's schedule, from its train YAML (mosaicml/llm-foundry ``8c8dd48f``, Composer 0.32.1).

What ``llmfoundry/command_utils/train.py`` does with the config:

- ``update_batch_size_info`` (utils/config_utils.py 425-509): ``global_train_batch_size`` must
  divide by the world size; each process's batch is ``global / W``, split into micro-batches of
  ``device_train_microbatch_size`` (``ceil(B / micro)`` of them: one optimizer step per batch);
- ``build_scheduler(scheduler.pop('name'), scheduler)`` (train.py 373-374, utils/builders.py
  479-490): the registry's Composer class with the other keys as its arguments
  (``cosine_with_warmup``, ``linear_decay_with_warmup``, ``constant_with_warmup``; optim/__init__.py
  23-32);
- the train dataloader samples with a ``DistributedSampler`` (``dist.get_sampler``, ``drop_last``
  as ``train_loader.drop_last``): ``ceil(N / W)`` samples per process (``floor`` with drop_last),
  ``ceil`` (or ``floor``) of that over B batches an epoch;
- ``Trainer(max_duration=..., schedulers=...)``: ``'Eep'`` trains E epochs of those batches,
  ``'Nba'`` N batches; Composer resolves the scheduler's times against that run and steps it
  every batch (`lrsched_cli.frameworks.composer.reproduce`).
"""

from __future__ import annotations

import re
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
from lrsched_cli.trainers.composer import TRAINER
from lrsched_cli.trainers.config import Settings, hint

REGISTRY = {
    "cosine_with_warmup": "CosineAnnealingWithWarmupScheduler",
    "linear_decay_with_warmup": "LinearWithWarmupScheduler",
    "constant_with_warmup": "ConstantWithWarmupScheduler",
}
"""LLM Foundry's ``schedulers`` registry entries that are Composer's classes (optim/__init__.py)."""
FOUNDRY_OWN = {"inv_sqrt_with_warmup": "InverseSquareRootWithWarmupScheduler"}

_DURATION = re.compile(r"^\s*(\d+)(ep|ba)\s*$")


def derive(values: dict[str, Any], run: Run) -> Derivation:
    version, _ = release(TRAINER, run.version)
    no_batch_size(run, "global_train_batch_size")
    config = Settings(values)
    lines: list[str] = []
    notes: list[str] = []

    amount, unit = _max_duration(config)
    world = run.world_size
    global_batch = config.integer("global_train_batch_size", None, minimum=1)
    if global_batch is None:
        raise ConfigError("global_train_batch_size", "the global batch size is needed")
    if global_batch % world:
        raise ConfigError(
            "global_train_batch_size",
            f"Global batchsize {global_batch} is not divisible by the world size {world} (LLM Foundry)",
        )
    batch = global_batch // world
    lines.append(line("batch per process", f"{global_batch} / {world}", batch))
    micro = config.raw("device_train_microbatch_size", "auto")
    if micro == "auto":
        notes.append(
            "device_train_microbatch_size: 'auto' splits each batch as memory allows; the schedule is the "
            "same (one optimizer step per batch)"
        )
    else:
        micro = config.integer("device_train_microbatch_size", "auto", minimum=1)
        accumulation = ceil_div(batch, min(micro, batch))
        lines.append(line("micro-batches per batch", f"ceil({batch} / {min(micro, batch)})", accumulation))
    drop_last = config.boolean("train_loader.drop_last", False)
    lr = config.number("optimizer.lr", None, minimum=0)
    if lr is None:
        raise ConfigError("optimizer.lr", "the optimizer's learning rate is needed: set optimizer.lr")
    name, arguments = _scheduler(config)

    loader_batch = _packing(config, batch, lines, notes)
    per_epoch: int | None = None
    if run.samples is not None:
        per_process = run.samples // world if drop_last else ceil_div(run.samples, world)
        rounding = "floor" if drop_last else "ceil"
        if world > 1:
            lines.append(line("samples per process", f"{rounding}({run.samples} / {world})", per_process))
        if config.raw("train_loader.name", None) == "text":
            notes.append(
                "train_loader.name: 'text' reads a StreamingDataset, which partitions the samples over the "
                "processes its own way; the batches per epoch here are a DistributedSampler's count"
            )
        per_epoch = per_process // loader_batch if drop_last else ceil_div(per_process, loader_batch)
        lines.append(line("batches per epoch", f"{rounding}({per_process} / {loader_batch})", per_epoch))
        if per_epoch == 0:
            raise ConfigError(
                "train_loader.drop_last", f"{run.samples} samples make no batch of {loader_batch} per process"
            )
    elif unit == "ep" or any(isinstance(v, str) and v.strip().endswith("ep") for v in arguments.values()):
        raise LrschedError(
            "samples", "a time in epochs needs the batches per epoch: give len(train_dataset) with --samples"
        )
    if unit == "ep":
        assert per_epoch is not None
        total = amount * per_epoch
        lines.append(line("total batches", f"{amount} x {per_epoch}", total))
        shape: tuple[int, int, int | None] = (amount, per_epoch, None)
    else:
        total = amount
        lines.append(line("total batches", "max_duration", total))
        shape = (1, per_epoch or total, amount)
        if per_epoch is None:
            notes.append(
                "without --samples the rows are not split into epochs (the run is max_duration's batches)"
            )
    call = repr_call(name, [], arguments)
    derived = {
        "samples": run.samples,
        "world_size": world,
        "batch_per_process": batch,
        "batches_per_epoch": per_epoch,
        "updates_per_epoch": per_epoch or total,
        "total_updates": total,
        "max_duration": f"{amount}{unit}",
    }
    return Derivation(
        version=version,
        config=config.resolved,
        derived=derived,
        lines=lines,
        notes=notes,
        scheduler=call,
        lr=float(lr),
        updates_per_epoch=per_epoch or total,
        total_updates=total,
        frameworks=("composer",),
        argument_key=lambda argument: "scheduler" if argument is None else f"scheduler.{argument}",
        run=shape,
    )


def _packing(config: Settings, batch: int, lines: list[str], notes: list[str]) -> int:
    """The examples a dataloader batch reads: ``int(B x packing_ratio)`` when the finetuning
    loader packs (``build_collate_fn``, finetuning/dataloader.py 668-714), else B."""
    ratio = config.raw("train_loader.dataset.packing_ratio", None)
    if ratio is None:
        return batch
    if ratio == "auto":
        raise ConfigError(
            "train_loader.dataset.packing_ratio",
            "'auto' is profiled when training starts: give the ratio it logs ('Using packing ratio')",
        )
    ratio = config.number("train_loader.dataset.packing_ratio", None)
    if ratio < 1.0:
        raise ConfigError("train_loader.dataset.packing_ratio", f"packing_ratio must be >= 1, got {ratio}")
    if ratio == 1.0:
        return batch
    examples = int(batch * ratio)
    lines.append(line("examples per dataloader batch (packed)", f"int({batch} x {ratio:g})", examples))
    notes.append(
        f"train_loader.dataset.packing_ratio: each batch reads {examples} examples packed into {batch} "
        "sequences, so an epoch has fewer batches"
    )
    return examples


def _max_duration(config: Settings) -> tuple[int, str]:
    value = config.raw("max_duration", None)
    if isinstance(value, int) and not isinstance(value, bool) and value > 0:
        return value, "ep"  # Composer's ensure_time(max_duration, TimeUnit.EPOCH)
    if not isinstance(value, str):
        raise ConfigError("max_duration", f"expected a run length like '4800ba' or '3ep', got {value!r}")
    match = _DURATION.match(value)
    if match is None or int(match.group(1)) == 0:
        raise ConfigError(
            "max_duration",
            f"{value!r}: lrsched follows a length in batches or epochs ('4800ba', '3ep'); samples and tokens "
            "need the batches' contents",
        )
    return int(match.group(1)), match.group(2)


def _scheduler(config: Settings) -> tuple[str, dict[str, Any]]:
    section = config.mapping("scheduler")
    if not section:
        raise ConfigError("scheduler", "no scheduler: set scheduler.name (cosine_with_warmup, ...)")
    name = config.text("scheduler.name", None)
    if name in FOUNDRY_OWN:
        raise ConfigError(
            "scheduler.name",
            f"{name} is LLM Foundry's own {FOUNDRY_OWN[name]}, not followed; Composer's: "
            f"{', '.join(REGISTRY)}",
        )
    if name not in REGISTRY:
        raise ConfigError(
            "scheduler.name",
            f"{name!r} is not in LLM Foundry's schedulers registry{hint(str(name), REGISTRY)}: "
            f"{', '.join(REGISTRY)}",
        )
    arguments = {key: value for key, value in section.items() if key != "name"}
    for key, value in arguments.items():
        config.resolved[f"scheduler.{key}"] = value
    return REGISTRY[name], arguments
