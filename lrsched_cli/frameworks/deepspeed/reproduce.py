"""DeepSpeed's ``deepspeed.runtime.lr_schedules``, reproduced in float64 as DeepSpeed computes them.

The engine builds the config's ``scheduler`` (``_scheduler_from_config``, engine.py) and steps it
once per optimizer update, after ``optimizer.step()`` (``_take_model_step``; an fp16 overflow
skips both). Each class keeps ``last_batch_iteration``, -1 at construction, where the
constructor writes its first rate into the optimizer. So row 1 (the first update) applies the
rate at ``last_batch_iteration = -1`` and row k the rate at ``k - 2``.

As in DeepSpeed 0.19.8 (source read: deepspeed/runtime/lr_schedules.py): WarmupLR's
``warmup_max_lr`` defaults to the optimizer's lr (since 0.17.2), ``warmup_num_steps`` must be a
positive integer (0.19.3) and is then raised to at least 2, WarmupCosineLR holds its floor past
``total_num_steps`` (0.19.3). Stricter than DeepSpeed: an unknown ``warmup_type``, which it logs
and replaces by ``'log'``, is an error. One param group: per-group lists are refused.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from itertools import count, repeat

from lrsched_cli.errors import DialectError
from lrsched_cli.frameworks.reproduction import Reproduction, boolean, describe, number

FRAMEWORK = "deepspeed"
WARMUP_TYPES = ("log", "linear")


def _warmup_steps(warmup_num_steps: object) -> int:
    """DeepSpeed's check (``must be a positive integer``), then its ``max(2, n)``."""
    if isinstance(warmup_num_steps, bool) or not isinstance(warmup_num_steps, int) or warmup_num_steps <= 0:
        raise DialectError(
            "warmup_num_steps",
            f"warmup_num_steps must be a positive integer, got {describe(warmup_num_steps)}",
        )
    return max(2, warmup_num_steps)


def _warmup_type(warmup_type: object) -> str:
    if warmup_type not in WARMUP_TYPES:
        raise DialectError(
            "warmup_type",
            f"{describe(warmup_type)} is not a warmup_type DeepSpeed has ('log' or 'linear'); DeepSpeed "
            "would log a warning and warm up along 'log': write warmup_type='log' or 'linear'",
        )
    return str(warmup_type)


def _one_group(argument: str, value: object) -> float:
    if isinstance(value, (list, tuple)):
        raise DialectError(
            argument, f"lrsched follows one param group: give one number, got {describe(value)}"
        )
    return number(argument, value)


def _warmup_fraction(kind: str, n: int) -> Callable[[int], float]:
    """The warmup's gamma at ``last_batch_iteration`` t < n: ``log(t + 1) / log(n)`` or ``t / n``."""
    inverse_log = 1.0 / math.log(n)
    if kind == "log":
        return lambda t: inverse_log * math.log(t + 1)
    return lambda t: t / n


def _warmup_notes(
    scheduler: str, kind: str, n: int, written: object, start: str
) -> Callable[[int], list[str]]:
    def notes(rows: int) -> list[str]:
        found = []
        if kind == "log":
            found.append(
                f"{scheduler}: warmup_type='log' (DeepSpeed's default) rises as log(t + 1) / log({n}), "
                "most of the way in the first few steps (DeepSpeed#1298): write warmup_type='linear' "
                "for a straight ramp"
            )
        if written != n:
            found.append(
                f"{scheduler}: warmup_num_steps={describe(written)} counts as {n} (DeepSpeed takes max(2, n))"
            )
        if rows >= 2:
            found.append(start)
        return found

    return notes


def _reproduction(
    scheduler: str,
    rate: Callable[[int, float | None], float],
    *,
    needs_lr: bool,
    length: int | None,
    notes: Callable[[int], list[str]],
    fused: Callable[[float | None], Iterator[float]] | None = None,
) -> Reproduction:
    """Rates ``rate(t, lr)`` for ``last_batch_iteration`` t = -1 (the constructor's), 0, 1, ...;
    ``fused``, where given, computes the same rows in one loop."""

    def rates(lr: float | None) -> Iterator[float]:
        return (float(rate(t, lr)) for t in count(-1))

    return Reproduction(
        FRAMEWORK, scheduler, {}, fused or rates, needs_lr=needs_lr, length=length, notes=notes
    )


