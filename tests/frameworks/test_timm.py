"""timm schedulers: float64 values as timm's train.py steps them, its boundaries and checks.

Expected values (tests/parity/suites.json: "timm", and "vectors" for single tests) were printed
by timm 1.0.31 (PyPI): the optimizer's lr after the constructor (t = 0), then after
``scheduler.step(t)``; lrsched matches them bit for bit.
"""

from __future__ import annotations

from itertools import islice

import pytest
from helpers import assert_dialect_error, parity, rates_at

from lrsched_cli.errors import DialectError
from lrsched_cli.frameworks.dispatch import reproduce


def test_float_log_restart_boundary() -> None:
    """Cycles of 2, 6, 18, 54, 162 restart at 2, 8, 26, 80, 242 - but timm's float log puts the
    last one at 243, and t = 242 is the end of the previous cycle: lr_min."""
    expression = "CosineLRScheduler(optimizer, t_initial=2, cycle_mul=3, cycle_limit=10)"
    vector = parity("suites")["vectors"]["test_timm:float-log-restart-boundary"]
    assert rates_at(expression, vector["steps"], lr=1.0) == vector["rates"]


def test_multistep_decays_one_step_early() -> None:
    expression = "MultiStepLRScheduler(optimizer, [5, 10], 0.1)"
    vector = parity("suites")["vectors"]["test_timm:multistep-decays-one-step-early"]
    assert rates_at(expression, vector["steps"], lr=0.1) == vector["rates"]
    assert any("one step before each milestone" in note for note in reproduce(expression, lr=0.1).notes(10))


# id -> expression, --lr, steps and timm's rates, with their provenance
TIMM = parity("suites")["timm"]


@pytest.mark.parametrize(
    ("expression", "lr", "steps", "expected"),
    [pytest.param(c["expression"], c["lr"], c["steps"], c["rates"], id=id) for id, c in TIMM.items()],
)
def test_rates_match_timm(expression: str, lr: float, steps: list[int], expected: list[float]) -> None:
    assert rates_at(expression, steps, lr) == expected


def test_shrinking_cycles_end_where_timm_raises() -> None:
    reproduction = reproduce("CosineLRScheduler(optimizer, 10, cycle_mul=0.5, cycle_limit=5)", lr=0.1)
    rates = list(islice(reproduction.rates(0.1), 100))
    assert len(rates) == 20
    assert rates[15:] == parity("suites")["vectors"]["test_timm:shrinking-cycles"]["rates"]
    assert any("math domain error" in note for note in reproduction.notes(30))


@pytest.mark.parametrize(
    ("expression", "argument", "fragment"),
    [
        ("CosineLRScheduler(optimizer, t_initial=0)", "t_initial", "t_initial > 0"),
        ("PolyLRScheduler(optimizer, 10, lr_min=-0.1)", "lr_min", "lr_min >= 0"),
        ("TanhLRScheduler(optimizer, 10, lb=3.0, ub=3.0)", "lb", "lb < ub"),
        ("TanhLRScheduler(optimizer, 10, warmup_t=-1)", "warmup_t", "warmup_t >= 0"),
        ("CosineLRScheduler(optimizer, 10, noise_range_t=5)", "noise_range_t", "random generator"),
        ("StepLRScheduler(optimizer, 5, noise_range_t=[2, 8])", "noise_range_t", "leave noise_range_t out"),
        ("MultiStepLRScheduler(optimizer, 5)", "decay_t", "list of milestones"),
        ("StepLRScheduler(optimizer, 0)", "decay_t", "decay_t != 0"),
        ("CosineLRScheduler(optimizer, 10, warmup_prefix='no')", "warmup_prefix", "True or False"),
    ],
)
def test_timm_validation_names_the_argument(expression: str, argument: str, fragment: str) -> None:
    assert_dialect_error(expression, argument, fragment, lr=0.1)


def test_tanh_warmup_target_past_a_shrinking_cycle_fails_as_timm_constructs() -> None:
    # timm 1.0.31 raises ValueError (math domain error) in the constructor: the warmup climbs to
    # _get_lr(warmup_t), and t=2 is past the end of this shrinking cycle (found by fuzzing).
    expression = "TanhLRScheduler(optimizer, t_initial=1, cycle_mul=0.5, warmup_t=2.0, warmup_lr_init=0.0001)"
    assert_dialect_error(expression, "warmup_t", "math domain error", lr=0.1)


def test_a_complex_rate_is_refused() -> None:
    # timm 1.0.31 sets the group's lr to a complex number here (k_decay < 0 makes 1 - t**k / t_i**k
    # negative), which the optimizer then fails on (found by fuzzing).
    reproduction = reproduce(
        "PolyLRScheduler(optimizer, 2, power=0.5, cycle_mul=0.5, k_decay=-0.001)", lr=0.1
    )
    with pytest.raises(DialectError, match="complex rate at t=1"):
        list(islice(reproduction.rates(0.1), 3))


def test_timm_needs_the_optimizer_lr() -> None:
    with pytest.raises(DialectError) as raised:
        reproduce("CosineLRScheduler(optimizer, t_initial=10)", lr=None)
    assert raised.value.argument == "--lr"


@pytest.mark.parametrize(
    ("expression", "length"),
    [  # get_cycle_length() of timm 1.0.31: the epochs its train.py runs
        ("CosineLRScheduler(optimizer, t_initial=10)", 10),
        ("CosineLRScheduler(optimizer, 10, warmup_t=3, warmup_prefix=True, t_in_epochs=False)", 13),
        ("PolyLRScheduler(optimizer, 10, cycle_limit=3)", 30),
        ("TanhLRScheduler(optimizer, 4, cycle_mul=2.0, cycle_limit=3)", 28),
    ],
)
def test_length_is_timm_cycle_length(expression: str, length: int) -> None:
    assert reproduce(expression, lr=0.1).length == length


@pytest.mark.parametrize(
    ("expression", "fragment"),
    [
        ("CosineLRScheduler(optimizer, t_initial=10)", "t is the epoch, as step(epoch) counts"),
        (
            "StepLRScheduler(optimizer, 10, t_in_epochs=False)",
            "t is the optimizer update, as step_update(num_updates) counts",
        ),
        ("CosineLRScheduler(optimizer, 10, warmup_t=2)", "row 1 has rate 0"),
        ("CosineLRScheduler(optimizer, 10)", "rows past 10"),
    ],
)
def test_notes(expression: str, fragment: str) -> None:
    notes = reproduce(expression, lr=0.1).notes(20)
    assert any(fragment in note for note in notes), notes
