"""Golden vectors from the real DeepSpeed, for `lrsched from` and `lrsched trainer deepspeed`.

Writes tests/parity/deepspeed.json (each scheduler class of ``deepspeed.runtime.lr_schedules``,
constructed on a torch SGD optimizer and stepped as the engine steps it, once per update: row 1
is the rate the constructor set) and tests/parity/trainer_deepspeed.json (configs run through
the real ``deepspeed.initialize`` engine on CPU, ``training_data=`` a dataset of the samples one
process gets: the user's loop calls ``engine.backward`` and ``engine.step`` per micro-batch for
``--epochs`` passes, and the rate each update applies is read at its accumulation boundary).

A world size W > 1 is process 0 of W: the engine runs as one process over the ``ceil(N / W)``
samples a ``DistributedSampler`` gives rank 0 (the length is checked against DeepSpeed's own
``DeepSpeedDataLoader`` built for W processes), and the batch keys are resolved by DeepSpeed's
own ``DeepSpeedConfig`` with a data-parallel world size of W (an ``mpu`` stub saying W).

The HF cases (``hf`` keys) fill ``"auto"`` with transformers' own ``HfTrainerDeepSpeedConfig``
(``trainer_config_process``, ``trainer_config_finalize``) from real ``TrainingArguments``, with
``num_training_steps`` as the HF Trainer computes it (the ``trainer hf`` goldens check that
arithmetic against the real ``Trainer.train()``), then step the real DeepSpeed scheduler.

Run with /work/venvs/trainenv/bin/python (deepspeed 0.19.8, torch CPU).
"""

from __future__ import annotations

import json
import math
import os
import sys
from pathlib import Path
from typing import Any

os.environ.setdefault("MASTER_ADDR", "127.0.0.1")
os.environ.setdefault("MASTER_PORT", "29517")
os.environ.setdefault("RANK", "0")
os.environ.setdefault("WORLD_SIZE", "1")
os.environ.setdefault("LOCAL_RANK", "0")

import deepspeed
import torch
from deepspeed.runtime import lr_schedules

PARITY = Path(__file__).resolve().parent.parent / "tests" / "parity"

FROM_CASES: list[tuple[str, str, float, int]] = [
    ("warmup-log-10", "WarmupLR(optimizer, warmup_num_steps=10)", 1e-3, 14),
    ("warmup-linear-10", "WarmupLR(optimizer, warmup_num_steps=10, warmup_type='linear')", 1e-3, 14),
    (
        "warmup-min-max",
        "WarmupLR(optimizer, warmup_min_lr=1e-4, warmup_max_lr=0.01, warmup_num_steps=5)",
        0.5,
        9,
    ),
    ("warmup-one-step", "WarmupLR(optimizer, warmup_num_steps=1, warmup_type='linear')", 0.1, 5),
    ("warmup-prefixed", "deepspeed.runtime.lr_schedules.WarmupLR(optimizer, warmup_num_steps=3)", 0.2, 6),
    ("decay-20-5", "WarmupDecayLR(optimizer, total_num_steps=20, warmup_num_steps=5)", 0.1, 24),
    (
        "decay-linear-past-end",
        "WarmupDecayLR(optimizer, 12, warmup_min_lr=0.001, warmup_max_lr=0.1, warmup_num_steps=4, "
        "warmup_type='linear')",
        0.1,
        18,
    ),
    ("decay-total-below-warmup", "WarmupDecayLR(optimizer, total_num_steps=3, warmup_num_steps=6)", 0.1, 10),
    (
        "decay-max-none",
        "WarmupDecayLR(optimizer, total_num_steps=10, warmup_max_lr=None, warmup_num_steps=4)",
        0.3,
        13,
    ),
    ("cosine-20-5", "WarmupCosineLR(optimizer, total_num_steps=20, warmup_num_steps=5)", 1e-3, 25),
    (
        "cosine-linear-ratios",
        "WarmupCosineLR(optimizer, total_num_steps=30, warmup_min_ratio=0.1, warmup_num_steps=6, "
        "cos_min_ratio=0.05, warmup_type='linear')",
        0.02,
        34,
    ),
    (
        "cosine-total-equals-warmup",
        "WarmupCosineLR(optimizer, total_num_steps=4, warmup_num_steps=4, warmup_type='linear')",
        0.1,
        8,
    ),
    (
        "onecycle-plain",
        "OneCycle(optimizer, cycle_min_lr=0.001, cycle_max_lr=0.1, cycle_first_step_size=5)",
        0.1,
        15,
    ),
    (
        "onecycle-asymmetric-decay",
        "OneCycle(optimizer, 0.01, 0.1, decay_lr_rate=0.5, cycle_first_step_size=4, "
        "cycle_second_step_size=6, decay_step_size=2)",
        0.1,
        20,
    ),
    (
        "onecycle-stairs",
        "OneCycle(optimizer, 0.0, 1.0, cycle_first_step_size=6, cycle_first_stair_count=3, "
        "cycle_second_step_size=4, cycle_second_stair_count=2)",
        0.1,
        14,
    ),
    (
        "range-continuous",
        "LRRangeTest(optimizer, lr_range_test_min_lr=1e-4, lr_range_test_step_size=3)",
        0.1,
        12,
    ),
    (
        "range-staircase",
        "LRRangeTest(optimizer, lr_range_test_min_lr=0.001, lr_range_test_step_size=4, "
        "lr_range_test_step_rate=2.0, lr_range_test_staircase=True)",
        0.1,
        14,
    ),
]


