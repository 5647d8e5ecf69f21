"""Composer's schedulers as `lrsched from` reads them: a row per batch of E epochs of K batches.

Expected rates: tests/parity/composer.json, written by scripts/stack_composer_goldens.py (the
real composer.Trainer 0.32.1 on CPU, max_duration='Eep', a dataloader of K batches, the rate each
batch's optimizer step applies).
"""

from __future__ import annotations

import json
import math
from typing import Any

import pytest
from helpers import assert_dialect_error, assert_usage_error, lrsched, parity

from lrsched_cli.frameworks.dispatch import reproduce, supported

GOLDEN = parity("composer")
CASES = {case["id"]: case for case in GOLDEN["cases"]}


def run(case: dict[str, Any], *options: str) -> Any:
    return lrsched(
        "from",
        case["expression"],
        "--lr",
        repr(case["lr"]),
        "--epochs",
        str(case["epochs"]),
        "--steps-per-epoch",
        str(case["steps_per_epoch"]),
        *options,
    )


@pytest.mark.parametrize("case", GOLDEN["cases"], ids=[c["id"] for c in GOLDEN["cases"]])
def test_reproduces_composers_trainer(case: dict[str, Any]) -> None:
    result = run(case, "-f", "csv")
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "epoch,step,lr"
    rows = [line.split(",") for line in lines[1:]]
    assert len(rows) == case["epochs"] * case["steps_per_epoch"] == len(case["rates"])
    k = case["steps_per_epoch"]
    for i, ((epoch, step, got), want) in enumerate(zip(rows, case["rates"], strict=True)):
        assert (int(epoch), int(step)) == (i // k + 1, i + 1)
        assert math.isclose(float(got), want, rel_tol=1e-9, abs_tol=1e-18), (i, got, want)


def test_every_scheduler_has_goldens() -> None:
    covered = {reproduce(case["expression"], lr=case["lr"]).scheduler for case in GOLDEN["cases"]}
    assert len(covered) == 13
    assert any("Time(" in case["expression"] for case in GOLDEN["cases"])  # Time(...) objects too
    assert covered | {"Time"} == set(supported()["composer"])


def test_batches_one_and_two_apply_the_same_rate_with_a_note() -> None:
    case = CASES["linear-short"]
    assert case["rates"][0] == case["rates"][1] == 0.1
    assert case["rates"][2] == pytest.approx(0.1 * (1 - 0.9 / 10))
    assert "batches 1 and 2 both apply the rate at time 0" in run(case).stderr


def test_a_duration_is_truncated_with_a_note_naming_the_key() -> None:
    case = CASES["linear-warmup"]  # '0.1dur' of 3 epochs of 7 batches: int(2.1) = 2
    result = run(case)
    assert "t_warmup='0.1dur' is int(0.1 x 7 x 3) = int(2.1) = 2 batches" in result.stderr
    assert case["rates"][2:5] == [0.05, 0.1, pytest.approx(0.1 * (1 - 0.9 / 19))]  # 2 batches, not 2.1
    truncated = CASES["cosine-dur-truncated"]  # 0.29 x 100 x 1 = 28.999999999999996: 28 batches
    assert "int(28.999999999999996) = 28 batches" in run(truncated).stderr
    assert truncated["rates"][29] == 0.0 and truncated["rates"][28] > 0.0


def test_a_warmup_truncated_to_zero_is_noted() -> None:
    result = run(CASES["cosine-warmup-zero"])
    assert "t_warmup='0.01dur' is 0 batches: no warmup" in result.stderr


def test_exponential_decays_every_batch_with_a_note() -> None:
    case = CASES["exponential-epoch"]
    assert case["rates"][3] == pytest.approx(0.1 * 0.5 ** (2 / 4))
    assert "decays every batch, gamma ** (batch / 4)" in run(case).stderr


def test_early_milestones_are_noted() -> None:
    assert "milestones '3ba' fall in the warmup" in run(CASES["multistep-warmup-early"]).stderr


def test_json_keeps_the_call_and_the_batches() -> None:
    result = run(CASES["cosine-warmup"], "-f", "json")
    data = json.loads(result.stdout)
    assert data["params"]["framework"] == "composer"
    assert data["params"]["arguments"] == {
        "t_warmup": "0.3dur",
        "t_max": "1dur",
        "alpha_f": 0.0,
        "scale_warmup": False,
    }
    assert data["params"]["steps_per_epoch"] == 5
    assert [row["step"] for row in data["rows"]] == list(range(1, 11))


@pytest.mark.parametrize("missing", [["--epochs", "2"], ["--steps-per-epoch", "3"], []])
def test_the_run_must_be_given(missing: list[str]) -> None:
    result = lrsched("from", "CosineAnnealingScheduler()", "--lr", "0.1", *missing)
    assert_usage_error(result, "reads the run's length: give --epochs E and --steps-per-epoch K")


def test_a_t_max_shorter_than_the_run_is_refused_as_composer_refuses_it() -> None:
    result = lrsched(
        "from",
        "CosineAnnealingWithWarmupScheduler('2ba', t_max='10ba')",
        "--lr",
        "0.1",
        "-n",
        "2",
        "--steps-per-epoch",
        "6",
    )
    assert_usage_error(result, "t_max", "must be greater than or equal to max_duration '2ep' (12 batches)")


def test_a_restart_interval_decaying_to_zero_fails_as_in_composer() -> None:
    result = lrsched(
        "from",
        "CosineAnnealingWarmRestartsScheduler('2ba', t_mult=0.4)",
        "--lr",
        "0.1",
        "-n",
        "2",
        "--steps-per-epoch",
        "5",
    )
    assert_usage_error(result, "has decayed to 0")


def test_a_zero_length_fails_as_in_composer() -> None:
    result = lrsched(
        "from", "LinearScheduler(t_max='0.01dur')", "--lr", "0.1", "-n", "1", "--steps-per-epoch", "5"
    )
    assert_usage_error(result, "LinearScheduler fails at batch 0 in Composer: ZeroDivisionError")


@pytest.mark.parametrize(
    ("expression", "argument", "fragment"),
    [
        ("StepScheduler(10)", "step_size", "expected a time string"),
        ("StepScheduler('10')", "step_size", "Invalid time string"),
        ("StepScheduler('1.5ba')", "step_size", "is not an integer"),
        ("StepScheduler('10BA')", "step_size", "lower case, 'ba'"),
        ("StepScheduler('100sp')", "step_size", "samples need the batch size"),
        ("StepScheduler('100tok')", "step_size", "tokens"),
        ("StepScheduler('5sec')", "step_size", "Wall clock time"),
        ("StepScheduler('infba')", "step_size", "finite"),
        ("MultiStepScheduler('10ba')", "milestones", "a list of times"),
        ("MultiStepScheduler(['10ba', 5])", "milestones", "expected a time string"),
        ("CosineAnnealingScheduler(alpha_f='0.1')", "alpha_f", "expected a number"),
        ("LinearWithWarmupScheduler('1ep', scale_warmup=1)", "scale_warmup", "True or False"),
    ],
)
def test_composers_checks_name_the_argument(expression: str, argument: str, fragment: str) -> None:
    assert_dialect_error(expression, argument, fragment, lr=0.1)


def test_emit_refuses_a_composer_scheduler() -> None:
    result = lrsched("from", "CosineAnnealingScheduler()", "--lr", "0.1", "-n", "2", "--emit", "torch")
    assert_usage_error(result, "Composer's schedulers are read, not ported")


def test_a_time_object_is_read_as_its_string() -> None:
    case = CASES["cosine-warmup-time-dur"]
    assert case["rates"][:4] == CASES["linear-warmup"]["rates"][:4]  # the same 2-batch warmup as '0.1dur'
    assert "t_warmup=\"Time(0.1, 'dur')\" is int(0.1 x 7 x 3) = int(2.1) = 2 batches" in run(case).stderr
    assert_dialect_error("StepScheduler(Time(1.5, 'ba'))", "value", "Units ba require integer values")
    assert_dialect_error("StepScheduler(Time(3, 'BA'))", "unit", "expected a TimeUnit")
    assert_dialect_error(
        "StepScheduler(Time(3, TimeUnit.SAMPLE))", "step_size", "samples need the batch size"
    )
    result = lrsched("from", "Time(3, 'ba')", "--lr", "0.1")
    assert_usage_error(result, "is a time, not a schedule")
