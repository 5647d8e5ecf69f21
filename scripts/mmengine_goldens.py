"""Golden vectors from the real MMEngine, for `lrsched from` and `lrsched trainer mmengine`.

tests/parity/mmengine.json: each case a list of scheduler configs, built by MMEngine's own
``PARAM_SCHEDULERS.build`` on a torch SGD optimizer (with ``epoch_length`` where given, as the
Runner passes it) and stepped by MMEngine's own ``ParamSchedulerHook`` (``after_train_iter``
each row, ``after_train_epoch`` every ``epoch_length`` rows; without an epoch length every
scheduler steps each row). Row 1 is the rate after construction. The expression is what a user
pastes: the class call for one scheduler, the config's ``param_scheduler = [...]`` for a list.

tests/parity/trainer_mmengine.json: Python configs (with ``_base_`` files) run by the real
``mmengine.runner.Runner`` on CPU (a one-parameter model, a dataset of the given length, the
config's ``train_dataloader``, ``train_cfg``, ``optim_wrapper`` and ``param_scheduler``); a hook
records, after each iteration and before the schedulers step, the rate it used and whether the
optimizer wrapper updated. A world size W > 1 is process 0 of W: the Runner runs over the
``ceil(N / W)`` samples ``DefaultSampler`` (``round_up=True``) gives rank 0.

Run with /work/venvs/trainenv/bin/python (mmengine 0.10.7, torch CPU).
"""

from __future__ import annotations

import json
import math
import tempfile
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import mmengine
import torch
from mmengine.hooks import Hook, ParamSchedulerHook
from mmengine.registry import PARAM_SCHEDULERS

PARITY = Path(__file__).resolve().parent.parent / "tests" / "parity"
INF = int(1e9)

FROM_CASES: list[dict[str, Any]] = [
    {
        "id": "linear-warmup-5",
        "lr": 0.1,
        "rows": 8,
        "schedulers": [{"type": "LinearLR", "start_factor": 0.1, "begin": 0, "end": 5}],
    },
    {
        "id": "linear-begin-2",
        "lr": 0.1,
        "rows": 10,
        "schedulers": [
            {
                "type": "LinearLR",
                "start_factor": 0.25,
                "end_factor": 0.5,
                "begin": 2,
                "end": 7,
                "by_epoch": False,
            }
        ],
    },
    {
        "id": "constant-3",
        "lr": 0.1,
        "rows": 6,
        "schedulers": [{"type": "ConstantLR", "factor": 0.5, "end": 3}],
    },
    {
        "id": "cosine-begin-5-end-25",
        "lr": 0.1,
        "rows": 28,
        "schedulers": [{"type": "CosineAnnealingLR", "T_max": 20, "eta_min": 0.0, "begin": 5, "end": 25}],
    },
    {
        "id": "cosine-default-tmax-ratio",
        "lr": 0.1,
        "rows": 13,
        "schedulers": [{"type": "CosineAnnealingLR", "eta_min_ratio": 0.01, "end": 10}],
    },
    {
        "id": "cosine-no-end-periodic",
        "lr": 0.1,
        "rows": 12,
        "schedulers": [{"type": "CosineAnnealingLR", "T_max": 4, "eta_min": 0.01}],
    },
    {
        "id": "exponential-window",
        "lr": 0.1,
        "rows": 9,
        "schedulers": [{"type": "ExponentialLR", "gamma": 0.8, "begin": 1, "end": 6}],
    },
    {"id": "step-3", "lr": 0.1, "rows": 12, "schedulers": [{"type": "StepLR", "step_size": 3, "gamma": 0.5}]},
    {
        "id": "multistep-repeated",
        "lr": 0.1,
        "rows": 10,
        "schedulers": [{"type": "MultiStepLR", "milestones": [2, 5, 5], "gamma": 0.5}],
    },
    {
        "id": "poly-end-8",
        "lr": 0.1,
        "rows": 11,
        "schedulers": [{"type": "PolyLR", "eta_min": 0.001, "power": 2.0, "end": 8}],
    },
    {
        "id": "onecycle-10",
        "lr": 0.1,
        "rows": 13,
        "schedulers": [{"type": "OneCycleLR", "eta_max": 0.1, "total_steps": 10, "pct_start": 0.3}],
    },
    {
        "id": "onecycle-three-phase-linear",
        "lr": 0.1,
        "rows": 12,
        "schedulers": [
            {
                "type": "OneCycleLR",
                "eta_max": 0.5,
                "total_steps": 12,
                "pct_start": 0.25,
                "anneal_strategy": "linear",
                "three_phase": True,
                "by_epoch": False,
            }
        ],
    },
    {
        "id": "cosine-restart",
        "lr": 0.1,
        "rows": 16,
        "schedulers": [
            {"type": "CosineRestartLR", "periods": [5, 8], "restart_weights": [1.0, 0.5], "eta_min": 0.001}
        ],
    },
    {
        "id": "list-warmup-then-cosine",
        "lr": 0.01,
        "rows": 27,
        "schedulers": [
            {"type": "LinearLR", "start_factor": 0.1, "by_epoch": False, "begin": 0, "end": 5},
            {
                "type": "CosineAnnealingLR",
                "T_max": 20,
                "eta_min": 0.0,
                "by_epoch": False,
                "begin": 5,
                "end": 25,
            },
        ],
    },
    {
        "id": "list-overlapping-chain",
        "lr": 0.1,
        "rows": 12,
        "schedulers": [
            {"type": "LinearLR", "start_factor": 0.2, "end": 4},
            {"type": "MultiStepLR", "milestones": [3, 8], "gamma": 0.1},
        ],
    },
    {
        "id": "list-iter-warmup-epoch-cosine-converted",
        "lr": 0.02,
        "rows": 40,
        "epoch_length": 4,
        "schedulers": [
            {"type": "LinearLR", "start_factor": 0.001, "by_epoch": False, "begin": 0, "end": 6},
            {
                "type": "CosineAnnealingLR",
                "T_max": 9,
                "eta_min": 1e-5,
                "begin": 1,
                "end": 10,
                "convert_to_iter_based": True,
            },
        ],
    },
    {
        "id": "list-mixed-epoch-steps",
        "lr": 0.1,
        "rows": 30,
        "epoch_length": 5,
        "schedulers": [
            {"type": "LinearLR", "start_factor": 0.5, "by_epoch": False, "end": 4},
            {"type": "StepLR", "step_size": 2, "gamma": 0.5},
        ],
    },
]


