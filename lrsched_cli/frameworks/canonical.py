"""``--emit lrsched``: a plan as the generic command line that builds it, every parameter spelled out.

The line names each of the schedule's parameters with its resolved value (defaults included),
the warmup (``--warmup-steps`` for one in steps or a ratio of the run), the steps per epoch
where given, and the rows (``--epochs``, left out where they are a natural length of steps that
is no whole number of epochs: the parameters give it), so that running it prints the same
rows whatever the defaults become. A flag (``--staircase``) is written when set; a parameter the
schedule leaves unset (exponential's other form of decay) is left out.
"""

from __future__ import annotations

import inspect
import shlex
from enum import Enum
from typing import Any

from lrsched_cli.errors import EmitError
from lrsched_cli.plan import Plan
from lrsched_cli.registry import PARAMS, Entry


def command_line(entry: Entry, plan: Plan) -> str:
    """``lrsched NAME --option value ... --epochs N``: ``plan`` as one shell line."""
    params = plan.params
    words = ["lrsched", entry.name]
    for parameter in entry.parameters():
        value = params.get(parameter.name, parameter.default)
        if PARAMS[parameter.name].loader:
            raise EmitError(
                f"{entry.name} reads --{parameter.name} from a file, which a command line names, not holds"
            )
        if value is inspect.Parameter.empty:
            raise AssertionError(f"{entry.name}: {parameter.name} has no value")  # plan resolves them
        if parameter.name == entry.length and isinstance(value, float) and not value.is_integer():
            continue  # a length the rows gave, no whole number of epochs: --epochs gives it again
        words += _option(parameter.name, value)
    if "warmup_steps" in params:  # a warmup in steps or a ratio, resolved: the steps it warms for
        words += _option("warmup_steps", params["warmup_steps"])
    else:
        words += _option("warmup", params.get("warmup", 0))
    words += _option("warmup_start_lr", params.get("warmup_start_lr", 0))
    words += _option("by_epoch", params.get("by_epoch", False))
    k = params.get("steps_per_epoch") or 1
    if k > 1:
        words += _option("steps_per_epoch", k)
    if plan.rows % k == 0:  # else a natural length of steps, which the parameters above give
        words += _option("epochs", plan.rows // k)
    return shlex.join(words)


def _option(name: str, value: Any) -> list[str]:
    flag = "--" + name.replace("_", "-")
    if value is None or value is False:
        return []
    if value is True:
        return [flag]
    return [flag, _text(value)]


def _text(value: Any) -> str:
    if isinstance(value, Enum):
        return str(value.value)
    if isinstance(value, (list, tuple)):
        return ",".join(map(_text, value))
    return repr(value) if isinstance(value, float) else str(value)
