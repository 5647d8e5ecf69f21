"""Golden vectors of fairseq's schedulers: tests/parity/fairseq.json and tests/parity/trainer_fairseq.json.

Run with the venv ../shared/trainenv.sh builds (torch, omegaconf):

    python scripts/stack_fairseq_goldens.py [FAIRSEQ_GIT_DIR]

fairseq is not installed (its package builds C++ extensions and pins old hydra): its own source
files are read from a clone of facebookresearch/fairseq (``git show HEAD:...``; default
/work/.mirror/facebookresearch+fairseq/repo) into a temporary package, unchanged:
fairseq/optim/lr_scheduler/{fairseq_lr_scheduler,inverse_square_root_schedule,cosine_lr_scheduler,
polynomial_decay_schedule,tri_stage_lr_scheduler,fixed_schedule,step_lr_scheduler}.py. Stubs, the
minimum for those to import: ``fairseq.dataclass.FairseqDataclass`` (an empty dataclass base);
``fairseq.dataclass.utils.gen_parser_from_dataclass`` (unused); ``fairseq.optim.FairseqOptimizer``
with fairseq's own ``get_lr``/``set_lr`` over a torch optimizer (fairseq_optimizer.py: the first
group's lr; every group's set); ``fairseq.optim.lr_scheduler`` exporting ``FairseqLRScheduler``
and a ``register_lr_scheduler`` that returns the class (the real one also records it in a
registry for the command line).

Each case builds ``SCHEDULE(CONFIG(...), FairseqOptimizer(torch SGD))`` and steps it as fairseq's
trainer does: ``step_update(0)`` when built (trainer.py 382), ``step_begin_epoch(1)`` then
``step_update(0)`` when epoch 1 begins (1195-1199), then after each update
``step_update(num_updates)`` (1207-1209, 1275-1278), recording ``get_lr()`` before each update.

- ``from`` cases: the expression as a user pastes it into ``lrsched from`` (``lr`` given to the
  config as ``[--lr]`` where the expression has none, as fairseq fills ``optimization.lr``).
- trainer cases: an argument file as ``lrsched trainer fairseq`` reads it, and the config fairseq's
  argparse (generated from the dataclass: ``--warmup-updates`` is ``warmup_updates``) gives the
  scheduler, written out here; the rate of each of the ``--max-update`` updates.
"""

from __future__ import annotations

import importlib
import importlib.metadata
import json
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

OUT = Path(__file__).resolve().parent.parent / "tests" / "parity"
DEFAULT_GIT = "/work/.mirror/facebookresearch+fairseq/repo"
MODULES = [
    "fairseq_lr_scheduler",
    "inverse_square_root_schedule",
    "cosine_lr_scheduler",
    "polynomial_decay_schedule",
    "tri_stage_lr_scheduler",
    "fixed_schedule",
    "step_lr_scheduler",
]
STUBS = {
    "fairseq/__init__.py": "",
    "fairseq/dataclass/__init__.py": "from dataclasses import dataclass\n\n\n"
    "@dataclass\nclass FairseqDataclass:\n    pass\n",
    "fairseq/dataclass/utils.py": "def gen_parser_from_dataclass(*args, **kwargs):\n"
    "    raise NotImplementedError\n",
    "fairseq/optim/__init__.py": "class FairseqOptimizer:\n"
    "    def __init__(self, optimizer):\n        self.optimizer = optimizer\n"
    "    def get_lr(self):\n        return self.optimizer.param_groups[0]['lr']\n"
    "    def set_lr(self, lr):\n        for group in self.optimizer.param_groups:\n"
    "            group['lr'] = lr\n",
    "fairseq/optim/lr_scheduler/__init__.py": "def register_lr_scheduler(name, dataclass=None):\n"
    "    return lambda cls: cls\n\n\n"
    "from .fairseq_lr_scheduler import FairseqLRScheduler  # noqa: E402\n",
}


def sample(*ranges: range | list[int]) -> list[int]:
    return sorted({t for r in ranges for t in r})


def case(id: str, expression: str, lr: float | None, steps: list[int]) -> dict[str, Any]:
    return {"id": id, "expression": expression, "lr": lr, "steps": steps}


