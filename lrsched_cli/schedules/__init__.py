"""Pure schedule math: factories that check their arguments once and return ``t -> lr``.

Standard library only: no typer, rich or numpy, no I/O, no state.
"""

from lrsched_cli.schedules.core import Schedule, ScheduleError, join, linear_ramp, with_warmup
from lrsched_cli.schedules.decay import cosine, cosine_restarts, exponential, step_decay
from lrsched_cli.schedules.piecewise import constant, multistep, piecewise_constant
from lrsched_cli.schedules.polynomial import inverse_time, linear, polynomial

__all__ = [
    "Schedule",
    "ScheduleError",
    "constant",
    "cosine",
    "cosine_restarts",
    "exponential",
    "inverse_time",
    "join",
    "linear",
    "linear_ramp",
    "multistep",
    "piecewise_constant",
    "polynomial",
    "step_decay",
    "with_warmup",
]
