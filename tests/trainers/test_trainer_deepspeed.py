"""`lrsched trainer deepspeed` against the real DeepSpeed engine and transformers' "auto" filling.

Expected rates and counts: tests/parity/trainer_deepspeed.json, written by
scripts/deepspeed_goldens.py (``deepspeed.initialize`` on CPU, a loop over its training_data
loader for --epochs passes; HF cases through ``HfTrainerDeepSpeedConfig``).
"""

from __future__ import annotations

import json
import math
from typing import Any

import pytest
from helpers import assert_usage_error, lrsched, parity

GOLDEN = parity("trainer_deepspeed")
ISSUE = GOLDEN["cases"][0]


def _run(case: dict[str, Any], *extra: str, config: dict[str, Any] | None = None) -> Any:
    sizes = ["--samples", str(case["samples"]), "--world-size", str(case["world_size"])]
    return lrsched("trainer", "deepspeed", "-", *sizes, *extra, input=json.dumps(config or case["config"]))


def _assert_rates(rows: list[dict[str, Any]], rates: list[float]) -> None:
    assert len(rows) == len(rates)
    for row, want in zip(rows, rates, strict=True):
        assert math.isclose(row["lr"], want, rel_tol=1e-9, abs_tol=1e-15), (row, want)


@pytest.mark.parametrize("case", GOLDEN["cases"], ids=[c["id"] for c in GOLDEN["cases"]])
def test_rates_and_counts_are_the_engines(case: dict[str, Any]) -> None:
    result = _run(case, "--epochs", str(case["epochs"]), "-f", "json")
    assert result.exit_code == 0, result.stderr
    document = json.loads(result.stdout)
    derived = document["params"]["derived"]
    assert derived["batches_per_epoch"] == case["batches_per_epoch"]
    assert derived["total_updates"] == case["total_updates"]
    _assert_rates(document["rows"], case["rates"])


@pytest.mark.parametrize("case", GOLDEN["hf_cases"], ids=[c["id"] for c in GOLDEN["hf_cases"]])
def test_under_the_hf_trainer_auto_is_filled_as_transformers_fills_it(case: dict[str, Any]) -> None:
    sets = [item for key, value in case["hf"].items() for item in ("--set", f"hf.{key}={value}")]
    result = _run(case, *sets, "-f", "json")
    assert result.exit_code == 0, result.stderr
    document = json.loads(result.stdout)
    assert document["params"]["derived"]["total_updates"] == case["total_updates"]
    for key, value in case["filled"].items():
        assert document["params"]["config"][f"scheduler.params.{key}"] == value, key
    _assert_rates(document["rows"], case["rates"])


def test_the_issue_example_derives_step_by_step() -> None:
    result = _run(ISSUE, "--epochs", "3")
    assert result.exit_code == 0, result.stderr
    assert result.stderr.splitlines()[:4] == [
        "samples per process = ceil(1000 / 3) = 334",
        "batches per process per epoch = ceil(334 / 8) = 42",
        "micro-batches = 3 x 42 = 126",
        "total updates = floor(126 / 4) = 31",
    ]
    assert "accumulation windows run on across epochs" in result.stderr
    assert "the first two updates apply warmup_min_lr=0.0" in result.stderr


def test_the_log_warmup_default_is_noted_once_naming_the_key() -> None:
    case = GOLDEN["cases"][1]
    result = _run(case, "--epochs", "2")
    assert result.exit_code == 0, result.stderr
    assert result.stderr.count("warmup_type") == 1
    assert "scheduler.params.warmup_type is not set" in result.stderr


def test_fp16_skipped_updates_are_noted() -> None:
    config = {**ISSUE["config"], "fp16": {"enabled": True}}
    result = _run(ISSUE, "--epochs", "3", config=config)
    assert result.exit_code == 0, result.stderr
    assert "fp16.enabled: an update whose gradients overflow is skipped" in result.stderr


def _with_params(**params: Any) -> dict[str, Any]:
    scheduler = ISSUE["config"]["scheduler"]
    return {**ISSUE["config"], "scheduler": {**scheduler, "params": {**scheduler["params"], **params}}}


@pytest.mark.parametrize(
    ("config", "extra", "fragments"),
    [
        (_with_params(warmup_type="cos"), ["--epochs", "3"], ["scheduler.params.warmup_type", "'cos'"]),
        (_with_params(warmup_num_steps=0), ["--epochs", "3"], ["scheduler.params.warmup_num_steps"]),
        (
            _with_params(warmup_step=3),
            ["--epochs", "3"],
            ["scheduler: ", "unexpected keyword argument 'warmup_step'"],
        ),
        (
            _with_params(total_num_steps="auto"),
            ["--epochs", "3"],
            ["scheduler.params.total_num_steps", "auto"],
        ),
        (
            {**ISSUE["config"], "scheduler": {"type": "WarmupCosine"}},
            ["--epochs", "3"],
            ["scheduler.type", "WarmupCosineLR"],
        ),
        ({**ISSUE["config"], "train_batch_size": 100}, ["--epochs", "3"], ["train_batch_size", "8 x 4 x 3"]),
        (
            {**ISSUE["config"], "gradient_accumulation_step": 4},
            ["--epochs", "3"],
            ["gradient_accumulation_step"],
        ),
        ({**ISSUE["config"], "optimizer": {"type": "Adam"}}, ["--epochs", "3"], ["optimizer.params.lr"]),
        (ISSUE["config"], [], ["--epochs"]),
        (
            {
                **ISSUE["config"],
                "scheduler": {
                    "type": "WarmupCosineLR",
                    "params": {"total_num_steps": 31, "warmup_max_lr": 0.1},
                },
            },
            ["--epochs", "3"],
            ["scheduler.params.warmup_max_lr", "ratios of the optimizer's lr"],
        ),
        (
            ISSUE["config"],
            ["--epochs", "3", "--set", "hf.learning_rate=0.1"],
            ["--epochs", "hf.num_train_epochs"],
        ),
        (
            {**ISSUE["config"], "train_micro_batch_size_per_gpu": 4},
            ["--set", "hf.per_device_train_batch_size=8"],
            ["train_micro_batch_size_per_gpu=4", "per_device_train_batch_size=8", '"auto"'],
        ),
    ],
)
def test_bad_input_is_a_usage_error_naming_the_key(
    config: dict[str, Any], extra: list[str], fragments: list[str]
) -> None:
    assert_usage_error(_run(ISSUE, *extra, config=config), *fragments)


def test_epochs_is_refused_where_the_config_has_the_length() -> None:
    result = lrsched("trainer", "hf", "--samples", "100", "--epochs", "3")
    assert_usage_error(result, "--epochs", "hf's config has one")