def WarmupLR(
    optimizer: object,
    warmup_min_lr: float = 0.0,
    warmup_max_lr: float | None = None,
    warmup_num_steps: int = 1000,
    warmup_type: str = "log",
    last_batch_iteration: int = -1,
) -> Reproduction:
    """``warmup_min_lr + (warmup_max_lr - warmup_min_lr) * gamma``, gamma the warmup fraction
    until ``n = max(2, warmup_num_steps)``, then 1; ``warmup_max_lr`` None: the optimizer's lr."""
    return _warmup_lr(
        "WarmupLR", warmup_min_lr, warmup_max_lr, warmup_num_steps, warmup_type, last_batch_iteration
    )


def WarmupDecayLR(
    optimizer: object,
    total_num_steps: int,
    warmup_min_lr: float = 0.0,
    warmup_max_lr: float = 0.001,
    warmup_num_steps: int = 1000,
    warmup_type: str = "log",
    last_batch_iteration: int = -1,
) -> Reproduction:
    """WarmupLR's warmup, then ``gamma = max(0, (T - t) / max(1, T - n))``: 0 at t = T."""
    total = number("total_num_steps", total_num_steps)
    return _warmup_lr(
        "WarmupDecayLR",
        warmup_min_lr,
        warmup_max_lr,
        warmup_num_steps,
        warmup_type,
        last_batch_iteration,
        total,
    )


def _warmup_lr(
    scheduler: str,
    warmup_min_lr: object,
    warmup_max_lr: object,
    warmup_num_steps: object,
    warmup_type: object,
    last_batch_iteration: object,
    total: float | None = None,
    *,
    fuse: bool = True,
) -> Reproduction:
    """WarmupLR and WarmupDecayLR (``total``): rows in one loop, or (``fuse=False``, which the
    tests compare it with) ``rate`` at each step."""
    _fresh(last_batch_iteration)
    n = _warmup_steps(warmup_num_steps)
    low = _one_group("warmup_min_lr", warmup_min_lr)
    high = None if warmup_max_lr is None else _one_group("warmup_max_lr", warmup_max_lr)
    kind = _warmup_type(warmup_type)
    fraction = _warmup_fraction(kind, n)

    def rate(t: int, lr: float | None) -> float:
        peak = high if high is not None else lr
        assert peak is not None, "WarmupLR without warmup_max_lr scales the optimizer's lr"
        if t < 0:
            return low
        if t < n:
            gamma = fraction(t)
        elif total is None:
            gamma = 1.0
        else:
            gamma = max(0.0, float(total - t) / float(max(1.0, total - n)))
        return low + (peak - low) * gamma

    def fused(lr: float | None) -> Iterator[float]:
        """`rate` at t = -1, 0, 1, ... in one loop, a phase at a time: its operations in the same
        order, what does not change with t (the rise, the decay's span) computed once."""
        peak = high if high is not None else lr
        assert peak is not None, "WarmupLR without warmup_max_lr scales the optimizer's lr"
        rise = peak - low
        yield float(low)
        for t in range(n):
            yield float(low + rise * fraction(t))
        if total is None:
            yield from repeat(float(low + rise * 1.0))
            return
        span = float(max(1.0, total - n))
        for t in count(n):
            yield float(low + rise * max(0.0, float(total - t) / span))

    start = (
        f"the first two updates apply warmup_min_lr={describe(low)} (the constructor's rate, then "
        "the warmup's t = 0): the first warmup step changes nothing"
    )
    warmup_notes = _warmup_notes(scheduler, kind, n, warmup_num_steps, start)

    def notes(rows: int) -> list[str]:
        found = warmup_notes(rows)
        if total is not None:
            if scheduler == "WarmupDecayLR" and warmup_max_lr == 0.001:
                found.append(
                    "WarmupDecayLR: warmup_max_lr=0.001 is its default, whatever the optimizer's lr "
                    "(WarmupLR's default is the optimizer's lr): set warmup_max_lr"
                )
            if total < n:
                found.append(
                    f"total_num_steps={describe(total)} is less than warmup_num_steps={n} (DeepSpeed warns)"
                )
            elif rows > total + 2:
                found.append(
                    f"from Step {_step(total + 2)} on, the rate is 0 (total_num_steps={describe(total)})"
                )
        return found

    length = n + 2 if total is None else _rows_to(total)
    return _reproduction(
        scheduler, rate, needs_lr=high is None, length=length, notes=notes, fused=fused if fuse else None
    )


