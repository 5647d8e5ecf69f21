"""Keras 3 schedules: float32 values, the lower-side boundary, Keras's own validation.

Expected values (tests/parity/suites.json, "keras") were printed by Keras 3.15.1 (torch backend)
through ``optimizer.learning_rate``; lrsched matches them bit for bit except where the backend's
float32 ``cos`` is an ulp off.
"""

from __future__ import annotations

import math

import pytest
from helpers import assert_dialect_error, parity, rates_at

from lrsched_cli.frameworks.dispatch import reproduce

# id -> expression, steps and Keras's rates, with their provenance
KERAS = parity("suites")["keras"]


@pytest.mark.parametrize(
    ("expression", "steps", "expected"),
    [pytest.param(c["expression"], c["steps"], c["rates"], id=id) for id, c in KERAS.items()],
)
def test_rates_match_keras(expression: str, steps: list[int], expected: list[float]) -> None:
    # One float32 ulp apart at most: Keras's cos kernel is not always correctly rounded.
    assert rates_at(expression, steps) == pytest.approx(expected, rel=1e-6, abs=0)


@pytest.mark.parametrize(
    ("expression", "argument", "fragment"),
    [
        ("ExponentialDecay(0.1, 0, 0.9)", "decay_steps", "must be > 0. Received: decay_steps=0"),
        ("PolynomialDecay(0.1, -5)", "decay_steps", "must be > 0"),
        ("InverseTimeDecay(0.1, 0.0, 0.5)", "decay_steps", "must be > 0"),
        ("CosineDecay(0.1, 0)", "decay_steps", "must be > 0"),
        ("CosineDecayRestarts(0.1, 0)", "first_decay_steps", "must be > 0"),
        ("PiecewiseConstantDecay([10, 20], [0.1, 0.05])", "boundaries", "should be 1 less than"),
        ("CosineDecay(0, 1000, warmup_target=0.1, warmup_steps=100)", "initial_learning_rate", "Write 0.0"),
        ("PiecewiseConstantDecay([5], [1, 0.5])", "values[0]", "integer arithmetic"),
        ("ExponentialDecay(0.1, 10, 0.9, staircase='yes')", "staircase", "True or False"),
        ("CosineDecay('0.1', 100)", "initial_learning_rate", "number"),
    ],
)
def test_keras_validation_names_the_argument(expression: str, argument: str, fragment: str) -> None:
    assert_dialect_error(expression, argument, fragment)


def test_a_negative_power_at_the_end_is_infinite_as_in_keras() -> None:
    # Keras 3.15.1 (torch backend): (1 - 3/3) ** -1.0 is inf, so the rate is -inf from step 3
    # (and +inf with a positive span); lrsched had NaN there (found by fuzzing).
    assert rates_at("PolynomialDecay(-0.001, decay_steps=3, end_learning_rate=0.0001, power=-1)", [3, 4]) == [
        -math.inf,
        -math.inf,
    ]
    assert rates_at("PolynomialDecay(0.0003, decay_steps=3.0, power=-0.001, cycle=True)", [3, 6]) == [
        math.inf,
        math.inf,
    ]


def test_rate_independent_arguments_are_accepted() -> None:
    assert rates_at("PiecewiseConstantDecay([5], [1.0, 0.5], name='drop')", [5, 6]) == [1.0, 0.5]


def test_notes_and_length() -> None:
    cosine = reproduce("CosineDecay(0.0, 100, warmup_target=0.1, warmup_steps=10)", lr=None)
    assert cosine.length == 111
    assert any("rate 0" in note for note in cosine.notes(5))
    assert any("past step 110" in note for note in cosine.notes(120))
    assert not any("past" in note for note in cosine.notes(111))
    piecewise = reproduce("PiecewiseConstantDecay([10], [0.1, 0.01])", lr=None)
    assert any("after each boundary" in note for note in piecewise.notes(30))
