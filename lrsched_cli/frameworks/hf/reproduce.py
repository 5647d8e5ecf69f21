"""Hugging Face transformers (5.x): ``get_scheduler``, its ``SchedulerType`` names, and the table
of every function `lrsched from` reads (the functions themselves are in `schedules` and `floors`).

Metric-driven names (``reduce_lr_on_plateau``, ``greedy`` and their functions) have no closed
form: they are refused, pointing to ``lrsched plateau``, and never listed as supported.
"""

from __future__ import annotations

import difflib
import inspect
from collections.abc import Callable, Mapping

from lrsched_cli.errors import DialectError
from lrsched_cli.frameworks.hf.floors import (
    get_cosine_with_min_lr_schedule_with_warmup,
    get_cosine_with_min_lr_schedule_with_warmup_lr_rate,
    get_wsd_schedule,
)
from lrsched_cli.frameworks.hf.schedules import (
    get_constant_schedule,
    get_constant_schedule_with_warmup,
    get_cosine_schedule_with_warmup,
    get_cosine_with_hard_restarts_schedule_with_warmup,
    get_inverse_sqrt_schedule,
    get_linear_schedule_with_warmup,
    get_polynomial_decay_schedule_with_warmup,
)
from lrsched_cli.frameworks.reproduction import Reproduction, describe, metric_driven

TYPE_TO_SCHEDULER_FUNCTION: Mapping[str, Callable[..., Reproduction]] = {
    "linear": get_linear_schedule_with_warmup,
    "cosine": get_cosine_schedule_with_warmup,
    "cosine_with_restarts": get_cosine_with_hard_restarts_schedule_with_warmup,
    "polynomial": get_polynomial_decay_schedule_with_warmup,
    "constant": get_constant_schedule,
    "constant_with_warmup": get_constant_schedule_with_warmup,
    "inverse_sqrt": get_inverse_sqrt_schedule,
    "cosine_with_min_lr": get_cosine_with_min_lr_schedule_with_warmup,
    "cosine_warmup_with_min_lr": get_cosine_with_min_lr_schedule_with_warmup_lr_rate,
    "warmup_stable_decay": get_wsd_schedule,
}
"""transformers' ``SchedulerType`` value -> function, as in ``optimization.py``, for the types
lrsched reproduces."""

METRIC_DRIVEN: Mapping[str, str] = {
    "reduce_lr_on_plateau": "get_reduce_on_plateau_schedule",
    "greedy": "get_greedy_schedule",
}
"""The types that follow a metric, not the step, and their functions: refused, pointing to
``lrsched plateau``."""

REFUSED: Mapping[str, str] = {function: metric_driven(function) for function in METRIC_DRIVEN.values()}

SCHEDULER_TYPES: Mapping[str, str] = {
    "LINEAR": "linear",
    "COSINE": "cosine",
    "COSINE_WITH_RESTARTS": "cosine_with_restarts",
    "POLYNOMIAL": "polynomial",
    "CONSTANT": "constant",
    "CONSTANT_WITH_WARMUP": "constant_with_warmup",
    "INVERSE_SQRT": "inverse_sqrt",
    "REDUCE_ON_PLATEAU": "reduce_lr_on_plateau",
    "COSINE_WITH_MIN_LR": "cosine_with_min_lr",
    "COSINE_WARMUP_WITH_MIN_LR": "cosine_warmup_with_min_lr",
    "WARMUP_STABLE_DECAY": "warmup_stable_decay",
    "GREEDY": "greedy",
}
"""``transformers.SchedulerType``'s members and their values (trainer_utils.py)."""

CONSTANTS: Mapping[str, str] = {f"SchedulerType.{member}": value for member, value in SCHEDULER_TYPES.items()}
"""The names `lrsched from` reads as these values: ``get_scheduler(SchedulerType.COSINE, ...)``."""


def get_scheduler(
    name: str,
    optimizer: object,
    num_warmup_steps: int | None = None,
    num_training_steps: int | None = None,
    scheduler_specific_kwargs: dict[str, object] | None = None,
) -> Reproduction:
    if isinstance(name, str) and name in METRIC_DRIVEN:
        raise DialectError("name", metric_driven(f"get_scheduler({name!r})"))
    if not isinstance(name, str) or name not in TYPE_TO_SCHEDULER_FUNCTION:
        close = difflib.get_close_matches(str(name), TYPE_TO_SCHEDULER_FUNCTION, n=2)
        hint = f" (did you mean {' or '.join(map(repr, close))}?)" if close else ""
        raise DialectError(
            "name",
            f"{describe(name)} is not a SchedulerType lrsched reproduces{hint}; choose from "
            f"{', '.join(map(repr, TYPE_TO_SCHEDULER_FUNCTION))} (the metric-driven "
            f"{' and '.join(map(repr, METRIC_DRIVEN))}: use `lrsched plateau`)",
        )
    function = TYPE_TO_SCHEDULER_FUNCTION[name]
    if name == "constant":
        return function(optimizer)
    if scheduler_specific_kwargs is None:
        scheduler_specific_kwargs = {}
    if not isinstance(scheduler_specific_kwargs, dict) or not all(
        isinstance(key, str) for key in scheduler_specific_kwargs
    ):
        raise DialectError(
            "scheduler_specific_kwargs",
            f"expected a dict of keyword arguments, got {describe(scheduler_specific_kwargs)}",
        )
    if num_warmup_steps is None:
        raise DialectError(
            "num_warmup_steps", f"{name} requires `num_warmup_steps`, please provide that argument."
        )
    kwargs: dict[str, object] = {"num_warmup_steps": num_warmup_steps}
    if name == "constant_with_warmup":
        return function(optimizer, **kwargs)
    if name == "inverse_sqrt":
        return _bound(function, optimizer, {**kwargs, **scheduler_specific_kwargs})
    if name != "warmup_stable_decay" and num_training_steps is None:
        raise DialectError(
            "num_training_steps", f"{name} requires `num_training_steps`, please provide that argument."
        )
    kwargs["num_training_steps"] = num_training_steps
    return _bound(function, optimizer, {**kwargs, **scheduler_specific_kwargs})


def _bound(
    function: Callable[..., Reproduction], optimizer: object, kwargs: Mapping[str, object]
) -> Reproduction:
    try:
        inspect.signature(function).bind(optimizer, **kwargs)
    except TypeError as exc:
        raise DialectError("scheduler_specific_kwargs", f"{function.__name__}(): {exc}") from None
    return function(optimizer, **kwargs)


SCHEDULERS: dict[str, Callable[..., Reproduction]] = {
    function.__name__: function for function in (get_scheduler, *TYPE_TO_SCHEDULER_FUNCTION.values())
}

STEP_COUNTS = frozenset(
    {"num_warmup_steps", "num_training_steps", "num_decay_steps", "num_stable_steps", "timescale"}
)
"""The arguments that count steps: a float below 1 gets a note (a warmup ratio where steps go)."""
