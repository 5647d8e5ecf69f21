"""`lrsched trainer megatron` against training.py's arithmetic on the real Megatron core scheduler.

Expected rates: tests/parity/trainer_megatron.json, written by scripts/megatron_goldens.py.
"""

from __future__ import annotations

import json
import math
from typing import Any

import pytest
from helpers import assert_usage_error, lrsched, parity

GOLDEN = parity("trainer_megatron")
FIRST = GOLDEN["cases"][0]


def _run(arguments: str, world: int, *extra: str) -> Any:
    return lrsched("trainer", "megatron", "-", "--world-size", str(world), *extra, input=arguments)


@pytest.mark.parametrize("case", GOLDEN["cases"], ids=[c["id"] for c in GOLDEN["cases"]])
def test_rates_are_megatrons(case: dict[str, Any]) -> None:
    result = _run(case["arguments"], case["world_size"], "-f", "json")
    assert result.exit_code == 0, result.stderr
    document = json.loads(result.stdout)
    assert document["params"]["derived"]["global_batch_size"] == case["global_batch_size"]
    rows = document["rows"]
    assert len(rows) == case["total_updates"] == len(case["rates"])
    for row, want in zip(rows, case["rates"], strict=True):
        assert math.isclose(row["lr"], want, rel_tol=1e-9, abs_tol=1e-15), (row, want)


def test_the_derivation_counts_samples() -> None:
    result = _run(FIRST["arguments"], 8)
    assert result.exit_code == 0, result.stderr
    assert result.stderr.splitlines()[:3] == [
        "lr_decay_steps (samples) = 150 x 64 = 9600",
        "lr_warmup_steps (samples) = 0.01 x 9600 = 96",
        "iterations (updates) = 200",
    ]
    assert "Megatron counts the schedule in samples" in result.stderr
    assert "is not used" not in result.stderr


def test_set_takes_the_argument_name() -> None:
    result = _run(FIRST["arguments"], 8, "--set", "lr-decay-style=linear", "-f", "json")
    assert result.exit_code == 0, result.stderr
    assert "lr_decay_style='linear'" in json.loads(result.stdout)["params"]["scheduler"]


@pytest.mark.parametrize(
    ("extra", "fragments"),
    [
        ("--rampup-batch-size 32 32 2000000", ["rampup-batch-size", "Megatron-Bridge#2609"]),
        ("--lr-warmup-iters 5", ["lr-warmup-fraction", "cannot both"]),
        ("--train-samples 1000", ["train-iters", "exactly one"]),
        ("--lr-decay-style cos", ["lr-decay-style", "not supported"]),
        ("--lr-decay-stlye cosine", ["lr-decay-stlye", "lr-decay-style"]),
        ("--global-batch-size 60", ["global-batch-size", "divisible"]),
        ("--lr $LR", ["lr", "shell variable"]),
    ],
)
def test_bad_arguments_are_usage_errors_naming_them(extra: str, fragments: list[str]) -> None:
    assert_usage_error(_run(FIRST["arguments"] + extra + "\n", 8), *fragments)
