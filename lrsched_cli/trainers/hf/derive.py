"""The transformers ``Trainer``'s step arithmetic, from ``TrainingArguments`` and the run's facts.

What the Trainer computes before training (transformers 5.24.0, trainer.py and training_args.py):

- the per-process dataloader length, from accelerate's ``BatchSamplerShard.__len__``
  (data_loader.py 170-186): ``nb = ceil(N / B)`` batches (``floor`` with
  ``dataloader_drop_last``), then ``nb / W`` per process, rounded up (``even_batches``, the
  default, repeats samples to fill the last round) or down (``drop_last``);
- ``num_update_steps_per_epoch = max(ceil(L / GA), 1)`` (``set_initial_training_values``,
  2522-2526); transformers <= 4.51 had ``max(L // GA, 1)`` (4.48.3, 4.49.0, 4.50.3, 4.51.3;
  rounded up from 4.52.0, transformers#37923) while its loop still did the last, partial window,
  so a run sized in epochs stopped early (transformers#36297);
- ``max_steps``, if positive, else ``ceil(num_train_epochs * num_update_steps_per_epoch)`` (2529),
  fractional epochs allowed;
- ``get_warmup_steps(max_steps)`` (training_args.py 2154-2161): ``int(warmup_steps)`` when it is
  at least 1, else ``ceil(max_steps * warmup_steps)``; 4.x: ``warmup_steps`` if positive, else
  ``ceil(max_steps * warmup_ratio)``;
- ``get_scheduler(lr_scheduler_type, optimizer, num_warmup_steps, num_training_steps=max_steps,
  scheduler_specific_kwargs=lr_scheduler_kwargs)`` (``create_scheduler``, 1347-1375), stepped
  once per optimizer update after it: update k applies the rate at t = k - 1.
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
from lrsched_cli.trainers.config import Settings, hint, unknown_keys
from lrsched_cli.trainers.hf import TRAINER
from lrsched_cli.trainers.hf.fields import FIELDS, FIELDS_4, TRL_FIELDS, TRL_GENERATION_FIELDS

REMOVED_IN_5_2 = {
    "warmup_ratio": "removed in transformers 5.2 (PR #41326): write warmup_steps: 0.1, a float below 1 "
    "is the ratio",
}
"""4.x fields lrsched reads that 5.2 and later refuse, each with what to write instead (5.0 and
5.1 still read them, deprecated)."""

ARGUMENTS = {
    "name": "lr_scheduler_type",
    "num_warmup_steps": "warmup_steps",
    "num_training_steps": "max_steps",
    "scheduler_specific_kwargs": "lr_scheduler_kwargs",
}
"""``get_scheduler``'s arguments -> the TrainingArguments field each comes from; any other
argument is one of ``lr_scheduler_kwargs``."""

ACCELERATOR_KEYS = (
    "even_batches",
    "split_batches",
    "dispatch_batches",
    "use_seedable_sampler",
    "non_blocking",
    "gradient_accumulation_kwargs",
    "use_configured_state",
)
"""``accelerator_config``'s keys (transformers' ``AcceleratorConfig``)."""


def argument_key(argument: str | None) -> str:
    """The config key a ``get_scheduler`` argument lrsched derived comes from."""
    if argument is None:  # the whole call: which one, lr_scheduler_type says
        return "lr_scheduler_type"
    return ARGUMENTS.get(argument, f"lr_scheduler_kwargs.{argument}")


def derive(values: dict[str, Any], run: Run) -> Derivation:
    version, numbers = release(TRAINER, run.version)
    if numbers < (4,):
        raise ConfigError(None, f"transformers {version}: lrsched follows 4.x and 5.x only")
    v5 = numbers >= (5,)
    trl = _known_keys(values, numbers, version)
    no_batch_size(run, "per_device_train_batch_size")
    config = Settings(values)
    lines: list[str] = []
    notes: list[str] = []
    _trl(values, trl, notes)

    batch = config.integer("per_device_train_batch_size", 8, minimum=1)
    accumulation = config.integer("gradient_accumulation_steps", 1, minimum=1)
    epochs = config.number("num_train_epochs", 3.0, minimum=0)
    max_steps = config.integer("max_steps", -1)
    drop_last = config.boolean("dataloader_drop_last", False)
    lr = config.number("learning_rate", 5e-5, minimum=0)
    scheduler_type = config.text("lr_scheduler_type", "linear")
    kwargs = _scheduler_kwargs(config)
    even_batches = _accelerator(config)
    warmup_steps = config.number("warmup_steps", 0, minimum=0)
    if v5 and numbers < (5, 2) and config.given("warmup_ratio"):
        warmup_steps = _deprecated_ratio(config, warmup_steps, notes)
    if not v5:
        warmup_ratio = config.number("warmup_ratio", 0.0, minimum=0)
        if warmup_ratio > 1:
            raise ConfigError(
                "warmup_ratio", f"must lie in [0, 1] (transformers refuses it), got {warmup_ratio:g}"
            )

    world = run.world_size
    if run.samples is None:
        if max_steps <= 0:
            raise LrschedError(
                "samples",
                "the Trainer sizes the run from len(train_dataset): give it with --samples "
                "(or set max_steps, as for a dataset without a length)",
            )
        updates_per_epoch = total = max_steps
        batches = max_steps * accumulation
        lines.append(line("total updates", None, f"max_steps = {max_steps}"))
        notes.append(
            "no --samples: a dataset without a length, so the Trainer runs max_steps updates as one epoch"
        )
    else:
        batches = _per_process_batches(run.samples, batch, world, drop_last, even_batches, lines, notes)
        if batches == 0:
            raise ConfigError(
                "per_device_train_batch_size",
                f"{run.samples} samples make no full batch of {batch} with dataloader_drop_last: "
                "the dataloader is empty",
            )
        updates_per_epoch, counted = _updates_per_epoch(batches, accumulation, numbers, lines, notes)
        if max_steps > 0:
            total = max_steps
            lines.append(line("total updates", None, f"max_steps = {max_steps}"))
        else:
            total = math.ceil(epochs * counted)
            lines.append(line("total updates", f"ceil({epochs:g} x {counted})", total))
            if counted < updates_per_epoch:
                short = math.ceil(epochs * updates_per_epoch) - total
                notes.append(
                    f"transformers {version} sizes the run as {total} updates, but each epoch does "
                    f"{updates_per_epoch}: training stops {short} updates short of {epochs:g} epochs "
                    f"(transformers#36297; 4.52 rounds up), or set max_steps"
                )
    if total <= 0:
        raise ConfigError(
            "num_train_epochs" if max_steps <= 0 else "max_steps",
            f"the run has {total} updates: nothing to train",
        )

    if v5:
        warmup = _warmup_v5(warmup_steps, total, lines, notes)
    else:
        warmup = _warmup_v4(warmup_steps, warmup_ratio, total, lines, notes)
    if warmup > total:
        raise ConfigError("warmup_steps", f"{warmup} warmup updates is longer than the {total} of training")
    if scheduler_type == "constant" and warmup > 0:
        notes.append(
            "lr_scheduler_type constant takes no warmup: the warmup is ignored "
            "(set lr_scheduler_type: constant_with_warmup)"
        )

    call = repr_call(
        "transformers.get_scheduler",
        [scheduler_type, OPTIMIZER],
        {
            "num_warmup_steps": warmup,
            "num_training_steps": total,
            "scheduler_specific_kwargs": kwargs,
        },
    )
    derived = {
        "samples": run.samples,
        "world_size": world,
        "batches_per_epoch": batches,
        "updates_per_epoch": updates_per_epoch,
        "total_updates": total,
        "warmup_updates": warmup,
        "epochs": ceil_div(total, updates_per_epoch),
    }
    return Derivation(
        version=version,
        config=config.resolved,
        derived=derived,
        lines=lines,
        notes=notes,
        scheduler=call,
        lr=float(lr),
        updates_per_epoch=updates_per_epoch,
        total_updates=total,
        frameworks=("hf",),
        argument_key=argument_key,
    )


NOT_FOLLOWED = {
    "per_gpu_train_batch_size": "a deprecated 4.x alias lrsched does not follow: "
    "write per_device_train_batch_size",
    "split_batches": "lrsched does not follow split_batches (each process gets a slice of every batch)",
}
"""4.x fields that change the batches, which lrsched refuses rather than follows."""


def _known_keys(values: dict[str, Any], numbers: tuple[int, ...], version: str) -> list[str]:
    """TRL's keys in the config, after refusing any key that is neither TRL's nor the Trainer's."""
    v5 = numbers >= (5,)
    for key, value in values.items():
        if numbers >= (5, 2) and key in REMOVED_IN_5_2:
            raise ConfigError(key, REMOVED_IN_5_2[key])
        if not v5 and key in NOT_FOLLOWED and value not in (None, False):
            raise ConfigError(key, NOT_FOLLOWED[key])
    known = FIELDS_4 if not v5 else FIELDS if numbers >= (5, 2) else (*FIELDS, *REMOVED_IN_5_2)
    trl = [key for key in values if key in TRL_FIELDS or key in TRL_GENERATION_FIELDS]
    unknown_keys(
        {k: v for k, v in values.items() if k not in trl},
        known,
        f"a TrainingArguments field in transformers {version}",
    )
    return trl


