"""Golden runs of timm's training schedule, for `lrsched trainer timm`: tests/parity/trainer_timm.json.

timm's train.py is not in the timm wheel and needs torchvision, so the script runs its parts
that set the rates, each from the real thing where it is importable:

- the loader's length: a real torch ``DataLoader(drop_last=True)`` over a
  ``DistributedSampler(num_replicas=W, rank=0)`` (W > 1), as train.py's ``create_loader`` builds it
  for process 0;
- ``updates_per_epoch`` and the ``lr`` from ``lr_base`` when ``lr`` is unset: train.py's lines,
  copied below (huggingface/pytorch-image-models aa4b5850, train.py 837-845 and 1079);
- the scheduler and the epochs to run: the real ``create_scheduler_v2(optimizer,
  **scheduler_kwargs(args), updates_per_epoch=...)`` from timm 1.0.31 (loaded without
  timm/__init__.py, which needs torchvision);
- the stepping: train.py's loop, copied (train_one_epoch's ``step_update(num_updates)`` after each
  update, ``step(epoch + 1)`` after each epoch), recording ``param_groups[0]["lr"]`` before each
  optimizer step.

Run with the venv ../shared/trainenv.sh builds:  python scripts/trainer_timm_goldens.py
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import sys
import types
from pathlib import Path
from typing import Any

OUT = Path(__file__).resolve().parent.parent / "tests" / "parity" / "trainer_timm.json"

TRAIN_PY_DEFAULTS = {
    "sched": "cosine",
    "epochs": 300,
    "lr": None,
    "lr_base": 0.1,
    "lr_base_size": 256,
    "lr_base_scale": "",
    "opt": "sgd",
    "batch_size": 128,
    "grad_accum_steps": 1,
    "warmup_epochs": 5,
    "warmup_lr": 1e-5,
    "warmup_prefix": False,
    "min_lr": 0,
    "cooldown_epochs": 0,
    "decay_epochs": 90,
    "decay_milestones": [90, 180, 270],
    "decay_rate": 0.1,
    "lr_cycle_mul": 1.0,
    "lr_cycle_decay": 0.5,
    "lr_cycle_limit": 1,
    "lr_k_decay": 1.0,
    "lr_noise": None,
    "sched_on_updates": False,
    "seed": 42,
    "eval_metric": "top1",
    "patience_epochs": 10,
    "lr_noise_pct": 0.67,
    "lr_noise_std": 1.0,
}
"""train.py's argparse defaults for the arguments the schedule reads (read from its parser)."""

CASES: list[dict[str, Any]] = [
    {
        "id": "cosine-per-epoch-lr-from-lr-base-3-processes",
        "samples": 1000,
        "world_size": 3,
        "config": {
            "epochs": 10,
            "batch_size": 8,
            "grad_accum_steps": 4,
            "warmup_epochs": 2,
            "warmup_lr": 1e-4,
            "min_lr": 1e-5,
            "cooldown_epochs": 1,
            "opt": "adamw",
        },
    },
    {
        "id": "cosine-on-updates",
        "samples": 1000,
        "world_size": 3,
        "config": {
            "epochs": 10,
            "batch_size": 8,
            "grad_accum_steps": 4,
            "warmup_epochs": 2,
            "warmup_lr": 1e-4,
            "min_lr": 1e-5,
            "cooldown_epochs": 1,
            "lr": 0.05,
            "sched_on_updates": True,
        },
    },
    {
        "id": "cosine-warmup-prefix-cycles",
        "samples": 50,
        "world_size": 1,
        "config": {
            "epochs": 4,
            "batch_size": 4,
            "grad_accum_steps": 3,
            "warmup_epochs": 1,
            "warmup_prefix": True,
            "lr": 0.1,
            "lr_cycle_limit": 2,
            "lr_cycle_decay": 0.5,
        },
    },
    {
        "id": "step-lr-linear-scaling",
        "samples": 77,
        "world_size": 2,
        "config": {
            "sched": "step",
            "epochs": 8,
            "batch_size": 5,
            "decay_epochs": 3,
            "decay_rate": 0.5,
            "warmup_epochs": 1,
            "lr_base": 0.2,
            "lr_base_size": 64,
        },
    },
    {
        "id": "multistep-on-updates",
        "samples": 60,
        "world_size": 1,
        "config": {
            "sched": "multistep",
            "epochs": 6,
            "batch_size": 4,
            "grad_accum_steps": 2,
            "decay_milestones": [2, 4],
            "decay_rate": 0.3,
            "warmup_epochs": 1,
            "lr": 0.1,
            "sched_on_updates": True,
        },
    },
    {
        "id": "poly-k-decay",
        "samples": 40,
        "world_size": 1,
        "config": {
            "sched": "poly",
            "epochs": 5,
            "batch_size": 4,
            "decay_rate": 2.0,
            "lr_k_decay": 0.5,
            "warmup_epochs": 0,
            "lr": 0.1,
            "min_lr": 1e-3,
        },
    },
    {
        "id": "tanh-on-updates",
        "samples": 48,
        "world_size": 1,
        "config": {
            "sched": "tanh",
            "epochs": 3,
            "batch_size": 4,
            "warmup_epochs": 1,
            "lr": 0.1,
            "sched_on_updates": True,
        },
    },
    {
        "id": "constant-warmup-prefix",
        "samples": 30,
        "world_size": 1,
        "config": {
            "sched": "constant",
            "epochs": 3,
            "batch_size": 4,
            "warmup_epochs": 2,
            "warmup_prefix": True,
            "lr": 0.1,
        },
    },
]