def WarmupCosineLR(
    optimizer: object,
    total_num_steps: int,
    warmup_min_ratio: float = 0.0,
    warmup_num_steps: int = 1000,
    cos_min_ratio: float = 0.0001,
    warmup_type: str = "log",
    last_batch_iteration: int = -1,
) -> Reproduction:
    """Ratios of the optimizer's lr: ``wmin + (1 - wmin) * fraction`` while t < n, then
    ``max(0, cmin + (1 - cmin) * (1 + cos(pi * p)) / 2)``, ``p = min(1, (t - n + 1) / max(1, T - n))``;
    0 at construction."""
    _fresh(last_batch_iteration)
    n = _warmup_steps(warmup_num_steps)
    total = number("total_num_steps", total_num_steps)
    wmin = _one_group("warmup_min_ratio", warmup_min_ratio)
    cmin = number("cos_min_ratio", cos_min_ratio)
    kind = _warmup_type(warmup_type)
    fraction = _warmup_fraction(kind, n)

    def rate(t: int, lr: float | None) -> float:
        assert lr is not None, "WarmupCosineLR scales the optimizer's lr"
        if t < 0:
            return 0.0
        if t < n:
            ratio = wmin + fraction(t) * (1.0 - wmin)
        else:
            progress = min(1.0, (t - n + 1) / max(1, total - n))
            ratio = max(0.0, cmin + (1.0 - cmin) * ((1 + math.cos(math.pi * progress)) / 2))
        return lr * ratio

    start = (
        "the first update applies rate 0 (WarmupCosineLR's constructor writes 0, whatever "
        f"warmup_min_ratio={describe(wmin)}), the second warmup_min_ratio x lr"
    )
    warmup_notes = _warmup_notes("WarmupCosineLR", kind, n, warmup_num_steps, start)

    def notes(rows: int) -> list[str]:
        found = [
            "WarmupCosineLR takes ratios of the optimizer's lr (warmup_min_ratio, cos_min_ratio): its "
            "peak is the optimizer's lr itself, and it has no warmup_max_lr"
        ]
        found += warmup_notes(rows)
        if kind == "linear" and total > n:
            found.append(
                f"WarmupCosineLR: the linear warmup ends at {n - 1}/{n} of the lr and the cosine starts "
                "one step past its top: the optimizer's full lr is never applied"
            )
        if total < n:
            found.append(
                f"total_num_steps={describe(total)} is less than warmup_num_steps={n} (DeepSpeed warns)"
            )
        elif rows > total + 1:
            found.append(
                f"from Step {_step(total + 1)} on, the rate stays at cos_min_ratio x lr (total_num_steps="
                f"{describe(total)}; DeepSpeed 0.19.3 on: earlier releases climb back along the cosine)"
            )
        return found

    return _reproduction("WarmupCosineLR", rate, needs_lr=True, length=_rows_to(total - 1), notes=notes)


