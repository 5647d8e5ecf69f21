"""Golden vectors of fvcore and Detectron2: tests/parity/detectron2.json and trainer_detectron2.json.

Run with the venv ../shared/trainenv.sh builds (fvcore 0.1.5.post20221221, torch, yacs, iopath):

    python scripts/stack_detectron2_goldens.py [DETECTRON2_GIT_DIR]

fvcore is installed and imported whole. Detectron2 is not on PyPI: its own source files are read
from a clone of facebookresearch/detectron2 (``git show HEAD:...``; default
/work/.mirror/facebookresearch+detectron2/repo) into a temporary package, unchanged:
detectron2/config/{config,defaults,compat}.py, detectron2/solver/{build,lr_scheduler}.py,
detectron2/utils/file_io.py. Stubs, the minimum for those to import: empty
``detectron2/__init__.py`` and ``detectron2/solver/__init__.py`` and ``detectron2/utils/__init__.py``;
``detectron2/config/__init__.py`` exporting ``CfgNode`` and ``get_cfg`` from config.py (the real
one also imports the LazyConfig machinery); ``detectron2/utils/env.py`` holding only
``TORCH_VERSION``. ``DefaultTrainer.auto_scale_workers`` is taken from engine/defaults.py by
``ast`` (the module imports the whole library) and run as written.

- ``from`` cases: an expression exactly as a user pastes it into ``lrsched from``, evaluated here
  in the real fvcore/Detectron2 classes. A bare ParamScheduler records ``sched(i / N)`` for
  i < N (``rows`` = N); an ``LRMultiplier`` drives a real ``torch.optim.SGD`` (lr = the case's
  ``lr``): ``param_groups[0]["lr"]``, then ``optimizer.step()`` and ``scheduler.step()``, at the
  chosen ``steps``; ``end`` is the first step torch or fvcore raises at, else null.
- trainer cases: a YAML config as ``lrsched trainer detectron2`` reads it, merged into
  ``get_cfg()`` by Detectron2's ``CfgNode.merge_from_file``, rescaled by ``auto_scale_workers``
  for the case's world size, then ``build_optimizer`` on a one-layer model and
  ``build_lr_scheduler``, stepped as ``SimpleTrainer.train`` and the ``LRScheduler`` hook step it
  (train_loop.py 150-153, hooks.py 356-359: the rate of iteration i is read, the scheduler steps
  after it). ``after_last`` is what the hook's step after the last iteration raises, if anything.
"""

from __future__ import annotations

import ast
import importlib
import importlib.metadata
import json
import logging
import math
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

OUT = Path(__file__).resolve().parent.parent / "tests" / "parity"
DEFAULT_GIT = "/work/.mirror/facebookresearch+detectron2/repo"

FILES = [
    "detectron2/config/config.py",
    "detectron2/config/defaults.py",
    "detectron2/config/compat.py",
    "detectron2/solver/build.py",
    "detectron2/solver/lr_scheduler.py",
    "detectron2/utils/file_io.py",
    "detectron2/engine/defaults.py",
]
STUBS = {
    "detectron2/__init__.py": "",
    "detectron2/solver/__init__.py": "",
    "detectron2/utils/__init__.py": "",
    "detectron2/engine/__init__.py": "",
    "detectron2/config/__init__.py": "from .config import CfgNode, get_cfg\n",
    "detectron2/utils/env.py": "import torch\n"
    "TORCH_VERSION = tuple(int(x) for x in torch.__version__.split('.')[:2])\n",
}


FV = "fvcore.common.param_scheduler."
"""The module of fvcore's schedulers: the prefix of the names MMEngine also has."""


def sample(*ranges: range | list[int]) -> list[int]:
    return sorted({t for r in ranges for t in r})


