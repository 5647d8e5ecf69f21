"""MMEngine's parameter schedulers, ported from mmengine 0.10.7 (optim/scheduler/param_scheduler.py)
onto one param group, and stepped as its ``ParamSchedulerHook`` steps them.

MMEngine's schedulers are chainable: each computes the group's new rate from its current one, and
updates it only while ``begin <= global_step < end`` (end exclusive), so several on one optimizer
compose (a warmup, then a cosine). Construction steps once (``global_step`` 0). The class
formulas, their ``total_iters = end - begin - 1`` and their first-step cases are kept as MMEngine
has them, float for float.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from itertools import count, repeat

from lrsched_cli.errors import DialectError

INF = int(1e9)
"""MMEngine's ``end`` default."""


class Group:
    """The optimizer's first param group: ``lr`` and MMEngine's ``initial_lr``."""

    def __init__(self, lr: float) -> None:
        self.lr = lr
        self.initial: float | None = None


class Stop(Exception):
    """MMEngine raises here (OneCycleLR stepped past ``total_steps``): the rates end."""


class Scheduler:
    """``_ParamScheduler``: ``begin``/``end`` on the global step, ``last_step`` inside them."""

    def __init__(self, group: Group, begin: int, end: int, by_epoch: bool) -> None:
        if end <= begin:
            raise DialectError("end", f"end should be larger than begin, but got begin={begin}, end={end}")
        self.group, self.begin, self.end, self.by_epoch = group, begin, end, by_epoch
        if group.initial is None:
            group.initial = group.lr
        self.base = group.initial
        self.last_step = -1
        self.global_step = -1
        self.step()

    def step(self) -> None:
        self.global_step += 1
        if self.begin <= self.global_step < self.end:
            self.last_step += 1
            self.group.lr = self.value(self.group.lr)

    def value(self, lr: float) -> float:
        raise NotImplementedError

    def advance(self, steps: int | None) -> Iterator[float]:
        """Step ``steps`` times (None: for ever), the group's rate after each (`_phases` calls it
        for a run of steps where this scheduler alone updates the rate)."""
        for _ in range(steps) if steps is not None else count():
            self.step()
            yield self.group.lr


Build = Callable[[Group], Scheduler]


class StepScheduler(Scheduler):
    def __init__(self, group: Group, step_size: int, gamma: float, **window: object) -> None:
        self.step_size, self.gamma = step_size, gamma
        super().__init__(group, **window)  # type: ignore[arg-type]

    def value(self, lr: float) -> float:
        if self.last_step == 0 or self.last_step % self.step_size != 0:
            return lr
        return lr * self.gamma


class MultiStepScheduler(Scheduler):
    def __init__(self, group: Group, milestones: Sequence[int], gamma: float, **window: object) -> None:
        self.milestones, self.gamma = Counter(milestones), gamma
        super().__init__(group, **window)  # type: ignore[arg-type]

    def value(self, lr: float) -> float:
        if self.last_step not in self.milestones:
            return lr
        return lr * self.gamma ** self.milestones[self.last_step]


class ConstantScheduler(Scheduler):
    def __init__(self, group: Group, factor: float, **window: object) -> None:
        self.factor = factor
        self.total_iters = int(window["end"]) - int(window["begin"]) - 1  # type: ignore[call-overload]
        super().__init__(group, **window)  # type: ignore[arg-type]

    def value(self, lr: float) -> float:
        if self.last_step == 0:
            return lr * self.factor
        if self.last_step == self.total_iters:
            return lr * (1.0 / self.factor)
        return lr


class ExponentialScheduler(Scheduler):
    def __init__(self, group: Group, gamma: float, **window: object) -> None:
        self.gamma = gamma
        super().__init__(group, **window)  # type: ignore[arg-type]

    def value(self, lr: float) -> float:
        return lr if self.last_step == 0 else lr * self.gamma


