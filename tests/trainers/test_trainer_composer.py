"""`lrsched trainer composer` against the real Composer Trainer fed as LLM Foundry feeds it.

Expected rates: tests/parity/trainer_composer.json, written by scripts/stack_composer_goldens.py
(LLM Foundry's batch split and DistributedSampler dataloader, its registry's Composer scheduler,
composer.Trainer 0.32.1 on CPU recording the rate of every batch).
"""

from __future__ import annotations

import json
import math
from typing import Any

import pytest
from helpers import assert_usage_error, lrsched, parity

GOLDEN = parity("trainer_composer")
CASES = {case["id"]: case for case in GOLDEN["cases"]}


def _run(config: str, samples: int | None, world: int, *extra: str) -> Any:
    sizes = ["--samples", str(samples)] if samples is not None else []
    return lrsched("trainer", "composer", "-", *sizes, "--world-size", str(world), *extra, input=config)


@pytest.mark.parametrize("case", GOLDEN["cases"], ids=[c["id"] for c in GOLDEN["cases"]])
def test_rates_are_the_composer_trainers(case: dict[str, Any]) -> None:
    result = _run(case["config"], case["samples"], case["world_size"], "-f", "json")
    assert result.exit_code == 0, result.stderr
    rows = json.loads(result.stdout)["rows"]
    assert len(rows) == len(case["rates"])
    for row, want in zip(rows, case["rates"], strict=True):
        assert math.isclose(row["lr"], want, rel_tol=1e-9, abs_tol=1e-18), (row, want)


def test_the_derivation_lines_and_json() -> None:
    case = CASES["cosine-batches"]  # 100 samples, 2 processes, global batch 8, drop_last, 30ba
    result = _run(case["config"], case["samples"], case["world_size"])
    assert result.stderr.splitlines()[:5] == [
        "batch per process = 8 / 2 = 4",
        "micro-batches per batch = ceil(4 / 2) = 2",
        "samples per process = floor(100 / 2) = 50",
        "batches per epoch = floor(50 / 4) = 12",
        "total batches = max_duration = 30",
    ]
    assert "t_warmup='0.1dur' is int(0.1 x 30) = int(3.0" not in result.stderr  # 3 exactly: no note
    document = json.loads(_run(case["config"], case["samples"], case["world_size"], "-f", "json").stdout)
    assert document["params"]["derived"]["batches_per_epoch"] == 12
    assert document["params"]["derived"]["total_updates"] == 30
    assert (
        document["params"]["scheduler"]
        == "CosineAnnealingWithWarmupScheduler(t_warmup='0.1dur', alpha_f=0.1)"
    )
    assert [row["epoch"] for row in document["rows"]][11:13] == [1, 2]


def test_epochs_count_the_sampler_batches() -> None:
    case = CASES["cosine-epochs-ceil"]  # ceil(50 / 4) = 13 samples, ceil(13 / 2) = 7 batches, 3 epochs
    result = _run(case["config"], case["samples"], case["world_size"])
    assert "batches per epoch = ceil(13 / 2) = 7" in result.stderr
    assert "total batches = 3 x 7 = 21" in result.stderr
    assert "device_train_microbatch_size: 'auto'" in result.stderr


@pytest.mark.parametrize(
    ("edit", "key", "fragment"),
    [
        (("cosine_with_warmup", "inv_sqrt_with_warmup"), "scheduler.name", "LLM Foundry's own"),
        (("cosine_with_warmup", "cosine"), "scheduler.name", "not in LLM Foundry's schedulers registry"),
        (("max_duration: 30ba", "max_duration: 1000tok"), "max_duration", "samples and tokens"),
        (
            ("global_train_batch_size: 8", "global_train_batch_size: 7"),
            "global_train_batch_size",
            "divisible",
        ),
        (("lr: 0.0006", "betas: [1]"), "optimizer.lr", "learning rate is needed"),
        (("t_warmup: 0.1dur", "t_warmup: 0.1durs"), "scheduler.t_warmup", "Invalid time string"),
        (
            ("  alpha_f: 0.1", "  t_max: 10ba"),
            "scheduler.t_max",
            "must be greater than or equal to max_duration",
        ),
    ],
)
def test_config_errors_name_the_key(edit: tuple[str, str], key: str, fragment: str) -> None:
    case = CASES["cosine-batches"]
    assert edit[0] in case["config"], edit
    result = _run(case["config"].replace(*edit), case["samples"], case["world_size"])
    assert_usage_error(result, key, fragment)


def test_epochs_need_the_samples() -> None:
    result = _run(CASES["cosine-epochs-ceil"]["config"], None, 4)
    assert_usage_error(result, "--samples", "batches per epoch")


def test_a_run_in_batches_needs_no_samples() -> None:
    case = CASES["cosine-batches"]
    result = _run(case["config"], None, case["world_size"], "-f", "csv", "-q")
    assert result.exit_code == 0, result.stderr
    rates = [float(line.split(",")[-1]) for line in result.stdout.splitlines()[1:]]
    assert rates == pytest.approx(case["rates"], rel=1e-9)


def test_packing_makes_the_dataloader_batch_bigger() -> None:
    case = CASES["cosine-packed"]  # 120 samples, 2 processes, batch 4 packed from int(4 x 2.5) = 10
    result = _run(case["config"], case["samples"], case["world_size"])
    assert "examples per dataloader batch (packed) = int(4 x 2.5) = 10" in result.stderr
    assert "batches per epoch = ceil(60 / 10) = 6" in result.stderr
    assert "train_loader.dataset.packing_ratio: each batch reads 10 examples" in result.stderr
    auto = case["config"].replace("packing_ratio: 2.5", "packing_ratio: auto")
    assert_usage_error(_run(auto, case["samples"], 2), "train_loader.dataset.packing_ratio", "profiled")
    low = case["config"].replace("packing_ratio: 2.5", "packing_ratio: 0.5")
    assert_usage_error(_run(low, case["samples"], 2), "packing_ratio must be >= 1")


def test_a_streaming_text_loader_is_noted() -> None:
    case = CASES["cosine-epochs-ceil"]
    result = _run(
        case["config"].replace("name: finetuning", "name: text"), case["samples"], case["world_size"]
    )
    assert result.exit_code == 0, result.stderr
    assert "train_loader.name: 'text' reads a StreamingDataset" in result.stderr
    assert "StreamingDataset" not in _run(case["config"], case["samples"], case["world_size"]).stderr
