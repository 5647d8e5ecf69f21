"""`lrsched trainer lightning` against the real Lightning Trainer, and its notes and errors.

Expected rates, epochs and step counts come from real ``lightning.Trainer.fit`` runs on CPU
(lightning 2.6.6, torch 2.13.0): tests/parity/trainer_lightning.json, written by
scripts/trainer_lightning_goldens.py.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterator
from itertools import islice
from typing import Any

import pytest
from helpers import assert_usage_error, lrsched, parity

from lrsched_cli.trainers import Run, derive

GOLDEN = parity("trainer_lightning")

ISSUE = """\
trainer: {max_epochs: 3, accumulate_grad_batches: 4, devices: 3}
optimizer: {lr: 0.1}
lr_scheduler:
  scheduler: "OneCycleLR(optimizer, max_lr=0.1, total_steps=estimated_stepping_batches)"
"""


def run(config: str, *args: str) -> Any:
    result = lrsched("trainer", "lightning", "-", *args, input=config)
    assert result.exit_code == 0, result.stderr
    return result


@pytest.mark.parametrize("case", GOLDEN["cases"], ids=[c["id"] for c in GOLDEN["cases"]])
def test_rates_and_counts_are_the_real_trainers(case: dict[str, Any]) -> None:
    result = run(
        json.dumps(case["config"]),
        *("--samples", str(case["samples"]), "--batch-size", str(case["batch_size"])),
        *("--world-size", str(case["world_size"]), "-f", "json"),
    )
    document = json.loads(result.stdout)
    derived = document["params"]["derived"]
    assert derived["batches_per_epoch"] == case["batches_per_epoch"]
    assert derived["estimated_stepping_batches"] == case["estimated_stepping_batches"]
    assert derived["total_updates"] == case["global_step"]
    rows = document["rows"]
    assert len(rows) == len(case["rates"])
    for row, want in zip(rows, case["rates"], strict=True):
        assert math.isclose(row["lr"], want, rel_tol=1e-9, abs_tol=1e-15), (row, want)
    assert [row["epoch"] for row in rows] == case["epochs"]


def test_the_issues_example_derives_33_updates_and_notes_the_epoch_interval() -> None:
    result = run(ISSUE, "--samples", "1000", "--batch-size", "8")
    lines = result.stderr.splitlines()
    assert lines[:4] == [
        "samples per process = ceil(1000 / 3) = 334",
        "batches per process per epoch = ceil(334 / 8) = 42",
        "updates per epoch = ceil(42 / 4) = 11",
        "total updates = 11 x 3 = 33",
    ]
    assert any("lr_scheduler.interval (Lightning's default) is epoch" in line for line in lines)
    assert any("optimizer's learning rate (0.1) is not used" in line for line in lines)
    assert len(result.stdout.splitlines()) == 33


def test_frequency_under_accumulation_is_noted() -> None:
    case = next(c for c in GOLDEN["cases"] if c["id"] == "frequency-3-counts-micro-batches")
    result = run(json.dumps(case["config"]), "--samples", "45", "--batch-size", "4")
    assert "lr_scheduler.frequency: 3 counts micro-batches" in result.stderr


def _stepped_one_update_at_a_time(
    updates: int, batches: int, accumulation: int, interval: str, frequency: int
) -> Iterator[int]:
    """The scheduler's step count at each update, as Lightning's loop advances it (the loop
    lrsched ran before its steps were built in C): the reference for the test below."""
    t = 0
    for epoch in range(1_000_000_000):
        for update in range(updates):
            yield t
            ends_on = min((update + 1) * accumulation, batches)  # batch_idx + 1 of the update
            if interval == "step" and ends_on % frequency == 0:
                t += 1
        if interval == "epoch" and (epoch + 1) % frequency == 0:
            t += 1


@pytest.mark.parametrize("interval", ["step", "epoch"])
@pytest.mark.parametrize("frequency", [1, 2, 3])
@pytest.mark.parametrize(("batches", "accumulation"), [(1, 1), (7, 1), (7, 2), (12, 4), (10, 3), (5, 8)])
@pytest.mark.parametrize("epochs", [1, 4])
def test_the_steps_are_those_of_lightnings_loop(
    interval: str, frequency: int, batches: int, accumulation: int, epochs: int
) -> None:
    config = {
        "trainer": {"max_epochs": epochs, "accumulate_grad_batches": accumulation},
        "optimizer": {"lr": 0.1},
        "lr_scheduler": {
            "scheduler": "StepLR(optimizer, step_size=2)",
            "interval": interval,
            "frequency": frequency,
        },
    }
    derivation = derive("lightning", config, Run(samples=batches, world_size=1, batch_size=1, version=None))
    updates, total = derivation.updates_per_epoch, derivation.total_updates
    assert (updates, total) == (-(-batches // accumulation), epochs * -(-batches // accumulation))
    assert derivation.steps is not None
    want = list(
        islice(_stepped_one_update_at_a_time(updates, batches, accumulation, interval, frequency), 3 * total)
    )
    assert list(islice(derivation.steps(), 3 * total)) == want  # past the run's end too
    assert derivation.derived["scheduler_steps"] == want[total - 1]


def test_max_epochs_unset_is_1000_epochs() -> None:
    config = 'optimizer: {lr: 0.1}\nlr_scheduler: {scheduler: "StepLR(optimizer, step_size=100)"}\n'
    result = run(config, "--samples", "8", "--batch-size", "4", "-f", "csv", "--quiet")
    assert len(result.stdout.splitlines()) == 1 + 2000
    noted = run(config, "--samples", "8", "--batch-size", "4", "-f", "csv")
    assert "max_epochs is not set: Lightning trains 1000 epochs" in noted.stderr


@pytest.mark.parametrize(
    ("args", "config", "fragments"),
    [
        (
            ["--batch-size", "4"],
            "trainer: {max_epoch: 3}\n",
            ["trainer.max_epoch", "did you mean 'max_epochs'"],
        ),
        (["--batch-size", "4"], "trainr: {}\n", ["trainr", "'trainer'"]),
        ([], ISSUE, ["--batch-size"]),
        (
            ["--batch-size", "4"],
            ISSUE.replace("devices: 3", "devices: 3, max_steps: x"),
            ["trainer.max_steps"],
        ),
        (["--batch-size", "4", "--world-size", "2"], ISSUE, ["--world-size", "3"]),
        (["--batch-size", "4"], ISSUE.replace("optimizer: {lr: 0.1}\n", ""), ["optimizer.lr"]),
        (
            ["--batch-size", "4", "--set", "lr_scheduler.interval=batch"],
            ISSUE,
            ["--set", "lr_scheduler.interval", "'step'"],
        ),
        (
            ["--batch-size", "4"],
            ISSUE.replace("OneCycleLR", "OneCycleRL"),
            ["lr_scheduler.scheduler", "OneCycleLR"],
        ),
        (
            ["--batch-size", "4", "--set", "lr_scheduler.interval=step"],
            ISSUE.replace("total_steps=estimated_stepping_batches", "total_steps=10"),
            ["lr_scheduler.scheduler", "stops"],
        ),
    ],
)
def test_bad_input_is_a_usage_error_naming_the_key(
    args: list[str], config: str, fragments: list[str]
) -> None:
    result = lrsched("trainer", "lightning", "-", "--samples", "1000", *args, input=config)
    assert_usage_error(result, *fragments)


def test_the_optimizers_rate_unused_is_noted_once_in_the_configs_terms() -> None:
    result = run(ISSUE, "--samples", "1000", "--batch-size", "8")
    assert "--lr" not in result.stderr
    assert result.stderr.count("is not used: OneCycleLR sets the rates itself") == 1


@pytest.mark.parametrize(
    ("t_max", "fragment"),
    [
        ("10", "the schedule ends at step 10 but the run steps it 32 times: the last 22 updates"),
        ("100", "the run ends at scheduler step 32 of the 100 the schedule is sized for"),
        ("estimated_stepping_batches", None),
    ],
)
def test_a_schedule_sized_apart_from_the_run_is_noted(t_max: str, fragment: str | None) -> None:
    config = ISSUE.replace(
        "OneCycleLR(optimizer, max_lr=0.1, total_steps=estimated_stepping_batches)",
        f"CosineAnnealingLR(optimizer, T_max={t_max})",
    )
    result = run(config, "--samples", "1000", "--batch-size", "8", "--set", "lr_scheduler.interval=step")
    notes = [line for line in result.stderr.splitlines() if line.startswith("note:")]
    if fragment is None:
        assert not any("ends" in note for note in notes), notes
    else:
        assert any(fragment in note for note in notes), notes
