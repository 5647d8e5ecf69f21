"""NeMo's two policies, ``WarmupPolicy`` and ``WarmupHoldPolicy``, which its annealing schedulers
wrap their decays in, and the readers of the schedulers' arguments.

`warmup_policy` and `hold_policy` are the policies' ``get_lr``: the warmup, the hold, ``min_lr``
past ``max_steps``, else the scheduler's decay; `reproduction` turns a rate ``(lr, step) -> rate``
into a `Reproduction`, with its notes; `steps_of` is NeMo's ``int(ratio * max_steps)``.

Source read: NVIDIA/NeMo ``8cfedd72`` nemo/core/optim/lr_scheduler.py 39-757.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from itertools import count

from lrsched_cli.errors import DialectError
from lrsched_cli.frameworks.reproduction import Reproduction, describe

FRAMEWORK = "nemo"

Rate = Callable[[float, int], float]
"""(the optimizer's lr, step) -> the rate, as NeMo's ``get_lr`` computes it."""


def reproduction(
    scheduler: str, rate: Rate, max_steps: object, warmup: object = 0, *, start: str = ""
) -> Reproduction:
    """The rows of ``rate``, NeMo's failures as errors; ``start`` replaces the warmup's note."""

    def rates(lr: float | None) -> Iterator[float]:
        assert lr is not None, "NeMo's schedulers scale the optimizer's lr"
        for t in count():
            try:
                value = rate(lr, t)
            except DialectError:
                raise
            except (ArithmeticError, ValueError, TypeError, AssertionError) as exc:
                raise DialectError(
                    None, f"{scheduler} fails at step {t} in NeMo: {type(exc).__name__}: {exc}"
                ) from None
            if isinstance(value, complex):
                raise DialectError(None, f"{scheduler}'s rate at step {t} is complex in NeMo ({value})")
            yield float(value)

    length = (
        max_steps
        if isinstance(max_steps, int) and not isinstance(max_steps, bool) and max_steps > 0
        else None
    )

    def notes(rows: int) -> list[str]:
        found = []
        if start:
            found.append(start)
        elif isinstance(warmup, (int, float)) and warmup > 0:
            found.append(
                f"{scheduler}'s warmup starts at lr / (warmup_steps + 1) = lr / {describe(warmup + 1)}, "
                f"not 0, and reaches lr at step {describe(warmup)}"
            )
        if length is not None and rows > length + 1:
            found.append(f"rows past step {length}: NeMo holds min_lr after max_steps")
        return found

    return Reproduction(FRAMEWORK, scheduler, {}, rates, needs_lr=True, length=length, notes=notes)


def steps_of(kind: str, steps: object, ratio: object, max_steps: object) -> float:
    """NeMo's ``int(ratio * max_steps)`` when a ratio is given, else the steps, else 0."""
    if steps is not None and ratio is not None:
        raise DialectError(f"{kind}_steps", "Either use particular number of step or ratio")
    if ratio is not None and max_steps is None:
        raise DialectError(f"{kind}_ratio", "If there is a ratio, there should be a total steps")
    if steps is not None:
        return number(f"{kind}_steps", steps)
    if ratio is not None:
        return int(number(f"{kind}_ratio", ratio) * number("max_steps", max_steps))
    return 0


def number(argument: str, value: object) -> float:
    """A finite number, else an error naming the argument."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise DialectError(argument, f"expected a number, got {describe(value)}")
    return value


def from_start(last_epoch: object) -> None:
    """Refuses a resumed scheduler: lrsched follows a run from its start."""
    if last_epoch != -1:
        raise DialectError(
            "last_epoch", f"resuming (last_epoch={describe(last_epoch)}) is not reproduced: leave it at -1"
        )


def max_steps_of(max_steps: object, *, required: bool) -> float | None:
    """``max_steps`` as a number, or None where the scheduler may go without it."""
    if max_steps is None and not required:
        return None
    return number("max_steps", max_steps)


def warmup_policy(
    scheduler: str,
    decay: Rate,
    *,
    warmup_steps: object,
    warmup_ratio: object,
    max_steps: object,
    min_lr: object,
    last_epoch: object,
    required: bool = True,
) -> Reproduction:
    """``WarmupPolicy.get_lr``: the warmup, ``min_lr`` past ``max_steps``, else ``decay``."""
    from_start(last_epoch)
    total = max_steps_of(max_steps, required=required)
    warmup = steps_of("warmup", warmup_steps, warmup_ratio, max_steps)
    floor = number("min_lr", min_lr)

    def rate(lr: float, step: int) -> float:
        if step <= warmup and warmup > 0:
            return lr * ((step + 1) / (warmup + 1))
        if total is not None and step > total:
            return floor
        return decay(lr, step)

    return reproduction(scheduler, rate, max_steps, warmup)


def hold_policy(
    scheduler: str,
    decay: Callable[[float, int, float, float], float],
    *,
    warmup_steps: object,
    warmup_ratio: object,
    hold_steps: object,
    hold_ratio: object,
    max_steps: object,
    min_lr: object,
    last_epoch: object,
    required: bool = True,
) -> Reproduction:
    """``WarmupHoldPolicy.get_lr``; ``decay(lr, step, warmup, hold)`` after the hold."""
    from_start(last_epoch)
    total = max_steps_of(max_steps, required=required)
    warmup = steps_of("warmup", warmup_steps, warmup_ratio, max_steps)
    if hold_steps is not None and hold_ratio is not None:
        raise DialectError("hold_steps", "Either use particular number of step or ratio")
    if hold_ratio is not None and max_steps is None:
        raise DialectError("hold_ratio", "If there is a ratio, there should be a total steps")
    if hold_steps is not None:
        hold = number("hold_steps", hold_steps) + warmup
    elif hold_ratio is not None:
        hold = int(number("hold_ratio", hold_ratio) * number("max_steps", max_steps)) + warmup
    else:
        hold = 0
    floor = number("min_lr", min_lr)

    def rate(lr: float, step: int) -> float:
        if step <= warmup and warmup > 0:
            return lr * ((step + 1) / (warmup + 1))
        if (step >= warmup) and (step < hold):
            return lr
        if total is not None and step > total:
            return floor
        return decay(lr, step, warmup, hold)

    return reproduction(scheduler, rate, max_steps, warmup)


def cycle_of(cycle: object) -> bool:
    """The polynomial schedulers' ``cycle``, a bool."""
    if not isinstance(cycle, bool):
        raise DialectError("cycle", f"expected True or False, got {describe(cycle)}")
    return cycle


def WarmupPolicy(
    optimizer: object,
    *,
    warmup_steps: float | None = None,
    warmup_ratio: float | None = None,
    max_steps: int | None = None,
    min_lr: float = 0.0,
    last_epoch: int = -1,
) -> Reproduction:
    return warmup_policy(
        "WarmupPolicy",
        lambda lr, step: lr,
        warmup_steps=warmup_steps,
        warmup_ratio=warmup_ratio,
        max_steps=max_steps,
        min_lr=min_lr,
        last_epoch=last_epoch,
        required=False,
    )


def WarmupHoldPolicy(
    optimizer: object,
    *,
    warmup_steps: float | None = None,
    warmup_ratio: float | None = None,
    hold_steps: float | None = None,
    hold_ratio: float | None = None,
    max_steps: int | None = None,
    min_lr: float = 0.0,
    last_epoch: int = -1,
) -> Reproduction:
    return hold_policy(
        "WarmupHoldPolicy",
        lambda lr, step, warmup, hold: lr,
        warmup_steps=warmup_steps,
        warmup_ratio=warmup_ratio,
        hold_steps=hold_steps,
        hold_ratio=hold_ratio,
        max_steps=max_steps,
        min_lr=min_lr,
        last_epoch=last_epoch,
        required=False,
    )
