"""float32 ops a block at a time (Keras, optax rows): each equals its scalar op on every value, bit
for bit, special values included; blocks join into the same rows as single steps."""

from __future__ import annotations

import math
import struct
from collections.abc import Sequence
from itertools import islice

from hypothesis import given
from hypothesis import strategies as st

from lrsched_cli.frameworks import _float32 as f32
from lrsched_cli.frameworks.dispatch import reproduce
from lrsched_cli.frameworks.keras import reproduce as keras
from lrsched_cli.frameworks.optax.reproduce import _warmup_cosine
from lrsched_cli.frameworks.optax.schedules import _cosine

SPECIAL = [0.0, -0.0, 1.0, -1.0, math.inf, -math.inf, math.nan, 1e300, -1e300, 3.4028235677973366e38,
           1e-46, 1.4e-45, 2.0**24 + 1, 0.5, 2.0]  # fmt: skip
floats = st.lists(st.one_of(st.floats(width=32), st.sampled_from(SPECIAL), st.floats()), max_size=40)


def bits(values: Sequence[float]) -> list[bytes | str]:
    """Each value's bit pattern; every NaN alike (their payloads are not a rate's)."""
    return ["nan" if math.isnan(x) else struct.pack(">d", x) for x in values]


def float32_of(values: Sequence[float]) -> list[float]:
    return [f32.float32(x) for x in values]


@given(floats)
def test_float32s_rounds_as_float32_does(xs: list[float]) -> None:
    assert bits(f32.float32s(xs)) == bits(float32_of(xs))


@given(floats, st.sampled_from([*SPECIAL, 3.0, 1e-3]))
def test_division_and_powers_are_the_scalar_ops(xs: list[float], y: float) -> None:
    xs = float32_of(xs)
    assert bits(f32.div32s(xs, y)) == bits([f32.div32(x, y) for x in xs])
    assert bits(f32.divided32s(xs, [y] * len(xs))) == bits([f32.div32(x, y) for x in xs])
    assert bits(f32.powers32s(f32.float32(y), xs)) == bits([f32.pow32(f32.float32(y), x) for x in xs])
    assert bits(f32.pow32s(xs, f32.float32(y))) == bits([f32.pow32(x, f32.float32(y)) for x in xs])


@given(floats, st.integers(-5, 5))
def test_elementwise_ops_are_the_scalar_ops(xs: list[float], exponent: int) -> None:
    xs = float32_of(xs)
    assert bits(f32.cos32s(xs)) == bits([f32.cos32(x) for x in xs])
    assert bits(f32.floor32s(xs)) == bits([f32.floor32(x) for x in xs])
    assert bits(f32.ceil32s(xs)) == bits([f32.ceil32(x) for x in xs])
    assert bits(f32.integer_pow32s(xs, exponent)) == bits([f32.integer_pow32(x, exponent) for x in xs])
    assert bits(f32.clamped(xs, 1.0)) == bits([min(x, 1.0) for x in xs])


def test_counts_past_two_to_the_24_round_as_float32_counts() -> None:
    """JAX casts the step count to float32: 2**24 + 1 is 2**24 there, so its rate is 2**24's."""
    cosine = _cosine(0.1, 2**25, 0.0, 1.0)
    below, at, above = cosine(range(2**24 - 1, 2**24 + 2))
    assert at == above
    assert below != at


def test_blocks_join_into_the_rows_of_single_steps() -> None:
    """Rows cross the block edges (64, 576, 4672, ...) and, in a block, a join's boundary."""
    rows = list(
        islice(
            reproduce("optax.warmup_cosine_decay_schedule(0.0, 0.1, 600, 10000)", lr=None).rates(None), 10000
        )
    )
    value = _warmup_cosine(0.0, 0.1, 600, 10000, 0.0, 1.0)
    assert rows == [value(range(t, t + 1))[0] for t in range(10000)]
    assert rows == [value([t])[0] for t in range(10000)]  # counts as a list, as a join at a fraction gives


_alpha = st.sampled_from([0.0, -0.0, 1e-50, 1e-10, 0.1, -0.25, 1.5])  # 1e-10: keep is 1.0, low is not 0
_steps = st.one_of(st.integers(1, 300), st.floats(0.5, 300.0)).map(f32.float32)


def _scaled(x: float, keep: float, low: float, peak: float) -> float:
    """``(keep * x + low) * peak``, each op rounded to float32, as Keras and optax compute it."""
    return f32.float32(peak * f32.float32(f32.float32(keep * x) + low))


@given(_steps, st.floats(0.0, 1.0).map(f32.float32), _alpha, st.integers(0, 400))
def test_the_keras_cosine_is_its_scalar_ops(steps: float, peak: float, alpha: float, start: int) -> None:
    """Every op of ``_decay_function`` one value at a time, none skipped: the block (which skips
    those leaving x as it is) gives the same bits."""
    keep, low = f32.float32(1 - alpha), f32.float32(alpha)
    ts = range(start, start + 80)
    want = [
        _scaled(0.5 * f32.float32(1 + f32.cos32(f32.float32(f32.PI * f32.div32(t, steps)))), keep, low, peak)
        for t in ts
    ]
    assert bits(keras._cosine(ts, steps, peak, alpha)) == bits(want)


@given(_steps, st.floats(0.0, 1.0), _alpha, st.sampled_from([1, 1.0, 2, 0.5]), st.integers(0, 400))
def test_the_optax_cosine_is_its_scalar_ops(
    steps: float, init: float, alpha: float, exponent: float, start: int
) -> None:
    keep, low, length = f32.float32(1 - alpha), f32.float32(alpha), f32.float32(steps)

    def power(x: float) -> float:
        if isinstance(exponent, int):
            return f32.integer_pow32(x, exponent)
        return f32.pow32(x, f32.float32(exponent))

    ts = range(start, start + 80)
    want = [
        _scaled(
            power(0.5 * f32.float32(1 + f32.cos32(f32.div32(f32.float32(f32.PI * min(t, length)), length)))),
            keep,
            low,
            f32.float32(init),
        )
        for t in ts
    ]
    assert bits(_cosine(init, steps, alpha, exponent)(ts)) == bits(want)
