"""The tutorial's schedules: literal values at every boundary, written by hand or from the tutorial."""

from __future__ import annotations

import pytest

from lrsched_cli.schedules import ScheduleError, with_warmup
from lrsched_cli.schedules.decay import cosine, cosine_restarts, exponential, step_decay

approx = pytest.approx


@pytest.mark.parametrize(
    ("t", "expected"),
    [(0, 0.1), (9, 0.1), (10, 0.01), (19, 0.01), (20, 0.001), (29, 0.001), (30, 0.0001)],
)
def test_step_decay_drops_by_gamma_at_each_multiple_of_step_size(t: int, expected: float) -> None:
    assert step_decay(lr=0.1, step_size=10)(t) == approx(expected, rel=1e-12)


def test_step_decay_custom_gamma() -> None:
    lr = step_decay(lr=1.0, step_size=3, gamma=0.5)
    assert [lr(t) for t in range(8)] == [1.0, 1.0, 1.0, 0.5, 0.5, 0.5, 0.25, 0.25]


@pytest.mark.parametrize(("t", "expected"), [(0, 0.1), (1, 0.095123), (29, 0.023457)])
def test_exponential_decay_rate_matches_the_tutorial(t: int, expected: float) -> None:
    assert exponential(lr=0.1, decay_rate=0.05)(t) == approx(expected, abs=5e-7)


def test_exponential_gamma_is_pytorch_exponential_lr() -> None:
    lr = exponential(lr=0.1, gamma=0.5)
    assert [lr(t) for t in range(4)] == [0.1, 0.05, 0.025, 0.0125]


def test_exponential_decay_steps_and_staircase() -> None:
    smooth = exponential(lr=1.0, gamma=0.25, decay_steps=2)
    assert smooth(1) == approx(0.5) and smooth(2) == approx(0.25) and smooth(3) == approx(0.125)
    stairs = exponential(lr=1.0, gamma=0.25, decay_steps=2, staircase=True)
    assert [stairs(t) for t in range(5)] == [1.0, 1.0, 0.25, 0.25, 0.0625]


@pytest.mark.parametrize(
    ("t", "expected"),
    [
        (0, 0.1),
        (1, 0.099729),  # the tutorial's epoch 2
        (15, 0.0505),  # half way: the mean of lr and min_lr
        (29, 0.001271),  # the tutorial's epoch 30
        (30, 0.001),  # t_max: the floor
        (45, 0.0505),  # past t_max the cosine climbs back, as PyTorch's does
        (60, 0.1),  # back at lr after 2 * t_max
    ],
)
def test_cosine_boundaries(t: int, expected: float) -> None:
    assert cosine(lr=0.1, t_max=30, min_lr=0.001)(t) == approx(expected, abs=5e-7)


@pytest.mark.parametrize(
    ("t", "expected"),
    [(0, 0.1), (5, 0.05), (9, 0.1 * (1 - 0.9510565162951535) / 2), (10, 0.1), (15, 0.05), (20, 0.1)],
)
def test_cosine_restarts_with_constant_period(t: int, expected: float) -> None:
    assert cosine_restarts(lr=0.1, t_0=10)(t) == approx(expected, rel=1e-12)


@pytest.mark.parametrize(
    ("t", "expected"),
    # periods 5, 10, 20: restarts at t = 5, 15, 35
    [
        (0, 1.0),
        (4, (1 - 0.8090169943749475) / 2),
        (5, 1.0),
        (10, 0.5),
        (14, 0.02447174185242318),
        (15, 1.0),
        (25, 0.5),
        (35, 1.0),
    ],
)
def test_cosine_restarts_with_growing_periods_restart_on_exact_epochs(t: int, expected: float) -> None:
    assert cosine_restarts(lr=1.0, t_0=5, t_mult=2)(t) == approx(expected, rel=1e-12)


def test_cosine_restarts_floor() -> None:
    lr = cosine_restarts(lr=0.1, t_0=4, min_lr=0.02)
    assert lr(2) == approx(0.06) and lr(4) == approx(0.1)


def test_cosine_restarts_large_multiplier_boundary_is_exact() -> None:
    # PyTorch's float log() puts t = 111 (T_0 = 1, T_mult = 10) in the wrong period; integers don't.
    assert cosine_restarts(lr=1.0, t_0=1, t_mult=10)(111) == 1.0


def test_warmup_ramps_linearly_into_the_schedule_clock() -> None:
    lr = with_warmup(step_decay(lr=0.1, step_size=2), warmup=4, warmup_start_lr=0.02)
    assert [lr(t) for t in range(8)] == approx([0.02, 0.04, 0.06, 0.08, 0.1, 0.1, 0.01, 0.01])


def test_warmup_to_the_largest_rates_stays_finite() -> None:
    # (lr0 - X) * t overflows before the division by W; (lr0 - X) * (t / W) never exceeds lr0.
    lr = with_warmup(step_decay(lr=1e308, step_size=10), warmup=4)
    assert [lr(t) for t in range(5)] == approx([0.0, 2.5e307, 5e307, 7.5e307, 1e308])


@pytest.mark.parametrize(
    ("build", "param"),
    [
        (lambda: step_decay(lr=0.0, step_size=1), "lr"),
        (lambda: step_decay(lr=-0.1, step_size=1), "lr"),
        (lambda: step_decay(lr=0.1, step_size=0), "step_size"),
        (lambda: step_decay(lr=0.1, step_size=1, gamma=-0.5), "gamma"),
        (lambda: step_decay(lr=0.1, step_size=1, gamma=1.5), "gamma"),
        (lambda: exponential(lr=0.1), "decay_rate"),
        (lambda: exponential(lr=0.1, decay_rate=0.1, gamma=0.9), "decay_rate"),
        (lambda: exponential(lr=0.1, decay_rate=-0.1), "decay_rate"),
        (lambda: exponential(lr=0.1, gamma=0.9, decay_steps=0), "decay_steps"),
        (lambda: cosine(lr=0.1, t_max=0), "t_max"),
        (lambda: cosine(lr=0.1, t_max=10, min_lr=-0.001), "min_lr"),
        (lambda: cosine(lr=0.1, t_max=10, min_lr=0.2), "min_lr"),
        (lambda: cosine(lr=float("inf"), t_max=10), "lr"),
        (lambda: cosine_restarts(lr=0.1, t_0=0), "t_0"),
        (lambda: cosine_restarts(lr=0.1, t_0=1, t_mult=0), "t_mult"),
        (lambda: with_warmup(cosine(lr=0.1, t_max=5), warmup=2, warmup_start_lr=0.5), "warmup_start_lr"),
    ],
)
def test_bad_parameters_raise_naming_the_parameter(build, param: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ScheduleError) as caught:
        build()
    assert caught.value.param == param
