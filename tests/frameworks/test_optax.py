"""optax schedules: float32 values, switches at boundaries, optax's quirks and validation.

Expected values (tests/parity/suites.json: "optax", and "vectors" for single tests) were printed
by optax 0.2.8 (jax 0.10.2, CPU) as ``-updates`` of ``optax.sgd(schedule).update`` on a gradient
of 1.0; lrsched matches them bit for bit.
"""

from __future__ import annotations

import pytest
from helpers import assert_dialect_error, parity, rates_at

from lrsched_cli.errors import DialectError
from lrsched_cli.frameworks.dispatch import reproduce

# id -> expression, steps and optax's rates, with their provenance
OPTAX = parity("suites")["optax"]


@pytest.mark.parametrize(
    ("expression", "steps", "expected"),
    [pytest.param(c["expression"], c["steps"], c["rates"], id=id) for id, c in OPTAX.items()],
)
def test_rates_match_optax(expression: str, steps: list[int], expected: list[float]) -> None:
    assert rates_at(expression, steps) == expected


def test_sgdr_restarts_after_each_decay_steps() -> None:
    expression = (
        "sgdr_schedule([{'init_value': 0.0, 'peak_value': 0.1, 'warmup_steps': 5, 'decay_steps': 20}, "
        "{'init_value': 0.0, 'peak_value': 0.05, 'warmup_steps': 5, 'decay_steps': 30}])"
    )
    reproduction = reproduce(expression, lr=None)
    assert reproduction.length == 51
    sgdr = parity("suites")["vectors"]["test_optax:sgdr"]
    assert rates_at(expression, sgdr["steps"]) == sgdr["rates"]
    with_dict = (
        "optax.sgdr_schedule([dict(init_value=0.0, peak_value=0.1, warmup_steps=5, decay_steps=20), "
        "dict(init_value=0.0, peak_value=0.05, warmup_steps=5, decay_steps=30)])"
    )
    assert rates_at(with_dict, sgdr["steps"]) == sgdr["rates"]


@pytest.mark.parametrize(
    ("expression", "argument", "fragment"),
    [
        ("cosine_decay_schedule(0.1, 0)", "decay_steps", "requires positive decay_steps"),
        (
            "warmup_cosine_decay_schedule(0.0, 0.1, 100, 100)",
            "decay_steps",
            "decay_steps=100 not above warmup_steps=100",
        ),
        ("piecewise_constant_schedule(0.1, {10: -0.5})", "boundaries_and_scales", "non-negative"),
        (
            "piecewise_interpolate_schedule('cubic', 0.1, {10: 0.5})",
            "interpolate_type",
            "'cosine' or 'linear'",
        ),
        ("linear_onecycle_schedule(0, 0.1)", "transition_steps", "non-positive"),
        ("cosine_onecycle_schedule(-1, 0.1)", "transition_steps", "non-positive"),
        ("join_schedules([constant_schedule(0.1), StepLR(optimizer, 5)], [5])", "schedules", "optax"),
        ("join_schedules([constant_schedule(0.1)], [2.5])", "boundaries", "integer"),
        (
            "sgdr_schedule([{'init_value': 0.0, 'peak': 0.1, 'warmup_steps': 5, 'decay_steps': 20}])",
            "cosine_kwargs",
            "peak",
        ),
        ("exponential_decay(0.1, 10, 0.5, staircase=1)", "staircase", "True or False"),
        ("linear_schedule(0.0, 'high', 10)", "end_value", "number"),
    ],
)
def test_optax_validation_names_the_argument(expression: str, argument: str, fragment: str) -> None:
    assert_dialect_error(expression, argument, fragment)


@pytest.mark.parametrize(
    "expression",
    [
        "cosine_onecycle_schedule(2, peak_value=1.0, final_div_factor=0)",
        "linear_onecycle_schedule(2, peak_value=1.0, div_factor=0)",
    ],
)
def test_a_zero_divisor_fails_as_optax_constructs(expression: str) -> None:
    # optax 0.2.8 raises ZeroDivisionError building these knots; lrsched crashed (found by fuzzing).
    with pytest.raises(DialectError, match="ZeroDivisionError"):
        reproduce(expression, lr=None)


@pytest.mark.parametrize(
    ("expression", "fragment"),
    [
        ("linear_schedule(0.1, 0.0, 0)", "returns the constant init_value=0.1"),
        ("exponential_decay(0.1, 10, 0.0)", "decay_rate=0"),
        ("linear_schedule(0.1, 0.0, 10, transition_begin=-3)", "treats it as 0"),
        ("warmup_cosine_decay_schedule(0.0, 0.1, 10, 100)", "rate 0"),
        ("cosine_decay_schedule(0.1, 50)", "rows past step 50"),
    ],
)
def test_quirks_are_noted(expression: str, fragment: str) -> None:
    notes = reproduce(expression, lr=None).notes(200)
    assert any(fragment in note for note in notes), notes
