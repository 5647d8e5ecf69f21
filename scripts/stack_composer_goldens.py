"""Golden vectors of Composer's schedulers: tests/parity/composer.json and
tests/parity/trainer_composer.json.

Run with the venv ../shared/trainenv.sh builds (torch, mosaicml 0.32.1):

    python scripts/stack_composer_goldens.py

Composer is installed there but does not import whole: ``composer.utils.misc`` imports
torchvision (``transforms``, ``datasets.VisionDataset``), its loggers ``torchvision.utils`` and
``mcli`` (mosaicml-cli), neither installed. This script stubs them minimally, as empty modules in
``sys.modules`` holding the few names imported at module level (``VisionDataset`` a bare class,
``draw_segmentation_masks`` and ``box_convert`` functions that raise, ``mcli``'s names
exception classes); none of them is called on this path. torchmetrics is imported first, before
the stub, so that it finds no torchvision and leaves its image metrics out.

Each case runs the real ``composer.Trainer`` on CPU: a ``ComposerClassifier`` around a 3 x 2
``Linear``, a ``DataLoader`` of exactly K batches, ``max_duration='Eep'``, ``SGD(lr)`` and the
scheduler as ``schedulers=[...]`` (compiled by the Trainer into its ``LambdaLR``, stepped every
batch); a callback records ``param_groups[0]['lr']`` at ``BATCH_START`` of every batch: the rate
that batch's optimizer step applies. ``expression`` is the call as a user pastes it into
``lrsched from ... --epochs E --steps-per-epoch K``; the scheduler is built from the same text
with Python's ``eval`` here, on Composer's own classes (the script's own literals only).

Trainer cases: an LLM Foundry train YAML as ``lrsched trainer composer`` reads it, with
``--samples N --world-size W``. LLM Foundry is not installed (it pins its own Composer and
needs GPUs' packages); its steps are done here as its source does them (mosaicml/llm-foundry
8c8dd48f): the process's batch is ``global_train_batch_size / W`` (utils/config_utils.py
``calculate_batch_size_info``); the dataloader is rank 0's ``DataLoader(dataset of N,
batch_size=B, sampler=DistributedSampler(num_replicas=W, rank=0, drop_last), drop_last)``
(torch's real sampler, as ``dist.get_sampler`` builds it); the scheduler is the class its
``schedulers`` registry names (optim/__init__.py 23-32) built with the YAML's other
``scheduler`` keys, as ``build_scheduler`` passes them. The real Trainer then runs
``max_duration`` from the YAML, and each batch's rate is recorded as above.
"""

from __future__ import annotations

import importlib.machinery
import importlib.metadata
import json
import logging
import sys
import types
import warnings
from pathlib import Path
from typing import Any

OUT = Path(__file__).resolve().parent.parent / "tests" / "parity" / "composer.json"
TRAINER_OUT = OUT.with_name("trainer_composer.json")
REGISTRY = {
    "cosine_with_warmup": "CosineAnnealingWithWarmupScheduler",
    "linear_decay_with_warmup": "LinearWithWarmupScheduler",
    "constant_with_warmup": "ConstantWithWarmupScheduler",
}
"""llmfoundry/optim/__init__.py's registrations of Composer's classes."""


def stub_missing_imports() -> None:
    import torchmetrics  # noqa: F401  (before the stub: it finds no torchvision and does without)

    def stub(name: str, module: types.ModuleType | None = None, **names: Any) -> None:
        module = module or types.ModuleType(name)
        module.__spec__ = importlib.machinery.ModuleSpec(name, None)
        module.__path__ = []
        module.__dict__.update(names)
        sys.modules[name] = module

    def unused(*args: Any, **kwargs: Any) -> Any:
        raise NotImplementedError("a stub: torchvision is not installed")

    class Names(types.ModuleType):  # mcli: only names imported, none used
        def __getattr__(self, name: str) -> Any:
            if name.startswith("__"):
                raise AttributeError(name)
            return type(name, (Exception,), {})

    stub("torchvision")
    stub("torchvision.transforms")
    stub("torchvision.transforms.functional")
    stub("torchvision.datasets", VisionDataset=type("VisionDataset", (), {}))
    stub("torchvision.utils", draw_segmentation_masks=unused)
    stub("torchvision.ops", box_convert=unused)
    stub("torchvision.models")
    stub("torchvision.models.resnet", Bottleneck=object)
    stub("mcli", Names("mcli"))


