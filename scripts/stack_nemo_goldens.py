"""Golden vectors of NeMo's schedulers: tests/parity/nemo.json and tests/parity/trainer_nemo.json.

Run with the venv ../shared/trainenv.sh builds (torch, lightning, omegaconf):

    python scripts/stack_nemo_goldens.py [NEMO_GIT_DIR]

NeMo is not installed (its toolkit pulls hydra, megatron and a CUDA stack): its own source files
are read from a clone of NVIDIA/NeMo (``git show HEAD:...``; default
/work/.mirror/NVIDIA+NeMo/repo) into a temporary package, unchanged:
nemo/core/optim/lr_scheduler.py and nemo/core/config/schedulers.py. Stubs, the minimum for those
to import: empty ``nemo``, ``nemo.core`` and ``nemo.core.optim`` packages; ``nemo.core.config``
exporting schedulers.py's three names; ``nemo.utils`` with ``logging`` (the standard library's);
``nemo.utils.model_utils.maybe_update_config_version`` returning its argument (it upgrades
configs of old NeMo versions); a ``hydra`` module with an empty ``utils`` (only used for a
``_target_`` config, which no case has).

- ``from`` cases: an expression as a user pastes it into ``lrsched from``, built here on a real
  ``torch.optim.SGD`` (lr = the case's ``lr``); the rate ``param_groups[0]["lr"]`` at each of the
  chosen ``steps``, then ``optimizer.step()`` and ``scheduler.step()``.
- trainer cases: an experiment config (``trainer``, ``model.train_ds``, ``model.optim``) as
  ``lrsched trainer nemo`` reads it. The real ``lightning.Trainer.fit`` runs on CPU with a
  one-parameter LightningModule whose ``configure_optimizers`` does what ``ModelPT.setup_optimization``
  does (modelPT.py 694-714, copied: the ``t_*`` keys or ``max_steps`` from the trainer, then NeMo's
  own ``prepare_lr_scheduler`` with the train dataloader) and returns ``[optimizer], [schedule]`` as
  ``ModelPT.configure_optimizers`` does; the rate of every optimizer step is recorded
  (``on_before_optimizer_step``). ``devices x num_nodes`` = W > 1 is process 0 of W: the loader
  samples with ``DistributedSampler(num_replicas=W, rank=0)`` and ``t_num_workers`` is W.
"""

from __future__ import annotations

import copy
import importlib
import importlib.metadata
import json
import logging
import subprocess
import sys
import tempfile
import warnings
from pathlib import Path
from typing import Any

OUT = Path(__file__).resolve().parent.parent / "tests" / "parity"
DEFAULT_GIT = "/work/.mirror/NVIDIA+NeMo/repo"

FILES = ["nemo/core/optim/lr_scheduler.py", "nemo/core/config/schedulers.py"]
STUBS = {
    "nemo/__init__.py": "",
    "nemo/core/__init__.py": "",
    "nemo/core/optim/__init__.py": "",
    "nemo/core/config/__init__.py": "from nemo.core.config.schedulers import (\n"
    "    SchedulerParams, get_scheduler_config, register_scheduler_params)\n",
    "nemo/utils/__init__.py": "import logging as _logging\nlogging = _logging.getLogger('nemo')\n",
    "nemo/utils/model_utils.py": "def maybe_update_config_version(cfg):\n    return cfg\n",
    "hydra/__init__.py": "from . import utils\n",
    "hydra/utils.py": "",
}


def sample(*ranges: range | list[int]) -> list[int]:
    return sorted({t for r in ranges for t in r})


def case(id: str, expression: str, lr: float, steps: list[int]) -> dict[str, Any]:
    return {"id": id, "expression": expression, "lr": lr, "steps": steps}


