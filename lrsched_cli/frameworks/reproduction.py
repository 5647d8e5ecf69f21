"""What every framework dialect provides: the contract between `lrsched from` and a framework.

A framework module (``pytorch``, ``keras``, ``optax``, ``hf``, ``timm``) declares each scheduler
it reproduces as a Python function with *the framework's own signature* (same parameter names,
positional order and defaults), registered in its module-level ``SCHEDULERS`` dict under the
framework's name for it. Names it can never reproduce (metric-driven schedulers) go in an
optional ``REFUSED`` dict, name -> why and what to use instead: never listed as supported.
Named constants the framework's calls use (``SchedulerType.COSINE``) go in ``CONSTANTS``.
The dispatcher binds the parsed call to that signature exactly as Python would, so positional
and keyword arguments, defaults and "unexpected argument" errors behave like the framework. The
function checks the arguments the way the framework does,
raising `DialectError` (`lrsched_cli.errors`) naming the argument, and returns a `Reproduction`.

Pure: no I/O, no framework imports, standard library only.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Mapping, Sequence
from itertools import accumulate, chain, repeat
from typing import TYPE_CHECKING

from lrsched_cli.errors import DialectError
from lrsched_cli.frameworks.expression import ComputedFloat, ComputedInt, Lambda, Name, Unbound
from lrsched_cli.records import Record

if TYPE_CHECKING:
    from lrsched_cli.plan import Unit

Rates = Callable[[float | None], Iterator[float]]
"""Given the optimizer's learning rate (None when not given), the rate at t = 0, 1, 2, ...

t counts scheduler steps the way the framework does. The iterator may end, when the framework
refuses to step further (PyTorch OneCycleLR past ``total_steps``); it may also be endless.
"""


class Reproduction(Record):
    """One framework scheduler, resolved: what it is, and how to compute its rates."""

    framework: str
    """``torch``, ``keras``, ``optax``, ``hf`` or ``timm``."""
    scheduler: str
    """The framework's name for it, e.g. ``CosineAnnealingLR`` or ``get_cosine_schedule_with_warmup``."""
    arguments: Mapping[str, object]
    """Every argument as bound, defaults included; JSON-serialisable (nested schedulers as dicts).

    The dispatcher replaces it with the call as bound to the function's signature, so a framework
    function may pass ``{}``.
    """
    rates: Rates
    needs_lr: bool
    """True when the rates scale the optimizer's learning rate (PyTorch, Hugging Face, timm)."""
    length: int | None = None
    """The scheduler's natural number of rows (steps), when it has one."""
    notes: Callable[[int], list[str]] = lambda rows: []
    """Short warnings for a run of ``rows`` rows: climbing back past T_max, rows past the end, ..."""
    expression: str = ""
    """The call as the user wrote it (normalised); filled in by the dispatcher."""
    unit: Unit | None = None
    """What t counts when the scheduler fixes it (timm's ``t_in_epochs``); None: the framework's
    `Framework.unit`, which the dispatcher fills in."""
    over: Callable[[int], Rates] | None = None
    """For a schedule of training progress (fvcore's ParamScheduler, row i at i / N): the rates
    of a run of N rows, which ``lrsched from`` uses in place of ``rates`` (that of 30 rows)."""
    run: Callable[[int, int, int | None], tuple[Rates, list[str]]] | None = None
    """For a schedule that reads the run's length (Composer's ``'0.1dur'``): the rates and notes
    of a run of E epochs of K batches (or of N batches, the third argument, when the run's length
    is given in batches), one row per batch, which ``lrsched from`` and ``lrsched trainer`` use in
    place of ``rates`` (empty) and add to ``notes``."""


Values = Callable[[Sequence[float]], Sequence[float]]
"""A schedule's rates at many step counts t at once (a block of float32 ops): a range of them,
or, inside a join at a fractional boundary, float32 counts."""

BLOCKS = (64, 512)
"""The first blocks' sizes, then `BLOCK`: a short run computes few rows past its last."""
BLOCK = 4096


