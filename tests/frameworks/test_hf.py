"""Hugging Face dialect: rates equal transformers 5.24's, and its own validation as errors.

Every expected list (tests/parity/suites.json, "hf") was produced by transformers 5.24.0 on
torch 2.13.0: the same call with ``optimizer = torch.optim.SGD([p], lr=LR)``, reading
``param_groups[0]['lr']`` then stepping.
"""

from __future__ import annotations

from itertools import islice

import pytest
from helpers import parity

from lrsched_cli.errors import DialectError
from lrsched_cli.frameworks.dispatch import reproduce
from lrsched_cli.frameworks.hf.schedules import WASTED_FIRST_STEP

# id -> expression, --lr, rows and transformers' rates, with their provenance
HF = parity("suites")["hf"]


@pytest.mark.parametrize(
    ("expression", "lr", "rows", "expected"),
    [pytest.param(c["expression"], c["lr"], c["rows"], c["rates"], id=id) for id, c in HF.items()],
)
def test_rates_match_transformers(expression: str, lr: float, rows: int, expected: list[float]) -> None:
    got = list(islice(reproduce(expression, lr=lr).rates(lr), rows))
    assert got == pytest.approx(expected, rel=1e-9, abs=0)


def test_cosine_warmup_with_min_lr_counts_warmup_from_one() -> None:
    """transformers: (s + 1) / W, so the first row is lr / W, not 0, and no wasted-step note."""
    reproduction = reproduce(
        "get_scheduler('cosine_warmup_with_min_lr', optimizer, 4, 20, {'min_lr_rate': 0.1})", lr=0.1
    )
    assert list(islice(reproduction.rates(0.1), 4)) == pytest.approx([0.025, 0.05, 0.075, 0.1], rel=1e-9)
    assert WASTED_FIRST_STEP not in reproduction.notes(20)


def test_notes_the_zero_first_row_and_the_climb_back() -> None:
    reproduction = reproduce("get_cosine_schedule_with_warmup(optimizer, 100, 1000)", lr=3e-4)
    assert reproduction.length == 1000
    assert reproduction.notes(1000) == [WASTED_FIRST_STEP]
    assert "climbs back" in reproduction.notes(1002)[1]


def test_get_scheduler_records_its_own_arguments() -> None:
    reproduction = reproduce("transformers.get_scheduler('linear', optimizer, 10, 100)", lr=0.1)
    assert reproduction.framework == "hf"
    assert reproduction.scheduler == "get_scheduler"
    assert reproduction.arguments == {
        "name": "linear",
        "optimizer": "optimizer",
        "num_warmup_steps": 10,
        "num_training_steps": 100,
        "scheduler_specific_kwargs": None,
    }


@pytest.mark.parametrize(
    ("expression", "lr", "argument", "fragment"),
    [
        (
            "get_scheduler('cosine', optimizer, num_warmup_steps=10)",
            0.1,
            "num_training_steps",
            "cosine requires `num_training_steps`",
        ),
        ("get_scheduler('linear', optimizer)", 0.1, "num_warmup_steps", "requires `num_warmup_steps`"),
        ("get_scheduler('cosin', optimizer, 1, 10)", 0.1, "name", "did you mean 'cosine'"),
        ("get_scheduler('reduce_lr_on_plateau', optimizer)", 0.1, "name", "lrsched plateau"),
        ("get_scheduler(SchedulerType.REDUCE_ON_PLATEAU, optimizer)", 0.1, "name", "lrsched plateau"),
        ("get_scheduler('greedy', optimizer)", 0.1, "name", "lrsched plateau"),
        ("get_reduce_on_plateau_schedule(optimizer, patience=3)", 0.1, None, "lrsched plateau"),
        (
            "get_scheduler('cosine', optimizer, 1, 10, {'num_cycle': 2})",
            0.1,
            "scheduler_specific_kwargs",
            "unexpected keyword argument 'num_cycle'",
        ),
        (
            "get_scheduler('polynomial', optimizer, 1, 10, {'lr_end': 0.5})",
            0.1,
            "lr_end",
            "must be smaller than initial lr (0.1)",
        ),
        ("get_scheduler('cosine_with_min_lr', optimizer, 1, 10)", 0.1, "min_lr_rate", "One of min_lr"),
        (
            "get_scheduler('cosine_with_min_lr', optimizer, 1, 10, {'min_lr': 1e-3, 'min_lr_rate': 0.1})",
            0.1,
            "min_lr",
            "Only one of",
        ),
        ("get_wsd_schedule(optimizer, 1, 5)", 0.1, "num_training_steps", "Either num_training_steps"),
        ("get_wsd_schedule(optimizer, 1, 5, 10, decay_type='exp')", 0.1, "decay_type", "Unknown decay type"),
        ("get_linear_schedule_with_warmup(optimizer, None, 100)", 0.1, "num_warmup_steps", "got None"),
        ("get_polynomial_decay_schedule_with_warmup(optimizer, 10, 10)", 0.1, None, "ZeroDivisionError"),
    ],
)
def test_validation_names_the_argument(
    expression: str, lr: float, argument: str | None, fragment: str
) -> None:
    with pytest.raises(DialectError) as caught:
        reproduce(expression, lr=lr)
        list(islice(reproduce(expression, lr=lr).rates(lr), 30))
    assert caught.value.argument == argument
    assert fragment in str(caught.value)