class CosineScheduler(Scheduler):
    def __init__(
        self,
        group: Group,
        T_max: int | None,
        eta_min: float | None,
        eta_min_ratio: float | None,
        **window: object,
    ) -> None:
        self.T_max = T_max or (int(window["end"]) - int(window["begin"]))  # type: ignore[call-overload]
        self.eta_min, self.eta_min_ratio = eta_min, eta_min_ratio
        super().__init__(group, **window)  # type: ignore[arg-type]

    def floor(self) -> float:
        return self.eta_min if self.eta_min_ratio is None else self.base * self.eta_min_ratio  # type: ignore[return-value]

    def value(self, lr: float) -> float:
        t, T = self.last_step, self.T_max
        if t == 0:
            return lr
        if (t - 1 - T) % (2 * T) == 0:
            return lr + (self.base - self.floor()) * (1 - math.cos(math.pi / T)) / 2
        return (1 + math.cos(math.pi * t / T)) / (1 + math.cos(math.pi * (t - 1) / T)) * (
            lr - self.floor()
        ) + self.floor()

    def advance(self, steps: int | None) -> Iterator[float]:
        """`step` ``steps`` times in one loop: `value`'s operations in the same order, what does not
        change computed once, and the last step's ``cos(pi * t / T)`` reused as this one's
        ``cos(pi * (t - 1) / T)`` (the same float: the same operations on the same numbers)."""
        T, floor, begin, end = self.T_max, self.floor(), self.begin, self.end
        lr, t, global_step = self.group.lr, self.last_step, self.global_step
        restart = (self.base - floor) * (1 - math.cos(math.pi / T)) / 2
        last_t, last_cos = -2, 0.0
        for _ in range(steps) if steps is not None else count():
            global_step += 1
            if begin <= global_step < end:
                t += 1
                if t == 0:
                    pass
                elif (t - 1 - T) % (2 * T) == 0:
                    lr = lr + restart
                else:
                    now = math.cos(math.pi * t / T)
                    before = last_cos if last_t == t - 1 else math.cos(math.pi * (t - 1) / T)
                    lr = (1 + now) / (1 + before) * (lr - floor) + floor
                    last_t, last_cos = t, now
            yield lr
        self.group.lr, self.last_step, self.global_step = lr, t, global_step


class LinearScheduler(Scheduler):
    def __init__(self, group: Group, start_factor: float, end_factor: float, **window: object) -> None:
        self.start, self.finish = start_factor, end_factor
        self.total_iters = int(window["end"]) - int(window["begin"]) - 1  # type: ignore[call-overload]
        super().__init__(group, **window)  # type: ignore[arg-type]

    def value(self, lr: float) -> float:
        if self.last_step == 0:
            return lr * self.start
        change = self.finish - self.start
        value: float = lr * (1.0 + change / (self.total_iters * self.start + (self.last_step - 1) * change))
        return value


class PolyScheduler(Scheduler):
    def __init__(self, group: Group, eta_min: float, power: float, **window: object) -> None:
        self.eta_min, self.power = eta_min, power
        self.total_iters = int(window["end"]) - int(window["begin"]) - 1  # type: ignore[call-overload]
        super().__init__(group, **window)  # type: ignore[arg-type]

    def value(self, lr: float) -> float:
        if self.last_step == 0:
            return lr
        value: float = (lr - self.eta_min) * (
            1 - 1 / (self.total_iters - self.last_step + 1)
        ) ** self.power + self.eta_min
        return value


class OneCycleScheduler(Scheduler):
    def __init__(
        self,
        group: Group,
        eta_max: float,
        total_steps: int,
        pct_start: float,
        cosine: bool,
        div_factor: float,
        final_div_factor: float,
        three_phase: bool,
        **window: object,
    ) -> None:
        self.total_steps, self.cosine = total_steps, cosine
        initial = eta_max / div_factor
        low = initial / final_div_factor
        if three_phase:
            self.phases = [
                (float(pct_start * total_steps) - 1, initial, eta_max),
                (float(2 * pct_start * total_steps) - 2, eta_max, initial),
                (total_steps - 1, initial, low),
            ]
        else:
            self.phases = [
                (float(pct_start * total_steps) - 1, initial, eta_max),
                (total_steps - 1, eta_max, low),
            ]
        group.initial = initial  # MMEngine writes initial_lr itself, over any earlier one
        super().__init__(group, **window)  # type: ignore[arg-type]

    def value(self, lr: float) -> float:
        step = self.last_step
        if step > self.total_steps:
            raise Stop
        start_step = 0.0
        for i, (end_step, start, finish) in enumerate(self.phases):
            if step <= end_step or i == len(self.phases) - 1:
                pct = (step - start_step) / (end_step - start_step)
                if self.cosine:
                    return finish + (start - finish) / 2.0 * (math.cos(math.pi * pct) + 1)
                return (finish - start) * pct + start
            start_step = end_step
        raise AssertionError("the last phase always matches")