def expression(case: dict[str, Any]) -> str:
    schedulers = case["schedulers"]

    def arguments(config: dict[str, Any]) -> str:
        return ", ".join(f"{key}={value!r}" for key, value in config.items() if key != "type")

    if len(schedulers) == 1 and "epoch_length" not in case:
        config = schedulers[0]
        return f"mmengine.optim.{config['type']}(optimizer, {arguments(config)})"
    items = ", ".join(f"dict(type={config['type']!r}, {arguments(config)})" for config in schedulers)
    if "epoch_length" in case:
        return f"param_scheduler([{items}], epoch_length={case['epoch_length']})"
    return f"param_scheduler = [{items}]"


def from_case(case: dict[str, Any]) -> dict[str, Any]:
    optimizer = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=case["lr"])
    length = case.get("epoch_length")
    defaults = (
        {"optimizer": optimizer} if length is None else {"optimizer": optimizer, "epoch_length": length}
    )
    schedulers = [
        PARAM_SCHEDULERS.build(dict(config), default_args=defaults) for config in case["schedulers"]
    ]
    runner = SimpleNamespace(param_schedulers=schedulers)
    hook = ParamSchedulerHook()
    rates = [float(optimizer.param_groups[0]["lr"])]
    end = None
    for row in range(1, case["rows"]):
        optimizer.step()
        try:
            if length is None:
                for scheduler in schedulers:
                    scheduler.step()
            else:
                hook.after_train_iter(runner, row - 1)
                if row % length == 0:
                    hook.after_train_epoch(runner)
        except ValueError:  # OneCycleLR past total_steps
            end = row
            break
        rates.append(float(optimizer.param_groups[0]["lr"]))
    return {"id": case["id"], "expression": expression(case), "lr": case["lr"], "rows": case["rows"],
            "end": end, "rates": rates}  # fmt: skip


TRAINER_CASES: list[dict[str, Any]] = [
    {
        "id": "reference-warmup-and-converted-cosine",
        "samples": 50,
        "world_size": 1,
        "files": {
            "config.py": (
                "param_scheduler = [\n"
                "    dict(type='LinearLR', start_factor=0.001, by_epoch=False, begin=0, end=10),\n"
                "    dict(type='CosineAnnealingLR', T_max=11, eta_min=1e-5, by_epoch=True, begin=1, end=12,\n"
                "         convert_to_iter_based=True)]\n"
                "train_cfg = dict(type='EpochBasedTrainLoop', max_epochs=12)\n"
                "optim_wrapper = dict(optimizer=dict(type='SGD', lr=0.02, momentum=0.9), "
                "accumulative_counts=1)\n"
                "train_dataloader = dict(batch_size=8, sampler=dict(type='DefaultSampler', shuffle=True),\n"
                "                        dataset=dict(type='ToyDataset'))\n"
            )
        },
    },
    {
        "id": "base-file-epoch-steps-default-end",
        "samples": 30,
        "world_size": 3,
        "files": {
            "base.py": (
                "max_epochs = 6\n"
                "train_cfg = dict(by_epoch=True, max_epochs=max_epochs, val_interval=1)\n"
                "optim_wrapper = dict(type='OptimWrapper', optimizer=dict(type='SGD', lr=0.1))\n"
                "train_dataloader = dict(batch_size=4, num_workers=2, dataset=dict(type='ToyDataset'))\n"
            ),
            "config.py": (
                "_base_ = ['./base.py']\n"
                "param_scheduler = [dict(type='MultiStepLR', milestones=[2, 4], gamma=0.5)]\n"
                "train_dataloader = dict(batch_size=3)\n"
            ),
        },
    },
    {
        "id": "accumulation-across-epochs-drop-last",
        "samples": 22,
        "world_size": 1,
        "files": {
            "config.py": (
                "lr = 0.05\n"
                "param_scheduler = dict(type='PolyLR', eta_min=0.0, power=1.0, by_epoch=False)\n"
                "train_cfg = dict(type='EpochBasedTrainLoop', max_epochs=3)\n"
                "optim_wrapper = dict(optimizer=dict(type='AdamW', lr=lr), accumulative_counts=3)\n"
                "train_dataloader = dict(batch_size=4, drop_last=True, dataset=dict(type='ToyDataset'))\n"
            )
        },
    },
    {
        "id": "iter-based-loop",
        "samples": 12,
        "world_size": 1,
        "files": {
            "config.py": (
                "param_scheduler = [\n"
                "    dict(type='LinearLR', start_factor=0.1, by_epoch=False, end=5),\n"
                "    dict(type='CosineAnnealingLR', by_epoch=False, begin=5, T_max=15)]\n"
                "train_cfg = dict(type='IterBasedTrainLoop', max_iters=20)\n"
                "optim_wrapper = dict(optimizer=dict(type='SGD', lr=0.1))\n"
                "train_dataloader = dict(batch_size=2, sampler=dict(type='InfiniteSampler'),\n"
                "                        dataset=dict(type='ToyDataset'))\n"
            )
        },
    },
]