TRL_LEARNING_RATES = "SFTConfig 2e-05, DPOConfig and KTOConfig 1e-06, RewardConfig 0.0001"
"""The defaults TRL's configs give ``learning_rate`` (trl/trainer/*_config.py at f2cd5771)."""


def _trl(values: dict[str, Any], trl: list[str], notes: list[str]) -> None:
    """A TRL config: its own keys are not read, and it changes ``learning_rate``'s default."""
    if not trl:
        return
    generation = [key for key in trl if key in TRL_GENERATION_FIELDS]
    if generation:
        raise ConfigError(
            generation[0],
            "a GRPOConfig/RLOOConfig key: their batches count generated completions "
            "(num_generations, steps_per_generation), which lrsched does not follow",
        )
    if "learning_rate" not in values:
        raise ConfigError(
            "learning_rate",
            f"not set, and TRL's configs ({', '.join(trl[:3])}) change its default "
            f"({TRL_LEARNING_RATES}): set it",
        )
    shown = ", ".join(trl[:3]) + (", ..." if len(trl) > 3 else "")
    notes.append(
        f"TRL's own keys ({shown}) are not read: --samples is the dataset's length as the Trainer "
        "sees it (after packing or filtering)"
    )


def _deprecated_ratio(config: Settings, warmup_steps: float, notes: list[str]) -> float:
    """5.0 and 5.1: a ``warmup_ratio`` that is not None replaces ``warmup_steps`` (training_args.py
    of 5.0.0: ``self.warmup_steps = self.warmup_ratio``), then counts by 5.x's rule."""
    ratio = config.number("warmup_ratio", None, minimum=0)
    if ratio is None:
        return warmup_steps
    notes.append(
        "warmup_ratio is deprecated in transformers 5.0 and 5.1 (removed in 5.2): write warmup_steps"
    )
    if config.given("warmup_steps") and warmup_steps != ratio:
        notes.append(
            f"warmup_ratio: {ratio:g} replaces warmup_steps: {warmup_steps:g} in transformers 5.0 and 5.1"
        )
    if ratio >= 1:
        notes.append(
            f"warmup_ratio: {ratio:g} becomes warmup_steps: {ratio:g}, which counts steps: {int(ratio)}"
        )
    config.resolved["warmup_steps"] = ratio
    return float(ratio)


