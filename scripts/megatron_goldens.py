"""Golden vectors from the real Megatron core, for `lrsched from` and `lrsched trainer megatron`.

tests/parity/megatron.json: ``megatron.core.optimizer_param_scheduler.OptimizerParamScheduler``
(megatron-core 0.16.1) driving a torch SGD optimizer, stepped by ``step(1)`` (and, for the
``iterations`` cases, by ``step(increment)``); row 1 is the rate its constructor's ``step(0)`` set.

tests/parity/trainer_megatron.json: argument files, with the rate of each iteration. Megatron-LM's
``megatron/training`` package is not installed (it needs its GPU stack), so its arithmetic is
taken here from its source, ``get_optimizer_param_scheduler`` in megatron/training/training.py
(NVIDIA/Megatron-LM d98e8a64; ../shared/reference/trainers.md section 5.2), as a minimal stub:
sample counts from the arguments, then the real core ``OptimizerParamScheduler`` stepped by the
global batch after each iteration, as ``train_step`` steps it (``increment =
num_microbatches x micro_batch_size x data_parallel_size``).

Run with /work/venvs/trainenv/bin/python.
"""

from __future__ import annotations

import json
import shlex
from importlib.metadata import version
from pathlib import Path
from typing import Any

import torch
from megatron.core.optimizer_param_scheduler import OptimizerParamScheduler

PARITY = Path(__file__).resolve().parent.parent / "tests" / "parity"
WD = {"start_wd": 0.01, "end_wd": 0.01, "wd_incr_steps": 100, "wd_incr_style": "constant"}

FROM_CASES: list[dict[str, Any]] = [
    {
        "id": "cosine",
        "rows": 14,
        "increment": None,
        "kwargs": dict(
            init_lr=0.0,
            max_lr=1e-3,
            min_lr=1e-4,
            lr_warmup_steps=2,
            lr_decay_steps=10,
            lr_decay_style="cosine",
        ),
    },
    {
        "id": "linear-no-warmup",
        "rows": 9,
        "increment": None,
        "kwargs": dict(
            init_lr=0.0, max_lr=0.1, min_lr=0.0, lr_warmup_steps=0, lr_decay_steps=6, lr_decay_style="linear"
        ),
    },
    {
        "id": "warmup-init-constant",
        "rows": 7,
        "increment": None,
        "kwargs": dict(
            init_lr=1e-5,
            max_lr=1e-3,
            min_lr=0.0,
            lr_warmup_steps=3,
            lr_decay_steps=5,
            lr_decay_style="constant",
        ),
    },
    {
        "id": "inverse-square-root",
        "rows": 14,
        "increment": None,
        "kwargs": dict(
            init_lr=0.0,
            max_lr=1e-3,
            min_lr=2e-4,
            lr_warmup_steps=4,
            lr_decay_steps=11,
            lr_decay_style="inverse-square-root",
        ),
    },
    {
        "id": "fractional-warmup",
        "rows": 10,
        "increment": None,
        "kwargs": dict(
            init_lr=0.0,
            max_lr=0.1,
            min_lr=0.01,
            lr_warmup_steps=2.5,
            lr_decay_steps=8,
            lr_decay_style="cosine",
        ),
    },
]
for style in ("exponential", "linear", "cosine", "minus_sqrt"):
    FROM_CASES.append(
        {
            "id": f"wsd-{style}",
            "rows": 13,
            "increment": None,
            "kwargs": dict(
                init_lr=0.0,
                max_lr=1e-3,
                min_lr=0.0,
                lr_warmup_steps=2,
                lr_decay_steps=10,
                lr_decay_style="WSD",
                wsd_decay_steps=4,
                lr_wsd_decay_style=style,
            ),
        }
    )
FROM_CASES.append(
    {
        "id": "iterations-of-64",
        "rows": 12,
        "increment": 64,
        "kwargs": dict(
            init_lr=0.0,
            max_lr=3e-4,
            min_lr=3e-5,
            lr_warmup_steps=96,
            lr_decay_steps=640,
            lr_decay_style="cosine",
        ),
    }
)


def expression(case: dict[str, Any]) -> str:
    arguments = ", ".join(f"{key}={value!r}" for key, value in {**case["kwargs"], **WD}.items())
    call = f"OptimizerParamScheduler(optimizer, {arguments})"
    if case["increment"] is None:
        return call
    return f"iterations({call}, increment={case['increment']})"


def run(kwargs: dict[str, Any], rows: int, increment: int) -> list[float]:
    optimizer = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=1.0)
    scheduler = OptimizerParamScheduler(optimizer, **kwargs)
    rates = []
    for _ in range(rows):
        rates.append(float(optimizer.param_groups[0]["lr"]))
        scheduler.step(increment)
    return rates


