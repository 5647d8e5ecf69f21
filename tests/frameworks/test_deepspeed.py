"""`lrsched from` for DeepSpeed's ``deepspeed.runtime.lr_schedules``, against the real DeepSpeed.

Expected rates: tests/parity/deepspeed.json, written by scripts/deepspeed_goldens.py (DeepSpeed
0.19.8's classes on a torch optimizer, stepped once per update as the engine steps them).
"""

from __future__ import annotations

import json
import math
from itertools import islice
from typing import Any

import pytest
from helpers import assert_dialect_error, assert_usage_error, lrsched, parity

from lrsched_cli.frameworks.dispatch import reproduce, supported

GOLDEN = parity("deepspeed")


@pytest.mark.parametrize("case", GOLDEN["cases"], ids=[case["id"] for case in GOLDEN["cases"]])
def test_rates_are_deepspeeds(case: dict[str, Any]) -> None:
    reproduction = reproduce(case["expression"], lr=case["lr"] if _scales(case) else None)
    assert reproduction.framework == "deepspeed"
    got = list(islice(reproduction.rates(case["lr"]), case["rows"]))
    wrong = [
        (row, mine, theirs)
        for row, (mine, theirs) in enumerate(zip(got, case["rates"], strict=True), start=1)
        if not math.isclose(mine, theirs, rel_tol=1e-9, abs_tol=1e-15)
    ]
    assert not wrong, wrong[:5]


def _scales(case: dict[str, Any]) -> bool:
    """Whether the rates scale the optimizer's lr (the goldens' SGD has ``lr``)."""
    expression = case["expression"]
    return (
        "WarmupCosineLR" in expression
        or ("warmup_max_lr" not in expression and "WarmupLR(" in expression)
        or "warmup_max_lr=None" in expression
    )


def test_every_class_has_goldens() -> None:
    covered = {reproduce(case["expression"], lr=case["lr"]).scheduler for case in GOLDEN["cases"]}
    assert (
        covered
        == set(supported()["deepspeed"])
        == {
            "WarmupLR",
            "WarmupDecayLR",
            "WarmupCosineLR",
            "OneCycle",
            "LRRangeTest",
        }
    )


def test_rows_are_updates_and_the_first_is_the_constructors() -> None:
    result = lrsched(
        "from", "WarmupLR(optimizer, warmup_num_steps=10)", "--lr", "1e-3", "-n", "4", "-f", "csv"
    )
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[:3] == ["step,lr", "1,0.0", "2,0.0"]
    golden = next(case for case in GOLDEN["cases"] if case["id"] == "warmup-log-10")
    got = [float(text.split(",")[1]) for text in lines[1:]]
    assert all(math.isclose(a, b, rel_tol=1e-9) for a, b in zip(got, golden["rates"][:4], strict=True))
    assert math.isclose(got[2], 1e-3 * math.log(2) / math.log(10), rel_tol=1e-12)


def test_traps_are_noted_naming_the_key() -> None:
    result = lrsched("from", "WarmupLR(optimizer, warmup_num_steps=1)", "--lr", "0.1", "-n", "4")
    assert result.exit_code == 0, result.stderr
    assert "warmup_type='log' (DeepSpeed's default)" in result.stderr
    assert "write warmup_type='linear'" in result.stderr
    assert "warmup_num_steps=1 counts as 2" in result.stderr
    assert "the first two updates apply warmup_min_lr=0.0" in result.stderr
    cosine = lrsched(
        "from",
        "WarmupCosineLR(optimizer, 10, warmup_min_ratio=0.1, warmup_num_steps=4, warmup_type='linear')",
        "--lr",
        "0.1",
        "-n",
        "14",
    )
    assert "the first update applies rate 0" in cosine.stderr
    assert "WarmupCosineLR takes ratios of the optimizer's lr" in cosine.stderr
    assert "the optimizer's full lr is never applied" in cosine.stderr
    assert "from Step 11 on, the rate stays at cos_min_ratio x lr (total_num_steps=10" in cosine.stderr
    decay = lrsched("from", "WarmupDecayLR(optimizer, 10, warmup_num_steps=3)", "-n", "3")
    assert "warmup_max_lr=0.001 is its default, whatever the optimizer's lr" in decay.stderr


def test_natural_lengths_end_where_the_schedule_does() -> None:
    assert reproduce("WarmupDecayLR(optimizer, 20, warmup_num_steps=5)", lr=None).length == 22
    assert reproduce("WarmupCosineLR(optimizer, 20, warmup_num_steps=5)", lr=0.1).length == 21
    assert reproduce("OneCycle(optimizer, 0.1, 1.0, cycle_first_step_size=5)", lr=None).length == 11
    assert reproduce("WarmupLR(optimizer, warmup_num_steps=10)", lr=0.1).length == 12


def test_an_unknown_warmup_type_is_a_usage_error() -> None:
    result = lrsched("from", "WarmupLR(optimizer, warmup_type='cosine')", "--lr", "0.1")
    assert_usage_error(result, "warmup_type", "'cosine'", "'log' or 'linear'")


@pytest.mark.parametrize(
    ("expression", "argument", "fragment"),
    [
        ("WarmupLR(optimizer, warmup_num_steps=0)", "warmup_num_steps", "must be a positive integer, got 0"),
        ("WarmupCosineLR(optimizer, 10, warmup_num_steps=2.5)", "warmup_num_steps", "positive integer"),
        ("WarmupLR(optimizer, warmup_min_lr=[0.0, 0.1])", "warmup_min_lr", "one param group"),
        (
            "OneCycle(optimizer, 0.1, 1.0, cycle_first_step_size=0)",
            "cycle_first_step_size",
            "must be positive",
        ),
        ("LRRangeTest(optimizer, lr_range_test_step_size=0)", "lr_range_test_step_size", "positive integer"),
        ("WarmupLR(optimizer, last_batch_iteration=5)", "last_batch_iteration", "from its start"),
    ],
)
def test_bad_arguments_name_the_argument(expression: str, argument: str, fragment: str) -> None:
    assert_dialect_error(expression, argument, fragment, lr=0.1)


def test_the_prefix_is_optional_and_json_names_the_framework() -> None:
    result = lrsched(
        "from", "deepspeed.runtime.lr_schedules.LRRangeTest(optimizer)", "-n", "2", "-f", "json", "--quiet"
    )
    assert result.exit_code == 0, result.stderr
    document = json.loads(result.stdout)
    assert document["params"]["framework"] == "deepspeed"
    assert [row["step"] for row in document["rows"]] == [1, 2]
    assert document["rows"][0]["lr"] == 0.001
    assert math.isclose(document["rows"][1]["lr"], 0.001 * (1 + 1 / 2000), rel_tol=1e-12)
