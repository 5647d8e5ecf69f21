"""PyTorch's cyclic schedulers (CyclicLR, OneCycleLR) and composites (SequentialLR,
ChainedScheduler), ported from torch 2.13 onto `torch_emulation.Group`.

The composites keep torch's real semantics, which differ from joining closed forms:
SequentialLR resets the group's rate at construction, undoes its children's construction
steps, and at a milestone resets the next child with its closed form (``_update_lr(0)``);
ChainedScheduler steps every child each step, so their chainable factors multiply, and a child
that sets the rate outright (CyclicLR, OneCycleLR, CosineAnnealingWarmRestarts, LambdaLR)
overrides the ones before it.
"""

from __future__ import annotations

import math
from bisect import bisect_right
from collections.abc import Callable, Iterator, Sequence
from itertools import count

from lrsched_cli.errors import DialectError
from lrsched_cli.frameworks.expression import Lambda, Name
from lrsched_cli.frameworks.reproduction import Reproduction, describe, integer, number
from lrsched_cli.frameworks.torch.emulation import (
    Group,
    Refused,
    Scheduler,
    TorchReproduction,
    milestones_of,
    nonzero,
    per_group,
    reproduction,
)


class _CyclicLR(Scheduler):
    def __init__(
        self,
        group: Group,
        base_lr: float,
        max_lr: float,
        up: float,
        down: float,
        mode: str,
        gamma: float,
        scale_fn: Lambda | None,
        scale_mode: str,
    ) -> None:
        group.lr = base_lr
        self.max_lr = max_lr
        self.total_size = up + down
        self.step_ratio = up / self.total_size
        self.gamma = gamma
        self.scale_fn: Callable[[float], float]
        if scale_fn is not None:
            self.scale_fn, self.scale_mode = scale_fn, scale_mode
        elif mode == "triangular":
            self.scale_fn, self.scale_mode = (lambda x: 1.0), "cycle"
        elif mode == "triangular2":
            self.scale_fn, self.scale_mode = (lambda x: 1 / (2.0 ** (x - 1))), "cycle"
        else:
            self.scale_fn, self.scale_mode = (lambda x: gamma**x), "iterations"
        super().__init__(group)
        self.base_lr = base_lr  # torch sets base_lrs only after the construction step

    def get_lr(self) -> float:
        cycle = math.floor(1 + self.last_epoch / self.total_size)
        x = 1.0 + self.last_epoch / self.total_size - cycle
        rising = x <= self.step_ratio
        scale_factor = x / self.step_ratio if rising else (x - 1) / (self.step_ratio - 1)
        base_height = (self.max_lr - self.base_lr) * scale_factor
        if self.scale_mode == "cycle":
            return self.base_lr + base_height * self.scale_fn(cycle)
        return self.base_lr + base_height * self.scale_fn(self.last_epoch)

    def fused(self) -> Iterator[float]:
        total_size, step_ratio, scale_fn, by_cycle = (
            self.total_size,
            self.step_ratio,
            self.scale_fn,
            self.scale_mode == "cycle",
        )
        base_lr, height = self.base_lr, self.max_lr - self.base_lr
        for t in count(1):
            cycle = math.floor(1 + t / total_size)
            x = 1.0 + t / total_size - cycle
            scale_factor = x / step_ratio if x <= step_ratio else (x - 1) / (step_ratio - 1)
            base_height = height * scale_factor
            yield base_lr + base_height * scale_fn(cycle if by_cycle else t)


def CyclicLR(
    optimizer: object,
    base_lr: object,
    max_lr: object,
    step_size_up: int = 2000,
    step_size_down: int | None = None,
    mode: str = "triangular",
    gamma: float = 1.0,
    scale_fn: object = None,
    scale_mode: str = "cycle",
    cycle_momentum: bool = True,
    base_momentum: float = 0.8,
    max_momentum: float = 0.9,
    last_epoch: int = -1,
) -> Reproduction:
    low = per_group("base_lr", base_lr)
    high = per_group("max_lr", max_lr)
    up = float(number("step_size_up", step_size_up))
    down = up if step_size_down is None else float(number("step_size_down", step_size_down))
    if up + down == 0:
        nonzero("step_size_up", 0)
    if scale_fn is not None and not isinstance(scale_fn, Lambda):
        raise DialectError("scale_fn", f"expected None or `lambda x: <arithmetic>`, got {describe(scale_fn)}")
    if mode not in ("triangular", "triangular2", "exp_range") and scale_fn is None:
        raise DialectError("mode", f"mode is invalid and scale_fn is None, got mode={describe(mode)}")
    factor = number("gamma", gamma)
    cycle = up + down
    return reproduction(
        "CyclicLR",
        optimizer,
        last_epoch,
        lambda group: _CyclicLR(group, low, high, up, down, str(mode), factor, scale_fn, str(scale_mode)),
        needs_lr=False,
        length=int(cycle) if cycle == int(cycle) and cycle > 0 else None,  # torch takes negative sizes
    )


