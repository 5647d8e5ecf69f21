"""PyTorch ``torch.optim.lr_scheduler`` (2.13): each class as a function with its signature.

Stepped as torch steps them (see `torch_emulation`), so chains and composites match exactly.
Decisions:
- LambdaLR / MultiplicativeLR (and CyclicLR's ``scale_fn``) take ``lambda epoch: <arithmetic>``,
  checked and evaluated safely by `parse` (no eval).
- OneCycleLR past ``total_steps``: torch returns an extrapolated rate at ``t == total_steps`` and
  raises on the next step, so the rates end there and a note says why the rows stop.
- One parameter group; a per-group list (``max_lr=[0.1]``) must therefore have one element.
- ``last_epoch`` other than -1 (resuming from a checkpoint) is refused.
"""

from __future__ import annotations

import math
from bisect import bisect_right
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from itertools import count

from lrsched_cli.errors import DialectError
from lrsched_cli.frameworks.reproduction import Reproduction, describe, metric_driven, number
from lrsched_cli.frameworks.torch.composite import (
    ChainedScheduler,
    CyclicLR,
    OneCycleLR,
    SequentialLR,
)
from lrsched_cli.frameworks.torch.emulation import (
    Group,
    LambdaScheduler,
    Scheduler,
    lambda_argument,
    milestones_of,
    nonzero,
    reproduction,
)

# --- the simple schedulers -------------------------------------------------------------------


def LambdaLR(optimizer: object, lr_lambda: object, last_epoch: int = -1) -> Reproduction:
    function = lambda_argument("lr_lambda", lr_lambda)
    return reproduction("LambdaLR", optimizer, last_epoch, lambda group: LambdaScheduler(group, function))


class _MultiplicativeLR(LambdaScheduler):
    def get_lr(self) -> float:
        if self._is_initial:
            return self.group.lr
        return self.group.lr * self.lr_lambda(self.last_epoch)

    def fused(self) -> Iterator[float]:
        lr, lr_lambda = self.group.lr, self.lr_lambda
        for t in count(1):
            lr = lr * lr_lambda(t)
            yield lr


def MultiplicativeLR(optimizer: object, lr_lambda: object, last_epoch: int = -1) -> Reproduction:
    function = lambda_argument("lr_lambda", lr_lambda)
    return reproduction(
        "MultiplicativeLR", optimizer, last_epoch, lambda group: _MultiplicativeLR(group, function)
    )