def OneCycle(
    optimizer: object,
    cycle_min_lr: float,
    cycle_max_lr: float,
    decay_lr_rate: float = 0.0,
    cycle_first_step_size: int = 2000,
    cycle_second_step_size: int | None = None,
    cycle_first_stair_count: int = 0,
    cycle_second_stair_count: int | None = None,
    decay_step_size: int = 0,
    cycle_momentum: bool = True,
    cycle_min_mom: float = 0.8,
    cycle_max_mom: float = 0.9,
    decay_mom_rate: float = 0.0,
    last_batch_iteration: int = -1,
) -> Reproduction:
    """A triangle from ``cycle_min_lr`` up to ``cycle_max_lr`` over ``cycle_first_step_size`` and
    back over ``cycle_second_step_size``, then ``cycle_min_lr / (1 + decay_lr_rate * k /
    decay_step_size)``, k the steps since the cycle ended."""
    _fresh(last_batch_iteration)
    boolean("cycle_momentum", cycle_momentum)
    first = float(number("cycle_first_step_size", cycle_first_step_size))
    second = (
        first
        if cycle_second_step_size is None
        else float(number("cycle_second_step_size", cycle_second_step_size))
    )
    if first <= 0:
        raise DialectError("cycle_first_step_size", f"cycle_first_step_size must be positive, got {first}")
    if second < 0:
        raise DialectError(
            "cycle_second_step_size", f"cycle_second_step_size must be non-negative, got {second}"
        )
    low = _one_group("cycle_min_lr", cycle_min_lr)
    high = _one_group("cycle_max_lr", cycle_max_lr)
    rate_of_decay = number("decay_lr_rate", decay_lr_rate)
    decay_size = number("decay_step_size", decay_step_size)
    first_stairs = number("cycle_first_stair_count", cycle_first_stair_count)
    second_stairs = (
        first_stairs
        if cycle_second_stair_count is None
        else number("cycle_second_stair_count", cycle_second_stair_count)
    )
    total_size = first + second
    step_ratio = first / total_size
    skip_decay = math.isclose(decay_size, 0) or math.isclose(rate_of_decay, 0)

    def scale(t: int) -> float:
        iteration = t + 1
        cycle = math.floor(1 + iteration / total_size)
        x = 1.0 + iteration / total_size - cycle
        if x <= step_ratio:
            factor, stairs = x / step_ratio, first_stairs
        else:
            factor, stairs = (x - 1) / (step_ratio - 1), second_stairs
        if stairs > 0:
            within = iteration % total_size
            rising = within <= first
            position = (within if rising else total_size - within) * stairs / (first if rising else second)
            factor = math.floor(position) / stairs
        return factor

    def rate(t: int, lr: float | None) -> float:
        if t < 0:
            return low
        if t < total_size:
            return low + (high - low) * scale(t)
        if skip_decay:
            return low
        return low / (1 + rate_of_decay * ((t - total_size + 1) / decay_size))

    def notes(rows: int) -> list[str]:
        if rows > total_size + 1 and skip_decay:
            return [
                f"rows past the cycle ({total_size:g} steps): the rate stays at cycle_min_lr "
                "(decay_step_size or decay_lr_rate is 0)"
            ]
        return []

    return _reproduction("OneCycle", rate, needs_lr=False, length=_rows_to(total_size - 1), notes=notes)


def LRRangeTest(
    optimizer: object,
    lr_range_test_min_lr: float = 1e-3,
    lr_range_test_step_size: int = 2000,
    lr_range_test_step_rate: float = 1.0,
    lr_range_test_staircase: bool = False,
    last_batch_iteration: int = -1,
) -> Reproduction:
    """``min_lr * (1 + step_rate * k)``, ``k = (t + 1) / step_size`` (floored with staircase)."""
    _fresh(last_batch_iteration)
    low = _one_group("lr_range_test_min_lr", lr_range_test_min_lr)
    size = lr_range_test_step_size
    if isinstance(size, bool) or not isinstance(size, int) or size <= 0:
        raise DialectError(
            "lr_range_test_step_size",
            f"lr_range_test_step_size must be a positive integer, got {describe(size)}",
        )
    step_rate = number("lr_range_test_step_rate", lr_range_test_step_rate)
    staircase = boolean("lr_range_test_staircase", lr_range_test_staircase)

    def rate(t: int, lr: float | None) -> float:
        if t < 0:
            return low
        interval = math.floor(float(t + 1) / size) if staircase else float(t + 1) / size
        return low * (1 + step_rate * interval)

    return _reproduction("LRRangeTest", rate, needs_lr=False, length=None, notes=lambda rows: [])


def _fresh(last_batch_iteration: object) -> None:
    if last_batch_iteration != -1:
        raise DialectError(
            "last_batch_iteration",
            f"lrsched follows a run from its start (-1), got {describe(last_batch_iteration)}",
        )


def _step(t: float) -> str:
    """A row label: an integer where the arguments are."""
    return str(int(t)) if t == int(t) else repr(t)


def _rows_to(t: float) -> int | None:
    """The rows up to and including ``last_batch_iteration`` t (row 1 is t = -1)."""
    return int(t) + 2 if t == int(t) and t >= -1 else None


SCHEDULERS: dict[str, Callable[..., Reproduction]] = {
    function.__name__: function
    for function in (WarmupLR, WarmupDecayLR, WarmupCosineLR, OneCycle, LRRangeTest)
}

STEP_COUNTS = frozenset(
    {
        "warmup_num_steps",
        "total_num_steps",
        "cycle_first_step_size",
        "cycle_second_step_size",
        "decay_step_size",
    }
)
"""The arguments that count steps: a float below 1 gets a note (a ratio where steps go)."""
