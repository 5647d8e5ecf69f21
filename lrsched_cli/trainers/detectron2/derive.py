"""Detectron2's schedule, from its YAML config (facebookresearch/detectron2 ``02b5c4e2``).

What ``tools/train_net.py``'s ``DefaultTrainer`` does with the ``SOLVER`` section:

- the YAML is merged into ``get_cfg()`` by yacs: a string value is read as a Python literal
  (``STEPS: (60000, 80000)`` is a tuple; ``BASE_LR: 2e-3``, a string to YAML, is a float) and
  must then have its default's type (a list for a tuple is fine, an int for a float is not).
  lrsched reads it with ``yaml.safe_load`` and ``ast.literal_eval`` only: Detectron2's own
  ``merge_from_file`` falls back to ``yaml.unsafe_load``, which runs ``!!python`` tags;
- ``auto_scale_workers`` (engine/defaults.py 669-728): when ``REFERENCE_WORLD_SIZE`` is neither 0
  nor the world size, ``s = W / REFERENCE_WORLD_SIZE`` scales ``IMS_PER_BATCH`` and ``BASE_LR`` by
  s and divides ``MAX_ITER``, ``WARMUP_ITERS`` and each of ``STEPS`` by it, ``int(round(...))``;
- ``build_lr_scheduler`` (solver/build.py 283-323): the named fvcore schedule (``STEPS`` above
  ``MAX_ITER`` dropped, with a warning), behind ``WarmupParamScheduler(sched, WARMUP_FACTOR,
  min(WARMUP_ITERS / MAX_ITER, 1.0), WARMUP_METHOD, RESCALE_INTERVAL)``, in
  ``LRMultiplier(optimizer, sched, max_iter=MAX_ITER)``;
- ``SimpleTrainer.train`` runs iterations 0 to ``MAX_ITER - 1``, the ``LRScheduler`` hook stepping
  the scheduler after each (train_loop.py 150-153, hooks.py 356-359): iteration i applies the
  rate at t = i. An iteration is one optimizer update of ``IMS_PER_BATCH`` images in total.
"""

from __future__ import annotations

import ast
from typing import Any

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
from lrsched_cli.trainers.config import Settings, unknown_keys
from lrsched_cli.trainers.detectron2 import TRAINER
from lrsched_cli.trainers.detectron2.fields import SCHEDULERS, SECTIONS, SOLVER

ARGUMENTS = {
    "milestones": "SOLVER.STEPS",
    "values": "SOLVER.GAMMA",
    "num_updates": "SOLVER.MAX_ITER",
    "max_iter": "SOLVER.MAX_ITER",
    "warmup_factor": "SOLVER.WARMUP_FACTOR",
    "warmup_length": "SOLVER.WARMUP_ITERS",
    "warmup_method": "SOLVER.WARMUP_METHOD",
    "gamma": "SOLVER.GAMMA",
    "num_decays": "SOLVER.NUM_DECAYS",
    "end_value": "SOLVER.BASE_LR_END",
}
"""The fvcore arguments lrsched writes -> the SOLVER key each comes from."""


