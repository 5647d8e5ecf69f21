"""Properties of multistep, piecewise, constant, linear, polynomial, inverse-time and decaying
restarts that hold for every parameter choice (hypothesis)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from lrsched_cli.schedules.decay import cosine_restarts
from lrsched_cli.schedules.piecewise import constant, multistep, piecewise_constant
from lrsched_cli.schedules.polynomial import inverse_time, linear, polynomial

rates = st.floats(min_value=1e-8, max_value=10.0)
factors = st.floats(min_value=0.0, max_value=1.0)
lengths = st.integers(min_value=1, max_value=500)
times = st.integers(min_value=0, max_value=5_000)
epochs = st.lists(st.integers(min_value=0, max_value=300), max_size=6).map(sorted)
TINY = 1 + 1e-12


@given(lr=rates, milestones=epochs, gamma=factors, t=times)
def test_multistep_never_increases_and_drops_by_gamma_per_milestone(
    lr: float, milestones: list[int], gamma: float, t: int
) -> None:
    schedule = multistep(lr=lr, milestones=tuple(milestones), gamma=gamma)
    assert 0 <= schedule(t + 1) <= schedule(t) <= lr
    assert schedule(max(milestones, default=0) + t) == lr * gamma ** len(milestones)


@given(
    boundaries=st.lists(st.integers(1, 300), max_size=6, unique=True).map(sorted),
    data=st.data(),
    t=times,
)
def test_piecewise_shows_only_its_values_and_switches_exactly_at_boundaries(
    boundaries: list[int], data: st.DataObject, t: int
) -> None:
    values = data.draw(st.lists(rates, min_size=len(boundaries) + 1, max_size=len(boundaries) + 1))
    schedule = piecewise_constant(boundaries=tuple(boundaries), values=tuple(values))
    assert schedule(t) in values
    for i, boundary in enumerate(boundaries):
        assert schedule(boundary - 1) == values[i]
        assert schedule(boundary) == values[i + 1]


@given(lr=rates, factor=factors, total_iters=lengths, t=times)
def test_constant_is_lr_times_factor_then_lr(lr: float, factor: float, total_iters: int, t: int) -> None:
    schedule = constant(lr=lr, factor=factor, total_iters=total_iters)
    assert schedule(t) == (lr * factor if t < total_iters else lr)


@given(
    lr=rates,
    start=st.floats(min_value=1e-6, max_value=1.0),
    end=factors,
    total_iters=lengths,
    t=times,
)
def test_linear_moves_one_way_between_its_two_factors(
    lr: float, start: float, end: float, total_iters: int, t: int
) -> None:
    schedule = linear(lr=lr, start_factor=start, end_factor=end, total_iters=total_iters)
    low, high = lr * min(start, end), lr * max(start, end)
    slack = 1e-15 * lr  # PyTorch's form, start + (end - start) * p, rounds in absolute terms
    assert low - slack <= schedule(t) <= high + slack <= lr + slack
    step = schedule(t + 1) - schedule(t)
    assert step * (end - start) >= -1e-15 * lr  # never moves against the direction of travel
    assert schedule(total_iters + t) == schedule(total_iters)


@given(
    lr=rates,
    fraction=factors,
    total_iters=lengths,
    power=st.floats(min_value=0.05, max_value=10.0),
    t=times,
)
def test_polynomial_never_increases_and_rests_at_min_lr(
    lr: float, fraction: float, total_iters: int, power: float, t: int
) -> None:
    min_lr = lr * fraction
    schedule = polynomial(lr=lr, total_iters=total_iters, power=power, min_lr=min_lr)
    assert min_lr / TINY <= schedule(t + 1) <= schedule(t) * TINY
    assert schedule(t) <= lr * TINY  # (lr - min_lr) + min_lr, the frameworks' form, may round up an ulp
    assert schedule(total_iters + t) == min_lr


@given(
    lr=rates,
    decay_rate=st.floats(min_value=0.0, max_value=100.0),
    decay_steps=lengths,
    staircase=st.booleans(),
    t=times,
)
def test_inverse_time_never_increases_and_stays_positive(
    lr: float, decay_rate: float, decay_steps: int, staircase: bool, t: int
) -> None:
    schedule = inverse_time(lr=lr, decay_rate=decay_rate, decay_steps=decay_steps, staircase=staircase)
    assert 0 < schedule(t + 1) <= schedule(t) <= lr


@given(
    lr=rates,
    fraction=factors,
    t_0=st.integers(1, 30),
    t_mult=st.integers(1, 3),
    decay=factors,
    cycles=st.integers(0, 5),
)
def test_decaying_restarts_peak_lower_each_time_and_never_below_min_lr(
    lr: float, fraction: float, t_0: int, t_mult: int, decay: float, cycles: int
) -> None:
    min_lr = lr * fraction
    schedule = cosine_restarts(lr=lr, t_0=t_0, t_mult=t_mult, min_lr=min_lr, decay=decay)
    restart = sum(t_0 * t_mult**i for i in range(cycles))
    peak = schedule(restart)
    assert abs(peak - (min_lr + (lr - min_lr) * decay**cycles)) <= 1e-12 * lr
    next_restart = restart + t_0 * t_mult**cycles
    assert schedule(next_restart) <= peak * TINY
    for t in range(restart, next_restart):
        assert min_lr / TINY <= schedule(t) <= peak * TINY
