"""Every Hugging Face schedule stepped alone computes its rows in its fused loop (the factor's
operations inlined, a phase at a time): every rate bit-identical (the same repr, stricter than
==) to stepping its LambdaLR (`step` -> `get_lr` -> ``lr_lambda``, the factor copied from
transformers, which the parity goldens check); the same step fails with the same error."""

from __future__ import annotations

import pytest
from hypothesis import given, reject, settings
from hypothesis import strategies as st

from lrsched_cli.errors import DialectError
from lrsched_cli.frameworks.dispatch import reproduce
from lrsched_cli.frameworks.torch.emulation import Group, TorchReproduction

# whole and fractional step counts, zero and negative ones, as transformers takes any number
_steps = st.one_of(st.integers(-3, 40), st.floats(-3.0, 40.0).map(lambda x: round(x, 2)))
_total = st.one_of(st.integers(-5, 120), st.floats(-5.0, 120.0).map(lambda x: round(x, 2)))
_cycles = st.one_of(st.integers(0, 4), st.floats(0.0, 4.0))
_shape = st.sampled_from(["linear", "cosine", "1-sqrt"])


def _call(name: str, **arguments: object) -> str:
    return f"{name}(optimizer, " + ", ".join(f"{k}={v!r}" for k, v in arguments.items()) + ")"


def _calls(name: str, **strategies: st.SearchStrategy[object]) -> st.SearchStrategy[str]:
    return st.fixed_dictionaries(strategies).map(lambda arguments: _call(name, **arguments))


_cosine = {"num_warmup_steps": _steps, "num_training_steps": _total, "num_cycles": _cycles}
_floor = st.one_of(
    st.fixed_dictionaries({"min_lr": st.floats(0.0, 1e-3)}),
    st.fixed_dictionaries({"min_lr_rate": st.floats(-0.5, 1.5)}),
)


def _floored(name: str, **strategies: st.SearchStrategy[object]) -> st.SearchStrategy[str]:
    """Calls with ``min_lr`` or ``min_lr_rate``, one of which must be given."""
    return st.builds(
        lambda given, floor: _call(name, **given, **floor), st.fixed_dictionaries(strategies), _floor
    )


CALLS: dict[str, st.SearchStrategy[str]] = {
    "get_constant_schedule": st.just("get_constant_schedule(optimizer)"),
    "get_constant_schedule_with_warmup": _calls("get_constant_schedule_with_warmup", num_warmup_steps=_steps),
    "get_linear_schedule_with_warmup": _calls(
        "get_linear_schedule_with_warmup", num_warmup_steps=_steps, num_training_steps=_total
    ),
    "get_cosine_schedule_with_warmup": _calls("get_cosine_schedule_with_warmup", **_cosine),
    "get_cosine_with_hard_restarts_schedule_with_warmup": _calls(
        "get_cosine_with_hard_restarts_schedule_with_warmup", **_cosine
    ),
    "get_polynomial_decay_schedule_with_warmup": _calls(
        "get_polynomial_decay_schedule_with_warmup",
        num_warmup_steps=_steps,
        num_training_steps=_total,
        lr_end=st.floats(-1e-3, 1e-6),
        power=st.one_of(st.integers(-2, 3), st.floats(-1.0, 3.0)),
    ),
    "get_inverse_sqrt_schedule": _calls(
        "get_inverse_sqrt_schedule",
        num_warmup_steps=_steps,
        timescale=st.one_of(st.none(), st.integers(-20, 60), st.floats(-20.0, 60.0)),
    ),
    "get_cosine_with_min_lr_schedule_with_warmup": _floored(
        "get_cosine_with_min_lr_schedule_with_warmup", **_cosine
    ),
    "get_cosine_with_min_lr_schedule_with_warmup_lr_rate": _floored(
        "get_cosine_with_min_lr_schedule_with_warmup_lr_rate",
        **_cosine,
        warmup_lr_rate=st.one_of(st.none(), st.floats(0.0, 1.0)),
    ),
    "get_wsd_schedule": _calls(
        "get_wsd_schedule",
        num_warmup_steps=_steps,
        num_decay_steps=_steps,
        num_stable_steps=_steps,
        warmup_type=_shape,
        decay_type=_shape,
        min_lr_ratio=st.one_of(st.just(0), st.floats(-0.5, 1.0)),
        num_cycles=_cycles,
    ),
}


def _stepped(reproduction: TorchReproduction, lr: float, rows: int) -> tuple[list[float], str | None]:
    """The rates by the step machinery, and the error `from` must then give (None if none)."""
    group = Group(lr)
    rates: list[float] = []
    try:
        scheduler = reproduction.build(group)
        assert "fused" in vars(type(scheduler)), "this schedule is stepped, not fused"
        rates.append(group.lr)
        while len(rates) < rows:
            scheduler.step()
            rates.append(group.lr)
    except (ArithmeticError, ValueError) as exc:
        return rates, f"torch fails at step {len(rates)}: {type(exc).__name__}: {exc}"
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
@settings(max_examples=150, deadline=None)
@given(data=st.data(), lr=st.one_of(st.just(0.0), st.floats(1e-6, 1.0)), rows=st.integers(1, 160))
def test_fused_rows_are_the_stepped_rows_bit_for_bit(
    scheduler: str, data: st.DataObject, lr: float, rows: int
) -> None:
    expression = data.draw(CALLS[scheduler], label="expression")
    try:
        reproduction = reproduce(expression, lr=lr)
        assert isinstance(reproduction, TorchReproduction)
        reproduction.build(Group(lr))
    except DialectError:  # refused at construction, before either way of stepping starts
        reject()
    want, failing = _stepped(reproduction, lr, rows)
    got, error = _fused(reproduction, lr, rows)
    assert list(map(repr, got)) == list(map(repr, want))  # bit-identical: -0.0, nan and complex too
    if failing is None:
        assert error is None
    else:
        assert error is not None and failing in error


@pytest.mark.parametrize(
    ("expression", "failing", "computed"),
    [
        # timescale 0 divides by zero at the first step past the warmup (t = 3), not before
        ("get_inverse_sqrt_schedule(optimizer, 3, timescale=0)", "at step 3: ZeroDivisionError", 3),
        # decay_steps = total - warmup = 0: transformers divides by it at t = 5
        ("get_polynomial_decay_schedule_with_warmup(optimizer, 5, 5)", "at step 5: ZeroDivisionError", 5),
        # timescale -4: (t - 6) / -4 is -0.0 at t = 6, and 1.0 / sqrt(-0.0) divides by zero
        ("get_inverse_sqrt_schedule(optimizer, 2, timescale=-4)", "at step 6: ZeroDivisionError", 6),
        # timescale -4.5: (t - 6.5) / -4.5 is negative from t = 7: sqrt fails
        ("get_inverse_sqrt_schedule(optimizer, 2, timescale=-4.5)", "at step 7: ValueError", 7),
    ],
)
def test_a_failing_step_fails_fused_as_stepped(expression: str, failing: str, computed: int) -> None:
    reproduction = reproduce(expression, lr=0.1)
    assert isinstance(reproduction, TorchReproduction)
    got, error = _fused(reproduction, 0.1, 20)
    assert error is not None and failing in error
    assert len(got) == computed  # every row before the failing step