def _load_timm_scheduler() -> Any:
    """timm.scheduler without timm/__init__.py (which needs torchvision)."""
    if "timm.scheduler" in sys.modules:
        return sys.modules["timm.scheduler"]
    spec = importlib.util.find_spec("timm")
    assert spec is not None and spec.submodule_search_locations is not None
    package = types.ModuleType("timm")
    package.__path__ = list(spec.submodule_search_locations)
    sys.modules["timm"] = package
    import timm.scheduler

    return timm.scheduler


def run(case: dict[str, Any]) -> dict[str, Any]:
    import torch
    from torch.utils.data import DataLoader, DistributedSampler, TensorDataset

    scheduler_module = _load_timm_scheduler()
    args = argparse.Namespace(**{**TRAIN_PY_DEFAULTS, **case["config"]})
    args.world_size = case["world_size"]
    args.grad_accum_steps = max(1, args.grad_accum_steps)

    data = TensorDataset(torch.ones(case["samples"], 1))
    sampler = DistributedSampler(data, num_replicas=args.world_size, rank=0) if args.world_size > 1 else None
    loader = DataLoader(data, batch_size=args.batch_size, sampler=sampler, drop_last=True)

    # train.py 837-845
    if not args.lr:
        global_batch_size = args.batch_size * args.world_size * args.grad_accum_steps
        batch_ratio = global_batch_size / args.lr_base_size
        if not args.lr_base_scale:
            on = args.opt.lower()
            args.lr_base_scale = "sqrt" if any([o in on for o in ("ada", "lamb")]) else "linear"
        if args.lr_base_scale == "sqrt":
            batch_ratio = batch_ratio**0.5
        args.lr = args.lr_base * batch_ratio

    model = torch.nn.Linear(1, 1)
    optimizer = torch.optim.SGD(model.parameters(), lr=args.lr)
    # train.py 1079-1084
    updates_per_epoch = (len(loader) + args.grad_accum_steps - 1) // args.grad_accum_steps
    lr_scheduler, num_epochs = scheduler_module.create_scheduler_v2(
        optimizer, **scheduler_module.scheduler_kwargs(args), updates_per_epoch=updates_per_epoch
    )
    rates: list[float] = []
    epochs: list[int] = []
    for epoch in range(num_epochs):  # train.py's epoch loop and train_one_epoch's stepping
        num_updates = epoch * updates_per_epoch
        for batch_idx in range(len(loader)):
            last_batch = batch_idx == len(loader) - 1
            need_update = last_batch or (batch_idx + 1) % args.grad_accum_steps == 0
            if not need_update:
                continue
            rates.append(float(optimizer.param_groups[0]["lr"]))
            epochs.append(epoch + 1)
            optimizer.step()
            num_updates += 1
            lr_scheduler.step_update(num_updates=num_updates, metric=None)
        lr_scheduler.step(epoch + 1, metric=None)

    return {
        **case,
        "batches_per_epoch": len(loader),
        "updates_per_epoch": updates_per_epoch,
        "num_epochs": num_epochs,
        "lr": args.lr,
        "rates": rates,
        "epochs": epochs,
        "versions": {"timm": _timm_version(), "torch": torch.__version__},
    }


def _timm_version() -> str:
    from importlib.metadata import version

    return version("timm")


def main() -> None:
    cases = [run(case) for case in CASES]
    document = {
        "source": "scripts/trainer_timm_goldens.py: timm 1.0.31's create_scheduler_v2 stepped as train.py "
        "(aa4b5850) steps it, over a real DataLoader's length; one rate per optimizer update",
        "versions": cases[0]["versions"],
        "cases": cases,
    }
    OUT.write_text(json.dumps(document, indent=1) + "\n", encoding="utf-8")
    print(f"{OUT}: {len(cases)} cases")


if __name__ == "__main__":
    main()