def optimizer(lr: float) -> torch.optim.Optimizer:
    return torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=lr)


def from_cases() -> list[dict[str, Any]]:
    cases = []
    for case_id, expression, lr, rows in FROM_CASES:
        opt = optimizer(lr)
        namespace = {name: getattr(lr_schedules, name) for name in lr_schedules.VALID_LR_SCHEDULES}
        namespace.update(optimizer=opt, deepspeed=deepspeed)
        scheduler = eval(expression, namespace)  # the script's own cases, in the real DeepSpeed
        rates = [float(opt.param_groups[0]["lr"])]
        for _ in range(rows - 1):
            opt.step()
            scheduler.step()
            rates.append(float(opt.param_groups[0]["lr"]))
        cases.append({"id": case_id, "expression": expression, "lr": lr, "rows": rows, "rates": rates})
    return cases


TRAINER_CASES: list[dict[str, Any]] = [
    {
        "id": "issue-1000-samples-3-processes",
        "samples": 1000,
        "world_size": 3,
        "epochs": 3,
        "config": {
            "train_micro_batch_size_per_gpu": 8,
            "gradient_accumulation_steps": 4,
            "optimizer": {"type": "AdamW", "params": {"lr": 2e-5}},
            "scheduler": {
                "type": "WarmupDecayLR",
                "params": {
                    "total_num_steps": 31,
                    "warmup_num_steps": 4,
                    "warmup_max_lr": 2e-5,
                    "warmup_type": "linear",
                },
            },
        },
    },
    {
        "id": "train-batch-only-log-warmup",
        "samples": 100,
        "world_size": 1,
        "epochs": 2,
        "config": {
            "train_batch_size": 16,
            "optimizer": {"type": "Adam", "params": {"lr": 0.01}},
            "scheduler": {"type": "WarmupLR", "params": {"warmup_num_steps": 5}},
        },
    },
    {
        "id": "train-and-micro-batch-drop-last-cosine",
        "samples": 250,
        "world_size": 2,
        "epochs": 2,
        "config": {
            "train_batch_size": 24,
            "train_micro_batch_size_per_gpu": 4,
            "dataloader_drop_last": True,
            "optimizer": {"type": "AdamW", "params": {"lr": 0.001}},
            "scheduler": {
                "type": "WarmupCosineLR",
                "params": {"total_num_steps": 20, "warmup_num_steps": 3, "warmup_type": "linear"},
            },
        },
    },
    {
        "id": "torch-scheduler-by-name",
        "samples": 64,
        "world_size": 1,
        "epochs": 3,
        "config": {
            "train_micro_batch_size_per_gpu": 4,
            "gradient_accumulation_steps": 2,
            "optimizer": {"type": "SGD", "params": {"lr": 0.1}},
            "scheduler": {"type": "CosineAnnealingLR", "params": {"T_max": 24}},
        },
    },
    {
        "id": "onecycle-accumulation-across-epochs",
        "samples": 30,
        "world_size": 1,
        "epochs": 4,
        "config": {
            "train_batch_size": 12,
            "gradient_accumulation_steps": 3,
            "optimizer": {"type": "SGD", "params": {"lr": 0.1}},
            "scheduler": {
                "type": "OneCycle",
                "params": {
                    "cycle_min_lr": 0.001,
                    "cycle_max_lr": 0.05,
                    "cycle_first_step_size": 3,
                    "cycle_momentum": False,
                },
            },
        },
    },
]

HF_CASES: list[dict[str, Any]] = [
    {
        "id": "hf-auto-warmup-decay",
        "samples": 1000,
        "world_size": 1,
        "num_training_steps": 96,  # ceil(3 x ceil(ceil(1000 / 8) / 4)) = 3 x 32
        "hf": {
            "per_device_train_batch_size": 8,
            "gradient_accumulation_steps": 4,
            "learning_rate": 2e-5,
            "warmup_steps": 0.1,
            "num_train_epochs": 3,
        },
        "config": {
            "train_micro_batch_size_per_gpu": "auto",
            "gradient_accumulation_steps": "auto",
            "train_batch_size": "auto",
            "optimizer": {"type": "AdamW", "params": {"lr": "auto"}},
            "scheduler": {
                "type": "WarmupDecayLR",
                "params": {
                    "warmup_min_lr": "auto",
                    "warmup_max_lr": "auto",
                    "warmup_num_steps": "auto",
                    "total_num_steps": "auto",
                },
            },
        },
    },
    {
        "id": "hf-auto-no-warmup-cosine",
        "samples": 200,
        "world_size": 1,
        "num_training_steps": 50,  # ceil(2 x ceil(200 / 8)) = 50
        "hf": {"per_device_train_batch_size": 8, "learning_rate": 3e-4, "num_train_epochs": 2},
        "config": {
            "train_micro_batch_size_per_gpu": "auto",
            "scheduler": {
                "type": "WarmupCosineLR",
                "params": {"warmup_num_steps": "auto", "total_num_steps": "auto", "warmup_type": "linear"},
            },
        },
    },
]


