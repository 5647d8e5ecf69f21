"""Keras 3 schedules: float32 values, the lower-side boundary, Keras's own validation.

Expected values were printed by Keras 3.15.1 (torch backend) through ``optimizer.learning_rate``;
lrsched matches them bit for bit except where the backend's float32 ``cos`` is an ulp off.
"""

from __future__ import annotations

import math

import pytest
from helpers import assert_dialect_error, rates_at

from lrsched_cli.frameworks.dispatch import reproduce


@pytest.mark.parametrize(
    ("expression", "steps", "expected"),
    [
        pytest.param(  # step == boundary keeps the earlier value; the switch comes one step later
            "PiecewiseConstantDecay([10, 20], [0.1, 0.05, 0.01])",
            [9, 10, 11, 20, 21],
            [
                0.10000000149011612,
                0.10000000149011612,
                0.05000000074505806,
                0.05000000074505806,
                0.009999999776482582,
            ],
            id="piecewise-lower-side",
        ),
        pytest.param(  # warmup_steps come on top of decay_steps; flat at alpha * target after
            "keras.optimizers.schedules.CosineDecay(0.0, 1000, warmup_target=0.1, warmup_steps=100)",
            [0, 1, 50, 100, 600, 1099, 1100, 2000],
            [
                0.0,
                0.0010000000474974513,
                0.05000000074505806,
                0.10000000149011612,
                0.04999999701976776,
                2.47359281502213e-07,
                0.0,
                0.0,
            ],
            id="cosine-warmup",
        ),
        pytest.param(
            "PolynomialDecay(0.1, 20, end_learning_rate=0.01, power=0.5, cycle=True)",
            [0, 10, 20, 21, 40, 41],
            [
                0.10000000149011612,
                0.07363960891962051,
                0.009999999776482582,
                0.07202821969985962,
                0.009999999776482582,
                0.06064583361148834,
            ],
            id="polynomial-cycle",
        ),
        pytest.param(
            "PolynomialDecay(0.1, 20, end_learning_rate=0.01)",
            [0, 10, 20, 21, 100],
            [
                0.10000000149011612,
                0.054999999701976776,
                0.009999999776482582,
                0.009999999776482582,
                0.009999999776482582,
            ],
            id="polynomial-clamped",
        ),
        pytest.param(  # float32 log puts this restart at 242 exactly (timm's float64 log does not)
            "CosineDecayRestarts(1.0, 2, t_mul=3.0)",
            [1, 2, 7, 8, 79, 80, 241, 242, 243],
            [
                0.4999999701976776,
                1.0,
                0.0669873058795929,
                1.0,
                0.0008459091186523438,
                1.0,
                9.402632713317871e-05,
                1.0,
                0.9999895691871643,
            ],
            id="restarts-mul3",
        ),
        pytest.param(
            "ExponentialDecay(0.1, 4, 0.5, staircase=True)",
            [0, 3, 4, 8],
            [0.10000000149011612, 0.10000000149011612, 0.05000000074505806, 0.02500000037252903],
            id="exponential-staircase",
        ),
        pytest.param(
            "InverseTimeDecay(0.1, 1.0, 0.5)",
            [0, 1, 2],
            [0.10000000149011612, 0.06666667014360428, 0.05000000074505806],
            id="inverse-time",
        ),
    ],
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