class _StepLR(Scheduler):
    def __init__(self, group: Group, step_size: float, gamma: float) -> None:
        self.step_size = step_size
        self.gamma = gamma
        super().__init__(group)

    def get_lr(self) -> float:
        if self.last_epoch == 0 or self.last_epoch % self.step_size != 0:
            return self.group.lr
        return self.group.lr * self.gamma

    def closed_form_lr(self) -> float:
        return float(self.base_lr * self.gamma ** (self.last_epoch // self.step_size))

    def fused(self) -> Iterator[float]:
        lr, step_size, gamma = self.group.lr, self.step_size, self.gamma
        for t in count(1):
            if t % step_size == 0:
                lr = lr * gamma
            yield lr


def StepLR(optimizer: object, step_size: int, gamma: float = 0.1, last_epoch: int = -1) -> Reproduction:
    size = nonzero("step_size", step_size)
    factor = number("gamma", gamma)
    return reproduction("StepLR", optimizer, last_epoch, lambda group: _StepLR(group, size, factor))


class _MultiStepLR(Scheduler):
    def __init__(self, group: Group, milestones: Sequence[int], gamma: float) -> None:
        self.milestones = Counter(milestones)
        self.gamma = gamma
        super().__init__(group)

    def get_lr(self) -> float:
        if self.last_epoch not in self.milestones:
            return self.group.lr
        return self.group.lr * self.gamma ** self.milestones[self.last_epoch]

    def closed_form_lr(self) -> float:
        milestones = sorted(self.milestones.elements())
        return self.base_lr * self.gamma ** bisect_right(milestones, self.last_epoch)

    def fused(self) -> Iterator[float]:
        lr, milestones, gamma = self.group.lr, self.milestones, self.gamma
        for t in count(1):
            if t in milestones:
                lr = lr * gamma ** milestones[t]
            yield lr


def MultiStepLR(
    optimizer: object, milestones: object, gamma: float = 0.1, last_epoch: int = -1
) -> Reproduction:
    steps = milestones_of("milestones", milestones)
    factor = number("gamma", gamma)
    return reproduction(
        "MultiStepLR", optimizer, last_epoch, lambda group: _MultiStepLR(group, steps, factor)
    )


class _ConstantLR(Scheduler):
    def __init__(self, group: Group, factor: float, total_iters: float) -> None:
        self.factor = factor
        self.total_iters = total_iters
        super().__init__(group)

    def get_lr(self) -> float:
        if self.last_epoch == 0:
            return self.group.lr * self.factor
        if self.last_epoch != self.total_iters:
            return self.group.lr
        return self.group.lr * (1.0 / self.factor)

    def closed_form_lr(self) -> float:
        return self.base_lr * (self.factor + (self.last_epoch >= self.total_iters) * (1 - self.factor))

    def fused(self) -> Iterator[float]:
        lr, factor, total_iters = self.group.lr, self.factor, self.total_iters
        for t in count(1):
            if t == total_iters:
                lr = lr * (1.0 / factor)
            yield lr


def ConstantLR(
    optimizer: object, factor: float = 1.0 / 3, total_iters: int = 5, last_epoch: int = -1
) -> Reproduction:
    scale = number("factor", factor)
    if scale > 1.0 or scale < 0:
        raise DialectError(
            "factor",
            f"Constant multiplicative factor expected to be between 0 and 1, got {describe(factor)}",
        )
    iters = number("total_iters", total_iters)
    return reproduction("ConstantLR", optimizer, last_epoch, lambda group: _ConstantLR(group, scale, iters))


class _LinearLR(Scheduler):
    def __init__(self, group: Group, start: float, end: float, total_iters: float) -> None:
        self.start_factor = start
        self.end_factor = end
        self.total_iters = total_iters
        super().__init__(group)

    def get_lr(self) -> float:
        if self.last_epoch == 0:
            return self.group.lr * self.start_factor
        if self._is_initial or self.last_epoch > self.total_iters:
            return self.group.lr
        return self.group.lr * (
            1.0
            + (self.end_factor - self.start_factor)
            / (
                self.total_iters * self.start_factor
                + (self.last_epoch - 1) * (self.end_factor - self.start_factor)
            )
        )

    def closed_form_lr(self) -> float:
        return self.base_lr * (
            self.start_factor
            + (self.end_factor - self.start_factor)
            * min(self.total_iters, self.last_epoch)
            / self.total_iters
        )

    def fused(self) -> Iterator[float]:
        lr, start, end, total_iters = self.group.lr, self.start_factor, self.end_factor, self.total_iters
        for t in count(1):
            if not t > total_iters:
                lr = lr * (1.0 + (end - start) / (total_iters * start + (t - 1) * (end - start)))
            yield lr


def LinearLR(
    optimizer: object,
    start_factor: float = 1.0 / 3,
    end_factor: float = 1.0,
    total_iters: int = 5,
    last_epoch: int = -1,
) -> Reproduction:
    start = number("start_factor", start_factor)
    if start > 1.0 or start <= 0:
        raise DialectError(
            "start_factor",
            "Starting multiplicative factor expected to be greater than 0 and less or equal "
            f"to 1, got {describe(start_factor)}",
        )
    end = number("end_factor", end_factor)
    if end > 1.0 or end < 0:
        raise DialectError(
            "end_factor",
            f"Ending multiplicative factor expected to be between 0 and 1, got {describe(end_factor)}",
        )
    iters = number("total_iters", total_iters)
    return reproduction("LinearLR", optimizer, last_epoch, lambda group: _LinearLR(group, start, end, iters))


class _ExponentialLR(Scheduler):
    def __init__(self, group: Group, gamma: float) -> None:
        self.gamma = gamma
        super().__init__(group)

    def get_lr(self) -> float:
        if self._is_initial:
            return self.group.lr
        return self.group.lr * self.gamma

    def closed_form_lr(self) -> float:
        return self.base_lr * self.gamma**self.last_epoch

    def fused(self) -> Iterator[float]:
        lr, gamma = self.group.lr, self.gamma
        while True:
            lr = lr * gamma
            yield lr


def ExponentialLR(optimizer: object, gamma: float, last_epoch: int = -1) -> Reproduction:
    factor = number("gamma", gamma)
    return reproduction("ExponentialLR", optimizer, last_epoch, lambda group: _ExponentialLR(group, factor))


class _PolynomialLR(Scheduler):
    def __init__(self, group: Group, total_iters: float, power: float) -> None:
        self.total_iters = total_iters
        self.power = power
        super().__init__(group)

    def get_lr(self) -> float:
        if self._is_initial or self.last_epoch > self.total_iters:
            return self.group.lr
        decay_factor: float = (
            (1.0 - self.last_epoch / self.total_iters) / (1.0 - (self.last_epoch - 1) / self.total_iters)
        ) ** self.power
        return self.group.lr * decay_factor

    def closed_form_lr(self) -> float:
        return float(
            self.base_lr * (1.0 - min(self.total_iters, self.last_epoch) / self.total_iters) ** self.power
        )

    def fused(self) -> Iterator[float]:
        lr, total_iters, power = self.group.lr, self.total_iters, self.power
        for t in count(1):
            if not t > total_iters:
                decay_factor: float = ((1.0 - t / total_iters) / (1.0 - (t - 1) / total_iters)) ** power
                lr = lr * decay_factor
            yield lr


def PolynomialLR(
    optimizer: object, total_iters: int = 5, power: float = 1.0, last_epoch: int = -1
) -> Reproduction:
    iters = number("total_iters", total_iters)  # 0 never divides: torch stops decaying after it
    exponent = number("power", power)
    return reproduction(
        "PolynomialLR",
        optimizer,
        last_epoch,
        lambda group: _PolynomialLR(group, iters, exponent),
        length=int(iters) + 1 if iters > 0 else None,
    )


class _CosineAnnealingLR(Scheduler):
    def __init__(self, group: Group, T_max: float, eta_min: float) -> None:
        self.T_max = T_max
        self.eta_min = eta_min
        super().__init__(group)

    def get_lr(self) -> float:
        if self._is_initial:
            return self.group.lr
        if self._step_count == 1 and self.last_epoch > 0:
            return (
                self.eta_min
                + (self.base_lr - self.eta_min) * (1 + math.cos(self.last_epoch * math.pi / self.T_max)) / 2
            )
        if (self.last_epoch - 1 - self.T_max) % (2 * self.T_max) == 0:
            return self.group.lr + (self.base_lr - self.eta_min) * (1 - math.cos(math.pi / self.T_max)) / 2
        return (1 + math.cos(math.pi * self.last_epoch / self.T_max)) / (
            1 + math.cos(math.pi * (self.last_epoch - 1) / self.T_max)
        ) * (self.group.lr - self.eta_min) + self.eta_min

    def closed_form_lr(self) -> float:
        return (
            self.eta_min
            + (self.base_lr - self.eta_min) * (1 + math.cos(math.pi * self.last_epoch / self.T_max)) / 2
        )

    def fused(self) -> Iterator[float]:
        # Past construction `_step_count` > 1, so get_lr's first-step branch never runs; the
        # denominator 1 + cos(pi * (t - 1) / T_max) is the previous step's numerator, kept.
        lr, base, eta_min, T_max = self.group.lr, self.base_lr, self.eta_min, self.T_max
        restart = (base - eta_min) * (1 - math.cos(math.pi / T_max)) / 2
        previous = 1 + math.cos(math.pi * 0 / T_max)
        for t in count(1):
            current = 1 + math.cos(math.pi * t / T_max)
            if (t - 1 - T_max) % (2 * T_max) == 0:
                lr = lr + restart
            else:
                lr = current / previous * (lr - eta_min) + eta_min
            previous = current
            yield lr


def CosineAnnealingLR(
    optimizer: object, T_max: int, eta_min: float = 0.0, last_epoch: int = -1
) -> Reproduction:
    period = nonzero("T_max", T_max)
    floor = number("eta_min", eta_min)

    def notes(rows: int) -> list[str]:
        if rows <= period + 1:
            return []
        return [
            f"CosineAnnealingLR is periodic: after T_max={describe(T_max)} the rate climbs back "
            "towards the initial rate instead of staying at eta_min"
        ]

    return reproduction(
        "CosineAnnealingLR",
        optimizer,
        last_epoch,
        lambda group: _CosineAnnealingLR(group, period, floor),
        length=int(period) + 1 if period > 0 else None,
        notes=notes,
    )


class _CosineAnnealingWarmRestarts(Scheduler):
    def __init__(self, group: Group, T_0: int, T_mult: int, eta_min: float) -> None:
        self.T_0 = T_0
        self.T_i = T_0
        self.T_mult = T_mult
        self.eta_min = eta_min
        self.T_cur: float = -1
        super().__init__(group)

    def get_lr(self) -> float:
        return (
            self.eta_min + (self.base_lr - self.eta_min) * (1 + math.cos(math.pi * self.T_cur / self.T_i)) / 2
        )

    def step(self) -> None:
        # Stepped without an epoch, torch uses this integer loop (its float `log` path,
        # with its boundary errors, runs only for the deprecated `step(epoch)`).
        if self.last_epoch < 0:
            self.T_i = self.T_0
            self.T_cur = 0
            self.last_epoch = 0
        else:
            self.last_epoch += 1
            self.T_cur += 1
            if self.T_cur >= self.T_i:
                self.T_cur = self.T_cur % self.T_i
                self.T_i = self.T_i * self.T_mult
        self.group.lr = self.get_lr()

    def fused(self) -> Iterator[float]:
        base, eta_min, T_cur, T_i, T_mult = self.base_lr, self.eta_min, self.T_cur, self.T_i, self.T_mult
        while True:
            T_cur += 1
            if T_cur >= T_i:
                T_cur = T_cur % T_i
                T_i = T_i * T_mult
            yield eta_min + (base - eta_min) * (1 + math.cos(math.pi * T_cur / T_i)) / 2


def CosineAnnealingWarmRestarts(
    optimizer: object, T_0: int, T_mult: int = 1, eta_min: float = 0.0, last_epoch: int = -1
) -> Reproduction:
    if isinstance(T_0, bool) or not isinstance(T_0, int) or T_0 <= 0:
        raise DialectError("T_0", f"Expected positive integer T_0, but got {describe(T_0)}")
    if isinstance(T_mult, bool) or not isinstance(T_mult, int) or T_mult < 1:
        raise DialectError("T_mult", f"Expected integer T_mult >= 1, but got {describe(T_mult)}")
    floor = number("eta_min", eta_min)
    return reproduction(
        "CosineAnnealingWarmRestarts",
        optimizer,
        last_epoch,
        lambda group: _CosineAnnealingWarmRestarts(group, T_0, T_mult, floor),
    )


SCHEDULERS: dict[str, Callable[..., Reproduction]] = {
    function.__name__: function
    for function in (
        LambdaLR,
        MultiplicativeLR,
        StepLR,
        MultiStepLR,
        ConstantLR,
        LinearLR,
        ExponentialLR,
        PolynomialLR,
        CosineAnnealingLR,
        CosineAnnealingWarmRestarts,
        CyclicLR,
        OneCycleLR,
        SequentialLR,
        ChainedScheduler,
    )
}

REFUSED: dict[str, str] = {"ReduceLROnPlateau": metric_driven("ReduceLROnPlateau")}

STEP_COUNTS = frozenset(
    {
        "step_size",
        "T_max",
        "T_0",
        "total_iters",
        "total_steps",
        "step_size_up",
        "step_size_down",
        "epochs",
        "steps_per_epoch",
    }
)
"""The arguments that count steps (epochs when stepped per epoch): a float below 1 gets a note."""