class _OneCycleLR(Scheduler):
    def __init__(
        self,
        group: Group,
        max_lr: float,
        total_steps: int,
        pct_start: float,
        cosine: bool,
        div_factor: float,
        final_div_factor: float,
        three_phase: bool,
    ) -> None:
        self.total_steps = total_steps
        # (end_step, start key, end key), keys of the group as torch stores them
        self.phases: list[tuple[float, str, str]] = [
            (float(pct_start * total_steps) - 1, "initial_lr", "max_lr")
        ]
        if three_phase:
            self.phases.append((float(2 * pct_start * total_steps) - 2, "max_lr", "initial_lr"))
            self.phases.append((total_steps - 1, "initial_lr", "min_lr"))
        else:
            self.phases.append((total_steps - 1, "max_lr", "min_lr"))
        self.cosine = cosine
        group.initial_lr = max_lr / div_factor
        group.max_lr = max_lr
        group.min_lr = group.initial_lr / final_div_factor
        super().__init__(group)

    def get_lr(self) -> float:
        step_num = self.last_epoch
        if step_num > self.total_steps:
            raise Refused
        start_step = 0.0
        for i, (end_step, start_key, end_key) in enumerate(self.phases):
            if step_num <= end_step or i == len(self.phases) - 1:
                pct = (step_num - start_step) / (end_step - start_step)
                start, end = getattr(self.group, start_key), getattr(self.group, end_key)
                if self.cosine:
                    cos_out = math.cos(math.pi * pct) + 1
                    return float(end + (start - end) / 2.0 * cos_out)
                return float((end - start) * pct + start)
            start_step = end_step
        raise AssertionError("the last phase always matches")

    def fused(self) -> Iterator[float]:
        phases = [
            (end_step, getattr(self.group, start_key), getattr(self.group, end_key))
            for end_step, start_key, end_key in self.phases
        ]
        last, cosine = len(phases) - 1, self.cosine
        for step_num in range(1, self.total_steps + 1):  # torch raises past total_steps
            start_step = 0.0
            for i, (end_step, start, end) in enumerate(phases):
                if step_num <= end_step or i == last:
                    pct = (step_num - start_step) / (end_step - start_step)
                    if cosine:
                        cos_out = math.cos(math.pi * pct) + 1
                        yield float(end + (start - end) / 2.0 * cos_out)
                    else:
                        yield float((end - start) * pct + start)
                    break
                start_step = end_step


def OneCycleLR(
    optimizer: object,
    max_lr: object,
    total_steps: int | None = None,
    epochs: int | None = None,
    steps_per_epoch: int | None = None,
    pct_start: float = 0.3,
    anneal_strategy: str = "cos",
    cycle_momentum: bool = True,
    base_momentum: object = 0.85,
    max_momentum: object = 0.95,
    div_factor: float = 25.0,
    final_div_factor: float = 1e4,
    three_phase: bool = False,
    last_epoch: int = -1,
) -> Reproduction:
    if total_steps is not None:
        if isinstance(total_steps, bool) or not isinstance(total_steps, int) or total_steps <= 0:
            raise DialectError(
                "total_steps", f"Expected positive integer total_steps, but got {describe(total_steps)}"
            )
        steps = total_steps
    elif epochs is not None and steps_per_epoch is not None:
        steps = integer("epochs", epochs, minimum=1) * integer("steps_per_epoch", steps_per_epoch, minimum=1)
    else:
        raise DialectError(
            "total_steps", "You must define either total_steps OR (epochs AND steps_per_epoch)"
        )
    if not isinstance(pct_start, float) or not 0 <= pct_start <= 1:
        raise DialectError(
            "pct_start",
            f"Expected float between 0 and 1 pct_start, but got {describe(pct_start)}"
            + (" (torch wants a float: write 0.0)" if pct_start == 0 else ""),
        )
    if anneal_strategy not in ("cos", "linear"):
        raise DialectError(
            "anneal_strategy",
            f"anneal_strategy must be one of 'cos' or 'linear', instead got {describe(anneal_strategy)}",
        )
    peak = per_group("max_lr", max_lr)
    div = nonzero("div_factor", div_factor)
    final_div = nonzero("final_div_factor", final_div_factor)
    if not isinstance(three_phase, (bool, int)):
        raise DialectError("three_phase", f"expected True or False, got {describe(three_phase)}")

    def notes(rows: int) -> list[str]:
        if rows <= steps:
            return []
        return [
            f"OneCycleLR with total_steps={steps}: the rate at t = {steps} is extrapolated "
            f"past the end, and torch refuses to step further (ValueError), so the rows stop "
            f"after {steps + 1}"
        ]

    return reproduction(
        "OneCycleLR",
        optimizer,
        last_epoch,
        lambda group: _OneCycleLR(
            group, peak, steps, pct_start, anneal_strategy == "cos", div, final_div, bool(three_phase)
        ),
        needs_lr=False,
        length=steps,
        notes=notes,
    )


