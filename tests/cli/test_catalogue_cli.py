"""multistep, constant, linear, polynomial, piecewise, inverse-time and cosine-restarts --decay at
the command line: comma lists, defaults, warmup, and every class of bad input."""

from __future__ import annotations

import json

import pytest
from helpers import assert_usage_error, lrsched


def rates(*argv: str) -> list[float]:
    result = lrsched(*argv, "-f", "json")
    assert result.exit_code == 0, result.stderr
    return [row["lr"] for row in json.loads(result.stdout)["rows"]]


def test_multistep_defaults_and_json_params() -> None:
    result = lrsched("multistep", "--lr", "0.1", "-n", "2", "-f", "json")
    params = json.loads(result.stdout)["params"]
    assert params["milestones"] == [30, 80] and params["gamma"] == 0.1


def test_comma_lists_reach_the_schedule() -> None:
    assert rates("multistep", "--lr", "1", "--milestones", "1,1,3", "--gamma", "0.5", "-n", "4") == [
        1.0,
        0.25,
        0.25,
        0.125,
    ]
    assert rates("piecewise", "--boundaries", "2", "--values", "0.3,0.2", "-n", "3") == [0.3, 0.3, 0.2]


def test_piecewise_needs_no_lr_and_warms_up_to_its_first_value() -> None:
    assert rates("piecewise", "--boundaries", "1", "--values", "0.4,0.1", "--warmup", "2", "-n", "4") == [
        0.0,
        0.2,
        0.4,
        0.1,
    ]


def test_polynomial_total_iters_defaults_to_the_rows_left_after_warmup() -> None:
    result = lrsched("polynomial", "--lr", "1", "--warmup", "2", "-n", "6", "-f", "json")
    assert json.loads(result.stdout)["params"]["total_iters"] == 4
    assert rates("polynomial", "--lr", "1", "-n", "4") == [1.0, 0.75, 0.5, 0.25]
    assert "[default: the rows, minus warmup]" in lrsched("polynomial", "-h").stdout


def test_list_options_show_their_default_as_typed() -> None:
    assert "30,80" in lrsched("multistep", "-h").stdout


def test_milestones_scale_to_exact_steps() -> None:
    got = rates(
        "multistep", "--lr", "1", "--milestones", "1", "--gamma", "0.5", "--steps-per-epoch", "2", "-n", "2"
    )
    assert got == [1.0, 1.0, 0.5, 0.5]


LR = ["--lr", "0.1"]


