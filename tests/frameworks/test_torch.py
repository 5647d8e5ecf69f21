"""PyTorch dialect: rates equal torch 2.13's, step by step, and its validation as errors.

Every expected list (tests/parity/suites.json, "torch") was produced by torch 2.13.0 (CPU)
stepping the same constructor call with ``torch.optim.SGD([p], lr=LR, momentum=0.9)``: read
``optimizer.param_groups[0]['lr']``, then ``optimizer.step(); scheduler.step()``, once per row.
"""

from __future__ import annotations

from itertools import islice

import pytest
from helpers import assert_usage_error, lrsched, parity

from lrsched_cli.errors import DialectError
from lrsched_cli.frameworks.dispatch import reproduce

# id -> expression, --lr, rows and torch's rates, with their provenance
TORCH = parity("suites")["torch"]


@pytest.mark.parametrize(
    ("expression", "lr", "rows", "expected"),
    [pytest.param(c["expression"], c["lr"], c["rows"], c["rates"], id=id) for id, c in TORCH.items()],
)
def test_rates_match_torch(expression: str, lr: float | None, rows: int, expected: list[float]) -> None:
    got = list(islice(reproduce(expression, lr=lr).rates(lr), rows))
    assert got == pytest.approx(expected, rel=1e-9, abs=0)


def test_one_cycle_stops_after_the_extrapolated_step() -> None:
    """torch: t == total_steps extrapolates, the next step raises; the rates end there."""
    reproduction = reproduce("OneCycleLR(opt, max_lr=0.1, total_steps=10)", lr=None)
    rates = list(reproduction.rates(None))
    assert len(rates) == 11
    assert rates[-1] == pytest.approx(TORCH["onecycle-total-steps"]["rates"][-1], rel=1e-9)
    assert reproduction.length == 10
    assert reproduction.notes(10) == []
    assert "rows stop after 11" in reproduction.notes(12)[0]


def test_cosine_notes_the_climb_back_only_past_t_max() -> None:
    reproduction = reproduce("CosineAnnealingLR(optimizer, T_max=10)", lr=0.1)
    assert reproduction.length == 11
    assert reproduction.notes(11) == []
    assert "climbs back" in reproduction.notes(12)[0]


def test_sequential_notes_its_last_child_in_its_own_time() -> None:
    expression = (
        "SequentialLR(optimizer, schedulers=[LinearLR(optimizer, start_factor=0.01, total_iters=5), "
        "CosineAnnealingLR(optimizer, T_max=95)], milestones=[5])"
    )
    reproduction = reproduce(expression, lr=0.1)
    assert reproduction.length == 101
    assert reproduction.notes(101) == []
    assert "climbs back" in reproduction.notes(102)[0]


def test_a_nested_sequential_reset_fails_where_torch_fails() -> None:
    """torch 2.13 raises NotImplementedError at step 2: an outer SequentialLR resets an inner one."""
    expression = (
        "SequentialLR(optimizer, [ExponentialLR(optimizer, 0.9), SequentialLR(optimizer, "
        "[ConstantLR(optimizer, 0.5, 2), ExponentialLR(optimizer, 0.8)], [3])], [2])"
    )
    rates = reproduce(expression, lr=1.0).rates(1.0)
    assert [next(rates), next(rates)] == [1.0, 0.9]
    with pytest.raises(DialectError, match="NotImplementedError"):
        next(rates)


def test_arguments_record_the_bound_call_with_defaults() -> None:
    reproduction = reproduce("torch.optim.lr_scheduler.StepLR(opt, 10)", lr=0.1)
    assert reproduction.framework == "torch"
    assert reproduction.scheduler == "StepLR"
    assert reproduction.expression == "torch.optim.lr_scheduler.StepLR(opt, 10)"
    assert reproduction.arguments == {"optimizer": "opt", "step_size": 10, "gamma": 0.1, "last_epoch": -1}


def test_ignored_arguments_are_accepted() -> None:
    expression = (
        "OneCycleLR(opt, max_lr=0.1, total_steps=10, cycle_momentum=False, base_momentum=0.8, "
        "max_momentum=0.9, last_epoch=-1)"
    )
    assert next(reproduce(expression, lr=None).rates(None)) == pytest.approx(0.004, rel=1e-9)