FROM_CASES = [
    case(
        "warmup-policy",
        "WarmupPolicy(optimizer, warmup_steps=4, max_steps=10, min_lr=0.01)",
        0.1,
        list(range(14)),
    ),
    case(
        "warmup-policy-no-end",
        "WarmupPolicy(optimizer, warmup_ratio=0.25, max_steps=9)",
        0.1,
        list(range(12)),
    ),
    case(
        "warmup-hold-policy",
        "WarmupHoldPolicy(optimizer, warmup_steps=3, hold_steps=4, max_steps=12, min_lr=1e-3)",
        0.1,
        list(range(15)),
    ),
    case(
        "cosine-issue",
        "CosineAnnealing(optimizer, max_steps=1000, warmup_ratio=0.1, min_lr=1e-6)",
        1e-3,
        sample(range(0, 1010, 7), range(95, 106), range(990, 1006)),
    ),
    case("cosine-no-warmup", "CosineAnnealing(optimizer, max_steps=20)", 0.5, list(range(24))),
    case(
        "cosine-megatron-constant",
        "nemo.core.optim.lr_scheduler.CosineAnnealing(optimizer, max_steps=30, warmup_steps=5, "
        "constant_steps=5, min_lr=0.001)",
        0.01,
        list(range(34)),
    ),
    case(
        "square-annealing", "SquareAnnealing(optimizer, max_steps=20, warmup_steps=2)", 0.1, list(range(24))
    ),
    case(
        "square-root-annealing",
        "SquareRootAnnealing(optimizer, max_steps=16, warmup_steps=3)",
        0.1,
        list(range(19)),
    ),
    case("noam", "NoamAnnealing(optimizer, d_model=512, warmup_steps=10, min_lr=1e-5)", 1.0, list(range(40))),
    case("noam-no-warmup", "NoamAnnealing(optimizer, d_model=256)", 2.0, list(range(10))),
    case(
        "noam-hold",
        "NoamHoldAnnealing(optimizer, max_steps=40, warmup_steps=5, hold_ratio=0.25, decay_rate=1.0, "
        "min_lr=1e-4)",
        0.01,
        list(range(44)),
    ),
    case(
        "one-minus-sqrt",
        "WarmupHoldAnnealOneMinusSquareRoot(optimizer, max_steps=30, warmup_steps=3, hold_steps=6, "
        "min_lr=1e-4)",
        0.01,
        list(range(34)),
    ),
    case(
        "hold-anneal-linear",
        "WarmupHoldAnnealLinear(optimizer, max_steps=25, warmup_ratio=0.1, hold_ratio=0.2, min_lr=0.001)",
        0.1,
        list(range(28)),
    ),
    case(
        "warmup-annealing", "WarmupAnnealing(optimizer, max_steps=20, warmup_steps=4)", 0.1, list(range(23))
    ),
    case(
        "inverse-sqrt",
        "InverseSquareRootAnnealing(optimizer, max_steps=50, warmup_steps=5)",
        0.1,
        list(range(53)),
    ),
    case(
        "t5-inverse-sqrt",
        "T5InverseSquareRootAnnealing(optimizer, max_steps=30, constant_steps=9)",
        0.1,
        list(range(33)),
    ),
    case(
        "polynomial",
        "PolynomialDecayAnnealing(optimizer, max_steps=20, warmup_steps=2, power=2.0, min_lr=1e-4)",
        0.1,
        list(range(23)),
    ),
    case(
        "polynomial-cycle",
        "PolynomialDecayAnnealing(optimizer, max_steps=12, power=1.0, cycle=True)",
        0.1,
        list(range(15)),
    ),
    case(
        "polynomial-hold",
        "PolynomialHoldDecayAnnealing(optimizer, max_steps=24, warmup_steps=2, hold_steps=4, power=0.5)",
        0.1,
        list(range(27)),
    ),
]


def trainer_case(
    id: str, samples: int, trainer: dict[str, Any], train_ds: dict[str, Any], optim: dict[str, Any]
) -> dict[str, Any]:
    return {
        "id": id,
        "samples": samples,
        "config": {"trainer": trainer, "model": {"train_ds": train_ds, "optim": optim}},
    }