def case(id: str, expression: str, lr: float, epochs: int, steps_per_epoch: int) -> dict[str, Any]:
    return {
        "id": id,
        "expression": expression,
        "lr": lr,
        "epochs": epochs,
        "steps_per_epoch": steps_per_epoch,
    }


CASES = [
    case("step-epoch", "StepScheduler(step_size='1ep', gamma=0.5)", 0.1, 4, 5),
    case("step-batches", "StepScheduler('7ba')", 1.0, 3, 10),
    case("step-dur", "StepScheduler(step_size='0.25dur', gamma=0.8)", 0.2, 3, 7),
    case("step-time-object", "StepScheduler(Time(3, TimeUnit.BATCH), gamma=0.5)", 1.0, 2, 6),
    case(
        "cosine-warmup-time-dur",
        "CosineAnnealingWithWarmupScheduler(Time(0.1, 'dur'), alpha_f=0.1)",
        0.1,
        3,
        7,
    ),
    case("multistep", "MultiStepScheduler(milestones=['2ep', '30ba', '0.9dur'], gamma=0.1)", 0.1, 4, 10),
    case("multistep-module", "composer.optim.scheduler.MultiStepScheduler(['5ba'])", 1.0, 1, 8),
    case("constant-default", "ConstantScheduler()", 0.3, 2, 3),
    case("constant-alpha", "ConstantScheduler(alpha=0.5, t_max='12ba')", 1.0, 2, 10),
    case("constant-dur", "ConstantScheduler(alpha=2.0, t_max='0.55dur')", 0.1, 3, 7),
    case("linear-default", "LinearScheduler()", 0.1, 3, 4),
    case("linear-short", "LinearScheduler(alpha_i=1.0, alpha_f=0.1, t_max='10ba')", 0.1, 2, 8),
    case("linear-up", "LinearScheduler(alpha_i=0.5, alpha_f=2.0, t_max='2ep')", 0.1, 3, 5),
    case("exponential-epoch", "ExponentialScheduler(gamma=0.5)", 0.1, 3, 4),
    case("exponential-batches", "ExponentialScheduler(0.9, decay_period='3ba')", 1.0, 2, 9),
    case("cosine-default", "CosineAnnealingScheduler()", 0.1, 3, 7),
    case("cosine-alpha-f", "CosineAnnealingScheduler(t_max='20ba', alpha_f=0.1)", 0.1, 3, 10),
    case("cosine-dur-truncated", "CosineAnnealingScheduler(t_max='0.29dur')", 1.0, 1, 100),
    case("restarts", "CosineAnnealingWarmRestartsScheduler(t_0='5ba')", 0.1, 3, 6),
    case(
        "restarts-mult",
        "CosineAnnealingWarmRestartsScheduler(t_0='1ep', t_mult=1.5, alpha_f=0.01)",
        0.1,
        6,
        4,
    ),
    case("restarts-dur", "CosineAnnealingWarmRestartsScheduler('0.3dur', 2.0)", 1.0, 2, 10),
    case("polynomial", "PolynomialScheduler(power=2.0)", 0.1, 2, 8),
    case("polynomial-short", "PolynomialScheduler(0.5, t_max='9ba', alpha_f=0.05)", 1.0, 2, 7),
    case(
        "multistep-warmup",
        "MultiStepWithWarmupScheduler(t_warmup='4ba', milestones=['1ep', '2ep'])",
        0.1,
        3,
        6,
    ),
    case(
        "multistep-warmup-early",
        "MultiStepWithWarmupScheduler('0.2dur', ['3ba', '0.5dur'], gamma=0.5, scale_warmup=True)",
        1.0,
        2,
        10,
    ),
    case("constant-warmup", "ConstantWithWarmupScheduler(t_warmup='5ba')", 0.1, 2, 6),
    case("constant-warmup-alpha", "ConstantWithWarmupScheduler('1ep', alpha=0.5, t_max='30ba')", 1.0, 3, 4),
    case("linear-warmup", "LinearWithWarmupScheduler(t_warmup='0.1dur', alpha_f=0.1)", 0.1, 3, 7),
    case(
        "linear-warmup-alpha-i",
        "LinearWithWarmupScheduler('3ba', alpha_i=0.5, alpha_f=0.0, t_max='2ep')",
        1.0,
        2,
        6,
    ),
    case("cosine-warmup", "CosineAnnealingWithWarmupScheduler(t_warmup='0.3dur')", 1.0, 2, 5),
    case(
        "cosine-warmup-issue",
        "CosineAnnealingWithWarmupScheduler(t_warmup='100ba', alpha_f=0.1)",
        6e-4,
        4,
        250,
    ),
    case(
        "cosine-warmup-zero", "CosineAnnealingWithWarmupScheduler(t_warmup='0.01dur', alpha_f=0.1)", 0.1, 2, 9
    ),
    case("cosine-warmup-long-t-max", "CosineAnnealingWithWarmupScheduler('1ep', t_max='4ep')", 0.1, 2, 5),
    case("polynomial-warmup", "PolynomialWithWarmupScheduler(t_warmup='2ba')", 0.1, 2, 6),
    case(
        "polynomial-warmup-power",
        "PolynomialWithWarmupScheduler('0.25dur', power=1.5, alpha_f=0.2)",
        1.0,
        3,
        7,
    ),
]


