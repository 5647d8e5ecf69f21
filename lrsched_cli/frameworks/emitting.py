"""What every emitter shares: the resolved schedule it writes, how it writes code, how it refuses.

An emitter takes a `Spec` (the schedule's parameters on the step clock, the warmup and the rows
lrsched prints) and returns one Python expression, or raises `EmitError` saying why the framework
cannot reproduce those rows exactly. Pure: no framework imports, standard library only.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import Any

from lrsched_cli.errors import EmitError
from lrsched_cli.frameworks._float32 import float32
from lrsched_cli.frameworks.base import Framework
from lrsched_cli.records import Record


class Spec(Record):
    """A resolved schedule as an emitter sees it: everything counted in scheduler steps."""

    params: Mapping[str, Any]
    """The schedule's own parameters, durations multiplied by the steps per epoch."""
    warmup: int
    warmup_start_lr: float
    first_rate: float
    """The schedule's rate when it starts, after the warmup: what the warmup ramps to."""
    rows: int
    steps_per_epoch: int
    warmup_option: str = "--warmup"
    """The option the warmup was given with, for a message asking to drop it."""

    @property
    def lr(self) -> float:
        return float(self.params["lr"])

    @property
    def stepped_per_batch(self) -> bool:
        return self.steps_per_epoch > 1

    def within(self, last: int, why: str) -> None:
        """Refuse when lrsched's rows run past step ``last``, where the framework differs."""
        if self.rows - 1 > last:
            epochs = (last + 1) // self.steps_per_epoch
            raise EmitError(
                f"{why}; that is {last + 1} rows, not {self.rows}: use --epochs {epochs} or fewer"
            )

    def no_warmup(self, framework: Framework, what: str) -> None:
        if self.warmup:
            raise EmitError(f"{framework.name}'s {what} has no warmup; drop {self.warmup_option}")

    def sets_rates(self, framework: Framework, what: str) -> None:
        """Refuse a warmup before a scheduler that sets rates itself: the ramp would scale --lr."""
        if self.warmup:
            raise EmitError(
                f"{what} sets the rates itself, so {framework.name} cannot ramp into it; "
                f"drop {self.warmup_option}"
            )

    def warmup_from_zero(self, framework: Framework) -> None:
        if self.warmup and self.warmup_start_lr != 0:
            raise EmitError(f"warmup in {framework.name} starts from 0; drop --warmup-start-lr")

    def warmup_to_lr(self, framework: Framework) -> None:
        if self.warmup and self.first_rate != self.lr:
            raise EmitError(
                f"warmup in {framework.name} ramps to --lr, this schedule starts at {self.first_rate}"
            )


Emitter = Callable[[Spec], str]
"""Spec -> the expression; raises `EmitError` for a spec the framework cannot reproduce."""


class Code(str):
    """Python source, written into an expression as it is."""


OPTIMIZER = Code("optimizer")


def call(function: str, *args: object, **kwargs: object) -> Code:
    """``function(arg, ..., key=value, ...)`` with every value written as a Python literal."""
    parts = [literal(arg) for arg in args] + [f"{key}={literal(value)}" for key, value in kwargs.items()]
    return Code(f"{function}({', '.join(parts)})")


def literal(value: object) -> str:
    """A value as Python source: code as is, floats in their shortest round-trip form."""
    if isinstance(value, Code):
        return str(value)
    if isinstance(value, str):
        return repr(str(value))  # an enum's value, not the enum
    if isinstance(value, (bool, int, float)):
        return repr(value)
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(literal(item) for item in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{literal(key)}: {literal(item)}" for key, item in value.items()) + "}"
    raise TypeError(f"no literal for {value!r}")


FLOAT32_NORMAL, FLOAT32_MAX = 2.0**-126, 3.4028234663852886e38
FLOAT32_STEPS = 2**24
"""Keras and optax hold the step in float32: every integer up to here, and no further, is exact."""


def float32_steps(spec: Spec, framework: Framework) -> None:
    """Refuse rows or rates that float32 cannot hold exactly enough: Keras and optax compute in it."""
    if spec.rows > FLOAT32_STEPS:
        raise EmitError(f"{framework.name} counts steps in float32, exact only up to {FLOAT32_STEPS} rows")
    for name, value in spec.params.items():
        for number in value if isinstance(value, (list, tuple)) else [value]:
            if isinstance(number, float) and number and not FLOAT32_NORMAL <= abs(number) <= FLOAT32_MAX:
                option = "--" + name.replace("_", "-")
                raise EmitError(
                    f"{framework.name} computes in float32, which cannot hold {option} {number!r}"
                )


def float32_power(spec: Spec, framework: Framework, rate: float, exponent: float) -> None:
    """Refuse when ``rate ** p``, with rate rounded to float32, drifts past the tolerance.

    The rounding error d of the rate grows into a relative error of about p * d in rate ** p;
    against the tolerance (of the peak, --lr) what counts is p * d * rate ** p, largest at
    p = -1 / ln(rate). ``exponent`` is the largest p over the rows.
    """
    if rate in (0.0, 1.0) or exponent <= 0:
        return
    drift = abs(float32(rate) - rate) / rate
    peak = -1 / math.log(rate)
    worst = exponent * rate**exponent if exponent < peak else peak / math.e
    if worst * drift > framework.tolerance / 2:
        raise EmitError(
            f"{framework.name} rounds the decay factor {rate!r} to float32 ({float32(rate)!r}), "
            f"which drifts by more than {framework.tolerance} of the peak over {spec.rows} rows"
        )


class Geometric(Record):
    """A decay by ``rate`` every ``steps`` steps, continuous or in a staircase (step, exponential)."""

    rate: float
    steps: int
    staircase: bool
    per_step: float
    """The factor per single step of the continuous decay."""

    def last_exponent(self, spec: Spec) -> float:
        """The largest exponent of ``rate`` over the rows lrsched prints."""
        t = max(spec.rows - 1 - spec.warmup, 0)
        return t // self.steps if self.staircase else t / self.steps


def geometric(spec: Spec) -> Geometric:
    """The decay of a step or exponential schedule: a factor per step_size, gamma or e^-decay_rate."""
    params = spec.params
    if "step_size" in params:
        gamma = params["gamma"]
        return Geometric(gamma, params["step_size"], True, gamma)
    steps = params["decay_steps"]
    if params.get("gamma") is not None:
        gamma = params["gamma"]
        return Geometric(gamma, steps, params["staircase"], gamma ** (1 / steps))
    k = params["decay_rate"]
    return Geometric(math.exp(-k), steps, params["staircase"], math.exp(-k / steps))


PLATEAU = "plateau follows a metric file, and --emit writes schedules of the step alone"