def vectorised(
    framework: str,
    scheduler: str,
    values: Values,
    length: int | None = None,
    notes: Callable[[int], list[str]] | None = None,
) -> Reproduction:
    """A scheduler whose rate is a function of the step alone, not of the optimizer's rate
    (Keras, optax), its rates computed a block of steps at a time (float32 ops at C speed,
    `lrsched_cli.frameworks._float32`); the dispatcher fills in the bound arguments."""

    def rates(lr: float | None) -> Iterator[float]:
        starts = accumulate(chain(BLOCKS, repeat(BLOCK)), initial=0)
        return chain.from_iterable(
            values(range(t, t + n)) for t, n in zip(starts, chain(BLOCKS, repeat(BLOCK)))
        )

    return Reproduction(
        framework, scheduler, {}, rates, needs_lr=False, length=length, notes=notes or (lambda rows: [])
    )


def elementwise(value: Callable[[int], float]) -> Values:
    """A schedule computed step by step, as `Values`."""
    return lambda steps: [value(t) for t in steps]  # type: ignore[arg-type]


def describe(value: object) -> str:
    """How every message shows a value: as the user wrote it.

    Literals as Python writes them (a float's repr is the shortest that round-trips), names and
    lambdas as written, arithmetic as written with its value (```0.1 * 3` (= 0.30000000000000004)``),
    a nested scheduler by its name, containers element by element; cut short past 200 characters.
    The one place a value becomes text: a message never shows a repr of lrsched's own objects,
    nor a number lrsched computed from the user's.
    """
    shown = _written(value)
    return shown if len(shown) <= 200 else f"{shown[:200]}... ({len(shown)} characters)"


def _written(value: object) -> str:
    if isinstance(value, Reproduction):
        return f"a {value.scheduler} scheduler"
    if isinstance(value, (Name, Lambda, Unbound)):
        return f"`{value}`"
    source = getattr(value, "source", None)
    if isinstance(value, (ComputedInt, ComputedFloat)) and source is not None:
        plain = int.__repr__(value) if isinstance(value, int) else float.__repr__(value)
        return plain if source == plain else f"`{source}` (= {plain})"
    if isinstance(value, list):
        return "[" + ", ".join(map(_written, value)) + "]"
    if isinstance(value, tuple):
        return "(" + ", ".join(map(_written, value)) + (",)" if len(value) == 1 else ")")
    if isinstance(value, dict):
        return "{" + ", ".join(f"{_written(k)}: {_written(v)}" for k, v in value.items()) + "}"
    return repr(value)


def number(argument: str, value: object) -> float:
    """``value`` if it is a real number (int or float, not bool), else `DialectError`."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise DialectError(argument, f"expected a number, got {describe(value)}")
    if not math.isfinite(value):
        raise DialectError(argument, f"expected a finite number, got {describe(value)}")
    return value


def integer(argument: str, value: object, *, minimum: int | None = None) -> int:
    """``value`` if it is an int (not bool) of at least ``minimum``, else `DialectError`."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise DialectError(argument, f"expected an integer, got {describe(value)}")
    if minimum is not None and value < minimum:
        raise DialectError(argument, f"expected an integer >= {minimum}, got {describe(value)}")
    return value


def boolean(argument: str, value: object) -> bool:
    """``value`` if it is True or False, else `DialectError`."""
    if not isinstance(value, bool):
        raise DialectError(argument, f"expected True or False, got {describe(value)}")
    return value


def metric_driven(scheduler: str) -> str:
    """Why ``scheduler`` cannot be reproduced from its call, and what does reproduce it: the
    message for every framework's ``REFUSED`` table."""
    return (
        f"{scheduler} changes the rate from a metric (validation loss), not from the step: "
        "use `lrsched plateau --lr LR --metrics FILE` with your metric, one value per epoch"
    )


def past_end(end: int, rows: int, what: str) -> list[str]:
    """The note for rows showing steps after ``end``, where the schedule has finished."""
    if rows > end + 1:
        return [f"rows past step {end}: {what}"]
    return []
