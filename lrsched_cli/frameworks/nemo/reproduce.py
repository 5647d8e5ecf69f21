"""NeMo's schedulers (nemo/core/optim/lr_scheduler.py), each as a function with its signature.

Each is a PyTorch scheduler whose ``get_lr`` is a closed form in ``last_epoch``; NeMo steps it once
per optimizer update (``interval: step``), so row t is ``get_lr`` at ``last_epoch = t``, t = 0 what
the constructor sets. The arithmetic is NeMo's, operation by operation:

- a warmup while ``step <= warmup_steps`` is ``lr * (step + 1) / (warmup_steps + 1)``: it starts at
  ``lr / (warmup_steps + 1)``, not 0, and reaches ``lr`` at ``step = warmup_steps`` (unlike HF's);
  ``CosineAnnealing`` with ``constant_steps > 0`` warms up Megatron's way instead, ``lr * step /
  warmup_steps``, from 0;
- a ratio is ``int(ratio * max_steps)``, truncated;
- past ``max_steps`` the rate is ``min_lr``; ``NoamAnnealing`` has no end and reads ``step =
  max(1, last_epoch)``, so its first two rows are equal.

The scheduler's parameter group option ``reset_lr`` (WarmupAnnealHoldPolicy) is not followed: it is
set by NeMo's own resuming code, not by a config.

Source read: NVIDIA/NeMo ``8cfedd72`` nemo/core/optim/lr_scheduler.py 39-757, 1043-1062.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from itertools import count
from typing import cast

from lrsched_cli.errors import DialectError
from lrsched_cli.frameworks.reproduction import Reproduction, describe

FRAMEWORK = "nemo"

Rate = Callable[[float, int], float]
"""(the optimizer's lr, step) -> the rate, as NeMo's ``get_lr`` computes it."""


def _reproduction(
    scheduler: str, rate: Rate, max_steps: object, warmup: object = 0, *, start: str = ""
) -> Reproduction:
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


def _steps(kind: str, steps: object, ratio: object, max_steps: object) -> float:
    """NeMo's ``int(ratio * max_steps)`` when a ratio is given, else the steps, else 0."""
    if steps is not None and ratio is not None:
        raise DialectError(f"{kind}_steps", "Either use particular number of step or ratio")
    if ratio is not None and max_steps is None:
        raise DialectError(f"{kind}_ratio", "If there is a ratio, there should be a total steps")
    if steps is not None:
        return _number(f"{kind}_steps", steps)
    if ratio is not None:
        return int(_number(f"{kind}_ratio", ratio) * _number("max_steps", max_steps))
    return 0


def _number(argument: str, value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise DialectError(argument, f"expected a number, got {describe(value)}")
    return value


def _last_epoch(last_epoch: object) -> None:
    if last_epoch != -1:
        raise DialectError(
            "last_epoch", f"resuming (last_epoch={describe(last_epoch)}) is not reproduced: leave it at -1"
        )


def _max(max_steps: object, *, required: bool) -> float | None:
    if max_steps is None and not required:
        return None
    return _number("max_steps", max_steps)


def _warmup_policy(
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
    _last_epoch(last_epoch)
    total = _max(max_steps, required=required)
    warmup = _steps("warmup", warmup_steps, warmup_ratio, max_steps)
    floor = _number("min_lr", min_lr)

    def rate(lr: float, step: int) -> float:
        if step <= warmup and warmup > 0:
            return lr * ((step + 1) / (warmup + 1))
        if total is not None and step > total:
            return floor
        return decay(lr, step)

    return _reproduction(scheduler, rate, max_steps, warmup)


def _hold_policy(
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
    _last_epoch(last_epoch)
    total = _max(max_steps, required=required)
    warmup = _steps("warmup", warmup_steps, warmup_ratio, max_steps)
    if hold_steps is not None and hold_ratio is not None:
        raise DialectError("hold_steps", "Either use particular number of step or ratio")
    if hold_ratio is not None and max_steps is None:
        raise DialectError("hold_ratio", "If there is a ratio, there should be a total steps")
    if hold_steps is not None:
        hold = _number("hold_steps", hold_steps) + warmup
    elif hold_ratio is not None:
        hold = int(_number("hold_ratio", hold_ratio) * _number("max_steps", max_steps)) + warmup
    else:
        hold = 0
    floor = _number("min_lr", min_lr)

    def rate(lr: float, step: int) -> float:
        if step <= warmup and warmup > 0:
            return lr * ((step + 1) / (warmup + 1))
        if (step >= warmup) and (step < hold):
            return lr
        if total is not None and step > total:
            return floor
        return decay(lr, step, warmup, hold)

    return _reproduction(scheduler, rate, max_steps, warmup)


# --- the schedulers --------------------------------------------------------------------------


def WarmupPolicy(
    optimizer: object,
    *,
    warmup_steps: float | None = None,
    warmup_ratio: float | None = None,
    max_steps: int | None = None,
    min_lr: float = 0.0,
    last_epoch: int = -1,
) -> Reproduction:
    return _warmup_policy(
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
    return _hold_policy(
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


def SquareAnnealing(
    optimizer: object,
    *,
    max_steps: int,
    min_lr: float = 1e-5,
    last_epoch: int = -1,
    warmup_steps: float | None = None,
    warmup_ratio: float | None = None,
) -> Reproduction:
    warmup = _steps("warmup", warmup_steps, warmup_ratio, max_steps)
    total, floor = _number("max_steps", max_steps), _number("min_lr", min_lr)

    def decay(lr: float, step: int) -> float:
        mult = (((total - warmup) - (step - warmup)) / (total - warmup)) ** 2
        return max(lr * mult, floor)

    return _warmup_policy(
        "SquareAnnealing",
        decay,
        warmup_steps=warmup_steps,
        warmup_ratio=warmup_ratio,
        max_steps=max_steps,
        min_lr=min_lr,
        last_epoch=last_epoch,
    )


def SquareRootAnnealing(
    optimizer: object,
    *,
    max_steps: int,
    min_lr: float = 0,
    last_epoch: int = -1,
    warmup_steps: float | None = None,
    warmup_ratio: float | None = None,
) -> Reproduction:
    total, floor = _number("max_steps", max_steps), _number("min_lr", min_lr)

    def decay(lr: float, step: int) -> float:
        mult = ((total - step) / total) ** 0.5
        return cast(float, max(lr * mult, floor))

    return _warmup_policy(
        "SquareRootAnnealing",
        decay,
        warmup_steps=warmup_steps,
        warmup_ratio=warmup_ratio,
        max_steps=max_steps,
        min_lr=min_lr,
        last_epoch=last_epoch,
    )


def CosineAnnealing(
    optimizer: object,
    *,
    max_steps: int,
    min_lr: float = 0,
    last_epoch: int = -1,
    warmup_steps: float | None = None,
    warmup_ratio: float | None = None,
    constant_steps: float | None = None,
    constant_ratio: float | None = None,
) -> Reproduction:
    _last_epoch(last_epoch)
    total, floor = _number("max_steps", max_steps), _number("min_lr", min_lr)
    warmup = _steps("warmup", warmup_steps, warmup_ratio, max_steps)
    if constant_steps is not None and constant_ratio is not None:
        raise DialectError("constant_steps", "Either use constant_steps or constant_ratio")
    constant = _steps("constant", constant_steps, constant_ratio, max_steps)
    decay_steps = total - (constant + warmup)

    def megatron(lr: float, step: int) -> float:  # _linear_warmup_with_cosine_annealing
        if not lr > floor:
            raise AssertionError("max_lr > min_lr")
        if warmup > 0 and step <= warmup:
            return lr * float(step) / float(warmup)
        if step > warmup + decay_steps:
            return floor
        decay_ratio = float(step - warmup) / float(decay_steps)
        if not 0.0 <= decay_ratio <= 1.0:
            raise AssertionError(f"decay_ratio {decay_ratio} is outside [0, 1]")
        coeff = 0.5 * (math.cos(math.pi * decay_ratio) + 1.0)
        return floor + coeff * (lr - floor)

    def rate(lr: float, step: int) -> float:
        if warmup > 0 and step <= warmup:
            return lr * ((step + 1) / (warmup + 1)) if constant == 0 else megatron(lr, step)
        if constant > 0 and (warmup + decay_steps) < step <= total:
            return megatron(lr, step)
        if step > total:
            return floor
        if lr < floor:
            raise DialectError(
                "min_lr", "received an initial learning rate that was lower than the minimum learning rate"
            )
        if constant == 0:
            mult = 0.5 * (1 + math.cos(math.pi * (step - warmup) / (total - warmup)))
            return (lr - floor) * mult + floor
        return megatron(lr, step)

    start = ""
    if constant > 0 and warmup > 0:
        start = (
            f"CosineAnnealing with constant_steps > 0 warms up Megatron's way, lr * step / "
            f"{describe(warmup)}, from 0 (without constant steps NeMo's warmup starts at lr / "
            f"{describe(warmup + 1)}); it holds min_lr for the last {describe(constant)} steps"
        )
    return _reproduction("CosineAnnealing", rate, max_steps, warmup, start=start)


def NoamAnnealing(
    optimizer: object,
    *,
    d_model: float,
    warmup_steps: float | None = None,
    warmup_ratio: float | None = None,
    max_steps: int | None = None,
    min_lr: float = 0.0,
    last_epoch: int = -1,
) -> Reproduction:
    _last_epoch(last_epoch)
    normalize = _number("d_model", d_model) ** (-0.5)
    warmup = _steps("warmup", warmup_steps, warmup_ratio, max_steps)
    floor = _number("min_lr", min_lr)

    def rate(lr: float, t: int) -> float:
        step = max(1, t)
        if lr < floor:
            raise DialectError(
                "min_lr", "received an initial learning rate that was lower than the minimum learning rate"
            )
        if warmup > 0:
            mult = normalize * min(step ** (-0.5), step * (warmup ** (-1.5)))
        else:
            mult = normalize * step ** (-0.5)
        out = lr * mult
        if step > warmup:
            out = max(out, floor)
        return cast(float, out)

    start = (
        f"NoamAnnealing scales lr by d_model ** -0.5 = {normalize!r} and reads step = max(1, t): rows 1 "
        "and 2 are equal; it has no end (max_steps is not used)"
    )
    return _reproduction("NoamAnnealing", rate, None, warmup, start=start)


def NoamHoldAnnealing(
    optimizer: object,
    *,
    max_steps: int,
    decay_rate: float = 0.5,
    min_lr: float = 0.0,
    last_epoch: int = -1,
    warmup_steps: float | None = None,
    warmup_ratio: float | None = None,
    hold_steps: float | None = None,
    hold_ratio: float | None = None,
) -> Reproduction:
    rate_of_decay, floor = _number("decay_rate", decay_rate), _number("min_lr", min_lr)

    def decay(lr: float, step: int, warmup: float, hold: float) -> float:
        if warmup is None or warmup == 0:
            raise DialectError("warmup_steps", "Noam scheduler cannot be used without warmup steps")
        held = hold - warmup if hold > 0 else 0
        warmup_decay = max(1, warmup**rate_of_decay)
        hold_decay = max(1, (step - held) ** rate_of_decay)
        return cast(float, max((lr * warmup_decay) / hold_decay, floor))

    return _hold_policy(
        "NoamHoldAnnealing",
        decay,
        warmup_steps=warmup_steps,
        warmup_ratio=warmup_ratio,
        hold_steps=hold_steps,
        hold_ratio=hold_ratio,
        max_steps=max_steps,
        min_lr=min_lr,
        last_epoch=last_epoch,
    )


def WarmupHoldAnnealOneMinusSquareRoot(
    optimizer: object,
    *,
    max_steps: int,
    last_epoch: int = -1,
    min_lr: float = 0.0,
    warmup_steps: float | None = None,
    warmup_ratio: float | None = None,
    hold_steps: float | None = None,
    hold_ratio: float | None = None,
) -> Reproduction:
    total, floor = _number("max_steps", max_steps), _number("min_lr", min_lr)

    def decay(lr: float, step: int, warmup: float, hold: float) -> float:
        mult = 1 - ((step - hold) / (total - hold)) ** 0.5
        return cast(float, max(floor, lr * mult))

    return _hold_policy(
        "WarmupHoldAnnealOneMinusSquareRoot",
        decay,
        warmup_steps=warmup_steps,
        warmup_ratio=warmup_ratio,
        hold_steps=hold_steps,
        hold_ratio=hold_ratio,
        max_steps=max_steps,
        min_lr=min_lr,
        last_epoch=last_epoch,
    )


def WarmupHoldAnnealLinear(
    optimizer: object,
    *,
    max_steps: int,
    last_epoch: int = -1,
    min_lr: float = 0.0,
    warmup_steps: float | None = None,
    warmup_ratio: float | None = None,
    hold_steps: float | None = None,
    hold_ratio: float | None = None,
) -> Reproduction:
    total, floor = _number("max_steps", max_steps), _number("min_lr", min_lr)

    def decay(lr: float, step: int, warmup: float, hold: float) -> float:
        ratio = (step - hold) / (total - hold)
        return lr - (lr - floor) * ratio

    return _hold_policy(
        "WarmupHoldAnnealLinear",
        decay,
        warmup_steps=warmup_steps,
        warmup_ratio=warmup_ratio,
        hold_steps=hold_steps,
        hold_ratio=hold_ratio,
        max_steps=max_steps,
        min_lr=min_lr,
        last_epoch=last_epoch,
    )


def WarmupAnnealing(
    optimizer: object,
    *,
    max_steps: int,
    last_epoch: int = -1,
    min_lr: float = 0.0,
    warmup_steps: float | None = None,
    warmup_ratio: float | None = None,
) -> Reproduction:
    warmup = _steps("warmup", warmup_steps, warmup_ratio, max_steps)
    total, floor = _number("max_steps", max_steps), _number("min_lr", min_lr)

    def decay(lr: float, step: int) -> float:
        mult = (step - warmup) / (total - warmup)
        return floor + (1 - mult) * (lr - floor)

    return _warmup_policy(
        "WarmupAnnealing",
        decay,
        warmup_steps=warmup_steps,
        warmup_ratio=warmup_ratio,
        max_steps=max_steps,
        min_lr=min_lr,
        last_epoch=last_epoch,
    )


def InverseSquareRootAnnealing(
    optimizer: object,
    *,
    max_steps: int,
    last_epoch: int = -1,
    min_lr: float = 0.0,
    warmup_steps: float | None = None,
    warmup_ratio: float | None = None,
) -> Reproduction:
    warmup = _steps("warmup", warmup_steps, warmup_ratio, max_steps)

    def decay(lr: float, step: int) -> float:
        return cast(float, lr / (((step + 1) / (warmup + 1)) ** 0.5))

    return _warmup_policy(
        "InverseSquareRootAnnealing",
        decay,
        warmup_steps=warmup_steps,
        warmup_ratio=warmup_ratio,
        max_steps=max_steps,
        min_lr=min_lr,
        last_epoch=last_epoch,
    )


def T5InverseSquareRootAnnealing(
    optimizer: object,
    *,
    max_steps: int,
    last_epoch: int = -1,
    min_lr: float = 0.0,
    constant_steps: float | None = None,
    constant_ratio: float | None = None,
) -> Reproduction:
    _last_epoch(last_epoch)
    total, floor = _number("max_steps", max_steps), _number("min_lr", min_lr)
    constant = _steps("constant", constant_steps, constant_ratio, max_steps)
    if constant_steps is None:
        raise DialectError(
            "constant_steps",
            "NeMo computes 1 / constant_steps ** 0.5 from the argument itself: give constant_steps",
        )
    constant_lr = 1 / (_number("constant_steps", constant_steps) ** 0.5)

    def rate(lr: float, step: int) -> float:
        if step <= constant:
            return cast(float, constant_lr)
        if step > total:
            return floor
        return cast(float, 1 / (step**0.5))

    reproduction = _reproduction("T5InverseSquareRootAnnealing", rate, max_steps, start="")
    return Reproduction(
        FRAMEWORK,
        "T5InverseSquareRootAnnealing",
        {},
        lambda lr: reproduction.rates(1.0),
        needs_lr=False,
        length=reproduction.length,
        notes=reproduction.notes,
    )


def _poly_decay(lr: float, step: float, decay_steps: float, power: float, floor: float, cycle: bool) -> float:
    if cycle:
        multiplier = 1.0 if step == 0 else math.ceil(step / decay_steps)
        decay_steps *= multiplier
    else:
        step = min(step, decay_steps)
    p = step / decay_steps
    return (lr - floor) * math.pow(1.0 - p, power) + floor


def _cycle(cycle: object) -> bool:
    if not isinstance(cycle, bool):
        raise DialectError("cycle", f"expected True or False, got {describe(cycle)}")
    return cycle


def PolynomialDecayAnnealing(
    optimizer: object,
    *,
    max_steps: int,
    min_lr: float = 0.0,
    power: float = 1.0,
    cycle: bool = False,
    last_epoch: int = -1,
    warmup_steps: float | None = None,
    warmup_ratio: float | None = None,
) -> Reproduction:
    warmup = _steps("warmup", warmup_steps, warmup_ratio, max_steps)
    total, floor, exponent = (
        _number("max_steps", max_steps),
        _number("min_lr", min_lr),
        _number("power", power),
    )
    cycles = _cycle(cycle)

    def decay(lr: float, step: int) -> float:
        return _poly_decay(lr, step - warmup, total - warmup, exponent, floor, cycles)

    return _warmup_policy(
        "PolynomialDecayAnnealing",
        decay,
        warmup_steps=warmup_steps,
        warmup_ratio=warmup_ratio,
        max_steps=max_steps,
        min_lr=min_lr,
        last_epoch=last_epoch,
    )


def PolynomialHoldDecayAnnealing(
    optimizer: object,
    *,
    max_steps: int,
    min_lr: float = 0.0,
    power: float = 1.0,
    cycle: bool = False,
    last_epoch: int = -1,
    warmup_steps: float | None = None,
    warmup_ratio: float | None = None,
    hold_steps: float | None = None,
    hold_ratio: float | None = None,
) -> Reproduction:
    total, floor, exponent = (
        _number("max_steps", max_steps),
        _number("min_lr", min_lr),
        _number("power", power),
    )
    cycles = _cycle(cycle)

    def decay(lr: float, step: int, warmup: float, hold: float) -> float:
        return _poly_decay(lr, step - hold, total - max(warmup, hold), exponent, floor, cycles)

    return _hold_policy(
        "PolynomialHoldDecayAnnealing",
        decay,
        warmup_steps=warmup_steps,
        warmup_ratio=warmup_ratio,
        hold_steps=hold_steps,
        hold_ratio=hold_ratio,
        max_steps=max_steps,
        min_lr=min_lr,
        last_epoch=last_epoch,
    )


SCHEDULERS: dict[str, Callable[..., Reproduction]] = {
    function.__name__: function
    for function in (
        WarmupPolicy,
        WarmupHoldPolicy,
        SquareAnnealing,
        CosineAnnealing,
        NoamAnnealing,
        NoamHoldAnnealing,
        WarmupHoldAnnealOneMinusSquareRoot,
        WarmupHoldAnnealLinear,
        WarmupAnnealing,
        InverseSquareRootAnnealing,
        T5InverseSquareRootAnnealing,
        SquareRootAnnealing,
        PolynomialDecayAnnealing,
        PolynomialHoldDecayAnnealing,
    )
}
"""NeMo's own entries of ``AVAILABLE_SCHEDULERS`` (its StepLR, ExponentialLR and CyclicLR are
PyTorch's, which ``lrsched from`` reads as PyTorch's)."""

STEP_COUNTS = frozenset({"max_steps", "warmup_steps", "hold_steps", "constant_steps"})
"""The arguments that count steps: a float below 1 gets a note."""