@pytest.mark.parametrize(
    ("expression", "argument", "fragment"),
    [
        ("LinearLR(optimizer, start_factor=0)", "start_factor", "greater than 0"),
        ("LinearLR(optimizer, end_factor=1.5)", "end_factor", "between 0 and 1"),
        ("ConstantLR(optimizer, factor=2)", "factor", "between 0 and 1"),
        ("CosineAnnealingWarmRestarts(optimizer, T_0=0)", "T_0", "positive integer T_0"),
        ("CosineAnnealingWarmRestarts(optimizer, T_0=10.0)", "T_0", "positive integer T_0"),
        ("CosineAnnealingWarmRestarts(optimizer, T_0=10, T_mult=0.5)", "T_mult", "T_mult >= 1"),
        ("OneCycleLR(optimizer, max_lr=0.1, total_steps=100, pct_start=0)", "pct_start", "write 0.0"),
        ("OneCycleLR(optimizer, max_lr=0.1, total_steps=0)", "total_steps", "positive integer"),
        ("OneCycleLR(optimizer, max_lr=0.1)", "total_steps", "either total_steps OR"),
        (
            "OneCycleLR(optimizer, max_lr=0.1, total_steps=9, anneal_strategy='cosine')",
            "anneal_strategy",
            "'cos'",
        ),
        ("OneCycleLR(optimizer, max_lr=[0.1, 0.2], total_steps=9)", "max_lr", "param_groups"),
        ("CyclicLR(optimizer, 0.001, 0.1, mode='sine')", "mode", "scale_fn is None"),
        ("StepLR(optimizer, step_size=0)", "step_size", "ZeroDivisionError"),
        ("StepLR(optimizer, step_size='10')", "step_size", "expected a number, got '10'"),
        ("StepLR(0.1, step_size=10)", "optimizer", "bare name"),
        ("StepLR(optimizer, 10, last_epoch=5)", "last_epoch", "fresh scheduler"),
        ("MultiStepLR(optimizer, milestones=30)", "milestones", "list of integers"),
        ("CosineAnnealingLR(optimizer, T_max=0)", "T_max", "ZeroDivisionError"),
        ("LambdaLR(optimizer, lr_lambda=0.95)", "lr_lambda", "lambda epoch"),
        ("LambdaLR(optimizer, lambda epoch: 1 / epoch)", "lr_lambda", "division by zero"),
        ("SequentialLR(optimizer, [StepLR(optimizer, 2)], milestones=[3])", "milestones", "one more"),
        ("SequentialLR(optimizer, [], milestones=[])", "schedulers", "non-empty"),
        (
            "SequentialLR(optimizer, [StepLR(other, 2), StepLR(optimizer, 3)], [3])",
            "schedulers",
            "same optimizer",
        ),
        ("ChainedScheduler([StepLR(optimizer, 2), 0.5])", "schedulers", "index 1"),
    ],
)
def test_framework_validation_names_the_argument(expression: str, argument: str, fragment: str) -> None:
    with pytest.raises(DialectError) as caught:
        reproduce(expression, lr=0.1)
    assert caught.value.argument == argument
    assert fragment in str(caught.value)


def test_unexpected_argument_is_reported_with_the_signature() -> None:
    with pytest.raises(DialectError) as caught:
        reproduce("CosineAnnealingLR(optimizer, T_max=10, T_maxx=10)", lr=0.1)
    assert str(caught.value) == (
        "CosineAnnealingLR(): got an unexpected keyword argument 'T_maxx'; its signature is "
        "CosineAnnealingLR(optimizer, T_max, eta_min=0.0, last_epoch=-1)"
    )


def test_a_math_domain_error_in_torchs_formula_is_a_usage_error() -> None:
    """torch's CosineAnnealingLR computes math.cos(math.pi / T_max): cos(inf) raises ValueError."""
    result = lrsched("from", "CosineAnnealingLR(optimizer, T_max=1e-320)", "--lr", "0.1", "-n", "3")
    assert_usage_error(result, "torch fails at step 1: ValueError: math domain error")
