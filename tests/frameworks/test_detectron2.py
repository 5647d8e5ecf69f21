"""fvcore's ParamSchedulers and Detectron2's WarmupParamScheduler and LRMultiplier, as `lrsched from`.

Expected rates: tests/parity/detectron2.json, written by scripts/stack_detectron2_goldens.py (the
real fvcore 0.1.5.post20221221, and detectron2/solver/lr_scheduler.py from the repository,
driving a real torch optimizer). A bare ParamScheduler's row i is its value at i / N, N the rows.
"""

from __future__ import annotations

import json
import math
from itertools import islice
from typing import Any

import pytest
from helpers import assert_dialect_error, assert_usage_error, lrsched, parity

from lrsched_cli.frameworks.dispatch import reproduce, supported

FV = "fvcore.common.param_scheduler."
GOLDEN = parity("detectron2")
CASES = {case["id"]: case for case in GOLDEN["cases"]}


def _close(got: list[float], want: list[float]) -> bool:
    return len(got) == len(want) and all(
        math.isclose(g, w, rel_tol=1e-9, abs_tol=1e-300) for g, w in zip(got, want, strict=True)
    )


@pytest.mark.parametrize("case", [c for c in GOLDEN["cases"] if c["rows"]], ids=lambda c: c["id"])
def test_a_bare_param_scheduler_is_a_function_of_progress(case: dict[str, Any]) -> None:
    result = lrsched("from", case["expression"], "-n", str(case["rows"]), "-f", "json")
    assert result.exit_code == 0, result.stderr
    document = json.loads(result.stdout)
    assert document["params"]["framework"] == "detectron2"
    assert _close([row["lr"] for row in document["rows"]], case["rates"])
    assert f"its value at i / {case['rows']}" in result.stderr


@pytest.mark.parametrize("case", [c for c in GOLDEN["cases"] if c["steps"]], ids=lambda c: c["id"])
def test_lrmultiplier_steps_as_torch_steps_it(case: dict[str, Any]) -> None:
    reproduction = reproduce(case["expression"], lr=case["lr"])
    assert reproduction.framework == "detectron2"
    got = list(islice(reproduction.rates(case["lr"]), max(case["steps"]) + 1))
    if case["end"] is None:
        assert len(got) == max(case["steps"]) + 1
    else:
        assert len(got) == case["end"], "the rates end where fvcore or torch raises"
    wanted = [t for t in case["steps"] if t < len(got)]
    assert _close([got[t] for t in wanted], case["rates"])


def test_every_scheduler_has_goldens() -> None:
    covered = set()
    for case in GOLDEN["cases"]:
        reproduction = reproduce(case["expression"], lr=case["lr"])
        covered.add(reproduction.scheduler)
        for value in reproduction.arguments.values():
            for nested in value if isinstance(value, list) else [value]:
                if isinstance(nested, dict) and "scheduler" in nested:
                    covered.add(nested["scheduler"])
                    covered.update(
                        inner["scheduler"]
                        for inner in nested["arguments"].values()
                        if isinstance(inner, dict) and "scheduler" in inner
                    )
    assert covered == set(supported()["detectron2"])


def test_the_cosine_warmup_peaks_below_one() -> None:
    """Detectron2's warmup ramps to the cosine's value at the warmup's end, not to its start."""
    rates = CASES["warmup-cosine-peak-below-one"]["rates"]
    assert max(rates) < 1
    assert rates[10] == pytest.approx(0.5 * (1 + math.cos(math.pi * 0.1)))


def test_rows_past_max_iter_end_where_fvcore_raises_with_a_note() -> None:
    case = CASES["lrmultiplier-docstring"]
    result = lrsched("from", case["expression"], "--lr", "0.02", "-n", "90005", "-f", "csv")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.count("\n") == 1 + 90001
    assert "the rows end at Step 90001" in result.stderr
    assert "where in ParamScheduler must be in [0, 1]" in result.stderr