FROM_CASES: list[dict[str, Any]] = [
    {"id": "cosine-30", "expression": "CosineParamScheduler(1, 0.01)", "rows": 30},
    {
        "id": "cosine-docstring",
        "expression": "CosineParamScheduler(start_value=0.1, end_value=0.0001)",
        "rows": 7,
    },
    {
        "id": "exponential",
        "expression": f"{FV}ExponentialParamScheduler(2.0, 0.02)",
        "rows": 10,
    },
    {
        "id": "linear-warmup",
        "expression": f"{FV}LinearParamScheduler(start_value=0.0001, end_value=0.01)",
        "rows": 12,
    },
    {
        "id": "multistep-milestones-end",
        "expression": f"{FV}MultiStepParamScheduler(values=[0.1, 0.01, 0.001, 0.0001], "
        "milestones=[30, 60, 80, 120])",
        "rows": 120,
    },
    {
        "id": "multistep-even-split",
        "expression": f"{FV}MultiStepParamScheduler([1, 0.1, 0.01], num_updates=90)",
        "rows": 90,
    },
    {
        "id": "multistep-rescaled-boundaries",
        "expression": f"{FV}MultiStepParamScheduler([1, 0.1], num_updates=10, milestones=[3])",
        "rows": 7,
    },
    {
        "id": "polynomial",
        "expression": "PolynomialDecayParamScheduler(base_value=0.1, power=0.9)",
        "rows": 20,
    },
    {
        "id": "step-quarters",
        "expression": f"{FV}StepParamScheduler(num_updates=120, values=[0.1, 0.01, 0.001, 0.0001])",
        "rows": 120,
    },
    {
        "id": "step-fixed-gamma",
        "expression": "StepWithFixedGammaParamScheduler(base_value=0.1, num_decays=3, gamma=0.1, "
        "num_updates=120)",
        "rows": 50,
    },
    {
        "id": "composite-docstring",
        "expression": f"CompositeParamScheduler([{FV}ConstantParamScheduler(0.42), "
        "CosineParamScheduler(0.42, 1e-4)], lengths=[0.3, 0.7], interval_scaling=['rescaled', 'rescaled'])",
        "rows": 20,
    },
    {
        "id": "composite-lengths-corrected-fixed",
        "expression": f"CompositeParamScheduler([{FV}LinearParamScheduler(0.0, 1.0), "
        f"{FV}ConstantParamScheduler(1.0), CosineParamScheduler(1.0, 0.0)], "
        "[0.1, 0.2, 0.7], ['rescaled', 'fixed', 'fixed'])",
        "rows": 40,
    },
    {
        "id": "warmup-cosine-peak-below-one",
        "expression": "WarmupParamScheduler(CosineParamScheduler(1, 0), 0.001, 0.1)",
        "rows": 100,
    },
    {
        "id": "warmup-constant-rescaled",
        "expression": "WarmupParamScheduler(CosineParamScheduler(1, 0), warmup_factor=0.1, "
        "warmup_length=0.2, warmup_method='constant', rescale_interval=True)",
        "rows": 50,
    },
    {
        "id": "lrmultiplier-docstring",
        "expression": "LRMultiplier(opt, WarmupParamScheduler(MultiStepParamScheduler([1, 0.1, 0.01], "
        "milestones=[60000, 80000], num_updates=90000), 0.001, 100 / 90000), max_iter=90000)",
        "lr": 0.02,
        "steps": sample(range(0, 110), range(59995, 60006), range(79995, 80006), range(89990, 90003)),
    },
    {
        "id": "lrmultiplier-cosine-past-end",
        "expression": "LRMultiplier(optimizer, WarmupParamScheduler(CosineParamScheduler(1, 0), 0.001, "
        "10 / 100), max_iter=100)",
        "lr": 0.1,
        "steps": list(range(106)),
    },
    {
        "id": "lrmultiplier-fixed-gamma-ends-at-max-iter",
        "expression": "detectron2.solver.LRMultiplier(optimizer, "
        "StepWithFixedGammaParamScheduler(1.0, 3, 0.1, 120), 120)",
        "lr": 0.05,
        "steps": list(range(124)),
    },
    {
        "id": "lrmultiplier-constant",
        "expression": f"LRMultiplier(optimizer, {FV}ConstantParamScheduler(1.0), max_iter=5)",
        "lr": 0.1,
        "steps": list(range(8)),
    },
    {
        "id": "lrmultiplier-polynomial-past-end",
        "expression": "LRMultiplier(optimizer, PolynomialDecayParamScheduler(1.0, 0.9), max_iter=8)",
        "lr": 0.1,
        "steps": list(range(12)),
    },
]