class _Composite(Scheduler):
    """What SequentialLR and ChainedScheduler share: children on one group, undone together."""

    def __init__(self, group: Group, children: Sequence[Scheduler]) -> None:
        self.group = group
        self.children = children
        self._step_count = 0
        self._is_initial = False

    def undo(self) -> None:
        for child in self.children:
            child.undo()

    def _update_lr(self, epoch: int | None) -> None:
        raise DialectError(
            None,
            f"torch raises NotImplementedError when an outer SequentialLR resets a "
            f"{type(self).__name__.strip('_')} at its milestone",
        )


class _SequentialLR(_Composite):
    def __init__(self, group: Group, children: Sequence[Scheduler], milestones: Sequence[int]) -> None:
        super().__init__(group, children)
        self.milestones = milestones
        self.last_epoch = 0
        assert group.initial_lr is not None
        group.lr = group.initial_lr
        self.undo()
        self.children[bisect_right(self.milestones, 0)]._initial_step()

    def step(self) -> None:
        self.last_epoch += 1
        index = bisect_right(self.milestones, self.last_epoch)
        child = self.children[index]
        if index > 0 and self.milestones[index - 1] == self.last_epoch:
            child._update_lr(0)
        else:
            child.step()


class _ChainedScheduler(_Composite):
    def step(self) -> None:
        for child in self.children:
            child.step()


def _children(composite: str, schedulers: object, optimizer: str) -> list[TorchReproduction]:
    if not isinstance(schedulers, (list, tuple)) or not schedulers:
        raise DialectError(
            "schedulers",
            f"{composite} expects a non-empty list of torch schedulers, got {describe(schedulers)}",
        )
    for index, child in enumerate(schedulers):
        if not isinstance(child, TorchReproduction):
            raise DialectError(
                "schedulers",
                f"{composite} at index {index} should be a torch scheduler, got {describe(child)}",
            )
        if child.optimizer != optimizer:
            raise DialectError(
                "schedulers",
                f"{composite} expects all schedulers to belong to the same optimizer, but got "
                f"scheduler {child.scheduler} at index {index} on `{child.optimizer}`, "
                f"not `{optimizer}`",
            )
    return list(schedulers)


def SequentialLR(
    optimizer: object, schedulers: object, milestones: object, last_epoch: int = -1
) -> Reproduction:
    name = optimizer.id if isinstance(optimizer, Name) else ""
    children = _children("SequentialLR", schedulers, name)
    steps = milestones_of("milestones", milestones)
    if len(steps) != len(children) - 1:
        raise DialectError(
            "milestones",
            "Sequential Schedulers expects number of schedulers provided to be one more than "
            f"the number of milestone points, but got number of schedulers {len(children)} and "
            f"the number of milestones to be equal to {len(steps)}",
        )
    start = steps[-1] if steps else 0
    last = children[-1]

    def build(group: Group) -> Scheduler:
        return _SequentialLR(group, [child.build(group) for child in children], steps)

    return reproduction(
        "SequentialLR",
        optimizer,
        last_epoch,
        build,
        needs_lr=any(child.needs_lr for child in children),
        length=None if last.length is None else start + last.length,
        notes=lambda rows: last.notes(rows - start),
    )


def ChainedScheduler(schedulers: object, optimizer: object = None) -> Reproduction:
    first = schedulers[0] if isinstance(schedulers, (list, tuple)) and schedulers else None
    if optimizer is None and isinstance(first, TorchReproduction):
        optimizer = Name(first.optimizer)
    name = optimizer.id if isinstance(optimizer, Name) else ""
    children = _children("ChainedScheduler", schedulers, name)
    lengths = [child.length for child in children if child.length is not None]

    def build(group: Group) -> Scheduler:
        return _ChainedScheduler(group, [child.build(group) for child in children])

    def notes(rows: int) -> list[str]:
        return list(dict.fromkeys(note for child in children for note in child.notes(rows)))

    return reproduction(
        "ChainedScheduler",
        optimizer,
        -1,
        build,
        needs_lr=any(child.needs_lr for child in children),
        length=max(lengths, default=None),
        notes=notes,
    )
