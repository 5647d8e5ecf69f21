"""torchtune's step arithmetic, from a recipe config (recipes/full_finetune_distributed.py, 0.6.1).

- the dataloader: ``StatefulDistributedSampler`` (torch's ``DistributedSampler``: each process
  gets ``ceil(N / W)`` samples) and ``drop_last=True`` (710-736): ``L = floor(ceil(N / W) / B)``;
- ``steps_per_epoch = L // gradient_accumulation_steps``, rounded **down**, then capped by
  ``max_steps_per_epoch`` (370-377); micro-batches past the last full window train no update;
- the scheduler: ``config.instantiate(lr_scheduler, optimizer,
  num_training_steps=epochs * steps_per_epoch, last_epoch=-1)`` (381-384, 430-434), stepped once per
  update (846). torchtune's only one, ``get_cosine_schedule_with_warmup``
  (training/lr_schedulers.py), is transformers' formula, which ``lrsched from`` reproduces.
"""

from __future__ import annotations

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
from lrsched_cli.trainers.config import Settings, hint, unknown_keys
from lrsched_cli.trainers.torchtune import TRAINER
from lrsched_cli.trainers.torchtune.fields import KEYS

HF_COSINE = "transformers.get_cosine_schedule_with_warmup"

COMPONENTS = {
    "torchtune.training.lr_schedulers.get_cosine_schedule_with_warmup": HF_COSINE,
    "torchtune.training.get_cosine_schedule_with_warmup": HF_COSINE,
}
"""torchtune's scheduler components -> the function ``lrsched from`` reproduces with the same formula."""

ARGUMENTS = ("_component_", "num_warmup_steps", "num_cycles")
"""What a config may give the scheduler (the recipe passes ``num_training_steps`` and ``last_epoch``)."""


def derive(values: dict[str, Any], run: Run) -> Derivation:
    version, _ = release(TRAINER, run.version)
    unknown_keys(values, KEYS, "a key torchtune's recipes read")
    no_batch_size(run, "batch_size")
    config = Settings(values)
    lines: list[str] = []
    notes: list[str] = []

    batch = config.integer("batch_size", None, minimum=1)
    if batch is None:
        raise ConfigError("batch_size", "the recipe's batch size is needed: set batch_size")
    epochs = config.integer("epochs", None, minimum=1)
    if epochs is None:
        raise ConfigError("epochs", "the recipe's number of epochs is needed: set epochs")
    accumulation = config.integer("gradient_accumulation_steps", 1, minimum=1)
    cap = config.integer("max_steps_per_epoch", None, minimum=1)
    lr = _lr(config)
    component, arguments = _scheduler(config)
    world = run.world_size
    if run.samples is None:
        raise LrschedError("samples", "the recipe sizes each epoch from len(dataset): give it with --samples")

    per_process = ceil_div(run.samples, world)
    if world > 1:
        lines.append(line("samples per process", f"ceil({run.samples} / {world})", per_process))
    batches = per_process // batch
    lines.append(line("batches per process per epoch", f"floor({per_process} / {batch})", batches))
    steps = batches // accumulation
    formula = f"floor({batches} / {accumulation})"
    if cap is not None and cap < steps:
        lines.append(line("updates per epoch", f"min({formula}, max_steps_per_epoch {cap})", cap))
        steps = cap
    else:
        lines.append(line("updates per epoch", formula, steps))
        if batches % accumulation:
            notes.append(
                f"gradient_accumulation_steps: the last {batches % accumulation} of {batches} batches each "
                f"epoch make no update (the recipe rounds updates per epoch down)"
            )
    if steps == 0:
        raise ConfigError(
            "gradient_accumulation_steps" if batches else "batch_size",
            f"{batches} batches per process per epoch make no update of {accumulation} batches",
        )
    total = epochs * steps
    lines.append(line("total updates", f"{epochs} x {steps}", total))
    warmup = arguments.get("num_warmup_steps", None)
    if warmup is None:
        raise ConfigError("lr_scheduler.num_warmup_steps", "get_cosine_schedule_with_warmup requires it")
    if isinstance(warmup, int) and not isinstance(warmup, bool) and warmup > total:
        raise ConfigError(
            "lr_scheduler.num_warmup_steps", f"{warmup} is longer than the {total} updates of training"
        )
    call = repr_call(component, [OPTIMIZER], {**arguments, "num_training_steps": total})
    derived = {
        "samples": run.samples,
        "world_size": world,
        "batches_per_epoch": batches,
        "updates_per_epoch": steps,
        "total_updates": total,
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
        updates_per_epoch=steps,
        total_updates=total,
        frameworks=("hf",),
        argument_key=lambda argument: "lr_scheduler" if argument is None else f"lr_scheduler.{argument}",
    )


def _lr(config: Settings) -> float:
    if not config.given("optimizer.lr"):
        raise ConfigError("optimizer.lr", "the optimizer's learning rate is needed: set optimizer.lr")
    value: float = config.number("optimizer.lr", None, minimum=0)
    return value


def _scheduler(config: Settings) -> tuple[str, dict[str, Any]]:
    section = config.mapping("lr_scheduler")
    if not section:
        raise ConfigError("lr_scheduler", "no scheduler: torchtune trains at the constant optimizer.lr")
    unknown_keys(section, ARGUMENTS, "an argument the recipe passes on", "lr_scheduler.")
    component = config.text("lr_scheduler._component_", None)
    if component not in COMPONENTS:
        raise ConfigError(
            "lr_scheduler._component_",
            f"{component!r} is not torchtune's scheduler{hint(str(component), COMPONENTS)}; "
            f"it has {', '.join(COMPONENTS)}",
        )
    arguments = {key: value for key, value in section.items() if key != "_component_"}
    for key in arguments:
        config.resolved[f"lr_scheduler.{key}"] = arguments[key]
    return COMPONENTS[component], arguments
