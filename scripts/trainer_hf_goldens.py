"""Golden runs of the real transformers Trainer, for `lrsched trainer hf`: tests/parity/trainer_hf.json.

Each case is a TrainingArguments config, a dataset length and a world size. The script trains a
one-parameter model on CPU with the real ``Trainer.train()`` and records, at every optimizer
update, the rate that update applied (``optimizer.param_groups[0]["lr"]`` in
``on_optimizer_step``, before the scheduler steps), with what the Trainer computed
(``state.max_steps``, ``len(train_dataloader)``, ``args.get_warmup_steps``).

A world size W > 1 is process 0 of W: the train dataloader is accelerate's own
``prepare_data_loader(..., num_processes=W, process_index=0)`` (``BatchSamplerShard``, as the
Trainer's ``accelerator.prepare`` builds it in a W-process launch); everything else is the real
single-process Trainer, whose arithmetic reads only ``len(dataloader)``.

Run with the venv ../shared/trainenv.sh builds (transformers 5.24.0). Older releases, for the
``--version`` cases, run from directories given with ``--with`` that hold that release and the
tokenizers it pins, e.g.::

    pip install --no-deps --target /tmp/tf4483 transformers==4.48.3 "huggingface_hub<1.0" "tokenizers<0.22"
    pip install --no-deps --target /tmp/tf4513 transformers==4.51.3 "huggingface_hub<1.0" "tokenizers<0.22"
    pip install --no-deps --target /tmp/tf4571 transformers==4.57.1 "huggingface_hub<1.0" "tokenizers<0.23"
    pip install --target /tmp/tf500 transformers==5.0.0 "huggingface_hub<2" "tokenizers<=0.23.0" httpx
    python scripts/trainer_hf_goldens.py --with /tmp/tf4483 --with /tmp/tf4513 \
        --with /tmp/tf4571 --with /tmp/tf500
"""

from __future__ import annotations

import argparse
import json
import math
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

OUT = Path(__file__).resolve().parent.parent / "tests" / "parity" / "trainer_hf.json"

COSINE = {"lr_scheduler_type": "cosine", "learning_rate": 0.1}

