"""Warmups in steps (--warmup-steps), as a fraction of the run (--warmup-ratio), and a per-step
warmup before a schedule stepped per epoch (--by-epoch). Their rows against the real frameworks
are in tests/parity/catalogue.json (group "warmups": Hugging Face, PyTorch, MMEngine, Detectron2).
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from helpers import PARITY, assert_usage_error, lrsched

from lrsched_cli.frameworks import FRAMEWORKS
from lrsched_cli.schedules import warmup_over

EMITTED: list[dict[str, Any]] = json.loads((PARITY / "emit.json").read_text())["cases"]


def document(*argv: str) -> Any:
    result = lrsched(*argv, "-f", "json")
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def test_warmup_over_ramps_to_the_rate_where_it_ends_and_keeps_the_clock() -> None:
    rate = warmup_over(lambda t: 1.0 if t < 4 else 0.5, warmup=6, warmup_start_lr=0.1)
    # X + (S - X) * t / W with S = the schedule at t = 6 (0.5), then the schedule itself
    expected = [0.1, 0.1 + 0.4 / 6, 0.1 + 0.8 / 6, 0.1 + 1.2 / 6, 0.1 + 1.6 / 6, 0.1 + 2.0 / 6, 0.5, 0.5]
    assert [rate(t) for t in range(8)] == pytest.approx(expected, rel=1e-15)


def test_warmup_steps_not_a_whole_epoch() -> None:
    got = document(
        "step", "--lr", "0.1", "--step-size", "1", "--warmup-steps", "3", "--steps-per-epoch", "2", "-n", "3"
    )
    assert [row["lr"] for row in got["rows"]] == pytest.approx([0.0, 0.1 / 3, 0.2 / 3, 0.1, 0.1, 0.01])
    assert got["params"]["warmup"] == 0 and got["params"]["warmup_steps"] == 3


def test_warmup_ratio_rounds_up_as_hugging_face() -> None:
    got = document("cosine", "--lr", "0.1", "--warmup-ratio", "0.13", "-n", "35")
    # ceil(0.13 x 35) = ceil(4.55) = 5 warmup steps; the cosine gets the 30 left
    assert got["params"]["warmup_steps"] == 5 and got["params"]["t_max"] == 30
    assert got["params"]["warmup_ratio"] == 0.13


def test_warmup_ratio_multiplies_as_hugging_face() -> None:
    # ceil(num_training_steps * ratio): 300 * 0.07 is 21.000000000000004, so 22 steps
    params = document(
        "cosine", "--lr", "0.1", "--warmup-ratio", "0.07", "--steps-per-epoch", "20", "-n", "15"
    )["params"]
    assert params["warmup_steps"] == 22


def test_a_plain_run_records_none_of_the_new_warmup_keys() -> None:
    params = document("cosine", "--lr", "0.1", "--warmup", "2")["params"]
    assert not {"warmup_steps", "warmup_ratio", "by_epoch"} & set(params)


def test_a_length_after_a_warmup_in_steps_is_recorded_in_its_unit() -> None:
    params = document("cosine", "--lr", "0.1", "--warmup-steps", "50", "--steps-per-epoch", "100", "-n", "3")[
        "params"
    ]
    assert params["t_max"] == 2.5  # epochs: 250 of the 300 steps


def test_by_epoch_holds_the_schedule_on_the_runs_epochs() -> None:
    got = document(
        "step",
        "--lr",
        "0.1",
        "--step-size",
        "1",
        "--steps-per-epoch",
        "3",
        "--by-epoch",
        "--warmup-steps",
        "2",
        "-n",
        "2",
    )
    # the ramp covers steps 1-2 up to epoch 1's rate, the drop is still at epoch 2's first step
    assert [row["lr"] for row in got["rows"]] == pytest.approx([0.0, 0.05, 0.1, 0.01, 0.01, 0.01])
    assert got["params"]["by_epoch"] is True


@pytest.mark.parametrize(
    ("argv", "fragments"),
    [
        (["--warmup", "2", "--warmup-steps", "3"], ["'--warmup-steps'", "--warmup 2 and --warmup-steps 3"]),
        (
            ["--warmup-steps", "3", "--warmup-ratio", "0.1", "-n", "10"],
            ["'--warmup-ratio'", "--warmup-ratio 0.1"],
        ),
        (["--warmup-ratio", "0.1"], ["'--warmup-ratio'", "give its length with --epochs"]),
        (["--warmup-ratio", "1", "-n", "10"], ["'--warmup-ratio'", "below 1, got 1.0"]),
        (["--warmup-ratio", "-0.1", "-n", "10"], ["'--warmup-ratio'", "got -0.1"]),
        (["--warmup-ratio", "nan", "-n", "10"], ["'--warmup-ratio'", "finite"]),
        (["--warmup-steps", "-1"], ["'--warmup-steps'", "-1"]),
        (["--warmup-steps", "30"], ["'--warmup-steps'", "shorter than the 30 rows, got 30"]),
        (
            ["--warmup-steps", "60", "--steps-per-epoch", "2"],
            ["'--warmup-steps'", "shorter than the 60 rows, got 60"],
        ),
        (["--by-epoch"], ["'--by-epoch'", "give --steps-per-epoch"]),
        (
            ["--by-epoch", "--steps-per-epoch", "2", "--warmup-steps", "60"],
            ["'--warmup-steps'", "shorter than the 60 rows"],
        ),
    ],
)
def test_bad_warmups_are_usage_errors(argv: list[str], fragments: list[str]) -> None:
    assert_usage_error(lrsched("cosine", "--lr", "0.1", *argv), *fragments)


@pytest.mark.parametrize("name", ["exponential", "inverse-time", "onecycle", "inverse-sqrt", "wsd"])
def test_by_epoch_refuses_a_schedule_counting_steps(name: str) -> None:
    needed = {
        "onecycle": ["--max-lr", "0.1"],
        "wsd": ["--lr", "0.1", "--stable-steps", "2", "--decay-steps", "2"],
    }
    argv = needed.get(name, ["--lr", "0.1"] + (["--decay-rate", "0.5"] if name == "inverse-time" else []))
    result = lrsched(name, *argv, "--steps-per-epoch", "2", "--by-epoch")
    assert_usage_error(result, "'--by-epoch'", "in optimizer steps", "drop --by-epoch")


# --emit writes a warmup in steps exactly: the same expression as the warmup in epochs it equals,
# whose rates the real frameworks computed (tests/parity/emit.json).
@pytest.mark.parametrize(
    ("ours", "recorded"),
    [
        (
            "cosine --lr 0.1 --t-max 8 --warmup-steps 6 --warmup-start-lr 0.02 --steps-per-epoch 3",
            "cosine --lr 0.1 --t-max 8 --warmup 2 --warmup-start-lr 0.02 --steps-per-epoch 3",
        ),
        (
            "cosine --lr 0.1 --min-lr 0.001 --warmup-ratio 0.15 -n 30",
            "cosine --lr 0.1 --min-lr 0.001 --warmup 5",
        ),
    ],
)
def test_emit_writes_a_warmup_in_steps_exactly(ours: str, recorded: str) -> None:
    records = [r for r in EMITTED if " ".join(r["argv"]) == recorded]
    assert records
    for record in records:
        emitted = lrsched(*ours.split(), "--emit", record["framework"])
        assert emitted.exit_code == 0, emitted.stderr
        assert emitted.stdout == record["expression"] + "\n"
        rows = [row["lr"] for row in document(*ours.split())["rows"]]
        assert len(rows) == len(record["rates"])
        # as README states: float32 frameworks to 1e-6 of the peak, float64 ones to a relative 1e-9
        float32 = FRAMEWORKS[record["framework"]].float32
        for ours_rate, theirs in zip(rows, record["rates"]):
            allowed = 1e-6 * max(rows) if float32 else 1e-9 * abs(ours_rate)
            assert abs(ours_rate - theirs) <= allowed


@pytest.mark.parametrize("framework", ["torch", "keras", "optax", "hf", "timm"])
def test_emit_refuses_by_epoch_saying_why(framework: str) -> None:
    argv = [
        "cosine",
        "--lr",
        "0.1",
        "--t-max",
        "4",
        "--steps-per-epoch",
        "3",
        "--by-epoch",
        "--emit",
        framework,
    ]
    assert_usage_error(lrsched(*argv), "'--emit'", "--by-epoch", "one expression cannot build")


def test_the_warmup_options_are_in_every_schedules_help() -> None:
    shown = " ".join(lrsched("cosine", "--help").stdout.split())
    for option in ["--warmup-steps", "--warmup-ratio", "--by-epoch"]:
        assert option in shown