class Toy(torch.utils.data.Dataset):  # type: ignore[type-arg]
    def __init__(self, n: int) -> None:
        self.n = n

    def __len__(self) -> int:
        return self.n

    def __getitem__(self, i: int) -> Any:
        return {"inputs": torch.zeros(1)}


class Model(mmengine.model.BaseModel):
    def __init__(self) -> None:
        super().__init__()
        self.w = torch.nn.Parameter(torch.zeros(1))

    def forward(self, inputs: Any, data_samples: Any = None, mode: str = "tensor") -> Any:
        return {"loss": (self.w - 1).pow(2).sum()}


class Record(Hook):
    priority = "HIGHEST"  # before ParamSchedulerHook (LOW) steps the schedulers

    def __init__(self) -> None:
        self.rates: list[float] = []
        self.epochs: list[int] = []
        self.iterations = 0

    def after_train_iter(
        self, runner: Any, batch_idx: int, data_batch: Any = None, outputs: Any = None
    ) -> None:
        self.iterations += 1
        if runner.optim_wrapper.should_update():
            self.rates.append(float(runner.optim_wrapper.optimizer.param_groups[0]["lr"]))
            self.epochs.append(runner.epoch + 1)


def trainer_case(case: dict[str, Any]) -> dict[str, Any]:
    from mmengine.config import Config
    from mmengine.runner import Runner

    with tempfile.TemporaryDirectory() as folder:
        for name, text in case["files"].items():
            (Path(folder) / name).write_text(text)
        config = Config.fromfile(str(Path(folder) / "config.py"))
        per_process = math.ceil(case["samples"] / case["world_size"])
        loader = dict(config.train_dataloader)
        loader["dataset"] = Toy(per_process)
        loader.setdefault("sampler", dict(type="DefaultSampler", shuffle=True))
        loader["num_workers"] = 0
        loader.pop("persistent_workers", None)
        record = Record()
        train_cfg = dict(config.train_cfg)
        train_cfg.pop("val_interval", None)
        runner = Runner(
            model=Model(),
            work_dir=str(Path(folder) / "work"),
            train_dataloader=loader,
            train_cfg=train_cfg,
            optim_wrapper=dict(config.optim_wrapper),
            param_scheduler=config.get("param_scheduler"),
            custom_hooks=[record],
            default_hooks=dict(logger=None, checkpoint=None),
            default_scope="mmengine",
        )
        runner.train()
        length = len(runner.train_dataloader)
    return {**case, "batches_per_epoch": length, "iterations": record.iterations,
            "total_updates": len(record.rates), "rates": record.rates, "epochs": record.epochs}  # fmt: skip


def main() -> None:
    versions = {"mmengine": mmengine.__version__, "torch": torch.__version__}
    document = {"framework": "mmengine", "versions": versions, "generator": "scripts/mmengine_goldens.py",
                "cases": [from_case(case) for case in FROM_CASES]}  # fmt: skip
    (PARITY / "mmengine.json").write_text(json.dumps(document, indent=1) + "\n")
    trainer = {
        "source": "scripts/mmengine_goldens.py: the real mmengine Runner on CPU over the configs' files",
        "versions": versions,
        "cases": [trainer_case(case) for case in TRAINER_CASES],
    }
    (PARITY / "trainer_mmengine.json").write_text(json.dumps(trainer, indent=1) + "\n")


if __name__ == "__main__":
    main()
