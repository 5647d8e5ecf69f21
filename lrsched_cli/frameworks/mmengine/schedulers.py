"""MMEngine's LR scheduler classes (``mmengine.optim``), each a function with the class's signature:
it checks the arguments as the class does, and builds its `chain` scheduler on a group.

Source read: mmengine 0.10.7, optim/scheduler/{param_scheduler,lr_scheduler}.py.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from lrsched_cli.errors import DialectError
from lrsched_cli.frameworks.mmengine import chain
from lrsched_cli.frameworks.mmengine.chain import INF, Build, Group
from lrsched_cli.frameworks.reproduction import Reproduction, boolean, describe, integer, number

if TYPE_CHECKING:
    from lrsched_cli.plan import Unit

FRAMEWORK = "mmengine"


class MMEngineReproduction(Reproduction):
    """A scheduler as MMEngine builds it on a group, for a ``param_scheduler`` chain."""

    build: Build | None = None
    by_epoch: bool = True
    one_cycle: bool = False
    trap_notes: Callable[[int], list[str]] = lambda rows: []


def _window(begin: object, end: object, last_step: object, by_epoch: object) -> dict[str, Any]:
    window = {
        "begin": integer("begin", begin),
        "end": integer("end", end),
        "by_epoch": boolean("by_epoch", by_epoch),
    }
    if last_step != -1:
        raise DialectError(
            "last_step", f"lrsched follows a run from its start (-1), got {describe(last_step)}"
        )
    if window["end"] <= window["begin"]:
        raise DialectError(
            "end", f"end should be larger than begin, but got begin={window['begin']}, end={window['end']}"
        )
    return window


def _reproduction(
    scheduler: str,
    build: Build,
    window: Mapping[str, Any],
    notes: Callable[[int], list[str]] = lambda rows: [],
    *,
    one_cycle: bool = False,
) -> MMEngineReproduction:
    by_epoch = bool(window["by_epoch"])

    def rates(lr: float | None) -> Iterator[float]:
        return chain.rates([(build, by_epoch)], lr if lr is not None else 0.0, None, scheduler)

    unit: Unit = "epoch" if by_epoch else "step"

    def all_notes(rows: int) -> list[str]:
        found = notes(rows)
        end = window["end"]
        if end < INF and rows > end:
            found.append(
                f"{scheduler}: rows past end={end} hold the last rate (MMEngine updates on [begin, end))"
            )
        return found

    length = window["end"] if window["end"] < INF else None
    return MMEngineReproduction(
        FRAMEWORK,
        scheduler,
        {},
        rates,
        needs_lr=not one_cycle,
        length=length,
        notes=all_notes,
        unit=unit,
        build=build,
        by_epoch=by_epoch,
        one_cycle=one_cycle,
        trap_notes=notes,
    )


def _infinite(scheduler: str, window: Mapping[str, Any]) -> list[str]:
    if window["end"] >= INF:
        return [
            f"{scheduler}: end is not set, so it is MMEngine's INF ({INF}): total_iters = end - begin - 1 "
            "spans "
            "a billion steps (MMEngine's Runner sets end to max_epochs or max_iters: lrsched trainer "
            "mmengine)"
        ]
    return []


def _factor(argument: str, value: object) -> float:
    factor = number(argument, value)
    if not 0 <= factor <= 1:
        what = (
            "Starting" if argument == "start_factor" else "Ending" if argument == "end_factor" else "Constant"
        )
        raise DialectError(
            argument, f"{what} multiplicative factor should between 0 and 1, got {describe(value)}"
        )
    return factor


def _epochs_note(scheduler: str, window: Mapping[str, Any]) -> list[str]:
    if window["by_epoch"] and window["end"] < INF:
        return [
            f"{scheduler}: by_epoch=True (MMEngine's default): it lasts {window['end'] - window['begin']} "
            "epochs; "
            "write by_epoch=False if end counts iterations"
        ]
    return []


def ConstantLR(
    optimizer: object,
    factor: float = 1.0 / 3,
    begin: int = 0,
    end: int = INF,
    last_step: int = -1,
    by_epoch: bool = True,
    verbose: bool = False,
) -> MMEngineReproduction:
    """``lr * factor`` from ``begin`` until step ``end - 1``, where it divides back."""
    window = _window(begin, end, last_step, by_epoch)
    value = _factor("factor", factor)

    def notes(rows: int) -> list[str]:
        return _infinite("ConstantLR", window) + _epochs_note("ConstantLR", window)

    return _reproduction(
        "ConstantLR", lambda group: chain.ConstantScheduler(group, value, **window), window, notes
    )


def LinearLR(
    optimizer: object,
    start_factor: float = 1.0 / 3,
    end_factor: float = 1.0,
    begin: int = 0,
    end: int = INF,
    last_step: int = -1,
    by_epoch: bool = True,
    verbose: bool = False,
) -> MMEngineReproduction:
    """From ``lr * start_factor`` to ``lr * end_factor`` over ``total_iters = end - begin - 1`` steps."""
    window = _window(begin, end, last_step, by_epoch)
    start, finish = _factor("start_factor", start_factor), _factor("end_factor", end_factor)

    def notes(rows: int) -> list[str]:
        found = _infinite("LinearLR", window) + _epochs_note("LinearLR", window)
        if window["end"] < INF:
            found.append(
                f"LinearLR reaches end_factor at step end - 1 = {window['end'] - 1}, after "
                f"{window['end'] - window['begin'] - 1} increments (MMEngine's total_iters = end - begin - 1)"
            )
        return found

    return _reproduction(
        "LinearLR", lambda group: chain.LinearScheduler(group, start, finish, **window), window, notes
    )


def ExponentialLR(
    optimizer: object,
    gamma: float,
    begin: int = 0,
    end: int = INF,
    last_step: int = -1,
    by_epoch: bool = True,
    verbose: bool = False,
) -> MMEngineReproduction:
    """``lr * gamma`` each step after ``begin``."""
    window = _window(begin, end, last_step, by_epoch)
    value = number("gamma", gamma)
    return _reproduction(
        "ExponentialLR", lambda group: chain.ExponentialScheduler(group, value, **window), window
    )


def StepLR(
    optimizer: object,
    step_size: int,
    gamma: float = 0.1,
    begin: int = 0,
    end: int = INF,
    last_step: int = -1,
    by_epoch: bool = True,
    verbose: bool = False,
) -> MMEngineReproduction:
    """``lr * gamma`` every ``step_size`` steps of its own."""
    window = _window(begin, end, last_step, by_epoch)
    size, value = integer("step_size", step_size, minimum=1), number("gamma", gamma)
    return _reproduction("StepLR", lambda group: chain.StepScheduler(group, size, value, **window), window)


def MultiStepLR(
    optimizer: object,
    milestones: list[int],
    gamma: float = 0.1,
    begin: int = 0,
    end: int = INF,
    last_step: int = -1,
    by_epoch: bool = True,
    verbose: bool = False,
) -> MMEngineReproduction:
    """``lr * gamma`` at each milestone of its own steps (a repeated one multiplies again)."""
    window = _window(begin, end, last_step, by_epoch)
    if not isinstance(milestones, (list, tuple)):
        raise DialectError("milestones", f"expected a list of steps, got {describe(milestones)}")
    steps = [integer("milestones", step) for step in milestones]
    value = number("gamma", gamma)
    return _reproduction(
        "MultiStepLR", lambda group: chain.MultiStepScheduler(group, steps, value, **window), window
    )


def PolyLR(
    optimizer: object,
    eta_min: float = 0,
    power: float = 1.0,
    begin: int = 0,
    end: int = INF,
    last_step: int = -1,
    by_epoch: bool = True,
    verbose: bool = False,
) -> MMEngineReproduction:
    """``(lr - eta_min) * (1 - 1 / (total_iters - t + 1)) ** power + eta_min``, chained."""
    window = _window(begin, end, last_step, by_epoch)
    low, exponent = number("eta_min", eta_min), number("power", power)

    def notes(rows: int) -> list[str]:
        return _infinite("PolyLR", window)

    return _reproduction(
        "PolyLR", lambda group: chain.PolyScheduler(group, low, exponent, **window), window, notes
    )


def CosineAnnealingLR(
    optimizer: object,
    T_max: int | None = None,
    eta_min: float | None = None,
    begin: int = 0,
    end: int = INF,
    last_step: int = -1,
    by_epoch: bool = True,
    verbose: bool = False,
    eta_min_ratio: float | None = None,
) -> MMEngineReproduction:
    """PyTorch's chainable cosine over ``T_max`` (default ``end - begin``), active on ``[begin, end)``."""
    window = _window(begin, end, last_step, by_epoch)
    if eta_min is None and eta_min_ratio is None:
        eta_min = 0.0
    if (eta_min is None) == (eta_min_ratio is None):
        raise DialectError(
            "eta_min_ratio", "Either `eta_min` or `eta_min_ratio should be specified, not both"
        )
    low = None if eta_min is None else number("eta_min", eta_min)
    ratio = None if eta_min_ratio is None else number("eta_min_ratio", eta_min_ratio)
    period = None if T_max is None else integer("T_max", T_max, minimum=1)
    span = window["end"] - window["begin"]

    def notes(rows: int) -> list[str]:
        found = _infinite("CosineAnnealingLR", window) if period is None else []
        if window["end"] < INF and (period or span) >= span:
            found.append(
                "CosineAnnealingLR updates on [begin, end) only: its last step is end - 1 = "
                f"{window['end'] - 1}, "
                f"{span - 1} of T_max={period or span}, so it never reaches eta_min "
                f"(set T_max={span - 1} to end on it)"
            )
        return found

    return _reproduction(
        "CosineAnnealingLR",
        lambda group: chain.CosineScheduler(group, period, low, ratio, **window),
        window,
        notes,
    )