class CosineRestartScheduler(Scheduler):
    def __init__(
        self,
        group: Group,
        periods: Sequence[int],
        restart_weights: Sequence[float],
        eta_min: float | None,
        eta_min_ratio: float | None,
        **window: object,
    ) -> None:
        self.periods, self.weights = list(periods), list(restart_weights)
        self.eta_min, self.eta_min_ratio = eta_min, eta_min_ratio
        self.cumulative = [sum(self.periods[: i + 1]) for i in range(len(self.periods))]
        super().__init__(group, **window)  # type: ignore[arg-type]

    def value(self, lr: float) -> float:
        index = next((i for i, period in enumerate(self.cumulative) if self.last_step < period), None)
        if index is None:
            return lr
        peak = self.base * self.weights[index]
        floor = self.eta_min if self.eta_min_ratio is None else self.base * self.eta_min_ratio
        assert floor is not None
        step = self.last_step - (0 if index == 0 else self.cumulative[index - 1])
        if step == 0:
            return peak
        period = self.periods[index]
        return (1 + math.cos(math.pi * step / period)) / (1 + math.cos(math.pi * (step - 1) / period)) * (
            lr - floor
        ) + floor


def rates(
    builds: Sequence[tuple[Build, bool]],
    lr: float,
    epoch_length: int | None,
    name: str,
    *,
    by_phase: bool = True,
) -> Iterator[float]:
    """The rate of each step of a chain built in order on one group.

    Without ``epoch_length`` every scheduler steps each row (they all count the same thing);
    with it, rows are iterations: ``by_epoch=False`` schedulers step after every iteration,
    ``by_epoch=True`` ones after every ``epoch_length``-th (``ParamSchedulerHook``, which steps
    the iteration ones first). MMEngine's ZeroDivisionError (a ``LinearLR`` with
    ``start_factor=0``) is a `DialectError` at its step. When every scheduler steps every row,
    the rows are computed a phase at a time (`_phases`; ``by_phase=False``, which the tests
    compare it with, steps each row).
    """
    group = Group(lr)
    step = 0
    try:
        chain = [(build(group), by_epoch) for build, by_epoch in builds]
        yield group.lr
        if by_phase and (epoch_length is None or not any(by_epoch for _, by_epoch in chain)):
            phased = _phases([scheduler for scheduler, _ in chain])
            while True:
                step += 1  # counted before the rate is computed: a failure is at this step
                yield next(phased)
        while True:
            step += 1
            for scheduler, by_epoch in chain:
                if epoch_length is None or not by_epoch:
                    scheduler.step()
            if epoch_length is not None and step % epoch_length == 0:
                for scheduler, by_epoch in chain:
                    if by_epoch:
                        scheduler.step()
            yield group.lr
    except Stop:
        return
    except ArithmeticError as exc:
        raise DialectError(
            None, f"{name} fails at step {step}: MMEngine raises {type(exc).__name__} ({exc}) there"
        ) from None


def _phases(chain: Sequence[Scheduler]) -> Iterator[float]:
    """The rows after construction of a chain whose schedulers all step every row, a phase at a
    time: between two window edges (a ``begin`` or an ``end``) the same schedulers update the
    rate. One alone advances by its own loop (`Scheduler.advance`), the others only count the
    steps; none leaves the rate as it is; several step in turn, as MMEngine steps them."""
    edges = sorted({edge for scheduler in chain for edge in (scheduler.begin, scheduler.end)})
    group = chain[0].group
    while True:
        now = chain[0].global_step + 1  # every scheduler has counted the same steps
        later = [edge for edge in edges if edge > now]
        steps = later[0] - now if later else None  # until the schedulers updating the rate change
        active = [scheduler for scheduler in chain if scheduler.begin <= now < scheduler.end]
        if len(active) == 1:
            yield from active[0].advance(steps)
        elif not active:
            yield from repeat(group.lr, steps) if steps is not None else repeat(group.lr)
        else:
            for _ in range(steps) if steps is not None else count():
                for scheduler in chain:
                    scheduler.step()
                yield group.lr
            continue
        for scheduler in chain:
            if scheduler not in active:
                scheduler.global_step += steps  # type: ignore[operator]  # a phase without end never gets here