FROM_CASES = [
    case(
        "inverse-sqrt-issue",
        "InverseSquareRootSchedule(InverseSquareRootLRScheduleConfig(warmup_updates=4000), optimizer)",
        5e-4,
        sample(range(0, 12000, 37), range(3995, 4006), [11999]),
    ),
    case(
        "inverse-sqrt-init-lr",
        "InverseSquareRootSchedule(InverseSquareRootLRScheduleConfig(warmup_updates=10, warmup_init_lr=1e-7, "
        "lr=[0.001]), optimizer)",
        None,
        list(range(30)),
    ),
    case(
        "cosine-max-update",
        "CosineLRSchedule(CosineLRScheduleConfig(warmup_updates=5, max_update=50, min_lr=1e-5), optimizer)",
        0.1,
        list(range(60)),
    ),
    case(
        "cosine-restarts-shrink",
        "CosineLRSchedule(CosineLRScheduleConfig(lr_period_updates=10, lr_shrink=0.5, warmup_init_lr=0.0), "
        "optimizer)",
        0.1,
        list(range(35)),
    ),
    case(
        "cosine-t-mult",
        "fairseq.optim.lr_scheduler.cosine_lr_scheduler.CosineLRSchedule(CosineLRScheduleConfig("
        "lr_period_updates=4, t_mult=2.0, min_lr=0.001), optimizer)",
        0.1,
        list(range(40)),
    ),
    case(
        "polynomial-linear",
        "PolynomialDecayLRSchedule(PolynomialDecayLRScheduleConfig(warmup_updates=4, total_num_update=20), "
        "optimizer)",
        0.1,
        list(range(25)),
    ),
    case(
        "polynomial-power",
        "PolynomialDecayLRSchedule(PolynomialDecayLRScheduleConfig(total_num_update=16, power=2.0, "
        "end_learning_rate=1e-4, lr=[0.01]), optimizer)",
        None,
        list(range(20)),
    ),
    case(
        "tri-stage-steps",
        "TriStageLRSchedule(TriStageLRScheduleConfig(warmup_steps=5, hold_steps=5, decay_steps=10), "
        "optimizer)",
        0.1,
        list(range(25)),
    ),
    case(
        "tri-stage-phase-ratio",
        "TriStageLRSchedule(TriStageLRScheduleConfig(phase_ratio=[0.1, 0.4, 0.5], max_update=33, "
        "init_lr_scale=0.05, final_lr_scale=0.02), optimizer)",
        0.001,
        list(range(36)),
    ),
    case(
        "fixed-warmup",
        "FixedLRSchedule(FixedLRScheduleConfig(warmup_updates=4), optimizer)",
        0.25,
        list(range(8)),
    ),
    case(
        "step",
        "StepLRSchedule(StepLRScheduleConfig(warmup_updates=3, lr_deacy_period=5, lr_decay=0.5, "
        "min_lr=0.01), "
        "optimizer)",
        0.1,
        list(range(40)),
    ),
]

TRAINER_CASES: list[dict[str, Any]] = [
    {
        "id": "issue-inverse-sqrt",
        "arguments": "data-bin/wmt16_en_de_bpe32k --arch transformer_wmt_en_de --optimizer adam \\\n"
        "  --lr-scheduler inverse_sqrt --lr 5e-4 --warmup-updates 4000 --warmup-init-lr 1e-7 \\\n"
        "  --max-update 12000 --update-freq 8 --max-tokens 4096  # the issue's line\n",
        "schedule": "InverseSquareRootSchedule",
        "config": {"warmup_updates": 4000, "warmup_init_lr": 1e-7, "lr": [5e-4]},
        "max_update": 12000,
    },
    {
        "id": "polynomial-default-power-and-total",
        "arguments": "--lr-scheduler polynomial_decay\n--lr 0.0001\n--warmup-updates 10\n--max-update 100\n",
        "schedule": "PolynomialDecayLRSchedule",
        "config": {"warmup_updates": 10, "total_num_update": 100, "lr": [0.0001]},
        "max_update": 100,
    },
    {
        "id": "cosine-period-from-max-update",
        "arguments": "--lr-scheduler=cosine --lr=0.0007 --warmup-updates=20 --min-lr=1e-6 --max-update=200",
        "schedule": "CosineLRSchedule",
        "config": {"warmup_updates": 20, "min_lr": 1e-6, "lr": [0.0007], "max_update": 200},
        "max_update": 200,
    },
    {
        "id": "tri-stage-phase-ratio",
        "arguments": "--lr-scheduler tri_stage --lr 0.00005 --phase-ratio '[0.1, 0.4, 0.5]' "
        "--final-lr-scale 0.05 --max-update 250",
        "schedule": "TriStageLRSchedule",
        "config": {
            "phase_ratio": [0.1, 0.4, 0.5],
            "final_lr_scale": 0.05,
            "lr": [0.00005],
            "max_update": 250,
        },
        "max_update": 250,
    },
    {
        "id": "default-fixed",
        "arguments": "--max-update 30 --warmup-updates 5",
        "schedule": "FixedLRSchedule",
        "config": {"warmup_updates": 5, "lr": [0.25]},
        "max_update": 30,
    },
    {
        "id": "step-misspelt-period",
        "arguments": "--lr-scheduler step --lr 0.01 --lr-deacy-period 40 --lr-decay 0.8 --max-update 150",
        "schedule": "StepLRSchedule",
        "config": {"lr_deacy_period": 40, "lr_decay": 0.8, "lr": [0.01]},
        "max_update": 150,
    },
]