TRAINER_CASES = [
    trainer_case(
        "issue-cosine-warmup-ratio",
        1000,
        {"devices": 1, "num_nodes": 1, "max_epochs": 3},
        {"batch_size": 32, "drop_last": False},
        {
            "name": "adamw",
            "lr": 1e-3,
            "sched": {"name": "CosineAnnealing", "warmup_ratio": 0.1, "min_lr": 1e-6, "max_steps": None},
        },
    ),
    trainer_case(
        "three-processes-drop-last-accumulate",
        1000,
        {"devices": 3, "num_nodes": 1, "max_epochs": 2, "accumulate_grad_batches": 2},
        {"batch_size": 16, "drop_last": True},
        {"name": "adam", "lr": 0.01, "sched": {"name": "WarmupAnnealing", "warmup_steps": 3}},
    ),
    trainer_case(
        "trainer-max-steps-first",
        100,
        {"devices": 1, "max_epochs": 10, "max_steps": 50},
        {"batch_size": 10},
        {"name": "sgd", "lr": 0.1, "sched": {"name": "WarmupAnnealing", "warmup_steps": 5, "min_lr": 0.001}},
    ),
    trainer_case(
        "epochs-end-before-trainer-max-steps",
        100,
        {"devices": 1, "max_epochs": 2, "max_steps": 50},
        {"batch_size": 10},
        {"name": "sgd", "lr": 0.1, "sched": {"name": "CosineAnnealing", "warmup_steps": 2}},
    ),
    trainer_case(
        "limit-train-batches-fraction-noam",
        500,
        {"devices": 1, "max_epochs": 2, "limit_train_batches": 0.5},
        {"batch_size": 8},
        {"name": "adam", "lr": 1.0, "sched": {"name": "NoamAnnealing", "d_model": 512, "warmup_steps": 10}},
    ),
    trainer_case(
        "limit-train-batches-int",
        500,
        {"devices": 1, "max_epochs": 3, "limit_train_batches": 2},
        {"batch_size": 8},
        {"name": "adam", "lr": 0.1, "sched": {"name": "PolynomialDecayAnnealing", "power": 2.0}},
    ),
    trainer_case(
        "sched-max-steps-shorter-than-training",
        200,
        {"devices": 1, "max_epochs": 3},
        {"batch_size": 10},
        {"name": "adam", "lr": 0.1, "sched": {"name": "CosineAnnealing", "max_steps": 40, "min_lr": 0.001}},
    ),
    trainer_case(
        "megatron-cosine-constant-two-nodes",
        3000,
        {"devices": 2, "num_nodes": 2, "max_epochs": 1},
        {"batch_size": 4, "drop_last": False},
        {
            "name": "adamw",
            "lr": 3e-4,
            "sched": {"name": "CosineAnnealing", "warmup_steps": 20, "constant_steps": 30, "min_lr": 3e-5},
        },
    ),
    trainer_case(
        "default-thousand-epochs",
        8,
        {"devices": 1},
        {"batch_size": 8},
        {"name": "adam", "lr": 0.1, "sched": {"name": "InverseSquareRootAnnealing", "warmup_steps": 10}},
    ),
    trainer_case(
        "hold-decay",
        300,
        {"devices": 1, "max_epochs": 4, "accumulate_grad_batches": 3},
        {"batch_size": 7},
        {
            "name": "adam",
            "lr": 0.05,
            "sched": {
                "name": "PolynomialHoldDecayAnnealing",
                "warmup_ratio": 0.1,
                "hold_ratio": 0.2,
                "power": 2,
            },
        },
    ),
]


def git_package(git_dir: str, root: Path) -> None:
    for name in FILES:
        text = subprocess.run(
            ["git", "--git-dir", git_dir, "show", f"HEAD:{name}"], check=True, capture_output=True, text=True
        ).stdout
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    for name, text in STUBS.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)


def run_from(case: dict[str, Any], schedulers: Any) -> dict[str, Any]:
    import torch

    param = torch.nn.Parameter(torch.zeros(1))
    optimizer = torch.optim.SGD([param], lr=case["lr"])
    namespace = {**schedulers.AVAILABLE_SCHEDULERS, "optimizer": optimizer, "nemo": sys.modules["nemo"]}
    scheduler = eval(case["expression"], namespace)  # the script's own cases, in the real classes
    wanted, rates = set(case["steps"]), []
    for t in range(max(wanted) + 1):
        if t in wanted:
            rates.append(float(optimizer.param_groups[0]["lr"]))
        optimizer.step()
        scheduler.step()
    return {**case, "rates": rates}