FOUNDRY = """max_duration: {max_duration}
global_train_batch_size: {global_batch}
device_train_microbatch_size: {micro}
optimizer:
  name: decoupled_adamw
  lr: {lr}
  betas: [0.9, 0.95]
  weight_decay: 0.0
scheduler:
{scheduler}
train_loader:
  name: finetuning
  drop_last: {drop_last}
model:
  name: mpt_causal_lm
"""


def trainer_case(
    id: str,
    samples: int,
    world_size: int,
    *,
    max_duration: str,
    global_batch: int,
    drop_last: bool,
    scheduler: str,
    lr: float = 6e-4,
    micro: int | str = 2,
    packing_ratio: float | None = None,
) -> dict[str, Any]:
    config = FOUNDRY.format(
        max_duration=max_duration,
        global_batch=global_batch,
        micro=micro,
        lr=lr,
        scheduler=scheduler,
        drop_last=str(drop_last).lower(),
    )
    if packing_ratio is not None:
        config += f"  dataset:\n    packing_ratio: {packing_ratio}\n"
        config = config.replace("model:\n  name: mpt_causal_lm\n", "") + "model:\n  name: mpt_causal_lm\n"
    return {"id": id, "config": config, "samples": samples, "world_size": world_size}


TRAINER_CASES = [
    trainer_case(
        "cosine-packed",
        120,
        2,
        max_duration="2ep",
        global_batch=8,
        drop_last=False,
        scheduler="  name: cosine_with_warmup\n  t_warmup: 0.2dur\n  alpha_f: 0.05",
        packing_ratio=2.5,
    ),
    trainer_case(
        "cosine-batches",
        100,
        2,
        max_duration="30ba",
        global_batch=8,
        drop_last=True,
        scheduler="  name: cosine_with_warmup\n  t_warmup: 0.1dur\n  alpha_f: 0.1",
    ),
    trainer_case(
        "cosine-epochs-ceil",
        50,
        4,
        max_duration="3ep",
        global_batch=8,
        drop_last=False,
        scheduler="  name: cosine_with_warmup\n  t_warmup: 10ba",
        micro="auto",
    ),
    trainer_case(
        "linear-epochs-floor",
        90,
        2,
        max_duration="2ep",
        global_batch=12,
        drop_last=True,
        scheduler="  name: linear_decay_with_warmup\n  t_warmup: 0.15dur\n  alpha_f: 0.0",
        lr=1e-4,
    ),
    trainer_case(
        "constant-batches",
        64,
        1,
        max_duration="20ba",
        global_batch=16,
        drop_last=False,
        scheduler="  name: constant_with_warmup\n  t_warmup: 1ep",
        lr=3e-4,
    ),
]