def _scheduler_kwargs(config: Settings) -> dict[str, Any]:
    """``lr_scheduler_kwargs``: a mapping, or the JSON text of one as TrainingArguments takes it."""
    value = config.raw("lr_scheduler_kwargs", None)
    if isinstance(value, str) and value.startswith("{"):
        import json  # only for kwargs given as JSON text

        try:
            value = _convert_str_dict(json.loads(value))
        except json.JSONDecodeError as error:
            raise ConfigError("lr_scheduler_kwargs", f"not a JSON object ({error.msg})") from None
    if value is None:
        value = {}
    if not isinstance(value, dict):
        raise ConfigError("lr_scheduler_kwargs", f"expected a mapping of keyword arguments, got {value!r}")
    config.resolved["lr_scheduler_kwargs"] = value
    return value


def _convert_str_dict(passed: dict[str, Any]) -> dict[str, Any]:
    """TrainingArguments' own conversion of a JSON string's values (training_args.py 161-176)."""
    for key, value in passed.items():
        if isinstance(value, dict):
            passed[key] = _convert_str_dict(value)
        elif isinstance(value, str):
            if value.lower() in ("true", "false"):
                passed[key] = value.lower() == "true"
            elif value.isdigit():
                passed[key] = int(value)
            elif value.replace(".", "", 1).isdigit():
                passed[key] = float(value)
    return passed