CASES_5: list[dict[str, Any]] = [
    {
        "id": "issue-1000-samples-3-processes",
        "samples": 1000,
        "world_size": 3,
        "config": {
            "learning_rate": 2e-5,
            "lr_scheduler_type": "cosine",
            "warmup_steps": 0.1,
            "num_train_epochs": 3,
            "per_device_train_batch_size": 8,
            "gradient_accumulation_steps": 4,
        },
    },
    {
        "id": "50-samples-batch-4-accumulate-3",
        "samples": 50,
        "world_size": 1,
        "config": {
            **COSINE,
            "per_device_train_batch_size": 4,
            "gradient_accumulation_steps": 3,
            "num_train_epochs": 2,
            "warmup_steps": 0.2,
        },
    },
    {
        "id": "fractional-epochs-linear",
        "samples": 37,
        "world_size": 1,
        "config": {
            "learning_rate": 0.01,
            "per_device_train_batch_size": 5,
            "gradient_accumulation_steps": 2,
            "num_train_epochs": 2.5,
            "warmup_steps": 3,
        },
    },
    {
        "id": "max-steps-constant-with-warmup",
        "samples": 23,
        "world_size": 1,
        "config": {
            "learning_rate": 0.1,
            "lr_scheduler_type": "constant_with_warmup",
            "per_device_train_batch_size": 4,
            "max_steps": 17,
            "warmup_steps": 0.25,
        },
    },
    {
        "id": "drop-last-2-processes-polynomial",
        "samples": 45,
        "world_size": 2,
        "config": {
            "learning_rate": 0.1,
            "lr_scheduler_type": "polynomial",
            "per_device_train_batch_size": 4,
            "gradient_accumulation_steps": 3,
            "num_train_epochs": 4,
            "dataloader_drop_last": True,
            "warmup_steps": 2,
            "lr_scheduler_kwargs": {"power": 2.0, "lr_end": 1e-6},
        },
    },
    {
        "id": "uneven-batches-4-processes",
        "samples": 30,
        "world_size": 4,
        "config": {
            **COSINE,
            "per_device_train_batch_size": 2,
            "num_train_epochs": 3,
            "accelerator_config": {"even_batches": False},
        },
    },
    {
        "id": "cosine-with-restarts",
        "samples": 64,
        "world_size": 1,
        "config": {
            "learning_rate": 0.1,
            "lr_scheduler_type": "cosine_with_restarts",
            "per_device_train_batch_size": 4,
            "num_train_epochs": 2,
            "warmup_steps": 0.1,
            "lr_scheduler_kwargs": {"num_cycles": 3},
        },
    },
    {
        "id": "inverse-sqrt",
        "samples": 40,
        "world_size": 1,
        "config": {
            "learning_rate": 0.1,
            "lr_scheduler_type": "inverse_sqrt",
            "per_device_train_batch_size": 2,
            "num_train_epochs": 1,
            "warmup_steps": 4,
            "lr_scheduler_kwargs": {"timescale": 7},
        },
    },
    {
        "id": "cosine-with-min-lr-rate",
        "samples": 33,
        "world_size": 1,
        "config": {
            "learning_rate": 0.1,
            "lr_scheduler_type": "cosine_with_min_lr",
            "per_device_train_batch_size": 2,
            "gradient_accumulation_steps": 2,
            "num_train_epochs": 2,
            "warmup_steps": 0.1,
            "lr_scheduler_kwargs": {"min_lr_rate": 0.1},
        },
    },
    {
        "id": "cosine-warmup-with-min-lr",
        "samples": 33,
        "world_size": 1,
        "config": {
            "learning_rate": 0.1,
            "lr_scheduler_type": "cosine_warmup_with_min_lr",
            "per_device_train_batch_size": 3,
            "num_train_epochs": 2,
            "warmup_steps": 3,
            "lr_scheduler_kwargs": {"min_lr": 1e-3},
        },
    },
    {
        "id": "warmup-stable-decay",
        "samples": 48,
        "world_size": 1,
        "config": {
            "learning_rate": 0.1,
            "lr_scheduler_type": "warmup_stable_decay",
            "per_device_train_batch_size": 4,
            "num_train_epochs": 2,
            "warmup_steps": 0.125,
            "lr_scheduler_kwargs": {"num_decay_steps": 8, "min_lr_ratio": 0.1},
        },
    },
    {
        "id": "constant-ignores-warmup",
        "samples": 20,
        "world_size": 1,
        "config": {
            "learning_rate": 0.1,
            "lr_scheduler_type": "constant",
            "per_device_train_batch_size": 4,
            "num_train_epochs": 2,
            "warmup_steps": 3,
        },
    },
    {
        "id": "linear-warmup-steps-truncated",
        "samples": 30,
        "world_size": 1,
        "config": {
            "learning_rate": 0.1,
            "per_device_train_batch_size": 3,
            "num_train_epochs": 1,
            "warmup_steps": 2.7,
        },
    },
    {
        "id": "max-steps-past-one-epoch",
        "samples": 20,
        "world_size": 1,
        "config": {
            **COSINE,
            "per_device_train_batch_size": 4,
            "gradient_accumulation_steps": 2,
            "max_steps": 10,
            "warmup_steps": 2,
        },
    },
    {
        "id": "accumulation-longer-than-epoch",
        "samples": 10,
        "world_size": 1,
        "config": {
            **COSINE,
            "per_device_train_batch_size": 4,
            "gradient_accumulation_steps": 5,
            "num_train_epochs": 6,
        },
    },
    {
        "id": "kwargs-as-json-text-3-processes",
        "samples": 101,
        "world_size": 3,
        "config": {
            "learning_rate": 0.1,
            "lr_scheduler_type": "cosine_with_min_lr",
            "per_device_train_batch_size": 4,
            "num_train_epochs": 1.5,
            "warmup_steps": 0.05,
            "lr_scheduler_kwargs": '{"min_lr": "0.01", "num_cycles": "0.5"}',
        },
    },
]
"""transformers 5.x configs."""

