"""NeMo's schedulers as `lrsched from` reads them.

Expected rates: tests/parity/nemo.json, written by scripts/stack_nemo_goldens.py (NeMo's own
nemo/core/optim/lr_scheduler.py from its repository, on a real torch optimizer, stepped once per
update as NeMo's ``interval: step`` does).
"""

from __future__ import annotations

import math
from itertools import islice
from typing import Any

import pytest
from helpers import assert_dialect_error, assert_usage_error, lrsched, parity

from lrsched_cli.frameworks.dispatch import reproduce, supported

GOLDEN = parity("nemo")
CASES = {case["id"]: case for case in GOLDEN["cases"]}


@pytest.mark.parametrize("case", GOLDEN["cases"], ids=[c["id"] for c in GOLDEN["cases"]])
def test_reproduces_nemo(case: dict[str, Any]) -> None:
    reproduction = reproduce(case["expression"], lr=case["lr"])
    assert reproduction.framework == "nemo"
    got = list(islice(reproduction.rates(case["lr"]), max(case["steps"]) + 1))
    for t, want in zip(case["steps"], case["rates"], strict=True):
        assert math.isclose(got[t], want, rel_tol=1e-9, abs_tol=1e-18), (t, got[t], want)


def test_every_scheduler_has_goldens() -> None:
    covered = {reproduce(case["expression"], lr=case["lr"]).scheduler for case in GOLDEN["cases"]}
    assert covered == set(supported()["nemo"])


def test_the_warmup_starts_above_zero_with_a_note() -> None:
    rates = CASES["cosine-issue"]["rates"]
    assert rates[0] == pytest.approx(1e-3 / 101)  # lr / (warmup_steps + 1), warmup_steps = int(0.1 x 1000)
    result = lrsched("from", CASES["cosine-issue"]["expression"], "--lr", "1e-3", "-n", "1005")
    assert result.exit_code == 0
    assert "warmup starts at lr / (warmup_steps + 1) = lr / 101, not 0" in result.stderr
    assert "rows past step 1000: NeMo holds min_lr after max_steps" in result.stderr


def test_megatron_style_cosine_starts_at_zero_with_a_note() -> None:
    case = CASES["cosine-megatron-constant"]
    assert case["rates"][0] == 0.0
    result = lrsched("from", case["expression"], "--lr", "0.01")
    assert "warms up Megatron's way" in result.stderr
    assert len(result.stdout.splitlines()) == 30  # max_steps rows by default


def test_noams_first_two_rows_are_equal() -> None:
    rates = CASES["noam"]["rates"]
    assert rates[0] == rates[1]
    assert "rows 1 and 2 are equal" in lrsched("from", CASES["noam"]["expression"], "--lr", "1").stderr


@pytest.mark.parametrize(
    ("expression", "argument", "fragment"),
    [
        (
            "CosineAnnealing(optimizer, max_steps=10, warmup_steps=2, warmup_ratio=0.1)",
            "warmup_steps",
            "ratio",
        ),
        ("WarmupPolicy(optimizer, warmup_ratio=0.1)", "warmup_ratio", "there should be a total steps"),
        ("CosineAnnealing(optimizer, max_steps=10, min_lr=0.5)", "min_lr", "lower than the minimum"),
        ("NoamHoldAnnealing(optimizer, max_steps=10)", "warmup_steps", "without warmup steps"),
        (
            "T5InverseSquareRootAnnealing(optimizer, max_steps=10, constant_ratio=0.1)",
            "constant_steps",
            "give",
        ),
        ("CosineAnnealing(optimizer, max_steps=10, last_epoch=3)", "last_epoch", "resuming"),
        ("PolynomialDecayAnnealing(optimizer, max_steps=10, cycle=1)", "cycle", "True or False"),
    ],
)
def test_nemos_checks_name_the_argument(expression: str, argument: str, fragment: str) -> None:
    assert_dialect_error(expression, argument, fragment, lr=0.1)


def test_arguments_are_keyword_only_as_in_nemo() -> None:
    assert_usage_error(lrsched("from", "CosineAnnealing(optimizer, 100)", "--lr", "0.1"), "CosineAnnealing()")
    assert_usage_error(lrsched("from", "CosineAnnealing(optimizer, max_steps=10)"), "--lr")
