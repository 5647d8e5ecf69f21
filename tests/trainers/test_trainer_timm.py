"""`lrsched trainer timm` against timm's own scheduler stepped as train.py steps it.

Expected rates, epochs and counts: tests/parity/trainer_timm.json, written by
scripts/trainer_timm_goldens.py (timm 1.0.31's create_scheduler_v2, a real torch DataLoader,
train.py's stepping and lr_base lines).
"""

from __future__ import annotations

import json
import math
from typing import Any

import pytest
from helpers import assert_usage_error, lrsched, parity

GOLDEN = parity("trainer_timm")


def run(config: str, *args: str) -> Any:
    result = lrsched("trainer", "timm", "-", *args, input=config)
    assert result.exit_code == 0, result.stderr
    return result


@pytest.mark.parametrize("case", GOLDEN["cases"], ids=[c["id"] for c in GOLDEN["cases"]])
def test_rates_and_counts_are_timms(case: dict[str, Any]) -> None:
    result = run(
        json.dumps(case["config"]),
        *("--samples", str(case["samples"]), "--world-size", str(case["world_size"]), "-f", "json"),
    )
    document = json.loads(result.stdout)
    derived = document["params"]["derived"]
    assert derived["batches_per_epoch"] == case["batches_per_epoch"]
    assert derived["updates_per_epoch"] == case["updates_per_epoch"]
    assert derived["epochs"] == case["num_epochs"]
    assert math.isclose(derived["lr"], case["lr"], rel_tol=1e-12)
    rows = document["rows"]
    assert len(rows) == len(case["rates"])
    for row, want in zip(rows, case["rates"], strict=True):
        assert math.isclose(row["lr"], want, rel_tol=1e-9, abs_tol=1e-15), (row, want)
    assert [row["epoch"] for row in rows] == case["epochs"]


def test_lr_from_lr_base_is_shown_and_noted() -> None:
    case = GOLDEN["cases"][0]
    result = run(json.dumps(case["config"]), "--samples", "1000", "--world-size", "3")
    lines = result.stderr.splitlines()
    assert lines[:5] == [
        "samples per process = ceil(1000 / 3) = 334",
        "batches per process per epoch = floor(334 / 8) = 41",
        "updates per epoch = ceil(41 / 4) = 11",
        "lr = 0.1 x sqrt(96 / 256) = 0.0612372",
        "epochs run (cycle length + cooldown) = 10 + 1 = 11",
    ]
    assert any(line.startswith("note: lr is not set: train.py derives it from lr_base") for line in lines)
    assert any("drops the last partial batch: 6 of each process's 334" in line for line in lines)
    assert not any("timm rows:" in line for line in lines)


@pytest.mark.parametrize(
    ("config", "fragments"),
    [
        ("epoch: 3\n", ["epoch", "did you mean 'epochs'"]),
        ("sched: wsd\n", ["sched", "does not reproduce"]),
        ("sched: cosin\n", ["sched", "'cosine'"]),
        ("aug_repeats: 3\n", ["aug_repeats"]),
        ("batch_size: 2000\n", ["batch_size", "no full batch"]),
        ("decay_milestones: 30\nsched: multistep\n", ["decay_milestones", "list of integers"]),
    ],
)
def test_bad_input_is_a_usage_error_naming_the_key(config: str, fragments: list[str]) -> None:
    assert_usage_error(lrsched("trainer", "timm", "-", "--samples", "1000", input=config), *fragments)