CASES_5_0: list[dict[str, Any]] = [
    {
        "id": "v5.0-warmup-ratio-deprecated",
        "samples": 1000,
        "world_size": 3,
        "config": {
            "learning_rate": 2e-5,
            "lr_scheduler_type": "cosine",
            "warmup_ratio": 0.1,
            "num_train_epochs": 3,
            "per_device_train_batch_size": 8,
            "gradient_accumulation_steps": 4,
        },
    },
    {
        "id": "v5.0-warmup-ratio-replaces-warmup-steps",
        "samples": 50,
        "world_size": 1,
        "config": {
            **COSINE,
            "per_device_train_batch_size": 4,
            "num_train_epochs": 2,
            "warmup_steps": 5,
            "warmup_ratio": 0.2,
        },
    },
    {
        "id": "v5.0-warmup-ratio-1-is-one-step",
        "samples": 40,
        "world_size": 1,
        "config": {**COSINE, "per_device_train_batch_size": 4, "num_train_epochs": 1, "warmup_ratio": 1.0},
    },
]
"""transformers 5.0 and 5.1, where warmup_ratio is deprecated but still read (run with --with)."""

CASES_4: list[dict[str, Any]] = [
    {
        "id": "v4-issue-1000-samples-3-processes",
        "samples": 1000,
        "world_size": 3,
        "config": {
            "learning_rate": 2e-5,
            "lr_scheduler_type": "cosine",
            "warmup_ratio": 0.1,
            "num_train_epochs": 3,
            "per_device_train_batch_size": 8,
            "gradient_accumulation_steps": 4,
        },
    },
    {
        "id": "v4-50-samples-batch-4-accumulate-3",
        "samples": 50,
        "world_size": 1,
        "config": {
            **COSINE,
            "per_device_train_batch_size": 4,
            "gradient_accumulation_steps": 3,
            "num_train_epochs": 2,
            "warmup_ratio": 0.2,
        },
    },
    {
        "id": "v4-fractional-epochs",
        "samples": 37,
        "world_size": 1,
        "config": {
            "learning_rate": 0.01,
            "per_device_train_batch_size": 5,
            "gradient_accumulation_steps": 2,
            "num_train_epochs": 2.5,
            "warmup_steps": 3,
        },
    },
    {
        "id": "v4-warmup-steps-below-1-refused",
        "samples": 40,
        "world_size": 1,
        "config": {**COSINE, "per_device_train_batch_size": 4, "num_train_epochs": 2, "warmup_steps": 0.1},
        "refused": True,
    },
]
"""transformers 4.x configs (run on each 4.x release given with --with)."""