def _accelerator(config: Settings) -> bool:
    """``accelerator_config.even_batches`` (default true); ``split_batches`` is not followed."""
    accelerator = config.mapping("accelerator_config")
    for key in accelerator:
        if key not in ACCELERATOR_KEYS:
            raise ConfigError(
                f"accelerator_config.{key}", f"not an AcceleratorConfig field{hint(key, ACCELERATOR_KEYS)}"
            )
    if config.boolean("accelerator_config.split_batches", False):
        raise ConfigError(
            "accelerator_config.split_batches",
            "lrsched does not follow split_batches (each process gets a slice of every batch)",
        )
    return config.boolean("accelerator_config.even_batches", True)


def _per_process_batches(
    samples: int,
    batch: int,
    world: int,
    drop_last: bool,
    even_batches: bool,
    lines: list[str],
    notes: list[str],
) -> int:
    """accelerate's ``BatchSamplerShard.__len__`` over a ``BatchSampler(N, B, drop_last)``."""
    rounding = "floor" if drop_last else "ceil"
    total = samples // batch if drop_last else ceil_div(samples, batch)
    batches = f"{rounding}({samples} / {batch})"
    if world == 1:
        lines.append(line("batches per process per epoch", batches, total))
        return total
    if total % world == 0 or drop_last:
        per_process = total // world
    else:
        per_process = total // world + 1
        if even_batches:
            notes.append(
                f"{total} batches do not split evenly over {world} processes: accelerate's "
                f"even_batches repeats the first samples so each process gets {per_process}"
            )
        else:
            notes.append(
                f"accelerator_config.even_batches is false: processes get {per_process} or "
                f"{total // world} batches; rows follow process 0 ({per_process})"
            )
    outer = "floor" if drop_last else "ceil"
    lines.append(line("batches per process per epoch", f"{outer}({batches} / {world})", per_process))
    return per_process


def _updates_per_epoch(
    batches: int, accumulation: int, numbers: tuple[int, ...], lines: list[str], notes: list[str]
) -> tuple[int, int]:
    """(updates each epoch does, updates per epoch as the run is sized): the same but in <= 4.51."""
    done = max(ceil_div(batches, accumulation), 1)
    if numbers < (4, 52):
        counted = max(batches // accumulation, 1)
        formula = f"floor({batches} / {accumulation})"
        lines.append(
            line("updates per epoch (sizing the run)", _at_least_1(formula, batches // accumulation), counted)
        )
        lines.append(
            line("updates per epoch (done)", _at_least_1(f"ceil({batches} / {accumulation})", done), done)
        )
        return done, counted
    lines.append(line("updates per epoch", _at_least_1(f"ceil({batches} / {accumulation})", done), done))
    return done, done


def _at_least_1(formula: str, value: int) -> str:
    return f"max({formula}, 1)" if value < 1 else formula


def _warmup_v5(warmup_steps: float, total: int, lines: list[str], notes: list[str]) -> int:
    if warmup_steps >= 1:
        warmup = int(warmup_steps)
        if warmup != warmup_steps:
            lines.append(line("warmup updates", f"int({warmup_steps:g})", warmup))
            notes.append(f"warmup_steps: {warmup_steps:g} is truncated to {warmup} updates")
        else:
            lines.append(line("warmup updates", None, f"warmup_steps = {warmup}"))
        return warmup
    warmup = math.ceil(total * warmup_steps)
    if warmup_steps > 0:
        lines.append(line("warmup updates", f"ceil({warmup_steps:g} x {total})", warmup))
        notes.append(
            f"warmup_steps: {warmup_steps:g} is below 1, so transformers 5 reads it as a ratio of "
            f"the {total} updates ({warmup} warmup updates); give an integer to count steps"
        )
    else:
        lines.append(line("warmup updates", None, 0))
    return warmup


def _warmup_v4(warmup_steps: float, ratio: float, total: int, lines: list[str], notes: list[str]) -> int:
    if isinstance(warmup_steps, float):
        # training_args.py 4.48/4.57: "warmup_steps must be of type int and must be 0 or a positive integer."
        raise ConfigError(
            "warmup_steps",
            f"must be of type int in transformers 4 (it refuses {warmup_steps:g}); "
            "for a ratio, write warmup_ratio",
        )
    if warmup_steps > 0:
        lines.append(line("warmup updates", None, f"warmup_steps = {warmup_steps}"))
        if ratio > 0:
            notes.append("warmup_steps and warmup_ratio are both set: transformers 4 uses warmup_steps")
        return warmup_steps
    warmup = math.ceil(total * ratio)
    lines.append(line("warmup updates", f"ceil({ratio:g} x {total})" if ratio else None, warmup))
    return warmup
