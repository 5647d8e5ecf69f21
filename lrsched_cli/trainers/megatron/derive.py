"""Megatron-LM's schedule arithmetic, from its launch arguments (megatron/training/training.py,
``get_optimizer_param_scheduler``, and arguments.py, at NVIDIA/Megatron-LM d98e8a64).

Everything is counted in samples:

- ``--train-iters``: ``lr_decay_steps = (lr_decay_iters or train_iters) x GBS``,
  ``lr_warmup_steps = lr_warmup_fraction x lr_decay_steps`` or ``lr_warmup_iters x GBS``,
  ``wsd_decay_steps = lr_wsd_decay_iters x GBS``, ``wd_incr_steps = train_iters x GBS``;
- ``--train-samples``: the ``*-samples`` values as they are, ``train_iters = train_samples // GBS``;
- each iteration steps the scheduler by ``num_microbatches x micro_batch_size x data_parallel``,
  the global batch ``GBS`` (default ``micro_batch_size x data_parallel``); the constructor's
  ``step(0)`` gives iteration 1 ``lr_warmup_init``.
"""

from __future__ import annotations

from typing import Any

from lrsched_cli.errors import LrschedError
from lrsched_cli.trainers.base import (
    OPTIMIZER,
    ConfigError,
    Derivation,
    Run,
    line,
    no_batch_size,
    release,
    repr_call,
)
from lrsched_cli.trainers.config import Settings, hint
from lrsched_cli.trainers.megatron import TRAINER

READ = (
    "lr",
    "min-lr",
    "lr-decay-style",
    "lr-decay-iters",
    "lr-decay-samples",
    "lr-warmup-fraction",
    "lr-warmup-iters",
    "lr-warmup-samples",
    "lr-warmup-init",
    "lr-wsd-decay-style",
    "lr-wsd-decay-iters",
    "lr-wsd-decay-samples",
    "train-iters",
    "train-samples",
    "global-batch-size",
    "micro-batch-size",
    "rampup-batch-size",
    "tensor-model-parallel-size",
    "pipeline-model-parallel-size",
    "context-parallel-size",
    "weight-decay",
    "start-weight-decay",
    "end-weight-decay",
    "weight-decay-incr-style",
    "override-opt_param-scheduler",
    "use-checkpoint-opt_param-scheduler",
)
"""The arguments lrsched reads (Megatron's own names); any other is accepted and ignored."""
SCHEDULER = "megatron.core.optimizer_param_scheduler"


def argument_key(argument: str | None) -> str:
    keys = {
        "max_lr": "lr",
        "min_lr": "min-lr",
        "init_lr": "lr-warmup-init",
        "lr_decay_style": "lr-decay-style",
        "lr_wsd_decay_style": "lr-wsd-decay-style",
        "lr_warmup_steps": "lr-warmup-iters",
        "lr_decay_steps": "lr-decay-iters",
        "wsd_decay_steps": "lr-wsd-decay-iters",
    }
    return keys.get(argument or "", "lr-decay-style")


