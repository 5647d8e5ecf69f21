"""Emulating PyTorch's stateful scheduler stepping on one optimizer parameter group.

PyTorch schedulers are stateful: each ``step()`` multiplies the optimizer's *current* rate by a
factor (the "chainable" form), several schedulers may share one optimizer, and SequentialLR
resets a child at its milestone with the child's closed form. The closed forms drift from that
chain (by ~1e-11, more near zero), and composites only make sense as the chain, so the torch
dialect ports each class's ``get_lr`` onto `Group` — the one place in lrsched that steps state
instead of computing from ``t``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from itertools import count

from lrsched_cli.errors import DialectError, LrschedError
from lrsched_cli.frameworks.expression import Lambda, Name
from lrsched_cli.frameworks.reproduction import Reproduction, describe, integer, number


class Group:
    """One optimizer parameter group: the keys schedulers read and write."""

    def __init__(self, lr: float) -> None:
        self.lr = lr
        self.defaults_lr = lr  # optimizer.defaults["lr"]: the rate the optimizer was built with
        self.initial_lr: float | None = None
        self.max_lr = 0.0  # OneCycleLR keeps its peak and floor in the group
        self.min_lr = 0.0


class Refused(Exception):
    """Torch raises on this step (OneCycleLR past total_steps): the rates end."""


class Scheduler:
    """`torch.optim.lr_scheduler.LRScheduler`, for one group, stepped without ``epoch``."""

    def __init__(self, group: Group) -> None:
        if group.initial_lr is None:
            group.initial_lr = group.lr
        self.group = group
        self.base_lr: float = group.initial_lr
        self.last_epoch = -1
        self._is_initial = False
        self._initial_step()

    def _initial_step(self) -> None:
        self._step_count = 0
        self._is_initial = True
        try:
            self.step()
        finally:
            self._is_initial = False

    def step(self) -> None:
        self._step_count += 1
        self._update_lr(None)

    def _update_lr(self, epoch: int | None) -> None:
        if epoch is None:
            self.last_epoch += 1
            value = self.get_lr()
        else:
            self.last_epoch = epoch
            closed = self.closed_form_lr()
            value = self.get_lr() if closed is None else closed
        self.group.lr = value

    def undo(self) -> None:
        """SequentialLR's ``recursive_undo``: forget the construction step."""
        self.last_epoch -= 1

    def get_lr(self) -> float:
        raise NotImplementedError

    def closed_form_lr(self) -> float | None:
        """``_get_closed_form_lr``, for classes that have one (used when a SequentialLR resets)."""
        return None

    def fused(self) -> Iterator[float]:
        """The rates of steps 1, 2, ... after construction when this scheduler is stepped alone:
        its ``get_lr`` in one loop, the same operations in the same order as `step` would run
        them (so every float is the same), without the step machinery. Only a class that
        defines it is fused (a subclass's ``get_lr`` may differ); composites always step."""
        raise NotImplementedError


class LambdaScheduler(Scheduler):
    """``LambdaLR``: the initial rate times ``lr_lambda(t)`` (Hugging Face's schedules are these)."""

    def __init__(self, group: Group, lr_lambda: Callable[[int], float]) -> None:
        self.lr_lambda = lr_lambda
        super().__init__(group)

    def get_lr(self) -> float:
        return self.base_lr * self.lr_lambda(self.last_epoch)

    def fused(self) -> Iterator[float]:
        base, lr_lambda = self.base_lr, self.lr_lambda
        for t in count(1):
            yield base * lr_lambda(t)


class TorchReproduction(Reproduction):
    """A Reproduction that composites can attach to a shared optimizer group."""

    optimizer: str = ""
    """The optimizer's name in the expression: a composite's children must share it."""
    build: Callable[[Group], Scheduler] = lambda group: Scheduler(group)
    """Construct the scheduler on a group, as the framework's constructor does (one step)."""


def reproduction(
    scheduler: str,
    optimizer: object,
    last_epoch: object,
    build: Callable[[Group], Scheduler],
    *,
    needs_lr: bool = True,
    length: int | None = None,
    notes: Callable[[int], list[str]] = lambda rows: [],
) -> TorchReproduction:
    return TorchReproduction(
        framework="torch",
        scheduler=scheduler,
        arguments={},
        rates=rates_of(build),
        needs_lr=needs_lr,
        length=length,
        notes=notes,
        optimizer=_optimizer(optimizer, last_epoch),
        build=build,
    )


def _optimizer(optimizer: object, last_epoch: object) -> str:
    if not isinstance(optimizer, Name):
        raise DialectError(
            "optimizer",
            f"expected the optimizer, written as a bare name like `optimizer`, got {describe(optimizer)}",
        )
    if last_epoch != -1 or isinstance(last_epoch, bool):
        raise DialectError(
            "last_epoch",
            f"only a fresh scheduler (last_epoch=-1) can be reproduced, got {describe(last_epoch)}",
        )
    return optimizer.id


def rates_of(build: Callable[[Group], Scheduler]) -> Callable[[float | None], Iterator[float]]:
    def rates(lr: float | None) -> Iterator[float]:
        group = Group(0.0 if lr is None else lr)
        t = 0
        try:
            scheduler = build(group)
            yield group.lr
            if "fused" in vars(type(scheduler)):
                t = 1
                for rate in scheduler.fused():
                    yield rate
                    t += 1
                return
            while True:
                t += 1
                scheduler.step()
                yield group.lr
        except Refused:
            return
        except LrschedError:
            raise
        except (ArithmeticError, ValueError) as exc:  # math.cos(inf) too: torch's own math fails so
            raise DialectError(None, f"torch fails at step {t}: {type(exc).__name__}: {exc}") from None

    return rates


def per_group(argument: str, value: object) -> float:
    """A scalar, or torch's per-parameter-group list, here of one group."""
    if isinstance(value, (list, tuple)):
        if len(value) != 1:
            raise DialectError(
                argument,
                f"{argument} must have the same length as optimizer.param_groups "
                f"(lrsched emulates one group), got {describe(value)}",
            )
        value = value[0]
    return number(argument, value)


def nonzero(argument: str, value: object) -> float:
    checked = number(argument, value)
    if checked == 0:
        raise DialectError(argument, f"torch divides by it (ZeroDivisionError), got {describe(value)}")
    return checked


def lambda_argument(argument: str, value: object) -> Lambda:
    if isinstance(value, (list, tuple)) and len(value) == 1:
        value = value[0]
    if not isinstance(value, Lambda):
        raise DialectError(argument, f"expected `lambda epoch: <arithmetic>`, got {describe(value)}")
    return value


def milestones_of(argument: str, value: object) -> list[int]:
    if not isinstance(value, (list, tuple)):
        raise DialectError(argument, f"expected a list of integers, got {describe(value)}")
    return [integer(argument, item) for item in value]