class DataParallel:
    """An ``mpu`` stub: DeepSpeedConfig asks it for the data-parallel world size, nothing else."""

    def __init__(self, world: int) -> None:
        self.world = world

    def get_data_parallel_world_size(self) -> int:
        return self.world


def trainer_case(case: dict[str, Any]) -> dict[str, Any]:
    from deepspeed.runtime.config import DeepSpeedConfig
    from deepspeed.runtime.dataloader import DeepSpeedDataLoader
    from torch.utils.data import TensorDataset

    world, samples = case["world_size"], case["samples"]
    resolved = DeepSpeedConfig(json.loads(json.dumps(case["config"])), mpu=DataParallel(world))
    micro, accumulation = resolved.train_micro_batch_size_per_gpu, resolved.gradient_accumulation_steps
    full = TensorDataset(torch.zeros(samples, 1), torch.zeros(samples, 1))
    shard = DeepSpeedDataLoader(
        full,
        batch_size=micro,
        pin_memory=False,
        local_rank=0,
        tput_timer=None,
        data_parallel_world_size=world,
        data_parallel_rank=0,
        dataloader_drop_last=resolved.dataloader_drop_last,
    )
    per_process = math.ceil(samples / world)
    config = json.loads(json.dumps(case["config"]))
    config.pop("train_batch_size", None)
    config["train_micro_batch_size_per_gpu"] = micro
    config["gradient_accumulation_steps"] = accumulation
    optimizer_lr = config.pop("optimizer")["params"]["lr"]
    model = torch.nn.Linear(1, 1)
    client = torch.optim.SGD(model.parameters(), lr=optimizer_lr)
    data = TensorDataset(torch.zeros(per_process, 1), torch.zeros(per_process, 1))
    engine, opt, loader, _ = deepspeed.initialize(
        model=model, optimizer=client, config=config, training_data=data
    )
    assert len(loader) == len(shard), (len(loader), len(shard))
    rates = []
    for _ in range(case["epochs"]):
        for x, y in loader:
            engine.backward(((engine(x) - y) ** 2).mean())
            if engine.is_gradient_accumulation_boundary():
                rates.append(float(opt.param_groups[0]["lr"]))
            engine.step()
    return {**case, "batches_per_epoch": len(loader), "total_updates": len(rates), "rates": rates}


def hf_case(case: dict[str, Any]) -> dict[str, Any]:
    import tempfile

    from transformers import TrainingArguments
    from transformers.integrations.deepspeed import HfTrainerDeepSpeedConfig

    with tempfile.TemporaryDirectory() as out:
        args = TrainingArguments(output_dir=out, use_cpu=True, report_to=[], **case["hf"])
        ds = HfTrainerDeepSpeedConfig(json.loads(json.dumps(case["config"])))
        ds.trainer_config_process(args)
        ds.trainer_config_finalize(args, torch.nn.Linear(1, 1), case["num_training_steps"])
    params = ds.config["scheduler"]["params"]
    lr = ds.config.get("optimizer", {}).get("params", {}).get("lr", args.learning_rate)
    opt = optimizer(lr)
    scheduler = getattr(lr_schedules, ds.config["scheduler"]["type"])(opt, **params)
    rates = [float(opt.param_groups[0]["lr"])]
    for _ in range(case["num_training_steps"] - 1):
        opt.step()
        scheduler.step()
        rates.append(float(opt.param_groups[0]["lr"]))
    return {**case, "filled": params, "total_updates": case["num_training_steps"], "rates": rates}


def main() -> None:
    versions = {"deepspeed": deepspeed.__version__, "torch": torch.__version__}
    document = {
        "framework": "deepspeed",
        "versions": versions,
        "generator": "scripts/deepspeed_goldens.py",
        "cases": from_cases(),
    }
    (PARITY / "deepspeed.json").write_text(json.dumps(document, indent=1) + "\n")
    import transformers

    trainer = {
        "source": "scripts/deepspeed_goldens.py: the real deepspeed.initialize engine on CPU, stepped by a "
        "loop over its training_data loader; HF cases through transformers' HfTrainerDeepSpeedConfig",
        "versions": {**versions, "transformers": transformers.__version__},
        "cases": [trainer_case(case) for case in TRAINER_CASES],
        "hf_cases": [hf_case(case) for case in HF_CASES],
    }
    (PARITY / "trainer_deepspeed.json").write_text(json.dumps(trainer, indent=1) + "\n")
    print(
        "wrote",
        len(document["cases"]),
        "from cases,",
        len(trainer["cases"]),
        "+",
        len(trainer["hf_cases"]),
        "trainer cases",
        file=sys.stderr,
    )


if __name__ == "__main__":
    main()
