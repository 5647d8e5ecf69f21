"""DeepSpeed's step arithmetic, from its JSON config and your loop (DeepSpeed 0.19.8).

- the batch keys, resolved as ``DeepSpeedConfig._set_batch_related_parameters`` does
  (runtime/config.py 607-652), then checked: ``train_batch_size == micro x accumulation x W``;
- the data: ``deepspeed.initialize(training_data=...)``'s ``DeepSpeedDataLoader`` (launched
  processes, ``local_rank >= 0``): a ``DistributedSampler`` gives each process ``ceil(N / W)``
  samples, ``len = ceil(S / micro)`` batches (``floor`` with ``dataloader_drop_last``);
- the updates: your loop calls ``engine.step()`` after each micro-batch; the engine steps the
  optimizer, and then the scheduler, when ``(micro_steps + 1) % accumulation == 0``, a counter
  that runs on across epochs: ``floor(E x L / accumulation)`` updates in E epochs;
- the scheduler: ``type`` from ``deepspeed.runtime.lr_schedules``, else
  ``torch.optim.lr_scheduler``, called as ``type(optimizer, **params)``
  (``_scheduler_from_config``, engine.py 1923-1937).

With ``hf.*`` keys (``--set hf.KEY=VALUE``, TrainingArguments fields) the HF Trainer runs the
engine: the run's length is the Trainer's (`lrsched_cli.trainers.hf.derive`), and ``"auto"``
values are filled as transformers' ``HfTrainerDeepSpeedConfig`` fills them
(integrations/deepspeed.py 136-257); a value that is not ``"auto"`` and differs is refused, as
transformers refuses it.
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
from lrsched_cli.trainers.config import Settings, hint
from lrsched_cli.trainers.deepspeed import TRAINER

SCHEDULES = ("WarmupLR", "WarmupDecayLR", "WarmupCosineLR", "OneCycle", "LRRangeTest")
"""``deepspeed.runtime.lr_schedules``' classes (its ``VALID_LR_SCHEDULES``)."""
TORCH_SCHEDULES = (
    "ConstantLR",
    "CosineAnnealingLR",
    "CosineAnnealingWarmRestarts",
    "CyclicLR",
    "ExponentialLR",
    "LinearLR",
    "MultiStepLR",
    "OneCycleLR",
    "PolynomialLR",
    "ReduceLROnPlateau",
    "StepLR",
)
"""``torch.optim.lr_scheduler``'s classes (torch 2.13) that JSON ``params`` can build: not LambdaLR,
MultiplicativeLR (a function), SequentialLR or ChainedScheduler (scheduler objects). lrsched's
reader of the call refuses ReduceLROnPlateau, which follows a metric."""
DEEPSPEED = "deepspeed.runtime.lr_schedules"
TORCH = "torch.optim.lr_scheduler"
BATCH_KEYS = ("train_batch_size", "train_micro_batch_size_per_gpu", "gradient_accumulation_steps")
READ = (*BATCH_KEYS, "dataloader_drop_last", "scheduler", "optimizer", "fp16", "hf")


def argument_key(argument: str | None) -> str:
    return "scheduler" if argument is None else f"scheduler.params.{argument}"