SOLVER_FIELDS = "VERSION: 2\n"

TRAINER_CASES: list[dict[str, Any]] = [
    {
        "id": "multistep-issue-shape",
        "world_size": 1,
        "yaml": SOLVER_FIELDS + "SOLVER:\n  LR_SCHEDULER_NAME: WarmupMultiStepLR\n  BASE_LR: 0.02\n"
        "  MAX_ITER: 9000\n  STEPS: (6000, 8000)\n  GAMMA: 0.1\n  WARMUP_FACTOR: 0.001\n"
        "  WARMUP_ITERS: 1000\n  WARMUP_METHOD: linear\n  IMS_PER_BATCH: 16\n  REFERENCE_WORLD_SIZE: 0\n"
        "  BASE_LR_END: 0.0\n",
        "steps": sample(
            range(0, 9000, 37), range(995, 1006), range(5995, 6006), range(7995, 8006), range(8990, 9000)
        ),
    },
    {
        "id": "cosine-peak-below-base-lr",
        "world_size": 1,
        "yaml": SOLVER_FIELDS + "SOLVER:\n  LR_SCHEDULER_NAME: WarmupCosineLR\n  BASE_LR: 0.1\n"
        "  BASE_LR_END: 0.001\n  MAX_ITER: 100\n  WARMUP_ITERS: 10\n",
    },
    {
        "id": "fixed-gamma-raises-after-the-last-iteration",
        "world_size": 1,
        "yaml": SOLVER_FIELDS + "SOLVER:\n  LR_SCHEDULER_NAME: WarmupStepWithFixedGammaLR\n  BASE_LR: 0.01\n"
        "  MAX_ITER: 120\n  NUM_DECAYS: 3\n  GAMMA: 0.5\n  WARMUP_ITERS: 5\n",
    },
    {
        "id": "reference-world-size-docstring",
        "world_size": 16,
        "yaml": SOLVER_FIELDS + "SOLVER:\n  IMS_PER_BATCH: 16\n  BASE_LR: 0.1\n  REFERENCE_WORLD_SIZE: 8\n"
        "  MAX_ITER: 5000\n  STEPS: (4000,)\n  WARMUP_ITERS: 100\n  CHECKPOINT_PERIOD: 1000\n",
        "steps": sample(range(0, 2500, 11), range(45, 56), range(1995, 2006), range(2490, 2500)),
    },
    {
        "id": "reference-world-size-rounds-half-even",
        "world_size": 3,
        "yaml": SOLVER_FIELDS + "SOLVER:\n  IMS_PER_BATCH: 32\n  BASE_LR: 0.04\n  REFERENCE_WORLD_SIZE: 8\n"
        "  MAX_ITER: 1000\n  STEPS: [500, 750, 999]\n  WARMUP_ITERS: 100\n",
        "steps": sample(
            range(0, 2667, 13), range(260, 272), range(1328, 1338), range(1995, 2005), range(2657, 2667)
        ),
    },
    {
        "id": "steps-past-max-iter-dropped",
        "world_size": 1,
        "yaml": SOLVER_FIELDS + "SOLVER:\n  BASE_LR: 0.01\n  MAX_ITER: 100\n  STEPS: (60, 200)\n"
        "  WARMUP_ITERS: 0\n",
    },
    {
        "id": "defaults-steps-past-a-short-run",
        "world_size": 1,
        "yaml": SOLVER_FIELDS + "SOLVER:\n  MAX_ITER: 2000\n",
        "steps": sample(range(0, 2000, 7), range(995, 1006), range(1990, 2000)),
    },
    {
        "id": "constant-warmup-rescaled-cosine",
        "world_size": 1,
        "yaml": SOLVER_FIELDS
        + "SOLVER:\n  LR_SCHEDULER_NAME: WarmupCosineLR\n  BASE_LR: 0.2\n  MAX_ITER: 60\n"
        "  WARMUP_ITERS: 12\n  WARMUP_METHOD: constant\n  WARMUP_FACTOR: 0.1\n  RESCALE_INTERVAL: true\n",
    },
    {
        "id": "warmup-longer-than-training",
        "world_size": 1,
        "yaml": SOLVER_FIELDS
        + "SOLVER:\n  LR_SCHEDULER_NAME: WarmupCosineLR\n  BASE_LR: 0.1\n  MAX_ITER: 50\n"
        "  WARMUP_ITERS: 80\n",
    },
    {
        "id": "a-milestone-at-max-iter-is-refused",
        "world_size": 1,
        "yaml": SOLVER_FIELDS + "SOLVER:\n  BASE_LR: 0.01\n  MAX_ITER: 100\n  STEPS: (50, 100)\n",
    },
    {
        "id": "other-sections-and-yaml-strings",
        "world_size": 2,
        "yaml": SOLVER_FIELDS + "MODEL:\n  WEIGHTS: model.pkl\nDATALOADER:\n  NUM_WORKERS: 4\n"
        "SOLVER:\n  BASE_LR: 2e-3\n  MAX_ITER: 300\n  STEPS: (200, 250)\n  GAMMA: 0.5\n"
        "  WARMUP_ITERS: 30\n  WARMUP_FACTOR: 1e-2\n  IMS_PER_BATCH: 8\n  REFERENCE_WORLD_SIZE: 4\n"
        "  CHECKPOINT_PERIOD: 100\nTEST:\n  EVAL_PERIOD: 100\n",
    },
]