def run_trainer(case: dict[str, Any], schedulers: Any) -> dict[str, Any]:
    import lightning
    import torch
    from torch.utils.data import DataLoader, DistributedSampler, TensorDataset

    config = case["config"]
    trainer_config = dict(config["trainer"])
    world = trainer_config.pop("devices", 1) * trainer_config.pop("num_nodes", 1)
    train_ds = config["model"]["train_ds"]
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
            optim_config = copy.deepcopy(config["model"]["optim"])
            optimizer = torch.optim.SGD(self.parameters(), lr=optim_config["lr"])
            # ModelPT.setup_optimization, modelPT.py 694-714 (AppState's parallel sizes are None here)
            if self.trainer.max_steps < 0:
                optim_config["sched"]["t_max_epochs"] = self.trainer.max_epochs
                optim_config["sched"]["t_accumulate_grad_batches"] = self.trainer.accumulate_grad_batches
                optim_config["sched"]["t_limit_train_batches"] = self.trainer.limit_train_batches
                optim_config["sched"]["t_num_workers"] = world
            else:
                optim_config["sched"]["max_steps"] = self.trainer.max_steps
            schedule = schedulers.prepare_lr_scheduler(
                optimizer=optimizer, scheduler_config=optim_config["sched"], train_dataloader=loader
            )
            seen["max_steps"] = schedule["scheduler"].max_steps
            return [optimizer], [schedule]

    class Record(lightning.Callback):
        def on_before_optimizer_step(self, trainer: Any, module: Any, optimizer: Any) -> None:
            rates.append(float(optimizer.param_groups[0]["lr"]))
            epochs.append(trainer.current_epoch + 1)

    data = TensorDataset(torch.ones(case["samples"], 1))
    sampler = DistributedSampler(data, num_replicas=world, rank=0, shuffle=False) if world > 1 else None
    loader = DataLoader(
        data, batch_size=train_ds["batch_size"], sampler=sampler, drop_last=train_ds.get("drop_last", False)
    )
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
            **trainer_config,
        )
        trainer.fit(Tiny(), train_dataloaders=loader)
    return {
        **case,
        "world_size": world,
        "batches_per_epoch": trainer.num_training_batches,
        "max_steps": seen["max_steps"],
        "global_step": trainer.global_step,
        "rates": rates,
        "epochs": epochs,
    }


def main() -> None:
    git_dir = sys.argv[1] if len(sys.argv) > 1 else DEFAULT_GIT
    commit = subprocess.run(
        ["git", "--git-dir", git_dir, "rev-parse", "HEAD"], check=True, capture_output=True, text=True
    ).stdout.strip()
    logging.disable(logging.CRITICAL)
    warnings.filterwarnings("ignore")
    with tempfile.TemporaryDirectory() as directory:
        root = Path(directory)
        git_package(git_dir, root)
        sys.path.insert(0, str(root))
        import lightning
        import torch

        schedulers = importlib.import_module("nemo.core.optim.lr_scheduler")
        sys.modules["nemo"].core.optim.lr_scheduler = schedulers  # type: ignore[attr-defined]
        from_cases = [run_from(c, schedulers) for c in FROM_CASES]
        trainer_cases = [run_trainer(c, schedulers) for c in TRAINER_CASES]
    versions = {
        "nemo": f"NVIDIA/NeMo@{commit} (nemo/core/optim/lr_scheduler.py)",
        "torch": torch.__version__,
        "lightning": lightning.__version__,
        "omegaconf": importlib.metadata.version("omegaconf"),
    }
    generator = "scripts/stack_nemo_goldens.py"
    (OUT / "nemo.json").write_text(
        json.dumps(
            {"framework": "nemo", "versions": versions, "generator": generator, "cases": from_cases}, indent=1
        )
        + "\n"
    )
    (OUT / "trainer_nemo.json").write_text(
        json.dumps({"source": generator, "versions": versions, "cases": trainer_cases}, indent=1) + "\n"
    )


if __name__ == "__main__":
    main()
