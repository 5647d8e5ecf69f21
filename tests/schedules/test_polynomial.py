"""linear, polynomial, inverse-time, and cosine-restarts' --decay: literal values at every boundary."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from lrsched_cli.schedules import ScheduleError
from lrsched_cli.schedules.decay import cosine_restarts
from lrsched_cli.schedules.polynomial import inverse_time, linear, polynomial

approx = pytest.approx


@pytest.mark.parametrize(("t", "expected"), [(0, 0.1), (1, 0.14), (4, 0.26), (5, 0.3), (100, 0.3)])
def test_linear_defaults_are_pytorch_linear_lr(t: int, expected: float) -> None:
    assert linear(lr=0.3)(t) == approx(expected, rel=1e-12)  # from lr/3 to lr over 5 epochs


def test_linear_decay_to_zero_stays_there() -> None:
    schedule = linear(lr=1.0, start_factor=1.0, end_factor=0.0, total_iters=4)
    assert [schedule(t) for t in (0, 1, 2, 3, 4, 5, 100)] == [1.0, 0.75, 0.5, 0.25, 0.0, 0.0, 0.0]


@pytest.mark.parametrize(
    ("power", "expected"),
    [
        (1.0, [1.0, 0.75, 0.5, 0.25, 0.0, 0.0]),
        (2.0, [1.0, 0.5625, 0.25, 0.0625, 0.0, 0.0]),
        (0.5, [1.0, 0.8660254037844386, 0.7071067811865476, 0.5, 0.0, 0.0]),
    ],
)
def test_polynomial_is_pytorch_polynomial_lr(power: float, expected: list[float]) -> None:
    schedule = polynomial(lr=1.0, total_iters=4, power=power)
    assert [schedule(t) for t in (0, 1, 2, 3, 4, 50)] == approx(expected, rel=1e-12)


def test_polynomial_min_lr_is_keras_end_learning_rate() -> None:
    schedule = polynomial(lr=1.1, total_iters=2, min_lr=0.1)
    assert [schedule(t) for t in (0, 1, 2, 3)] == approx([1.1, 0.6, 0.1, 0.1], rel=1e-12)


def test_inverse_time_is_keras_inverse_time_decay() -> None:
    smooth = inverse_time(lr=1.0, decay_rate=1.0)
    assert [smooth(t) for t in range(4)] == approx([1.0, 0.5, 1 / 3, 0.25], rel=1e-12)
    slower = inverse_time(lr=1.0, decay_rate=1.0, decay_steps=2)
    assert slower(1) == approx(1 / 1.5, rel=1e-12)
    stairs = inverse_time(lr=1.0, decay_rate=1.0, decay_steps=2, staircase=True)
    assert [stairs(t) for t in range(5)] == approx([1.0, 1.0, 0.5, 0.5, 1 / 3], rel=1e-12)
    assert inverse_time(lr=0.1, decay_rate=0.0)(1000) == 0.1


def test_cosine_restarts_decay_shrinks_each_restart_peak() -> None:
    schedule = cosine_restarts(lr=1.0, t_0=2, decay=0.5)
    assert [schedule(t) for t in range(6)] == approx([1.0, 0.5, 0.5, 0.25, 0.25, 0.125], rel=1e-12)


def test_cosine_restarts_decay_with_growing_periods() -> None:
    schedule = cosine_restarts(lr=1.0, t_0=1, t_mult=2, decay=0.5)
    # periods [0], [1, 2], [3 .. 6]: peaks 1, 0.5, 0.25
    expected = [1.0, 0.5, 0.25, 0.25, 0.21338834764831843, 0.125, 0.03661165235168157, 0.125]
    assert [schedule(t) for t in range(8)] == approx(expected, rel=1e-12)


def test_cosine_restarts_decay_shrinks_the_height_above_min_lr_as_keras() -> None:
    schedule = cosine_restarts(lr=1.1, t_0=2, min_lr=0.1, decay=0.5)
    assert [schedule(t) for t in range(5)] == approx([1.1, 0.6, 0.6, 0.35, 0.35], rel=1e-12)


def test_cosine_restarts_decay_zero_rests_at_min_lr_after_the_first_period() -> None:
    schedule = cosine_restarts(lr=1.0, t_0=2, min_lr=0.1, decay=0.0)
    assert [schedule(t) for t in range(5)] == approx([1.0, 0.55, 0.1, 0.1, 0.1], rel=1e-12)


@pytest.mark.parametrize(
    ("make", "param"),
    [
        (lambda: linear(lr=0.1, start_factor=0.0), "start_factor"),
        (lambda: linear(lr=0.1, start_factor=1.5), "start_factor"),
        (lambda: linear(lr=0.1, end_factor=1.2), "end_factor"),
        (lambda: linear(lr=0.1, end_factor=-0.1), "end_factor"),
        (lambda: linear(lr=0.1, total_iters=0), "total_iters"),
        (lambda: polynomial(lr=0.1, total_iters=0), "total_iters"),
        (lambda: polynomial(lr=0.1, total_iters=5, power=0.0), "power"),
        (lambda: polynomial(lr=0.1, total_iters=5, min_lr=0.2), "min_lr"),
        (lambda: inverse_time(lr=0.1, decay_rate=-1.0), "decay_rate"),
        (lambda: inverse_time(lr=0.1, decay_rate=1.0, decay_steps=0), "decay_steps"),
        (lambda: cosine_restarts(lr=0.1, t_0=5, decay=1.5), "decay"),
        (lambda: cosine_restarts(lr=0.1, t_0=5, decay=-0.5), "decay"),
    ],
)
def test_bad_parameters_are_named(make: Callable[[], object], param: str) -> None:
    with pytest.raises(ScheduleError) as error:
        make()
    assert error.value.param == param