@pytest.mark.parametrize(
    ("argv", "fragments"),
    [
        (["multistep", *LR, "--milestones", "a,b"], ["'--milestones'", "list of integers, got 'a,b'"]),
        (["multistep", *LR, "--milestones", "1.5"], ["'--milestones'", "list of integers, got '1.5'"]),
        (["multistep", *LR, "--milestones", "3,,4"], ["'--milestones'", "got '3,,4'"]),
        (["multistep", *LR, "--milestones", "5,3"], ["'--milestones'", "increasing order, got 5,3"]),
        (["multistep", *LR, "--milestones", "-1,3"], ["'--milestones'", "must not be negative, got -1,3"]),
        (["multistep", *LR, "--gamma", "1.5"], ["'--gamma'", "between 0 and 1 (a decay factor), got 1.5"]),
        (["multistep", *LR, "--gamma", "nan"], ["'--gamma'", "nan"]),
        (["multistep", "--lr", "inf"], ["'--lr'", "inf"]),
        (["multistep", "--lr", "0"], ["'--lr'", "must be positive, got 0.0"]),
        (["piecewise", "--boundaries", "10,5", "--values", "1,2,3"], ["'--boundaries'", "increasing order"]),
        (
            ["piecewise", "--boundaries", "5,5", "--values", "1,2,3"],
            ["'--boundaries'", "repeat a boundary, got 5,5"],
        ),
        (["piecewise", "--boundaries", "-5,10"], ["'--boundaries'", "must not be negative, got -5,10"]),
        (["piecewise", "--boundaries", "0,10"], ["'--boundaries'", "must be positive", "got 0"]),
        (["piecewise", "--boundaries", "x"], ["'--boundaries'", "list of integers, got 'x'"]),
        (["piecewise", "--values", "0.1,0.01"], ["'--values'", "one more rate than --boundaries (2), got 2"]),
        (["piecewise", "--boundaries", "5", "--values", "0.1,0.2,0.3"], ["'--values'", "(1), got 3"]),
        (["piecewise", "--values", "0.1,nan,0.1"], ["'--values'", "finite numbers only, got '0.1,nan,0.1'"]),
        (["piecewise", "--values", "0.1,1e309,0.1"], ["'--values'", "finite numbers only"]),
        (["piecewise", "--values", "-0.1,0.1,0.1"], ["'--values'", "must not be negative, got -0.1"]),
        (["piecewise", "--values", "0.1;0.2"], ["'--values'", "list of numbers, got '0.1;0.2'"]),
        (["piecewise", "--warmup", "2", "--warmup-start-lr", "0.5"], ["'--warmup-start-lr'", "got 0.5"]),
        (["constant", *LR, "--factor", "1.5"], ["'--factor'", "between 0 and 1", "got 1.5"]),
        (["constant", *LR, "--factor", "-0.1"], ["'--factor'", "got -0.1"]),
        (["constant", *LR, "--factor", "inf"], ["'--factor'", "inf"]),
        (["constant", *LR, "--total-iters", "0"], ["'--total-iters'", "positive integer, got 0"]),
        (["constant", *LR, "--total-iters", "2.5"], ["'--total-iters'", "'2.5'"]),
        (
            ["linear", *LR, "--start-factor", "0"],
            ["'--start-factor'", "greater than 0 and at most 1, got 0.0"],
        ),
        (["linear", *LR, "--start-factor", "1.5"], ["'--start-factor'", "got 1.5"]),
        (["linear", *LR, "--end-factor", "1.2"], ["'--end-factor'", "between 0 and 1", "got 1.2"]),
        (["linear", *LR, "--end-factor", "-0.1"], ["'--end-factor'", "got -0.1"]),
        (["linear", *LR, "--total-iters", "-2"], ["'--total-iters'", "got -2"]),
        (["polynomial", *LR, "--total-iters", "0"], ["'--total-iters'", "positive integer, got 0"]),
        (["polynomial", *LR, "--power", "0"], ["'--power'", "must be positive, got 0.0"]),
        (["polynomial", *LR, "--power", "-1"], ["'--power'", "got -1.0"]),
        (["polynomial", *LR, "--power", "nan"], ["'--power'", "nan"]),
        (["polynomial", *LR, "--min-lr", "0.2"], ["'--min-lr'", "must not exceed lr (0.1), got 0.2"]),
        (["polynomial", *LR, "--warmup", "30"], ["'--warmup'", "shorter than the 30 rows, got 30"]),
        (["inverse-time", *LR], ["'--decay-rate'"]),
        (["inverse-time", *LR, "--decay-rate", "-1"], ["'--decay-rate'", "must not be negative, got -1.0"]),
        (["inverse-time", *LR, "--decay-rate", "1", "--decay-steps", "0"], ["'--decay-steps'", "got 0"]),
        (["inverse-time", *LR, "--decay-rate", "-inf"], ["'--decay-rate'", "inf"]),
        (
            ["cosine-restarts", *LR, "--t-0", "5", "--decay", "1.5"],
            ["'--decay'", "between 0 and 1", "got 1.5"],
        ),
        (["cosine-restarts", *LR, "--t-0", "5", "--decay", "-0.5"], ["'--decay'", "got -0.5"]),
        (["cosine-restarts", *LR, "--t-0", "5", "--decay", "nan"], ["'--decay'", "nan"]),
    ],
)
def test_bad_input_is_a_usage_error_naming_the_option(argv: list[str], fragments: list[str]) -> None:
    assert_usage_error(lrsched(*argv), *fragments)
