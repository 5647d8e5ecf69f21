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


# Default row counts: each schedule's natural length covers its whole shape (issue 9, friction).
@pytest.mark.parametrize(
    ("argv", "count", "last"),
    [
        # the last milestone, 80, and its gap 50 again: 0.001 from row 81 to 130
        (["multistep", "--lr", "0.1"], 130, 0.1 * 0.1 * 0.1),
        (["multistep", "--lr", "0.1", "--milestones", "10,20,20"], 30, 0.1 * 0.1**3),
        (["multistep", "--lr", "0.1", "--milestones", ""], 30, 0.1),  # no milestone: no end
        # one full cycle of 2000 up and 2000 down, back at --base-lr on row 4001
        (["cyclic", "--base-lr", "0.001", "--max-lr", "0.006"], 4001, 0.001),
        (["cyclic", "--base-lr", "0.001", "--max-lr", "0.1", "--step-size-up", "5"], 11, 0.001),
        (["linear", "--lr", "0.1", "--total-iters", "90"], 91, 0.1),  # end_factor 1 at t = 90
        (["linear", "--lr", "0.1", "--total-iters", "4", "--warmup", "3"], 8, 0.1),
        (["constant", "--lr", "0.1"], 6, 0.1),  # 1/3 for 5 rows, then back at --lr
        (["piecewise"], 30, 0.001),  # boundaries 10,20: 20 + 10
        # shapes without an end: 30, or up to their first change when it is later
        (["step", "--lr", "0.1", "--step-size", "10"], 30, 0.1 * 0.1 * 0.1),
        (["step", "--lr", "0.1", "--step-size", "50"], 51, 0.1 * 0.1),
        (["step", "--lr", "0.1", "--step-size", "40", "--warmup", "5"], 46, 0.1 * 0.1),
        (["cosine-restarts", "--lr", "0.1", "--t-0", "50"], 51, 0.1),
        (["exponential", "--lr", "0.1", "--gamma", "0.5", "--decay-steps", "100", "--staircase"], 101, 0.05),
        (
            ["inverse-time", "--lr", "0.1", "--decay-rate", "1", "--decay-steps", "40", "--staircase"],
            41,
            0.05,
        ),
        (["inverse-sqrt", "--lr", "0.1", "--timescale", "100"], 30, 0.1 / math.sqrt(129 / 100)),
        # with --steps-per-epoch the shape is on the step clock: 2 epochs of 3 steps, then the end
        (["linear", "--lr", "0.1", "--total-iters", "2", "--steps-per-epoch", "3"], 7, 0.1),
    ],
)
def test_the_default_rows_cover_the_shape(argv: list[str], count: int, last: float) -> None:
    got = rows(*argv)
    assert len(got) == count
    assert got[-1] == pytest.approx(last, rel=1e-12)


def test_epochs_still_wins() -> None:
    assert len(rows("multistep", "--lr", "0.1", "-n", "5")) == 5
    assert len(rows("cyclic", "--base-lr", "0.001", "--max-lr", "0.006", "-n", "7")) == 7


@pytest.mark.parametrize("name", sorted(SCHEDULES))
def test_each_command_says_its_default_row_count(name: str) -> None:
    shown = " ".join(lrsched(name, "--help").stdout.split()).replace("- ", "-")
    expected = " ".join(SCHEDULES[name].rows_help.split())
    assert f"[default: {expected}]" in shown
