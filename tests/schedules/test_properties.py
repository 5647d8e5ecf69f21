"""Properties of the math that hold for every parameter choice (hypothesis)."""

from __future__ import annotations

import math

from hypothesis import given
from hypothesis import strategies as st

from lrsched_cli.schedules import with_warmup
from lrsched_cli.schedules.decay import cosine, cosine_restarts, exponential, step_decay

rates = st.floats(min_value=1e-8, max_value=10.0)
factors = st.floats(min_value=0.0, max_value=1.0)
lengths = st.integers(min_value=1, max_value=500)
times = st.integers(min_value=0, max_value=5_000)


@given(lr=rates, step_size=lengths, gamma=factors, t=times)
def test_step_decay_never_increases_and_stays_in_bounds(
    lr: float, step_size: int, gamma: float, t: int
) -> None:
    schedule = step_decay(lr=lr, step_size=step_size, gamma=gamma)
    assert 0 <= schedule(t + 1) <= schedule(t) <= lr


@given(lr=rates, k=st.floats(min_value=0.0, max_value=5.0), t=times)
def test_exponential_never_increases(lr: float, k: float, t: int) -> None:
    schedule = exponential(lr=lr, decay_rate=k)
    assert 0 <= schedule(t + 1) <= schedule(t) <= lr


@given(lr=rates, fraction=st.floats(min_value=0.0, max_value=1.0), t_max=lengths, t=times)
def test_cosine_stays_between_floor_and_peak_and_is_periodic(
    lr: float, fraction: float, t_max: int, t: int
) -> None:
    min_lr = lr * fraction
    schedule = cosine(lr=lr, t_max=t_max, min_lr=min_lr)
    assert min_lr * (1 - 1e-12) <= schedule(t) <= lr * (1 + 1e-12)
    assert math.isclose(schedule(t), schedule(t + 2 * t_max), rel_tol=1e-9, abs_tol=1e-15)
    if t < t_max:
        assert schedule(t + 1) <= schedule(t) * (1 + 1e-12)


@given(lr=rates, t_0=st.integers(1, 50), t_mult=st.integers(1, 4), cycles=st.integers(0, 5))
def test_cosine_restarts_return_to_lr_at_every_restart(lr: float, t_0: int, t_mult: int, cycles: int) -> None:
    schedule = cosine_restarts(lr=lr, t_0=t_0, t_mult=t_mult)
    restart = sum(t_0 * t_mult**i for i in range(cycles))
    assert schedule(restart) == lr
    assert schedule(restart + 1) <= lr


@given(lr=rates, t_0=st.integers(1, 50), t=times)
def test_cosine_restarts_with_constant_period_repeat(lr: float, t_0: int, t: int) -> None:
    schedule = cosine_restarts(lr=lr, t_0=t_0)
    assert schedule(t) == schedule(t + t_0)


@given(lr=rates, warmup=st.integers(1, 100), start=st.floats(0.0, 1.0), t=times)
def test_warmup_rises_to_the_first_rate_then_hands_over(lr: float, warmup: int, start: float, t: int) -> None:
    inner = cosine(lr=lr, t_max=50)
    schedule = with_warmup(inner, warmup=warmup, warmup_start_lr=start * lr)
    assert schedule(0) == start * lr
    assert schedule(warmup) == inner(0)
    if t < warmup:
        assert schedule(t) <= schedule(t + 1) * (1 + 1e-12)
    else:
        assert schedule(t) == inner(t - warmup)