def git_package(git_dir: str, root: Path) -> None:
    for name in FILES:
        text = subprocess.run(
            ["git", "--git-dir", git_dir, "show", f"HEAD:{name}"], check=True, capture_output=True, text=True
        ).stdout
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        if name != "detectron2/engine/defaults.py":
            (root / name).write_text(text)
        else:
            (root / "auto_scale_workers.py").write_text(auto_scale_source(text))
    for name, text in STUBS.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)


def auto_scale_source(defaults: str) -> str:
    """``DefaultTrainer.auto_scale_workers``'s source, as written, as a module function."""
    tree = ast.parse(defaults)
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef) and node.name == "auto_scale_workers":
            node.decorator_list = []
            return "import logging\n\n" + ast.unparse(node) + "\n"
    raise SystemExit("auto_scale_workers not found in engine/defaults.py")


def run_from(case: dict[str, Any], namespace: dict[str, Any]) -> dict[str, Any]:
    import torch

    expression = case["expression"]
    if "rows" in case:
        scheduler = eval(expression, namespace)  # the golden script only: the real classes
        n = case["rows"]
        return {
            **case,
            "lr": None,
            "steps": None,
            "rates": [float(scheduler(i / n)) for i in range(n)],
            "end": None,
        }
    param = torch.nn.Parameter(torch.zeros(1))
    optimizer = torch.optim.SGD([param], lr=case["lr"])
    scope = {**namespace, "optimizer": optimizer, "opt": optimizer}
    scheduler = eval(expression, scope)
    wanted, rates, end = set(case["steps"]), [], None
    for t in range(max(wanted) + 1):
        if t in wanted:
            rates.append(float(optimizer.param_groups[0]["lr"]))
        if t == max(wanted):
            break
        try:
            optimizer.step()
            scheduler.step()
            lr = optimizer.param_groups[0]["lr"]
            if not isinstance(lr, float) or not math.isfinite(lr):
                raise TypeError(f"lr is {lr!r}")
        except Exception as exc:  # the step the framework refuses
            end = t + 1
            case = {**case, "raises": f"{type(exc).__name__}: {exc}"}
            break
    return {**case, "rows": None, "rates": rates, "end": end}


