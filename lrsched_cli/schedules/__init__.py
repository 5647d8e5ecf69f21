"""Pure schedule math: factories that check their arguments once and return ``t -> lr``.

Standard library only: no typer, rich or numpy, no I/O, no state.
"""

from lrsched_cli.schedules.core import Schedule, ScheduleError, join, linear_ramp, with_warmup
from lrsched_cli.schedules.decay import cosine, cosine_restarts, exponential, step_decay

__all__ = [
    "Schedule",
    "ScheduleError",
    "cosine",
    "cosine_restarts",
    "exponential",
    "join",
    "linear_ramp",
    "step_decay",
    "with_warmup",
]
