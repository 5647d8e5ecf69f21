"""fairseq's schedulers as `lrsched from` reads them: ``SCHEDULE(CONFIG(...), optimizer)``.

Expected rates: tests/parity/fairseq.json, written by scripts/stack_fairseq_goldens.py (fairseq's
own lr_scheduler files from its repository, stepped as fairseq's trainer steps them).
"""

from __future__ import annotations

import math
from itertools import islice
from typing import Any

import pytest
from helpers import assert_dialect_error, assert_usage_error, lrsched, parity

from lrsched_cli.frameworks.dispatch import reproduce, supported

GOLDEN = parity("fairseq")
CASES = {case["id"]: case for case in GOLDEN["cases"]}


@pytest.mark.parametrize("case", GOLDEN["cases"], ids=[c["id"] for c in GOLDEN["cases"]])
def test_reproduces_fairseq(case: dict[str, Any]) -> None:
    reproduction = reproduce(case["expression"], lr=case["lr"])
    assert reproduction.framework == "fairseq"
    assert reproduction.needs_lr == (case["lr"] is not None)
    got = list(islice(reproduction.rates(case["lr"]), max(case["steps"]) + 1))
    for t, want in zip(case["steps"], case["rates"], strict=True):
        assert math.isclose(got[t], want, rel_tol=1e-9, abs_tol=1e-18), (t, got[t], want)


def test_every_schedule_and_config_has_goldens() -> None:
    covered = set()
    for case in GOLDEN["cases"]:
        reproduction = reproduce(case["expression"], lr=case["lr"])
        covered |= {reproduction.scheduler, reproduction.arguments["cfg"]["scheduler"]}  # type: ignore[index]
    assert covered == set(supported()["fairseq"])


def test_a_config_without_lr_takes_lr_and_one_with_it_ignores_it() -> None:
    case = CASES["inverse-sqrt-init-lr"]
    result = lrsched("from", case["expression"], "--lr", "0.5", "-n", "3", "-f", "csv")
    assert result.exit_code == 0
    assert "--lr 0.5 is ignored" in result.stderr
    assert_usage_error(lrsched("from", CASES["inverse-sqrt-issue"]["expression"]), "--lr")


def test_the_first_update_at_zero_is_noted() -> None:
    result = lrsched("from", CASES["inverse-sqrt-issue"]["expression"], "--lr", "5e-4", "-n", "3")
    assert "the first row's rate is 0: warmup_init_lr=-1" in result.stderr


@pytest.mark.parametrize(
    ("expression", "argument", "fragment"),
    [
        ("CosineLRSchedule(CosineLRScheduleConfig(), optimizer)", "max_update", "--max-update"),
        (
            "PolynomialDecayLRSchedule(PolynomialDecayLRScheduleConfig(), optimizer)",
            "total_num_update",
            "give",
        ),
        (
            "TriStageLRSchedule(TriStageLRScheduleConfig(phase_ratio=[0.7, 0.2, 0.1], max_update=100), "
            "optimizer)",
            "phase_ratio",
            "must add up to 1",
        ),
        (
            "TriStageLRSchedule(TriStageLRScheduleConfig(warmup_steps=5), optimizer)",
            "decay_steps",
            "ZeroDivision",
        ),
        (
            "InverseSquareRootSchedule(InverseSquareRootLRScheduleConfig(lr=[0.1, 0.01]), optimizer)",
            "lr",
            "one lr",
        ),
        (
            "FixedLRSchedule(FixedLRScheduleConfig(force_anneal=5, lr=[0.1]), optimizer)",
            "force_anneal",
            "epoch",
        ),
        (
            "PolynomialDecayLRSchedule(PolynomialDecayLRScheduleConfig(total_num_update=9, lr=0.1), "
            "optimizer)",
            "lr",
            "lr=[0.1]",
        ),
        ("StepLRSchedule(StepLRScheduleConfig(lr=[0.1], lr_decay=2), optimizer)", "lr_decay", "<= 1"),
        (
            "InverseSquareRootSchedule(CosineLRScheduleConfig(), optimizer)",
            "cfg",
            "expected InverseSquareRootLRScheduleConfig",
        ),
    ],
)
def test_fairseqs_checks_name_the_argument(expression: str, argument: str, fragment: str) -> None:
    assert_dialect_error(expression, argument, fragment, lr=0.1)


def test_a_config_alone_is_not_a_schedule() -> None:
    result = lrsched("from", "InverseSquareRootLRScheduleConfig(warmup_updates=10)")
    assert_usage_error(result, "is a config, not a schedule")
