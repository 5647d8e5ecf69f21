"""`lrsched trainer torchtune` against torchtune's own scheduler stepped as its recipe steps it.

Expected rates, epochs and counts: tests/parity/trainer_torchtune.json, written by
scripts/trainer_torchtune_goldens.py (torchtune 0.6.1's get_cosine_schedule_with_warmup, a real
torch DataLoader, the recipe's stepping).
"""

from __future__ import annotations

import json
import math
from typing import Any

import pytest
from helpers import assert_usage_error, lrsched, parity

GOLDEN = parity("trainer_torchtune")
ISSUE = GOLDEN["cases"][0]


@pytest.mark.parametrize("case", GOLDEN["cases"], ids=[c["id"] for c in GOLDEN["cases"]])
def test_rates_and_counts_are_torchtunes(case: dict[str, Any]) -> None:
    sizes = ["--samples", str(case["samples"]), "--world-size", str(case["world_size"])]
    result = lrsched("trainer", "torchtune", "-", *sizes, "-f", "json", input=json.dumps(case["config"]))
    assert result.exit_code == 0, result.stderr
    document = json.loads(result.stdout)
    derived = document["params"]["derived"]
    assert derived["batches_per_epoch"] == case["batches_per_epoch"]
    assert derived["updates_per_epoch"] == case["steps_per_epoch"]
    assert derived["total_updates"] == case["global_step"]
    rows = document["rows"]
    assert len(rows) == len(case["rates"])
    for row, want in zip(rows, case["rates"], strict=True):
        assert math.isclose(row["lr"], want, rel_tol=1e-9, abs_tol=1e-15), (row, want)
    assert [row["epoch"] for row in rows] == case["epochs"]


def test_the_issues_example_rounds_down_to_30_updates() -> None:
    result = lrsched(
        "trainer",
        "torchtune",
        "-",
        "--samples",
        "1000",
        "--world-size",
        "3",
        input=json.dumps(ISSUE["config"]),
    )
    assert result.exit_code == 0, result.stderr
    assert result.stderr.splitlines()[:4] == [
        "samples per process = ceil(1000 / 3) = 334",
        "batches per process per epoch = floor(334 / 8) = 41",
        "updates per epoch = floor(41 / 4) = 10",
        "total updates = 3 x 10 = 30",
    ]
    assert "the last 1 of 41 batches each epoch make no update" in result.stderr


@pytest.mark.parametrize(
    ("change", "fragments"),
    [
        ({"epoch": 3}, ["epoch", "did you mean 'epochs'"]),
        ({"lr_scheduler": {"_component_": "torch.optim.lr_scheduler.StepLR"}}, ["lr_scheduler._component_"]),
        (
            {
                "lr_scheduler": {
                    "_component_": ISSUE["config"]["lr_scheduler"]["_component_"],
                    "num_warmup_step": 3,
                }
            },
            ["lr_scheduler.num_warmup_step", "num_warmup_steps"],
        ),
        (
            {
                "lr_scheduler": {
                    "_component_": ISSUE["config"]["lr_scheduler"]["_component_"],
                    "num_warmup_steps": 99,
                }
            },
            ["lr_scheduler.num_warmup_steps", "longer than"],
        ),
        ({"optimizer": {"_component_": "torch.optim.AdamW"}}, ["optimizer.lr"]),
        ({"batch_size": "eight"}, ["batch_size", "expected an integer"]),
    ],
)
def test_bad_input_is_a_usage_error_naming_the_key(change: dict[str, Any], fragments: list[str]) -> None:
    config = {**ISSUE["config"], **change}
    result = lrsched(
        "trainer", "torchtune", "-", "--samples", "1000", "--world-size", "3", input=json.dumps(config)
    )
    assert_usage_error(result, *fragments)
