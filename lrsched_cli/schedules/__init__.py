"""Pure schedule math: factories that check their arguments once and return ``t -> lr``.

Standard library only: no typer, rich or numpy, no I/O, no state. Each module holds a family of
factories (``decay``, ``piecewise``, ``polynomial``, ``cycles``, ``transformer``, ``plateau``),
imported from that module: a run loads its own schedule's module only. The package holds what
every schedule shares (`core`: the warmup and the argument checks).
"""

from lrsched_cli.errors import BeyondEnd, ScheduleError
from lrsched_cli.schedules.core import Schedule, join, linear_ramp, warmup_over, with_warmup

__all__ = [
    "BeyondEnd",
    "Schedule",
    "ScheduleError",
    "join",
    "linear_ramp",
    "warmup_over",
    "with_warmup",
]