def run_foundry(case: dict[str, Any]) -> list[float]:
    import composer.optim.scheduler as scheduler_module
    import torch
    import yaml
    from torch.utils.data import DistributedSampler, TensorDataset

    config = yaml.safe_load(case["config"])
    world, samples = case["world_size"], case["samples"]
    batch = config["global_train_batch_size"] / world
    batch = round(batch) if batch == round(batch) else batch
    drop_last = config["train_loader"]["drop_last"]
    packing = config["train_loader"].get("dataset", {}).get("packing_ratio")
    if packing is not None and packing != 1.0:
        batch = int(batch * packing)  # build_collate_fn: n_examples_to_pack, the dataloader's batch size
    sampler = DistributedSampler(
        TensorDataset(torch.zeros(samples)), num_replicas=world, rank=0, shuffle=False, drop_last=drop_last
    )
    arguments = dict(config["scheduler"])
    scheduler = getattr(scheduler_module, REGISTRY[arguments.pop("name")])(**arguments)
    return train(scheduler, config["optimizer"]["lr"], config["max_duration"], batch, sampler, drop_last)


def run(expression: str, lr: float, epochs: int, batches: int) -> list[float]:
    import composer
    import composer.optim.scheduler as scheduler_module

    names = dict(vars(scheduler_module), composer=composer)
    scheduler = eval(expression, names)  # the script's own literal cases
    rates = train(scheduler, lr, f"{epochs}ep", 2, None, False, samples=2 * batches)
    assert len(rates) == epochs * batches, (expression, len(rates))
    return rates


def train(
    scheduler: Any, lr: float, max_duration: str, batch: int, sampler: Any, drop_last: bool, samples: int = 0
) -> list[float]:
    """The real Trainer's rate at each batch, on a dataloader of ``batch``-sample batches."""
    import torch
    from composer import Trainer
    from composer.core import Callback
    from composer.models import ComposerClassifier
    from torch.utils.data import DataLoader, TensorDataset

    class Record(Callback):
        def __init__(self) -> None:
            self.rates: list[float] = []

        def batch_start(self, state: Any, logger: Any) -> None:
            self.rates.append(state.optimizers[0].param_groups[0]["lr"])

    n = samples or len(sampler.dataset)
    torch.manual_seed(0)
    data = TensorDataset(torch.randn(n, 3), torch.randint(0, 2, (n,)))
    if sampler is not None:
        sampler.dataset = data
    model = ComposerClassifier(torch.nn.Linear(3, 2), num_classes=2)
    record = Record()
    Trainer(
        model=model,
        train_dataloader=DataLoader(data, batch_size=batch, sampler=sampler, drop_last=drop_last),
        max_duration=max_duration,
        optimizers=torch.optim.SGD(model.parameters(), lr=lr),
        schedulers=[scheduler],
        callbacks=[record],
        device="cpu",
        progress_bar=False,
        log_to_console=False,
        loggers=[],
    ).fit()
    return record.rates


def main() -> None:
    stub_missing_imports()
    logging.disable(logging.WARNING)
    warnings.simplefilter("ignore")
    cases = [dict(c, rates=run(c["expression"], c["lr"], c["epochs"], c["steps_per_epoch"])) for c in CASES]
    golden = {
        "framework": "composer",
        "versions": {
            "mosaicml": importlib.metadata.version("mosaicml"),
            "torch": importlib.metadata.version("torch"),
        },
        "generator": "scripts/stack_composer_goldens.py",
        "cases": cases,
    }
    OUT.write_text(json.dumps(golden, indent=1) + "\n")
    print(f"{OUT}: {len(cases)} cases")
    trainer_cases = [dict(c, rates=run_foundry(c)) for c in TRAINER_CASES]
    golden = dict(
        golden, framework="composer", trainer="llm-foundry 8c8dd48f on composer", cases=trainer_cases
    )
    TRAINER_OUT.write_text(json.dumps(golden, indent=1) + "\n")
    print(f"{TRAINER_OUT}: {len(trainer_cases)} cases")


if __name__ == "__main__":
    main()