def run_trainer(case: dict[str, Any], modules: dict[str, Any], tmp: Path) -> dict[str, Any]:
    import torch

    config = tmp / f"{case['id']}.yaml"
    config.write_text(case["yaml"])
    cfg = modules["config"].get_cfg()
    cfg.merge_from_file(str(config))
    cfg = modules["auto_scale_workers"].auto_scale_workers(cfg, case["world_size"])
    model = torch.nn.Linear(2, 1)
    optimizer = modules["build"].build_optimizer(cfg, model)
    result: dict[str, Any] = {
        "id": case["id"],
        "world_size": case["world_size"],
        "yaml": case["yaml"],
        "solver": {
            "IMS_PER_BATCH": cfg.SOLVER.IMS_PER_BATCH,
            "BASE_LR": cfg.SOLVER.BASE_LR,
            "MAX_ITER": cfg.SOLVER.MAX_ITER,
            "WARMUP_ITERS": cfg.SOLVER.WARMUP_ITERS,
            "STEPS": list(cfg.SOLVER.STEPS),
            "CHECKPOINT_PERIOD": cfg.SOLVER.CHECKPOINT_PERIOD,
        },
    }
    try:
        scheduler = modules["build"].build_lr_scheduler(cfg, optimizer)
    except Exception as exc:  # recorded: Detectron2 refuses this config
        return {**result, "error": f"{type(exc).__name__}: {exc}"}
    max_iter = cfg.SOLVER.MAX_ITER
    steps = case.get("steps") or list(range(max_iter))
    wanted, rates, after_last = set(steps), [], None
    for iteration in range(0, max_iter):  # SimpleTrainer.train: run_step, then the hooks' after_step
        if iteration in wanted:
            rates.append(float(optimizer.param_groups[0]["lr"]))
        optimizer.step()
        try:
            scheduler.step()  # hooks.LRScheduler.after_step
        except Exception as exc:
            assert iteration == max_iter - 1, (case["id"], iteration, exc)
            after_last = f"{type(exc).__name__}: {exc}"
    return {**result, "steps": steps, "rates": rates, "after_last": after_last}


def main() -> None:
    git_dir = sys.argv[1] if len(sys.argv) > 1 else DEFAULT_GIT
    commit = subprocess.run(
        ["git", "--git-dir", git_dir, "rev-parse", "HEAD"], check=True, capture_output=True, text=True
    ).stdout.strip()
    logging.disable(logging.CRITICAL)
    with tempfile.TemporaryDirectory() as directory:
        root = Path(directory)
        git_package(git_dir, root)
        sys.path.insert(0, str(root))
        import fvcore.common.param_scheduler as fv
        import torch

        modules = {
            "config": importlib.import_module("detectron2.config"),
            "build": importlib.import_module("detectron2.solver.build"),
            "lr_scheduler": importlib.import_module("detectron2.solver.lr_scheduler"),
            "auto_scale_workers": importlib.import_module("auto_scale_workers"),
        }
        import detectron2.solver
        import fvcore

        detectron2.solver.LRMultiplier = modules["lr_scheduler"].LRMultiplier  # type: ignore[attr-defined]
        detectron2.solver.WarmupParamScheduler = modules["lr_scheduler"].WarmupParamScheduler  # type: ignore[attr-defined]
        namespace = {name: getattr(fv, name) for name in fv.__all__}
        namespace.update(
            fvcore=fvcore,
            detectron2=importlib.import_module("detectron2"),
            LRMultiplier=modules["lr_scheduler"].LRMultiplier,
            WarmupParamScheduler=modules["lr_scheduler"].WarmupParamScheduler,
        )
        versions = {
            "fvcore": importlib.metadata.version("fvcore"),
            "yacs": importlib.metadata.version("yacs"),
            "torch": torch.__version__,
            "detectron2": f"facebookresearch/detectron2@{commit}",
        }
        from_cases = [run_from(case, namespace) for case in FROM_CASES]
        trainer_cases = [run_trainer(case, modules, root) for case in TRAINER_CASES]
    generator = "scripts/stack_detectron2_goldens.py"
    (OUT / "detectron2.json").write_text(
        json.dumps(
            {"framework": "detectron2", "versions": versions, "generator": generator, "cases": from_cases},
            indent=1,
        )
        + "\n"
    )
    (OUT / "trainer_detectron2.json").write_text(
        json.dumps({"source": generator, "versions": versions, "cases": trainer_cases}, indent=1) + "\n"
    )


if __name__ == "__main__":
    main()
