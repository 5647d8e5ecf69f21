"""A PyTorch scheduler stepped alone (Hugging Face's too) is computed in one fused loop
(`Scheduler.fused`): every rate bit-identical (the same repr, stricter than ==) to stepping it
(`step` -> `_update_lr` -> `get_lr`), which the parity goldens check against real torch; the
same step fails, the same rows end."""

from __future__ import annotations

import pytest
from hypothesis import given, reject, settings
from hypothesis import strategies as st

from lrsched_cli.errors import DialectError
from lrsched_cli.frameworks.dispatch import reproduce
from lrsched_cli.frameworks.torch.emulation import Group, Refused, TorchReproduction

_factor = st.floats(0.0, 1.0)
_gamma = st.floats(0.0, 2.0)
_rate = st.floats(1e-6, 1.0)
_count = st.integers(0, 60)
_lambda = st.sampled_from(
    ["lambda e: {a} ** e", "lambda e: 1 / (e + {a})", "lambda e: {a} * e + 1", "lambda e: 1 - e / ({a} + 50)"]
).flatmap(lambda form: _gamma.map(lambda a: form.format(a=repr(a))))

CALLS: dict[str, st.SearchStrategy[str]] = {
    "LambdaLR": _lambda.map(lambda f: f"LambdaLR(optimizer, lr_lambda={f})"),
    "MultiplicativeLR": _lambda.map(lambda f: f"MultiplicativeLR(optimizer, lr_lambda={f})"),
    "StepLR": st.builds(
        "StepLR(optimizer, step_size={!r}, gamma={!r})".format,
        st.one_of(st.integers(-5, 40).filter(bool), st.floats(0.5, 20.0)),
        _gamma,
    ),
    "MultiStepLR": st.builds(
        "MultiStepLR(optimizer, milestones={!r}, gamma={!r})".format, st.lists(_count, max_size=6), _gamma
    ),
    "ConstantLR": st.builds(
        "ConstantLR(optimizer, factor={!r}, total_iters={!r})".format, _factor, st.integers(-2, 60)
    ),
    "LinearLR": st.builds(
        "LinearLR(optimizer, start_factor={!r}, end_factor={!r}, total_iters={!r})".format,
        st.floats(1e-3, 1.0),
        _factor,
        st.integers(-2, 60),
    ),
    "ExponentialLR": st.builds("ExponentialLR(optimizer, gamma={!r})".format, _gamma),
    "PolynomialLR": st.builds(
        "PolynomialLR(optimizer, total_iters={!r}, power={!r})".format,
        st.integers(-2, 60),
        st.floats(0.0, 3.0),
    ),
    "CosineAnnealingLR": st.builds(
        "CosineAnnealingLR(optimizer, T_max={!r}, eta_min={!r})".format,
        st.one_of(st.integers(-20, 60).filter(bool), st.floats(0.5, 60.0)),
        st.floats(0.0, 0.01),
    ),
    "CosineAnnealingWarmRestarts": st.builds(
        "CosineAnnealingWarmRestarts(optimizer, T_0={!r}, T_mult={!r}, eta_min={!r})".format,
        st.integers(1, 20),
        st.integers(1, 3),
        st.floats(0.0, 0.01),
    ),
    "CyclicLR": st.builds(
        "CyclicLR(optimizer, base_lr={!r}, max_lr={!r}, step_size_up={!r}, step_size_down={!r}, "
        "mode={!r}, gamma={!r})".format,
        _rate,
        _rate,
        st.integers(1, 30),
        st.one_of(st.none(), st.integers(0, 30)),
        st.sampled_from(["triangular", "triangular2", "exp_range"]),
        st.floats(0.9, 1.0),
    ),
    "OneCycleLR": st.builds(
        "OneCycleLR(optimizer, max_lr={!r}, total_steps={!r}, pct_start={!r}, anneal_strategy={!r}, "
        "div_factor={!r}, final_div_factor={!r}, three_phase={!r})".format,
        _rate,
        st.integers(1, 120),
        st.floats(0.0, 1.0),
        st.sampled_from(["cos", "linear"]),
        st.floats(1.0, 100.0),
        st.floats(1.0, 1e4),
        st.booleans(),
    ),
    # Hugging Face's schedules are LambdaLRs (the LambdaLR loop, factor(t, lr) a row)
    "get_cosine_schedule_with_warmup": st.builds(
        "get_cosine_schedule_with_warmup(optimizer, {!r}, {!r}, num_cycles={!r})".format,
        st.integers(0, 30),
        st.integers(1, 200),
        st.floats(0.0, 3.0),
    ),
    "get_linear_schedule_with_warmup": st.builds(
        "get_linear_schedule_with_warmup(optimizer, {!r}, {!r})".format,
        st.integers(0, 30),
        st.integers(1, 200),
    ),
    "get_polynomial_decay_schedule_with_warmup": st.builds(
        "get_polynomial_decay_schedule_with_warmup(optimizer, {!r}, {!r}, lr_end={!r}, power={!r})".format,
        st.integers(0, 30),
        st.integers(1, 200),
        st.floats(0.0, 1e-6),
        st.floats(0.5, 3.0),
    ),
    "get_wsd_schedule": st.builds(
        "get_wsd_schedule(optimizer, {!r}, {!r}, num_stable_steps={!r}, decay_type={!r}, "
        "min_lr_ratio={!r})".format,
        st.integers(0, 30),
        st.integers(0, 60),
        st.integers(0, 60),
        st.sampled_from(["cosine", "linear", "1-sqrt"]),
        st.floats(0.0, 1.0),
    ),
}


def _stepped(reproduction: TorchReproduction, lr: float, rows: int) -> tuple[list[float], str | None]:
    """The rates by the step machinery, and what its error must say (None if none fails)."""
    group = Group(lr)
    rates: list[float] = []
    try:
        scheduler = reproduction.build(group)
        assert "fused" in vars(type(scheduler)), "this class is stepped, not fused"
        rates.append(group.lr)
        while len(rates) < rows:
            scheduler.step()
            rates.append(group.lr)
    except Refused:
        pass
    except DialectError as error:  # an lr_lambda that fails names its argument
        return rates, str(error)
    except ArithmeticError:
        return rates, f"at step {len(rates)}:"  # the step after the last rate
    return rates, None


def _fused(reproduction: TorchReproduction, lr: float, rows: int) -> tuple[list[float], str | None]:
    rates: list[float] = []
    try:
        for rate in reproduction.rates(lr):
            rates.append(rate)
            if len(rates) == rows:
                break
    except DialectError as error:
        return rates, str(error)
    return rates, None


@pytest.mark.parametrize("scheduler", sorted(CALLS))
@settings(max_examples=60, deadline=None)
@given(data=st.data(), lr=_rate, rows=st.integers(1, 260))
def test_fused_rates_are_the_stepped_rates_bit_for_bit(
    scheduler: str, data: st.DataObject, lr: float, rows: int
) -> None:
    expression = data.draw(CALLS[scheduler], label="expression")
    try:
        reproduction = reproduce(expression, lr=lr)
    except DialectError:  # refused at construction, before either way of stepping starts
        reject()
    assert isinstance(reproduction, TorchReproduction)
    want, failing = _stepped(reproduction, lr, rows)
    got, error = _fused(reproduction, lr, rows)
    assert list(map(repr, got)) == list(map(repr, want))  # bit-identical: -0.0 and nan too
    if failing is None:
        assert error is None
    else:
        assert error is not None and failing in error