def OneCycleLR(
    optimizer: object,
    eta_max: float = 0,
    total_steps: int | None = None,
    pct_start: float = 0.3,
    anneal_strategy: str = "cos",
    div_factor: float = 25.0,
    final_div_factor: float = 1e4,
    three_phase: bool = False,
    begin: int = 0,
    end: int = INF,
    last_step: int = -1,
    by_epoch: bool = True,
    verbose: bool = False,
) -> MMEngineReproduction:
    """The 1cycle policy from ``eta_max / div_factor`` up to ``eta_max`` and down, over
    ``total_steps`` (default ``end - begin``); MMEngine raises past them."""
    window = _window(begin, end, last_step, by_epoch)
    if total_steps is not None:
        if isinstance(total_steps, bool) or not isinstance(total_steps, int) or total_steps <= 0:
            raise DialectError(
                "total_steps", f"Expected positive integer total_steps, but got {describe(total_steps)}"
            )
        steps = total_steps
    else:
        steps = window["end"] - window["begin"]
    if not isinstance(pct_start, float) or not 0 <= pct_start <= 1:
        raise DialectError(
            "pct_start", f"Expected float between 0 and 1 pct_start, but got {describe(pct_start)}"
        )
    if anneal_strategy not in ("cos", "linear"):
        raise DialectError(
            "anneal_strategy",
            f'anneal_strategy must by one of "cos" or "linear", instead got {describe(anneal_strategy)}',
        )
    peak, div, final = (
        number("eta_max", eta_max),
        number("div_factor", div_factor),
        number("final_div_factor", final_div_factor),
    )
    phases = boolean("three_phase", three_phase)

    def build(group: Group) -> chain.Scheduler:
        return chain.OneCycleScheduler(
            group, peak, steps, pct_start, anneal_strategy == "cos", div, final, phases, **window
        )

    def notes(rows: int) -> list[str]:
        if rows > steps + 1:
            return [
                f"OneCycleLR with total_steps={steps}: MMEngine raises ValueError past it, so the rows stop"
            ]
        return []

    return _reproduction("OneCycleLR", build, window, notes, one_cycle=True)


