"""Golden runs of the real Lightning Trainer, for `lrsched trainer lightning`: trainer_lightning.json.

Each case is a config as `lrsched trainer lightning` reads it (``trainer:``, ``optimizer:``,
``lr_scheduler:``), a dataset length, a batch size and a world size. The script runs the real
``lightning.Trainer.fit`` on CPU with a one-parameter LightningModule whose
``configure_optimizers`` returns SGD and the case's scheduler (built by torch from the call,
``estimated_stepping_batches`` read from the real trainer), and records the rate each optimizer
step applies (``on_before_optimizer_step``) and its epoch.

A world size W > 1 is process 0 of W: the train dataloader samples with torch's own
``DistributedSampler(num_replicas=W, rank=0)``, as Lightning injects it in a W-process launch;
the rest is the real single-process Trainer, whose arithmetic reads only ``len(dataloader)``.

Run with the venv ../shared/trainenv.sh builds:  python scripts/trainer_lightning_goldens.py
"""

from __future__ import annotations

import json
import math
import tempfile
import warnings
from pathlib import Path
from typing import Any

OUT = Path(__file__).resolve().parent.parent / "tests" / "parity" / "trainer_lightning.json"

ONE_CYCLE = "OneCycleLR(optimizer, max_lr=0.1, total_steps=estimated_stepping_batches)"
COSINE = "CosineAnnealingLR(optimizer, T_max=estimated_stepping_batches, eta_min=0.001)"


def case(
    id: str,
    samples: int,
    batch_size: int,
    trainer: dict[str, Any],
    scheduler: dict[str, Any],
    world_size: int = 1,
) -> dict[str, Any]:
    return {
        "id": id,
        "samples": samples,
        "batch_size": batch_size,
        "world_size": world_size,
        "config": {"trainer": trainer, "optimizer": {"lr": 0.1}, "lr_scheduler": scheduler},
    }


CASES = [
    case(
        "issue-one-cycle-per-step",
        1000,
        8,
        {"max_epochs": 3, "accumulate_grad_batches": 4},
        {"scheduler": ONE_CYCLE, "interval": "step"},
        world_size=3,
    ),
    case(
        "issue-one-cycle-interval-default-epoch",
        1000,
        8,
        {"max_epochs": 3, "accumulate_grad_batches": 4},
        {"scheduler": ONE_CYCLE},
        world_size=3,
    ),
    case(
        "cosine-accumulate-3",
        50,
        4,
        {"max_epochs": 2, "accumulate_grad_batches": 3},
        {"scheduler": COSINE, "interval": "step"},
    ),
    case(
        "frequency-3-counts-micro-batches",
        45,
        4,
        {"max_epochs": 3, "accumulate_grad_batches": 2},
        {"scheduler": "StepLR(optimizer, step_size=2, gamma=0.5)", "interval": "step", "frequency": 3},
    ),
    case(
        "epoch-frequency-2",
        20,
        4,
        {"max_epochs": 5},
        {"scheduler": "StepLR(optimizer, step_size=1, gamma=0.5)", "frequency": 2},
    ),
    case(
        "max-steps-without-max-epochs",
        20,
        3,
        {"max_steps": 7},
        {"scheduler": "LinearLR(optimizer, start_factor=0.1, total_iters=7)", "interval": "step"},
    ),
    case(
        "max-steps-before-max-epochs",
        30,
        4,
        {"max_steps": 10, "max_epochs": 5, "accumulate_grad_batches": 2},
        {"scheduler": "ExponentialLR(optimizer, gamma=0.9)", "interval": "step"},
    ),
    case(
        "limit-train-batches-int",
        100,
        4,
        {"max_epochs": 2, "limit_train_batches": 5},
        {"scheduler": COSINE, "interval": "step"},
    ),
    case(
        "limit-train-batches-fraction-2-processes",
        70,
        4,
        {"max_epochs": 3, "limit_train_batches": 0.5, "accumulate_grad_batches": 3},
        {"scheduler": "MultiStepLR(optimizer, milestones=[3, 6], gamma=0.1)", "interval": "step"},
        world_size=2,
    ),
    case(
        "sequential-warmup-cosine",
        60,
        4,
        {"max_epochs": 1},
        {
            "scheduler": "SequentialLR(optimizer, schedulers=["
            "LinearLR(optimizer, start_factor=0.01, total_iters=3), "
            "CosineAnnealingLR(optimizer, T_max=12)], milestones=[3])",
            "interval": "step",
        },
    ),
    case(
        "lightning-cli-class-path",
        24,
        4,
        {"max_epochs": 4},
        {"class_path": "torch.optim.lr_scheduler.StepLR", "init_args": {"step_size": 1, "gamma": 0.5}},
    ),
]


