"""Golden runs of torchtune's schedule, for `lrsched trainer torchtune`: tests/parity/trainer_torchtune.json.

A recipe needs a model, a tokenizer and torch.distributed, so the script runs the parts that set
the rates, each from the real thing where it is importable:

- the dataloader's length: a real torch ``DataLoader(drop_last=True)`` over a
  ``DistributedSampler(num_replicas=W, rank=0)`` (W > 1; the recipe's ``StatefulDistributedSampler``
  from torchdata, not installed here, subclasses it and keeps its length), as
  recipes/full_finetune_distributed.py builds it for process 0 (torchtune 0.6.1, 710-736);
- ``steps_per_epoch`` and the scheduler's arguments: the recipe's lines, copied below (370-384);
- the scheduler: the real ``torchtune.training.lr_schedulers.get_cosine_schedule_with_warmup``
  (imported with empty parent packages: torchtune/__init__.py needs torchao);
- the stepping: the recipe's loop, copied (an update every ``gradient_accumulation_steps``
  batches, ``lr_scheduler.step()`` after it, the break at ``max_steps_per_epoch``), recording
  ``param_groups[0]["lr"]`` before each optimizer step.

Run with the venv ../shared/trainenv.sh builds:  python scripts/trainer_torchtune_goldens.py
"""

from __future__ import annotations

import importlib.util
import json
import sys
import types
from pathlib import Path
from typing import Any

OUT = Path(__file__).resolve().parent.parent / "tests" / "parity" / "trainer_torchtune.json"

COMPONENT = "torchtune.training.lr_schedulers.get_cosine_schedule_with_warmup"


def case(id: str, samples: int, world_size: int, **config: Any) -> dict[str, Any]:
    scheduler = {"_component_": COMPONENT, **config.pop("lr_scheduler")}
    return {
        "id": id,
        "samples": samples,
        "world_size": world_size,
        "config": {
            "optimizer": {"_component_": "torch.optim.AdamW", "lr": 2e-5},
            "lr_scheduler": scheduler,
            **config,
        },
    }


CASES = [
    case(
        "issue-1000-samples-3-processes",
        1000,
        3,
        batch_size=8,
        epochs=3,
        gradient_accumulation_steps=4,
        max_steps_per_epoch=None,
        lr_scheduler={"num_warmup_steps": 3},
    ),
    case(
        "max-steps-per-epoch-caps",
        500,
        1,
        batch_size=4,
        epochs=2,
        gradient_accumulation_steps=3,
        max_steps_per_epoch=7,
        lr_scheduler={"num_warmup_steps": 2},
    ),
    case(
        "cap-above-the-epoch",
        90,
        2,
        batch_size=4,
        epochs=2,
        gradient_accumulation_steps=2,
        max_steps_per_epoch=100,
        lr_scheduler={"num_warmup_steps": 1, "num_cycles": 1.0},
    ),
    case("no-accumulation", 37, 1, batch_size=5, epochs=4, lr_scheduler={"num_warmup_steps": 0}),
]


def _load_lr_schedulers() -> Any:
    """torchtune.training.lr_schedulers with empty torchtune and torchtune.training packages."""
    if "torchtune.training.lr_schedulers" in sys.modules:
        return sys.modules["torchtune.training.lr_schedulers"]
    spec = importlib.util.find_spec("torchtune")
    assert spec is not None and spec.submodule_search_locations is not None
    root = next(iter(spec.submodule_search_locations))
    for name, path in (("torchtune", root), ("torchtune.training", f"{root}/training")):
        package = types.ModuleType(name)
        package.__path__ = [path]
        sys.modules[name] = package
    import torchtune.training.lr_schedulers as module

    return module


def run(case: dict[str, Any]) -> dict[str, Any]:
    import torch
    from torch.utils.data import DataLoader, DistributedSampler, TensorDataset

    schedulers = _load_lr_schedulers()
    cfg = {"gradient_accumulation_steps": 1, "max_steps_per_epoch": None, **case["config"]}
    data = TensorDataset(torch.ones(case["samples"], 1))
    world = case["world_size"]
    sampler = DistributedSampler(data, num_replicas=world, rank=0, shuffle=False) if world > 1 else None
    dataloader = DataLoader(data, batch_size=cfg["batch_size"], sampler=sampler, drop_last=True)
    model = torch.nn.Linear(1, 1)
    optimizer = torch.optim.AdamW(model.parameters(), lr=cfg["optimizer"]["lr"])
    accumulation = cfg["gradient_accumulation_steps"]
    max_steps_per_epoch = cfg["max_steps_per_epoch"]
    # full_finetune_distributed.py 370-384
    steps_per_epoch = len(dataloader) // accumulation
    if max_steps_per_epoch is not None and max_steps_per_epoch < steps_per_epoch:
        steps_per_epoch = max_steps_per_epoch
    arguments = {k: v for k, v in cfg["lr_scheduler"].items() if k != "_component_"}
    lr_scheduler = schedulers.get_cosine_schedule_with_warmup(
        optimizer, **arguments, num_training_steps=cfg["epochs"] * steps_per_epoch, last_epoch=-1
    )
    rates: list[float] = []
    epochs: list[int] = []
    global_step = 0
    for curr_epoch in range(cfg["epochs"]):  # the recipe's train loop
        for idx, _ in enumerate(dataloader):
            if (idx + 1) % accumulation == 0:
                rates.append(float(optimizer.param_groups[0]["lr"]))
                epochs.append(curr_epoch + 1)
                optimizer.step()
                global_step += 1
                lr_scheduler.step()
            if ((idx + 1) // accumulation) == max_steps_per_epoch:
                break
    from importlib.metadata import version

    return {
        **case,
        "batches_per_epoch": len(dataloader),
        "steps_per_epoch": steps_per_epoch,
        "global_step": global_step,
        "rates": rates,
        "epochs": epochs,
        "versions": {"torchtune": version("torchtune"), "torch": torch.__version__},
    }


def main() -> None:
    cases = [run(case) for case in CASES]
    document = {
        "source": "scripts/trainer_torchtune_goldens.py: torchtune 0.6.1's get_cosine_schedule_with_warmup "
        "stepped as recipes/full_finetune_distributed.py steps it, over a real DataLoader's length",
        "versions": cases[0]["versions"],
        "cases": cases,
    }
    OUT.write_text(json.dumps(document, indent=1) + "\n", encoding="utf-8")
    print(f"{OUT}: {len(cases)} cases")


if __name__ == "__main__":
    main()
