"""Pure schedule math: factories that check their arguments once and return ``t -> lr``.

Standard library only: no typer, rich or numpy, no I/O, no state.
"""

from lrsched_cli.errors import BeyondEnd, ScheduleError
from lrsched_cli.schedules.core import Schedule, join, linear_ramp, warmup_over, with_warmup
from lrsched_cli.schedules.cycles import cyclic, one_cycle
from lrsched_cli.schedules.decay import cosine, cosine_restarts, exponential, step_decay
from lrsched_cli.schedules.piecewise import constant, multistep, piecewise_constant
from lrsched_cli.schedules.plateau import reduce_on_plateau
from lrsched_cli.schedules.polynomial import inverse_time, linear, polynomial
from lrsched_cli.schedules.transformer import inverse_sqrt, warmup_stable_decay

__all__ = [
    "BeyondEnd",
    "Schedule",
    "ScheduleError",
    "constant",
    "cosine",
    "cosine_restarts",
    "cyclic",
    "exponential",
    "inverse_sqrt",
    "inverse_time",
    "join",
    "linear",
    "linear_ramp",
    "multistep",
    "one_cycle",
    "piecewise_constant",
    "polynomial",
    "reduce_on_plateau",
    "step_decay",
    "warmup_over",
    "warmup_stable_decay",
    "with_warmup",
]