def derive(values: dict[str, Any], run: Run) -> Derivation:
    version, _ = release(TRAINER, run.version)
    no_batch_size(run, "SOLVER.IMS_PER_BATCH")
    if "_BASE_" in values:
        raise ConfigError(
            "_BASE_",
            f"{values['_BASE_']!r}: lrsched reads one file; copy the base's SOLVER keys into this one "
            "(or give them with --set SOLVER.KEY=VALUE) and remove _BASE_",
        )
    unknown_keys(values, SECTIONS, "a section of Detectron2's config")
    solver = _solver(values)
    config = Settings({"SOLVER": solver})
    lines: list[str] = []
    notes: list[str] = []
    world = run.world_size

    name = config.text("SOLVER.LR_SCHEDULER_NAME", SOLVER["LR_SCHEDULER_NAME"], choices=SCHEDULERS)
    batch = config.integer("SOLVER.IMS_PER_BATCH", SOLVER["IMS_PER_BATCH"], minimum=1)
    lr = config.number("SOLVER.BASE_LR", SOLVER["BASE_LR"], minimum=0)
    iterations = config.integer("SOLVER.MAX_ITER", SOLVER["MAX_ITER"], minimum=1)
    warmup = config.integer("SOLVER.WARMUP_ITERS", SOLVER["WARMUP_ITERS"], minimum=0)
    steps = _steps(config)
    reference = config.integer("SOLVER.REFERENCE_WORLD_SIZE", SOLVER["REFERENCE_WORLD_SIZE"], minimum=0)

    if reference not in (0, world):
        if batch % reference:
            raise ConfigError(
                "SOLVER.REFERENCE_WORLD_SIZE",
                f"Invalid REFERENCE_WORLD_SIZE in config! IMS_PER_BATCH {batch} is not a multiple of "
                f"{reference}",
            )
        scale = world / reference
        lines.append(line("scale (auto_scale_workers)", f"{world} / REFERENCE_WORLD_SIZE {reference}", scale))
        old = batch, lr, iterations, warmup, steps
        batch = round(batch * scale)
        lr = lr * scale
        iterations = round(iterations / scale)
        warmup = round(warmup / scale)
        steps = tuple(round(step / scale) for step in steps)
        lines += [
            line("IMS_PER_BATCH", f"round({old[0]} x {scale:g})", batch),
            line("BASE_LR", f"{old[1]:g} x {scale:g}", lr),
            line("MAX_ITER", f"round({old[2]} / {scale:g})", iterations),
            line("WARMUP_ITERS", f"round({old[3]} / {scale:g})", warmup),
            line("STEPS", f"round({list(old[4])} / {scale:g})", list(steps)),
        ]
        notes.append(
            f"SOLVER.REFERENCE_WORLD_SIZE: {reference} is not the {world} processes, so DefaultTrainer's "
            f"auto_scale_workers rescales the batch, BASE_LR, MAX_ITER, WARMUP_ITERS and STEPS by {scale:g} "
            "(tools/train_net.py; a training script that builds its own trainer does not)"
        )
        if iterations == 0:
            raise ConfigError("SOLVER.MAX_ITER", f"rescaled by {scale:g}, MAX_ITER rounds to 0 iterations")
    elif reference == 0 and world > 1:
        notes.append(
            f"SOLVER.REFERENCE_WORLD_SIZE is 0: IMS_PER_BATCH {batch} is the total over the {world} "
            f"processes, and nothing rescales with the world size; set REFERENCE_WORLD_SIZE to the world "
            "size the config was tuned for to have DefaultTrainer rescale BASE_LR, MAX_ITER and STEPS"
        )
    if batch % world:
        raise ConfigError(
            "SOLVER.IMS_PER_BATCH",
            f"{batch} images per iteration do not split over {world} processes (Detectron2's "
            "build_batch_data_loader asserts IMS_PER_BATCH % world_size == 0)",
        )
    lines.append(line("images per process per iteration", f"{batch} / {world}", batch // world))
    lines.append(line("iterations", "MAX_ITER", iterations))
    if run.samples is not None:
        lines.append(
            line(
                "epochs (images seen / samples)",
                f"{iterations} x {batch} / {run.samples}",
                iterations * batch / run.samples,
            )
        )

    schedule = _schedule(name, config, steps, iterations, notes)
    factor = config.number("SOLVER.WARMUP_FACTOR", SOLVER["WARMUP_FACTOR"])
    method = config.text("SOLVER.WARMUP_METHOD", SOLVER["WARMUP_METHOD"])
    rescale = config.boolean("SOLVER.RESCALE_INTERVAL", False)
    length = min(warmup / iterations, 1.0)
    lines.append(line("warmup length", f"min({warmup} / {iterations}, 1)", length))
    if warmup > iterations:
        notes.append(
            f"SOLVER.WARMUP_ITERS: {warmup} is longer than the {iterations} iterations: the warmup "
            "covers the whole run, ramping towards the schedule's value at its end"
        )
    elif warmup and not rescale and name == "WarmupCosineLR":
        notes.append(
            f"SOLVER.RESCALE_INTERVAL is false: the warmup ramps to the cosine's value at iteration "
            f"{warmup}, not to BASE_LR, so the rate never reaches BASE_LR; set RESCALE_INTERVAL: true "
            "to start the cosine after the warmup"
        )
    if name == "WarmupStepWithFixedGammaLR":
        notes.append(
            "SOLVER.LR_SCHEDULER_NAME: with WarmupStepWithFixedGammaLR the scheduler step after the last "
            "iteration raises IndexError in fvcore (StepParamScheduler at where = 1 indexes past its "
            "values), so train() fails there, in the LRScheduler hook"
        )
    multiplier = repr_call("WarmupParamScheduler", [_Call(schedule), factor, length, method, rescale], {})
    scheduler = repr_call("LRMultiplier", [OPTIMIZER, _Call(multiplier)], {"max_iter": iterations})
    derived = {
        "world_size": world,
        "samples": run.samples,
        "ims_per_batch": batch,
        "base_lr": lr,
        "batches_per_epoch": None,
        "updates_per_epoch": iterations,
        "total_updates": iterations,
        "warmup_updates": min(warmup, iterations),
        "steps": list(steps),
    }
    return Derivation(
        version=version,
        config=config.resolved,
        derived=derived,
        lines=lines,
        notes=notes,
        scheduler=scheduler,
        lr=float(lr),
        updates_per_epoch=iterations,
        total_updates=iterations,
        frameworks=("detectron2",),
        argument_key=lambda argument: ARGUMENTS.get(argument or "", "SOLVER"),
    )


class _Call:
    """A call written into another, as it stands."""

    def __init__(self, text: str) -> None:
        self.text = text

    def __repr__(self) -> str:
        return self.text


def _schedule(name: str, config: Settings, steps: tuple[int, ...], iterations: int, notes: list[str]) -> str:
    """``build_lr_scheduler``'s fvcore schedule, as a call."""
    if name == "WarmupMultiStepLR":
        kept = [step for step in steps if step <= iterations]
        if len(kept) != len(steps):
            dropped = [step for step in steps if step > iterations]
            notes.append(
                f"SOLVER.STEPS: {dropped} {'is' if len(dropped) == 1 else 'are'} past MAX_ITER {iterations}, "
                f"so Detectron2 drops {'it' if len(dropped) == 1 else 'them'} (it only logs a warning): "
                "the rate never decays there"
            )
        gamma = config.number("SOLVER.GAMMA", SOLVER["GAMMA"])
        values = [gamma**k for k in range(len(kept) + 1)]
        return repr_call(
            "MultiStepParamScheduler", [], {"values": values, "milestones": kept, "num_updates": iterations}
        )
    if name == "WarmupCosineLR":
        base = config.number("SOLVER.BASE_LR", SOLVER["BASE_LR"])
        end = config.number("SOLVER.BASE_LR_END", SOLVER["BASE_LR_END"])
        if base == 0:
            raise ConfigError("SOLVER.BASE_LR", "WarmupCosineLR divides BASE_LR_END by BASE_LR, which is 0")
        ratio = end / base
        if not 0.0 <= ratio <= 1.0:
            raise ConfigError(
                "SOLVER.BASE_LR_END",
                f"BASE_LR_END / BASE_LR = {ratio:g}: Detectron2 asserts it is between 0 and 1",
            )
        return repr_call("CosineParamScheduler", [1, ratio], {})
    gamma = config.number("SOLVER.GAMMA", SOLVER["GAMMA"])
    decays = config.integer("SOLVER.NUM_DECAYS", SOLVER["NUM_DECAYS"])
    return repr_call(
        "StepWithFixedGammaParamScheduler",
        [],
        {"base_value": 1.0, "gamma": gamma, "num_decays": decays, "num_updates": iterations},
    )


def _steps(config: Settings) -> tuple[int, ...]:
    value = config.raw("SOLVER.STEPS", SOLVER["STEPS"])
    if not isinstance(value, (list, tuple)) or not all(
        isinstance(step, int) and not isinstance(step, bool) for step in value
    ):
        raise ConfigError(
            "SOLVER.STEPS", f"expected a tuple of iterations, like (60000, 80000), got {value!r}"
        )
    config.resolved["SOLVER.STEPS"] = list(value)
    return tuple(value)


def _solver(values: dict[str, Any]) -> dict[str, Any]:
    """The SOLVER section as yacs merges it: string values read as Python literals, each value of
    its default's type."""
    section = values.get("SOLVER") or {}
    if not isinstance(section, dict):
        raise ConfigError("SOLVER", f"expected a mapping, got {section!r}")
    unknown_keys(section, SOLVER, "a key of Detectron2's SOLVER (Non-existent config key)", "SOLVER.")
    merged = {}
    for key, value in section.items():
        merged[key] = _typed(f"SOLVER.{key}", _literal(value), SOLVER[key])
    return merged


def _literal(value: object) -> object:
    """yacs' ``_decode_cfg_value``: a string that is a Python literal is that literal."""
    if not isinstance(value, str):
        return value
    try:
        return ast.literal_eval(value)
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        return value


def _typed(key: str, value: object, default: object) -> object:
    """yacs' ``_check_and_coerce_cfg_value_type``."""
    if isinstance(default, dict):
        if not isinstance(value, dict):
            raise ConfigError(key, f"expected a mapping, got {value!r}")
        return value
    if type(value) is type(default) or value is None or default is None:
        return value
    if isinstance(value, (list, tuple)) and isinstance(default, (list, tuple)):
        return type(default)(value)
    raise ConfigError(
        key,
        f"Type mismatch: Detectron2's config refuses {value!r} ({type(value).__name__}) where its "
        f"default is {default!r} ({type(default).__name__})"
        + (f": write {float(value)!r}" if isinstance(default, float) and isinstance(value, int) else ""),
    )
