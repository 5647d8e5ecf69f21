"""timm's cycled schedulers (cosine, poly, tanh) compute their rows in one loop where the cycles
do not grow (`_cycled_over`): every rate bit-identical (the same repr, stricter than ==) to
``main(lr, t)`` row by row, the same call with the loop turned off; the same error, the rows
ending at the same t."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from hypothesis import given, reject, settings
from hypothesis import strategies as st

from lrsched_cli.errors import DialectError
from lrsched_cli.frameworks.dispatch import reproduce
from lrsched_cli.frameworks.timm import reproduce as timm

_common = st.fixed_dictionaries(
    {
        "t_initial": st.one_of(st.integers(1, 40), st.floats(0.5, 40.0)),
        "lr_min": st.floats(0.0, 0.01),
        "cycle_decay": st.floats(0.1, 1.5),
        "cycle_limit": st.integers(0, 4),
        "warmup_t": st.one_of(st.integers(0, 10), st.floats(0.0, 10.0)),
        "warmup_lr_init": st.floats(0.0, 0.01),
        "warmup_prefix": st.booleans(),
    }
)
EXTRA: dict[str, st.SearchStrategy[dict[str, object]]] = {
    "CosineLRScheduler": st.fixed_dictionaries({"k_decay": st.floats(0.2, 3.0)}),
    "PolyLRScheduler": st.fixed_dictionaries({"k_decay": st.floats(0.2, 3.0), "power": st.floats(0.0, 3.0)}),
    "TanhLRScheduler": st.fixed_dictionaries({"lb": st.floats(-8.0, -1.0), "ub": st.floats(0.0, 4.0)}),
}


def _rows(expression: str, lr: float, rows: int) -> tuple[list[float], str | None]:
    rates: list[float] = []
    try:
        for rate in reproduce(expression, lr=lr).rates(lr):
            rates.append(rate)
            if len(rates) == rows:
                break
    except DialectError as error:
        return rates, str(error)
    return rates, None


@pytest.mark.parametrize("scheduler", sorted(EXTRA))
@settings(max_examples=80, deadline=None)
@given(data=st.data(), lr=st.floats(1e-4, 1.0), rows=st.integers(1, 200))
def test_fused_rates_are_main_row_by_row_bit_for_bit(
    scheduler: str, data: st.DataObject, lr: float, rows: int
) -> None:
    arguments = {**data.draw(_common, label="arguments"), **data.draw(EXTRA[scheduler], label="extra")}
    expression = f"{scheduler}(optimizer, " + ", ".join(f"{k}={v!r}" for k, v in arguments.items()) + ")"
    try:
        reproduce(expression, lr=lr)
    except DialectError:  # refused at construction, before either way of computing starts
        reject()
    original: Callable[..., object] = timm._cycled_over
    fused = _rows(expression, lr, rows)
    with pytest.MonkeyPatch.context() as patched:
        patched.setattr(timm, "_cycled_over", lambda *arguments: None)
        stepped = _rows(expression, lr, rows)
    assert timm._cycled_over is original
    assert repr(fused) == repr(stepped)  # bit-identical (repr round-trips): -0.0 and nan too


@pytest.mark.parametrize(
    ("expression", "rows"),
    [
        # the peak lr * 1e10 ** i overflows at the cycle i = 31 (t = 31): timm raises there
        ("CosineLRScheduler(optimizer, t_initial=1, cycle_decay=1e10, cycle_limit=100)", 31),
        # t_i ** k = 1e400 overflows at the first row of the cycle (t = 1), after the constructor's
        ("PolyLRScheduler(optimizer, t_initial=1e200, k_decay=2.0)", 1),
        # ... but past cycle_limit=0 no row computes it: lr_min for ever
        ("CosineLRScheduler(optimizer, t_initial=1e200, k_decay=2.0, cycle_limit=0)", 50),
    ],
)
def test_an_overflowing_power_ends_the_rows_at_the_same_t(expression: str, rows: int) -> None:
    fused = _rows(expression, 0.1, 50)
    with pytest.MonkeyPatch.context() as patched:
        patched.setattr(timm, "_cycled_over", lambda *arguments: None)
        stepped = _rows(expression, 0.1, 50)
    assert fused == stepped
    assert len(fused[0]) == rows and fused[1] is None
