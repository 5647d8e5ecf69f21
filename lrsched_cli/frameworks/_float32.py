"""float32 tensor ops as Keras and optax evaluate them: each result rounded to float32.

Inputs are Python floats already holding float32 values. Transcendentals return the correctly
rounded float32 result; the frameworks' kernels (glibc, SLEEF, XLA) are within an ulp of it, so
a rate may differ from theirs in the last bit, which only shows where a cosine nears zero.
Where a tensor op gives NaN or infinity, these do too instead of raising.
"""

from __future__ import annotations

import math
import struct
from collections.abc import Sequence


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


# The same ops a block of values at a time (a schedule's rates at a range of steps): each equals
# its scalar op applied to every value, bit for bit, at a fraction of the cost. Inputs hold
# float32 values, as every tensor does. `float32s` is the one rounding: a C cast per value
# (``struct`` packs with the cast ``float32`` uses); where a value is one ``struct`` or ``math``
# refuses (a finite overflow, ``cos(inf)``, ``pow`` out of range), the block is done value by
# value with the scalar op instead, which says what the tensor op gives there.

Floats = Sequence[float]


def float32s(xs: Floats) -> Floats:
    """`float32` of each value."""
    fmt = f"{len(xs)}f"
    try:
        return struct.unpack(fmt, struct.pack(fmt, *xs))
    except OverflowError:
        return [float32(x) for x in xs]


def div32s(xs: Floats, divisor: float) -> Floats:
    if divisor == 0:
        return [div32(x, divisor) for x in xs]
    return float32s([x / divisor for x in xs])


def divided32s(xs: Floats, divisors: Floats) -> Floats:
    """`div32` of each value by its own divisor."""
    try:
        return float32s([x / y for x, y in zip(xs, divisors, strict=True)])
    except ZeroDivisionError:
        return [div32(x, y) for x, y in zip(xs, divisors, strict=True)]


def powers32s(base: float, exponents: Floats) -> Floats:
    """`pow32` of one base to each exponent."""
    try:
        return float32s([math.pow(base, e) for e in exponents])
    except (ValueError, OverflowError):
        return [pow32(base, e) for e in exponents]


def counts32(steps: Floats) -> Floats:
    """`float32` of each step count: a range of counts itself while float32 holds them exactly."""
    return steps if isinstance(steps, range) and steps.stop <= EXACT else float32s(steps)


def clamped(counts: Floats, end: float) -> Floats:
    """``min(t, end)`` of each count (ascending): the counts themselves while none is past ``end``."""
    if isinstance(counts, range) and counts.stop - 1 <= end:
        return counts
    return [end if end < t else t for t in counts]  # as min(t, end) picks


EXACT = 1 << 24
"""Every integer up to this one is a float32 exactly."""


def cos32s(xs: Floats) -> Floats:
    try:
        return float32s(list(map(math.cos, xs)))
    except ValueError:  # cos(inf)
        return [cos32(x) for x in xs]


def pow32s(xs: Floats, exponent: float) -> Floats:
    """``x ** exponent`` for a float32 exponent, as `pow32`; ``x ** 1.0`` is ``x`` exactly."""
    if exponent == 1.0:
        return xs
    try:
        return float32s([math.pow(x, exponent) for x in xs])
    except (ValueError, OverflowError):
        return [pow32(x, exponent) for x in xs]


def integer_pow32s(xs: Floats, exponent: int) -> Floats:
    """`integer_pow32` of each: the same float32 products, a block at a time."""
    if exponent == 0:
        return [1.0] * len(xs)
    n = abs(exponent)
    acc: Floats | None = None
    while n > 0:
        if n & 1:
            acc = xs if acc is None else float32s([a * x for a, x in zip(acc, xs)])
        n >>= 1
        if n > 0:
            xs = float32s([x * x for x in xs])
    assert acc is not None
    return [div32(1.0, a) for a in acc] if exponent < 0 else acc


def floor32s(xs: Floats) -> Floats:
    try:
        return [float(math.floor(x)) for x in xs]
    except (ValueError, OverflowError):  # floor of nan, of inf
        return [floor32(x) for x in xs]


def ceil32s(xs: Floats) -> Floats:
    try:
        return [float(math.ceil(x)) for x in xs]
    except (ValueError, OverflowError):
        return [ceil32(x) for x in xs]