def run(case: dict[str, Any]) -> dict[str, Any]:
    import lightning
    import torch
    from torch.utils.data import DataLoader, DistributedSampler, TensorDataset

    config = case["config"]
    section = config["lr_scheduler"]
    rates: list[float] = []
    epochs: list[int] = []
    seen: dict[str, Any] = {}

    class Tiny(lightning.LightningModule):
        def __init__(self) -> None:
            super().__init__()
            self.w = torch.nn.Parameter(torch.zeros(1))

        def training_step(self, batch: Any, batch_idx: int) -> Any:
            return ((self.w * batch[0] - 1.0) ** 2).mean()

        def configure_optimizers(self) -> Any:
            optimizer = torch.optim.SGD(self.parameters(), lr=config["optimizer"]["lr"])
            estimated = self.trainer.estimated_stepping_batches
            seen["estimated_stepping_batches"] = estimated
            if "class_path" in section:
                module, _, name = section["class_path"].rpartition(".")
                scheduler = getattr(__import__(module, fromlist=[name]), name)(
                    optimizer, **section["init_args"]
                )
                return {"optimizer": optimizer, "lr_scheduler": scheduler}  # as LightningCLI returns it
            call = section["scheduler"].replace("estimated_stepping_batches", str(estimated))
            namespace = {**vars(torch.optim.lr_scheduler), "optimizer": optimizer, "math": math}
            scheduler = eval(call, namespace)  # the script's own cases, never user input
            keys = {key: section[key] for key in ("interval", "frequency") if key in section}
            return {"optimizer": optimizer, "lr_scheduler": {"scheduler": scheduler, **keys}}

    class Record(lightning.Callback):
        def on_before_optimizer_step(self, trainer: Any, module: Any, optimizer: Any) -> None:
            rates.append(float(optimizer.param_groups[0]["lr"]))
            epochs.append(trainer.current_epoch + 1)

    data = TensorDataset(torch.ones(case["samples"], 1))
    world = case["world_size"]
    sampler = DistributedSampler(data, num_replicas=world, rank=0, shuffle=False) if world > 1 else None
    loader = DataLoader(data, batch_size=case["batch_size"], sampler=sampler)
    with tempfile.TemporaryDirectory() as tmp, warnings.catch_warnings():
        warnings.simplefilter("ignore")
        trainer = lightning.Trainer(
            accelerator="cpu",
            devices=1,
            logger=False,
            enable_checkpointing=False,
            enable_progress_bar=False,
            enable_model_summary=False,
            default_root_dir=tmp,
            callbacks=[Record()],
            **config["trainer"],
        )
        trainer.fit(Tiny(), train_dataloaders=loader)
    return {
        **case,
        "batches_per_epoch": trainer.num_training_batches,
        "estimated_stepping_batches": seen["estimated_stepping_batches"],
        "global_step": trainer.global_step,
        "rates": rates,
        "epochs": epochs,
        "versions": {"lightning": lightning.__version__, "torch": torch.__version__},
    }


def loader_lengths() -> list[str]:
    """ "N B W len len_drop_last" over a grid: the length of a torch DataLoader over torch's own
    DistributedSampler (rank 0 of W; no sampler for W = 1), without and with drop_last, as Lightning
    (keeping the last batch) and timm's and torchtune's training loaders (dropping it) build it."""
    import torch
    from torch.utils.data import DataLoader, DistributedSampler, TensorDataset

    rows = []
    for n in [1, 2, 5, 7, 8, 9, 16, 23, 33, 50, 64, 99, 100, 101, 1000]:
        data = TensorDataset(torch.zeros(n, 1))
        for b in [1, 3, 4, 8]:
            for w in [1, 2, 3, 4, 7]:
                lengths = []
                for drop_last in (False, True):
                    sampler = DistributedSampler(data, num_replicas=w, rank=0) if w > 1 else None
                    lengths.append(len(DataLoader(data, batch_size=b, sampler=sampler, drop_last=drop_last)))
                rows.append(f"{n} {b} {w} {lengths[0]} {lengths[1]}")
    return rows


def main() -> None:
    cases = [run(case) for case in CASES]
    document = {
        "source": "scripts/trainer_lightning_goldens.py: the real lightning.Trainer.fit on CPU, one rate per "
        "optimizer step as applied (on_before_optimizer_step)",
        "versions": cases[0]["versions"],
        "cases": cases,
        "loader_lengths": {
            "columns": ["samples", "batch_size", "world_size", "len", "len_drop_last"],
            "rows": loader_lengths(),
        },
    }
    OUT.write_text(json.dumps(document, indent=1) + "\n", encoding="utf-8")
    print(f"{OUT}: {len(cases)} cases")


if __name__ == "__main__":
    main()
