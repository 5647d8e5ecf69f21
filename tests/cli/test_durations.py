"""Durations and their units: an option named "steps" counts steps, one in epochs says epochs.

With --steps-per-epoch K, a duration in epochs (--step-size, --t-max, --warmup, --epochs, ...)
is multiplied by K; a duration in steps (--total-steps, --decay-steps, --stable-steps,
--timescale) counts optimizer steps as typed (issue 9, defect 8).
"""

from __future__ import annotations

import json
import math

import pytest
from helpers import lrsched

from lrsched_cli.registry import PARAMS, SCHEDULES


def rows(*argv: str) -> list[float]:
    result = lrsched(*argv, "-f", "json")
    assert result.exit_code == 0, result.stderr
    return [row["lr"] for row in json.loads(result.stdout)["rows"]]


def test_onecycle_total_steps_counts_optimizer_steps() -> None:
    # the case: 1000 rows, not 100,000
    assert (
        len(rows("onecycle", "--max-lr", "0.1", "--total-steps", "1000", "--steps-per-epoch", "100")) == 1000
    )


@pytest.mark.parametrize(
    ("argv", "epochs"),
    [
        (["onecycle", "--max-lr", "0.1", "--total-steps", "12"], 4),
        (["wsd", "--lr", "1", "--stable-steps", "4", "--decay-steps", "5"], 3),
        (["exponential", "--lr", "0.1", "--gamma", "0.5", "--decay-steps", "6"], 4),
        (["inverse-time", "--lr", "0.1", "--decay-rate", "1", "--decay-steps", "4", "--staircase"], 4),
        (["inverse-sqrt", "--lr", "0.1", "--timescale", "5"], 4),
    ],
)
def test_a_duration_in_steps_is_the_same_with_steps_per_epoch(argv: list[str], epochs: int) -> None:
    # -n counts epochs: `epochs` epochs of 3 steps are the 3 * epochs rows of the run without it
    plain = rows(*argv, "-n", str(3 * epochs))
    assert rows(*argv, "--steps-per-epoch", "3", "-n", str(epochs)) == plain


def test_wsd_rows_in_steps_with_steps_per_epoch() -> None:
    # warmup 1 epoch (2 steps), then 4 + 5 steps: 11 rows
    got = rows(
        "wsd",
        "--lr",
        "1",
        "--warmup",
        "1",
        "--stable-steps",
        "4",
        "--decay-steps",
        "5",
        "--steps-per-epoch",
        "2",
    )
    assert len(got) == 11
    assert got[:7] == [0.0, 0.5, 1.0, 1.0, 1.0, 1.0, 1.0]


def test_decay_steps_defaults_to_one_epoch() -> None:
    # --gamma alone decays by gamma per epoch, continuously over its steps: 0.1 * 0.5 ** (t / 2)
    got = rows("exponential", "--lr", "0.1", "--gamma", "0.5", "--steps-per-epoch", "2", "-n", "2")
    assert got == pytest.approx([0.1, 0.1 * math.sqrt(0.5), 0.05, 0.05 * math.sqrt(0.5)], rel=1e-12)
    params = json.loads(
        lrsched(
            "exponential", "--lr", "0.1", "--gamma", "0.5", "--steps-per-epoch", "2", "-n", "1", "-f", "json"
        ).stdout
    )["params"]
    assert params["decay_steps"] == 2  # recorded in steps


def test_a_duration_in_epochs_is_multiplied() -> None:
    got = rows("step", "--lr", "0.1", "--step-size", "2", "--steps-per-epoch", "3", "-n", "3")
    assert got[5] == 0.1 and got[6] == pytest.approx(0.01)  # the drop at epoch 3's first step, row 7


def test_onecycle_default_length_is_the_rows_in_steps() -> None:
    result = lrsched("onecycle", "--max-lr", "0.1", "--steps-per-epoch", "4", "-n", "5", "-f", "json")
    document = json.loads(result.stdout)
    assert document["params"]["total_steps"] == 20 and len(document["rows"]) == 20


@pytest.mark.parametrize("name", sorted(SCHEDULES))
def test_every_duration_says_its_unit(name: str) -> None:
    entry = SCHEDULES[name]
    for parameter in entry.parameters():
        unit, text = PARAMS[parameter.name].unit, entry.help(parameter.name)
        if unit == "epochs":
            assert text.startswith("Epochs"), (parameter.name, text)
        elif unit == "steps":
            assert text.startswith("Steps") and "--steps-per-epoch" in text, (parameter.name, text)


def test_every_option_named_steps_counts_steps() -> None:
    named = {name for name in PARAMS if name.endswith("_steps")}
    assert named and all(PARAMS[name].unit == "steps" for name in named)


def test_steps_per_epoch_help_names_the_durations_in_steps() -> None:
    shown = " ".join(lrsched("onecycle", "--help").stdout.split())
    assert "--total-steps" in shown.split("--steps-per-epoch", 1)[1]