def test_a_cosine_past_max_iter_climbs_back_with_a_note() -> None:
    case = CASES["lrmultiplier-cosine-past-end"]
    result = lrsched("from", case["expression"], "--lr", "0.1", "-n", "106", "-f", "csv")
    assert result.exit_code == 0, result.stderr
    assert "rows past iteration 99" in result.stderr


def test_natural_length_is_max_iter() -> None:
    result = lrsched("from", CASES["lrmultiplier-constant"]["expression"], "--lr", "0.1", "-f", "csv")
    assert result.stdout.splitlines()[1:] == [f"{k},0.1" for k in range(1, 6)]


def test_a_bare_scheduler_defaults_to_30_rows_and_ignores_lr() -> None:
    result = lrsched("from", "CosineParamScheduler(1, 0.01)", "--lr", "0.1", "-f", "csv")
    assert result.exit_code == 0
    assert len(result.stdout.splitlines()) == 31
    assert "its value at i / 30" in result.stderr
    assert "--lr 0.1 is ignored" in result.stderr


@pytest.mark.parametrize(
    ("expression", "argument", "fragment"),
    [
        (
            f"{FV}MultiStepParamScheduler([1, 0.1], num_updates=10, milestones=[10])",
            "milestones",
            "Milestone must be smaller than total number of updates",
        ),
        (
            f"{FV}MultiStepParamScheduler([1, 0.1, 0.01], milestones=[5])",
            "milestones",
            "requires a list of 3 miletones",
        ),
        (f"{FV}MultiStepParamScheduler([1])", "num_updates", "cannot both be None"),
        (
            "CompositeParamScheduler([CosineParamScheduler(1, 0)], [0.5], ['rescaled'])",
            "lengths",
            "must be 1",
        ),
        (
            "CompositeParamScheduler([CosineParamScheduler(1, 0)], [1.0], ['stretched'])",
            "interval_scaling",
            "Unsupported interval_scaling",
        ),
        (
            "WarmupParamScheduler(CosineParamScheduler(1, 0), 0.001, 0.1, 'cosine')",
            "warmup_method",
            "Unknown",
        ),
        ("WarmupParamScheduler(0.5, 0.001, 0.1)", "scheduler", "must be an fvcore ParamScheduler"),
        ("StepWithFixedGammaParamScheduler(1.0, 0, 0.1, 100)", "num_decays", "positive integers"),
        (f"{FV}StepParamScheduler(0, [1])", "num_updates", "larger than 0"),
    ],
)
def test_fvcores_checks_name_the_argument(expression: str, argument: str, fragment: str) -> None:
    assert_dialect_error(expression, argument, fragment)


@pytest.mark.parametrize(
    ("expression", "lr", "fragments"),
    [
        (
            "LRMultiplier(optimizer, 0.5, max_iter=10)",
            ["--lr", "0.1"],
            ["multiplier", "must be an instance of fvcore ParamScheduler"],
        ),
        (
            "LRMultiplier(optimizer, CosineParamScheduler(1, 0), max_iter=0)",
            ["--lr", "0.1"],
            ["max_iter", "ZeroDivisionError"],
        ),
        (
            "LRMultiplier(optimizer, CosineParamScheduler(1, 0), max_iter=-5)",
            ["--lr", "0.1"],
            ["max_iter", "must be at least 1"],
        ),
        (
            "LRMultiplier(optimizer, CosineParamScheduler(1, 0), 10, last_iter=5)",
            ["--lr", "0.1"],
            ["last_iter", "resuming"],
        ),
        ("LRMultiplier(optimizer, CosineParamScheduler(1, 0), 10)", [], ["--lr", "scales the optimizer"]),
    ],
)
def test_lrmultiplier_errors_are_usage_errors(expression: str, lr: list[str], fragments: list[str]) -> None:
    assert_usage_error(lrsched("from", expression, *lr), *fragments)


def test_steps_per_epoch_is_refused_rows_are_iterations() -> None:
    result = lrsched("from", "CosineParamScheduler(1, 0)", "--steps-per-epoch", "4")
    assert_usage_error(result, "--steps-per-epoch", "rows are steps already")