def git_package(git_dir: str, root: Path) -> None:
    for module in MODULES:
        name = f"fairseq/optim/lr_scheduler/{module}.py"
        text = subprocess.run(
            ["git", "--git-dir", git_dir, "show", f"HEAD:{name}"], check=True, capture_output=True, text=True
        ).stdout
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    for name, text in STUBS.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)


def stepped(scheduler: Any, optimizer: Any, wanted: set[int]) -> list[float]:
    """fairseq's trainer: step_update(0) at build, epoch 1 begins, then step_update after each update."""
    scheduler.step_update(0)
    scheduler.step_begin_epoch(1)
    scheduler.step_update(0)
    rates = []
    for num_updates in range(max(wanted) + 1):
        if num_updates in wanted:
            rates.append(float(optimizer.get_lr()))
        scheduler.step_update(num_updates + 1)
    return rates


def main() -> None:
    git_dir = sys.argv[1] if len(sys.argv) > 1 else DEFAULT_GIT
    commit = subprocess.run(
        ["git", "--git-dir", git_dir, "rev-parse", "HEAD"], check=True, capture_output=True, text=True
    ).stdout.strip()
    with tempfile.TemporaryDirectory() as directory:
        root = Path(directory)
        git_package(git_dir, root)
        sys.path.insert(0, str(root))
        import torch
        from fairseq.optim import FairseqOptimizer

        namespace: dict[str, Any] = {"fairseq": importlib.import_module("fairseq")}
        for module in MODULES[1:]:
            loaded = importlib.import_module(f"fairseq.optim.lr_scheduler.{module}")
            namespace.update({k: v for k, v in vars(loaded).items() if k.endswith(("Schedule", "Config"))})

        def optimizer(lr: float) -> Any:
            return FairseqOptimizer(torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=lr))

        from_cases = []
        for c in FROM_CASES:
            expression = c["expression"]
            if c["lr"] is not None:  # fairseq fills cfg.lr from --lr: as [lr]
                expression = expression.replace("Config(", f"Config(lr=[{c['lr']!r}], ", 1).replace(
                    ", )", ")"
                )
            opt = optimizer(0.0)
            scheduler = eval(expression, {**namespace, "optimizer": opt})  # the script's own cases
            from_cases.append({**c, "rates": stepped(scheduler, opt, set(c["steps"]))})
        trainer_cases = []
        for c in TRAINER_CASES:
            opt = optimizer(0.0)
            config = {
                "InverseSquareRootSchedule": namespace["InverseSquareRootLRScheduleConfig"],
                "PolynomialDecayLRSchedule": namespace["PolynomialDecayLRScheduleConfig"],
                "CosineLRSchedule": namespace["CosineLRScheduleConfig"],
                "TriStageLRSchedule": namespace["TriStageLRScheduleConfig"],
                "FixedLRSchedule": namespace["FixedLRScheduleConfig"],
                "StepLRSchedule": namespace["StepLRScheduleConfig"],
            }[c["schedule"]]
            scheduler = namespace[c["schedule"]](config(**c["config"]), opt)
            rates = stepped(scheduler, opt, set(range(c["max_update"])))
            trainer_cases.append({**c, "rates": rates})
    versions = {
        "fairseq": f"facebookresearch/fairseq@{commit} (fairseq/optim/lr_scheduler)",
        "torch": torch.__version__,
        "omegaconf": importlib.metadata.version("omegaconf"),
    }
    generator = "scripts/stack_fairseq_goldens.py"
    (OUT / "fairseq.json").write_text(
        json.dumps(
            {"framework": "fairseq", "versions": versions, "generator": generator, "cases": from_cases},
            indent=1,
        )
        + "\n"
    )
    (OUT / "trainer_fairseq.json").write_text(
        json.dumps({"source": generator, "versions": versions, "cases": trainer_cases}, indent=1) + "\n"
    )


if __name__ == "__main__":
    main()