def derive(values: dict[str, Any], run: Run) -> Derivation:
    version, _ = release(TRAINER, run.version)
    no_batch_size(run, "micro-batch-size")
    _misspelt(values)
    config = Settings(values)
    lines: list[str] = []
    notes: list[str] = []
    for key in READ:
        if isinstance(values.get(key), str) and "$" in values[key]:
            raise ConfigError(key, f"{values[key]!r} is a shell variable: give its value")
    if config.given("rampup-batch-size"):
        raise ConfigError(
            "rampup-batch-size",
            "lrsched does not follow a batch-size ramp: the scheduler's increments grow with it, so the "
            "warmup lasts longer and a WSD decay may never finish (Megatron-Bridge#2609)",
        )
    if not config.given("lr"):
        raise ConfigError("lr", "the learning rate is needed: --lr")
    lr = float(config.number("lr", None, minimum=0))
    micro = config.integer("micro-batch-size", None, minimum=1)
    if micro is None:
        raise ConfigError("micro-batch-size", "Megatron needs --micro-batch-size")
    parallel = 1
    for key in ("tensor-model-parallel-size", "pipeline-model-parallel-size", "context-parallel-size"):
        parallel *= config.integer(key, 1, minimum=1)
    if run.world_size % parallel:
        raise LrschedError(
            "world_size", f"{run.world_size} processes do not split into model-parallel groups of {parallel}"
        )
    data_parallel = run.world_size // parallel
    batch = config.integer("global-batch-size", None, minimum=1)
    if batch is None:
        batch = micro * data_parallel
        lines.append(line("global batch", f"micro-batch-size {micro} x data-parallel {data_parallel}", batch))
    elif batch % (micro * data_parallel):
        raise ConfigError(
            "global-batch-size",
            f"{batch} is not divisible by micro-batch-size x data-parallel = {micro * data_parallel} "
            "(Megatron asserts it)",
        )
    iters = config.integer("train-iters", None, minimum=1)
    samples = config.integer("train-samples", None, minimum=1)
    fraction = config.number("lr-warmup-fraction", None, minimum=0)
    warmup_iters = config.integer("lr-warmup-iters", 0, minimum=0)
    warmup_samples = config.integer("lr-warmup-samples", 0, minimum=0)
    if fraction is not None and (warmup_iters or warmup_samples):
        raise ConfigError(
            "lr-warmup-fraction",
            "and --lr-warmup-iters/--lr-warmup-samples cannot both be given (Megatron asserts it)",
        )
    if (iters is None) == (samples is None):
        raise ConfigError("train-iters", "give exactly one of --train-iters and --train-samples")
    if iters is not None:
        for key in ("lr-decay-samples", "lr-warmup-samples", "lr-wsd-decay-samples"):
            if config.raw(key, None):
                raise ConfigError(key, "is for --train-samples runs; with --train-iters give the -iters form")
        decay_iters = config.integer("lr-decay-iters", None, minimum=1) or iters
        decay = decay_iters * batch
        lines.append(line("lr_decay_steps (samples)", f"{decay_iters} x {batch}", decay))
        if fraction is not None:
            warmup: float = fraction * decay
            lines.append(line("lr_warmup_steps (samples)", f"{fraction:g} x {decay}", warmup))
        else:
            warmup = warmup_iters * batch
            lines.append(line("lr_warmup_steps (samples)", f"{warmup_iters} x {batch}", warmup))
        wsd_iters = config.integer("lr-wsd-decay-iters", None, minimum=1)
        wsd = None if wsd_iters is None else wsd_iters * batch
        wd_steps = iters * batch
        total = iters
    else:
        for key in ("lr-decay-iters", "lr-wsd-decay-iters"):
            if config.raw(key, None):
                raise ConfigError(
                    key, "is for --train-iters runs; with --train-samples give the -samples form"
                )
        if warmup_iters:
            raise ConfigError("lr-warmup-iters", "is for --train-iters runs: give --lr-warmup-samples")
        assert samples is not None
        decay = config.integer("lr-decay-samples", None, minimum=1) or samples
        warmup = fraction * decay if fraction is not None else warmup_samples
        lines.append(
            line(
                "lr_warmup_steps (samples)",
                f"{fraction:g} x {decay}" if fraction is not None else None,
                warmup,
            )
        )
        wsd = config.integer("lr-wsd-decay-samples", None, minimum=1)
        wd_steps = samples
        total = samples // batch
        lines.append(line("iterations", f"floor({samples} / {batch})", total))
        if total == 0:
            raise ConfigError("train-samples", f"{samples} samples make no iteration of {batch}")
    style = config.text("lr-decay-style", "linear")
    wsd_style = config.text("lr-wsd-decay-style", "exponential")
    if style == "WSD" and wsd is None:
        raise ConfigError("lr-wsd-decay-iters", "WSD needs the decay phase's length: --lr-wsd-decay-iters")
    weight_decay = config.number("weight-decay", 0.01, minimum=0)
    start_wd = config.number("start-weight-decay", weight_decay, minimum=0)
    end_wd = config.number("end-weight-decay", weight_decay, minimum=0)
    scheduler = repr_call(
        f"{SCHEDULER}.OptimizerParamScheduler",
        [OPTIMIZER],
        {
            "init_lr": float(config.number("lr-warmup-init", 0.0, minimum=0)),
            "max_lr": lr,
            "min_lr": float(config.number("min-lr", 0.0, minimum=0)),
            "lr_warmup_steps": warmup,
            "lr_decay_steps": decay,
            "lr_decay_style": style,
            "start_wd": start_wd,
            "end_wd": end_wd,
            "wd_incr_steps": wd_steps,
            "wd_incr_style": config.text("weight-decay-incr-style", "constant"),
            "use_checkpoint_opt_param_scheduler": bool(
                config.boolean("use-checkpoint-opt_param-scheduler", False)
            ),
            "override_opt_param_scheduler": bool(config.boolean("override-opt_param-scheduler", False)),
            "wsd_decay_steps": wsd,
            "lr_wsd_decay_style": wsd_style,
        },
    )
    call = f"{SCHEDULER}.iterations({scheduler}, increment={batch})"
    lines.append(line("iterations (updates)", None, total))
    notes.append(
        f"Megatron counts the schedule in samples: the scheduler steps by the global batch {batch} "
        "each iteration, and skips the step when an update fails (fp16 overflow)"
    )
    derived = {
        "world_size": run.world_size,
        "data_parallel": data_parallel,
        "global_batch_size": batch,
        "lr_decay_steps": decay,
        "lr_warmup_steps": warmup,
        "wsd_decay_steps": wsd,
        "updates_per_epoch": total,
        "total_updates": total,
    }
    return Derivation(
        version=version,
        config=config.resolved,
        derived=derived,
        lines=lines,
        notes=notes,
        scheduler=call,
        lr=lr,
        updates_per_epoch=total,
        total_updates=total,
        argument_key=argument_key,
        frameworks=("megatron",),
        moot=("the optimizer's learning rate",),  # --lr is the scheduler's max_lr
    )


def _misspelt(values: dict[str, Any]) -> None:
    import difflib  # only here

    for key in values:
        if key not in READ and difflib.get_close_matches(key, READ, n=1, cutoff=0.9):
            raise ConfigError(key, f"not an argument Megatron has{hint(key, READ)}")
