"""`lrsched from` for Megatron core's ``OptimizerParamScheduler``, against megatron-core.

Expected rates: tests/parity/megatron.json, written by scripts/megatron_goldens.py (megatron-core
0.16.1's scheduler driving a torch optimizer).
"""

from __future__ import annotations

import math
from itertools import islice
from typing import Any

import pytest
from helpers import assert_dialect_error, lrsched, parity

from lrsched_cli.frameworks.dispatch import reproduce, supported

GOLDEN = parity("megatron")
CALL = (
    "OptimizerParamScheduler(optimizer, init_lr=0.0, max_lr=1e-3, min_lr=1e-4, lr_warmup_steps=2, "
    "lr_decay_steps=10, lr_decay_style='cosine', start_wd=0.01, end_wd=0.01, wd_incr_steps=10, "
    "wd_incr_style='constant'"
)


@pytest.mark.parametrize("case", GOLDEN["cases"], ids=[case["id"] for case in GOLDEN["cases"]])
def test_rates_are_megatrons(case: dict[str, Any]) -> None:
    reproduction = reproduce(case["expression"], lr=None)
    assert reproduction.framework == "megatron"
    got = list(islice(reproduction.rates(None), case["rows"]))
    wrong = [
        (row, mine, theirs)
        for row, (mine, theirs) in enumerate(zip(got, case["rates"], strict=True), start=1)
        if not math.isclose(mine, theirs, rel_tol=1e-9, abs_tol=1e-15)
    ]
    assert not wrong, wrong[:5]


def test_every_decay_style_and_the_loop_have_goldens() -> None:
    expressions = " ".join(case["expression"] for case in GOLDEN["cases"])
    for style in ("constant", "linear", "cosine", "inverse-square-root", "WSD"):
        assert f"lr_decay_style='{style}'" in expressions
    for style in ("exponential", "linear", "cosine", "minus_sqrt"):
        assert f"lr_wsd_decay_style='{style}'" in expressions
    assert set(supported()["megatron"]) == {"OptimizerParamScheduler", "iterations"}


def test_rows_are_steps_and_the_warmup_end_is_noted() -> None:
    result = lrsched("from", CALL + ")", "-n", "12")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines()[:3] == [
        "Step 1, Learning Rate: 0.000000",
        "Step 2, Learning Rate: 0.000500",
        "Step 3, Learning Rate: 0.001000",
    ]
    assert "max_lr first at num_steps = lr_warmup_steps = 2" in result.stderr
    assert "rows past lr_decay_steps=10: the rate is min_lr" in result.stderr


@pytest.mark.parametrize(
    ("change", "argument", "fragment"),
    [
        ("lr_decay_style='cosine'", "lr_decay_style", "not supported"),
        ("lr_warmup_steps=2", "lr_warmup_steps", "lr_warmup_steps < lr_decay_steps"),
        ("min_lr=1e-4", "max_lr", "max_lr >= min_lr"),
        ("wd_incr_style='constant'", "wd_incr_style", "not supported"),
    ],
)
def test_bad_arguments_name_the_argument(change: str, argument: str, fragment: str) -> None:
    bad = {
        "lr_decay_style='cosine'": "lr_decay_style='cos'",
        "lr_warmup_steps=2": "lr_warmup_steps=10",
        "min_lr=1e-4": "min_lr=1e-2",
        "wd_incr_style='constant'": "wd_incr_style='step'",
    }[change]
    assert_dialect_error(CALL.replace(change, bad) + ")", argument, fragment)


def test_wsd_needs_a_known_annealing_style() -> None:
    call = CALL.replace("'cosine'", "'WSD'") + ", wsd_decay_steps=4, lr_wsd_decay_style='square')"
    assert_dialect_error(call, "lr_wsd_decay_style", "WSD needs one of")
