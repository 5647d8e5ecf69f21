"""float32 tensor ops as Keras and optax evaluate them: each result rounded to float32.

Inputs are Python floats already holding float32 values. Transcendentals return the correctly
rounded float32 result; the frameworks' kernels (glibc, SLEEF, XLA) are within an ulp of it, so
a rate may differ from theirs in the last bit, which only shows where a cosine nears zero.
Where a tensor op gives NaN or infinity, these do too instead of raising.
"""

from __future__ import annotations

import math
import struct


def float32(x: float) -> float:
    """Round a Python float to the nearest IEEE float32, as Keras and optax compute."""
    if not math.isfinite(x):
        return x
    try:
        return struct.unpack("f", struct.pack("f", x))[0]  # type: ignore[no-any-return]
    except OverflowError:
        return math.copysign(math.inf, x)


f = float32

PI = f(math.pi)
"""``math.pi`` cast to float32, as ``ops.array(math.pi, dtype)`` and ``jnp.pi * x`` use it."""


def floor32(x: float) -> float:
    return float(math.floor(x)) if math.isfinite(x) else x


def ceil32(x: float) -> float:
    return float(math.ceil(x)) if math.isfinite(x) else x


def div32(a: float, b: float) -> float:
    if b == 0:
        if a == 0 or math.isnan(a):
            return math.nan
        return math.copysign(math.inf, a) * math.copysign(1.0, b)
    return f(a / b)


def pow32(base: float, exponent: float) -> float:
    try:
        return f(math.pow(base, exponent))
    except ValueError:
        if base == 0 and exponent < 0:  # C's pow: 0 ** -p is inf, -0 ** -odd is -inf
            odd = exponent == int(exponent) and int(exponent) % 2 == 1
            return math.copysign(math.inf, base) if odd else math.inf
        return math.nan
    except OverflowError:
        return math.inf


def integer_pow32(x: float, exponent: int) -> float:
    """``x ** n`` for a literal integer ``n`` in JAX: repeated float32 products (`lax.integer_pow`)."""
    if exponent == 0:
        return 1.0
    n = abs(exponent)
    acc: float | None = None
    while n > 0:
        if n & 1:
            acc = x if acc is None else f(acc * x)
        n >>= 1
        if n > 0:
            x = f(x * x)
    assert acc is not None
    return div32(1.0, acc) if exponent < 0 else acc


def cos32(x: float) -> float:
    return f(math.cos(x)) if math.isfinite(x) else math.nan


def log32(x: float) -> float:
    if x < 0 or math.isnan(x):
        return math.nan
    if x == 0:
        return -math.inf
    return f(math.log(x))
