"""``--emit lrsched``: a plan as the generic command line that builds it, every parameter spelled out.

The line names each of the schedule's parameters with its resolved value (defaults included),
the warmup, the steps per epoch where given, and the rows, so that running it prints the same
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

SHAPING = ("warmup", "warmup_start_lr")


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
        words += _option(parameter.name, value)
    for name in SHAPING:
        words += _option(name, params.get(name, 0))
    k = params.get("steps_per_epoch")
    if k is not None:
        words += _option("steps_per_epoch", k)
    words += _option("epochs", plan.rows // (k or 1))
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