TRAINER_CASES: list[dict[str, Any]] = [
    {
        "id": "cosine-warmup-fraction",
        "world_size": 8,
        "arguments": (
            "# GPT pretraining\ntorchrun pretrain_gpt.py \\\n  --lr 3e-4 --min-lr 3e-5 "
            "--lr-decay-style cosine "
            "--lr-warmup-fraction 0.01 \\\n  --train-iters 200 --lr-decay-iters 150 --global-batch-size 64 "
            "--micro-batch-size 4\n--num-layers 24 --hidden-size 1024  # not read\n"
        ),
    },
    {
        "id": "wsd-minus-sqrt-default-batch",
        "world_size": 8,
        "arguments": (
            "--lr 1e-3 --lr-decay-style WSD --lr-wsd-decay-style minus_sqrt --lr-wsd-decay-iters 20 "
            "--lr-warmup-iters 10 --train-iters 100 --micro-batch-size 2 --tensor-model-parallel-size 2\n"
        ),
    },
    {
        "id": "sample-based-linear",
        "world_size": 4,
        "arguments": (
            "--lr 0.01 --min-lr 0.001 --train-samples 1000 --lr-warmup-samples 96 --lr-decay-samples 800 "
            "--global-batch-size 32 --micro-batch-size 8 --lr-warmup-init 0.0001\n"
        ),
    },
]


def parse(text: str) -> dict[str, Any]:
    words = shlex.split(text.replace("\\\n", " "), comments=True)
    values: dict[str, Any] = {}
    for i, word in enumerate(words):
        if word.startswith("--"):
            nxt = words[i + 1] if i + 1 < len(words) else "--"
            values[word[2:]] = True if nxt.startswith("--") else nxt
    return values


def trainer_case(case: dict[str, Any]) -> dict[str, Any]:
    """training.py's get_optimizer_param_scheduler, on parsed arguments (the stub)."""
    a = parse(case["arguments"])
    micro = int(a["micro-batch-size"])
    parallel = int(a.get("tensor-model-parallel-size", 1)) * int(a.get("pipeline-model-parallel-size", 1))
    gbs = int(a.get("global-batch-size", micro * case["world_size"] // parallel))
    fraction = float(a["lr-warmup-fraction"]) if "lr-warmup-fraction" in a else None
    if "train-iters" in a:
        iters = int(a["train-iters"])
        decay = int(a.get("lr-decay-iters", iters)) * gbs
        wd_steps = iters * gbs
        wsd = int(a["lr-wsd-decay-iters"]) * gbs if "lr-wsd-decay-iters" in a else None
        warmup = fraction * decay if fraction is not None else int(a.get("lr-warmup-iters", 0)) * gbs
    else:
        samples = int(a["train-samples"])
        iters = samples // gbs
        decay = int(a.get("lr-decay-samples", samples))
        wd_steps = samples
        wsd = int(a["lr-wsd-decay-samples"]) if "lr-wsd-decay-samples" in a else None
        warmup = fraction * decay if fraction is not None else int(a.get("lr-warmup-samples", 0))
    kwargs = dict(
        init_lr=float(a.get("lr-warmup-init", 0.0)),
        max_lr=float(a["lr"]),
        min_lr=float(a.get("min-lr", 0.0)),
        lr_warmup_steps=warmup,
        lr_decay_steps=decay,
        lr_decay_style=a.get("lr-decay-style", "linear"),
        start_wd=0.01,
        end_wd=0.01,
        wd_incr_steps=wd_steps,
        wd_incr_style="constant",
        wsd_decay_steps=wsd,
        lr_wsd_decay_style=a.get("lr-wsd-decay-style", "exponential"),
    )
    return {**case, "global_batch_size": gbs, "total_updates": iters, "rates": run(kwargs, iters, gbs)}


def main() -> None:
    versions = {"megatron-core": version("megatron-core"), "torch": torch.__version__}
    cases = [
        {
            "id": case["id"],
            "expression": expression(case),
            "rows": case["rows"],
            "rates": run({**case["kwargs"], **WD}, case["rows"], case["increment"] or 1),
        }
        for case in FROM_CASES
    ]
    document = {
        "framework": "megatron",
        "versions": versions,
        "generator": "scripts/megatron_goldens.py",
        "cases": cases,
    }
    (PARITY / "megatron.json").write_text(json.dumps(document, indent=1) + "\n")
    trainer = {
        "source": "scripts/megatron_goldens.py: training.py's sample arithmetic (from its source) "
        "driving the real megatron.core OptimizerParamScheduler",
        "versions": versions,
        "cases": [trainer_case(case) for case in TRAINER_CASES],
    }
    (PARITY / "trainer_megatron.json").write_text(json.dumps(trainer, indent=1) + "\n")


if __name__ == "__main__":
    main()
