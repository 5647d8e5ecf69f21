"""`lrsched trainer nemo` against NeMo's own prepare_lr_scheduler under the real Lightning Trainer.

Expected rates, epochs and counts: tests/parity/trainer_nemo.json, written by
scripts/stack_nemo_goldens.py (NeMo's lr_scheduler.py from its repository, ModelPT's lines that
feed it, lightning.Trainer.fit 2.6.6 on CPU recording the rate of every optimizer step).
"""

from __future__ import annotations

import json
import math
from typing import Any

import pytest
from helpers import assert_usage_error, lrsched, parity

GOLDEN = parity("trainer_nemo")
CASES = {case["id"]: case for case in GOLDEN["cases"]}


def _run(config: dict[str, Any], samples: int, *extra: str) -> Any:
    return lrsched("trainer", "nemo", "-", "--samples", str(samples), *extra, input=json.dumps(config))


@pytest.mark.parametrize("case", GOLDEN["cases"], ids=[c["id"] for c in GOLDEN["cases"]])
def test_rates_and_counts_are_nemos_under_lightning(case: dict[str, Any]) -> None:
    result = _run(case["config"], case["samples"], "-f", "json")
    assert result.exit_code == 0, result.stderr
    document = json.loads(result.stdout)
    derived = document["params"]["derived"]
    assert derived["world_size"] == case["world_size"]
    assert derived["batches_per_epoch"] == case["batches_per_epoch"]
    assert derived["max_steps"] == case["max_steps"]
    assert derived["total_updates"] == case["global_step"]
    rows = document["rows"]
    assert len(rows) == len(case["rates"])
    for row, want in zip(rows, case["rates"], strict=True):
        assert math.isclose(row["lr"], want, rel_tol=1e-9, abs_tol=1e-18), (row, want)
    assert [row["epoch"] for row in rows] == case["epochs"]


def test_the_issues_example_derivation_and_notes() -> None:
    case = CASES["issue-cosine-warmup-ratio"]
    result = _run(case["config"], case["samples"])
    assert result.stderr.splitlines()[:4] == [
        "batches per process per epoch = ceil(1000 / 32) = 32",
        "updates per epoch = ceil(32 / 1) = 32",
        "scheduler max_steps (compute_max_steps) = 32 x 3 = 96",
        "total updates = 32 x 3 = 96",
    ]
    assert "warmup starts at lr / (warmup_steps + 1) = lr / 10, not 0" in result.stderr


@pytest.mark.parametrize(
    ("id", "fragment"),
    [
        (
            "epochs-end-before-trainer-max-steps",
            "training ends after 20 updates, before the schedule's max_steps 50",
        ),
        ("sched-max-steps-shorter-than-training", "the schedule ends at step 40, the run does 60 updates"),
        ("default-thousand-epochs", "Lightning trains 1000 epochs"),
        ("limit-train-batches-fraction-noam", "rows 1 and 2 are equal"),
        ("megatron-cosine-constant-two-nodes", "warms up Megatron's way"),
    ],
)
def test_traps_are_noted(id: str, fragment: str) -> None:
    case = CASES[id]
    result = _run(case["config"], case["samples"])
    assert result.exit_code == 0
    assert fragment in result.stderr


def test_limit_train_batches_one_is_one_batch() -> None:
    config = json.loads(json.dumps(CASES["limit-train-batches-int"]["config"]))
    config["trainer"]["limit_train_batches"] = 1
    result = _run(config, 500, "-f", "csv")
    assert result.exit_code == 0
    assert len(result.stdout.splitlines()) == 1 + 3
    assert "limit_train_batches: 1 is an int, so one batch per epoch" in result.stderr


def test_yaml_numbers_read_as_omegaconf_reads_them() -> None:
    yaml = (
        "trainer: {devices: 1, max_epochs: 3}\n"
        "model:\n  train_ds: {batch_size: 32}\n"
        "  optim: {name: adamw, lr: 1e-3, sched: {name: CosineAnnealing, warmup_ratio: 0.1, min_lr: 1e-6}}\n"
    )
    result = lrsched("trainer", "nemo", "-", "--samples", "1000", "-f", "json", "-q", input=yaml)
    assert result.exit_code == 0, result.stderr
    want = CASES["issue-cosine-warmup-ratio"]["rates"]
    got = [row["lr"] for row in json.loads(result.stdout)["rows"]]
    assert all(math.isclose(g, w, rel_tol=1e-9) for g, w in zip(got, want, strict=True))


def _with(change: dict[str, Any]) -> dict[str, Any]:
    config: dict[str, Any] = json.loads(json.dumps(CASES["issue-cosine-warmup-ratio"]["config"]))
    for dotted, value in change.items():
        *parents, last = dotted.split(".")
        node = config
        for part in parents:
            node = node.setdefault(part, {})
        node[last] = value
    return config


@pytest.mark.parametrize(
    ("change", "fragments"),
    [
        (
            {"model.optim.sched.name": "CosineAnealing"},
            ["model.optim.sched.name", "did you mean 'CosineAnnealing'"],
        ),
        ({"model.optim.sched.name": "ExponentialLR"}, ["model.optim.sched.name", "PyTorch's"]),
        ({"model.optim.sched.warmup_step": 10}, ["model.optim.sched", "warmup_step"]),
        ({"model.optim.sched.max_steps": -1}, ["model.optim.sched.max_steps", "builds no scheduler"]),
        ({"model.optim.sched.args": {"name": "auto"}}, ["model.optim.sched.args"]),
        ({"model.optim.sched.min_lr": 0.5}, ["model.optim.sched.min_lr", "lower than the minimum"]),
        ({"model.optim.lr": "fast"}, ["model.optim.lr", "expected a number"]),
        ({"trainer.devices": "gpu"}, ["trainer.devices"]),
        ({"trainer.limit_train_batches": 2.5}, ["trainer.limit_train_batches", "fraction"]),
        ({"models": {}}, ["models", "did you mean 'model'"]),
    ],
)
def test_bad_configs_are_usage_errors_naming_the_key(change: dict[str, Any], fragments: list[str]) -> None:
    assert_usage_error(_run(_with(change), 1000), *fragments)


def test_world_size_must_agree_with_devices() -> None:
    config = _with({"trainer.devices": 2})
    assert_usage_error(_run(config, 1000, "--world-size", "4"), "--world-size", "trainer.devices")
    assert _run(_with({"trainer.devices": -1}), 1000, "--world-size", "4", "-q").exit_code == 0


def test_samples_are_needed() -> None:
    result = lrsched("trainer", "nemo", "-", input=json.dumps(_with({})))
    assert_usage_error(result, "--samples")