def worker() -> list[dict[str, Any]]:
    """The cases for the transformers this interpreter imports, run for real."""
    import accelerate
    import torch
    import transformers
    from accelerate.data_loader import prepare_data_loader
    from torch.utils.data import DataLoader, Dataset
    from transformers import Trainer, TrainerCallback, TrainingArguments

    torch.manual_seed(0)

    class Ones(Dataset):  # type: ignore[type-arg]
        def __init__(self, n: int) -> None:
            self.n = n

        def __len__(self) -> int:
            return self.n

        def __getitem__(self, i: int) -> dict[str, Any]:
            return {"x": torch.tensor([1.0]), "labels": torch.tensor([0.0])}

    class Tiny(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.w = torch.nn.Parameter(torch.zeros(1))

        def forward(self, x: Any, labels: Any = None) -> dict[str, Any]:
            return {"loss": ((self.w * x - 1.0) ** 2).mean()}

    class Record(TrainerCallback):
        def __init__(self) -> None:
            self.rates: list[float] = []
            self.epochs: list[int] = []

        def on_optimizer_step(self, args: Any, state: Any, control: Any, **kwargs: Any) -> None:
            self.rates.append(float(kwargs["optimizer"].param_groups[0]["lr"]))

        def on_step_end(self, args: Any, state: Any, control: Any, **kwargs: Any) -> None:
            # state.epoch = epoch + (step + 1) / steps_in_epoch: the 1-based epoch of this update
            self.epochs.append(math.floor(state.epoch - 1e-9) + 1)

    class ProcessZero(Trainer):
        """Process 0 of a W-process launch: the dataloader sharded by accelerate itself."""

        world = 1
        even = True

        def get_train_dataloader(self) -> Any:
            if self.world == 1:
                return super().get_train_dataloader()
            loader = DataLoader(
                self.train_dataset,
                batch_size=self.args.train_batch_size,
                drop_last=self.args.dataloader_drop_last,
                collate_fn=self.data_collator,
            )
            return prepare_data_loader(
                loader, num_processes=self.world, process_index=0, put_on_device=False, even_batches=self.even
            )

    release = tuple(int(part) for part in transformers.__version__.split(".")[:2])
    cases = CASES_4 if release < (5, 0) else CASES_5_0 + CASES_5[:2] if release < (5, 2) else CASES_5
    v5 = release >= (5, 0)
    results = []
    for case in cases:
        with tempfile.TemporaryDirectory() as tmp:
            extra: dict[str, Any] = {"report_to": []} if v5 else {"report_to": [], "logging_dir": tmp}
            try:
                args = TrainingArguments(
                    output_dir=tmp,
                    use_cpu=True,
                    save_strategy="no",
                    logging_strategy="no",
                    disable_tqdm=True,
                    remove_unused_columns=False,
                    seed=0,
                    **extra,
                    **case["config"],
                )
            except ValueError as error:  # a case the Trainer refuses: its message is the golden
                if not case.get("refused"):
                    raise
                results.append({**case, "version": transformers.__version__, "error": str(error)})
                continue
            record = Record()
            trainer = ProcessZero(
                model=Tiny(), args=args, train_dataset=Ones(case["samples"]), callbacks=[record]
            )
            trainer.world = case["world_size"]
            trainer.even = case["config"].get("accelerator_config", {}).get("even_batches", True)
            batches = len(trainer.get_train_dataloader())
            trainer.train()
            state = trainer.state
            results.append(
                {
                    **case,
                    "version": transformers.__version__,
                    "batches_per_epoch": batches,
                    "max_steps": state.max_steps,
                    "global_step": state.global_step,
                    "warmup_updates": args.get_warmup_steps(state.max_steps),
                    "rates": record.rates,
                    "epochs": record.epochs,
                    "versions": {
                        "transformers": transformers.__version__,
                        "accelerate": accelerate.__version__,
                        "torch": torch.__version__,
                    },
                }
            )
    return results


def shard_lengths() -> list[str]:
    """ "N B W drop_last even_batches len" over a grid, one line of text each: the per-process
    length of accelerate's own BatchSamplerShard (process 0) over torch's BatchSampler, the
    dataloader length the Trainer sizes the run from."""
    from accelerate.data_loader import BatchSamplerShard
    from torch.utils.data import BatchSampler, SequentialSampler

    rows = []
    for n in [1, 2, 5, 7, 8, 9, 16, 23, 33, 50, 64, 99, 100, 101, 1000]:
        for b in [1, 3, 4, 8]:
            for w in [1, 2, 3, 4, 7]:
                for drop_last in (False, True):
                    for even in (True, False):
                        sampler = BatchSampler(SequentialSampler(range(n)), b, drop_last)
                        shard = BatchSamplerShard(
                            sampler, num_processes=w, process_index=0, even_batches=even
                        )
                        rows.append(f"{n} {b} {w} {int(drop_last)} {int(even)} {len(shard)}")
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--with", dest="paths", action="append", default=[], help="a directory holding an older transformers"
    )
    parser.add_argument("--worker", metavar="OUT", help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.worker:  # the Trainer prints to stdout: the cases go to a file
        Path(options.worker).write_text(json.dumps(worker()), encoding="utf-8")
        return
    cases: list[dict[str, Any]] = []
    for path in [None, *options.paths]:
        env = {**os.environ, "PYTHONPATH": path} if path else dict(os.environ)
        with tempfile.TemporaryDirectory() as tmp:
            out = Path(tmp) / "cases.json"
            subprocess.run(
                [sys.executable, __file__, "--worker", str(out)], env=env, check=True, capture_output=True
            )
            cases += json.loads(out.read_text(encoding="utf-8"))
    import accelerate

    document = {
        "source": "scripts/trainer_hf_goldens.py: the real transformers Trainer.train() on CPU, one "
        "rate per optimizer update as applied (optimizer.param_groups[0]['lr'] in on_optimizer_step)",
        "versions": sorted({case["version"] for case in cases}),
        "cases": cases,
        "shard_lengths": {
            "source": f"accelerate {accelerate.__version__} BatchSamplerShard, process 0",
            "columns": ["samples", "batch_size", "world_size", "drop_last", "even_batches", "len"],
            "rows": shard_lengths(),
        },
    }
    OUT.write_text(json.dumps(document, indent=1) + "\n", encoding="utf-8")
    print(f"{OUT}: {len(cases)} cases")


if __name__ == "__main__":
    main()