def CosineRestartLR(
    optimizer: object,
    periods: list[int],
    restart_weights: Sequence[float] = (1,),
    eta_min: float | None = None,
    eta_min_ratio: float | None = None,
    begin: int = 0,
    end: int = INF,
    last_step: int = -1,
    by_epoch: bool = True,
    verbose: bool = False,
) -> MMEngineReproduction:
    """Cosines over ``periods``, restarting at ``lr * restart_weights[i]``."""
    window = _window(begin, end, last_step, by_epoch)
    if (eta_min is None) == (eta_min_ratio is None):
        raise DialectError(
            "eta_min", "CosineRestartLR needs exactly one of eta_min and eta_min_ratio (MMEngine asserts it)"
        )
    if not isinstance(periods, (list, tuple)) or not isinstance(restart_weights, (list, tuple)):
        raise DialectError("periods", f"expected lists of periods and weights, got {describe(periods)}")
    lengths = [integer("periods", period, minimum=1) for period in periods]
    weights = [number("restart_weights", weight) for weight in restart_weights]
    if len(lengths) != len(weights):
        raise DialectError("restart_weights", "periods and restart_weights should have the same length.")
    low = None if eta_min is None else number("eta_min", eta_min)
    ratio = None if eta_min_ratio is None else number("eta_min_ratio", eta_min_ratio)
    return _reproduction(
        "CosineRestartLR",
        lambda group: chain.CosineRestartScheduler(group, lengths, weights, low, ratio, **window),
        window,
    )


CLASSES: dict[str, Callable[..., MMEngineReproduction]] = {
    function.__name__: function
    for function in (
        ConstantLR,
        CosineAnnealingLR,
        ExponentialLR,
        LinearLR,
        MultiStepLR,
        StepLR,
        PolyLR,
        OneCycleLR,
        CosineRestartLR,
    )
}
"""``mmengine.optim``'s LR scheduler classes (its ``PARAM_SCHEDULERS`` names)."""