def derive(values: dict[str, Any], run: Run) -> Derivation:
    version, _ = release(TRAINER, run.version)
    no_batch_size(run, "train_micro_batch_size_per_gpu")
    _misspelt(values)
    hf = values.get("hf")
    if hf is not None and not isinstance(hf, dict):
        raise ConfigError("hf", f"expected TrainingArguments fields (--set hf.KEY=VALUE), got {hf!r}")
    if hf is not None:
        return _under_hf(values, hf, run, version)
    config = Settings(values)
    lines: list[str] = []
    notes: list[str] = []
    world = run.world_size
    micro, accumulation, _ = _batches(config, world, lines)
    drop_last = config.boolean("dataloader_drop_last", False)
    if run.samples is None:
        raise LrschedError(
            "samples", "DeepSpeed's data loader sizes an epoch from len(training_data): give --samples"
        )
    if run.epochs is None:
        raise LrschedError(
            "epochs", "DeepSpeed's config has no run length: give your loop's passes with --epochs"
        )
    per_process = ceil_div(run.samples, world)
    if world > 1:
        lines.append(line("samples per process", f"ceil({run.samples} / {world})", per_process))
    if drop_last:
        batches = per_process // micro
        lines.append(line("batches per process per epoch", f"floor({per_process} / {micro})", batches))
    else:
        batches = ceil_div(per_process, micro)
        lines.append(line("batches per process per epoch", f"ceil({per_process} / {micro})", batches))
    if batches == 0:
        raise ConfigError(
            "train_micro_batch_size_per_gpu",
            f"{per_process} samples per process make no full batch of {micro} with dataloader_drop_last",
        )
    micro_steps = run.epochs * batches
    total = micro_steps // accumulation
    lines.append(line("micro-batches", f"{run.epochs} x {batches}", micro_steps))
    lines.append(line("total updates", f"floor({micro_steps} / {accumulation})", total))
    if total == 0:
        raise ConfigError(
            "gradient_accumulation_steps", f"{micro_steps} micro-batches make no update of {accumulation}"
        )
    per_epoch = max(batches // accumulation, 1)
    if batches % accumulation:
        notes.append(
            f"gradient_accumulation_steps: {batches} micro-batches an epoch are not a multiple of "
            f"{accumulation}: the engine's accumulation windows run on across epochs (its micro-step "
            f"counter is global), so the rows' epoch labels count {per_epoch} updates an epoch"
        )
    if micro_steps % accumulation:
        notes.append(
            f"gradient_accumulation_steps: the last {micro_steps % accumulation} micro-batches make no update"
        )
    lr = _optimizer_lr(config)
    call, frameworks = _scheduler(config, {}, notes)
    _fp16(config, notes)
    derived = {
        "samples": run.samples,
        "world_size": world,
        "epochs": run.epochs,
        "train_micro_batch_size_per_gpu": micro,
        "gradient_accumulation_steps": accumulation,
        "batches_per_epoch": batches,
        "updates_per_epoch": per_epoch,
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
        updates_per_epoch=per_epoch,
        total_updates=total,
        argument_key=argument_key,
        frameworks=frameworks,
        moot=_moot(call),
    )


def _moot(call: str) -> tuple[str, ...]:
    """The framework's note on the log warmup, which the trainer's note (naming the key) replaces."""
    kind = call.partition("(")[0].rpartition(".")[2]
    return (f"{kind}: warmup_type='log'",)


def _misspelt(values: dict[str, Any]) -> None:
    """A top-level key close to one lrsched reads, but not it (DeepSpeed would ignore it)."""
    import difflib  # only here

    for key in values:
        if key not in READ and difflib.get_close_matches(key, READ, n=1, cutoff=0.85):
            raise ConfigError(key, f"not a key DeepSpeed reads{hint(key, READ)}")


def _batches(config: Settings, world: int, lines: list[str]) -> tuple[int, int, int]:
    """(micro batch, accumulation, train batch), resolved as DeepSpeedConfig resolves them."""
    for key in BATCH_KEYS:
        if config.raw(key, None) == "auto":
            raise ConfigError(
                key,
                '"auto" is filled by the HF Trainer: give a number, or run under it with --set hf.KEY=VALUE',
            )
    train = config.integer("train_batch_size", None, minimum=1)
    micro = config.integer("train_micro_batch_size_per_gpu", None, minimum=1)
    accumulation = config.integer("gradient_accumulation_steps", None, minimum=1)
    if train is not None and micro is not None and accumulation is not None:
        pass
    elif train is not None and micro is not None:
        accumulation = train // micro // world
        lines.append(line("gradient_accumulation_steps", f"{train} // {micro} // {world}", accumulation))
    elif train is not None and accumulation is not None:
        micro = train // world // accumulation
        lines.append(line("train_micro_batch_size_per_gpu", f"{train} // {world} // {accumulation}", micro))
    elif micro is not None and accumulation is not None:
        train = micro * accumulation * world
    elif train is not None:
        accumulation, micro = 1, train // world
        lines.append(line("train_micro_batch_size_per_gpu", f"{train} // {world}", micro))
    elif micro is not None:
        train, accumulation = micro * world, 1
    else:
        raise ConfigError(
            "train_micro_batch_size_per_gpu",
            "DeepSpeed needs train_batch_size or train_micro_batch_size_per_gpu: set one",
        )
    for key, value in (
        ("train_micro_batch_size_per_gpu", micro),
        ("gradient_accumulation_steps", accumulation),
    ):
        if value <= 0:
            raise ConfigError(key, f"resolves to {value}: DeepSpeed asserts it is greater than 0")
    if train != micro * accumulation * world:
        raise ConfigError(
            "train_batch_size",
            f"{train} is not train_micro_batch_size_per_gpu x gradient_accumulation_steps x world size "
            f"= {micro} x {accumulation} x {world} (DeepSpeed asserts it)",
        )
    return micro, accumulation, train


def _optimizer_lr(config: Settings) -> float:
    if not config.given("optimizer.params.lr"):
        raise ConfigError(
            "optimizer.params.lr",
            "the optimizer's learning rate is needed: set it (--set optimizer.params.lr=VALUE: your "
            "optimizer's lr, when you pass one to deepspeed.initialize)",
        )
    if config.raw("optimizer.params.lr", None) == "auto":
        raise ConfigError("optimizer.params.lr", '"auto" is filled by the HF Trainer: give a number')
    return float(config.number("optimizer.params.lr", None, minimum=0))


def _scheduler(config: Settings, filled: dict[str, Any], notes: list[str]) -> tuple[str, tuple[str, ...]]:
    """The constructor call the engine makes, and the framework it is in."""
    section = config.mapping("scheduler")
    if not section:
        raise ConfigError(
            "scheduler", "no scheduler section: DeepSpeed trains at the optimizer's constant lr"
        )
    kind = config.text("scheduler.type", None)
    if kind is None:
        raise ConfigError("scheduler.type", "the scheduler's class is needed: set scheduler.type")
    params = config.mapping("scheduler.params")
    params = {**params, **filled}
    for key, value in params.items():
        if value == "auto":
            raise ConfigError(
                f"scheduler.params.{key}",
                '"auto" is filled by the HF Trainer: give a number, or run under it with --set hf.KEY=VALUE',
            )
        config.resolved[f"scheduler.params.{key}"] = value
    if kind == "WarmupCosineLR" and "warmup_max_lr" in params:
        raise ConfigError(
            "scheduler.params.warmup_max_lr",
            "WarmupCosineLR takes ratios of the optimizer's lr and has no warmup_max_lr: its peak is "
            "optimizer.params.lr (set warmup_min_ratio and cos_min_ratio for the ends)",
        )
    if kind in SCHEDULES:
        if kind in ("WarmupLR", "WarmupDecayLR", "WarmupCosineLR") and "warmup_type" not in params:
            notes.append(
                "scheduler.params.warmup_type is not set: DeepSpeed's default 'log' warmup rises "
                "fastest at first; set it to 'linear' for a straight ramp"
            )
        return repr_call(f"{DEEPSPEED}.{kind}", [OPTIMIZER], params), ("deepspeed",)
    if kind in TORCH_SCHEDULES:
        return repr_call(f"{TORCH}.{kind}", [OPTIMIZER], params), ("torch",)
    raise ConfigError(
        "scheduler.type",
        f"{kind!r} is in neither deepspeed.runtime.lr_schedules nor torch.optim.lr_scheduler (of the "
        f"classes a JSON config can build){hint(kind, [*SCHEDULES, *TORCH_SCHEDULES])}; DeepSpeed has "
        f"{', '.join(SCHEDULES)}",
    )


def _fp16(config: Settings, notes: list[str]) -> None:
    if config.raw("fp16.enabled", False) is True:
        notes.append(
            "fp16.enabled: an update whose gradients overflow is skipped and does not step the "
            "scheduler (the loss scaler's first updates often do): the rows assume none overflows"
        )


HF_DEFAULTS = {"per_device_train_batch_size": 8, "gradient_accumulation_steps": 1, "learning_rate": 5e-5}


def _under_hf(values: dict[str, Any], hf: dict[str, Any], run: Run, version: str) -> Derivation:
    """The HF Trainer runs the engine: its length, and ``"auto"`` filled from TrainingArguments."""
    from lrsched_cli.trainers.hf.derive import derive as hf_derive

    if run.epochs is not None:
        raise LrschedError(
            "epochs", "under the HF Trainer the run's length is its own: --set hf.num_train_epochs=N"
        )
    try:
        trainer = hf_derive(hf, run._replace(version=None))
    except ConfigError as error:
        raise ConfigError(
            f"hf.{error.key}" if error.key else "hf", error.message.partition(": ")[2] or error.message
        ) from None
    hf_config = Settings(hf)
    batch = hf_config.integer("per_device_train_batch_size", 8, minimum=1)
    accumulation = hf_config.integer("gradient_accumulation_steps", 1, minimum=1)
    lr = float(hf_config.number("learning_rate", 5e-5, minimum=0))
    total, warmup = trainer.total_updates, trainer.derived["warmup_updates"]
    config = Settings(values)
    mismatches: list[str] = []
    fills = {
        "train_micro_batch_size_per_gpu": (batch, "per_device_train_batch_size"),
        "gradient_accumulation_steps": (accumulation, "gradient_accumulation_steps"),
        "train_batch_size": (run.world_size * batch * accumulation, "train_batch_size (calculated)"),
        "optimizer.params.lr": (lr, "learning_rate"),
        "scheduler.params.warmup_max_lr": (lr, "learning_rate"),
        "scheduler.params.total_num_steps": (total, "num_training_steps (calculated)"),
        "scheduler.params.warmup_num_steps": (max(1, warmup), "warmup_steps"),
    }
    filled: dict[str, Any] = {}
    lines = list(trainer.lines)
    for key, (value, hf_key) in fills.items():
        written = config.raw(key, None)
        if written == "auto":
            filled[key] = value
            lines.append(line(f'{key} ("auto")', hf_key, value))
        elif written is not None and written != value:
            mismatches.append(f"{key}={written!r} vs hf {hf_key}={value!r}")
    if config.raw("scheduler.params.warmup_min_lr", None) == "auto":
        filled["scheduler.params.warmup_min_lr"] = 0
        lines.append(line('scheduler.params.warmup_min_lr ("auto")', None, 0))
    if mismatches:
        first = mismatches[0].partition("=")[0]
        raise ConfigError(
            first,
            f"differs from TrainingArguments, which transformers refuses: {'; '.join(mismatches)}; "
            'set these to "auto"',
        )
    notes = list(trainer.notes)
    if not config.mapping("scheduler"):
        notes.append(
            "no scheduler section: the HF Trainer's own lr_scheduler_type schedules, as `lrsched trainer hf`"
        )
        return trainer._replace(
            version=version,
            config={**{f"hf.{k}": v for k, v in trainer.config.items()}},
            notes=notes,
            lines=lines,
        )
    params = {
        key.removeprefix("scheduler.params."): value
        for key, value in filled.items()
        if key.startswith("scheduler.params.")
    }
    call, frameworks = _scheduler(config, params, notes)
    _fp16(config, notes)
    return Derivation(
        version=version,
        config={**config.resolved, **{f"hf.{k}": v for k, v in trainer.config.items()}},
        derived={
            **trainer.derived,
            "train_micro_batch_size_per_gpu": batch,
            "gradient_accumulation_steps": accumulation,
        },
        lines=lines,
        notes=notes,
        scheduler=call,
        lr=lr,
        updates_per_epoch=trainer.updates_per_epoch,
        total_updates=total,
        argument_key=argument_key,
        frameworks=frameworks,
        moot=_moot(call),
    )
