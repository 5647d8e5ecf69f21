"""multistep, piecewise, constant: literal values at every boundary (PyTorch's numbers, by hand)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from lrsched_cli.schedules import ScheduleError
from lrsched_cli.schedules.piecewise import constant, multistep, piecewise_constant

approx = pytest.approx


@pytest.mark.parametrize(
    ("t", "expected"),
    [(0, 0.1), (29, 0.1), (30, 0.01), (79, 0.01), (80, 0.001), (1000, 0.001)],
)
def test_multistep_defaults_drop_at_30_and_80(t: int, expected: float) -> None:
    assert multistep(lr=0.1)(t) == approx(expected, rel=1e-12)


@pytest.mark.parametrize(
    ("t", "expected"),
    [(0, 0.1), (2, 0.1), (3, 0.001), (6, 0.001), (7, 0.0001), (50, 0.0001)],
)
def test_multistep_repeated_milestone_drops_twice_as_in_pytorch(t: int, expected: float) -> None:
    assert multistep(lr=0.1, milestones=(3, 3, 7))(t) == approx(expected, rel=1e-12)


def test_multistep_milestone_zero_drops_at_once_and_none_never_drops() -> None:
    at_zero = multistep(lr=1.0, milestones=(0, 2), gamma=0.5)
    assert [at_zero(t) for t in range(4)] == [0.5, 0.5, 0.25, 0.25]
    never = multistep(lr=0.3, milestones=())
    assert [never(t) for t in (0, 30, 80, 10_000)] == [0.3] * 4


@pytest.mark.parametrize(
    ("t", "expected"),
    [(0, 0.1), (9, 0.1), (10, 0.01), (19, 0.01), (20, 0.001), (500, 0.001)],
)
def test_piecewise_defaults_switch_at_the_boundary(t: int, expected: float) -> None:
    assert piecewise_constant()(t) == expected


def test_piecewise_values_may_rise() -> None:
    schedule = piecewise_constant(boundaries=(2, 4), values=(0.05, 0.1, 0.01))
    assert [schedule(t) for t in range(6)] == [0.05, 0.05, 0.1, 0.1, 0.01, 0.01]


def test_piecewise_without_boundaries_is_its_one_value() -> None:
    schedule = piecewise_constant(boundaries=(), values=(0.2,))
    assert [schedule(t) for t in (0, 1, 999)] == [0.2, 0.2, 0.2]


@pytest.mark.parametrize(("t", "expected"), [(0, 0.1), (4, 0.1), (5, 0.3), (100, 0.3)])
def test_constant_defaults_are_pytorch_constant_lr(t: int, expected: float) -> None:
    assert constant(lr=0.3)(t) == approx(expected, rel=1e-12)  # factor 1/3 for 5 epochs


def test_constant_factor_and_total_iters() -> None:
    schedule = constant(lr=0.1, factor=0.5, total_iters=3)
    assert [schedule(t) for t in range(5)] == [0.05, 0.05, 0.05, 0.1, 0.1]
    frozen = constant(lr=0.1, factor=0.0, total_iters=2)
    assert [frozen(t) for t in range(3)] == [0.0, 0.0, 0.1]


@pytest.mark.parametrize(
    ("make", "param"),
    [
        (lambda: multistep(lr=0.1, milestones=(5, 3)), "milestones"),
        (lambda: multistep(lr=0.1, milestones=(-1, 3)), "milestones"),
        (lambda: multistep(lr=0.1, gamma=1.5), "gamma"),
        (lambda: multistep(lr=0.0), "lr"),
        (lambda: piecewise_constant(boundaries=(5, 5), values=(1.0, 0.5, 0.1)), "boundaries"),
        (lambda: piecewise_constant(boundaries=(0, 5), values=(1.0, 0.5, 0.1)), "boundaries"),
        (lambda: piecewise_constant(boundaries=(5,), values=(1.0, 0.5, 0.1)), "values"),
        (lambda: piecewise_constant(boundaries=(5,), values=(1.0, -0.5)), "values"),
        (lambda: piecewise_constant(boundaries=(5,), values=(1.0, float("nan"))), "values"),
        (lambda: constant(lr=0.1, factor=1.5), "factor"),
        (lambda: constant(lr=0.1, factor=-0.1), "factor"),
        (lambda: constant(lr=0.1, total_iters=0), "total_iters"),
    ],
)
def test_bad_parameters_are_named(make: Callable[[], object], param: str) -> None:
    with pytest.raises(ScheduleError) as error:
        make()
    assert error.value.param == param
